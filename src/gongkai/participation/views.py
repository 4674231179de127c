"""Public pages under /participate/: ask a question, follow it with its code, read answered
messages, rate a page and report an error on it. Without public accounts (issue 14 point 8
adds them) the forms are guarded by CSRF, per-address rate limits counted in the shared cache
(every worker sees the same counters), a honeypot field and size limits."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from gongkai.core.views import rate_limited

from . import rules, selectors
from .forms import ErrorReportForm, MessageForm, RatingForm, TrackForm
from .models import Message, MessageState

TRACK_ERROR = "查询码或联系方式不正确，或没有这条留言。请核对后重试。"
RECEIPT = "participation_receipt"


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def _refused(form, request, template, context, status=400):
    """A form the rules refused: the page again with the message, never a 500."""
    return render(request, template, {"form": form, **context}, status=status)


def message_list(request: HttpRequest) -> HttpResponse:
    """The answered messages the askers agreed to publish, question and reply masked."""
    site = _site(request)
    page = Paginator(selectors.published_messages(site), 20).get_page(request.GET.get("page"))
    items = [public_message(m) for m in page]
    return render(
        request,
        "participation/message_list.html",
        {"page": page, "items": items, "reply_days": rules.reply_period(site)},
    )


def public_message(message: Message) -> dict:
    """What the public sees of a message: masked name, masked text, never contacts."""
    return {
        "pk": message.pk,
        "serial": message.serial,
        "subject": rules.public_text(message.subject),
        "question": rules.public_text(message.question),
        "reply": rules.public_text(message.reply),
        "name": rules.public_name(message.name),
        "organisation": message.organisation.name,
        "received_on": message.received_on,
        "replied_at": message.replied_at,
    }


def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    message = selectors.published_messages(site).filter(pk=pk).first()
    if message is None:
        raise Http404("没有这条公开的留言")
    return render(request, "participation/message_detail.html", {"m": public_message(message)})


@never_cache
@ratelimit(key="ip", rate="5/h", method="POST", block=False)
def ask(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = MessageForm(request.POST or None, site=site)
    context = {"reply_days": rules.reply_period(site)}
    if request.method == "POST":
        if not form.is_valid():
            return _refused(form, request, "participation/ask.html", context)
        data = form.cleaned_data
        try:
            message = rules.submit_message(
                site,
                organisation=data["organisation"],
                subject=data["subject"],
                question=data["question"],
                name=data["name"],
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                publish=data["publish"],
            )
        except rules.RuleError as exc:
            form.add_error(None, str(exc))
            return _refused(form, request, "participation/ask.html", context)
        request.session[RECEIPT] = message.pk
        return redirect("participation:receipt")
    return render(request, "participation/ask.html", {"form": form, **context})


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """The code to follow the message, shown once to the browser that sent it."""
    pk = request.session.get(RECEIPT)
    message = Message.objects.filter(pk=pk, site=_site(request)).first() if pk else None
    if message is None:
        return redirect("participation:track")
    return render(request, "participation/receipt.html", {"message": message})


@never_cache
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
def track(request: HttpRequest) -> HttpResponse:
    """The asker's own message: status, deadline and the reply, with the code and contact."""
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = TrackForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        found = rules.find_tracked(site, form.cleaned_data["code"], form.cleaned_data["contact"])
        if found is None:
            form.add_error(None, TRACK_ERROR)
        else:
            context.update(
                {
                    "message": found,
                    "urgency": rules.urgency(found),
                    "answered": found.state == MessageState.ANSWERED,
                }
            )
    return render(request, "participation/track.html", context, status=400 if form.errors else 200)


def _page_context(site, path: str) -> dict:
    try:
        target = rules.page_target(site, path)
    except rules.RuleError:
        return {"page_path": "", "page_title": ""}
    return {"page_path": target.path, "page_title": target.title}


@never_cache
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def rate(request: HttpRequest) -> HttpResponse:
    """满意度评价. Public pages carry a small GET form pointing here (a POST form with a CSRF
    token would make every public page uncacheable); this page carries the CSRF-protected
    form, with the score chosen there already selected."""
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    if request.method == "POST":
        form = RatingForm(request.POST)
    else:
        initial = {"page": request.GET.get("page", "")[:300]}
        if request.GET.get("score") in {"1", "2", "3", "4", "5"}:
            initial["score"] = request.GET["score"]
        form = RatingForm(initial=initial)
    page = form.data.get("page", "") if form.is_bound else form.initial.get("page", "")
    context = _page_context(site, page)
    if request.method == "POST":
        if not form.is_valid():
            return _refused(form, request, "participation/rate.html", context)
        data = form.cleaned_data
        try:
            rules.submit_rating(
                site, page=data["page"], score=data["score"], comment=data.get("comment", "")
            )
        except rules.RuleError as exc:
            form.add_error(None, str(exc))
            return _refused(form, request, "participation/rate.html", context)
        return render(
            request, "participation/thanks.html", {"what": "rating", **context}, status=200
        )
    if not context["page_path"]:
        raise Http404("请从要评价的页面进入")
    return render(request, "participation/rate.html", {"form": form, **context})


@never_cache
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def report(request: HttpRequest) -> HttpResponse:
    """我要纠错, with the page address filled in from the page's link."""
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    if request.method == "POST":
        form = ErrorReportForm(request.POST)
        page = form.data.get("page", "")
    else:
        page = request.GET.get("page", "")[:300]
        form = ErrorReportForm(initial={"page": page})
    context = _page_context(site, page)
    if request.method == "POST":
        if not form.is_valid():
            return _refused(form, request, "participation/report.html", context)
        data = form.cleaned_data
        try:
            rules.submit_error_report(
                site,
                page=data["page"],
                description=data["description"],
                contact=data.get("contact", ""),
            )
        except rules.RuleError as exc:
            form.add_error("page" if "地址" in str(exc) else None, str(exc))
            return _refused(form, request, "participation/report.html", context)
        return render(request, "participation/thanks.html", {"what": "report", **context})
    return render(request, "participation/report.html", {"form": form, **context})
