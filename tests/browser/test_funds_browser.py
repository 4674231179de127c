"""资金第三方监管 end to end: the office registers a fund, the third party's supervisor records a
disbursement and publishes a report with its PDF, the administering organisation's staff are
refused when they try to publish and respond to the finding instead, and the public sees the
totals, the report and the response from the 公众参与 hub; axe on every page, at 375 px."""

import re

import pytest

from tests.browser.conftest import PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from gongkai.participation.demo_funds import ensure_firm, ensure_supervisor

    settings.REQUIRE_2FA = False
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    firm = ensure_firm(site)
    ensure_supervisor(firm)  # yj_supervisor, the demo password
    return {"site": site, "firm": firm}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_supervisor_publishes_administrator_responds_public_sees(world, browser, live_server):
    from gongkai.participation.models import SupervisedFund, SupervisionReport
    from tests.records.files import pdf_bytes

    # --- the office admin registers the fund and assigns the third party
    context, page = staff_login(browser, live_server, username="yj_admin")
    page.get_by_role("link", name="资金监管").first.click()
    page.get_by_role("link", name="登记监管资金").click()
    assert_accessible(page, "fund create")
    page.get_by_label("资金（项目）名称").fill("迎江区救灾资金")
    page.get_by_label("资金类别").select_option(label="救灾资金")
    page.get_by_label("资金管理单位").select_option(label="区民政局")
    page.get_by_label("第三方监管机构").select_option(label="安庆某会计师事务所")
    page.get_by_label("资金总额（元）").fill("500000.00")
    page.get_by_label("使用期间起").fill("2026-01-01")
    page.get_by_label("使用期间止").fill("2026-12-31")
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(re.compile(r"/staff/participation/funds/\d+/$"))
    fund = SupervisedFund.objects.get(name="迎江区救灾资金")
    # the office cannot write what the supervisor says: no forms for it
    assert page.get_by_role("form", name="登记拨付记录").count() == 0
    context.close()

    # --- the supervisor records a disbursement and publishes a report
    context, page = staff_login(browser, live_server, username="yj_supervisor")
    page.get_by_role("link", name="资金监管").first.click()
    page.get_by_role("link", name="迎江区救灾资金").click()
    assert_accessible(page, "supervisor fund page")
    form = page.get_by_role("form", name="登记拨付记录")
    form.get_by_label("拨付日期").fill("2026-03-05")
    form.get_by_label("金额（元）").fill("120000.50")
    form.get_by_label("用途").fill("受灾农户住房修缮补助")
    form.get_by_label("收款对象类别").select_option(label="农户（个人）")
    form.get_by_label("地区（乡镇、村）").fill("新洲乡")
    form.get_by_label("受益户数（人数）").fill("25")
    form.get_by_role("button", name="登记并公开").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("disbursed").inner_text() == "120000.50"
    form = page.get_by_role("form", name="发布监管报告")
    form.get_by_label("报告标题").fill("第一季度第三方监管报告")
    form.get_by_label("监管期间起").fill("2026-01-01")
    form.get_by_label("监管期间止").fill("2026-03-31")
    form.get_by_label("监管结论").fill("资金拨付总体规范。")
    form.get_by_label("发现的问题").fill("2户补助发放超过规定时限。")
    form.get_by_label("报告文件（PDF）").set_input_files(
        {"name": "监管报告.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    form.get_by_role("button", name="发布报告").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report").count() == 1
    review = page.get_by_role("form", name="核实第 1 项整改情况")
    review.get_by_label("整改状态").select_option(label="整改中")
    review.get_by_label("核实说明").fill("已通知乡镇补发")
    review.get_by_role("button", name="记录整改核实").click()
    page.wait_for_load_state()
    assert "整改中" in page.get_by_test_id("rectification").inner_text()
    context.close()

    # --- the administering organisation (民政局) may not publish, and responds instead
    context, page = staff_login(browser, live_server, username="yj_editor2")
    assert page.get_by_test_id("funds-awaiting").is_visible()  # its workbench panel
    page.goto(f"/staff/participation/funds/{fund.pk}/")
    assert page.get_by_role("form", name="发布监管报告").count() == 0
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    refused = page.request.post(
        f"/staff/participation/funds/{fund.pk}/reports/",
        multipart={
            "csrfmiddlewaretoken": token,
            "r-title": "自拟报告",
            "r-period_start": "2026-01-01",
            "r-period_end": "2026-03-31",
            "r-summary": "一切都好",
            "r-file": {"name": "r.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
        },
    )
    assert refused.status == 403
    assert SupervisionReport.objects.filter(fund=fund).count() == 1
    page.get_by_label("回应内容").fill("已督促乡镇完成发放，建立发放时限台账。")
    page.get_by_role("button", name="发布回应").click()
    page.wait_for_load_state()
    assert "建立发放时限台账" in page.get_by_test_id("response").inner_text()
    context.close()

    # --- the public, on a phone, from the hub
    public = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True, has_touch=True
    )
    page = public.new_page()
    page.goto("/")
    page.get_by_role("link", name="公众参与").first.click()
    page.wait_for_url("**/participate/")
    sections = page.get_by_test_id("hub-section")
    assert sections.filter(has_text="资金第三方监管").count() == 1
    assert sections.filter(has_text="咨询留言").count() == 1
    assert_accessible(page, "hub 375")
    no_sideways_scroll(page)
    page.get_by_role("link", name="迎江区救灾资金").click()
    assert page.get_by_test_id("allocated").inner_text() == "500000.00"
    assert page.get_by_test_id("disbursed").inner_text() == "120000.50"
    assert page.get_by_test_id("balance").inner_text() == "379999.50"
    assert "农户（个人） 25 户" in page.get_by_test_id("disbursement").inner_text()
    assert page.get_by_role("heading", name="第一季度第三方监管报告").is_visible()
    assert "建立发放时限台账" in page.get_by_test_id("response").inner_text()
    assert "整改中" in page.get_by_test_id("rectification").inner_text()
    assert_accessible(page, "fund page 375")
    no_sideways_scroll(page)
    with page.expect_response(re.compile(r"/file/$")) as pdf:
        page.goto(page.get_by_role("link", name="监管报告.pdf").get_attribute("href"))
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"
    page.goto("/participate/funds/")
    assert_accessible(page, "fund list 375")
    no_sideways_scroll(page)
    public.close()
