"""Issue 11 point 9: a site's search results page at scale. FTS5 plans that drive from the
full-text match (or the title index), never from every row of the site.

Before: the ranked query joined the site's rows first (search_site_date index) and ran the
MATCH once per row: 20 s for one query over a 200,000-record site; the exact-title lookup
walked the site by date (0.4 s). The plans are what grows with the site, so the test reads
them, on a small index, with the parameters bound as the backend binds them."""

import pytest

from gongkai.search import service
from gongkai.search.backends.base import SearchQuery
from gongkai.search.backends.fts5 import Fts5Backend

from .conftest import make_doc


@pytest.fixture
def fts5(db, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("FTS5 lives in the SQLite database")
    settings.SEARCH_BACKEND = "fts5"
    backend = service.get_backend("fts5")
    backend.index(
        [
            make_doc(n, f"垃圾分类工作通知第{n}号", "垃圾分类 通知", site_id=1 + n % 2)
            for n in range(40)
        ]
    )
    return backend


def test_site_search_plans_start_from_the_match(fts5, monkeypatch):
    seen: list[tuple[str, list]] = []
    original = Fts5Backend._rows

    def recording(self, sql, params=()):
        seen.append((sql, list(params)))
        return original(self, sql, params)

    monkeypatch.setattr(Fts5Backend, "_rows", recording)
    results = fts5.search(SearchQuery(text="垃圾分类工作通知第3号", site_ids=[2]))
    assert results.total > 0
    conn = fts5._conn()
    checked = 0
    for sql, params in seen:
        plan = [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
        steps = [p for p in plan if p.startswith(("SCAN", "SEARCH"))]
        by_site = [i for i, p in enumerate(steps) if "(site_id=?)" in p]
        if "MATCH" in sql and " JOIN " in sql:
            fts = [i for i, p in enumerate(steps) if "search_fts VIRTUAL TABLE" in p]
            assert fts and (not by_site or fts[0] < by_site[0]), plan
            checked += 1
        if "title_key = ?" in sql:
            assert not by_site, plan
            checked += 1
    assert checked >= 2, seen
