"""The demo guides: enough, complete, published, linked to the lists and the catalogue."""

import time

import pytest

from gongkai.catalogue.demo import load_catalogue_demo
from gongkai.catalogue.models import CatalogueItem, ListedItem, ListType
from gongkai.guides import rules
from gongkai.guides.demo import demo_codes, load_guides_demo
from gongkai.guides.lists import list_figures
from gongkai.guides.models import CertificateType, Guide, ServiceItem, TrustLevel
from gongkai.records.models import State


@pytest.fixture
def guides_demo(demo):
    load_catalogue_demo()
    started = time.perf_counter()
    load_guides_demo()
    return time.perf_counter() - started


@pytest.mark.parametrize("slug", ["yingjiang", "ouhai"])
def test_each_site_has_thirty_complete_published_guides(guides_demo, slug):
    guides = list(
        Guide.objects.filter(item__site__slug=slug, state=State.PUBLISHED).select_related("item")
    )
    assert len(guides) >= 30
    for guide in guides:
        assert rules.missing_elements(guide) == [], guide.item.code
        assert guide.verified_on is not None
        assert rules.guide_in_force(guide.item) == guide
    codes = sorted(ServiceItem.objects.filter(site__slug=slug).values_list("code", flat=True))
    assert codes == sorted(code for code, _name in demo_codes(slug))
    identity_only = [g for g in guides if rules.identity_card_only(g)]
    most_once = [g for g in guides if g.most_once]
    assert len(guides) // 4 <= len(identity_only) < len(guides)
    assert len(guides) // 4 <= len(most_once) <= len(guides) // 2 + 5
    organisations = {g.item.organisation_id for g in guides}
    assert len(organisations) >= 6
    assert len({g.item.item_type for g in guides}) >= 4
    assert ServiceItem.objects.filter(site__slug=slug, life_events__isnull=True).count() == 0


@pytest.mark.parametrize("slug", ["yingjiang", "ouhai"])
def test_library_lists_and_catalogue_links(guides_demo, slug):
    library = CertificateType.objects.filter(site__slug=slug)
    assert library.filter(kind="certificate").count() == 12
    assert library.filter(is_identity_card=True).count() == 1
    assert set(library.values_list("trust_level", flat=True)) == set(TrustLevel.values)
    items = ServiceItem.objects.filter(site__slug=slug)
    once = ListedItem.objects.filter(site__slug=slug, list_type=ListType.ONCE)
    assert set(once.values_list("code", flat=True)) == set(
        items.filter(guides__most_once=True).values_list("code", flat=True)
    )
    # every item is in the 权责清单 or the 公共服务事项清单 under its own code
    for item in items.prefetch_related("listed_items"):
        types = {entry.list_type for entry in item.listed_items.all()}
        assert types & {ListType.POWER, ListType.SERVICE}, item.code
    linked = CatalogueItem.objects.filter(site__slug=slug, service_items__isnull=False).distinct()
    assert linked.count() >= 3
    figures = list_figures(Site_of(slug))
    assert figures.power_or_service >= linked.count()
    assert figures.most_once >= 1


def Site_of(slug):  # noqa: N802 - reads as a noun in the assertion
    from gongkai.core.models import Site

    return Site.objects.get(slug=slug)


def test_the_demo_is_fast_and_loads_once(guides_demo):
    assert guides_demo < 3.0, f"guides demo took {guides_demo:.2f}s"
    before = Guide.objects.count()
    load_guides_demo()
    assert Guide.objects.count() == before


def test_the_demo_exports_and_reads_back_unchanged(guides_demo):
    from gongkai.core.permissions import SYSTEM
    from gongkai.guides.io import export_guides, import_guides

    site = Site_of("yingjiang")
    summary = import_guides(export_guides(site), site, actor=SYSTEM, dry_run=True)
    assert len(summary.unchanged) == ServiceItem.objects.filter(site=site).count()
    assert not summary.created and not summary.new_versions
