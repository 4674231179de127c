"""Issue 16 (faults): Redis going away mid-run. Public pages keep being served (cache misses,
rendered from the database); rate-limited forms refuse (429, the Chinese page) instead of
letting unlimited posts through; staff sessions live in the database, not in Redis."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches

from gongkai.core.cache import FailSoftRedisCache

from .faultkit import RedisServer


@pytest.fixture
def redis_cache(tmp_path, settings):
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "gongkai.core.cache.FailSoftRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PAGE_CACHE_SECONDS = 300
    try:
        yield server
    finally:
        server.kill()


def test_sessions_are_not_in_the_cache():
    # Staff login must not depend on Redis: sessions are database rows.
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert django_settings.RATELIMIT_FAIL_OPEN is False


def test_site_serves_and_forms_refuse_when_redis_dies(redis_cache, yingjiang, client, caplog):
    assert isinstance(caches["default"], FailSoftRedisCache)
    FailSoftRedisCache._last_logged = 0.0
    cache.set("probe", "ok", 60)
    assert cache.get("probe") == "ok"  # really in Redis
    assert client.get("/").status_code == 200
    # The form counts in Redis while it is up: a POST is answered by the form, not refused.
    first = client.post("/foi/apply/", {"name": "x"}, REMOTE_ADDR="203.0.113.9")
    assert first.status_code == 400

    redis_cache.kill()

    assert cache.get("probe") is None
    assert cache.get("probe", "missing") == "missing"
    cache.set("probe", "again")  # dropped, no error
    cache.delete("probe")
    response = client.get("/")
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    # A fresh address would be allowed 5 an hour, but nothing can count it now: refused.
    refused = client.post("/foi/apply/", {"name": "x"}, REMOTE_ADDR="203.0.113.10")
    assert refused.status_code == 429
    assert "您的操作过于频繁，请稍后再试。" in refused.content.decode()
    assert any("Redis cache unavailable" in r.getMessage() for r in caplog.records)
