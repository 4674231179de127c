import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.models import AuditEvent, AuditEventType


@pytest.mark.django_db
def test_staff_pages_need_login(client, demo):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=False)
def test_demo_login_opens_workbench_and_is_audited(client, demo, demo_password):
    response = client.post(
        "/staff/login/", {"username": "yj_editor", "password": demo_password}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "工作台" in text and "区住房和城乡建设局" in text and "经办人" in text
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.LOGIN, actor_username="yj_editor"
    ).exists()


@pytest.mark.django_db
def test_lockout_after_repeated_failures(client, demo, demo_password):
    for _ in range(5):
        response = client.post(
            "/staff/login/", {"username": "yj_editor", "password": "wrong-password"}
        )
    # Even the right password is refused while locked out.
    response = client.post("/staff/login/", {"username": "yj_editor", "password": demo_password})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(event_type=AuditEventType.LOGIN_FAILED).count() >= 5
    assert client.get("/staff/").status_code == 302


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=True)
def test_two_factor_enrolment_and_verification(client, demo, demo_password):
    client.post("/staff/login/", {"username": "yj_reviewer", "password": demo_password})
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/2fa/")
    page = client.get(response["Location"])
    assert (
        "验证器" in page.content.decode() and "data:image/svg+xml;base64," in page.content.decode()
    )
    device = TOTPDevice.objects.get(user__username="yj_reviewer")
    assert not device.confirmed
    bad = client.post(
        "/staff/2fa/",
        {"token": "000000" if totp(device.bin_key) != 0 else "111111", "next": "/staff/"},
    )
    assert bad.status_code == 200 and "不正确" in bad.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    good = client.post("/staff/2fa/", {"token": token, "next": "/staff/"})
    assert good.status_code == 302 and good["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.OTP_ENROLLED, actor_username="yj_reviewer"
    ).exists()


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=False)
def test_enrolled_device_is_required_even_when_not_mandatory(client, demo, demo_password):
    from gongkai.core.models import User

    TOTPDevice.objects.create(
        user=User.objects.get(username="yj_admin"), name="app", confirmed=True
    )
    client.post("/staff/login/", {"username": "yj_admin", "password": demo_password})
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/2fa/" in response["Location"]


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=False)
def test_user_without_role_is_refused_workbench(client, db):
    from gongkai.core.models import User

    User.objects.create_user("citizen", password="a-long-password-1")
    client.post("/staff/login/", {"username": "citizen", "password": "a-long-password-1"})
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "岗位" in response.content.decode()


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=False)
def test_audit_log_page_filters_and_scopes(client, demo, demo_password):
    client.post("/staff/login/", {"username": "yj_editor", "password": "wrong-password"})
    client.post("/staff/login/", {"username": "oh_editor", "password": demo_password})
    client.post("/staff/logout/")
    client.post("/staff/login/", {"username": "yj_editor", "password": demo_password})
    page = client.get("/staff/audit/", {"event_type": AuditEventType.LOGIN})
    text = page.content.decode()
    assert page.status_code == 200
    # An editor sees only their own actions: their login, not oh_editor's.
    assert "yj_editor" in text
    assert "oh_editor" not in text


def test_login_page_shows_the_sites_own_header(client, demo):
    """Django's LoginView names a "site" after the host; the header shows our Site's name."""
    html = client.get("/staff/login/").content.decode()
    assert '<span class="site-name">迎江区人民政府</span>' in html
    assert "testserver" not in html.split("<main", 1)[0]
