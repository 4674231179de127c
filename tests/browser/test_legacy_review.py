"""The review queue of a migration in a real browser (issue 15, point 5): staff log in, open
the queue, open a page and confirm it with the keyboard only; the public then sees the record.
The queue, the detail page and the rules editor have no serious axe-core violation and fit a
phone's width."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def migrated(transactional_db, settings):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from gongkai.legacy.models import LegacyFile
    from tests.legacy.factories import make_page, responsible_pair

    settings.REQUIRE_2FA = False  # the second factor has its own tests
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing, leaf = responsible_pair(site)
    page = make_page(
        site,
        title="关于城区供水管网改造停水的通知（旧站）",
        body_html="<p>因城区供水管网改造，10月26日8:00至18:00停水。</p>",
        proposed_item=leaf,
        proposed_organisation=housing,
        confidence=0.85,
        classification_note="0.85 原栏目“通知公告”与事项同名",
        metadata={"index_number": "003151900/2017-00088", "evidence": {"index_number": "table"}},
    )
    LegacyFile.objects.create(
        site=site, page=page, old_path="/u/x.exe", name="x.exe", refused="文件类型不允许"
    )
    make_page(site, title="无建议的旧页面", column_name="其他")
    return page


def test_staff_confirm_a_page_by_keyboard_and_the_public_sees_it(browser, live_server, migrated):
    context, page = staff_login(browser, live_server, username="yj_editor")
    try:
        assert page.goto("/staff/legacy/queue/").status == 200
        assert_accessible(page, "legacy queue")
        link = page.get_by_role("link", name=migrated.title)
        link.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "003151900/2017-00088" in page.content()
        assert_accessible(page, "legacy page detail")
        confirm = page.get_by_role("button", name="确认并发布")
        confirm.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/staff/legacy/queue/" in page.url
        assert "已发布为" in page.inner_text("body")
    finally:
        context.close()
    migrated.refresh_from_db()
    assert migrated.record is not None
    public = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
    try:
        reader = public.new_page()
        assert reader.goto(migrated.record.get_absolute_url()).status == 200
        assert "因城区供水管网改造" in reader.inner_text("main")
    finally:
        public.close()


def test_review_pages_fit_a_phone_and_pass_axe(browser, live_server, migrated):
    context, page = staff_login(browser, live_server, viewport=PHONE)
    try:
        for url in (
            "/staff/legacy/",
            "/staff/legacy/queue/?low=0",
            f"/staff/legacy/pages/{migrated.pk}/",
            "/staff/legacy/rules/",
        ):
            assert page.goto(url).status == 200, url
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert fits, f"{url} scrolls sideways at phone width"
            assert_accessible(page, f"{url} 375px")
    finally:
        context.close()
