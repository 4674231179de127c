"""Catalogue items, organisations, gazette issues and guide pages are searchable through the
one source registry, and stay current as they change."""

import pytest

from gongkai.core.models import Organisation
from gongkai.search import service
from gongkai.search.backends.base import SearchQuery


@pytest.fixture
def catalogue(backend_name, demo):
    from gongkai.catalogue.demo import load_catalogue_demo

    load_catalogue_demo()
    return demo


def search(site, text, **filters):
    return service.search(SearchQuery(text=text, site_ids=[site.id], filters=filters))


def test_every_source_is_registered():
    assert {"records", "catalogue", "organisation", "gazette_issue", "guide_page"} <= set(
        service.sources()
    )


def test_catalogue_items_are_found_and_open_their_page(catalogue):
    from gongkai.catalogue.models import CatalogueItem

    service.reindex(progress=False)
    item = CatalogueItem.objects.get(site=catalogue, name="计划停气通知")
    results = search(catalogue, "计划停气通知")
    assert results.hits[0].url == f"/catalogue/item/{item.pk}/"
    assert results.hits[0].kind == "catalogue"
    assert any(f.value == "catalogue" for f in results.facets["kind"])
    only = search(catalogue, "停气", kind="catalogue")
    assert only.hits and all(h.kind == "catalogue" for h in only.hits)


def test_changes_reach_the_index_on_commit(catalogue, django_capture_on_commit_callbacks):
    org = Organisation.objects.get(site=catalogue, name="区住房和城乡建设局")
    with django_capture_on_commit_callbacks(execute=True):
        org.duties = "负责城市桥梁养护和燃气行业监督管理。"
        org.save()
    hit = search(catalogue, "桥梁养护", kind="organisation").hits[0]
    assert hit.url.endswith(f"#org-{org.pk}") and hit.title == org.name
    with django_capture_on_commit_callbacks(execute=True):
        org.is_active = False
        org.save()
    assert search(catalogue, "桥梁养护", kind="organisation").total == 0


def test_guide_pages_are_found(catalogue, django_capture_on_commit_callbacks):
    from gongkai.portal.models import DisclosurePage

    with django_capture_on_commit_callbacks(execute=True):
        DisclosurePage.objects.update_or_create(
            site=catalogue,
            kind="guide",
            defaults={"title": "政府信息公开指南", "body": "<p>申请获取政府信息的方式和途径。</p>"},
        )
    page = DisclosurePage.objects.get(site=catalogue, kind="guide")
    with django_capture_on_commit_callbacks(execute=True):
        page.save()
    results = search(catalogue, "公开指南")
    assert results.hits[0].url == "/xxgk/guide/" and results.hits[0].kind == "guide_page"
