"""公众账号 pages under /participate/account/: sign in (or register) with a code sent to a
phone or an e-mail address, sign out, the account page (称呼, contact, 我的参与), and the
举报 button's target. Rules are in participation.accounts and participation.moderation."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages as flash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType
from gongkai.core.views import rate_limited

from . import accounts, moderation
from .account_forms import AddressForm, CodeForm, FlagForm, PublicNameForm
from .decorators import person_required
from .rules import RuleError

PENDING = "participation_signin"
#: codes sent to one address, counted together for the first request and every resend
CODE_GROUP = "participation.signin_code"
CODES_PER_ADDRESS = "5/h"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(value: str | None) -> str:
    """A path of this site to go back to, or "" (no other host, no scheme, no //)."""
    value = (value or "").strip()
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return ""
    return value


def _address_key(group, request) -> str:
    """Rate-limit key: the address asked for, normalised, so one phone cannot be flooded with
    codes from many IPs."""
    value = request.POST.get("address", "")
    try:
        return ":".join(accounts.normalise_address(value))
    except RuleError:
        return "invalid:" + value.strip().lower()[:100]


def _site_name(request) -> str:
    return request.site.name if getattr(request, "site", None) is not None else ""


@never_cache
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
@ratelimit(group=CODE_GROUP, key=_address_key, rate=CODES_PER_ADDRESS, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number or e-mail address. The answer is the same whether or not it
    has an account (the code creates one on first use)."""
    if getattr(request, "limited", False):
        return rate_limited(request)
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and accounts.is_person(request.user):
        return redirect(next_url or "accounts:home")
    form = AddressForm(request.POST or None, initial={"next": next_url})
    context = {"form": form, "staff_member": permissions.is_staff_member(request.user)}
    if request.method == "POST":
        if form.is_valid():
            try:
                channel, address = accounts.request_code(
                    form.cleaned_data["address"], site_name=_site_name(request)
                )
            except accounts.StaffAddress as exc:
                form.add_error("address", str(exc))
                context["staff_entrance"] = True
            except RuleError as exc:
                form.add_error("address", str(exc))
            else:
                request.session[PENDING] = {
                    "channel": channel,
                    "address": address,
                    "next": next_url,
                }
                return redirect("accounts:verify")
        return render(request, "participation/accounts/login.html", context, status=400)
    return render(request, "participation/accounts/login.html", context)


@never_cache
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code. Correct → signed in (the account is created the first time)."""
    if getattr(request, "limited", False):
        return rate_limited(request)
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("accounts:login")
    channel, address = pending["channel"], pending["address"]
    masked = accounts.mask_address(channel, address)
    form = CodeForm(None if "resend" in request.POST else request.POST or None)
    context = {"form": form, "masked": masked, "by_phone": channel == "phone"}
    if request.method == "POST" and "resend" in request.POST:
        if is_ratelimited(
            request,
            group=CODE_GROUP,
            key=lambda group, request: f"{channel}:{address}",
            rate=CODES_PER_ADDRESS,
            method="POST",  # part of the counter's key: the same counter as login's
            increment=True,
        ):
            return rate_limited(request)
        try:
            accounts.request_code(address, site_name=_site_name(request))
        except RuleError as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, f"新的验证码已发送至 {masked}。")
        return redirect("accounts:verify")
    if request.method == "POST":
        if form.is_valid():
            try:
                account = accounts.verify_code(channel, address, form.cleaned_data["code"])
            except RuleError as exc:
                form.add_error("code", str(exc))
                if isinstance(exc, accounts.StaffAddress):
                    context["staff_entrance"] = True
            else:
                next_url = safe_next(pending.get("next"))
                auth_login(request, account.user, backend=BACKEND)
                request.session.pop(PENDING, None)
                record_event(
                    AuditEventType.LOGIN,
                    actor=account.user,
                    obj=account,
                    message="公众账号验证码登录",
                )
                flash.success(request, "已登录。")
                return redirect(next_url or "accounts:home")
        return render(request, "participation/accounts/verify.html", context, status=400)
    return render(request, "participation/accounts/verify.html", context)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out (a POST, so no link on another site can sign anyone out)."""
    user = request.user
    if getattr(user, "is_authenticated", False) and not permissions.is_staff_member(user):
        record_event(AuditEventType.LOGOUT, actor=user, obj=None, message="公众账号退出")
        auth_logout(request)
        flash.success(request, "已退出登录。")
    return redirect("portal:home")


@person_required
def home(request: HttpRequest) -> HttpResponse:
    """The account page: the public name (editable), the verified contact, 我的参与."""
    account = accounts.account_of(request.user)
    form = PublicNameForm(request.POST or None, initial={"public_name": account.public_name})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                accounts.set_public_name(request.user, form.cleaned_data["public_name"])
            except RuleError as exc:
                form.add_error("public_name", str(exc))
            else:
                flash.success(request, "称呼已保存。")
                return redirect("accounts:home")
        status = 400
    contacts = []
    if account.phone and account.phone_verified_at:
        contacts.append(("手机号", accounts.mask_address("phone", account.phone)))
    if account.email and account.email_verified_at:
        contacts.append(("电子邮箱", accounts.mask_address("email", account.email)))
    return render(
        request,
        "participation/accounts/home.html",
        {
            "account": account,
            "form": form,
            "contacts": contacts,
            "sections": accounts.my_participation(request.user, getattr(request, "site", None)),
        },
        status=status,
    )


@never_cache
@require_POST
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
def flag(request: HttpRequest) -> HttpResponse:
    """The 举报 button (participation/_flag.html) posts here."""
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = FlagForm(request.POST)
    next_url = safe_next(request.POST.get("next")) or reverse("portal:home")
    if not accounts.is_person(request.user):
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
    if not form.is_valid():
        flash.error(request, "举报未提交：请选择举报理由。")
        return redirect(next_url)
    try:
        obj = moderation.resolve_target(form.cleaned_data["target"])
        moderation.flag(obj, request.user, form.cleaned_data["reason"])
    except (RuleError, permissions.PermissionDenied) as exc:
        flash.error(request, f"举报未提交：{exc}")
    else:
        flash.success(
            request, "举报已收到，感谢您的反馈。多位用户举报的内容会先隐藏，由管理员复核。"
        )
    return redirect(next_url)
