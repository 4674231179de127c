"""Score the search backends on the relevance suite.

The corpus is indexed into a fresh temporary FTS5 file and tantivy directory (the benchmark's
`temporary_backends`), never the site's index, so the figures do not depend on the database
or on what the site has published. Each query runs through the backend's public `search` with
the suite's synonyms, top 10, no facets — the same path the portal's search page takes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from .. import tokenize
from ..backends.base import SearchQuery
from . import corpus, metrics
from .queries import CLASSES, QUERIES, SUITE_SYNONYMS, Query

TOP = 10
METRIC_KEYS = ("recall_at_3", "mrr_at_10", "ndcg_at_10")


def _rank(backend, query: Query) -> tuple[list[str], str]:
    try:
        results = backend.search(
            SearchQuery(text=query.text, synonyms=SUITE_SYNONYMS, page_size=TOP, facets=False)
        )
    except Exception as exc:  # noqa: BLE001 - a failing query is a finding, reported with the rest
        return [], f"{type(exc).__name__}: {exc}"
    return [hit.doc_id for hit in results.hits], ""


def _score_backend(name: str, backend, queries: list[Query], titles: dict[str, str]) -> dict:
    started = time.perf_counter()
    per_query, failing, rankings = [], [], []
    for query in queries:
        ranking, error = _rank(backend, query)
        rankings.append(ranking)
        figures = metrics.score(ranking, query.judgments)
        per_query.append((query, figures))
        if figures["recall_at_3"] < 1.0 or error:
            first = ranking[0] if ranking else None
            failing.append(
                {
                    "text": query.text,
                    "class": query.query_class,
                    **{k: round(v, 3) for k, v in figures.items()},
                    "first": titles.get(first, "（无结果）") if first else "（无结果）",
                    "first_doc_id": first,
                    "first_grade": query.judgments.get(first, 0) if first else 0,
                    "wanted": [titles[doc] for doc, grade in query.judgments.items() if grade == 3],
                    "missing_from_top_3": [
                        titles[doc]
                        for doc in sorted(metrics.relevant(query.judgments))
                        if doc not in ranking[:3]
                    ][:5],
                    "error": error,
                }
            )
    classes = {}
    for cls in CLASSES:
        scores = [figures for q, figures in per_query if q.query_class == cls]
        if scores:
            classes[cls] = {**metrics.mean(scores), "queries": len(scores)}
    return {
        "backend": name,
        "documents": len(titles),
        "queries": len(queries),
        "overall": metrics.mean([figures for _q, figures in per_query]),
        "classes": classes,
        "failing": failing,
        "rankings": rankings,
        "seconds": round(time.perf_counter() - started, 2),
    }


def agreement(first: dict, second: dict, queries: list[Query] | None = None) -> dict:
    """Share of queries where two backends return the same first result (both none counts)."""
    queries = queries if queries is not None else QUERIES
    same, differing = 0, []
    for query, a, b in zip(queries, first["rankings"], second["rankings"], strict=True):
        top_a, top_b = (a[0] if a else None), (b[0] if b else None)
        if top_a == top_b:
            same += 1
        else:
            differing.append(
                {"text": query.text, first["backend"]: top_a, second["backend"]: top_b}
            )
    return {"rate": round(same / len(queries), 4) if queries else 1.0, "differing": differing}


def evaluate_all(workdir=None, backends: Iterable[str] = ("fts5", "tantivy")) -> dict:
    """{backend name: figures, …, "agreement": …} (agreement when two backends ran)."""
    names = list(backends)
    docs = corpus.documents()
    titles = {doc.doc_id: doc.title for doc in docs}
    tokenize.add_words(corpus.dictionary_words())  # as ensure_dictionary does for real sites
    queries = list(QUERIES)
    out: dict = {}
    from ..bench import temporary_backends

    with temporary_backends(workdir, prefix="gongkai-relevance-") as (_conn, engines):
        unknown = [n for n in names if n not in engines]
        if unknown:
            raise ValueError(f"未知的检索后端：{'、'.join(unknown)}")
        for name in names:
            engine = engines[name]
            engine.replace_all([docs])
            out[name] = _score_backend(name, engine, queries, titles)
    if len(names) == 2:
        out["agreement"] = agreement(out[names[0]], out[names[1]], queries)
    return out


def evaluate(backend_name: str, workdir=None) -> dict:
    """The suite on one backend: overall and per-class recall@3, MRR@10, nDCG@10, the failing
    queries with what came first, and the rankings (for `agreement`)."""
    return evaluate_all(workdir, [backend_name])[backend_name]


def format_table(results: dict) -> list[str]:
    """Lines of a per-backend, per-class table for the console."""
    lines = []
    names = [n for n in results if n != "agreement"]
    header = f"{'类别':<16}{'查询':>5}" + "".join(
        f"{n + ' R@3':>14}{n + ' MRR':>14}{n + ' nDCG':>14}" for n in names
    )
    lines.append(header)
    classes = [c for c in CLASSES if any(c in results[n]["classes"] for n in names)]
    for cls in [*classes, "overall"]:
        first = results[names[0]]
        count = first["classes"][cls]["queries"] if cls != "overall" else first["queries"]
        row = f"{cls:<16}{count:>5}"
        for name in names:
            figures = results[name]["overall" if cls == "overall" else "classes"]
            figures = figures if cls == "overall" else figures[cls]
            row += "".join(f"{figures[k]:>14.3f}" for k in METRIC_KEYS)
        lines.append(row)
    if "agreement" in results:
        lines.append(f"首条结果一致率（{' / '.join(names)}）：{results['agreement']['rate']:.3f}")
    return lines


def format_failures(result: dict, limit: int = 200) -> str:
    """One line per failing query: what was typed, what came first, what was wanted."""
    lines = []
    for f in result["failing"][:limit]:
        error = f"  错误：{f['error']}" if f["error"] else ""
        lines.append(
            f"[{f['class']}] {f['text']!r}: R@3={f['recall_at_3']} RR={f['mrr_at_10']} "
            f"首条：{f['first']}（{f['first_grade']}级）应为：{'；'.join(f['wanted'])}"
            f"；前三缺：{'；'.join(f['missing_from_top_3'])}{error}"
        )
    return "\n".join(lines)
