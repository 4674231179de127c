"""情景导航: the condition language, the walk through the questions, the merged material list,
the number of trips, changing an answer, bad answers in the URL, publishing and the staff pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.guides import flowcheck, scenarios
from gongkai.guides.models import Question, Scenario
from tests.conftest import login_verified, user

from .scenario_factories import restaurant

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the language


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ({}, {}, True),
        ({"q": "shop", "in": ["yes"]}, {"shop": "yes"}, True),
        ({"q": "shop", "in": ["yes"]}, {"shop": "no"}, False),
        ({"q": "shop", "in": ["yes"]}, {}, False),  # unanswered matches nothing
        ({"not": {"q": "shop", "in": ["yes"]}}, {}, True),
        ({"all": [{"q": "a", "in": ["1"]}, {"q": "b", "in": ["2"]}]}, {"a": "1", "b": "2"}, True),
        ({"all": [{"q": "a", "in": ["1"]}, {"q": "b", "in": ["2"]}]}, {"a": "1", "b": "3"}, False),
        ({"any": [{"q": "a", "in": ["1"]}, {"q": "b", "in": ["2"]}]}, {"a": "0", "b": "2"}, True),
        ({"any": []}, {}, False),
        ({"all": []}, {}, True),
    ],
)
def test_the_condition_language(condition, answers, expected):
    assert scenarios.condition_errors(condition) == []
    assert scenarios.holds(condition, answers) is expected


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"q": "shop"},
        {"q": "shop", "in": []},
        {"q": "shop", "in": "yes"},
        {"or": []},
        {"not": 1},
    ],
)
def test_a_malformed_condition_is_named_in_chinese(bad):
    errors = scenarios.condition_errors(bad)
    assert errors and all("条件" in e for e in errors)


# --------------------------------------------------------------------------- the walk


def test_questions_are_asked_in_order_skipping_those_whose_ask_if_fails(yingjiang):
    flow = restaurant(yingjiang).scenario
    assert scenarios.walk(flow, {}).question.key == "shop"
    assert scenarios.walk(flow, {"shop": "yes"}).question.key == "alcohol"
    assert scenarios.walk(flow, {"shop": "yes", "alcohol": "no"}).question.key == "sign"
    walk = scenarios.walk(flow, {"shop": "no", "alcohol": "no"})
    assert walk.done and walk.answers == {"shop": "no", "alcohol": "no"}


def test_the_result_merges_materials_across_guides_without_duplicates(yingjiang):
    r = restaurant(yingjiang)
    result = scenarios.result(r.scenario, {"shop": "yes", "alcohol": "yes", "sign": "no"})
    # 营业执照 is on the list directly and through the 一件事: once
    assert [line.item for line in result.items] == [r.licence, r.food, r.alcohol]
    names = [m.name for m in result.materials]
    assert len(names) == len({scenarios.normalised_name(n) for n in names})
    card = next(m for m in result.materials if m.certificate_name == "居民身份证")
    assert card.items == [r.licence, r.food] and card.replaced
    premises = next(m for m in result.materials if "经营场所" in m.name)
    assert premises.items == [r.licence, r.food, r.alcohol]
    assert premises.copies == 4  # 1 + 2 + 1: each office keeps its own
    assert not premises.replaced
    # 身份证, 经营场所证明, 名称自主申报告知书, 食品安全管理制度, 酒类经营申请表
    assert len(result.materials) == 5


def test_trips_count_a_one_window_bundle_once_and_add_separate_items(yingjiang):
    r = restaurant(yingjiang)
    result = scenarios.result(r.scenario, {"shop": "yes", "alcohol": "yes", "sign": "yes"})
    by_name = {
        (g.bundle.name if g.bundle else g.items[0].item.name): g.visits for g in result.groups
    }
    # bundle at window 8: max(1, 2) = 2; 酒类 1; 招牌 online 0
    assert by_name == {"开餐馆一件事": 2, "酒类经营许可": 1, "户外招牌设置审批": 0}
    assert result.trips == 3
    r.bundle.window = None  # no one-window acceptance: every item is its own application
    r.bundle.save()
    assert scenarios.result(r.scenario, {"shop": "yes", "alcohol": "yes", "sign": "yes"}).trips == 4


def test_an_item_without_a_guide_in_force_is_listed_without_materials(yingjiang):
    r = restaurant(yingjiang)
    r.alcohol.guides.update(state="draft")
    result = scenarios.result(r.scenario, {"shop": "no", "alcohol": "yes"})
    assert [line.item for line in result.unknown] == [r.alcohol]
    assert all(r.alcohol not in m.items for m in result.materials)
    assert result.trips == 2 + 1  # counted as one visit until a guide says otherwise


# --------------------------------------------------------------------------- public pages


def url(flow, query=""):
    return reverse("guides:scenario", args=[flow.slug]) + query


def test_one_question_per_page_and_a_printable_result_with_item_links(client, yingjiang):
    r = restaurant(yingjiang)
    page = client.get(url(r.scenario))
    assert page.status_code == 200
    html = page.content.decode()
    assert "有没有店面？" in html and "是否卖酒？" not in html
    assert 'method="get"' in html and 'name="shop"' in html
    result = client.get(url(r.scenario, "?shop=yes&alcohol=yes&sign=no"))
    html = result.content.decode()
    assert result.status_code == 200
    assert reverse("guides:item", args=["T-SPJY"]) in html
    assert reverse("guides:item", args=["T-JLJY"]) in html
    assert "最多跑 3 次" in html
    assert html.count("经营场所证明") == 1
    assert "guides/scenarios.css" in html  # the print rules


def test_change_answer_links_drop_only_that_answer_and_stale_later_answers(client, yingjiang):
    r = restaurant(yingjiang)
    html = client.get(url(r.scenario, "?shop=yes&alcohol=no&sign=yes")).content.decode()
    assert "改答案" in html
    assert 'href="?alcohol=no&amp;sign=yes"' in html  # change 店面: keep the later answers
    page = client.get(url(r.scenario, "?alcohol=no&sign=yes"))
    body = page.content.decode()
    assert "有没有店面？" in body
    assert 'name="alcohol" value="no"' in body and 'name="sign" value="yes"' in body
    # answering 没有店面 now: the 招牌 question no longer applies and its answer is dropped
    result = client.get(url(r.scenario, "?alcohol=no&sign=yes&shop=no&step=shop"))
    body = result.content.decode()
    assert result.status_code == 200
    assert "户外招牌设置审批" not in body
    assert "已不适用" in body
    assert result.context["walk"].answers == {"shop": "no", "alcohol": "no"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?shop=maybe", "不是有效选项"),
        ("?shop=" + "很长" * 500, "不是有效选项"),
        ("?shop=yes&step=alcohol", "请选择一项后再继续"),
        ("?shop=yes&alcohol=no&colour=red", "不是本情景的问题"),
    ],
)
def test_bad_answers_in_the_url_get_a_clear_chinese_message(client, yingjiang, query, message):
    r = restaurant(yingjiang)
    response = client.get(url(r.scenario, query))
    assert response.status_code in (200, 400)
    assert message in response.content.decode()


def test_an_unpublished_or_unknown_scenario_is_not_found(client, yingjiang):
    r = restaurant(yingjiang, published=False)
    assert client.get(url(r.scenario)).status_code == 404
    assert client.get(reverse("guides:scenario", args=["nope"])).status_code == 404
    assert r.scenario.title not in client.get(reverse("guides:scenarios")).content.decode()


def test_bundle_pages_combine_items_and_materials(client, yingjiang):
    restaurant(yingjiang)
    listing = client.get(reverse("guides:bundles")).content.decode()
    assert "开餐馆一件事" in listing
    page = client.get(reverse("guides:bundle", args=["open-restaurant"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "营业执照" in html and "食品经营许可" in html
    assert html.count("经营场所证明") == 1
    assert "最多跑 2 次" in html


def test_the_kiosk_flag_is_accepted_and_falls_back_to_the_portal_base(rf, yingjiang):
    from gongkai.guides import scenario_views

    r = restaurant(yingjiang)
    request = rf.get(url(r.scenario))
    request.site = yingjiang
    request.user = user("yj_editor")
    from django.urls import resolve

    request.resolver_match = resolve(url(r.scenario))
    response = scenario_views.scenario_detail(request, r.scenario.slug, kiosk=True)
    assert response.status_code == 200
    assert "有没有店面？" in response.content.decode()


# --------------------------------------------------------------------------- staff


def test_publishing_is_refused_while_the_checker_finds_errors(yingjiang):
    r = restaurant(yingjiang, published=False)
    admin = user("yj_admin")
    r.scenario.outcomes.get(title="设置招牌须经审批").delete()
    Question.objects.filter(scenario=r.scenario, key="sign").update(
        ask_if={"q": "shop", "in": ["x"]}
    )
    with pytest.raises(scenarios.ScenarioError) as refused:
        scenarios.set_published(admin, r.scenario, True)
    assert "不会被问到" in str(refused.value) or "没有选项" in str(refused.value)
    assert not Scenario.objects.get(pk=r.scenario.pk).is_published
    Question.objects.filter(scenario=r.scenario, key="sign").update(
        ask_if={"q": "shop", "in": ["yes"]}
    )
    scenarios.set_published(admin, r.scenario, True)
    assert Scenario.objects.get(pk=r.scenario.pk).is_published
    assert AuditEvent.objects.filter(object_id=str(r.scenario.pk), message="发布情景导航").exists()


def test_an_editor_may_not_publish(yingjiang):
    r = restaurant(yingjiang, published=False)
    with pytest.raises(PermissionDenied):
        scenarios.set_published(user("yj_editor"), r.scenario, True)


def test_the_admin_builds_a_flow_with_structured_conditions(client, yingjiang):
    login_verified(client, user("yj_admin"))
    r = restaurant(yingjiang, published=False)
    act = lambda a: reverse("guides_staff:scenario_action", args=[r.scenario.pk, a])  # noqa: E731
    response = client.post(
        act("add-question"),
        {
            "nq-key": "outdoor",
            "nq-text": "是否外摆经营？",
            "nq-choices": "yes|是\nno|否",
            "nqc-mode": "all",
            "nqc-q0": "shop",
            "nqc-op0": "in",
            "nqc-v0": "yes",
        },
    )
    assert response.status_code == 302
    question = r.scenario.questions.get(key="outdoor")
    assert question.ask_if == {"q": "shop", "in": ["yes"]}
    assert list(question.choices.values_list("value", flat=True)) == ["yes", "no"]
    # an unknown choice value is refused by the form, in Chinese
    bad = client.post(
        act("add-outcome"),
        {
            "no-title": "外摆",
            "no-items": "T-HWZP",
            "noc-mode": "all",
            "noc-q0": "outdoor",
            "noc-v0": "maybe",
        },
    )
    assert bad.status_code == 400 and "没有选项" in bad.content.decode()
    # the new question is asked but no outcome depends on it: still checkable and publishable
    detail = client.get(reverse("guides_staff:scenario", args=[r.scenario.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "<svg" in html and 'data-testid="flow-text"' in html
    assert client.post(act("publish")).status_code == 302
    assert Scenario.objects.get(pk=r.scenario.pk).is_published


def test_an_editor_reads_the_staff_page_but_cannot_change(client, yingjiang):
    login_verified(client, user("yj_editor"))
    r = restaurant(yingjiang, published=False)
    page = client.get(reverse("guides_staff:scenario", args=[r.scenario.pk]))
    assert page.status_code == 200 and "添加问题" not in page.content.decode()
    refused = client.post(reverse("guides_staff:scenario_action", args=[r.scenario.pk, "publish"]))
    assert refused.status_code == 403
    assert not Scenario.objects.get(pk=r.scenario.pk).is_published


def test_the_checker_passes_the_restaurant_flow(yingjiang):
    report = flowcheck.check_scenario(restaurant(yingjiang).scenario)
    assert report.ok, report.findings
    assert len(report.paths) == 6  # shop=no: 2 (alcohol); shop=yes: 2 × 2 (alcohol, sign)


def test_a_condition_stored_outside_the_language_is_a_clear_page_not_a_500(client, yingjiang):
    r = restaurant(yingjiang)
    Question.objects.filter(scenario=r.scenario, key="alcohol").update(ask_if={"or": []})
    response = client.get(url(r.scenario, "?shop=yes"))
    assert response.status_code == 503
    assert "暂时无法使用" in response.content.decode()
    assert not flowcheck.check_scenario(r.scenario).ok


def test_the_checker_traces_every_material_to_a_published_guide(yingjiang):
    r = restaurant(yingjiang)
    r.food.guides.update(state="draft")  # 食品经营许可 comes through the 一件事
    findings = flowcheck.check_scenario(r.scenario).findings
    assert [f.code for f in findings if f.is_error] == ["no_guide"]
    assert "食品经营许可" in findings[0].message


def test_a_change_that_breaks_a_published_flow_takes_it_offline(yingjiang):
    r = restaurant(yingjiang)
    outcome = r.scenario.outcomes.get(title="卖酒须办理酒类经营许可")
    scenarios.change_scenario(user("yj_admin"), r.scenario, "删除导航结果", outcome.delete)
    scenario = Scenario.objects.get(pk=r.scenario.pk)
    assert scenario.is_published  # still fine: no dead end, nothing unreachable
    outcome = scenario.outcomes.get(title="开店须办理营业执照和食品经营许可")
    scenarios.change_scenario(user("yj_admin"), scenario, "删除导航结果", outcome.delete)
    assert not Scenario.objects.get(pk=r.scenario.pk).is_published  # dead ends now
    event = AuditEvent.objects.filter(object_id=str(scenario.pk)).latest("pk")
    assert "已撤下" in event.message


def test_the_demo_loader_builds_on_items_present_and_skips_cleanly(yingjiang):
    from gongkai.guides.demo_scenarios import load_scenarios_demo
    from gongkai.records.models import State
    from tests.conftest import org

    from .factories import make_guide, make_item

    assert load_scenarios_demo() == []  # no items on the site: nothing made, no error
    market = org(yingjiang, "区市场监督管理局")
    for code, name in [
        ("D-1", "个体工商户设立登记（营业执照）"),
        ("D-2", "食品经营许可"),
        ("D-3", "酒类商品零售许可"),
        ("D-4", "户外广告设施设置审批"),
        ("D-5", "公众聚集场所投入使用前消防安全检查"),
    ]:
        make_guide(make_item(yingjiang, market, code=code, name=name), state=State.PUBLISHED)
    lines = load_scenarios_demo()
    restaurant_flow = Scenario.objects.get(site=yingjiang, slug="restaurant")
    assert restaurant_flow.is_published and flowcheck.check_scenario(restaurant_flow).ok
    assert lines and "迎江区" in lines[0]
    # the others lack their items here: not made, or made and left unpublished by the checker
    assert not Scenario.objects.filter(
        site=yingjiang, slug="retirement", is_published=True
    ).exists()
    before = list(Scenario.objects.order_by("pk").values_list("pk", "version"))
    load_scenarios_demo()  # idempotent
    assert list(Scenario.objects.order_by("pk").values_list("pk", "version")) == before


def test_with_the_kiosk_flag_the_pages_extend_the_kiosk_base_when_it_exists(
    client, yingjiang, settings, tmp_path
):
    """The kiosk part includes these views with {"kiosk": True}; once its base template
    exists, the scenario pages extend it instead of the portal's."""
    from django.urls import include, path

    from gongkai.guides import scenario_views

    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "kiosk_base.html").write_text(
        "<main data-kiosk>{% block content %}{% endblock %}</main>", encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    patterns = scenario_views.url_patterns(kiosk=True)
    assert all(p.default_args == {"kiosk": True} for p in patterns)
    r = restaurant(yingjiang)

    class KioskUrls:  # a urlconf as the kiosk part would write it
        urlpatterns = [path("k/", include((patterns, "kiosk")))]

    settings.ROOT_URLCONF = KioskUrls
    html = client.get(f"/k/scenarios/{r.scenario.slug}/").content.decode()
    assert html.startswith("<main data-kiosk>") and "有没有店面？" in html
    assert "site-header" not in html


def test_a_slug_taken_by_another_scenario_is_refused_by_the_form(client, yingjiang):
    login_verified(client, user("yj_admin"))
    r = restaurant(yingjiang, published=False)
    other = Scenario.objects.create(site=yingjiang, slug="other", title="另一个")
    response = client.post(
        reverse("guides_staff:scenario_action", args=[other.pk, "edit"]),
        {"s-title": "另一个", "s-slug": r.scenario.slug},
    )
    assert response.status_code == 400
    assert "已被其他情景使用" in response.content.decode()
    created = client.post(reverse("guides_staff:scenarios"), {"title": "重复", "slug": "other"})
    assert created.status_code == 400 and "已被其他情景使用" in created.content.decode()


@pytest.mark.parametrize("target", ["", "abc", "999999"])
def test_a_bad_target_is_not_found_not_a_500(client, yingjiang, target):
    login_verified(client, user("yj_admin"))
    r = restaurant(yingjiang, published=False)
    for action in ("edit-question", "delete-outcome"):
        response = client.post(
            reverse("guides_staff:scenario_action", args=[r.scenario.pk, action]),
            {"target": target},
        )
        assert response.status_code == 404
