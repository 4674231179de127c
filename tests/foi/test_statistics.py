"""Table 三 from a year of generated cases equals a direct count, and the check row holds."""

from collections import Counter
from datetime import date

import pytest

from gongkai.core.permissions import SYSTEM
from gongkai.foi import statistics, workflow
from gongkai.foi.demo import load_foi_demo
from gongkai.foi.models import Appeal, FoiRequest
from tests.conftest import org

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture
def generated(yingjiang, monkeypatch):
    monkeypatch.setattr(workflow, "today", lambda: TODAY)
    created = load_foi_demo(today=TODAY, slugs=["yingjiang"])
    assert created > 90
    assert load_foi_demo(today=TODAY, slugs=["yingjiang"]) == 0  # idempotent
    return created


def column(r):
    return "natural" if r.applicant_kind == "natural" else r.org_category


def test_table_three_equals_a_direct_count(generated, yingjiang):
    for year in (2025, 2026):
        check_year(yingjiang, year)
    every_outcome_and_applicant_type_occurs(yingjiang)
    per_organisation_tables_add_up_to_the_site(yingjiang)
    table_four_and_handling(yingjiang)


def check_year(yingjiang, year):
    qs = statistics.requests_in_scope(site=yingjiang)
    table = statistics.table_three(qs, year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    cases = list(FoiRequest.objects.filter(site=yingjiang, void=False))
    concluded = [r for r in cases if r.replied_on and start <= r.replied_on <= end]
    by_outcome = Counter((r.outcome, column(r)) for r in concluded)
    for row in table.rows:
        if not row.values:
            continue
        if row.level == 2 or row.key in ("1", "2"):
            for key in statistics.COLUMN_KEYS[:-1]:
                assert row.values[key] == by_outcome[(row.key, key)], (row.label, key)
            assert row.values["total"] == sum(
                by_outcome[(row.key, k)] for k in statistics.COLUMN_KEYS[:-1]
            )
    new = Counter(column(r) for r in cases if start <= r.received_on <= end)
    carried = Counter(
        column(r)
        for r in cases
        if r.received_on < start and (r.replied_on is None or r.replied_on >= start)
    )
    forward = Counter(
        column(r)
        for r in cases
        if r.received_on <= end and (r.replied_on is None or r.replied_on > end)
    )
    for key in statistics.COLUMN_KEYS[:-1]:
        assert table.row("new").values[key] == new[key]
        assert table.row("carried").values[key] == carried[key]
        assert table.row("forward").values[key] == forward[key]
        assert table.row("total").values[key] == sum(1 for r in concluded if column(r) == key)
    # group rows are the sums of their items
    for group in ("3", "4", "5", "6"):
        items = [r for r in table.rows if r.key.startswith(group + ".")]
        assert table.row(group).cells == [
            sum(c) for c in zip(*(r.cells for r in items), strict=True)
        ]
    # the check row holds in every column, and every column is used
    assert table.check() == dict.fromkeys(statistics.COLUMN_KEYS, True)
    assert all(table.row("new").values[key] for key in statistics.COLUMN_KEYS) or year == 2026
    assert table.row("total").values["total"] > 30


def every_outcome_and_applicant_type_occurs(yingjiang):
    cases = FoiRequest.objects.filter(site=yingjiang, void=False)
    from gongkai.foi.models import Outcome

    assert set(cases.exclude(outcome="").values_list("outcome", flat=True)) == set(Outcome.values)
    assert {column(r) for r in cases} == set(statistics.COLUMN_KEYS[:-1])
    assert FoiRequest.objects.filter(site=yingjiang, void=True).count() == 1
    assert Appeal.objects.filter(request__site=yingjiang).exists()


def per_organisation_tables_add_up_to_the_site(yingjiang):
    site_table = statistics.table_three(statistics.requests_in_scope(site=yingjiang), 2025)
    orgs = set(FoiRequest.objects.filter(site=yingjiang).values_list("organisation", flat=True))
    totals = Counter()
    for org_id in orgs:
        t = statistics.table_three(statistics.requests_in_scope(organisations=[org_id]), 2025)
        assert t.check_ok
        totals.update(t.row("total").values)
    assert dict(totals) == site_table.row("total").values


def table_four_and_handling(yingjiang):
    qs = statistics.requests_in_scope(site=yingjiang)
    t4 = statistics.table_four(qs, 2025)
    for results in t4.values():
        assert results["total"] == sum(v for k, v in results.items() if k != "total")
    direct = Appeal.objects.filter(request__site=yingjiang, filed_on__year=2025).count()
    assert sum(r["total"] for r in t4.values()) >= direct
    handling = statistics.handling(qs, 2025, TODAY)
    assert handling.concluded > 30
    assert 0 < handling.average_days <= 40
    assert handling.overdue_rate is not None and 0 <= handling.overdue_rate < 50


def test_mistaken_registration_is_not_counted(yingjiang, make_request):
    housing = org(yingjiang, "区住房和城乡建设局")
    req = make_request(received=date(2026, 3, 2))
    workflow.close(req, on=date(2026, 3, 3), reason="误登记", actor=SYSTEM)
    table = statistics.table_three(statistics.requests_in_scope(organisations=[housing]), 2026)
    assert table.row("new").values["total"] == 0
