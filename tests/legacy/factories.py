"""Test data for the legacy importer: imported pages as the importer leaves them, and the demo
district's leaves and organisations to publish them under."""

from __future__ import annotations

import itertools
from datetime import date

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import Organisation, Site
from gongkai.legacy.models import LegacyPage, PageStatus

_serial = itertools.count(1)


def leaf_of(organisation: Organisation) -> CatalogueItem | None:
    """A catalogue leaf the organisation is responsible for (or None)."""
    return (
        CatalogueItem.objects.filter(
            site=organisation.site, numchild=0, is_retired=False, organisations=organisation
        )
        .order_by("pk")
        .first()
    )


def responsible_pair(site: Site, name: str = "区住房和城乡建设局"):
    """An organisation of the site and a fresh leaf (with its parent) it publishes under."""
    from tests.records.conftest import make_leaf

    organisation = Organisation.objects.get(site=site, name=name)
    return organisation, make_leaf(site, "通知公告", organisations=[organisation])


def make_page(site: Site, **fields) -> LegacyPage:
    """An imported page (status imported, pending review) with a short body."""
    n = next(_serial)
    values = {
        "old_url": f"http://www.old.gov.cn/art/2017/10/25/art_1229_{n}.html",
        "status": PageStatus.IMPORTED,
        "title": f"旧站信息{n}",
        "published_on": date(2017, 10, 25),
        "source_name": "迎江区人民政府办公室",
        "column_name": "通知公告",
        "body_html": f"<p>这是第{n}条旧站信息的正文。</p>",
        "metadata": {},
    }
    values.update(fields)
    if "old_path" not in values:
        from gongkai.legacy.paths import old_path

        values["old_path"] = old_path(values["old_url"])
    return LegacyPage.objects.create(site=site, **values)
