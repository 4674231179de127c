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
    assert "以下是“政务公开”的结果" in html and 'href="/r/1/"' in html
    as_typed = client.get("/search/", {"q": "政务公楷", "exact": "1"}).content.decode()
    assert "您是不是要找：" in as_typed and "?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80" in as_typed
    assert "以下结果未包含全部检索词" in as_typed  # only 政务 of 政务公楷 is in it
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


def test_run_together_query_and_the_partial_notice(client, indexed):
    html = client.get("/search/", {"q": "停水通知"}).content.decode()
    assert 'href="/r/3/"' in html and "以下结果未包含全部检索词" not in html
    html = client.get("/search/", {"q": "燃气停水"}).content.decode()
    assert "以下结果未包含全部检索词" in html  # no document has both words
    assert 'href="/r/2/"' in html and 'href="/r/3/"' in html


def test_a_pasted_index_number_opens_its_record(client, indexed, demo):
    service.index_documents(
        [
            make_doc(
                9,
                "区人民政府关于印发2026年政务公开工作要点的通知",
                site_id=demo.id,
                extra={"index_number": "340802-009-01-2026-00001"},
            )
        ]
    )
    response = client.get("/search/", {"q": " 340802-009-01-2026-00001 "})
    assert response.status_code == 302 and response["Location"] == "/r/9/"
    response = client.get("/search/", {"q": "340802-009-01-2026-00099"})
    assert response.status_code == 200  # unknown: the results page, never a wrong record


def test_nothing_found_page_helps(client, indexed, demo):
    from gongkai.catalogue.demo import load_catalogue_demo
    from gongkai.catalogue.models import CatalogueItem

    load_catalogue_demo()
    item = CatalogueItem.objects.filter(site=demo, name__contains="停气").first()
    assert item is not None
    service.reindex(["catalogue"], progress=False)
    html = client.get("/search/", {"q": "停气 焚烧厂 选址 规划"}).content.decode()
    assert "没有找到相关内容" in html
    assert f'href="/catalogue/item/{item.pk}/"' in html  # the nearest catalogue item
    assert "没有找到所需信息？" in html and 'href="/foi/apply/"' in html
