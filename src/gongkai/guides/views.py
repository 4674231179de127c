"""Public pages under /services/ (办事服务). Views are thin: what to show comes from
guides.rules (the version in force, 仅凭身份证可办), guides.selectors (lists and counts) and
guides.faq (search and the question box)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from gongkai.core.models import Organisation
from gongkai.core.views import rate_limited
from gongkai.participation import rules as participation
from gongkai.participation.forms import HoneypotForm
from gongkai.participation.views import RECEIPT

from . import faq, rules, selectors
from .models import ItemStatus, LifeEvent, ServiceItem


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def _page(request, items, size=selectors.PAGE_SIZE):
    page = Paginator(items, size).get_page(request.GET.get("page"))
    page.items = selectors.with_guides(page.object_list)
    return page


def landing(request: HttpRequest) -> HttpResponse:
    """办事服务 home: the counts (computed from the rows), life events, organisations, entries."""
    site = _site(request)
    return render(
        request,
        "guides/landing.html",
        {
            "counts": selectors.landing_counts(site),
            "life_events": selectors.life_events(site),
            "organisations": selectors.organisations_with_items(site),
        },
    )


def topic(request: HttpRequest, slug: str) -> HttpResponse:
    """Browse by life event (主题), with its FAQ."""
    site = _site(request)
    event = get_object_or_404(LifeEvent, site=site, slug=slug)
    return render(
        request,
        "guides/browse_topic.html",
        {
            "event": event,
            "page": _page(request, selectors.items_of_life_event(site, event)),
            "faqs": selectors.life_event_faqs(event),
        },
    )


def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    org = get_object_or_404(Organisation, site=site, pk=pk, is_active=True)
    return render(
        request,
        "guides/browse_organisation.html",
        {"organisation": org, "page": _page(request, selectors.items_of_organisation(site, org))},
    )


def most_once(request: HttpRequest) -> HttpResponse:
    """最多跑一次 list: the items whose guide in force carries the flag."""
    site = _site(request)
    return render(
        request,
        "guides/browse_once.html",
        {"page": _page(request, selectors.most_once_items(site))},
    )


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """办事指南: the guide version in force of one item (404 until one is published)."""
    item = get_object_or_404(
        ServiceItem.objects.select_related("organisation"), site=_site(request), code=code
    )
    guide = rules.guide_in_force(item)
    if guide is None or item.status == ItemStatus.CANCELLED:
        raise Http404
    needs = rules.material_needs(guide)
    return render(
        request,
        "guides/item_detail.html",
        {
            "item": item,
            "guide": guide,
            "needs": needs,
            "identity_card_only": rules.identity_card_only(guide, needs),
            "conditions": guide.conditions.all(),
            "steps": guide.steps.all(),
            "windows": selectors.item_windows(item, guide),
            "bundles": selectors.item_bundles(item),
            "faqs": selectors.item_faqs(item),
            "later": selectors.later_version(item, guide),
            "suspended": item.status == ItemStatus.SUSPENDED,
        },
    )


def faq_list(request: HttpRequest) -> HttpResponse:
    """常见问题: all published FAQ, or those the portal search finds for ?q=."""
    site = _site(request)
    q = (request.GET.get("q") or "").strip()[: faq.MAX_QUERY]
    context = {"q": q}
    if q:
        results = faq.search(site, q, kinds=(faq.FAQ_KIND,), page_size=50)
        context["hits"] = results.hits
    else:
        page = Paginator(selectors.public_faqs(site), selectors.PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page"] = page
    return render(request, "guides/faq_list.html", context)


class AskForm(HoneypotForm):
    """The question box's second step: the question (prefilled from the first), who asks."""

    item = forms.ModelChoiceField(
        label=_("咨询的办事事项"),
        queryset=ServiceItem.objects.none(),
        required=False,
        empty_label=_("不针对具体事项"),
        to_field_name="code",
    )
    organisation = forms.ModelChoiceField(
        label=_("不针对具体事项时，向哪个机构咨询"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("请选择"),
    )
    question = forms.CharField(
        label=_("您的问题"),
        max_length=participation.MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": participation.MAX_QUESTION}),
        error_messages={"required": _("请填写您的问题。")},
    )
    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写此项。")}
    )
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        help_text=_("联系电话和电子邮箱至少填写一项，查询答复时需要输入。"),
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, error_messages={"invalid": _("请输入正确的电子邮箱。")}
    )
    publish = forms.TypedChoiceField(
        label=_("是否公开"),
        choices=[("1", _("同意公开（姓名和联系方式不公开）")), ("0", _("不公开"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    field_order = ["item", "organisation", "question", "name", "phone", "email", "publish"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = selectors.public_items(site)
        self.fields["organisation"].queryset = participation.message_organisations(site)

    def clean(self):
        data = super().clean()
        if not data.get("item") and not data.get("organisation"):
            raise forms.ValidationError(_("请选择要咨询的办事事项，或选择咨询的机构。"))
        return data


@never_cache
@ratelimit(key="ip", rate="5/h", method="POST", block=False)
def ask(request: HttpRequest) -> HttpResponse:
    """我要提问, in two steps that need no JavaScript: GET ?q= shows the answers the search
    finds; only "仍要提问" (?q=…&ask=1) opens the form, whose POST becomes a message."""
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    params = request.POST if request.method == "POST" else request.GET
    q = (params.get("q") or params.get("question") or "").strip()[: participation.MAX_QUESTION]
    code = (params.get("item") or "").strip()[:80]
    item = selectors.public_items(site).filter(code=code).first() if code else None
    context = {"q": q, "item": item}
    if request.method == "POST":
        form = AskForm(request.POST, site=site)
        if form.is_valid():
            data = form.cleaned_data
            try:
                message = faq.ask(
                    site,
                    question=data["question"],
                    name=data["name"],
                    phone=data.get("phone", ""),
                    email=data.get("email", ""),
                    publish=data["publish"],
                    item=data.get("item"),
                    organisation=data.get("organisation"),
                )
            except participation.RuleError as exc:
                form.add_error(None, str(exc))
            else:
                request.session[RECEIPT] = message.pk
                return redirect("participation:receipt")
        return render(request, "guides/faq_ask.html", {**context, "form": form}, status=400)
    if q:
        context["suggestions"] = faq.suggestions(site, q)
    if q and request.GET.get("ask"):
        context["form"] = AskForm(
            initial={"question": q, "item": item.code if item else None}, site=site
        )
    return render(request, "guides/faq_ask.html", context)
