"""Issue 13, point 1 in a real browser: an editor drafts a guide, tries to submit it with a key
element missing and reads why it is refused, completes it and submits; the reviewer approves and
publishes; the public page shows it. The editor and item pages pass axe-core, at 375 px too."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "340802-XK-0310"


@pytest.fixture
def demo_site(transactional_db, settings):
    from gongkai.core.demo import load_demo

    settings.REQUIRE_2FA = False
    load_demo()


def test_draft_refused_completed_approved_published(demo_site, browser, live_server):
    from gongkai.guides.models import Guide
    from gongkai.records.models import State

    context, editor = staff_login(browser, live_server, DESKTOP, username="yj_editor")
    editor.get_by_role("link", name="办事服务", exact=True).first.click()
    editor.get_by_role("link", name="新增事项").first.click()
    editor.get_by_label("事项编码").fill(CODE)
    editor.get_by_label("事项名称").fill("城市建筑垃圾处置核准")
    editor.get_by_label("事项类型").select_option(label="行政许可")
    editor.get_by_label("服务对象").select_option(label="法人")
    editor.get_by_role("button", name="新增并起草指南").click()
    editor.wait_for_url("**/versions/1/edit/")

    editor.locator("#id_legal_basis").fill("《城市建筑垃圾管理规定》第七条")
    editor.locator("#id_applicant").fill("在本区产生建筑垃圾的施工单位")
    editor.locator("#id_statutory_limit_days").fill("20")
    editor.locator("#id_promised_limit_days").fill("3")
    editor.locator("#id_address").fill("迎江区政务服务中心二楼")
    editor.locator("#id_conditions-0-text").fill("已取得建筑工程施工许可")
    editor.locator("#id_materials-0-name").fill("建筑垃圾处置核准申请表")
    editor.locator("#id_steps-0-name").fill("受理")
    editor.locator("#id_steps-0-time_limit_days").fill("1")
    editor.locator("#id_steps-1-name").fill("审查与决定")
    editor.locator("#id_steps-1-time_limit_days").fill("2")
    assert_accessible(editor, "guide edit page")
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url("**/staff/services/items/*/?v=1")
    assert "提交审核前还须补充：咨询电话" in editor.content()

    # no consult phone yet: submission is refused, with the reason on the page
    editor.get_by_role("button", name="提交审核").click()
    editor.wait_for_load_state()
    refusal = editor.locator(".message.error")
    assert "缺少关键要素，不能提交审核：咨询电话" in refusal.inner_text()
    assert "缺少关键要素的办事指南不能发布" in refusal.inner_text()
    guide = Guide.objects.get(item__code=CODE)
    assert guide.state == State.DRAFT
    assert_accessible(editor, "item page with the refusal")

    editor.get_by_role("link", name="编辑指南").click()
    editor.locator("#id_consult_phone").fill("0556-5550310")
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url("**/staff/services/items/*/?v=1")
    editor.get_by_role("button", name="提交审核").click()
    editor.wait_for_load_state()
    assert "已提交审核" in editor.content()
    # the editor may not approve their own guide: the page offers no approval
    assert editor.get_by_role("button", name="审核通过").count() == 0
    context.close()

    context, reviewer = staff_login(browser, live_server, DESKTOP, username="yj_reviewer")
    assert "待我审核 1 份" in reviewer.content()  # the workbench panel
    reviewer.goto("/staff/services/review/")
    reviewer.get_by_role("link", name="审核", exact=True).click()
    reviewer.get_by_role("button", name="审核通过").click()
    reviewer.wait_for_load_state()
    assert "审核通过。" in reviewer.content()
    reviewer.get_by_role("button", name="发布").click()
    reviewer.wait_for_load_state()
    assert "已发布，公开页面显示本版。" in reviewer.content()
    assert "现行有效" in reviewer.content()
    context.close()
    assert Guide.objects.get(item__code=CODE).state == State.PUBLISHED

    public = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    page = public.new_page()
    response = page.goto(f"/services/items/{CODE}/")
    assert response.status == 200
    assert page.get_by_role("heading", name="城市建筑垃圾处置核准").count() == 1
    assert "建筑垃圾处置核准申请表" in page.content()
    assert_accessible(page, "public guide page at 375 px")
    public.close()


def test_edit_and_item_pages_at_phone_width(demo_site, browser, live_server):
    from gongkai.core.models import Organisation
    from gongkai.guides import workflow
    from gongkai.guides.models import ServiceItem
    from tests.conftest import user
    from tests.guides.factories import make_certificate, make_guide, make_item

    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    card = make_certificate(housing.site)
    item = make_item(housing.site, housing, code=CODE)
    guide = make_guide(
        item, materials=[{"name": "申请书"}, {"name": "身份证", "certificate": card}]
    )
    workflow.submit(user("yj_editor"), guide)
    workflow.approve(user("yj_reviewer"), guide)
    workflow.publish(user("yj_reviewer"), guide)
    from gongkai.guides.models import Guide

    published = Guide.objects.get(pk=guide.pk)
    workflow.new_version(
        user("yj_editor"),
        published,
        effective_from=published.effective_from,
        change_reason="材料精简",
    )
    item = ServiceItem.objects.get(pk=item.pk)

    context, page = staff_login(browser, live_server, PHONE, username="yj_editor")
    page.goto(f"/staff/services/items/{item.pk}/versions/2/edit/")
    assert page.locator("#id_materials-1-certificate").input_value() == str(card.pk)
    assert_accessible(page, "guide edit page at 375 px")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the edit page scrolls sideways at 375 px ({width} px)"
    page.goto(f"/staff/services/items/{item.pk}/?v=2")
    assert "与第1版相比的变化" in page.content()
    assert_accessible(page, "item page at 375 px")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the item page scrolls sideways at 375 px ({width} px)"
    context.close()
