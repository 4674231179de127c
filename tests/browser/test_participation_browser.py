"""公众参与 end to end: a visitor asks a question (without JavaScript), staff reply, the public
page shows it masked; a visitor reports an error from a record page with its address filled
in and rates the page; axe at 1280 and 375 px and in the 长辈版."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "我家小区什么时候改造？我的手机13805561234，身份证340802199001011234。"


@pytest.fixture
def world(transactional_db, settings):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from tests.conftest import org, user
    from tests.records.conftest import make_leaf, published

    settings.REQUIRE_2FA = False
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = org(site, "区住房和城乡建设局")
    leaf = make_leaf(site, organisations=[housing], channels=["政府网站"])
    record = published(user("yj_editor"), user("yj_reviewer"), housing, leaf, title="停水通知")
    return {"site": site, "record": record, "housing": housing}


def login(browser, live_server, username):
    from gongkai.core.demo import DEMO_PASSWORD

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    page.goto("/staff/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    return context, page


def test_ask_reply_and_the_public_page_is_masked(world, browser, live_server):
    from gongkai.participation.models import Message

    # --- a visitor without JavaScript asks
    visitor_context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="zh-CN", viewport=DESKTOP
    )
    visitor = visitor_context.new_page()
    visitor.goto("/")
    # one nav link to the 公众参与 hub, which leads to 咨询留言
    visitor.get_by_role("navigation", name="主导航").get_by_role("link", name="公众参与").click()
    visitor.get_by_role("heading", name="咨询留言").get_by_role("link").click()
    visitor.get_by_role("link", name="我要留言").click()
    visitor.get_by_role("button", name="提交留言").click()  # empty: the form says what is missing
    assert "请填写此项" in visitor.content() or "请选择机构" in visitor.content()
    visitor.get_by_label("向哪个机构留言").select_option(label="区住房和城乡建设局")
    visitor.get_by_label("标题").fill("老旧小区改造时间")
    visitor.get_by_label("留言内容").fill(QUESTION)
    visitor.locator("#id_name").fill("王小芳")
    visitor.get_by_label("联系电话").fill("13805561234")
    visitor.get_by_role("button", name="提交留言").click()
    visitor.wait_for_url("**/participate/messages/receipt/")
    code = visitor.get_by_test_id("tracking-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    message = Message.objects.get()

    # --- the other department's editor does not see it; 住建局's replies
    other_context, other = login(browser, live_server, "yj_editor2")
    other.goto("/staff/participation/")
    assert "老旧小区改造时间" not in other.content()
    other_context.close()
    staff_context, staff = login(browser, live_server, "yj_editor")
    assert "待答复留言" in staff.content()
    staff.get_by_role("link", name=re.compile("待答复留言")).click()
    staff.get_by_role("link", name=message.serial).click()
    assert staff.get_by_test_id("urgency").inner_text().startswith("剩余")
    assert_accessible(staff, "staff message page")
    reply_form = staff.locator("form:has(h3:text-is('答复'))")
    reply_form.get_by_label("答复内容").fill("您好！该小区已列入计划，预计下月开工。")
    reply_form.get_by_role("button", name="提交答复").click()
    staff.wait_for_load_state()
    assert staff.get_by_test_id("state").inner_text().startswith("已答复")
    staff_context.close()

    # --- the public list and page show it, masked
    visitor.goto("/participate/messages/")
    visitor.get_by_role("link", name="老旧小区改造时间").click()
    text = visitor.locator("main").inner_text()
    assert "13805561234" not in text and "138****1234" in text
    assert "340802199001011234" not in text and "340802********1234" in text
    assert visitor.get_by_test_id("asker").inner_text() == "王**"
    assert "预计下月开工" in visitor.get_by_test_id("reply").inner_text()

    # --- the asker follows it with the code
    visitor.goto("/participate/messages/track/")
    visitor.get_by_label("查询码").fill(code)
    visitor.get_by_label("留言时填写的联系电话或电子邮箱").fill("13805561234")
    visitor.get_by_role("button", name="查询").click()
    assert visitor.get_by_test_id("state").inner_text() == "已答复"
    visitor_context.close()

    # --- axe (it needs JavaScript) at 1280 and 375 px, standard and 长辈版
    for viewport, elder in ((DESKTOP, False), (PHONE, False), (DESKTOP, True), (PHONE, True)):
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, locale="zh-CN", is_mobile=viewport == PHONE
        )
        if elder:
            context.add_cookies([{"name": "gk_elder", "value": "1", "url": live_server.url}])
        page = context.new_page()
        label = f"{viewport['width']}px{' 长辈版' if elder else ''}"
        for url in (
            "/participate/messages/",
            f"/participate/messages/{message.pk}/",
            "/participate/messages/ask/",
            "/participate/messages/track/",
        ):
            assert page.goto(url).status == 200
            if elder:
                assert "elder" in page.evaluate("document.documentElement.className")
            if viewport == PHONE:
                assert page.evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth + 1"
                ), f"{url} scrolls sideways at {label}"
            assert_accessible(page, f"{url} {label}")
        context.close()


def test_report_an_error_and_rate_from_a_record_page(world, browser, live_server):
    from gongkai.participation.models import ErrorReport, Rating

    record = world["record"]
    address = record.get_absolute_url()
    # --- the flow without JavaScript, on a phone
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="zh-CN",
        is_mobile=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto(address)
    page.locator(".record-actions").get_by_role("link", name="我要纠错").click()
    assert page.get_by_label("出错的页面").input_value() == address
    assert "停水通知" in page.locator("main").inner_text()
    page.get_by_label("错误描述").fill("正文中的联系电话少了一位数字。")
    page.get_by_role("button", name="提交", exact=True).click()
    assert "感谢您的纠错" in page.get_by_test_id("thanks").inner_text()
    # the strip at the bottom of the page: choose a score, then say why
    page.goto(address)
    strip = page.locator(".page-feedback")
    strip.get_by_label("满意", exact=True).check()
    strip.get_by_role("button", name="评价").click()
    assert page.get_by_label("4 分 满意").is_checked()
    page.get_by_label("意见或建议（选填）").fill("希望附上咨询电话。")
    page.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in page.get_by_test_id("thanks").inner_text()
    context.close()

    assert ErrorReport.objects.filter(organisation=world["housing"]).count() == 1
    assert list(Rating.objects.values_list("score", "comment")) == [(4, "希望附上咨询电话。")]

    # --- axe at 1280 and 375 px, standard and 长辈版
    for viewport, elder in ((DESKTOP, False), (PHONE, False), (DESKTOP, True), (PHONE, True)):
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, locale="zh-CN", is_mobile=viewport == PHONE
        )
        if elder:
            context.add_cookies([{"name": "gk_elder", "value": "1", "url": live_server.url}])
        page = context.new_page()
        label = f"{viewport['width']}px{' 长辈版' if elder else ''}"
        for url in (
            address,
            f"/participate/report/?page={address}",
            f"/participate/rate/?page={address}&score=4",
        ):
            assert page.goto(url).status == 200
            if viewport == PHONE:
                assert page.evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth + 1"
                ), f"{url} scrolls sideways at {label}"
            assert_accessible(page, f"{url} {label}")
        context.close()

    # --- 住建局 sees and answers them on its workbench
    staff_context, staff = login(browser, live_server, "yj_editor")
    staff.get_by_role("link", name=re.compile("待处理纠错")).click()
    assert_accessible(staff, "staff feedback page")
    first = staff.locator("article").filter(has_text="少了一位数字")
    first.get_by_label("处理说明").fill("已核实更正。")
    first.get_by_role("button", name="提交处理").click()
    staff.wait_for_load_state()
    assert "已处理" in staff.content()
    assert ErrorReport.objects.filter(state="answered").count() == 1
    staff_context.close()
