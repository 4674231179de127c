"""Acceptance for issue 5, end to end: records published through the real workflow reach the
index by the workflow's own on_commit hook (records.indexing.refresh, synchronous, so no
task worker is needed), a new visitor finds one from the home page's header search box by a
two-character word, pinyin initials and traditional characters, filters by organisation, the
count shown matches the hits listed, and a withdrawal takes the record out of results at once."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAS = "关于开展城镇燃气安全专项整治的通知"
PATROL = "燃气管道巡查情况通报"


@pytest.fixture
def published_pair(transactional_db, tmp_path, settings):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation, Site, User
    from gongkai.search import service
    from tests.records.conftest import make_leaf, published

    settings.MEDIA_ROOT = tmp_path / "media"
    service.forget_backends()
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    office = Organisation.objects.get(site=site, name="区人民政府办公室")
    leaf = make_leaf(site, "燃气安全监管信息")  # no responsible organisation: open to both
    drafter, approver = User.objects.get(username="yj_admin"), User.objects.get(username="admin")
    gas = published(drafter, approver, housing, leaf, title=GAS,
                    body="<p>在全区开展城镇燃气安全专项整治，排查用户端隐患。</p>")  # fmt: skip
    published(drafter, approver, office, leaf, title=PATROL,
              body="<p>本月完成燃气管道巡查120公里。</p>")  # fmt: skip
    yield {"gas": gas, "housing": housing, "approver": approver}
    service.forget_backends()


def _header_search(page, text):
    box = page.locator("header").get_by_label("检索词")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url("**/search/?*")
    page.wait_for_load_state()


def _total(page) -> int:
    """The count the page states, checked against the hits it lists."""
    import re

    text = page.locator(".search-total").inner_text()
    total = int(re.search(r"共找到 (\d+) 条结果", text).group(1))
    assert page.locator(".search-hit").count() == total, text
    return total


def _titles(page) -> list[str]:
    return page.locator(".hit-title").all_inner_texts()


def test_visitor_finds_filters_and_loses_a_withdrawn_record(published_pair, page):
    from gongkai.records import workflow

    page.goto("/")
    _header_search(page, "燃气")  # a two-character word
    total = _total(page)  # the records, then organisations whose duties mention 燃气
    assert sorted(_titles(page)[:2]) == sorted([GAS, PATROL])
    others = set(page.locator(".hit-kind").all_inner_texts()[2:])
    assert others <= {"机构职能", "公开事项"} and total >= 2
    assert page.locator(".search-hit mark").first.inner_text() == "燃气"

    page.get_by_role("link", name=GAS).click()  # the hit leads to the record page
    assert page.get_by_role("heading", level=1).inner_text() == GAS

    page.goto("/")
    _header_search(page, "rqaq")  # pinyin initials of 燃气安全
    _total(page)
    assert _titles(page)[0] == GAS  # then the catalogue item 燃气安全监管信息
    assert set(page.locator(".hit-kind").all_inner_texts()[1:]) <= {"机构职能", "公开事项"}

    page.goto("/")
    _header_search(page, "燃氣安全")  # traditional characters
    _total(page)  # the notice, the catalogue item 燃气安全监管信息, then partial matches
    assert _titles(page)[0] == GAS
    assert PATROL in _titles(page)  # 燃气 but not 安全: after the notice below
    assert page.locator(".search-partial").inner_text() == "以下结果未包含全部检索词"

    _header_search(page, "燃气")
    page.get_by_label("发布机构").select_option(label=published_pair["housing"].name)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert _total(page) == 1
    assert _titles(page) == [GAS]
    assert f"organisation={published_pair['housing'].id}" in page.url

    workflow.withdraw(published_pair["approver"], published_pair["gas"], "整治方案调整，另行发布")

    page.goto("/")
    _header_search(page, "燃气")
    assert _total(page) == total - 1
    assert _titles(page)[0] == PATROL and GAS not in _titles(page)
    page.goto("/")
    _header_search(page, "rqaq")
    _total(page)
    assert GAS not in _titles(page)
