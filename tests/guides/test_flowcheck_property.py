"""Property test of the flow checker: hypothesis generates flows (questions with ask_if
conditions, outcomes with conditions) and the checker's guarantees are compared with a brute
force over every assignment of every question's choices:

- the checker's answer paths are exactly the brute-force paths;
- when the checker passes, every path ends in an outcome, every outcome is reached and every
  question is asked;
- each unreachable outcome, dead end and never-asked question it reports is confirmed by the
  brute force, and each one the brute force finds is reported;
- a condition naming a question or choice that does not exist is reported;
- on the database, walking a brute-force path through `scenarios.walk` ends in the result with
  the outcomes the brute force expects.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.guides import flowcheck, scenarios
from gongkai.guides.flowcheck import OutcomeSpec, QuestionSpec

VALUES = ("a", "b", "c")


def clause(keys):
    """A leaf condition on one of `keys`, with values from the choice alphabet."""
    return st.builds(
        lambda k, vs: {"q": k, "in": sorted(set(vs))},
        st.sampled_from(keys),
        st.lists(st.sampled_from(VALUES), min_size=1, max_size=2),
    )


def conditions(keys):
    if not keys:
        return st.just({})
    leaf = st.one_of(st.just({}), clause(keys))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(lambda cs: {"all": cs}, st.lists(inner, max_size=3)),
            st.builds(lambda cs: {"any": cs}, st.lists(inner, max_size=3)),
            st.builds(lambda c: {"not": c}, inner),
        ),
        max_leaves=4,
    )


@st.composite
def flows(draw, well_formed=True):
    """Questions q0…qn (2 or 3 choices; ask_if over earlier questions), outcomes over all."""
    n = draw(st.integers(1, 4))
    questions = []
    for i in range(n):
        choices = VALUES[: draw(st.integers(2, 3))]
        earlier = [q.key for q in questions]
        ask_if = draw(conditions(earlier)) if earlier and draw(st.booleans()) else {}
        questions.append(QuestionSpec(f"q{i}", f"问题{i}", choices, ask_if))
    keys = [q.key for q in questions]
    if not well_formed:
        keys = [*keys, "ghost"]
    outcomes = [
        OutcomeSpec(ref, f"结果{ref}", draw(conditions(keys)))
        for ref in range(draw(st.integers(1, 4)))
    ]
    return questions, outcomes


def brute_paths(questions):
    """Every complete answer path by brute force: each assignment of a choice to every
    question, reduced to the questions the walk would ask."""
    paths = set()
    for assignment in itertools.product(*(q.choices for q in questions)):
        answers = {}
        for question, value in zip(questions, assignment, strict=True):
            if scenarios.holds(question.ask_if, answers):
                answers[question.key] = value
        paths.add(tuple(answers.items()))
    return [dict(p) for p in paths]


def codes(report, code):
    return [f for f in report.findings if f.code == code]


def referenced_values_exist(questions, outcomes):
    choices = {q.key: set(q.choices) for q in questions}
    for q in questions:
        for key, value in scenarios.references(q.ask_if):
            if value not in choices.get(key, ()):
                return False
    for o in outcomes:
        for key, value in scenarios.references(o.condition):
            if value not in choices.get(key, ()):
                return False
    return True


@settings(max_examples=300, deadline=None)
@given(flows())
def test_the_checker_agrees_with_brute_force(flow):
    questions, outcomes = flow
    report = flowcheck.check_flow(questions, outcomes)
    brute = brute_paths(questions)
    as_set = lambda paths: {tuple(p.items()) for p in paths}  # noqa: E731
    assert as_set(report.paths) == as_set(brute)

    matched = {o.ref: [p for p in brute if scenarios.holds(o.condition, p)] for o in outcomes}
    dead = [p for p in brute if not any(scenarios.holds(o.condition, p) for o in outcomes)]
    asked = {k for p in brute for k in p}

    unreachable = {o.ref for o in outcomes if not matched[o.ref]}
    reported = {f.message for f in codes(report, "unreachable_outcome")}
    assert reported == {f"结果“结果{ref}”在任何回答组合下都不会出现。" for ref in unreachable}
    assert bool(codes(report, "dead_end")) == bool(dead)
    assert {f.message for f in codes(report, "never_asked")} == {
        f"问题“{q.text}”在任何回答组合下都不会被问到。" for q in questions if q.key not in asked
    }
    for ref, path in report.reached.items():
        assert path in matched[ref]  # the witness the checker keeps really reaches it

    if report.ok:
        assert all(any(scenarios.holds(o.condition, p) for o in outcomes) for p in brute)
        assert all(matched[o.ref] for o in outcomes)
        assert asked == {q.key for q in questions}
    if not referenced_values_exist(questions, outcomes):
        assert codes(report, "unknown_value")


@settings(max_examples=150, deadline=None)
@given(flows(well_formed=False))
def test_a_condition_on_a_question_that_does_not_exist_is_an_error(flow):
    questions, outcomes = flow
    report = flowcheck.check_flow(questions, outcomes)
    ghosts = [
        o for o in outcomes if any(k == "ghost" for k, _ in scenarios.references(o.condition))
    ]
    assert bool(ghosts) == bool(codes(report, "unknown_key"))
    if ghosts:
        assert not report.ok


@settings(max_examples=150, deadline=None)
@given(flows(), st.data())
def test_an_ask_if_on_a_later_question_is_an_error(flow, data):
    questions, outcomes = flow
    if len(questions) < 2:
        return
    first = questions[0]
    later = questions[data.draw(st.integers(1, len(questions) - 1))]
    questions = [
        QuestionSpec(first.key, first.text, first.choices, {"q": later.key, "in": ["a"]}),
        *questions[1:],
    ]
    report = flowcheck.check_flow(questions, outcomes)
    assert codes(report, "ask_if_not_earlier") and not report.ok


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(flow=flows())
def test_walking_each_path_on_the_database_reaches_the_expected_outcomes(yingjiang, flow):
    from tests.guides.scenario_factories import make_scenario

    questions, outcomes = flow
    with transaction.atomic():
        scenario = make_scenario(
            yingjiang,
            slug="generated",
            questions=[(q.key, q.text, [(v, v) for v in q.choices], q.ask_if) for q in questions],
            outcomes=[(o.title, o.condition, [], []) for o in outcomes],
        )
        stored_questions, stored_outcomes = flowcheck.specs(scenario)
        # the round trip keeps the flow
        assert [(q.key, q.choices, q.ask_if) for q in stored_questions] == [
            (q.key, q.choices, q.ask_if) for q in questions
        ]
        for path in brute_paths(questions):
            walk = scenarios.walk(scenario, path)
            assert walk.done and walk.answers == path
            expected = [o.title for o in outcomes if scenarios.holds(o.condition, path)]
            assert [o.title for o in scenarios.result(scenario, path).outcomes] == expected
        transaction.set_rollback(True)
