"""The computed annual report in a real browser (issue 12 point 6): the office admin opens
住建局's report, writes section 五, overrides a cell with a reason (an override that breaks table
三's check row is refused at 定稿 with the column named), marks it final, publishes it, and the
public 公开年报 page shows it; axe-core at 1280 and 375 px."""

from datetime import date

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = timezone.localdate().year - 1


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path, monkeypatch):
    from gongkai.core.demo import load_demo
    from gongkai.core.permissions import SYSTEM
    from gongkai.foi import workflow
    from gongkai.foi.models import Channel
    from tests.conftest import org
    from tests.foi.conftest import applicant

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REQUIRE_2FA = False  # the second factor has its own tests
    load_demo()
    from gongkai.core.models import Site

    housing = org(Site.objects.get(slug="yingjiang"), "区住房和城乡建设局")
    monkeypatch.setattr(workflow, "today", lambda: date(YEAR, 12, 20))
    for month, outcome in ((3, "1"), (5, "2"), (9, "4.1"), (12, None)):
        case = workflow.register(
            organisation=housing,
            applicant=applicant(),
            channel=Channel.IN_PERSON,
            submitted_on=date(YEAR, month, 2),
            actor=SYSTEM,
        )
        if outcome:
            workflow.reply(
                case, on=date(YEAR, month, 20), outcome=outcome, reason="依法答复", actor=SYSTEM
            )
    monkeypatch.undo()
    return housing


def _set_cell(page, key, value, reason):
    page.get_by_label("单元格").select_option(value=key)
    page.get_by_label("数值").fill(value)
    page.get_by_label("来源或修改理由").fill(reason)
    page.get_by_role("button", name="保存数据").click()
    page.wait_for_load_state()


def test_staff_write_override_finalise_and_publish(demo_site, browser, live_server):
    from gongkai.oversight import annual
    from gongkai.oversight.models import AnnualReportDraft
    from tests.oversight.conftest import fill_entered

    context, page = staff_login(browser, live_server, DESKTOP)
    try:
        page.get_by_role("link", name="编写年度报告（系统生成）").click()
        page.wait_for_url("**/staff/oversight/annual/")
        assert_accessible(page, "annual list 1280px")
        page.get_by_label("报告机关").select_option(label="区住房和城乡建设局")
        page.get_by_label("报告年度").select_option(label=f"{YEAR}年")
        page.get_by_role("button", name="打开").click()
        page.wait_for_url("**/staff/oversight/annual/*/")
        draft = AnnualReportDraft.objects.get(organisation=demo_site, year=YEAR)
        three = page.get_by_role("table", name="表三 收到和处理政府信息公开申请情况")
        new_row = three.get_by_role("row", name="一、本年新收政府信息公开申请数量")
        assert new_row.get_by_role("cell").last.inner_text() == "4"
        assert (
            "本年新收政府信息公开申请 4 件"
            in page.get_by_role("textbox", name="一、总体情况").input_value()
        )
        assert_accessible(page, "annual report page 1280px")

        page.get_by_role("textbox", name="五、存在的主要问题及改进情况").fill(
            "政策解读形式较单一，下一步增加图解。"
        )
        page.get_by_role("button", name="保存正文").click()
        page.wait_for_load_state()
        assert "正文已保存" in page.locator(".messages").inner_text()

        # an override that breaks the check row: 定稿 is refused and names the column
        fill_entered(draft)
        page.reload()
        _set_cell(page, "t3.new.natural", "5", "补录一件纸质申请")
        assert "已修改" in page.locator(".messages").inner_text()
        page.get_by_role("button", name="定稿").click()
        page.wait_for_load_state()
        refused = page.locator(".messages").inner_text()
        assert "不能定稿" in refused and "自然人" in refused
        _set_cell(page, "t3.new.natural", "", "")
        assert "已恢复为系统计算值" in page.locator(".messages").inner_text()

        _set_cell(page, "t2.permit.decisions", "37", "区政务服务网办件统计")
        _set_cell(page, "t4.reconsideration.maintained", "1", "复议决定书迎政复〔2025〕3号未录入")
        manual = page.get_by_role("table", name="人工填报和修改的数据")
        assert manual.get_by_role("row", name="复议决定书").count() == 1
        page.get_by_role("button", name="定稿").click()
        page.wait_for_load_state()
        assert "已定稿" in page.locator("#annual-state").inner_text()
        page.get_by_role("button", name="公布到公开年报").click()
        page.wait_for_load_state()
        assert "已公布" in page.locator(".messages").inner_text()
        assert_accessible(page, "published report page 1280px")

        draft.refresh_from_db()
        report = draft.published
        page.goto("/xxgk/report/")
        link = page.get_by_role("link", name=f"区住房和城乡建设局{YEAR}年政府信息公开工作年度报告")
        assert link.count() == 1
        link.click()
        page.wait_for_url(f"**/xxgk/report/{report.pk}/page/")
        assert "政策解读形式较单一" in page.content()
        permit = page.get_by_role("table", name="表二 主动公开政府信息情况")
        assert "37" in permit.get_by_role("row", name="行政许可").inner_text()
        assert "区政务服务网办件统计" in page.locator(".annual-note").inner_text()
        four = page.get_by_role("table", name="表四 政府信息公开行政复议、行政诉讼情况")
        assert four.locator("tbody td").first.inner_text().startswith("1")
        assert_accessible(page, "public report page 1280px")
        assert annual.report_view(draft).value("t4.reconsideration.maintained") == "1"
    finally:
        context.close()
    phone, page = staff_login(browser, live_server, PHONE)
    try:
        for url in (
            "/staff/oversight/annual/",
            f"/staff/oversight/annual/{draft.pk}/",
            "/xxgk/report/",
            f"/xxgk/report/{report.pk}/page/",
        ):
            response = page.goto(url)
            assert response.status == 200, url
            wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert wide, f"{url} scrolls sideways at 375px"
            assert_accessible(page, f"{url} 375px")
    finally:
        phone.close()
