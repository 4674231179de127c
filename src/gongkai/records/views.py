"""Public pages: the latest records of a site, a record's page at /records/<索引号>/, its
attachments and QR code, and email subscriptions. 《政府信息公开条例》第二十四条: one unified
platform with retrieval, viewing and download."""

from __future__ import annotations

import io
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from gongkai.catalogue.models import CatalogueItem

from . import notify, selectors
from .forms import SubscribeForm
from .models import Attachment, Record, State
from .sitemaps import RecordListSitemap, RecordSitemap
from .workflow import public_attachments


def feed_links(item=None) -> dict | None:
    """RSS/Atom addresses, or None while the feeds are not mounted at /feeds/."""
    try:
        if item is None:
            return {
                "rss": reverse("records_feeds:site_rss"),
                "atom": reverse("records_feeds:site_atom"),
            }
        return {
            "rss": reverse("records_feeds:item_rss", args=[item.pk]),
            "atom": reverse("records_feeds:item_atom", args=[item.pk]),
        }
    except NoReverseMatch:
        return None


def _site(request):
    if request.site is None:
        raise Http404("没有站点")
    return request.site


def record_list(request: HttpRequest) -> HttpResponse:
    """最新信息: the site's latest records, optionally one catalogue item's."""
    site = _site(request)
    records = selectors.published_records(site)
    item = None
    if request.GET.get("item", "").isdigit():
        item = get_object_or_404(CatalogueItem, pk=request.GET["item"], site=site)
        records = records.filter(catalogue_item=item)
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    return render(
        request, "records/list.html", {"page": page, "item": item, "feeds": feed_links(item)}
    )


def _public_record(request, index_number: str) -> Record:
    """The record at this address on the request's site. (site, index_number) is unique, so no
    ORDER BY; the site is the request's (not joined again), and the policy an interpretation
    explains is loaded only for interpretations (record.policy is lazy)."""
    site = _site(request)
    found = list(
        Record.objects.select_related("organisation", "catalogue_item")
        .filter(site=site, index_number=index_number, state__in=selectors.PUBLIC_STATES)
        .order_by()[:1]
    )
    if not found:
        raise Http404("没有这条信息")
    record = found[0]
    record.site = site
    return record


def record_detail(request: HttpRequest, index_number: str) -> HttpResponse:
    record = _public_record(request, index_number)
    withdrawn = record.state == State.WITHDRAWN
    older, newer = selectors.neighbours(record) if not withdrawn else (None, None)
    page_url = request.build_absolute_uri(record.get_absolute_url())
    context = {
        "record": record,
        "withdrawn": withdrawn,
        "attachments": [] if withdrawn else public_attachments(record),
        "interpretations": selectors.interpretations_of(record),
        "interpretation_pending": selectors.interpretation_pending(record),
        "related": [] if withdrawn else selectors.related_records(record),
        "older": older,
        "newer": newer,
        "history": selectors.update_history(record),
        "page_url": page_url,
        "error_report_url": error_report_link(record, page_url),
    }
    return render(request, "records/detail.html", context)


def error_report_link(record: Record, page_url: str) -> str:
    """我要纠错: the site's error-report entry, or a prepared email to the site's contact."""
    if record.site.error_report_url:
        return record.site.error_report_url
    subject = urlencode({"subject": f"我要纠错：{record.title}", "body": page_url}, quote_via=quote)
    return f"mailto:{record.site.email}?{subject}"


def record_qr(request: HttpRequest, index_number: str, fmt: str) -> HttpResponse:
    """A QR code of the page address, to open it on a phone or share it in WeChat."""
    record = _public_record(request, index_number)
    url = request.build_absolute_uri(record.get_absolute_url())
    buffer = io.BytesIO()
    if fmt == "svg":
        qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10).save(buffer)
        content_type = "image/svg+xml"
    else:
        qrcode.make(url, box_size=8, border=2).save(buffer)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def attachment_download(request: HttpRequest, index_number: str, pk: int) -> HttpResponse:
    """A withdrawn record's files are gone on purpose: 410, not 404, so links and crawlers
    learn that the address will not come back."""
    record = _public_record(request, index_number)
    if record.state == State.WITHDRAWN:
        return render(request, "410.html", status=410)
    attachment = get_object_or_404(public_attachments(record), pk=pk)
    return _file_response(attachment)


def _file_response(attachment: Attachment) -> FileResponse:
    inline = attachment.is_image or attachment.kind == "pdf"
    return FileResponse(
        attachment.file.open("rb"), as_attachment=not inline, filename=attachment.name
    )


@ratelimit(key="ip", rate="20/h", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, item_pk: int) -> HttpResponse:
    """精准推送: subscribe an email address to a catalogue item; confirmed by email."""
    site = _site(request)
    item = get_object_or_404(CatalogueItem, pk=item_pk, site=site)
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notify.subscribe(site, form.cleaned_data["email"], item)
        messages.success(request, "确认邮件已发送，请打开邮件中的链接完成订阅。")
        return redirect(f"{reverse('records:list')}?item={item.pk}")
    return render(request, "records/subscribe.html", {"form": form, "item": item})


@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    sub = notify.read_token(token, "c", notify.CONFIRM_MAX_AGE)
    if sub is None:
        return render(request, "records/subscription_done.html", {"invalid": True}, status=400)
    if request.method == "POST":
        notify.confirm(token)
        return render(request, "records/subscription_done.html", {"sub": sub, "done": "confirmed"})
    return render(request, "records/subscription_done.html", {"sub": sub, "ask": "confirm"})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    sub = notify.read_token(token, "u")
    if sub is None:
        return render(request, "records/subscription_done.html", {"invalid": True}, status=400)
    if request.method == "POST":
        notify.unsubscribe(token)
        return render(request, "records/subscription_done.html", {"sub": sub, "done": "left"})
    return render(request, "records/subscription_done.html", {"sub": sub, "ask": "leave"})


def sitemap(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml for the request's site (sitemaps.org 0.9)."""
    site = _site(request)
    return sitemap_view(request, {"pages": RecordListSitemap(site), "records": RecordSitemap(site)})
