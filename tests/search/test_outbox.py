"""The search outbox: every app node brings its own tantivy index up to date from IndexChange
rows, a withdrawal leaves results at once, a node that lost its index rebuilds."""

import os
import shutil
import statistics
import threading
import time

import pytest
from django.db import connection, transaction

from gongkai.records import indexing, workflow
from gongkai.search import outbox, service
from gongkai.search.backends.base import SearchQuery
from gongkai.search.models import IndexChange, SearchNode
from tests.conftest import org, user
from tests.records.conftest import approved, make_leaf, published

TEXT = "管网改造"


@pytest.fixture
def outbox_on(settings):
    settings.SEARCH_OUTBOX = True
    settings.SEARCH_BACKEND = "tantivy"
    settings.SEARCH_NODE = "node-a"
    service.forget_backends()
    return settings


@pytest.fixture
def w(yingjiang):
    """The records workflow's people and catalogue item, as tests/records sets them up."""
    housing = org(yingjiang, "区住房和城乡建设局")
    leaf = make_leaf(yingjiang, organisations=[housing], channels=["政府网站"])
    return (user("yj_editor"), user("yj_reviewer"), housing, leaf)


def _hits(record):
    results = service.search(SearchQuery(text=TEXT, site_ids=[record.site_id]))
    return [h.doc_id for h in results.hits]


def test_a_change_writes_an_outbox_row_in_its_transaction(outbox_on, w):
    class Undo(Exception):
        pass

    before = IndexChange.objects.count()  # the demo's catalogue wrote some
    with pytest.raises(Undo), transaction.atomic():
        published(*w)
        assert IndexChange.objects.filter(source=indexing.SOURCE).exists()
        raise Undo
    assert IndexChange.objects.count() == before

    record = published(*w)
    change = IndexChange.objects.get(source=indexing.SOURCE)
    assert (change.key, change.kind) == (str(record.pk), IndexChange.Kind.UPSERT)
    service.refresh(indexing.SOURCE, [record.pk])  # a direct refresh goes through the outbox too
    assert IndexChange.objects.filter(source=indexing.SOURCE).count() == 2


def test_apply_pending_brings_a_node_up_to_date_and_withdrawal_is_hidden_at_once(
    outbox_on, w, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = published(*w)
    assert indexing.doc_id(first.pk) not in _hits(first)  # nothing indexed in the web process

    outbox.apply_pending("node-a")  # a fresh node: rebuilds from the database
    assert indexing.doc_id(first.pk) in _hits(first)
    assert SearchNode.objects.get(name="node-a").position == IndexChange.objects.latest("id").id

    with django_capture_on_commit_callbacks(execute=True):
        second = published(*w, title="二号管网改造停水通知")
    assert outbox.apply_pending("node-a") >= 1  # a known node applies the changes
    assert indexing.doc_id(second.pk) in _hits(second)
    assert SearchNode.objects.get(name="node-a").position == IndexChange.objects.latest("id").id

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(w[1], first, "停水计划取消")
    raw = service.get_backend().search(SearchQuery(text=TEXT, site_ids=[first.site_id]))
    assert indexing.doc_id(first.pk) in [h.doc_id for h in raw.hits]  # still in this index
    hits = _hits(first)
    assert indexing.doc_id(first.pk) not in hits  # but not shown
    assert indexing.doc_id(second.pk) in hits
    outbox.apply_pending("node-a")
    raw = service.get_backend().search(SearchQuery(text=TEXT, site_ids=[first.site_id]))
    assert indexing.doc_id(first.pk) not in [h.doc_id for h in raw.hits]


def test_a_node_without_its_index_or_behind_pruning_rebuilds(outbox_on, w):
    record = published(*w)
    outbox.apply_pending("node-a")
    shutil.rmtree(outbox_on.SEARCH_PATH / "tantivy")
    outbox.apply_pending("node-a")
    service.forget_backends()  # read what is on disk now, not an open reader's old files
    assert indexing.doc_id(record.pk) in _hits(record)

    # node-b stopped at position 0 of an outbox since pruned: it must rebuild, not skip
    SearchNode.objects.create(name="node-b", position=0)
    published(*w, title="三号管网改造停水通知")
    IndexChange.objects.update(
        created_at=IndexChange.objects.latest("id").created_at.replace(year=2020)
    )
    assert outbox.prune_outbox(keep_days=1) >= 1
    assert IndexChange.objects.count() == 1  # the newest stays
    shutil.rmtree(outbox_on.SEARCH_PATH / "tantivy")
    service.forget_backends()
    service.get_backend()  # an empty index directory again, but node-b's own
    outbox.apply_pending("node-b")
    assert SearchNode.objects.get(name="node-b").position == IndexChange.objects.get().id
    results = service.search(SearchQuery(text="三号管网改造", site_ids=[record.site_id]))
    assert results.total >= 1


def test_a_rebuilding_node_answers_with_a_notice(outbox_on, w):
    record = published(*w)
    outbox.apply_pending("node-a")
    SearchNode.objects.filter(name="node-a").update(rebuilding=True)
    results = service.search(SearchQuery(text=TEXT, site_ids=[record.site_id]))
    assert str(results.notice) == "检索索引正在重建，结果可能不完整"
    SearchNode.objects.filter(name="node-a").update(rebuilding=False)
    assert service.search(SearchQuery(text=TEXT, site_ids=[record.site_id])).notice == ""


def test_an_index_deleted_under_the_web_process_degrades_then_comes_back(outbox_on, w, client):
    """Fault (issue 16): an app node's index directory is deleted. Its web process answers with
    the rebuild notice (never a 500) until the node's follower has rebuilt it elsewhere on
    disk, then opens the new directory by itself."""
    from gongkai.search.backends.tantivy_backend import TantivyBackend, forget_indexes

    record = published(*w)
    outbox.apply_pending("node-a")
    web = service.get_backend()
    assert indexing.doc_id(record.pk) in _hits(record)

    shutil.rmtree(outbox_on.SEARCH_PATH / "tantivy")
    results = service.search(SearchQuery(text=TEXT, site_ids=[record.site_id]))
    assert str(results.notice) == "检索索引正在重建，结果可能不完整"
    page = client.get("/search/", {"q": TEXT})
    assert page.status_code == 200
    assert "检索索引正在重建" in page.content.decode()

    # the follower, another process with its own reader, rebuilds into a new directory
    forget_indexes()
    follower = TantivyBackend(outbox_on.SEARCH_PATH / "tantivy")
    outbox.apply_pending("node-a", follower)
    assert service.get_backend() is web and web.replaced()
    results = service.search(SearchQuery(text=TEXT, site_ids=[record.site_id]))
    assert results.notice == ""
    assert indexing.doc_id(record.pk) in [h.doc_id for h in results.hits]
    assert service.get_backend() is not web  # reopened on the new directory


def test_the_follow_command_applies_once(outbox_on, w):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    record = published(*w)
    call_command("search", "follow", "--once", "--node", "node-a")
    assert indexing.doc_id(record.pk) in _hits(record)
    with pytest.raises(CommandError, match="保留天数"):
        call_command("search", "prune", "--keep-days", "零")


# --- PostgreSQL: LISTEN/NOTIFY with a follower thread on its own connection ---------------------


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (GONGKAI_DATABASE_URL=postgres://...)")


class Follower:
    """`outbox.follow` in a thread (its own database connection), noting when changes land."""

    def __init__(self, name, poll):
        self.name, self.poll = name, poll
        self.stop = threading.Event()
        self.applied: list[tuple[float, int]] = []  # (monotonic time, node position)
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        from django.db import connection as own

        def noted(_count):
            position = SearchNode.objects.get(name=self.name).position
            self.applied.append((time.monotonic(), position))

        try:
            outbox.follow(self.name, stop=self.stop.is_set, poll=self.poll, on_applied=noted)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            own.close()

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 60
        while not SearchNode.objects.filter(name=self.name, rebuilding=False).exists():
            assert time.monotonic() < deadline, "follower never finished its first rebuild"
            time.sleep(0.05)
        time.sleep(0.3)  # let it reach LISTEN's wait
        return self

    def __exit__(self, *exc):
        self.stop.set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [outbox.CHANNEL])
        self.thread.join(10)
        assert not self.thread.is_alive()
        assert self.error is None, self.error


@pytest.mark.django_db(transaction=True)
def test_notify_wakes_the_follower(outbox_on, w):
    _needs_postgres()
    with Follower("node-a", poll=30):  # only NOTIFY can wake it within the test's wait
        record = published(*w)
        deadline = time.monotonic() + 5
        while indexing.doc_id(record.pk) not in _hits(record):
            assert time.monotonic() < deadline, "the follower was not woken by NOTIFY"
            time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_index_lag_of_publications(outbox_on, w):
    """Time from a publication's commit to the follower having applied it (node position)."""
    _needs_postgres()
    n = int(os.environ.get("GONGKAI_OUTBOX_LAG_N", "30"))
    ready = [approved(*w, title=f"第{i}号管网改造") for i in range(n)]
    commits: list[tuple[float, int]] = []
    with Follower("node-a", poll=1) as follower:
        for record in ready:
            workflow.publish(w[1], record)
            commits.append((time.monotonic(), IndexChange.objects.latest("id").id))
        deadline = time.monotonic() + 60
        while not follower.applied or follower.applied[-1][1] < commits[-1][1]:
            assert time.monotonic() < deadline, "the follower fell behind"
            time.sleep(0.05)
    lags = []
    for committed, change_id in commits:
        landed = next(t for t, position in follower.applied if position >= change_id)
        lags.append((landed - committed) * 1000)
    lags.sort()
    p95 = lags[int(len(lags) * 0.95) - 1]
    print(
        f"\noutbox lag over {n} publications: median {statistics.median(lags):.1f} ms, "
        f"p95 {p95:.1f} ms, max {lags[-1]:.1f} ms"
    )
    assert statistics.median(lags) < 1000  # woken by NOTIFY, not by the 1 s poll
    found = service.search(SearchQuery(text="管网改造", site_ids=[ready[0].site_id], page_size=5))
    assert found.total >= n
