"""Generated history for the dashboard tests: on the demo sites and the demo catalogue, records
published on time and late (this year and last), withdrawn, without a deadline, drafts due and
overdue, periodic slots missed, fulfilled and due, requests overdue and due, interpretations,
responses and last year's annual reports for some organisations.

Rows are written straight to the tables (the workflows are tested on their own); dates are
relative to today so the figures' "this year", "overdue" and "due" hold whenever it runs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from gongkai.catalogue.demo import load_catalogue_demo
from gongkai.catalogue.models import CatalogueItem, FiveStage
from gongkai.core.demo import load_demo
from gongkai.core.models import Organisation, Site
from gongkai.foi.models import FoiRequest
from gongkai.foi.models import State as FoiState
from gongkai.oversight.models import AnnualReport
from gongkai.records.models import (
    ExpectedSlot,
    InterpretationRule,
    ItemPublishing,
    Kind,
    Record,
    State,
)

_serial = itertools.count(1)


@dataclass
class History:
    site: Site
    other: Site
    housing: Organisation
    civil: Organisation
    today: date
    leaves: list[CatalogueItem] = field(default_factory=list)


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def record(site, org, leaf, *, state=State.PUBLISHED, published=None, due=None, late=None, **kw):
    n = next(_serial)
    return Record.objects.create(
        site=site,
        organisation=org,
        catalogue_item=leaf,
        title=kw.pop("title", f"测试信息{n}"),
        index_number=f"T-{site.slug}-{n:05d}" if state != State.DRAFT else None,
        formed_on=kw.pop("formed_on", (published or timezone.now()).date() - timedelta(days=10)),
        state=state,
        published_at=published,
        due_date=due,
        days_late=late,
        **kw,
    )


def request_case(site, org, *, state=FoiState.IN_HANDLING, due=None, void=False):
    n = next(_serial)
    return FoiRequest.objects.create(
        site=site,
        organisation=org,
        serial=f"T{n:05d}",
        tracking_code=f"TC{n:010d}",
        applicant_kind="natural",
        name="张三",
        id_number="11010519491231002X",
        phone="13800138000",
        description="测试申请",
        wanted_form="electronic",
        delivery="email",
        channel="online",
        submitted_on=due - timedelta(days=30) if due else date(2026, 1, 5),
        received_on=due - timedelta(days=30) if due else date(2026, 1, 5),
        state=state,
        due_date=due,
        void=void,
    )


def slot(site, org, leaf, label, due, start):
    return ExpectedSlot.objects.create(
        site=site,
        organisation=org,
        catalogue_item=leaf,
        label=label,
        period_start=start,
        period_end=start + timedelta(days=27),
        due_date=due,
    )


def load_history() -> History:
    load_demo()
    load_catalogue_demo()
    site = Site.objects.get(slug="yingjiang")
    other = Site.objects.get(slug="ouhai")
    today = timezone.localdate()
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    civil = Organisation.objects.get(site=site, name="区民政局")
    h = History(site, other, housing, civil, today)
    leaves = list(
        CatalogueItem.objects.filter(
            site=site, numchild=0, is_retired=False, mode_proactive=True
        ).order_by("path")
    )
    assert len(leaves) >= 24, "the demo catalogue has enough leaves for the history"
    h.leaves = leaves
    stages = list(FiveStage)
    for i, leaf in enumerate(leaves[:20]):
        leaf.five_stage = stages[i % 5].value
        leaf.save(update_fields=["five_stage"])
    # the first leaves belong to 住建局, the next to 民政局 (beside whoever the demo named)
    for leaf in leaves[:12]:
        leaf.organisations.add(housing)
    for leaf in leaves[12:20]:
        leaf.organisations.add(civil)
    ItemPublishing.objects.create(
        catalogue_item=leaves[0], interpretation_rule=InterpretationRule.BLOCK
    )
    ItemPublishing.objects.create(
        catalogue_item=leaves[13], interpretation_rule=InterpretationRule.NOTICE
    )
    ItemPublishing.objects.create(catalogue_item=leaves[14])  # no interpretation asked

    now = timezone.now() - timedelta(minutes=5)
    last_year = _aware(date(today.year - 1, 6, 1))
    due_then = now.date() - timedelta(days=3)
    # published on time this year: 住建局 4, 民政局 2
    for leaf in leaves[0:4]:
        record(site, housing, leaf, published=now, due=due_then, late=0)
    for leaf in leaves[12:14]:
        record(site, civil, leaf, published=now, due=due_then, late=0)
    # published late this year: 住建局 3 (one leaf twice), 民政局 1
    record(site, housing, leaves[4], published=now, due=due_then, late=5)
    record(site, housing, leaves[4], published=now, due=due_then, late=2)
    record(site, housing, leaves[5], published=now, due=due_then, late=1)
    record(site, civil, leaves[14], published=now, due=due_then, late=9)
    # no deadline (long_term, realtime …): 住建局 1
    record(site, housing, leaves[6], published=now, due=None, late=0)
    # withdrawn this year, on time: counts in timeliness, does not cover its leaf
    record(site, housing, leaves[7], state=State.WITHDRAWN, published=now, due=due_then, late=0)
    # last year, on time: covers its leaf, not in this year's timeliness
    record(site, civil, leaves[15], published=last_year, due=last_year.date(), late=0)
    # a policy with its published interpretation (filed under another leaf), and a response
    policy = record(site, housing, leaves[0], published=now, due=due_then, late=0, kind=Kind.POLICY)
    record(
        site,
        housing,
        leaves[8],
        published=now,
        due=due_then,
        late=0,
        kind=Kind.INTERPRETATION,
        policy=policy,
    )
    record(site, civil, leaves[16], published=now, due=due_then, late=0, kind=Kind.RESPONSE)
    # drafts: overdue 住建局 2 民政局 1, due soon 住建局 1, due far 1, no due date 1
    past, soon, far = (
        today - timedelta(days=5),
        today + timedelta(days=2),
        today + timedelta(days=90),
    )
    record(site, housing, leaves[9], state=State.DRAFT, due=past)
    record(site, housing, leaves[10], state=State.SUBMITTED, due=past)
    record(site, civil, leaves[17], state=State.APPROVED, due=past)
    record(site, housing, leaves[11], state=State.RETURNED, due=soon)
    record(site, housing, leaves[11], state=State.DRAFT, due=far)
    record(site, civil, leaves[18], state=State.DRAFT, due=None)
    # slots: missed 住建局 2 民政局 1; fulfilled (published) 1; missed with only a draft 1;
    # due soon 民政局 1; far 1
    start = date(today.year - 1, 1, 1)
    slot(site, housing, leaves[2], "第1期", past, start)
    slot(site, housing, leaves[3], "第2期", past - timedelta(days=30), start)
    slot(site, civil, leaves[19], "第1期", past, start)
    done = slot(site, housing, leaves[1], "第3期", past, start)
    record(site, housing, leaves[1], published=now, due=past, late=3, slot=done)
    drafted = slot(site, civil, leaves[18], "第4期", past, start)
    record(site, civil, leaves[18], state=State.DRAFT, due=past, slot=drafted)
    slot(site, civil, leaves[17], "第5期", soon, start)
    slot(site, housing, leaves[5], "第6期", far, start)
    # requests: overdue 住建局 2 民政局 1 (one waiting for a correction), due soon 住建局 1,
    # due far 1, replied after its date 1, void 1
    request_case(site, housing, due=past)
    request_case(site, housing, due=past - timedelta(days=40), state=FoiState.REGISTERED)
    request_case(site, civil, due=past, state=FoiState.CORRECTION_ASKED)
    request_case(site, housing, due=soon, state=FoiState.EXTENDED)
    request_case(site, civil, due=far)
    request_case(site, housing, due=past, state=FoiState.REPLIED)
    request_case(site, housing, due=past, state=FoiState.CLOSED, void=True)
    # the other site: some of everything, so a leak across sites would show
    other_org = Organisation.objects.get(site=other, name="区住房和城乡建设局")
    other_leaf = CatalogueItem.objects.filter(site=other, numchild=0, mode_proactive=True).first()
    record(other, other_org, other_leaf, published=now, due=due_then, late=4)
    record(other, other_org, other_leaf, state=State.DRAFT, due=past)
    request_case(other, other_org, due=past)
    # last year's annual reports: the government and 住建局 have one
    for org in (Organisation.objects.get(site=site, name="迎江区人民政府"), housing):
        AnnualReport.objects.create(
            site=site,
            organisation=org,
            year=today.year - 1,
            file="annual-reports/test.pdf",
            file_name="test.pdf",
            file_kind="pdf",
            file_size=1,
            sha256="0" * 64,
        )
    return h
