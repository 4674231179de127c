"""办事服务 in the browser (issue 13 points 6, 7, 9): axe on the landing, guide, FAQ, question
box and kiosk pages at 1280 and 375 px; the question box without JavaScript from the question
to the receipt; the kiosk's touch targets, line spacing and text size measured, its return to
the start after inactivity with and without JavaScript; a guide printed by Chromium on one A4
page."""

import io
import unicodedata

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from gongkai.guides.indexing import FAQ_KIND, GUIDE_KIND
    from gongkai.guides.models import Faq, LifeEvent
    from gongkai.search import service
    from tests.conftest import org
    from tests.guides.print_guide import typical_guide

    settings.REQUIRE_2FA = False
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    item = typical_guide(site, org(site, "区住房和城乡建设局"))
    event = LifeEvent.objects.create(site=site, name="开办企业", slug="kaiban")
    item.life_events.add(event)
    Faq.objects.create(site=site, life_event=event, question="开办企业要多久？", answer="一天。")
    service.reindex([GUIDE_KIND, FAQ_KIND], progress=False)
    return {"site": site, "item": item}


def _pages(item):
    return {
        "landing": "/services/",
        "topic": "/services/topics/kaiban/",
        "once": "/services/once/",
        "guide": f"/services/items/{item.code}/",
        "faq": "/services/faq/",
        "faq_search": "/services/faq/?q=许可证有效期",
        "ask": "/services/ask/?q=许可证有效期多久",
        "ask_form": f"/services/ask/?q=夜里能办吗&item={item.code}&ask=1",
        "kiosk": "/kiosk/",
        "kiosk_topic": "/kiosk/topics/kaiban/",
        "kiosk_item": f"/kiosk/items/{item.code}/",
        "kiosk_search": "/kiosk/search/?q=cyfw",
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_services_pages_have_no_serious_axe_violation(world, browser, live_server, viewport):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", base_url=live_server.url, is_mobile=viewport == PHONE
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        for name, url in _pages(world["item"]).items():
            response = page.goto(url)
            assert response.status == 200, name
            assert_accessible(page, f"{name} @ {viewport['width']}px")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
        assert errors == []  # CSP violations and script errors show up here
    finally:
        context.close()


def test_the_question_box_without_javascript_from_question_to_receipt(world, browser, live_server):
    from gongkai.participation.models import Message

    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="zh-CN", viewport=PHONE
    )
    page = context.new_page()
    try:
        page.goto(f"/services/items/{world['item'].code}/")
        page.get_by_role("link", name="对本事项有疑问？我要咨询").click()
        page.get_by_label("您的问题").fill("许可证有效期多久")
        page.get_by_role("button", name="查找答案").click()
        suggestions = page.get_by_test_id("suggestions")
        assert "许可证有效期多久？" in suggestions.inner_text()  # the FAQ answers it already
        page.get_by_role("button", name="以上都不是，仍要提问").click()
        assert page.get_by_label("您的问题").input_value() == "许可证有效期多久"
        assert page.get_by_label("咨询的办事事项").input_value() == world["item"].code
        page.get_by_label("您的问题").fill("许可证到期后延续要带哪些材料？")
        page.locator("#id_name").fill("王五")
        page.get_by_label("联系电话").fill("13900000000")
        page.get_by_role("button", name="提交咨询").click()
        code = page.get_by_test_id("tracking-code").inner_text()
        message = Message.objects.get()
        assert message.tracking_code_display == code
        assert message.organisation == world["item"].organisation
    finally:
        context.close()


MEASURE = """() => {
  const small = [], tight = [];
  for (const el of document.querySelectorAll('main a, main button, main input, header a, header button, footer a')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.closest('.hp')) continue;
    if (r.width < 48 || r.height < 48) small.push(el.textContent.trim() + ' ' + r.width + 'x' + r.height);
  }
  let minFont = 1e9;
  for (const el of document.querySelectorAll('main p, main li, main dd, main dt, main h1, main h2, main label, main a')) {
    if (!el.textContent.trim()) continue;
    const s = getComputedStyle(el);
    const ratio = parseFloat(s.lineHeight) / parseFloat(s.fontSize);
    if (!(ratio >= 1.5)) tight.push(el.tagName + ' ' + s.lineHeight + '/' + s.fontSize);
    minFont = Math.min(minFont, parseFloat(s.fontSize));
  }
  return {small, tight, minFont};
}"""


def test_kiosk_targets_line_spacing_and_text_size(world, browser, live_server):
    context = browser.new_context(
        viewport={"width": 1080, "height": 1920},
        locale="zh-CN",
        base_url=live_server.url,
        has_touch=True,
    )
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for url in ("/kiosk/", f"/kiosk/items/{world['item'].code}/", "/kiosk/topics/kaiban/"):
            page.goto(url)
            found = page.evaluate(MEASURE)
            assert found["small"] == [], (url, found["small"])
            assert found["tight"] == [], (url, found["tight"][:5])
            assert found["minFont"] >= 18, (url, found["minFont"])  # large type
        before = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
        )
        page.get_by_role("button", name="特大").click()
        after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
        assert after >= before * 1.2  # the text can be enlarged
        page.get_by_role("button", name="高对比度").click()
        assert "high-contrast" in page.evaluate("document.documentElement.className")
        assert_accessible(page, "kiosk high contrast")
        assert page.locator("svg.kiosk-qr").count() == 0  # list page
        page.goto(f"/kiosk/items/{world['item'].code}/")
        assert page.locator("svg.kiosk-qr").bounding_box()["width"] >= 150
        assert dialogs == []  # no pop-ups
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_kiosk_returns_to_the_start_after_inactivity(
    world, browser, live_server, settings, javascript
):
    settings.GUIDES_KIOSK_IDLE_SECONDS = 2
    settings.GUIDES_KIOSK_FALLBACK_SECONDS = 2
    context = browser.new_context(
        java_script_enabled=javascript, base_url=live_server.url, locale="zh-CN", viewport=PHONE
    )
    page = context.new_page()
    try:
        page.goto("/kiosk/search/?q=cyfw")
        page.get_by_role("link", name="餐饮服务食品经营许可").click()
        assert page.url.endswith(f"/kiosk/items/{world['item'].code}/")
        page.wait_for_url(live_server.url + "/kiosk/", timeout=8000)
        if javascript:  # typing on the start page and leaving it: cleared too
            from playwright.sync_api import expect

            box = page.get_by_label("输入事项名称或拼音首字母")
            box.fill("营业")
            expect(box).to_have_value("", timeout=8000)
    finally:
        context.close()


def test_a_guide_prints_on_one_a4_page_in_chromium(world, browser, live_server):
    import pypdf

    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(f"/services/items/{world['item'].code}/")
        page.emulate_media(media="print")
        assert not page.get_by_role("navigation", name="主导航").is_visible()
        pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=False)
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1, f"{len(reader.pages)} 页"
        box = reader.pages[0].mediabox
        size_mm = (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72))
        assert size_mm == (210, 297)
        # Chromium's fonts map some characters to their radical forms (⽇ for 日): NFKC folds
        text = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
        assert "安全自查" in text and "最近核验日期" in text and "许可证有效期多久" in text
        assert "主导航" not in text and "我要咨询" not in text
    finally:
        context.close()
