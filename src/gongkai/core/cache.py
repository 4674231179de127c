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
import logging
import pickle
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
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

#: seconds to wait for Redis before treating it as down (OPTIONS socket timeouts in settings)
REDIS_SOCKET_TIMEOUT = 0.5
_LOG_EVERY = 60.0


class FailSoftRedisCache(RedisCache):
    """Redis that being down does not take the site down: reads miss, writes are dropped, and
    every page is rendered from the database instead. Rate limits fail closed on purpose:
    `add` answers False and `incr` raises ValueError, which django-ratelimit reads as "could
    not count" and, with RATELIMIT_FAIL_OPEN off, refuses the request (429), so an outage is
    not a window for unlimited form posts."""

    _last_logged = 0.0

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - FailSoftRedisCache._last_logged >= _LOG_EVERY:
            FailSoftRedisCache._last_logged = now
            logger.warning("Redis cache unavailable (%s): %s", operation, exc.__class__.__name__)

    @staticmethod
    def _errors():
        import redis

        return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except self._errors() as exc:
            self._failed("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except self._errors() as exc:
            self._failed("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except self._errors() as exc:
            self._failed("has_key", exc)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except self._errors() as exc:
            self._failed("add", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except self._errors() as exc:
            self._failed("set", exc)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except self._errors() as exc:
            self._failed("set_many", exc)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except self._errors() as exc:
            self._failed("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except self._errors() as exc:
            self._failed("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except self._errors() as exc:
            self._failed("delete_many", exc)

    def clear(self):
        try:
            return super().clear()
        except self._errors() as exc:
            self._failed("clear", exc)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except self._errors() as exc:
            self._failed("incr", exc)
            raise ValueError("cache unavailable") from None
