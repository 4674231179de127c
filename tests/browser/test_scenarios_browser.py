"""情景导航 end to end (issue 13 acceptance): a visitor walks 我要开餐馆 from the first question
to the printed material list, with and without JavaScript, changes an earlier answer, and the
list has no duplicate material; the staff page draws the flow; axe at 375 px."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from tests.guides.scenario_factories import restaurant

    settings.REQUIRE_2FA = False
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    return restaurant(site)


def choose(page, question, answer):
    group = page.get_by_role("group", name=question)
    group.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="下一步").click()


def material_names(page):
    return [t.strip() for t in page.locator("[data-testid=materials] tbody th").all_inner_texts()]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_walk_change_an_answer_and_print_the_list(world, browser, live_server, javascript):
    from gongkai.guides.scenarios import normalised_name

    context = browser.new_context(
        java_script_enabled=javascript, base_url=live_server.url, locale="zh-CN", viewport=DESKTOP
    )
    page = context.new_page()
    page.goto("/services/scenarios/")
    page.get_by_role("link", name="我要开餐馆").click()
    choose(page, "第 1 问 有没有店面？", "否")
    choose(page, "第 2 问 是否卖酒？", "是")
    # 没有店面: the 招牌 question is not asked; the result is shareable by its URL
    assert page.get_by_role("heading", name="我要开餐馆：您的办事清单").is_visible()
    assert "shop=no" in page.url and "alcohol=yes" in page.url
    assert "户外招牌设置审批" not in page.content()
    # change the first answer: 有店面 → the 招牌 question is asked now, 卖酒 is kept
    page.get_by_role("link", name="修改“有没有店面？”的回答").click()
    choose(page, "第 1 问 有没有店面？", "是")
    choose(page, "第 3 问 是否需要户外招牌？", "是")
    assert page.get_by_test_id("answer-shop").inner_text() == "是"
    assert page.get_by_test_id("answer-alcohol").inner_text() == "是"
    items = page.get_by_test_id("items").inner_text()
    for name in ("营业执照", "食品经营许可", "酒类经营许可", "户外招牌设置审批"):
        assert name in items
    names = material_names(page)
    assert len(names) == len({normalised_name(n) for n in names}), names
    assert len(names) == 6
    assert page.get_by_test_id("trips").inner_text() == "最多跑 3 次"
    # the item links lead to the guides
    href = page.get_by_role("link", name="食品经营许可").get_attribute("href")
    assert href == "/services/items/T-SPJY/"
    # printed: the answers' change links and the actions are not on paper, the list is
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="修改“有没有店面？”的回答").is_visible()
    assert page.get_by_test_id("materials").is_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.emulate_media(media="screen")
    # the print button needs JavaScript, so it shows only where it works
    assert page.get_by_role("button", name="打印清单").is_visible() is javascript
    context.close()


def test_a_stale_answer_in_a_shared_link_gets_a_message(world, browser, live_server):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="zh-CN", viewport=PHONE
    )
    page = context.new_page()
    response = page.goto("/services/scenarios/restaurant/?shop=perhaps")
    assert response.status == 400
    assert "不是有效选项" in page.get_by_test_id("scenario-messages").inner_text()
    assert page.get_by_role("group", name="第 1 问 有没有店面？").is_visible()
    context.close()


def test_scenario_pages_pass_axe_at_phone_width(world, browser, live_server):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    for url in (
        "/services/scenarios/",
        "/services/scenarios/restaurant/",
        "/services/scenarios/restaurant/?shop=yes&alcohol=yes&sign=no",
        "/services/scenarios/restaurant/?shop=x",
        "/services/bundles/",
        "/services/bundles/open-restaurant/",
    ):
        response = page.goto(url)
        assert response.status in (200, 400), url
        assert_accessible(page, f"{url} at 375 px")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{url} scrolls sideways ({width}px)"
    context.close()


def test_the_staff_page_draws_the_flow_and_passes_axe(world, browser, live_server):
    for viewport in (DESKTOP, PHONE):
        context, page = staff_login(browser, live_server, viewport=viewport)
        page.goto(f"/staff/services/scenarios/{world.scenario.pk}/")
        assert page.get_by_test_id("findings-ok").is_visible()
        graph = page.get_by_test_id("flow-graph")
        assert graph.is_visible()
        assert graph.locator("rect").count() == 3 + 3  # questions and outcomes
        text = page.get_by_test_id("flow-text").inner_text()
        assert "问题“有没有店面？”答“是／否” → 问题“是否卖酒？”" in text
        assert "结果“设置招牌须经审批”" in text
        assert_accessible(page, f"staff scenario page at {viewport['width']} px")
        page.goto("/staff/services/scenarios/")
        assert_accessible(page, f"staff scenario list at {viewport['width']} px")
        context.close()
