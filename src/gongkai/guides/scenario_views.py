"""Public pages of 情景导航 and 一件事 under /services/: one question per page, the answers in
the query string (a result can be shared, bookmarked and printed), a plain GET form that
works without JavaScript. The kiosk reuses these views with ``{"kiosk": True}`` in the URL
pattern's kwargs (see `url_patterns`): the pages then extend guides/kiosk_base.html."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, path, reverse

from . import scenarios
from .models import Bundle, Scenario

KIOSK_BASE = "guides/kiosk_base.html"


def url_patterns(**kwargs) -> list:
    """The public paths of this part; the kiosk includes them with kwargs={"kiosk": True}."""
    return [
        path("scenarios/", scenario_list, kwargs, name="scenarios"),
        path("scenarios/<slug:slug>/", scenario_detail, kwargs, name="scenario"),
        path("bundles/", bundle_list, kwargs, name="bundles"),
        path("bundles/<slug:slug>/", bundle_detail, kwargs, name="bundle"),
    ]


def _site(request):
    if getattr(request, "site", None) is None:
        raise Http404
    return request.site


def _base(kiosk: bool) -> str:
    if kiosk:
        try:
            get_template(KIOSK_BASE)
            return KIOSK_BASE
        except TemplateDoesNotExist:
            pass
    return "base.html"


def _reverse(request, name: str, *args) -> str:
    """A URL in the namespace the page was reached by (guides, or kiosk), else guides'."""
    namespace = getattr(request.resolver_match, "namespace", "") or "guides"
    try:
        return reverse(f"{namespace}:{name}", args=args)
    except NoReverseMatch:
        return reverse(f"guides:{name}", args=args)


def _render(request, template, context, kiosk, status=200):
    context.update({"base_template": _base(kiosk), "kiosk": kiosk})
    if kiosk:
        from . import kiosk as kiosk_rules

        context.update(
            idle_seconds=kiosk_rules.idle_seconds(),
            fallback_seconds=kiosk_rules.fallback_seconds(),
            idle_page=True,
        )
    return render(request, template, context, status=status)


def scenario_list(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    site = _site(request)
    rows = [
        (s, _reverse(request, "scenario", s.slug))
        for s in Scenario.objects.filter(site=site, is_published=True).select_related("life_event")
    ]
    bundles = Bundle.objects.filter(site=site, is_published=True)
    return _render(
        request,
        "guides/scenario_list.html",
        {"rows": rows, "bundles": [(b, _reverse(request, "bundle", b.slug)) for b in bundles]},
        kiosk,
    )


def _query(answers: dict[str, str]) -> str:
    return f"?{urlencode(answers)}" if answers else "?"


def scenario_detail(request: HttpRequest, slug: str, kiosk: bool = False) -> HttpResponse:
    """The next question, or the result when every askable question is answered."""
    scenario = get_object_or_404(Scenario, site=_site(request), slug=slug, is_published=True)
    raw = {k: v for k, v in request.GET.items()}
    try:
        walk = scenarios.walk(scenario, raw)
        computed = scenarios.result(scenario, walk.answers) if walk.done else None
    except (scenarios.ConditionError, KeyError, TypeError, AttributeError):
        # a condition stored outside the language (the checker refuses to publish such a
        # flow; this guards rows changed behind its back)
        return _render(
            request, "guides/scenario_unavailable.html", {"scenario": scenario}, kiosk, status=503
        )
    if not walk.done and raw.get("step") == walk.question.key and not walk.invalid:
        walk.messages.append("请选择一项后再继续。")
        walk.invalid = True
    # 改答案: the earlier answers and those after the question; what no longer applies after
    # the new answer is dropped by the walk.
    changes = []
    for step in walk.steps:
        keep = {k: v for k, v in walk.answers.items() if k != step.question.key}
        changes.append((step, _query(keep)))
    context = {
        "scenario": scenario,
        "walk": walk,
        "changes": changes,
        "start_url": "?",
        "self_url": _query(walk.answers),
    }
    if walk.done:
        result = computed
        _link_items(request, result)
        context["result"] = result
        template = "guides/scenario_result.html"
    else:
        question = walk.question
        context.update(
            question=question,
            choices=list(question.choices.all()),
            hidden={**walk.answers, **walk.carried},
            previous=changes[-1][1] if changes else None,
        )
        template = "guides/scenario_question.html"
    return _render(request, template, context, kiosk, status=400 if walk.invalid else 200)


def _link_items(request, result) -> None:
    for line in result.items:
        if line.guide is not None:
            line.url = _reverse(request, "item", line.item.code)


def bundle_list(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    bundles = Bundle.objects.filter(site=_site(request), is_published=True).prefetch_related(
        "items"
    )
    rows = [(b, _reverse(request, "bundle", b.slug)) for b in bundles]
    return _render(request, "guides/scenario_bundles.html", {"rows": rows}, kiosk)


def bundle_detail(request: HttpRequest, slug: str, kiosk: bool = False) -> HttpResponse:
    """一件事: its items and their materials as one list (the same merge as a scenario's)."""
    bundle = get_object_or_404(
        Bundle.objects.select_related("window"), site=_site(request), slug=slug, is_published=True
    )
    result = scenarios.combine([], [bundle])
    _link_items(request, result)
    return _render(
        request, "guides/scenario_bundle.html", {"bundle": bundle, "result": result}, kiosk
    )
