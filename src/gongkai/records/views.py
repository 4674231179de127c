"""Public pages: the latest records of a site, a record's page at /records/<索引号>/, its
attachments and QR code, and email subscriptions. 《政府信息公开条例》第二十四条: one unified
platform with retrieval, viewing and download."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from gongkai.catalogue.models import CatalogueItem

from . import notify, selectors
from .forms import SubscribeForm
from .models import Attachment, Kind, Record, State
from .workflow import fields_for_kind, public_attachments, records_for


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
    """最新信息: the site's records, browsable by organisation, catalogue item, kind and year
    (GET parameters, so every filtered list has an address and works without JavaScript)."""
    site = _site(request)
    result = selectors.browse(site, request.GET)
    item = None
    if "item" in result.filters:  # bounded by parse_filters: no 20-digit ID reaches SQLite
        item = get_object_or_404(CatalogueItem, pk=result.filters["item"], site=site)
    paginator = Paginator(result.records, 20)
    paginator.count = result.total  # known from the facets: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    facets = [
        {
            "key": key,
            "label": selectors.FILTERS[key],
            "options": [(o, o.value == result.filters.get(key)) for o in options],
        }
        for key, options in result.facets.items()
    ]
    active = [
        (label, value, _query_without(request.GET, key)) for key, label, value in result.active
    ]
    context = {
        "page": page,
        "item": item,
        "browse": result,
        "facets": facets,
        "active": active,
        "feeds": feed_links(item),
    }
    return render(request, "records/list.html", context)


def _query_without(params, key: str) -> str:
    """This list's address without one filter (and back on its first page)."""
    query = params.copy()
    for name in (key, "page"):
        query.pop(name, None)
    return f"{reverse('records:list')}?{query.urlencode()}" if query else reverse("records:list")


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
    has_attachments, has_history = selectors.page_extras(record)
    # 上一篇, 下一篇 and the chosen related records in one statement (selectors.record_page_links)
    links = selectors.record_page_links(record) if not withdrawn else {}
    page_url = request.build_absolute_uri(record.get_absolute_url())
    context = {
        "record": record,
        "property_rows": property_rows(record),
        "withdrawn": withdrawn,
        "attachments": public_attachments(record) if has_attachments and not withdrawn else [],
        # only policies are explained; an empty queryset still costs a compile (~0.3 ms)
        "interpretations": selectors.interpretations_of(record)
        if record.kind == Kind.POLICY
        else [],
        "interpretation_pending": selectors.interpretation_pending(record),
        "related": [] if withdrawn else selectors.related_records(record, chosen=links["chosen"]),
        "older": links.get("older"),
        "newer": links.get("newer"),
        "history": selectors.update_history(record) if has_history else [],
        "page_url": page_url,
        "error_report_url": error_report_link(record, page_url),
    }
    return render(request, "records/detail.html", context)


def property_rows(record: Record) -> list[list[tuple[str, str]]]:
    """The record's properties (信息属性) two to a row, as the 政府信息公开 pages lay them out;
    文号, 成文日期 and 有效性 only for the kinds they belong to (workflow.KIND_FIELDS), so a
    news item does not show three empty "—" cells."""
    applies = fields_for_kind(record.kind)
    properties = [
        (_("索引号"), record.index_number),
        (_("主题分类"), record.get_subject_display()),
        (_("发布机构"), record.organisation.name),
        (
            _("发布日期"),
            date_format(timezone.localtime(record.published_at), "Y-m-d")
            if record.published_at
            else "—",
        ),
    ]
    if "document_number" in applies:
        properties.append((_("文号"), record.document_number or "—"))
    if "written_on" in applies:
        written = record.written_on
        properties.append((_("成文日期"), date_format(written, "Y-m-d") if written else "—"))
    properties.append((_("体裁"), record.genre))
    if "validity" in applies:
        properties.append((_("有效性"), record.get_validity_display() if record.validity else "—"))
    properties.append((_("公开事项"), record.catalogue_item.name))
    properties.append((_("主题词"), record.keywords or "—"))
    return [properties[i : i + 2] for i in range(0, len(properties), 2)]


def error_report_link(record: Record, page_url: str) -> str:
    """我要纠错: the platform's own error-report form (participation) with this page's address
    filled in, so the report reaches the record's organisation on its workbench."""
    return f"{reverse('participation:report')}?{urlencode({'page': record.get_absolute_url()})}"


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


@never_cache
def attachment_address(request: HttpRequest, pk: int) -> HttpResponse:
    """The address the editor gives a body image taken from the record's own attachments.
    A draft has no 索引号 yet, so the body cannot hold the public address: this one leads the
    staff who may see the record to their copy, and everyone else, once the record is public,
    to the public address, whose rules apply (published files only, 410 after withdrawal)."""
    site = _site(request)
    attachment = get_object_or_404(
        Attachment.objects.select_related("record"), pk=pk, record__site=site
    )
    record = attachment.record
    if request.user.is_authenticated and records_for(request.user).filter(pk=record.pk).exists():
        return redirect("records_staff:attachment", record.pk, pk)
    if record.index_number:
        return redirect("records:attachment", record.index_number, pk)
    raise Http404("没有该附件")


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
