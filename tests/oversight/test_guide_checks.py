"""办事服务 in the inspection checks and on the dashboard: a guide in force missing a key
element is a veto until the guide is fixed; case statistics not updated within 3 months cost
2 points, with a warning the month before; the figures equal the rows behind them."""

from datetime import date
from decimal import Decimal

import pytest

from gongkai.guides.models import CaseStatistic, CertificateKind, TrustLevel, Window
from gongkai.oversight import figures
from gongkai.oversight.checks import registered_checks, run_checks, site_score
from gongkai.oversight.indicators.guides import check_case_statistics, check_guide_elements
from gongkai.oversight.models import Finding, Severity
from gongkai.records.models import State
from tests.conftest import org
from tests.guides.factories import make_certificate, make_guide, make_item

pytestmark = pytest.mark.django_db

HOUSING = "区住房和城乡建设局"


@pytest.fixture
def item(yingjiang):
    return make_item(yingjiang, org(yingjiang, HOUSING))


def test_both_checks_are_registered():
    codes = {c.code: c for c in registered_checks()}
    assert codes["guide_elements"].indicator == "办事指南要素缺失"
    assert codes["case_statistics"].indicator == "服务统计未及时更新"


def test_a_guide_in_force_missing_an_element_is_a_veto_until_fixed(yingjiang, item):
    guide = make_guide(item, state=State.PUBLISHED, consult_phone="")
    make_guide(make_item(yingjiang, item.organisation, code="DRAFT"), consult_phone="")  # draft
    (finding,) = check_guide_elements(yingjiang)
    assert finding.severity == Severity.VETO
    assert finding.key == f"guide:{item.code}"
    assert finding.title == "餐饮服务食品经营许可的办事指南缺少咨询电话"
    assert finding.organisation == item.organisation
    run_checks(yingjiang, only=["guide_elements"])
    assert site_score(yingjiang).vetoes == 1
    guide.consult_phone = "0556-5550001"
    guide.save()
    result = run_checks(yingjiang, only=["guide_elements"])
    assert result.resolved == 1
    assert site_score(yingjiang).vetoes == 0


def _stat(site, item, month):
    CaseStatistic.objects.create(site=site, item=item, month=month, received=3, completed=3)


def test_statistics_not_updated_for_3_months_cost_2_points_with_a_warning_first(yingjiang, item):
    make_guide(item, state=State.PUBLISHED)
    # no statistics at all while guides are public: a deduction
    (none,) = check_case_statistics(yingjiang, today=date(2026, 12, 1))
    assert none.severity == Severity.DEDUCTION and "尚未公开" in none.title
    _stat(yingjiang, item, date(2026, 8, 1))
    # August's figures, then nothing for September, October, November: stale on 1 December
    assert list(check_case_statistics(yingjiang, today=date(2026, 10, 31))) == []
    (warning,) = check_case_statistics(yingjiang, today=date(2026, 11, 15))
    assert warning.severity == Severity.WARNING and warning.due_on == date(2026, 12, 1)
    (stale,) = check_case_statistics(yingjiang, today=date(2026, 12, 1))
    assert stale.severity == Severity.DEDUCTION and stale.points == Decimal(2)
    assert "最近月份 2026-08" in stale.title
    _stat(yingjiang, item, date(2026, 11, 1))
    assert list(check_case_statistics(yingjiang, today=date(2026, 12, 1))) == []


def test_the_check_resolves_when_statistics_come(yingjiang, item, monkeypatch):
    from django.utils import timezone

    make_guide(item, state=State.PUBLISHED)
    run_checks(yingjiang, only=["case_statistics"])
    finding = Finding.objects.get(site=yingjiang, check_code="case_statistics")
    assert finding.resolved_at is None and finding.points == Decimal(2)
    assert site_score(yingjiang).score == Decimal(98)
    _stat(yingjiang, item, timezone.localdate().replace(day=1))
    run_checks(yingjiang, only=["case_statistics"])
    finding.refresh_from_db()
    assert finding.resolved_at is not None


def test_the_figures_equal_the_rows(yingjiang, ouhai, item):
    housing = item.organisation
    civil = org(yingjiang, "区民政局")
    card = make_certificate(yingjiang)
    make_certificate(yingjiang, "户籍信息", TrustLevel.B, kind=CertificateKind.DATA)
    make_guide(
        item,
        state=State.PUBLISHED,
        most_once=True,
        materials=[{"name": "身份证", "certificate": card}],
    )
    second = make_item(yingjiang, civil, code="YJ-2", name="低保审批")
    make_guide(second, state=State.PUBLISHED, materials=[{"name": "收入证明"}])
    make_item(yingjiang, civil, code="YJ-3", name="无指南的事项")
    window = Window.objects.create(site=yingjiang, number="A01", name="综合窗口")
    window.items.set([item, second])
    Window.objects.create(site=yingjiang, number="A02", name="另一窗口")
    CaseStatistic.objects.create(
        site=yingjiang, item=item, window=window, month=date(date.today().year, 1, 1),
        received=7, completed=5,
    )  # fmt: skip
    CaseStatistic.objects.create(
        site=yingjiang, item=second, month=date(date.today().year - 1, 12, 1), received=100
    )  # last year: not counted
    make_item(ouhai, org(ouhai, HOUSING), code="OH-1")  # another site
    scope = figures.Scope(yingjiang, None, date.today())
    figure = figures.compute("guides", scope)
    counts = {p.key: p.count for p in figure.parts}
    assert counts == {
        "items": 3,
        "published": 2,
        "most_once": 1,
        "identity_card_only": 1,
        "windows": 2,
        "business": 2,
        "certificates": 1,
        "data": 1,
        "departments": 1,
        "cases": 7,
    }
    assert [i.code for i in figure.part("identity_card_only").items] == [item.code]
    assert list(figure.part("departments").items) == [housing]
    # an editor of 住建局 sees its own items; the hall's windows stay whole-site figures
    mine = figures.Scope(yingjiang, yingjiang.organisations.filter(pk=housing.pk), date.today())
    own = {p.key: p.count for p in figures.compute("guides", mine).parts}
    assert (own["items"], own["published"], own["cases"], own["windows"]) == (1, 1, 7, 2)


def test_the_figure_is_on_the_dashboard_and_drills_down(client, yingjiang, item):
    from tests.conftest import login_verified, user

    make_guide(item, state=State.PUBLISHED, most_once=True)
    login_verified(client, user("yj_admin"))
    page = client.get("/staff/oversight/").content.decode()
    assert "办事服务" in page and "“最多跑一次”事项" in page
    detail = client.get("/staff/oversight/figures/guides/?part=most_once").content.decode()
    assert item.name in detail
