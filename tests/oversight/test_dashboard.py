"""The dashboard page /staff/oversight/, its drill-down lists and the API (issue 12 point 1):
the page and the API show the figures' numbers, a drill-down lists exactly the counted items
(across pages), an editor sees their own organisation, a parent site's office its children
side by side, the page needs a handful of queries, and the vendored ECharts is the pinned file
served without inline script."""

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.core.models import Membership, Organisation, Role, Site
from gongkai.oversight import figures
from tests.conftest import user
from tests.oversight.history import load_history

pytestmark = pytest.mark.django_db

STATIC = Path(figures.__file__).parent / "static" / "oversight"


@pytest.fixture
def history(settings):
    settings.REQUIRE_2FA = False  # the second factor is tested on its own
    return load_history()


def _login(client, username):
    client.force_login(user(username))
    return client


def _figure(username, site, code):
    return figures.compute(code, figures.dashboard_scope(user(username), site))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_dashboard_shows_every_figure_with_its_table(client, history):
    response = _login(client, "yj_admin").get("/staff/oversight/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("coverage", "matrix", "timeliness", "duties", "slots", "requests"):
        assert f'id="figure-{code}"' in html
    coverage = _figure("yj_admin", history.site, "coverage")
    uncovered = coverage.part("uncovered")
    assert f'?part=uncovered"><span class="figure-count">{uncovered.count}</span>' in html
    # the matrix's header row: the five stages, then 发布/解读/回应
    assert '<th scope="col">决策</th><th scope="col">执行</th>' in html
    assert '<th scope="col">发布</th><th scope="col">解读</th><th scope="col">回应</th>' in html
    # the annual-report dates (《条例》第四十九条、第五十条)
    year = history.today.year - 1
    assert f"{year}年度政府信息公开工作年度报告" in html
    assert f"{year + 1}-01-31" in html and f"{year + 1}-03-31" in html
    # the charts' data: a json_script tag, no inline script, the vendored file and our JS
    charts = json.loads(re.search(r'id="oversight-charts"[^>]*>(.*?)</script>', html, re.S)[1])
    assert {c["code"] for c in charts} >= {"coverage", "timeliness", "matrix"}
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    assert "oversight/vendor/echarts-5.6.0/echarts.min.js" in html
    assert "oversight/dashboard.js" in html
    assert "Content-Security-Policy" in response.headers
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_the_dashboard_shows_the_checks_score_and_its_warnings(client, history):
    """Before any check the summary says so; after `run_checks` it shows the projected score
    of the site's open findings, the same figure as the findings page."""
    from gongkai.oversight.checks import points_text, run_checks, site_score

    html = _login(client, "yj_admin").get("/staff/oversight/").content.decode()
    assert "网站检查指标（自动检查）" in html and "尚未检查" in html
    site = Site.objects.get(slug="yingjiang")
    run_checks(site, only=["columns", "home_stale", "publication_time"])
    html = client.get("/staff/oversight/").content.decode()
    assert f"预计得分 {points_text(site_score(site).score)} 分" in html
    assert "最近检查" in html and "尚未检查" not in html


@pytest.mark.parametrize(
    ("code", "part"),
    [
        ("coverage", "uncovered"),
        ("coverage", "covered"),
        ("timeliness", "late"),
        ("duties", "overdue"),
        ("slots", "missed"),
        ("requests", "overdue"),
        ("matrix", "publish"),
        ("annual_reports", "missing"),
    ],
)
def test_a_drill_down_lists_exactly_the_counted_items(client, history, code, part):
    figure = _figure("yj_admin", history.site, code)
    wanted = figure.part(part)
    expected = [wanted.link(obj) for obj in wanted.items]
    assert len(expected) == wanted.count
    _login(client, "yj_admin")
    found, page = [], 1
    while True:
        response = client.get(f"/staff/oversight/figures/{code}/?part={part}&page={page}")
        assert response.status_code == 200
        html = response.content.decode()
        assert f"共 {wanted.count} 项" in _text(html)
        rows = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)[0]
        found += [
            link.replace("&amp;", "&") for link in re.findall(r'<tr><td><a href="([^"]+)">', rows)
        ]
        if "下一页" not in html:
            break
        page += 1
    assert sorted(found) == sorted(expected)


def test_a_table_cell_drills_down_to_its_organisation(client, history):
    figure = _figure("yj_admin", history.site, "timeliness")
    url = f"/staff/oversight/figures/timeliness/?part=late&organisation={history.housing.pk}"
    html = _login(client, "yj_admin").get(url).content.decode()
    housing_late = [r for r in figure.part("late").items if r.organisation_id == history.housing.pk]
    assert f"共 {len(housing_late)} 项" in _text(html) and len(housing_late) == 4
    dashboard_html = client.get("/staff/oversight/").content.decode()
    assert f'href="{url.replace("&", "&amp;")}">4</a>' in dashboard_html
    # a bad filter value is ignored, not a 500
    assert client.get("/staff/oversight/figures/timeliness/?organisation=x'").status_code == 200


def test_unknown_figures_and_parts_are_404(client, history):
    _login(client, "yj_admin")
    assert client.get("/staff/oversight/figures/nonsense/").status_code == 404
    assert client.get("/staff/oversight/figures/coverage/?part=nonsense").status_code == 404


def test_an_editor_sees_their_own_organisation_only(client, history):
    html = _login(client, "yj_editor2").get("/staff/oversight/").content.decode()
    assert "您所在机构" in html and "区民政局" in html
    assert "区住房和城乡建设局" not in _text(html)
    own = _figure("yj_editor2", history.site, "timeliness")
    late = client.get("/staff/oversight/figures/timeliness/?part=late").content.decode()
    assert f"共 {own.part('late').count} 项" in _text(late) and own.part("late").count == 1
    # another organisation's items through the filter: nothing
    other = client.get(
        f"/staff/oversight/figures/timeliness/?part=late&organisation={history.housing.pk}"
    )
    assert "共 0 项" in _text(other.content.decode())
    # another site: refused
    assert client.get("/staff/oversight/?site=ouhai").status_code == 404


def test_the_api_returns_the_same_numbers(client, history):
    _login(client, "yj_admin")
    response = client.get("/api/v1/oversight/figures")
    assert response.status_code == 200
    data = response.json()
    assert data["site"] == "yingjiang" and data["whole_site"] is True
    scope = figures.dashboard_scope(user("yj_admin"), history.site)
    direct = {f.code: {p.key: p.count for p in f.parts} for f in figures.compute_all(scope)}
    assert {
        f["code"]: {p["key"]: p["count"] for p in f["parts"]} for f in data["figures"]
    } == direct
    items = client.get("/api/v1/oversight/figures/requests?part=overdue&limit=200").json()
    assert items["count"] == direct["requests"]["overdue"] == 3
    assert len(items["items"]) == 3
    assert all(i["url"].startswith("/staff/foi/") for i in items["items"])
    # an editor's numbers through the API are their organisation's
    client.force_login(user("yj_editor2"))
    mine = client.get("/api/v1/oversight/figures").json()
    assert mine["whole_site"] is False
    timeliness = next(f for f in mine["figures"] if f["code"] == "timeliness")
    assert [row[0] for row in timeliness["rows"]] == ["区民政局"]
    assert client.get("/api/v1/oversight/figures?site=ouhai").status_code == 403
    assert client.get("/api/v1/oversight/figures/nonsense").status_code == 404
    client.logout()
    assert client.get("/api/v1/oversight/figures").status_code == 401


def test_a_parent_site_sees_its_children_side_by_side(client, history):
    office = Organisation.objects.get(site=history.site.parent, name="示范市人民政府办公室")
    city = user("yj_deputy")
    Membership.objects.create(user=city, organisation=office, role=Role.OFFICE_ADMIN)
    client.force_login(city)
    html = client.get("/staff/oversight/?site=shifan").content.decode()
    assert 'id="children"' in html
    assert "迎江区人民政府" in html and "瓯海区人民政府" in html
    yj = _figure("yj_deputy", history.site, "requests").part("overdue").count
    oh = _figure("yj_deputy", history.other, "requests").part("overdue").count
    assert (yj, oh) == (3, 1)
    row = re.search(r"依申请公开答复期限</th><td>已超过答复期限</td>(.*?)</tr>", html, re.S)[1]
    assert re.findall(r">(\d+)</a>", row) == [str(yj), str(oh)]
    # a child's dashboard, and its drill-down, from the parent
    assert client.get("/staff/oversight/?site=ouhai").status_code == 200
    ouhai = client.get("/staff/oversight/figures/requests/?part=overdue&site=ouhai")
    assert "共 1 项" in _text(ouhai.content.decode())


def test_the_dashboard_takes_a_handful_of_queries(client, history):
    _login(client, "yj_admin")
    client.get("/staff/oversight/")  # warm the calendar and site caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff/oversight/").status_code == 200
    # the figures (one or two aggregates each, 互动交流 included), the checks' summary (2), the
    # session, user and site: a constant, whatever the number of records; 办事服务 adds up to 3
    # (every count in one aggregate, the guides in force and their materials for 仅凭身份证可办)
    assert len(queries) <= 27, "\n".join(q["sql"][:150] for q in queries)


def test_the_vendored_echarts_is_the_pinned_file():
    readme = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    pinned = re.search(r"`echarts.min.js` sha256: `([0-9a-f]{64})`", readme)[1]
    data = (STATIC / "vendor" / "echarts-5.6.0" / "echarts.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == pinned
    assert b"5.6.0" in data[:2000] or b'"5.6.0"' in data


def test_the_workbench_shows_the_dashboard_panel(client, history):
    html = _login(client, "yj_admin").get("/staff/").content.decode()
    assert "查看公开工作监测" in html
