"""The shared cache of the embedded setup: Django's database cache with an atomic `incr`.

Rate-limit counters must be shared by every web worker, or "5 applications per hour" means 5
per worker. Without Redis the database is what all workers share. Django's database cache
increments by reading the value and writing it back with `set`, which both loses counts when
two workers count at the same moment and resets the entry's expiry to the default timeout (an
hourly window would forget its count after five minutes). Here the read and the write happen
under a row lock (PostgreSQL) or the database write lock (SQLite, whose transactions start
IMMEDIATE in settings), and the expiry is left as `add` set it.
"""

import base64
import functools
import logging
import pickle
import time

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class SharedDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value, expires FROM {table} WHERE cache_key = %s{lock}",  # noqa: S608
                [cache_key],
            )
            row = cursor.fetchone()
            if row is not None:
                expires = row[1]
                expression = models.Expression(output_field=models.DateTimeField())
                for converter in connection.ops.get_db_converters(
                    expression
                ) + expression.get_db_converters(connection):
                    expires = converter(expires, expression, connection)
                if expires < now():
                    row = None
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 - our own table
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode(
                "latin1"
            )
            cursor.execute(
                f"UPDATE {table} SET value = %s WHERE cache_key = %s",  # noqa: S608
                [encoded, cache_key],
            )
        return new_value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)


# --------------------------------------------------------------------------- Redis, fail-soft


logger = logging.getLogger("gongkai.cache")

_LOG_EVERY = 60.0
_last_logged = 0.0


def _redis_errors() -> tuple:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _unavailable(*_args, **_kwargs):
    raise ValueError("cache unavailable")


def _fail_soft(method, on_failure):
    """`method` of RedisCache, answering on_failure(*args) when Redis cannot be reached (at
    most one warning a minute; settings give Redis 0.5 s before it counts as down)."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        global _last_logged
        try:
            return method(self, *args, **kwargs)
        except _redis_errors() as exc:
            if time.monotonic() - _last_logged >= _LOG_EVERY:
                _last_logged = time.monotonic()
                logger.warning(
                    "Redis cache unavailable (%s): %s", method.__name__, exc.__class__.__name__
                )
            return on_failure(*args, **kwargs)

    return call


class FailSoftRedisCache(RedisCache):
    """Redis that being down does not take the site down: reads miss, writes are dropped, and
    every page is rendered from the database instead. Rate limits fail closed on purpose:
    `add` answers False and `incr` raises ValueError, which django-ratelimit reads as "could
    not count" and, with RATELIMIT_FAIL_OPEN off, refuses the request (429), so an outage is
    not a window for unlimited form posts."""

    get = _fail_soft(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _fail_soft(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _fail_soft(RedisCache.has_key, lambda *args, **kwargs: False)
    add = _fail_soft(RedisCache.add, lambda *args, **kwargs: False)
    set = _fail_soft(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _fail_soft(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    touch = _fail_soft(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _fail_soft(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _fail_soft(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _fail_soft(RedisCache.clear, lambda *args, **kwargs: False)
    incr = _fail_soft(RedisCache.incr, _unavailable)
