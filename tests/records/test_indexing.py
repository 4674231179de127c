"""Publishing, revising and withdrawing keep site search in step (through on_commit)."""

import pytest

from gongkai.records import indexing, workflow

from .conftest import published

service = pytest.importorskip("gongkai.search.service", reason="站内检索模块尚未提供")
if not hasattr(service, "search"):
    pytest.skip("站内检索服务尚未提供 search()", allow_module_level=True)


def _hits(record, text):
    from gongkai.search.backends.base import SearchQuery

    results = service.search(SearchQuery(text=text, site_ids=[record.site_id]))
    return [getattr(h, "doc_id", None) for h in getattr(results, "hits", [])]


def test_publish_and_withdraw_update_the_index(
    settings, tmp_path, django_capture_on_commit_callbacks, editor, reviewer, housing, leaf
):
    settings.SEARCH_PATH = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        record = published(editor, reviewer, housing, leaf)
    assert indexing.doc_id(record.pk) in _hits(record, "管网改造")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(reviewer, record, "停水计划取消")
    assert indexing.doc_id(record.pk) not in _hits(record, "管网改造")
    assert "records" in service.sources()
