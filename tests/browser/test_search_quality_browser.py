"""Issue 9 end to end: a visitor types words run together into the home page's box, finds the
notice first and opens it; a search that finds nothing helps instead of leaving them stranded."""

import pytest

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE = "关于2026年城区供水管网改造停水的通知"


@pytest.fixture
def published_notice(transactional_db, tmp_path, settings):
    from gongkai.catalogue.demo import load_catalogue_demo
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation, Site, User
    from gongkai.search import service
    from tests.records.conftest import make_leaf, published

    settings.MEDIA_ROOT = tmp_path / "media"
    service.forget_backends()
    load_demo()
    load_catalogue_demo()
    site = Site.objects.get(slug="yingjiang")
    office = Organisation.objects.get(site=site, name="区人民政府办公室")
    leaf = make_leaf(site, "停水信息")
    drafter, approver = User.objects.get(username="yj_admin"), User.objects.get(username="admin")
    published(drafter, approver, office, leaf, title=NOTICE,
              body="<p>因供水管网改造，城区部分区域12月5日暂停供水。</p>")  # fmt: skip
    published(drafter, approver, office, leaf, title="城区供水管网改造工程进展",
              body="<p>改造完成过半，停水安排另行通知。</p>")  # fmt: skip
    service.reindex(["catalogue"], progress=False)
    yield site
    service.forget_backends()


def _search_from_home(page, text):
    page.goto("/")
    box = page.locator("header").get_by_label("检索词")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url("**/search/?*")
    page.wait_for_load_state()


def test_run_together_query_finds_and_opens_the_notice(published_notice, page):
    _search_from_home(page, "停水通知")
    titles = page.locator(".hit-title").all_inner_texts()
    assert titles[0] == NOTICE
    page.get_by_role("link", name=NOTICE).click()
    assert page.get_by_role("heading", level=1).inner_text() == NOTICE


@pytest.mark.parametrize("page_fixture", ["page", "phone_page"])
def test_nothing_found_offers_catalogue_and_request(published_notice, request, page_fixture):
    page = request.getfixturevalue(page_fixture)
    _search_from_home(page, "停气 焚烧厂 选址 规划")
    assert "没有找到相关内容" in page.locator(".search-empty").inner_text()
    nearest = page.locator(".search-empty a[href^='/catalogue/item/']")
    assert nearest.count() >= 1  # 计划停气通知 and other items that match one word
    apply = page.get_by_role("link", name="可以申请公开")
    assert apply.get_attribute("href") == "/foi/apply/"
    assert_accessible(page, f"empty search {page_fixture}")
    apply.click()
    page.wait_for_load_state()
    assert "/foi/apply/" in page.url
