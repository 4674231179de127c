"""Publishing, revising and withdrawing keep site search in step (through on_commit)."""

from gongkai.records import indexing, workflow
from gongkai.search import service

from .conftest import published


def _hits(record, text):
    from gongkai.search.backends.base import SearchQuery

    results = service.search(SearchQuery(text=text, site_ids=[record.site_id]))
    return [h.doc_id for h in results.hits]


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
