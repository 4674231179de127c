"""Published records without a publication time (国办秘函〔2019〕19号: "信息无发布时间的，视为
不更新"). Such a record is public (published, or expired and still listed as 失效) but no
list shows it and no column counts it: typically an old record loaded from an earlier system."""

from __future__ import annotations

from django.urls import reverse

from gongkai.records.models import Record
from gongkai.records.selectors import LISTED_STATES

from ..checks import FindingDraft, register_check
from ..models import Severity
from . import NO_PUBLICATION_TIME, POINTS, organisations_by_id


def check_publication_time(site):
    organisations = organisations_by_id(site)
    rows = (
        Record.objects.filter(site=site, state__in=LISTED_STATES, published_at__isnull=True)
        .order_by("id")
        .values_list("id", "title", "index_number", "organisation_id")
    )
    for pk, title, index_number, organisation_id in rows.iterator(chunk_size=500):
        yield FindingDraft(
            key=f"record:{pk}:no-published-at",
            title=f"“{title}”没有发布时间",
            severity=Severity.DEDUCTION,
            points=POINTS[NO_PUBLICATION_TIME],
            organisation=organisations.get(organisation_id),
            item_url=reverse("records_staff:detail", args=[pk]),
            detail=f"索引号 {index_number or '（无）'}；无发布时间的信息视为未更新，"
            "也不在栏目和目录中显示。",
        )


def register() -> None:
    register_check(
        "publication_time",
        check_publication_time,
        indicator=NO_PUBLICATION_TIME,
        description="已发布的信息缺少发布时间",
        order=30,
    )
