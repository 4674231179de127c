"""Issue 10 point 3: the client's address comes from forwarding headers only behind a trusted
proxy, is never a non-address, and is the same for the audit log, lockout and rate limits."""

import pytest
from django.test import RequestFactory

from gongkai.core.clientip import client_ip
from gongkai.core.models import AuditEvent, AuditEventType, LoginFailure


def request(remote="127.0.0.1", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128", "10.0.0.0/8"]
    return settings


def test_headers_are_ignored_without_a_proxy(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(request("198.51.100.7", HTTP_X_REAL_IP="6.6.6.6")) == "198.51.100.7"
    assert client_ip(request("198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "198.51.100.7"


def test_headers_are_ignored_from_a_peer_that_is_not_a_proxy(proxy):
    r = request("198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6", HTTP_X_REAL_IP="6.6.6.6")
    assert client_ip(r) == "198.51.100.7"


def test_behind_the_proxy_the_rightmost_untrusted_hop_is_the_client(proxy):
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw.
    r = request("127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_ip(r) == "203.0.113.5"
    # Two proxies of ours (a load balancer in 10/8, then nginx on loopback).
    r = request("127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.1.2.3")
    assert client_ip(r) == "203.0.113.5"
    assert client_ip(request("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"
    assert client_ip(request("::1", HTTP_X_REAL_IP="2001:db8::1")) == "2001:db8::1"


def test_values_that_are_not_addresses_are_never_returned(proxy):
    for junk in ["<script>", "unknown", "203.0.113.5:443", "example.org", "1.2.3.4.5", " "]:
        assert client_ip(request("127.0.0.1", HTTP_X_REAL_IP=junk)) == "127.0.0.1", junk
        assert client_ip(request("127.0.0.1", HTTP_X_FORWARDED_FOR=junk)) == "127.0.0.1", junk
    # A forged entry stops the walk: nothing to its left is believed.
    r = request("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, bogus")
    assert client_ip(r) == "127.0.0.1"
    assert client_ip(request("not-an-ip")) is None
    assert client_ip(request("::ffff:203.0.113.5")) == "203.0.113.5"


@pytest.mark.django_db
def test_audit_log_stores_the_real_peer_not_a_forged_header(client, settings):
    """Before: X-Real-IP was believed from anyone, so a client chose the address the audit
    log recorded for its failed logins (and could escape the per-address lock)."""
    settings.BEHIND_PROXY = False
    client.post(
        "/staff/login/",
        {"username": "someone", "password": "wrong-password"},
        HTTP_X_REAL_IP="6.6.6.6",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    event = AuditEvent.objects.get(event_type=AuditEventType.LOGIN_FAILED)
    assert event.ip_address == "127.0.0.1"
    assert LoginFailure.objects.get().ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_rate_limit_keys_use_the_same_address(client, settings):
    """django-ratelimit's key="ip" reads the address through the same function."""
    from django_ratelimit.core import _get_ip

    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    r = request("127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert _get_ip(r) == "203.0.113.5" == client_ip(r)
    settings.BEHIND_PROXY = False
    assert _get_ip(r) == "127.0.0.1"


def test_a_bad_trusted_proxy_entry_trusts_nobody_and_is_reported(settings):
    from gongkai.core.clientip import check_trusted_proxies

    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["nginx.local", "127.0.0.1/32"]
    assert client_ip(request("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"
    settings.TRUSTED_PROXIES = ["nginx.local"]
    assert client_ip(request("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")) == "127.0.0.1"
    errors = check_trusted_proxies()
    assert len(errors) == 1 and "nginx.local" in errors[0].msg and "不是 IP 地址" in errors[0].msg


def test_gongkai_check_reports_a_bad_trusted_proxy(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
    env.update(GONGKAI_VAR_DIR=str(tmp_path), GONGKAI_TRUSTED_PROXIES="10.0.0.0/33")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gongkai"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "10.0.0.0/33" in result.stderr and "Traceback" not in result.stderr
