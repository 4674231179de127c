import io
import json

import pytest
from django.core.management import CommandError, call_command

from gongkai.core.models import Site
from gongkai.search import service
from gongkai.search.backends.base import SearchQuery
from gongkai.search.models import Synonym

from .conftest import CORPUS, make_doc


@pytest.fixture
def source():
    service.register_source(
        "tests",
        batches=lambda: iter([CORPUS[:3], CORPUS[3:]]),
        load=lambda keys: [d for d in CORPUS if d.doc_id in {f"test:{k}" for k in keys}],
        count=lambda: len(CORPUS),
    )
    yield "tests"
    service.unregister_source("tests")


def test_backend_setting_chooses_the_engine(db, settings, monkeypatch):
    settings.SEARCH_BACKEND = None
    monkeypatch.setenv("GONGKAI_SEARCH_BACKEND", "tantivy")
    assert service.backend_name() == "tantivy"
    monkeypatch.delenv("GONGKAI_SEARCH_BACKEND")
    from django.db import connection

    by_vendor = "fts5" if connection.vendor == "sqlite" else "tantivy"
    assert service.backend_name() == by_vendor
    settings.SEARCH_BACKEND = by_vendor
    assert service.get_backend().name == by_vendor


def test_synonyms_edited_by_admins_apply_at_query_time(backend_name, demo):
    service.index_documents(CORPUS)
    Synonym.objects.filter(term="煤气").delete()  # a default synonym: the admin removes it
    query = SearchQuery(text="煤气", site_ids=[1])
    assert service.search(query).total == 0
    Synonym.objects.create(term="煤气", alternatives="燃气、天然气")
    assert service.search(SearchQuery(text="煤气", site_ids=[1])).total == 1
    other = Site.objects.get(slug="ouhai")
    Synonym.objects.create(site=other, term="挖路", alternatives="占道挖掘")
    assert service.search(SearchQuery(text="挖路", site_ids=[other.id, 2])).total == 1
    assert service.search(SearchQuery(text="挖路", site_ids=[1, 2])).total == 0


def test_reindex_command_rebuilds_from_sources(backend_name, source):
    service.index_documents([make_doc(99, "旧文档", "应被清除")])
    out = io.StringIO()
    call_command("search", "reindex", "--no-progress", stdout=out)
    assert f"已重建 {backend_name} 索引，共 5 篇" in out.getvalue()
    assert service.count() == 5
    assert service.search(SearchQuery(text="旧文档")).total == 0


def test_reindex_failure_keeps_the_old_index(backend_name):
    service.index_documents(CORPUS)

    def broken():
        yield CORPUS[:2]
        raise RuntimeError("数据源出错")

    service.register_source("broken", batches=broken)
    try:
        with pytest.raises(RuntimeError):
            service.reindex(["broken"], progress=False)
    finally:
        service.unregister_source("broken")
    service.forget_backends()
    assert service.count() == 5


def test_tasks_index_by_key_and_remove(backend_name, source, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    service.index_task.enqueue("tests", [2, 3])
    assert service.count() == 2
    doc = service.document_to_dict(make_doc(8, "占道挖掘许可公示", "公示"))
    service.index_task.enqueue(documents=[doc])
    assert service.search(SearchQuery(text="许可公示")).total == 1
    service.remove_task.enqueue(["test:2", "test:8"])
    assert service.count() == 1


def test_bad_command_input_gives_chinese_errors(db, source):
    with pytest.raises(CommandError, match="未知的检索后端"):
        call_command("search", "reindex", "--backend", "elastic")
    with pytest.raises(CommandError, match="未知的数据源"):
        call_command("search", "reindex", "--source", "nothing")
    with pytest.raises(CommandError, match="站点“nowhere”不存在"):
        call_command("search", "query", "燃气", "--site", "nowhere")
    with pytest.raises(CommandError, match="显示条数"):
        call_command("search", "query", "燃气", "--limit", "x")
    with pytest.raises(CommandError, match="文档数"):
        call_command("search", "bench", "--records", "0")


def test_query_command_prints_hits(backend_name, demo):
    service.index_documents([make_doc(1, "城镇燃气安全检查通知", site_id=demo.id)])
    out = io.StringIO()
    call_command("search", "query", "燃气", "--site", "shifan", stdout=out)
    assert "共 1 条" in out.getvalue() and "城镇燃气安全检查通知" in out.getvalue()


def test_site_ids_cover_children(demo):
    parent = Site.objects.get(slug="shifan")
    ids = service.site_ids_for(parent)
    assert set(ids) == set(Site.objects.values_list("id", flat=True))
    assert service.site_ids_for(demo) == [demo.id]


def test_small_bench_run(db, tmp_path, settings):
    from gongkai.search.bench import generate_corpus, run_search_bench

    docs = generate_corpus(5, seed=3)
    assert docs == generate_corpus(5, seed=3)  # reproducible
    assert all(len(d.body) >= 500 and d.title for d in docs)
    result = run_search_bench(300, queries=20, like_queries=5, workdir=tmp_path)
    assert result["records"] == 300
    for name in ("fts5", "tantivy"):
        figures = result["search"][name]
        assert figures["p50_ms"] > 0 and figures["p95_ms"] >= figures["p50_ms"]
        assert figures["index_docs_per_s"] > 0 and figures["queries"] == 20
    assert result["search"]["fts5"]["mean_total"] == result["search"]["tantivy"]["mean_total"]
    assert result["like_p95_ms"] > 0
    json.dumps(result)
    assert list(tmp_path.iterdir()) == []  # the temporary index is gone
