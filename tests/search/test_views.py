import pytest
from django.urls import reverse

from gongkai.core.models import Organisation, Site
from gongkai.search import service

from .conftest import make_doc


@pytest.fixture
def indexed(backend_name, demo):
    """Documents on 迎江区 (the default site) and 瓯海区, under the parent 示范市."""
    ouhai = Site.objects.get(slug="ouhai")
    org = Organisation.objects.get(site=demo, name="区住房和城乡建设局")
    docs = [
        make_doc(
            1,
            "关于印发迎江区政务公开工作要点的通知",
            "政务公开要点全文。",
            site_id=demo.id,
            kind="policy",
            organisation_id=org.id,
            organisation_name=org.name,
        ),
        make_doc(
            2,
            "城镇燃气安全专项整治方案",
            "燃气安全。",
            site_id=demo.id,
            kind="policy",
            organisation_id=org.id,
            organisation_name=org.name,
        ),
        make_doc(3, "宜城路街道停水通知", "停水<b>时间</b>", site_id=demo.id, kind="notice"),
        make_doc(4, "瓯海区政务公开工作年度报告", "年度报告。", site_id=ouhai.id, kind="report"),
    ]
    service.index_documents(docs)
    return demo


def test_search_page_results_highlight_and_count(client, indexed):
    response = client.get(reverse("search:results"), {"q": "政务公开"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "共找到 1 条结果" in html  # the default site only
    assert "<mark>政务公开</mark>" in html
    assert 'role="search"' in html and 'for="search-q"' in html
    assert "停水&lt;b&gt;" not in html


def test_parent_site_searches_children_with_site_filter(client, indexed, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "shifan.localhost"]
    host = {"HTTP_HOST": "shifan.localhost"}
    response = client.get("/search/", {"q": "政务公开"}, **host)
    assert "共找到 2 条结果" in response.content.decode()
    response = client.get("/search/", {"q": "政务公开", "site": "ouhai"}, **host)
    html = response.content.decode()
    assert "共找到 1 条结果" in html and 'href="/r/4/"' in html


def test_filters_sort_paging_and_facets(client, indexed):
    org = Organisation.objects.get(site=indexed, name="区住房和城乡建设局")
    html = client.get("/search/", {"kind": "policy"}).content.decode()
    assert "共找到 2 条结果" in html and "按类别" in html
    html = client.get(
        "/search/", {"q": "", "organisation": org.id, "sort": "date"}
    ).content.decode()
    assert "共找到 2 条结果" in html and "停水通知" not in html
    html = client.get("/search/", {"kind": "policy", "page": "x"}).content.decode()
    assert "共找到 2 条结果" in html
    # nonsense is ignored, never an error
    response = client.get("/search/", {"q": "燃气", "year": "abc", "sort": "evil", "page": "-3"})
    assert response.status_code == 200


def test_did_you_mean_and_empty_page(client, indexed):
    html = client.get("/search/", {"q": "政务公楷"}).content.decode()
    assert "您是不是要找：" in html and "?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80" in html
    html = client.get("/search/").content.decode()
    assert "请输入检索词" in html


def test_suggest_json(client, indexed):
    data = client.get("/search/suggest", {"q": "zwgk"}).json()
    assert data["suggestions"][0]["title"] == "关于印发迎江区政务公开工作要点的通知"
    assert client.get("/search/suggest", {"q": ""}).json()["suggestions"] == []


def test_box_snippet_renders_a_labelled_form(rf, db):
    from django.template.loader import render_to_string

    html = render_to_string("search/box.html", {"search_q": "<x>"})
    assert 'action="/search/"' in html and 'for="gk-search-q"' in html
    assert "&lt;x&gt;" in html and 'aria-live="polite"' in html
    assert "<script" not in html  # base.html loads suggest.js; no inline scripts under the CSP


def test_every_page_has_the_search_box_and_its_script(client, db):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and "search/suggest.js" in html
