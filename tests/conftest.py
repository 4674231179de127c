import time

import pytest
from django.core.cache import cache
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.demo import DEMO_PASSWORD, load_demo
from gongkai.core.models import Organisation, Site, User
from gongkai.core.twofactor import SESSION_VERIFIED_AT
from gongkai.core.workcalendar import forget_calendar


def pytest_configure(config):
    from django.conf import settings

    # Hashing is not what these tests test; the demo creates a dozen users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests without database access clear the cache too, so each test process keeps its own
    # in memory; tests/core/test_security_ratelimit.py runs the shared database cache for real.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The test client and the live server speak plain HTTP; production redirects to HTTPS
    # (tests/core/test_security_deploy.py checks those settings with `check --deploy`).
    settings.SECURE_SSL_REDIRECT = False

    # Transactional tests flush the database between tests; on SQLite that is a DELETE,
    # which the audit table's trigger refuses unless the flush says so (core.audit).
    from django.core.management.commands import flush

    from gongkai.core.audit import allow_flush

    original = flush.Command.handle

    def handle(self, *args, **options):
        with allow_flush():
            return original(self, *args, **options)

    flush.Command.handle = handle


@pytest.fixture(autouse=True)
def _own_search_index(tmp_path, settings):
    """Each test indexes into its own directory: parallel workers never share a tantivy index."""
    from gongkai.search import service

    settings.SEARCH_PATH = tmp_path / "search"
    service.forget_backends()
    yield
    service.forget_backends()


@pytest.fixture(autouse=True)
def _clear_cache():
    # The calendar and site caches live in the process and do not see test rollbacks.
    from gongkai.core.sites import forget_site_hosts
    from gongkai.core.templatetags import memo
    from gongkai.records import selectors

    def forget():
        forget_calendar()
        forget_site_hosts()
        memo.clear()
        selectors.forget_column_latest()

    forget()
    cache.clear()
    yield
    cache.clear()
    forget()


@pytest.fixture
def demo(db):
    """The demo sites, organisations and staff, as `gongkai demo` loads them."""
    load_demo()
    return Site.objects.get(slug="yingjiang")


@pytest.fixture
def yingjiang(demo):
    return demo


@pytest.fixture
def ouhai(demo):
    return Site.objects.get(slug="ouhai")


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


def org(site, name):
    return Organisation.objects.get(site=site, name=name)


def user(username):
    return User.objects.get(username=username)


def login_verified(client, user):
    """Log `user` in as if they had entered their password and a TOTP code just now (the admin
    site and staff pages require the second factor; GONGKAI_REQUIRE_2FA is on by default)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_VERIFIED_AT] = time.time()
    session.save()
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor."""
    return login_verified(client, admin_user)
