"""Issue 11 point 9: record pages fast without the page cache, and still fresh.

The page is rendered on every request here (PAGE_CACHE_SECONDS = 0, as for staff, search
results and the first view after a publish). Its queries are bounded whatever the record
carries (no query per related record, attachment or revision), what is kept in the process
(the column's latest records, the page chrome) shows a publish, a withdrawal or an edit of the
site at once, and the SQLite plans of the hot queries use their indexes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.core.models import Site
from gongkai.records import selectors, workflow
from gongkai.records.models import Record

from .conftest import PASS_CHECKS, draft, published
from .files import pdf_bytes

# site, record, the links (neighbours and chosen related records in one statement), and one
# statement saying whether there are attachments or an update history (most records have
# neither; when they do, one query each follows); the host map and the column's latest records come from the
# process, the session table is not read for visitors. A page that needs more has grown a
# query per item (it was 8 before the links became one statement).
MAX_QUERIES = 4


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _queries(client, record) -> int:
    client.get(f"/records/{record.index_number}/")  # the host map and the column, once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/records/{record.index_number}/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _revise(editor, reviewer, record, body, reason):
    revision, _ = workflow.start_revision(editor, record, {"body": body}, reason)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS, revision=revision)
    workflow.approve_revision(reviewer, revision)
    workflow.publish_revision(reviewer, revision)


def test_record_page_queries_do_not_grow_with_what_it_shows(
    client, editor, reviewer, housing, leaf
):
    bare = published(editor, reviewer, housing, leaf, title="主记录")
    bare_queries = _queries(client, bare)
    assert bare_queries <= MAX_QUERIES

    others = [published(editor, reviewer, housing, leaf, title=f"同栏目第{i}条") for i in range(6)]
    record = draft(editor, housing, leaf, title="有附件和修订的记录")
    files = [(f"附件{i}.pdf", pdf_bytes(), "") for i in range(3)]
    workflow.add_attachments(editor, record, files)
    workflow.submit(editor, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, record)
    workflow.publish(reviewer, record)
    record.related.add(*others[:4])
    _revise(editor, reviewer, record, "<p>第二版。</p>", "第二版")
    _revise(editor, reviewer, record, "<p>第三版。</p>", "第三版")

    html = client.get(f"/records/{record.index_number}/").content.decode()
    assert "同栏目第0条" in html and "第三版" in html and "第二版" in html
    assert html.count("附件") >= 3
    full_queries = _queries(client, record)
    # attachments and update history: one query each when there are any, however many
    assert full_queries <= bare_queries + 2


def test_publish_shows_at_once_in_the_related_records_of_the_column(
    client, editor, reviewer, housing, leaf
):
    first = published(editor, reviewer, housing, leaf, title="第一条通知")
    html = client.get(f"/records/{first.index_number}/").content.decode()
    assert "第二条通知" not in html

    second = published(editor, reviewer, housing, leaf, title="第二条通知")
    html = client.get(f"/records/{first.index_number}/").content.decode()
    assert "相关信息" in html and "第二条通知" in html

    workflow.withdraw(reviewer, second, "发布有误")
    html = client.get(f"/records/{first.index_number}/").content.decode()
    assert "第二条通知" not in html.split("相关信息", 1)[-1]


def test_a_revision_shows_at_once_with_the_page_cache_on(
    client, settings, editor, reviewer, housing, leaf
):
    settings.PAGE_CACHE_SECONDS = 300
    record = published(editor, reviewer, housing, leaf, title="停水通知")
    other = published(editor, reviewer, housing, leaf, title="另一条通知")
    assert "原定10月8日" not in client.get(f"/records/{record.index_number}/").content.decode()
    client.get(f"/records/{other.index_number}/")
    _revise(editor, reviewer, record, "<p>原定10月8日停水，改为10月9日。</p>", "更正日期")
    html = client.get(f"/records/{record.index_number}/").content.decode()
    assert "原定10月8日停水，改为10月9日。" in html and "更正日期" in html


def test_site_footer_edit_shows_at_once(client, editor, reviewer, housing, leaf):
    """The chrome is kept rendered per process, keyed on the site's values themselves."""
    record = published(editor, reviewer, housing, leaf)
    url = f"/records/{record.index_number}/"
    assert "0556-1234567" not in client.get(url).content.decode()
    site = Site.objects.get(pk=record.site_id)
    site.phone = "0556-1234567"
    site.name = "迎江区人民政府（测试）"
    site.save()
    html = client.get(url).content.decode()
    assert "0556-1234567" in html and "迎江区人民政府（测试）" in html


def test_the_chrome_follows_the_reading_aids_and_the_visitor(
    client, editor, reviewer, housing, leaf
):
    record = published(editor, reviewer, housing, leaf)
    url = f"/records/{record.index_number}/"
    assert 'value="l" class="font-btn" aria-pressed="false"' in client.get(url).content.decode()
    client.cookies["gk_font"] = "l"
    assert 'value="l" class="font-btn" aria-pressed="true"' in client.get(url).content.decode()
    html = client.get(url + "?from=qr").content.decode()
    assert f'name="next" value="{url}?from=qr"' in html


def test_column_latest_is_read_again_after_the_site_changes(editor, reviewer, housing, leaf):
    first = published(editor, reviewer, housing, leaf, title="甲")
    first = Record.objects.select_related("site").get(pk=first.pk)
    assert [r.title for r in selectors.related_records(first)] == []
    published(editor, reviewer, housing, leaf, title="乙")
    first = Record.objects.select_related("site").get(pk=first.pk)
    assert [r.title for r in selectors.related_records(first)] == ["乙"]


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans")
def test_latest_records_of_a_site_come_in_index_order(yingjiang):
    """Before: state IN (published, expired) kept the (site, state, published_at) index from
    giving the order; SQLite sorted every record of the site to show 20 (5 s at 200,000)."""
    sql, params = selectors.published_records(yingjiang)[:20].query.sql_with_params()
    plan = _plan(sql, params)
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans")
def test_neighbour_query_starts_at_the_record(editor, reviewer, housing, leaf):
    """Before: with the OR alone SQLite walked the column from its newest end to this record
    (the plan had only the lower bound `published_at>?`, i.e. IS NOT NULL)."""
    record = published(editor, reviewer, housing, leaf)
    sql, params = selectors.record_page_links_sql(record, related_limit=5)
    plan = _plan(sql, params).replace(" ", "")
    assert "published_at>?ANDpublished_at<?" in plan, plan
    # older, newer and the chosen related records, one statement; no part scans a table
    assert plan.count("SEARCHrUSINGINDEXrecords_rec_catalog") == 2, plan
    steps = _plan(sql, params).split(" | ")
    assert not [s for s in steps if s.split(" ")[:2] in (["SCAN", "r"], ["SCAN", "o"])], plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans")
def test_home_column_of_one_kind_reads_its_own_index(yingjiang):
    """Before: a rare kind (政策解读) walked every record of the site by date (0.35 s)."""
    qs = selectors.published_records().filter(site_id__in=[yingjiang.pk], kind__in=["policy"])
    sql, params = qs[:6].query.sql_with_params()
    plan = _plan(sql, params)
    assert "records_site_kind_idx" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans")
def test_item_counts_and_item_feed_use_the_item_indexes(yingjiang, leaf):
    """Before: counting 政府信息 N 条 read every record row (1.3 s at 200,000); the item feed
    walked the whole site by date (0.5 s)."""
    from django.db.models import Count

    from gongkai.records.feeds import ItemFeed

    counts = (
        selectors.published_records()
        .filter(catalogue_item_id__in=[leaf.pk])
        .order_by()
        .values("catalogue_item_id")
        .annotate(n=Count("id"))
    )
    plan = _plan(*counts.query.sql_with_params())
    assert "COVERING INDEX records_item_count_idx" in plan, plan
    feed = ItemFeed().items(leaf)
    plan = _plan(*feed.query.sql_with_params())
    assert "site_latest" not in plan and "TEMP B-TREE" not in plan, plan


def test_a_block_inside_a_kept_fragment_follows_the_page_template():
    """A page that overrides a block inside {% memo %} gets its own copy, and the base page
    keeps the default."""
    from django.template import Context, Template, engines
    from django.template.base import Origin

    from gongkai.core.templatetags import memo

    engine = engines["django"].engine
    base = Template(
        '{% load memo %}{% memo "t" %}[{% block b %}默认{% endblock %}]{% endmemo %}',
        origin=Origin("test/base.html"),
        engine=engine,
    )
    child = Template(
        "{% extends base %}{% block b %}页面自己的{% endblock %}",
        origin=Origin("test/child.html"),
        engine=engine,
    )
    memo.clear()
    assert base.render(Context({})) == "[默认]"
    assert child.render(Context({"base": base})) == "[页面自己的]"
    assert base.render(Context({})) == "[默认]"


def test_page_links_in_one_statement_keep_the_column_order(editor, reviewer, housing, leaf):
    """上一篇/下一篇 by (published_at, id), ties broken by id; chosen related records newest
    first, withdrawn ones left out; dates come back as the ORM gives them (both backends)."""
    a, b, c, d = (published(editor, reviewer, housing, leaf, title=t) for t in "甲乙丙丁")
    same = b.published_at
    Record.objects.filter(pk__in=[b.pk, c.pk]).update(published_at=same)
    b.refresh_from_db()
    b.related.add(a, c, d)
    workflow.withdraw(reviewer, d, "测试撤回")
    with CaptureQueriesContext(connection) as ctx:
        links = selectors.record_page_links(b)
    assert len(ctx.captured_queries) == 1
    assert links["older"].pk == a.pk
    assert links["newer"].pk == c.pk  # same published_at, larger id
    assert links["newer"].published_at == same
    assert links["older"].organisation.name == a.organisation.name
    assert [r.pk for r in links["chosen"]] == [c.pk, a.pk]
