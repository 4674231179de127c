"""A new visitor finds documents by a two-character word, pinyin initials and traditional
characters, filters by organisation, and the page passes axe-core at desktop and phone widths."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed(transactional_db, tmp_path, settings):
    from datetime import UTC, datetime

    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation, Site
    from gongkai.search import service
    from gongkai.search.backends.base import SearchDocument

    service.forget_backends()
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    office = Organisation.objects.get(site=site, name="区人民政府办公室")
    docs = [
        ("关于印发迎江区政务公开工作要点的通知", "政务公开工作要点全文。", office),
        ("城镇燃气安全专项整治工作方案", "开展城镇燃气安全专项整治。", housing),
        ("燃气管道巡查情况通报", "燃气管道每月巡查。", office),
    ]
    service.index_documents(
        SearchDocument(
            doc_id=f"browser:{n}",
            site_id=site.id,
            title=title,
            body=body,
            url=f"/search/?q={n}",
            kind="policy",
            organisation_id=org.id,
            organisation_name=org.name,
            published_at=datetime(2024, 5, n + 1, tzinfo=UTC),
        )
        for n, (title, body, org) in enumerate(docs)
    )
    yield housing
    service.forget_backends()


def _search(page, text):
    box = page.get_by_label("检索词").first
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state()


def test_search_by_word_pinyin_and_traditional(indexed, page):
    page.goto("/search/")
    _search(page, "燃气")
    # the two records, then organisations whose 机构职能 mention 燃气
    kinds = page.locator(".hit-kind").all_inner_texts()
    assert "机构职能" not in kinds[:2] and set(kinds[2:]) <= {"机构职能", "公开事项"}
    assert f"共找到 {len(kinds)} 条结果" in page.locator(".search-total").inner_text()
    assert page.locator(".search-hit mark").first.inner_text() == "燃气"

    _search(page, "zwgk")
    assert page.locator(".hit-title").first.inner_text() == "关于印发迎江区政务公开工作要点的通知"

    _search(page, "政務公開")
    assert page.locator(".hit-title").first.inner_text() == "关于印发迎江区政务公开工作要点的通知"
    assert page.locator(".hit-title mark").first.inner_text() == "政务公开"


def test_filter_by_organisation_and_accessibility(indexed, page, phone_page):
    page.goto("/search/?q=燃气")
    page.get_by_label("发布机构").select_option(label=indexed.name)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert "共找到 1 条结果" in page.locator(".search-total").inner_text()
    assert page.locator(".hit-title").inner_text() == "城镇燃气安全专项整治工作方案"
    assert_accessible(page, "search desktop")

    phone_page.goto("/search/?q=燃气")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(phone_page, "search phone")


def test_suggestions_as_you_type(indexed, page):
    page.goto("/search/")
    page.locator("main").get_by_label("检索词").press_sequentially("zwg", delay=50)
    suggestion = page.locator("#search-q-suggest a").first
    suggestion.wait_for(timeout=5000)
    assert suggestion.inner_text() == "关于印发迎江区政务公开工作要点的通知"
    page.locator("main").get_by_label("检索词").press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == suggestion.inner_text()
    assert_accessible(page, "suggestions open")
