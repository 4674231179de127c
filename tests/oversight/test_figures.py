"""The dashboard's figures (issue 12 point 1) equal counts made here directly, row by row in
Python over the tables (not by the figures' SQL aggregates), on the demo plus generated
history (tests/oversight/history.py); each drill-down holds exactly the counted items; an
editor's scope is their own organisation."""

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.catalogue.models import CatalogueItem, FiveStage
from gongkai.core.models import Membership, Organisation, OrganisationKind, Role
from gongkai.core.permissions import PermissionDenied
from gongkai.core.workcalendar import add_working_days
from gongkai.foi.models import OPEN as FOI_OPEN
from gongkai.foi.models import FoiRequest
from gongkai.oversight import figures
from gongkai.oversight.models import AnnualReport
from gongkai.records.models import ExpectedSlot, Kind, Record, State
from tests.conftest import user
from tests.oversight.history import load_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    return load_history()


def _ids(part) -> set[int]:
    return {obj.pk for obj in part.items}


def _leaves(site, orgs=None):
    result = []
    for leaf in CatalogueItem.objects.filter(site=site).prefetch_related("organisations"):
        if leaf.numchild or leaf.is_retired or not leaf.mode_proactive:
            continue
        if orgs is not None and not {o.pk for o in leaf.organisations.all()} & orgs:
            continue
        result.append(leaf)
    return result


def _org_ids(actor, site):
    return {o.pk for o in figures.dashboard_scope(actor, site).orgs()}


def _records(site, orgs=None):
    return [
        r for r in Record.objects.filter(site=site) if orgs is None or r.organisation_id in orgs
    ]


def _horizon(today):
    return add_working_days(today, figures.DUE_HORIZON_DAYS).date


# --------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("who", ["yj_admin", "yj_editor2"])
def test_coverage_equals_a_direct_count_per_domain_and_level(history, who):
    scope = figures.dashboard_scope(user(who), history.site)
    orgs = None if scope.whole_site else {o.pk for o in scope.orgs()}
    leaves = _leaves(history.site, orgs)
    current = {
        r.catalogue_item_id for r in _records(history.site, orgs) if r.state == State.PUBLISHED
    }
    total, covered = Counter(), Counter()
    for leaf in leaves:
        key = f"{leaf.domain.name}·{leaf.level_label}"
        total[key] += 1
        covered[key] += leaf.pk in current
    figure = figures.coverage(scope)
    assert {row[0]: (row[1], row[2]) for row in figure.rows} == {
        key: (covered[key], total[key] - covered[key]) for key in total
    }
    assert figure.part("covered").count == sum(covered.values()) > 0
    assert _ids(figure.part("covered")) == {leaf.pk for leaf in leaves if leaf.pk in current}
    assert _ids(figure.part("uncovered")) == {leaf.pk for leaf in leaves if leaf.pk not in current}
    assert figure.part("all").count == len(leaves)


def test_coverage_known_numbers(history):
    """By hand from the history: 住建局 covers leaves 0-6 (7 is only withdrawn) and 8 (the
    interpretation), 民政局 12-16 (15 by last year's record)."""
    figure = figures.coverage(figures.dashboard_scope(user("yj_admin"), history.site))
    covered = {history.leaves[i].pk for i in [0, 1, 2, 3, 4, 5, 6, 8, 12, 13, 14, 15, 16]}
    assert _ids(figure.part("covered")) == covered
    assert history.leaves[7].pk in _ids(figure.part("uncovered"))


# --------------------------------------------------------------------------- timeliness


@pytest.mark.parametrize("who", ["yj_admin", "yj_editor2"])
def test_timeliness_equals_a_direct_count_per_organisation(history, who):
    scope = figures.dashboard_scope(user(who), history.site)
    orgs = None if scope.whole_site else {o.pk for o in scope.orgs()}
    year = timezone.localdate().year
    counts: dict[str, Counter] = {}
    expected = {"on_time": set(), "late": set(), "no_deadline": set()}
    for r in _records(history.site, orgs):
        if r.state not in (State.PUBLISHED, State.WITHDRAWN, State.EXPIRED):
            continue
        if timezone.localtime(r.published_at).year != year:
            continue
        kind = "late" if r.days_late else ("no_deadline" if r.due_date is None else "on_time")
        counts.setdefault(r.organisation.name, Counter())[kind] += 1
        expected[kind].add(r.pk)
    figure = figures.timeliness(scope)
    assert {row[0]: tuple(row[1:4]) for row in figure.rows} == {
        name: (c["on_time"], c["late"], c["no_deadline"]) for name, c in counts.items()
    }
    for key, ids in expected.items():
        assert _ids(figure.part(key)) == ids
        assert figure.part(key).count == len(ids)


def test_timeliness_known_numbers(history):
    figure = figures.timeliness(figures.dashboard_scope(user("yj_admin"), history.site))
    rows = {row[0]: row[1:4] for row in figure.rows}
    # 住建局: on time 4 + policy + interpretation + withdrawn; late 5, 2, 1 and the slot's 3
    assert rows["区住房和城乡建设局"] == [7, 4, 1]
    # 民政局: on time 2 + the response (last year's is not this year's); late 1
    assert rows["区民政局"] == [3, 1, 0]


# --------------------------------------------------------------------------- duties, slots


@pytest.mark.parametrize("who", ["yj_admin", "yj_editor2"])
def test_duties_and_slots_equal_direct_counts(history, who):
    scope = figures.dashboard_scope(user(who), history.site)
    orgs = None if scope.whole_site else {o.pk for o in scope.orgs()}
    today, horizon = history.today, _horizon(history.today)
    open_states = {State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED}
    drafts = [r for r in _records(history.site, orgs) if r.state in open_states and r.due_date]
    duties = figures.duties(scope)
    assert _ids(duties.part("overdue")) == {r.pk for r in drafts if r.due_date < today}
    assert _ids(duties.part("due")) == {r.pk for r in drafts if today <= r.due_date <= horizon}
    assert duties.part("overdue").count == len(_ids(duties.part("overdue")))

    published_slots = set(
        Record.objects.filter(state=State.PUBLISHED, slot__isnull=False).values_list(
            "slot_id", flat=True
        )
    )
    open_slots = [
        s
        for s in ExpectedSlot.objects.filter(site=history.site)
        if s.pk not in published_slots and (orgs is None or s.organisation_id in orgs)
    ]
    slots = figures.slots(scope)
    assert _ids(slots.part("missed")) == {s.pk for s in open_slots if s.due_date < today}
    assert _ids(slots.part("due")) == {s.pk for s in open_slots if today <= s.due_date <= horizon}
    by_org = Counter(s.organisation.name for s in open_slots if s.due_date < today)
    assert {row[0]: row[1] for row in slots.rows} == by_org


def test_duties_and_slots_known_numbers(history):
    scope = figures.dashboard_scope(user("yj_admin"), history.site)
    assert [p.count for p in figures.duties(scope).parts] == [4, 1]
    # missed: 住建局 2, 民政局 2 (one has only a draft); the published slot is not missed
    assert [p.count for p in figures.slots(scope).parts] == [4, 1]


# --------------------------------------------------------------------------- requests


@pytest.mark.parametrize("who", ["yj_admin", "yj_editor"])
def test_requests_equal_direct_counts(history, who):
    scope = figures.dashboard_scope(user(who), history.site)
    orgs = None if scope.whole_site else {o.pk for o in scope.orgs()}
    today, horizon = history.today, _horizon(history.today)
    cases = [
        c
        for c in FoiRequest.objects.filter(site=history.site)
        if c.state in FOI_OPEN
        and not c.void
        and c.due_date
        and (orgs is None or c.organisation_id in orgs)
    ]
    figure = figures.requests(scope)
    assert _ids(figure.part("overdue")) == {c.pk for c in cases if c.due_date < today}
    assert _ids(figure.part("due")) == {c.pk for c in cases if today <= c.due_date <= horizon}
    expected = Counter(c.organisation.name for c in cases if c.due_date < today)
    assert {row[0]: row[1] for row in figure.rows if row[1]} == expected


def test_requests_known_numbers(history):
    figure = figures.requests(figures.dashboard_scope(user("yj_admin"), history.site))
    # overdue: 住建局 2, 民政局 1 (replied and void ones are not open; ouhai's is not ours)
    assert [p.count for p in figure.parts] == [3, 1]


# --------------------------------------------------------------------------- matrix


def test_matrix_cells_equal_direct_counts(history):
    scope = figures.dashboard_scope(user("yj_admin"), history.site)
    leaves = _leaves(history.site)
    records = [r for r in _records(history.site) if r.state == State.PUBLISHED]
    with_record = {r.catalogue_item_id for r in records}
    interpreted = {r.catalogue_item_id for r in records if r.kind == Kind.INTERPRETATION}
    interpreted |= {
        r.policy.catalogue_item_id for r in records if r.kind == Kind.INTERPRETATION and r.policy
    }
    responded = {r.catalogue_item_id for r in records if r.kind == Kind.RESPONSE}
    needs = set()
    for leaf in leaves:
        publishing = getattr(leaf, "publishing", None)
        if publishing is not None and publishing.interpretation_rule:
            needs.add(leaf.pk)
    expected = {}
    for leaf in leaves:
        row = expected.setdefault(leaf.domain.name, Counter())
        if leaf.five_stage:
            row[f"s{leaf.five_stage}"] += 1
            row[f"c{leaf.five_stage}"] += leaf.pk in with_record
        row["s发布"] += 1
        row["c发布"] += leaf.pk in with_record
        row["s解读"] += leaf.pk in needs
        row["c解读"] += leaf.pk in interpreted
        row["c回应"] += leaf.pk in responded
    figure = figures.matrix(scope)
    columns = figure.headers[1:]
    assert columns == ["决策", "执行", "管理", "服务", "结果", "发布", "解读", "回应"]
    got = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in figure.rows}
    for domain, c in expected.items():
        for col in columns:
            standard = "—" if col == "回应" else str(c[f"s{col}"])
            assert got[domain][col] == f"{c[f'c{col}']}/{standard}", (domain, col)
    # drill-downs: a stage's covered leaves, and the leaves asked to be interpreted
    decision = figure.part("DECISION")
    assert _ids(decision) == {
        leaf.pk
        for leaf in leaves
        if leaf.five_stage == FiveStage.DECISION and leaf.pk in with_record
    }
    assert _ids(figure.part("interpret")) == {leaf.pk for leaf in leaves if leaf.pk in interpreted}
    assert (
        _ids(figure.part("interpret_standard"))
        == needs
        == {
            history.leaves[0].pk,
            history.leaves[13].pk,
        }
    )
    assert _ids(figure.part("respond")) == responded == {history.leaves[16].pk}


# --------------------------------------------------------------------------- annual reports


def test_annual_report_dates_and_who_has_reported(history):
    year = history.today.year - 1
    figure = figures.annual_reports(figures.dashboard_scope(user("yj_admin"), history.site))
    reporting = [
        o
        for o in Organisation.objects.filter(site=history.site, is_active=True)
        if o.receives_requests
    ]
    reported = set(
        AnnualReport.objects.filter(site=history.site, year=year).values_list(
            "organisation_id", flat=True
        )
    )
    assert {o.pk for o in figure.part("done").items} == reported
    assert {o.pk for o in figure.part("missing").items} == {
        o.pk for o in reporting if o.pk not in reported
    }
    government = Organisation.objects.get(site=history.site, name="迎江区人民政府")
    assert government.kind == OrganisationKind.GOVERNMENT
    assert figures.annual_report_due(government, year) == date(year + 1, 3, 31)
    assert figures.annual_report_due(history.civil, year) == date(year + 1, 1, 31)
    # on any day after 31 January every department without a report is late
    late = {o.pk for o in figure.part("late").items}
    if history.today > date(year + 1, 1, 31):
        assert history.civil.pk in late
    assert history.housing.pk not in late


# --------------------------------------------------------------------------- scope


def test_an_editor_sees_only_their_organisation(history):
    scope = figures.dashboard_scope(user("yj_editor2"), history.site)
    assert not scope.whole_site
    assert {o.name for o in scope.orgs()} == {"区民政局"}
    for figure in figures.compute_all(scope):
        for part in figure.parts:
            for obj in part.items:
                org_id = getattr(obj, "organisation_id", None)
                if org_id is not None:
                    assert org_id == history.civil.pk, (figure.code, part.key, obj)
    timeliness = figures.timeliness(scope)
    assert [row[0] for row in timeliness.rows] == ["区民政局"]


def test_the_evaluator_sees_the_site_and_a_stranger_nothing(history):
    assert figures.dashboard_scope(user("yj_evaluator"), history.site).whole_site
    with pytest.raises(PermissionDenied):
        figures.dashboard_scope(user("oh_editor"), history.site)


def test_a_parent_sites_office_sees_its_children(history):
    parent = history.site.parent
    assert parent is not None and parent.slug == "shifan"
    office = Organisation.objects.get(site=parent, name="示范市人民政府办公室")
    city = user("yj_deputy")  # any account; given the city office's role here
    Membership.objects.create(user=city, organisation=office, role=Role.OFFICE_ADMIN)
    assert figures.dashboard_scope(city, history.other).whole_site
    assert [s.slug for s in figures.child_sites(city, parent)] == ["yingjiang", "ouhai"]
    # a district's office admin does not see the other district
    assert [s.slug for s in figures.child_sites(user("yj_admin"), parent)] == ["yingjiang"]
    with pytest.raises(PermissionDenied):
        figures.dashboard_scope(user("yj_admin"), history.other)


def test_the_figures_take_a_handful_of_queries(history):
    scope = figures.dashboard_scope(user("yj_admin"), history.site)
    with CaptureQueriesContext(connection) as queries:
        computed = figures.compute_all(scope)
        counts = [p.count for f in computed for p in f.parts]
    assert counts
    assert len(queries) <= 15, [q["sql"][:120] for q in queries]


def test_the_registry_takes_another_apps_figure(history):
    def messages(scope):
        return figures.Figure(
            "messages_test", "留言办理", "participation", [figures.Part("open", "未答复", 7, [])]
        )

    figures.register_figure("messages_test", messages, "participation", order=70)
    try:
        scope = figures.dashboard_scope(user("yj_admin"), history.site)
        codes = [f.code for f in figures.compute_all(scope)]
        orders = {f.code: (f.order, f.code) for f in figures.registered_figures()}
        assert codes == sorted(codes, key=orders.__getitem__)
        assert codes.index("messages_test") > codes.index("requests")
        assert figures.compute("messages_test", scope).part("open").count == 7
    finally:
        figures._registry.pop("messages_test")
