"""Issue 10 point 2: the admin site is a staff entrance like the workbench (password and
second factor), and changing or deleting an authenticator needs a fresh code and is audited."""

import time

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.models import AuditEvent, AuditEventType, User
from gongkai.core.twofactor import SESSION_VERIFIED_AT
from tests.conftest import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@override_settings(REQUIRE_2FA=True)
def test_admin_refuses_a_password_only_session(client, demo_password):
    """Before: the password alone opened /admin/ (and with it everyone's ID numbers)."""
    admin = User.objects.get(username="admin")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    response = client.post("/staff/login/", {"username": "admin", "password": demo_password})
    assert response.status_code == 302
    for path in ["/admin/", "/admin/core/user/", "/admin/otp_totp/totpdevice/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        follow = client.get(response["Location"])
        assert follow.status_code == 302 and follow["Location"].startswith("/staff/2fa/"), path


@override_settings(REQUIRE_2FA=True)
def test_admin_login_form_is_the_staff_login(client, demo_password):
    """The admin's own password form is gone: it cannot bypass the lockout or the 2FA step."""
    response = client.get("/admin/login/?next=/admin/core/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert "next=%2Fadmin%2Fcore%2Fuser%2F" in response["Location"]
    client.post("/admin/login/?next=/admin/", {"username": "admin", "password": demo_password})
    assert client.get("/admin/").status_code == 302


@override_settings(REQUIRE_2FA=True)
def test_admin_opens_after_password_and_code(client, demo_password):
    admin = User.objects.get(username="admin")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.post("/staff/login/", {"username": "admin", "password": demo_password})
    response = client.post("/staff/2fa/", {"token": _code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200 and "系统配置" in page.content.decode()


@override_settings(REQUIRE_2FA=True)
def test_deleting_an_authenticator_needs_a_fresh_code_and_is_audited(client):
    """Before: an admin session deleted the superuser's authenticator without any new code,
    and nothing was written to the audit log."""
    admin = User.objects.get(username="admin")
    login_verified(client, admin)
    own = TOTPDevice.objects.get(user=admin)
    victim = TOTPDevice.objects.create(user=admin, name="backup-phone", confirmed=True)
    session = client.session
    session[SESSION_VERIFIED_AT] = time.time() - 3600  # verified an hour ago
    session.save()

    delete_url = f"/admin/otp_totp/totpdevice/{victim.pk}/delete/"
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/2fa/") and "fresh=1" in response["Location"]
    assert TOTPDevice.objects.filter(pk=victim.pk).exists()
    assert "再次输入" in client.get(response["Location"]).content.decode()

    again = client.post("/staff/2fa/", {"token": _code(own), "next": delete_url, "fresh": "1"})
    assert again.status_code == 302 and again["Location"] == delete_url
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=victim.pk).exists()
    event = AuditEvent.objects.get(event_type=AuditEventType.OTP_DEVICE_DELETED)
    assert event.actor_username == "admin" and event.before["name"] == "backup-phone"
    assert victim.key not in str(event.before) + str(event.after) + event.message


@override_settings(REQUIRE_2FA=True)
def test_changing_or_adding_authenticators_needs_a_fresh_code(client):
    admin = User.objects.get(username="admin")
    login_verified(client, admin)
    device = TOTPDevice.objects.get(user=admin)
    session = client.session
    session[SESSION_VERIFIED_AT] = time.time() - 3600
    session.save()
    for url in [
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        "/admin/otp_totp/totpdevice/add/",
        "/admin/otp_static/staticdevice/add/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "fresh=1" in response["Location"], url
    # Bulk "delete selected" from the list is a change too.
    response = client.post(
        "/admin/otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert response.status_code == 302 and "fresh=1" in response["Location"]
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@override_settings(REQUIRE_2FA=True)
def test_fresh_code_change_is_audited_without_the_secret(client):
    admin = User.objects.get(username="admin")
    login_verified(client, admin)  # verified just now: fresh
    response = client.post(
        "/admin/otp_static/staticdevice/add/",
        {
            "user": admin.pk,
            "name": "备用码",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": "1",
            "token_set-INITIAL_FORMS": "0",
            "token_set-0-token": "backup-42917365",
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for f in response.context["inline_admin_formsets"][0].formset],
        response.context["inline_admin_formsets"][0].formset.prefix,
    )
    static = StaticDevice.objects.get(user=admin)
    assert static.token_set.filter(token="backup-42917365").exists()
    response = client.post(
        f"/admin/otp_static/staticdevice/{static.pk}/change/",
        {"user": admin.pk, "name": "备用码-新", "confirmed": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    events = AuditEvent.objects.filter(event_type=AuditEventType.OTP_DEVICE_CHANGED)
    # added, its backup codes set, renamed
    assert events.count() == 3
    assert events.filter(before__name="备用码", after__name="备用码-新").exists()
    for event in events:
        assert "backup-42917365" not in str(event.before) + str(event.after) + event.message


@override_settings(REQUIRE_2FA=True)
def test_admin_never_shows_an_authenticator_secret(client):
    admin = User.objects.get(username="admin")
    login_verified(client, admin)
    device = TOTPDevice.objects.get(user=admin)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page


@override_settings(REQUIRE_2FA=True)
def test_only_superusers_see_other_peoples_authenticators(client):
    from django.contrib.auth.models import Permission

    admin = User.objects.get(username="admin")
    TOTPDevice.objects.create(user=admin, name="superuser-phone", confirmed=True)
    office = User.objects.get(username="yj_admin")
    office.is_staff = True
    office.save()
    office.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="otp_totp"),
    )
    login_verified(client, office)
    page = client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "superuser-phone" not in page
    assert "yj_admin" in page


@override_settings(REQUIRE_2FA=True)
def test_nobody_but_a_superuser_plants_an_authenticator_on_another_account(client):
    """Before: any staff user with the device permission could add a TOTP device with a key of
    their choosing to the superuser's account."""
    from django.contrib.auth.models import Permission

    admin = User.objects.get(username="admin")
    office = User.objects.get(username="yj_admin")
    office.is_staff = True
    office.save()
    office.user_permissions.add(*Permission.objects.filter(content_type__app_label="otp_totp"))
    login_verified(client, office)
    form = {
        "name": "planted",
        "confirmed": "on",
        "key": "3132333435363738393031323334353637383930",
        "step": 30,
        "t0": 0,
        "digits": 6,
        "tolerance": 1,
        "drift": 0,
        "throttling_failure_count": 0,
    }
    response = client.post("/admin/otp_totp/totpdevice/add/", {**form, "user": admin.pk})
    assert response.status_code == 200  # the form refuses the other account
    assert not TOTPDevice.objects.filter(user=admin, name="planted").exists()
    # The same form for their own account is accepted (so the refusal above is the rule).
    response = client.post("/admin/otp_totp/totpdevice/add/", {**form, "user": office.pk})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=office, name="planted").exists()
