"""The second-factor rule, one for every staff entrance: the workbench (`staff_required`), the
admin site (core/adminsite.py) and the API's session login (core/api.py StaffSessionAuth).

Changing or deleting an authenticator needs a *fresh* verification: an unattended or stolen
session must not be enough to take over someone's second factor.
"""

import time

from django.conf import settings
from django.http import HttpRequest
from django_otp import user_has_device

SESSION_VERIFIED_AT = "gongkai_otp_verified_at"
FRESH_SECONDS = 300


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def needs_second_factor(request: HttpRequest) -> bool:
    """2FA is needed when the deployment requires it, or when the user has enrolled a device."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or is_verified(user):
        return False
    return settings.REQUIRE_2FA or user_has_device(user, confirmed=True)


def mark_verified(request: HttpRequest) -> None:
    """Called right after a code was checked (django_otp.login)."""
    request.session[SESSION_VERIFIED_AT] = time.time()


def recently_verified(request: HttpRequest, seconds: int = FRESH_SECONDS) -> bool:
    """A code was entered in this session within the last few minutes."""
    if not is_verified(request.user):
        return False
    verified_at = request.session.get(SESSION_VERIFIED_AT)
    return isinstance(verified_at, (int, float)) and time.time() - verified_at < seconds
