"""Small builders for the checks' tests: columns and published records as the portal sees
them (records created in their final state, as an archive import leaves them)."""

from datetime import timedelta

from django.utils import timezone

from gongkai.portal.models import Column, ColumnKind
from gongkai.records.models import Record, State
from tests.records.conftest import make_leaf


def column(site, slug, name, kind, record_kinds, **extra):
    return Column.objects.create(
        site=site, slug=slug, name=name, kind=kind, record_kinds=record_kinds, **extra
    )


def standard_columns(site):
    return {
        "news": column(site, "news", "要闻动态", ColumnKind.NEWS, ["general"]),
        "notices": column(site, "notices", "通知公告", ColumnKind.NOTICE, ["notice"]),
    }


def published(site, organisation, *, days_ago=0, kind="notice", title="通知", body="", leaf=None):
    leaf = leaf or make_leaf(site, f"{title}的事项", organisations=[organisation])
    at = None if days_ago is None else timezone.now() - timedelta(days=days_ago)
    return Record.objects.create(
        site=site,
        organisation=organisation,
        catalogue_item=leaf,
        kind=kind,
        title=title,
        body=body,
        state=State.PUBLISHED,
        published_at=at,
        formed_on=timezone.localdate() - timedelta(days=days_ago or 400),
    )
