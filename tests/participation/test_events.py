"""Events (issue 14 point 2): capacity under concurrent sign-ups, the waiting list moving up,
approval with reasons, the verifiable draw, check-in codes, reminders, minutes and figures,
and their open data."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import io
import re
import sqlite3
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.models import AuditEvent, Organisation, Role, Site
from gongkai.core.permissions import SYSTEM
from gongkai.participation import event_draw
from gongkai.participation import events as rules
from gongkai.participation.models import Event, Registration, RegistrationState, Selection
from tests.participation.factories import make_person, make_staff
from tests.records.files import pdf_bytes

S = RegistrationState


def _org(slug="ev"):
    site = Site.objects.filter(slug=slug).first() or Site.objects.create(
        slug=slug, name=f"{slug}区人民政府", hostnames="testserver"
    )
    n = Organisation.objects.filter(site=site).count()
    return Organisation.objects.add_root(
        {"site": site, "name": f"测试局{n}", "code": f"{slug}{n:03d}"}
    )


def make_event(org, *, capacity=25, reserved=5, selection=Selection.FIRST_COME, **over):
    now = timezone.now()
    fields = {
        "kind": "open_day",
        "title": "测试开放日",
        "place": "政务服务中心",
        "starts_at": now + timedelta(days=5),
        "ends_at": now + timedelta(days=5, hours=2),
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=3),
        "capacity": capacity,
        "reserved": reserved,
        "selection": selection,
    }
    fields.update(over)
    event = rules.create_event(SYSTEM, organisation=org, **fields)
    return rules.publish_event(SYSTEM, event)


def _close(event, days_ago=1):
    """Move the application window (and the event) into the past."""
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        opens_at=now - timedelta(days=days_ago + 2),
        closes_at=now - timedelta(days=days_ago),
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
    )
    event.refresh_from_db()
    return event


# --------------------------------------------------------------------------- concurrency


@contextlib.contextmanager
def _race_database():
    """Where the racing threads connect. PostgreSQL: the test database itself. SQLite: the
    test database is a shared-cache memory database, in which a second writer fails at once
    ("database table is locked") instead of waiting, unlike the file database production runs;
    so the race runs on a file copy with the production options (WAL, busy_timeout,
    BEGIN IMMEDIATE), and the file's result is copied back for the assertions."""
    settings = dict(connection.settings_dict)
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield settings
        return
    import tempfile
    from pathlib import Path

    connection.ensure_connection()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "race.sqlite3")
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        yield {**settings, "NAME": path, "TEST": {**settings.get("TEST", {}), "NAME": path}}
        source = sqlite3.connect(path)
        source.backup(connection.connection)
        source.close()


def _free_slots() -> int:
    if connection.vendor != "postgresql":
        return 50
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_registrations_fill_twenty_places_exactly():
    """50 people apply at the same instant for 20 public places (25 minus 5 reserved): exactly
    20 are confirmed and 30 wait, on SQLite and PostgreSQL. The threads (as many as the
    server's free connection slots allow, half of them: the other pytest worker shares the
    server) each take their share of the 50 applications, released together by a barrier."""
    event = make_event(_org(), capacity=25, reserved=5)
    people = [make_person(email=f"p{i}@example.com") for i in range(50)]
    threads_n = min(50, _free_slots() // 2)
    assert threads_n >= 8, "PostgreSQL 可用连接太少，无法并发测试"
    shares = [people[i::threads_n] for i in range(threads_n)]
    barrier = threading.Barrier(threads_n)
    outcomes, errors = [], []

    wrapper = type(connections["default"])
    with _race_database() as settings:

        def run(share):
            connections["default"] = wrapper(settings, "default")
            try:
                # connected before the barrier, so the applications race, not the connections
                connections["default"].ensure_connection()
                barrier.wait()
                for person in share:
                    outcomes.append(rules.apply(event, person, "并发报名").state)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=run, args=(s,)) for s in shares]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert errors == []
    assert sorted(outcomes).count(S.CONFIRMED) == 20
    assert sorted(outcomes).count(S.WAITING) == 30
    event.refresh_from_db()
    assert event.confirmed_count == 20
    assert Registration.objects.filter(event=event, state=S.CONFIRMED).count() == 20
    assert Registration.objects.filter(event=event, state=S.WAITING).count() == 30
    assert event.application_count == 50
    # every applicant got a distinct place in the queue
    assert sorted(Registration.objects.filter(event=event).values_list("rank", flat=True)) == list(
        range(1, 51)
    )

    # cancelling one confirmed place moves the first waiting person up, and tells them
    mail.outbox.clear()
    first_waiting = Registration.objects.filter(event=event, state=S.WAITING).order_by("rank")[0]
    leaving = Registration.objects.filter(event=event, state=S.CONFIRMED).first()
    rules.cancel(leaving, leaving.account.user)
    first_waiting.refresh_from_db()
    assert first_waiting.state == S.CONFIRMED
    event.refresh_from_db()
    assert event.confirmed_count == 20
    assert Registration.objects.filter(event=event, state=S.WAITING).count() == 29
    assert [m.to for m in mail.outbox] == [[first_waiting.account.email]]
    assert "递补" in mail.outbox[0].subject


@pytest.mark.django_db
def test_the_database_refuses_an_overfull_event_whatever_the_code():
    event = make_event(_org(), capacity=3, reserved=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(confirmed_count=3)
    person = make_person()
    rules.apply(event, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event, account=person.public_account, rank=9, public_id="X1", code="Y1"
        )


@pytest.mark.django_db
def test_one_registration_per_person_and_only_verified_people():
    event = make_event(_org(), capacity=5, reserved=0)
    person = make_person()
    rules.apply(event, person)
    with pytest.raises(rules.RuleError, match="每人只能报名一次"):
        rules.apply(event, person)
    with pytest.raises(permissions.PermissionDenied, match="请先登录并完成"):
        rules.apply(event, make_person(verified=False))
    with pytest.raises(permissions.PermissionDenied, match="工作人员账号不能以公众身份"):
        rules.apply(event, make_staff(event.organisation, Role.EDITOR))
    with pytest.raises(rules.RuleError, match="内容过长"):
        rules.apply(event, make_person(), "长" * 301)
    # after cancelling, the same person may apply again (the same row, at the end of the queue)
    mine = Registration.objects.get(event=event, account=person.public_account)
    rules.cancel(mine, person)
    again = rules.apply(event, person, "<b>再次</b>报名")
    assert again.pk == mine.pk and again.state == S.CONFIRMED and again.statement == "再次报名"


@pytest.mark.django_db
def test_staff_approve_or_reject_with_a_reason_and_places_hold():
    event = make_event(_org(), capacity=2, reserved=1, selection=Selection.APPROVAL)
    editor = make_staff(event.organisation, Role.EDITOR)
    outsider = make_staff(_org(), Role.EDITOR)
    a, b, c = (rules.apply(event, make_person()) for _ in range(3))
    assert {a.state, b.state, c.state} == {S.PENDING}
    with pytest.raises(permissions.PermissionDenied):
        rules.approve(a, outsider)
    rules.approve(a, editor)
    with pytest.raises(rules.RuleError, match="名额已满"):
        rules.approve(b, editor)
    with pytest.raises(rules.RuleError, match="请填写不通过的理由"):
        rules.reject(b, editor, "  ")
    mail.outbox.clear()
    rejected = rules.reject(b, editor, "名额已满，欢迎参加下一期")
    assert rejected.state == S.REJECTED and rejected.reject_reason.startswith("名额已满")
    event.refresh_from_db()
    assert event.confirmed_count == 1


# --------------------------------------------------------------------------- the draw


def _rerun(seed: str, ids: list[str]) -> list[str]:
    """The draw as the page explains it, written here independently of event_draw."""
    return sorted(ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())


@pytest.mark.django_db
def test_the_draw_is_verifiable_from_what_the_page_publishes(client):
    event = make_event(_org(), capacity=4, reserved=1, selection=Selection.DRAW)
    people = [make_person() for _ in range(10)]
    for p in people:
        assert rules.apply(event, p).state == S.PENDING
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    # before the close: the hash is public, the seed is not
    assert event.draw_seed_hash in page
    assert event.draw_seed not in page
    published_hash = event.draw_seed_hash
    with pytest.raises(rules.RuleError, match="报名截止后才能抽签"):
        rules.run_draw(event, SYSTEM)

    event = _close(event)
    assert rules.run_due_draws() == 1
    with pytest.raises(rules.RuleError, match="已抽签"):
        rules.run_draw(event, SYSTEM)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    seed = re.search(r'data-testid="seed">([0-9a-f]{64})<', page).group(1)
    ids = re.findall(r"<code>([0-9A-F]{8})</code>", page.split('data-testid="entrants"')[1])
    ids = list(dict.fromkeys(ids))[:10]
    assert hashlib.sha256(seed.encode()).hexdigest() == published_hash
    order = _rerun(seed, ids)
    in_db = list(
        Registration.objects.filter(event=event).order_by("rank").values_list("public_id", "state")
    )
    assert [i for i, _ in in_db] == order
    assert [s for _, s in in_db] == [S.CONFIRMED] * 3 + [S.WAITING] * 7
    # the snippet shown in <pre> runs and prints the same order
    snippet = html.unescape(re.search(r'<pre class="snippet"[^>]*>(.*?)</pre>', page, re.S)[1])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(snippet, {})  # noqa: S102 - the published snippet, run as a reader would
    lines = [line.split() for line in out.getvalue().splitlines()]
    assert [line[1] for line in lines] == order
    assert [line[2] for line in lines] == ["入选"] * 3 + ["候补"] * 7
    assert event_draw.seed_matches(seed, published_hash)


# --------------------------------------------------------------------------- check-in


@pytest.mark.django_db
def test_check_in_refuses_used_foreign_and_waiting_codes():
    org = _org()
    event = make_event(org, capacity=1, reserved=0)
    other = make_event(org, capacity=5, reserved=0, title="另一场")
    editor = make_staff(org, Role.EDITOR)
    confirmed = rules.apply(event, make_person())
    waiting = rules.apply(event, make_person())
    elsewhere = rules.apply(other, make_person())
    assert waiting.state == S.WAITING
    done = rules.check_in(event, confirmed.code_display.lower(), editor)
    assert done.checked_in_at is not None
    with pytest.raises(rules.RuleError, match="已于 .* 签到，不能重复使用"):
        rules.check_in(event, confirmed.code, editor)
    with pytest.raises(rules.RuleError, match="属于另一场活动（另一场）"):
        rules.check_in(event, elsewhere.code, editor)
    with pytest.raises(rules.RuleError, match="候补名单中"):
        rules.check_in(event, waiting.code, editor)
    with pytest.raises(rules.RuleError, match="签到码无效"):
        rules.check_in(event, "ZZZZZZZZ", editor)
    with pytest.raises(permissions.PermissionDenied):
        rules.check_in(event, confirmed.code, make_staff(_org(), Role.EDITOR))


@pytest.mark.django_db
def test_my_registration_shows_the_code_and_a_qr_image(client):
    event = make_event(_org(), capacity=3, reserved=0)
    person = make_person()
    client.force_login(person)
    response = client.post(reverse("events:apply", args=[event.pk]), {"statement": "想参加"})
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    page = client.get(reverse("events:mine", args=[event.pk])).content.decode()
    assert registration.code_display in page
    qr = client.get(reverse("events:qr", args=[event.pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content and b"<script" not in qr.content
    # someone else has no registration to show
    client.force_login(make_person())
    assert client.get(reverse("events:qr", args=[event.pk])).status_code == 404
    # a visitor who is not a verified person cannot apply
    with pytest.raises(permissions.PermissionDenied):
        rules.apply(event, permissions.PUBLIC)


# --------------------------------------------------------------------------- reminders


@pytest.mark.django_db(transaction=True)
def test_reminders_go_the_day_before_to_confirmed_people_once():
    org = _org()
    tomorrow = timezone.localtime() + timedelta(days=1)
    event = make_event(
        org,
        capacity=1,
        reserved=0,
        starts_at=tomorrow,
        ends_at=tomorrow + timedelta(hours=1),
        closes_at=tomorrow - timedelta(hours=1),
    )
    confirmed = rules.apply(event, make_person(email="in@example.com"))
    rules.apply(event, make_person(email="wait@example.com"))
    mail.outbox.clear()
    assert rules.send_reminders() == 1
    assert [m.to for m in mail.outbox] == [["in@example.com"]]
    assert confirmed.code_display in mail.outbox[0].body
    assert rules.send_reminders() == 0


# --------------------------------------------------------------------------- afterwards


@pytest.mark.django_db
def test_minutes_and_figures_are_published_and_read_back_as_open_data(client):
    org = _org()
    event = make_event(org, capacity=4, reserved=1, title="列席会议")
    editor = make_staff(org, Role.EDITOR)
    regs = [rules.apply(event, make_person()) for _ in range(5)]
    rules.cancel(regs[0], regs[0].account.user)  # regs[3] moves up
    rules.check_in(event, regs[1].code, editor)
    rules.check_in(event, regs[3].code, editor)
    with pytest.raises(rules.RuleError, match="活动结束后"):
        rules.publish_minutes(event, editor, text="纪要")
    event = _close(event)
    with pytest.raises(rules.RuleError, match="不是 PDF"):
        rules.publish_minutes(event, editor, text="纪要", pdf=("纪要.pdf", b"GIF89a not a pdf"))
    assert not client.get("/api/v1/participation/events/figures.json?site=ev").json()["events"]

    rules.publish_minutes(event, editor, text="会议审议了计划。", pdf=("纪要.pdf", pdf_bytes()))
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "会议审议了计划。" in page
    figures = rules.figures(event)
    assert (figures.applied, figures.confirmed, figures.checked_in) == (5, 3, 2)
    assert client.get(reverse("events:minutes_pdf", args=[event.pk]))["Content-Type"] == (
        "application/pdf"
    )

    data = client.get("/api/v1/participation/events/figures.json?site=ev").json()
    assert [
        (e["title"], e["applied"], e["confirmed"], e["checked_in"]) for e in data["events"]
    ] == [("列席会议", 5, 3, 2)]
    response = client.get("/api/v1/participation/events/figures.csv?site=ev")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["名称"], r["报名人数"], r["确认参加"], r["实际签到"]) for r in rows] == [
        ("列席会议", "5", "3", "2")
    ]
    # a draft or an upcoming event is not open data
    make_event(org, title="未举行")
    assert (
        len(client.get("/api/v1/participation/events/figures.json?site=ev").json()["events"]) == 1
    )


@pytest.mark.django_db
def test_capacity_cannot_shrink_below_the_confirmed_and_growing_moves_the_queue():
    event = make_event(_org(), capacity=2, reserved=0)
    regs = [rules.apply(event, make_person()) for _ in range(3)]
    assert regs[2].state == S.WAITING
    fields = {k: getattr(event, k) for k in rules.EDITABLE}
    with pytest.raises(rules.RuleError, match="不能少于此数"):
        rules.update_event(SYSTEM, event, **{**fields, "capacity": 1})
    rules.update_event(SYSTEM, event, **{**fields, "capacity": 3})
    regs[2].refresh_from_db()
    assert regs[2].state == S.CONFIRMED


@pytest.mark.django_db
def test_audit_events_carry_no_statement():
    event = make_event(_org(), capacity=2, reserved=0)
    rules.apply(event, make_person(), "我的手机 13912345678")
    for e in AuditEvent.objects.filter(object_type="participation.registration"):
        assert "13912345678" not in str(e.after) + str(e.before) + e.object_repr


# --------------------------------------------------------------------------- plug-ins


@pytest.mark.django_db
def test_demo_hub_section_jobs_and_staff_link(yingjiang, client):
    from gongkai.core import jobs
    from gongkai.core.demo import DEMO_LOADERS
    from gongkai.core.extensions import staff_nav
    from gongkai.participation.event_demo import load_events_demo
    from gongkai.participation.hub import hub_sections

    assert any(n == "participation_events" and o == 58 for o, n, _p in DEMO_LOADERS)
    assert any(link.url_name == "events_staff:list" and link.order == 47 for link in staff_nav)
    assert {"participation.event_reminders", "participation.event_draws"} <= set(jobs.JOBS)

    lines = load_events_demo()
    assert lines and load_events_demo() == []  # once
    open_day, meeting = Event.objects.filter(site=yingjiang).order_by("starts_at")[::-1]
    assert open_day.kind == "open_day" and open_day.registrations.count() == 4
    f = rules.figures(meeting)
    assert meeting.minutes_published_at and (f.applied, f.confirmed, f.checked_in) == (6, 6, 4)

    section = next(s for s in hub_sections if s.key == "events")
    assert section.title == "开放日与列席"
    items = section.items(yingjiang)
    assert [i.title for i in items] == [open_day.title]  # upcoming only
    assert "剩余名额 21" in items[0].note
    assert items[0].url == reverse("events:detail", args=[open_day.pk])
