"""Issue 10 point 3: lockout per account (progressive, time-bounded), per address, and a
trusted-device exemption so that an attacker cannot lock the owner out."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongkai.core import lockout
from gongkai.core.models import AuditEvent, AuditEventType, LoginFailure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture(autouse=True)
def _behind_proxy(settings):
    settings.REQUIRE_2FA = False
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_LOCK_AFTER = 10
    settings.LOGIN_COOLOFF_MINUTES = 30
    settings.LOGIN_ADDRESS_LIMIT = 30


def attempt(client: Client, username: str, password: str, address: str):
    """A login through the reverse proxy (peer 127.0.0.1) from the client `address`."""
    return client.post(
        "/staff/login/",
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=address,
        HTTP_X_REAL_IP=address,
    )


def age_failures(minutes: int, **filters) -> None:
    LoginFailure.objects.filter(**filters).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_many_addresses_cannot_guess_one_password(demo_password):
    """Before: the lock counted username *and* address together, so each new address got five
    fresh guesses at the same account."""
    for n in range(5):
        response = attempt(Client(), "yj_editor", f"guess-{n}", f"203.0.113.{n + 1}")
        assert response.status_code == 200
    # A sixth address, even with the right password, waits.
    response = attempt(Client(), "yj_editor", demo_password, "198.51.100.200")
    assert response.status_code == 429
    assert "锁定" in response.content.decode() and "分钟后再试" in response.content.decode()
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_LOCKED).count() == 1


def test_one_address_does_not_lock_other_people(demo_password):
    """One attacker behind the proxy fills the address limit; other clients (the proxy's
    address is the same for everybody) and other accounts are untouched."""
    attacker = Client()
    for n in range(30):
        attempt(attacker, f"nobody{n}", "wrong-password", "203.0.113.66")
    refused = attempt(attacker, "yj_reviewer", demo_password, "203.0.113.66")
    assert refused.status_code == 429 and "网络地址" in refused.content.decode()
    colleague = attempt(Client(), "yj_reviewer", demo_password, "198.51.100.7")
    assert colleague.status_code == 302
    stored = set(LoginFailure.objects.values_list("ip_address", flat=True))
    assert stored == {"203.0.113.66"}


def test_delay_grows_then_locks_and_always_ends(demo_password):
    client = Client()
    for n in range(5):
        attempt(client, "yj_editor", f"guess-{n}", "203.0.113.1")
    assert attempt(client, "yj_editor", demo_password, "203.0.113.1").status_code == 429
    # Refused attempts are not counted: the lock cannot be extended by hammering it.
    assert LoginFailure.objects.filter(username="yj_editor").count() == 5

    age_failures(2, username="yj_editor")  # one minute's wait is over
    assert attempt(client, "yj_editor", "guess-5", "203.0.113.1").status_code == 200
    assert lockout.account_refusal("yj_editor").wait <= timedelta(minutes=2)
    assert lockout.account_refusal("yj_editor").wait > timedelta(minutes=1)

    for n in range(6, 10):
        age_failures(60, username="yj_editor")
        assert attempt(client, "yj_editor", f"guess-{n}", "203.0.113.1").status_code == 200
    # Ten failures: locked for the cool-off period after the last one ...
    refusal = lockout.account_refusal("yj_editor")
    assert timedelta(minutes=29) < refusal.wait <= timedelta(minutes=30)
    age_failures(29, username="yj_editor")
    assert attempt(client, "yj_editor", demo_password, "203.0.113.1").status_code == 429
    # ... and no longer: the lock is time-bounded.
    age_failures(31, username="yj_editor")
    assert attempt(client, "yj_editor", demo_password, "203.0.113.1").status_code == 302


def test_owner_on_a_trusted_browser_is_not_locked_out(demo_password):
    """A browser that completed a login before carries a signed device cookie for the account;
    an attacker who keeps the account locked does not lock that browser out."""
    owner = Client()
    assert attempt(owner, "yj_editor", demo_password, "198.51.100.7").status_code == 302
    assert owner.cookies.get(lockout.DEVICE_COOKIE)
    owner.post("/staff/logout/")

    for n in range(12):
        attempt(Client(), "yj_editor", f"guess-{n}", f"203.0.113.{n + 1}")
    assert attempt(Client(), "yj_editor", demo_password, "198.51.100.7").status_code == 429
    assert attempt(owner, "yj_editor", demo_password, "198.51.100.7").status_code == 302
    # The owner's success does not reset the attacker's count.
    assert lockout.account_refusal("yj_editor") is not None


def test_trusted_browser_has_its_own_limit(demo_password):
    owner = Client()
    attempt(owner, "yj_editor", demo_password, "198.51.100.7")
    owner.post("/staff/logout/")
    for n in range(5):
        attempt(owner, "yj_editor", f"typo-{n}", "198.51.100.7")
    # Its own failures do not lock the account for others ...
    assert lockout.account_refusal("yj_editor") is None
    # ... but after five the browser no longer skips the account's lock.
    for n in range(5):
        attempt(Client(), "yj_editor", f"guess-{n}", f"203.0.113.{n + 1}")
    assert attempt(owner, "yj_editor", demo_password, "198.51.100.7").status_code == 429


def test_device_cookie_is_for_one_account_only(demo_password):
    browser = Client()
    attempt(browser, "yj_editor", demo_password, "198.51.100.7")
    browser.post("/staff/logout/")
    for n in range(5):
        attempt(Client(), "yj_reviewer", f"guess-{n}", f"203.0.113.{n + 1}")
    assert attempt(browser, "yj_reviewer", demo_password, "198.51.100.7").status_code == 429
    forged = Client()
    forged.cookies[lockout.DEVICE_COOKIE] = "not-signed"
    assert attempt(forged, "yj_reviewer", demo_password, "198.51.100.8").status_code == 429


def test_device_is_trusted_only_after_the_second_factor(demo_password, settings):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongkai.core.models import User

    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(
        user=User.objects.get(username="yj_editor"), name="app", confirmed=True
    )
    browser = Client()
    assert attempt(browser, "yj_editor", demo_password, "198.51.100.7").status_code == 302
    assert not browser.cookies.get(lockout.DEVICE_COOKIE)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    browser.post("/staff/2fa/", {"token": code, "next": "/staff/"})
    assert browser.cookies.get(lockout.DEVICE_COOKIE)


def test_admin_has_no_password_form_that_skips_the_lock(demo_password):
    for n in range(5):
        attempt(Client(), "admin", f"guess-{n}", f"203.0.113.{n + 1}")
    client = Client()
    client.post(
        "/admin/login/",
        {"username": "admin", "password": demo_password},
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert client.get("/admin/").status_code == 302


def test_old_failures_are_pruned():
    LoginFailure.objects.create(username="x", ip_address="203.0.113.1")
    age_failures(25 * 60, username="x")
    LoginFailure.objects.create(username="y", ip_address="203.0.113.1")
    assert lockout.prune() == 1
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["y"]


def test_an_admin_can_lift_a_lock_and_it_is_audited(demo_password):
    from gongkai.core.models import User
    from tests.conftest import login_verified

    for n in range(5):
        attempt(Client(), "yj_editor", f"guess-{n}", f"203.0.113.{n + 1}")
    assert lockout.account_refusal("yj_editor") is not None
    office = login_verified(Client(), User.objects.get(username="admin"))
    ids = list(LoginFailure.objects.filter(username="yj_editor").values_list("pk", flat=True))
    response = office.post(
        "/admin/core/loginfailure/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert lockout.account_refusal("yj_editor") is None
    assert attempt(Client(), "yj_editor", demo_password, "198.51.100.1").status_code == 302
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.OBJECT_DELETED, object_type="core.loginfailure"
    ).count() == len(ids)
