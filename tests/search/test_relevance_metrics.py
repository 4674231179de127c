"""The relevance metrics on tiny hand-made rankings, figures worked out by hand."""

import math

import pytest

from gongkai.search.relevance import metrics

JUDGED = {"a": 3, "b": 2, "c": 1}


def test_recall_at_3_counts_grade_two_and_up_over_the_reachable_maximum():
    assert metrics.recall_at(["a", "b", "x"], JUDGED) == 1.0  # both relevant in the top 3
    assert metrics.recall_at(["a", "x", "y", "b"], JUDGED) == 0.5  # b is fourth
    assert metrics.recall_at(["c", "x", "y"], JUDGED) == 0.0  # grade 1 is not relevant
    many = {d: 2 for d in "abcde"}
    assert metrics.recall_at(["a", "b", "c"], many) == 1.0  # min(|relevant|, 3) = 3
    assert metrics.recall_at(["a", "x", "c"], many) == pytest.approx(2 / 3)
    assert metrics.recall_at([], JUDGED) == 0.0


def test_recall_needs_a_relevant_judgment():
    with pytest.raises(ValueError):
        metrics.recall_at(["a"], {"a": 1})


def test_reciprocal_rank_of_the_first_relevant_hit_within_ten():
    assert metrics.reciprocal_rank(["a"], JUDGED) == 1.0
    assert metrics.reciprocal_rank(["c", "x", "b"], JUDGED) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([f"x{i}" for i in range(10)] + ["a"], JUDGED) == 0.0
    assert metrics.reciprocal_rank(["c"], JUDGED) == 0.0


def test_ndcg_uses_exponential_gains_and_the_ideal_order_of_all_judgments():
    assert metrics.ndcg_at(["a", "b", "c"], JUDGED) == pytest.approx(1.0)
    ideal = 7 + 3 / math.log2(3) + 1 / math.log2(4)
    swapped = 3 + 7 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at(["b", "a", "c"], JUDGED) == pytest.approx(swapped / ideal)
    assert metrics.ndcg_at(["x", "a"], JUDGED) == pytest.approx((7 / math.log2(3)) / ideal)
    assert metrics.ndcg_at(["x"], JUDGED) == 0.0


def test_score_and_mean():
    one = metrics.score(["a", "b"], JUDGED)
    two = metrics.score(["x", "y", "z"], JUDGED)
    assert one["recall_at_3"] == 1.0 and one["mrr_at_10"] == 1.0
    assert two == {"recall_at_3": 0.0, "mrr_at_10": 0.0, "ndcg_at_10": 0.0}
    assert metrics.mean([one, two])["recall_at_3"] == 0.5
