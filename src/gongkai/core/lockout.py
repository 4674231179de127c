"""Login lockout: per account, per address and per trusted device (docs in SECURITY.md).

Three counters of failed password logins (`LoginFailure` rows, shared by every worker):

* per account, from browsers the account has not used before: the first
  GONGKAI_LOGIN_FAILURE_LIMIT failures are free, then each further attempt waits 1, 2, 4, 8,
  16 minutes after the last failure, and from GONGKAI_LOGIN_LOCK_AFTER failures on the account
  is locked for GONGKAI_LOGIN_COOLOFF_MINUTES after the last failure. Attempts refused while
  waiting are not counted, so the lock always ends; failures older than a day drop out. Many
  addresses together get at most one guess per cool-off period.
* per address, over all accounts: GONGKAI_LOGIN_ADDRESS_LIMIT failures in an hour block that
  address (not the accounts) until the oldest of them is an hour old. The address is the
  client's (core/clientip.py), never the proxy's, so one address cannot lock everybody out.
* per trusted device: a browser where the account completed a login (password, and the
  second factor when required) carries a signed cookie for that account. It is exempt from
  the two counters above, so an attacker who keeps the account locked does not lock out its
  owner (OWASP "device cookies"); it has its own limit of GONGKAI_LOGIN_FAILURE_LIMIT
  failures a day, after which it counts as an unknown browser.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from .clientip import client_ip
from .models import AuditEventType, LoginFailure

DEVICE_COOKIE = "gk_device"
DEVICE_COOKIE_AGE = 180 * 86400
_DEVICE_SALT = "gongkai.core.lockout.device"
ACCOUNT_WINDOW = timedelta(days=1)
ADDRESS_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Refusal:
    """Why a login attempt is refused before the password is even checked, and for how long."""

    scope: str  # "account" or "address"
    wait: timedelta

    @property
    def message(self) -> str:
        minutes = max(1, -(-int(self.wait.total_seconds()) // 60))
        if self.scope == "address":
            return _("该网络地址登录失败次数过多，已暂时锁定，请 %(minutes)d 分钟后再试。") % {
                "minutes": minutes
            }
        return _(
            "该账号连续登录失败次数过多，已暂时锁定，请 %(minutes)d 分钟后再试；"
            "在您常用并曾成功登录的浏览器上可以照常登录。"
        ) % {"minutes": minutes}


def normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def account_delay(failures: int) -> timedelta:
    """How long after the last failure the next attempt on the account must wait."""
    free = settings.LOGIN_FAILURE_LIMIT
    cooloff = timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    if failures < free:
        return timedelta(0)
    if failures >= settings.LOGIN_LOCK_AFTER:
        return cooloff
    return min(timedelta(minutes=2 ** (failures - free)), cooloff)


def trusted_device(request, username: str) -> str | None:
    """The device id from this browser's cookie when it is valid for this account."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != normalise(username):
        return None
    device = data.get("d")
    return device if isinstance(device, str) and len(device) <= 32 else None


def _device_in_good_standing(request, username: str) -> str | None:
    device = trusted_device(request, username)
    if device is None:
        return None
    failures = LoginFailure.objects.filter(
        username=normalise(username), device=device, created_at__gte=timezone.now() - ACCOUNT_WINDOW
    ).count()
    return device if failures < settings.LOGIN_FAILURE_LIMIT else None


def refusal_for(request, username: str) -> Refusal | None:
    """Whether a login attempt for this account from this request must be refused now."""
    if _device_in_good_standing(request, username):
        return None
    address = client_ip(request)
    return (address and address_refusal(address)) or account_refusal(username)


def address_refusal(address: str) -> Refusal | None:
    now = timezone.now()
    limit = settings.LOGIN_ADDRESS_LIMIT
    times = list(
        LoginFailure.objects.filter(ip_address=address, created_at__gte=now - ADDRESS_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(times) >= limit:
        return Refusal("address", times[-1] + ADDRESS_WINDOW - now)
    return None


def account_refusal(username: str) -> Refusal | None:
    """The account's wait for browsers it has not logged in from before."""
    now = timezone.now()
    failures = LoginFailure.objects.filter(
        username=normalise(username), device="", created_at__gte=now - ACCOUNT_WINDOW
    )
    delay = account_delay(failures.count())
    if delay:
        last = failures.order_by("-created_at").values_list("created_at", flat=True).first()
        if last + delay > now:
            return Refusal("account", last + delay - now)
    return None


class LoginThrottleBackend:
    """First in AUTHENTICATION_BACKENDS: every password check (staff login, admin, anything
    calling authenticate()) is refused while the account or address is locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return None
        refusal = refusal_for(request, username)
        if refusal is not None:
            request.login_refusal = refusal
            raise PermissionDenied(refusal.message)
        return None

    def get_user(self, user_id):
        # Sessions created by force_login()/login() without a backend name this one first.
        return ModelBackend().get_user(user_id)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    """Count a wrong password; an attempt refused by the lock itself is not counted again."""
    if request is None or getattr(request, "login_refusal", None) is not None:
        return
    username = normalise(credentials.get("username", ""))
    device = _device_in_good_standing(request, username) or ""
    prune()
    LoginFailure.objects.create(username=username, ip_address=client_ip(request), device=device)
    if device:
        return
    count = LoginFailure.objects.filter(
        username=username, device="", created_at__gte=timezone.now() - ACCOUNT_WINDOW
    ).count()
    if count in {settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCK_AFTER}:
        from .audit import record_event

        record_event(
            AuditEventType.LOGIN_LOCKED,
            message=_("账号 %(username)s 连续 %(count)d 次登录失败，已暂时锁定")
            % {"username": username, "count": count},
            ip=client_ip(request),
        )


@receiver(user_logged_in)
def _forget_own_failures(sender, request, user, **kwargs):
    """A right password clears this browser's and address's own mistakes on the account, not
    failures from elsewhere (an attacker's count must not be reset by the owner's login)."""
    if request is None:
        return
    username = normalise(user.get_username())
    mine = LoginFailure.objects.filter(username=username, ip_address=client_ip(request))
    device = trusted_device(request, username)
    if device:
        LoginFailure.objects.filter(username=username, device=device).delete()
    mine.filter(device="").delete()


def remember_device(request, response, user) -> None:
    """After a complete login (password and, where required, the second factor), mark this
    browser as a trusted device of the account."""
    device = trusted_device(request, user.get_username()) or secrets.token_hex(8)
    value = signing.dumps({"u": normalise(user.get_username()), "d": device}, salt=_DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        path="/",
    )


def prune() -> int:
    """Failures that no longer count (older than a day)."""
    deleted, _counts = LoginFailure.objects.filter(
        created_at__lt=timezone.now() - ACCOUNT_WINDOW
    ).delete()
    return deleted
