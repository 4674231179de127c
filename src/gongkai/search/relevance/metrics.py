"""Ranking metrics of the relevance suite, on one query's ranking (a list of doc_ids, best first)
and its judgments ({doc_id: grade 1..3}); a suite's figure is the mean over its queries.

- relevant: the documents graded 2 or 3 ("the one wanted" or "also right"); grade 1 is only
  acceptable and counts for nDCG alone.
- recall@3 = |relevant ∩ top 3| / min(|relevant|, 3). A query with one wanted document scores
  1 when it is among the first three results; a query with five right answers scores 1 when
  the first three results are all right ones.
- MRR@10: the reciprocal rank 1/r of the first relevant document among the first 10 results,
  0 when there is none; its mean is MRR@10.
- nDCG@10 = DCG@10 / IDCG@10 with DCG@k = Σ_{i=1..k} (2^grade_i − 1) / log2(i + 1) over the
  ranking (unjudged documents have grade 0) and IDCG@k the DCG of the judged documents sorted
  by grade — every judgment, grade 1 included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

RELEVANT_GRADE = 2


def relevant(judgments: dict[str, int]) -> set[str]:
    return {doc for doc, grade in judgments.items() if grade >= RELEVANT_GRADE}


def recall_at(ranking: Sequence[str], judgments: dict[str, int], k: int = 3) -> float:
    wanted = relevant(judgments)
    if not wanted:
        raise ValueError("a query needs at least one document graded 2 or 3")
    found = len(wanted.intersection(ranking[:k]))
    return found / min(len(wanted), k)


def reciprocal_rank(ranking: Sequence[str], judgments: dict[str, int], k: int = 10) -> float:
    wanted = relevant(judgments)
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in wanted:
            return 1.0 / rank
    return 0.0


def _dcg(grades: Sequence[int]) -> float:
    return sum((2**grade - 1) / math.log2(i + 2) for i, grade in enumerate(grades))


def ndcg_at(ranking: Sequence[str], judgments: dict[str, int], k: int = 10) -> float:
    ideal = _dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return _dcg([judgments.get(doc, 0) for doc in ranking[:k]]) / ideal


def score(ranking: Sequence[str], judgments: dict[str, int]) -> dict[str, float]:
    """The three figures for one query."""
    return {
        "recall_at_3": recall_at(ranking, judgments, 3),
        "mrr_at_10": reciprocal_rank(ranking, judgments, 10),
        "ndcg_at_10": ndcg_at(ranking, judgments, 10),
    }


def mean(scores: Sequence[dict[str, float]]) -> dict[str, float]:
    if not scores:
        return {"recall_at_3": 0.0, "mrr_at_10": 0.0, "ndcg_at_10": 0.0}
    return {key: round(sum(s[key] for s in scores) / len(scores), 4) for key in scores[0]}
