"""The speed benchmark's queries come in the relevance suite's classes, timed per class."""

import collections

from gongkai.search.bench import (
    QUERY_CLASS_SHARES,
    generate_corpus,
    make_queries,
    make_query_set,
    run_search_bench,
)
from gongkai.search.relevance.queries import CLASSES, is_run_together


def test_query_set_has_the_suite_classes_and_half_run_together():
    pairs = make_query_set(200)
    assert pairs == make_query_set(200)  # reproducible
    assert make_queries(200) == [text for _cls, text in pairs]
    counts = collections.Counter(cls for cls, _text in pairs)
    assert set(counts) == set(QUERY_CLASS_SHARES)
    assert {"run_together", "pinyin", "document_number", "function_words"} <= set(CLASSES)
    run_together = [text for cls, text in pairs if cls == "run_together"]
    assert len(run_together) * 2 >= len(pairs)
    assert all(" " not in t and is_run_together(t) for t in run_together)
    assert all(t.isascii() and t.isalpha() for cls, t in pairs if cls == "pinyin")
    numbers = [t for cls, t in pairs if cls == "document_number"]
    assert all(t.endswith("号") for t in numbers) and any("[" in t or "（" in t for t in numbers)
    assert all("的" in t or "和" in t for cls, t in pairs if cls == "function_words")


def test_bench_policies_carry_identifiers():
    docs = generate_corpus(200, seed=1)
    assert all(d.extra["index_number"] for d in docs)
    policies = [d for d in docs if d.kind == "policy"]
    assert policies and all("〔" in d.extra["document_number"] for d in policies)
    assert all(d.extra["document_number"] == "" for d in docs if d.kind != "policy")


def test_bench_reports_each_class(tmp_path):
    result = run_search_bench(300, queries=40, like_queries=5, workdir=tmp_path)
    for name in ("fts5", "tantivy"):
        figures = result["search"][name]
        assert figures["queries"] == 40 and figures["p95_ms"] >= figures["p50_ms"] > 0
        classes = figures["classes"]
        assert set(classes) == set(QUERY_CLASS_SHARES)
        assert sum(c["queries"] for c in classes.values()) == 40
        assert classes["run_together"]["queries"] == 20
        for cls in classes.values():
            assert cls["p95_ms"] >= cls["p50_ms"] > 0
    assert result["like_queries"] == 5 and result["like_p95_ms"] > 0
