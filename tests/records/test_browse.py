"""Browsing the section (issue 11 point 4): /records/ filters by organisation, catalogue item,
kind and year through GET parameters, with counts per value that equal the database, a clear
已筛选 state with reset links, pagination that keeps the filters, and a fixed number of
queries whatever the data; each organisation's page lists its records."""

import itertools
import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.records.models import Record
from gongkai.records.selectors import published_records
from tests.conftest import org, user

from .conftest import make_leaf, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, demo, editor, reviewer, housing):
    """Five records: two organisations, three items, two kinds, two years."""
    settings.PAGE_CACHE_SECONDS = 0
    civil = org(demo, "区民政局")
    civil_editor, office = user("yj_editor2"), user("yj_admin")
    water = make_leaf(demo, "停水公告", organisations=[housing])
    permits = make_leaf(demo, "许可结果", organisations=[housing])
    relief = make_leaf(demo, "社会救助", organisations=[civil])
    rows = [
        (editor, reviewer, housing, water, "notice", 0),
        (editor, reviewer, housing, water, "general", 0),
        (editor, reviewer, housing, permits, "notice", 1),
        (civil_editor, office, civil, relief, "notice", 0),
        (civil_editor, office, civil, relief, "general", 1),
    ]
    now = timezone.now()
    for n, (who, checker, organisation, item, kind, years_ago) in enumerate(rows):
        record = published(who, checker, organisation, item, title=f"浏览测试{n}", kind=kind)
        Record.objects.filter(pk=record.pk).update(
            published_at=now.replace(year=now.year - years_ago) - timedelta(minutes=n)
        )
    return {"housing": housing, "civil": civil, "items": (water, permits, relief), "year": now.year}


def _facets(html):
    found = {}
    for key, body in re.findall(r'<select id="filter-(\w+)" name="\w+">(.*?)</select>', html, re.S):
        found[key] = {
            value: int(count)
            for value, count in re.findall(
                r'<option value="([^"]+)"[^>]*>[^<]*（(\d+)）</option>', body
            )
        }
    return found


def _total(html):
    return int(re.search(r"共 (\d+) 条", html).group(1))


LOOKUPS = {
    "org": "organisation_id",
    "item": "catalogue_item_id",
    "kind": "kind",
    "year": "published_at__year",
}


def test_filters_combine_and_counts_equal_the_database(client, world):
    site = world["housing"].site
    choices = {
        "org": [str(world["housing"].pk), str(world["civil"].pk)],
        "item": [str(world["items"][0].pk), str(world["items"][2].pk)],
        "kind": ["notice", "general"],
        "year": [str(world["year"]), str(world["year"] - 1)],
    }
    combos = [{}]
    for size in (1, 2, 3):
        for keys in itertools.combinations(choices, size):
            combos.append({k: choices[k][0] for k in keys})
            combos.append({k: choices[k][-1] for k in keys})
    base = published_records(site)
    for params in combos:
        response = client.get("/records/", params)
        assert response.status_code == 200
        html = response.content.decode()
        expected = base.filter(**{LOOKUPS[k]: v for k, v in params.items()})
        assert _total(html) == expected.count(), params
        titles = set(re.findall(r">(浏览测试\d)</a>", html))
        assert titles == set(expected.values_list("title", flat=True)), params
        facets = _facets(html)
        for key in LOOKUPS:
            others = base.filter(**{LOOKUPS[k]: v for k, v in params.items() if k != key})
            for value, count in facets[key].items():
                assert count == others.filter(**{LOOKUPS[key]: value}).count(), (params, key, value)
            # every value with records is offered, none without
            assert sum(facets[key].values()) == others.count(), (params, key)
        if params:
            assert "已筛选" in html and 'href="/records/">清除全部筛选' in html
        else:
            assert "已筛选" not in html


def test_active_filters_say_what_is_filtered_and_each_can_be_removed(client, world):
    housing = world["housing"]
    html = unescape(client.get("/records/", {"org": housing.pk, "kind": "notice"}).content.decode())
    assert "发布机构：区住房和城乡建设局" in html and "信息类别：通知公告" in html
    # removing one filter keeps the other
    assert 'href="/records/?kind=notice"' in html
    assert f'href="/records/?org={housing.pk}"' in html
    # the selects show the filters in force
    assert f'<option value="{housing.pk}" selected>' in html
    assert '<option value="notice" selected>' in html


def test_malformed_filters_are_ignored_not_an_error(client, world):
    for query in (
        "org=abc",
        "org=99999999999999999999999",
        "kind=<script>",
        "year=20x6",
        "year=１２３４",
    ):
        response = client.get(f"/records/?{query}")
        assert response.status_code == 200, query
        assert _total(response.content.decode()) == 5, query
    assert client.get("/records/?item=99999999999999999999999").status_code == 200


def test_pagination_keeps_the_filters(client, world, settings, monkeypatch):
    from django.core import paginator

    original = paginator.Paginator.__init__

    def two_per_page(self, object_list, per_page, *args, **kwargs):
        original(self, object_list, 2, *args, **kwargs)

    monkeypatch.setattr(paginator.Paginator, "__init__", two_per_page)
    html = unescape(client.get("/records/", {"org": world["housing"].pk}).content.decode())
    assert "第 1 / 2 页" in html
    assert f'href="?org={world["housing"].pk}&page=2"' in html
    second = client.get("/records/", {"org": world["housing"].pk, "page": 2}).content.decode()
    assert len(re.findall(r">浏览测试\d</a>", second)) == 1


def test_queries_do_not_grow_with_the_data(client, world, editor, reviewer, demo):
    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/records/", params).status_code == 200
        return len(captured)

    params = {"kind": "notice"}
    queries(params)  # the site lookup is cached from here on
    before = queries(params)
    # ten more records under new items, in another organisation too
    for n in range(10):
        item = make_leaf(demo, f"新增事项{n}", organisations=[world["housing"]])
        published(editor, reviewer, world["housing"], item, title=f"更多{n}", kind="notice")
    assert queries(params) == before
    assert before <= 8  # site, 4 facets, the page; no COUNT beside the facets


def test_organisation_page_lists_its_duties_and_records(client, world, demo):
    housing, civil = world["housing"], world["civil"]
    html = client.get("/organisations/").content.decode()
    assert f'href="/organisations/{housing.pk}/"' in html
    response = client.get(f"/organisations/{housing.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert housing.duties and housing.duties in html
    assert "（3 条）" in html and "浏览测试0" in html and "浏览测试3" not in html
    assert f"/records/?org={housing.pk}" in html
    # its duties under the standard: the leaves naming it as 公开主体, with what it published
    water, permits, relief = world["items"]
    assert f'href="/catalogue/item/{water.pk}/"' in html
    assert f'href="/catalogue/item/{permits.pk}/"' in html
    assert f'href="/catalogue/item/{relief.pk}/"' not in html
    assert "浏览测试3" in client.get(f"/organisations/{civil.pk}/").content.decode()
    ouhai_org = org(type(demo).objects.get(slug="ouhai"), "区民政局")
    assert client.get(f"/organisations/{ouhai_org.pk}/").status_code == 404
