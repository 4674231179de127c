"""The kiosk pages under /kiosk/: guides only (scenarios come from the scenario part's views
with kiosk=True), no login, no link out of the kiosk except the QR code to the phone."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import faq, kiosk, rules, selectors
from .indexing import GUIDE_KIND
from .models import ItemStatus, LifeEvent, ServiceItem


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def _render(request, template, context, *, idle=True):
    context = {
        "idle_seconds": kiosk.idle_seconds(),
        "fallback_seconds": kiosk.fallback_seconds(),
        "idle_page": idle,
        **context,
    }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"  # a shared screen: nothing kept for the next person
    return response


def _page(request, items):
    page = Paginator(items, kiosk.PAGE_SIZE).get_page(request.GET.get("page"))
    page.items = selectors.with_guides(page.object_list)
    return page


def home(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    return _render(
        request,
        "guides/kiosk_home.html",
        {
            "life_events": selectors.life_events(site),
            "counts": selectors.landing_counts(site),
            "scenarios_url": kiosk.scenarios_url(),
        },
        idle=False,
    )


def topic(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(request)
    event = get_object_or_404(LifeEvent, site=site, slug=slug)
    page = _page(request, selectors.items_of_life_event(site, event))
    return _render(request, "guides/kiosk_list.html", {"title": event.name, "page": page})


def once(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.most_once_items(_site(request)))
    return _render(request, "guides/kiosk_list.html", {"title": _("最多跑一次事项"), "page": page})


def search(request: HttpRequest) -> HttpResponse:
    """Find a guide by words or pinyin initials, through the portal search."""
    site = _site(request)
    q = (request.GET.get("q") or "").strip()[: faq.MAX_QUERY]
    items = []
    if q:
        hits = faq.search(site, q, kinds=(GUIDE_KIND,), page_size=kiosk.PAGE_SIZE).hits
        pks = [int(h.doc_id.split(":", 1)[1]) for h in hits]
        found = selectors.public_items(site).in_bulk(pks)
        items = selectors.with_guides([found[pk] for pk in pks if pk in found])
    return _render(request, "guides/kiosk_search.html", {"q": q, "items": items})


def item(request: HttpRequest, code: str) -> HttpResponse:
    site = _site(request)
    service_item = get_object_or_404(ServiceItem, site=site, code=code)
    guide = rules.guide_in_force(service_item)
    if guide is None or service_item.status == ItemStatus.CANCELLED:
        raise Http404
    needs = rules.material_needs(guide)
    phone_url = request.build_absolute_uri(reverse("guides:item", args=[code]))
    return _render(
        request,
        "guides/kiosk_item.html",
        {
            "item": service_item,
            "guide": guide,
            "needs": needs,
            "identity_card_only": rules.identity_card_only(guide, needs),
            "steps": guide.steps.all(),
            "conditions": guide.conditions.all(),
            "windows": selectors.item_windows(service_item, guide),
            "faqs": selectors.item_faqs(service_item)[:3],
            "suspended": service_item.status == ItemStatus.SUSPENDED,
            "qr": kiosk.qr_svg(phone_url, f"扫码在手机上查看“{service_item.name}”办事指南"),
            "phone_url": phone_url,
        },
    )
