"""Staff login with lockout and TOTP two-factor, the workbench shell, the audit log, health."""

import base64
import io
import time
from functools import wraps

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import lockout, permissions
from .audit import record_event
from .extensions import render_panels, workbench_panels
from .forms import AuditFilterForm, StaffLoginForm, TokenForm
from .models import AuditEvent, AuditEventType, Role
from .twofactor import mark_verified, needs_second_factor

__all__ = ["needs_second_factor", "staff_required"]


def staff_required(view):
    """Logged in, holding a role in some organisation, and past the second factor when needed."""

    @wraps(view)
    @login_required
    @never_cache
    def wrapper(request, *args, **kwargs):
        if needs_second_factor(request):
            return redirect(f"{_url('core:two_factor')}?next={request.get_full_path()}")
        if not permissions.is_staff_member(request.user):
            return render(request, "core/not_staff.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _url(name: str) -> str:
    return reverse(name)


class StaffLoginView(auth_views.LoginView):
    """The one password form for staff: the workbench, the admin site and the API session."""

    template_name = "core/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # LoginView puts django.contrib.sites' RequestSite (named after the host) under "site";
        # the page's header shows our Site, as every other page does.
        context = super().get_context_data(**kwargs)
        context["site"] = getattr(self.request, "site", None)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if not needs_second_factor(self.request):
            lockout.remember_device(self.request, response, self.request.user)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code="locked"):
            response.status_code = 429
        return response


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code, or enrol a new authenticator app when none is confirmed yet.

    Also asked for again (`?fresh=1`) before an authenticator is changed or deleted."""
    next_url = request.GET.get("next") or request.POST.get("next") or _url("core:workbench")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = _url("core:workbench")
    user = request.user
    fresh = bool(request.GET.get("fresh") or request.POST.get("fresh"))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, _msg = device.verify_is_allowed()
        if verified and device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record_event(AuditEventType.OTP_ENROLLED, actor=user, obj=user)
            otp_login(request, device)
            mark_verified(request)
            record_event(AuditEventType.OTP_VERIFIED, actor=user, obj=user)
            response = redirect(next_url)
            lockout.remember_device(request, response, user)
            return response
        form.add_error("token", _("验证码不正确或已过期，请重新输入。"))
    context = {"form": form, "enrolling": enrolling, "next": next_url, "fresh": fresh}
    if enrolling:
        image = qrcode.make(
            device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8
        )
        buffer = io.BytesIO()
        image.save(buffer)
        context["qr_data_uri"] = (
            "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
        )
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "core/two_factor.html", context)


@staff_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The staff home: what the user can act on. Later capabilities add their panels here."""
    memberships = permissions.memberships_of(request.user).select_related(
        "organisation", "organisation__site"
    )
    panels = render_panels(workbench_panels, request)
    return render(request, "core/workbench.html", {"memberships": memberships, "panels": panels})


def audit_events_for(user):
    """Audit events the user may read: office admins and evaluators see their sites' events,
    everyone else their own actions."""
    admin_sites = (
        permissions.memberships_of(user)
        .filter(role__in=[Role.OFFICE_ADMIN, Role.EVALUATOR])
        .values("organisation__site")
    )
    if user.is_superuser:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(Q(site__in=admin_sites) | Q(actor_id=user.pk))


@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for(request.user)
    if form.is_valid():
        events = form.filter(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


PREFERENCE_COOKIES = {
    "font": ("gk_font", {"s", "m", "l"}),
    "contrast": ("gk_contrast", {"0", "1"}),
    "elder": ("gk_elder", {"0", "1"}),
}


@csrf_exempt
@require_POST
def set_preference(request: HttpRequest) -> HttpResponse:
    """字号, high-contrast and 长辈版 switches: a form post, so they work without JavaScript.

    Exempt from CSRF on purpose: it only sets display cookies, and a CSRF token in the form on
    every public page would make every page personal and uncacheable."""
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    for key, (cookie, allowed) in PREFERENCE_COOKIES.items():
        value = request.POST.get(key)
        if value in allowed:
            response.set_cookie(
                cookie, value, max_age=365 * 86400, samesite="Lax", secure=settings.SECURE_COOKIES
            )
    return response


def rate_limited(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/rate_limited.html", status=429)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """handler400: Django's own renders 400.html without the request, so without the header."""
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the Chinese 403 page in the site's layout, saying what to do (Django's
    reason is English and technical, so it is not shown)."""
    message = _("页面已过期或来源无法验证，请返回上一页刷新后重新提交。")
    return render(request, "403.html", {"exception": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: no context processors and no database, which may be what failed; the site's
    name only if the middleware already attached the site. A database that is down gets 503."""
    import sys

    from .faults import bare_error_page, is_database_down, service_unavailable

    if is_database_down(sys.exc_info()[1]):
        return service_unavailable(request)
    return bare_error_page(request, "500.html", 500)


def healthz(request: HttpRequest) -> JsonResponse:
    """Database and worker status for probes. The worker is 'ok' when it ran a ping recently."""
    from .tasks import ping

    status = {"database": "ok", "worker": "unknown"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - a probe reports, it does not raise
        status["database"] = f"error: {exc.__class__.__name__}"
        return JsonResponse(status, status=503)
    last_pong = cache.get("gongkai:worker:last-pong") or _last_pong_from_db()
    now = time.time()
    if last_pong and now - last_pong < 180:
        status["worker"] = "ok"
    else:
        status["worker"] = "waiting" if cache.get("gongkai:worker:pinged") else "unknown"
    status["worker_last_seen_seconds"] = round(now - last_pong) if last_pong else None
    if not cache.get("gongkai:worker:pinged"):
        cache.set("gongkai:worker:pinged", True, 60)
        try:
            ping.enqueue()
        except Exception:  # noqa: BLE001
            status["worker"] = "error"
    return JsonResponse(status, status=200)


def _last_pong_from_db() -> float | None:
    try:
        from django_tasks_db.models import DBTaskResult

        last = (
            DBTaskResult.objects.filter(
                task_path__endswith="core.tasks.ping", finished_at__isnull=False
            )
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
    except Exception:  # noqa: BLE001 - another task backend has no such table
        return None
    return last.timestamp() if last else None


def logout_then_home(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        logout(request)
        messages.info(request, _("您已安全退出。"))
    return redirect("portal:home")


def bench_floor(request: HttpRequest) -> HttpResponse:
    """A minimal Django view rendering 20 rows: the floor `gongkai bench` compares pages with."""
    rows = [{"n": n, "title": f"第{n}条示例信息"} for n in range(20)]
    return render(request, "core/bench_floor.html", {"rows": rows})
