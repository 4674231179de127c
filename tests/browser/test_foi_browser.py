"""依申请公开 end to end: an applicant applies and tracks; staff correct, consult, extend and reply;
the applicant sees every step and the due date moves as the rules say."""

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.records.files import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = png_bytes()
PHONE = "13912345678"


@pytest.fixture
def demo_site(transactional_db):
    from gongkai.core.demo import load_demo

    load_demo()


def expected_due(days: int) -> str:
    from django.utils import timezone

    from gongkai.core.workcalendar import add_working_days

    return add_working_days(timezone.localdate(), days).date.isoformat()


def track(page, code: str) -> dict:
    page.goto("/foi/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("申请时填写的联系电话").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    due = page.get_by_test_id("due-date")
    return {
        "state": page.get_by_test_id("state").inner_text(),
        "due": due.inner_text() if due.count() else "",
        "text": page.content(),
    }


def act(staff, form_heading: str, fields: dict | None = None, button: str | None = None):
    form = staff.locator(f"form:has(h3:text-is('{form_heading}'))")
    for label, value in (fields or {}).items():
        field = form.get_by_label(label)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.get_by_role("button", name=button or form_heading, exact=True).click()
    staff.wait_for_load_state()
    assert "已完成" in staff.content(), staff.locator(".form-errors").all_inner_texts()


def test_apply_track_and_handle_a_request(demo_site, phone_page, browser, live_server, settings):
    settings.REQUIRE_2FA = False
    from gongkai.core.demo import DEMO_PASSWORD
    from gongkai.foi.models import FoiRequest

    applicant = phone_page
    # --- the applicant applies, on a phone, and gets a code
    applicant.goto("/foi/")
    applicant.get_by_role("link", name="在线申请").click()
    assert_accessible(applicant, "apply form")
    applicant.get_by_label("向哪个机关申请").select_option(label="区住房和城乡建设局")
    applicant.get_by_label("自然人").check()
    applicant.get_by_label("姓名").fill("李四")
    applicant.get_by_label("证件号码").fill("11010519491231002X")
    applicant.get_by_label("联系电话").fill(PHONE)
    applicant.get_by_label("电子邮箱").fill("lisi@example.com")
    applicant.get_by_label("所需信息的内容描述").fill(
        "请公开本区2025年老旧小区改造项目的资金安排。"
    )
    applicant.get_by_label("身份证明（复印件或照片）").set_input_files(
        {"name": "id.png", "mimeType": "image/png", "buffer": PNG}
    )
    applicant.get_by_role("button", name="提交申请").click()
    applicant.wait_for_url("**/foi/apply/receipt/")
    code = applicant.get_by_test_id("tracking-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    first_due = expected_due(20)
    assert applicant.get_by_test_id("due-date").inner_text() == first_due

    seen = track(applicant, code)
    assert seen["state"] == "已登记" and seen["due"] == first_due
    assert_accessible(applicant, "track result")
    # someone with the code but not the phone learns nothing
    applicant.goto("/foi/track/")
    applicant.get_by_label("查询码").fill(code)
    applicant.get_by_label("申请时填写的联系电话").fill("13000000000")
    applicant.get_by_role("button", name="查询").click()
    assert "查询码或联系电话不正确" in applicant.content()
    assert "区住房和城乡建设局" not in applicant.locator("main").inner_text()

    # --- staff handle it
    pk = FoiRequest.objects.get().pk
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = context.new_page()
    staff.goto("/staff/login/")
    staff.get_by_label("账号").fill("yj_editor")
    staff.get_by_label("密码").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="登录").click()
    staff.wait_for_url("**/staff/")
    staff.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="依申请公开"
    ).last.click()
    staff.wait_for_url("**/staff/foi/")
    staff.get_by_role("link", name=re.compile(r"^\d{4}-\d{4}$")).first.click()
    assert staff.url.endswith(f"/staff/foi/{pk}/")
    assert_accessible(staff, "staff case page")

    act(staff, "告知补正", {"需要补正的事项": "请写明项目名称或文号"})
    seen = track(applicant, code)
    assert seen["state"] == "待补正" and seen["due"] == "计时暂停中"
    assert "请写明项目名称或文号" in seen["text"]

    act(staff, "收到补正")
    seen = track(applicant, code)
    assert seen["state"] == "办理中" and seen["due"] == first_due  # restarted from today

    act(staff, "征求意见", {"征求意见对象": "某建设工程有限公司"})
    assert staff.get_by_test_id("consultation-due").inner_text().startswith(expected_due(15))
    seen = track(applicant, code)
    assert seen["state"] == "征求意见中" and seen["due"] == "计时暂停中"

    act(staff, "征求意见结束")
    assert track(applicant, code)["due"] == first_due

    act(
        staff,
        "延长答复期限",
        {
            "延长的工作日数": "10",
            "批准人（公开工作机构负责人）": "王主任",
            "延期理由": "需要调取历史档案",
        },
    )
    seen = track(applicant, code)
    assert seen["state"] == "已延期办理中" and seen["due"] == expected_due(30)
    assert "延长答复期限 10 个工作日" in seen["text"]

    act(staff, "答复", {"办理结果": "部分公开", "理由或说明": "涉及个人信息的部分已遮盖"})
    assert "Word 版" in staff.content()
    seen = track(applicant, code)
    assert seen["state"] == "已答复"
    assert "部分公开" in applicant.get_by_test_id("outcome").inner_text()
    timeline = applicant.locator(".timeline li").all_inner_texts()
    kinds = [line.split()[1] for line in timeline]
    assert kinds == [
        "收到申请",
        "告知补正",
        "收到补正",
        "征求意见",
        "征求意见结束",
        "延长答复期限",
        "作出答复",
    ]
    assert_accessible(applicant, "track replied")
    context.close()


def test_apply_works_without_javascript(demo_site, browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/foi/apply/")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    assert "这个字段是必填项" in page.content() or "必填" in page.content()
    assert "/foi/apply/" in page.url
    context.close()
