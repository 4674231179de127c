import pytest
from django.core.cache import cache

from gongkai.core.demo import DEMO_PASSWORD, load_demo
from gongkai.core.models import Organisation, Site, User
from gongkai.core.workcalendar import forget_calendar


def pytest_configure(config):
    from django.conf import settings

    # Hashing is not what these tests test; the demo creates a dozen users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

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
    forget_calendar()
    cache.clear()
    yield
    cache.clear()
    forget_calendar()


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
