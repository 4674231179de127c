"""Public pages under /services/. Views are thin: what to show comes from guides.rules."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import rules
from .models import ServiceItem


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """办事指南: the guide version in force of one item (404 until one is published)."""
    item = get_object_or_404(ServiceItem, site=_site(request), code=code)
    guide = rules.guide_in_force(item)
    if guide is None:
        raise Http404
    return render(
        request,
        "guides/item_detail.html",
        {
            "item": item,
            "guide": guide,
            "needs": rules.material_needs(guide),
            "identity_card_only": rules.identity_card_only(guide),
        },
    )
