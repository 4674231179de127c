"""申请编号 come from the shared locked sequence (core.sequences), as 索引号 do: never twice,
and counted as numbers, not text."""

import threading
from datetime import date as D

import pytest
from django.db import connection, connections

from gongkai.core.models import Sequence
from gongkai.core.permissions import SYSTEM
from gongkai.foi import workflow
from gongkai.foi.models import Channel, FoiRequest

from .conftest import applicant


def test_serials_keep_counting_past_9999(make_request, yingjiang):
    first = make_request(received=D(2026, 3, 2))
    assert first.serial == "2026-0001"
    # Serials registered before the sequence existed are counted as numbers.
    Sequence.objects.filter(namespace="foi.serial").delete()
    FoiRequest.objects.filter(pk=first.pk).update(serial="2026-9999")
    assert make_request(received=D(2026, 3, 2)).serial == "2026-10000"
    assert make_request(received=D(2026, 3, 2)).serial == "2026-10001"
    assert make_request(received=D(2026, 3, 2)).serial == "2026-10002"
    # Another year starts again at 1.
    assert make_request(received=D(2025, 12, 30), today=D(2026, 1, 5)).serial == "2025-0001"


def test_a_serial_typed_in_by_hand_is_skipped(make_request):
    make_request(received=D(2026, 3, 2))
    FoiRequest.objects.filter(serial="2026-0001").update(serial="2026-0002")
    Sequence.objects.filter(namespace="foi.serial").update(last_value=1)
    assert make_request(received=D(2026, 3, 2)).serial == "2026-0003"


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_get_consecutive_serials(housing, monkeypatch):
    """Up to fifty registrations at the same instant, each in its own thread and connection.
    The number of threads fits the server's free connection slots (half of them: the other
    pytest worker shares the server), so the race is between registrations, not for slots."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "需要 PostgreSQL：SQLite 的测试库是共享缓存的内存库，并发写入的线程立即得到"
            "“database table is locked”而不是等待，无法并发登记（CI 在 PostgreSQL 上运行本测试）。"
        )
    monkeypatch.setattr(workflow, "today", lambda: D(2026, 11, 20))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        free_slots = cursor.fetchone()[0]
    parallel = min(50, free_slots // 2)
    assert parallel >= 8, f"PostgreSQL 只剩 {free_slots} 个连接，无法并发测试"
    barrier = threading.Barrier(parallel)
    serials, errors = [], []

    def register():
        try:
            barrier.wait()
            req = workflow.register(
                organisation=housing,
                applicant=applicant(),
                channel=Channel.IN_PERSON,
                submitted_on=D(2026, 3, 2),
                actor=SYSTEM,
            )
            serials.append(req.serial)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(serials) == parallel
    assert sorted(serials) == [f"2026-{n:04d}" for n in range(1, parallel + 1)]
