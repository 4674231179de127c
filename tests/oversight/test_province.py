"""Province aggregation (issue 16 point 3): /xxgk/sites/ and /api/v1/sites/{slug}/overview add up
the child sites' own rows, counted here one by one from what the test made; a site of another
province is never included; search on a parent site's host already spans its children."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from gongkai.catalogue.models import CatalogueItem, Domain
from gongkai.core.models import Organisation, Site
from gongkai.core.sites import forget_site_hosts
from gongkai.foi.models import FoiRequest, State
from gongkai.records.models import Kind, Record
from gongkai.records.models import State as RecordState

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def _site(slug, parent=None):
    site = Site.objects.create(
        slug=slug, name=f"{slug}站", parent=parent, hostnames=f"{slug}.test.gov"
    )
    forget_site_hosts()
    return site


def _government(site):
    return Organisation.objects.add_root(
        {
            "site": site,
            "name": f"{site.slug}人民政府",
            "code": f"{site.slug}-gov",
            "kind": "government",
        }
    )


def _leaves(site, count):
    domain = Domain.objects.create(site=site, name="政务公开")
    root = CatalogueItem.objects.add_root({"site": site, "domain": domain, "name": "一级事项"})
    return [
        CatalogueItem.objects.add_child(
            root, {"site": site, "domain": domain, "name": f"事项{i}", "mode_proactive": True}
        )
        for i in range(count)
    ]


def _records(site, org, leaves, count, *, state=RecordState.PUBLISHED, tag="r"):
    for i in range(count):
        Record.objects.create(
            site=site,
            organisation=org,
            catalogue_item=leaves[i % len(leaves)],
            kind=Kind.NOTICE,
            index_number=f"{site.slug}-{tag}-{i}",
            title=f"{site.slug}的通知{tag}{i}",
            body="<p>城镇燃气安全检查通知</p>",
            state=state,
            published_at=timezone.make_aware(datetime(YEAR, 1, 2)),
            formed_on=date(YEAR, 1, 2),
        )


def _request(site, org, n, *, received, due, replied):
    return FoiRequest.objects.create(
        site=site,
        organisation=org,
        serial=f"{site.slug}-{n}",
        tracking_code=f"{site.slug[:6]}{n:04d}",
        applicant_kind="natural",
        name="张三",
        id_number="340802199001010011",
        phone="13800000000",
        description="申请公开某项信息",
        wanted_form="electronic",
        delivery="email",
        channel="online",
        submitted_on=received,
        received_on=received,
        due_date=due,
        state=State.REPLIED if replied else State.IN_HANDLING,
        replied_on=replied,
        outcome="1" if replied else "",
    )


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test.gov"]


@pytest.fixture
def tree():
    """province → city → two counties, plus another province with one county. Figures per
    site (records, leaves/covered, received/replied/on time):
    province 1, 2/1, 0/0/0; city 2, 3/2, 1/1/1; county a 5, 4/3, 3/2/1; county b 0, 2/0,
    1/0/0; other province's county 7, 1/1, 2/2/2."""
    province = _site("prov")
    city = _site("city", province)
    a = _site("cnta", city)
    b = _site("cntb", city)
    other = _site("other")
    stray = _site("stray", other)
    made = {}
    for site, leaves, covered, records in (
        (province, 2, 1, 1),
        (city, 3, 2, 2),
        (a, 4, 3, 5),
        (b, 2, 0, 0),
        (stray, 1, 1, 7),
    ):
        org = _government(site)
        items = _leaves(site, leaves)
        if records:
            _records(site, org, items[:covered], records)
        made[site.slug] = (site, org, items)
    # neither withdrawn nor draft records count, nor do they cover a leaf
    site, org, items = made["cntb"]
    _records(site, org, items, 2, state=RecordState.WITHDRAWN, tag="w")
    _records(site, org, items, 1, state=RecordState.DRAFT, tag="d")
    jan, due, late = date(YEAR, 1, 5), date(YEAR, 2, 3), date(YEAR, 2, 10)
    _request(city, made["city"][1], 1, received=jan, due=due, replied=date(YEAR, 1, 20))
    _request(a, made["cnta"][1], 1, received=jan, due=due, replied=date(YEAR, 1, 6))
    _request(a, made["cnta"][1], 2, received=jan, due=due, replied=late)
    _request(a, made["cnta"][1], 3, received=jan, due=due, replied=None)
    _request(a, made["cnta"][1], 4, received=date(YEAR - 1, 5, 1), due=None, replied=None)
    _request(b, made["cntb"][1], 1, received=jan, due=due, replied=None)
    for n in (1, 2):
        _request(stray, made["stray"][1], n, received=jan, due=due, replied=jan)
    return made


EXPECTED = {
    # slug: sites, records, leaves, covered, received, replied, on_time
    "prov": (1, 1, 2, 1, 0, 0, 0),
    "city": (3, 7, 9, 5, 5, 3, 2),  # the city row sums the city and both counties
    "total": (4, 8, 11, 6, 5, 3, 2),
}


def _tuple(row):
    return tuple(
        row[k]
        for k in (
            "sites",
            "records",
            "catalogue_leaves",
            "catalogue_covered",
            "requests_received",
            "requests_replied",
            "requests_on_time",
        )
    )


def test_the_api_adds_up_the_children_and_leaves_out_another_province(tree, client):
    response = client.get("/api/v1/sites/prov/overview")
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == YEAR
    assert _tuple(data["own"]) == EXPECTED["prov"]
    assert [row["slug"] for row in data["children"]] == ["city"]
    assert _tuple(data["children"][0]) == EXPECTED["city"]
    assert _tuple(data["total"]) == EXPECTED["total"]
    assert data["total"]["coverage_percent"] == round(6 * 100 / 11, 1)
    assert "stray" not in response.content.decode()
    # one level down: the city's own row and one row per county
    city = client.get("/api/v1/sites/city/overview").json()
    assert _tuple(city["own"]) == (1, 2, 3, 2, 1, 1, 1)
    assert {row["slug"]: _tuple(row) for row in city["children"]} == {
        "cnta": (1, 5, 4, 3, 3, 2, 1),
        "cntb": (1, 0, 2, 0, 1, 0, 0),
    }
    assert _tuple(city["total"]) == EXPECTED["city"]
    for name in ("records", "requests_received", "requests_on_time", "catalogue_covered"):
        assert city["total"][name] == city["own"][name] + sum(r[name] for r in city["children"])


def test_the_api_rejects_unknown_sites_and_years(tree, client):
    assert client.get("/api/v1/sites/nosuch/overview").status_code == 404
    bad = client.get("/api/v1/sites/prov/overview?year=1999")
    assert bad.status_code == 422 and "2008" in bad.json()["message"]  # the API's one 422 body
    assert bad.json()["detail"][0]["loc"] == ["query", "year"]
    last = client.get(f"/api/v1/sites/prov/overview?year={YEAR - 1}").json()
    assert last["total"]["requests_received"] == 1  # cnta's case received last year


def test_the_page_shows_each_child_and_the_totals(tree, client):
    response = client.get("/xxgk/sites/", HTTP_HOST="city.test.gov")
    assert response.status_code == 200
    page = response.content.decode()
    assert "下级站点政务公开概览" in page
    assert "<caption>" in page and '<th scope="col">' in page and '<th scope="row">' in page
    assert 'href="http://cnta.test.gov/"' in page and 'href="http://cntb.test.gov/"' in page
    assert "stray" not in page and "prov站" not in page
    foot = page.split("<tfoot>")[1].split("</tfoot>")[0]
    # the city's subtree: 7 records, 5 of 9 leaves, 5 received, 3 replied, 2 on time
    assert "合计（3个站点）" in foot
    cells = [c.split("<")[0] for c in foot.split("<td>")[1:]]
    assert cells == ["7", "55.6%", "5", "3", "2（66.7%）"]
    assert "/api/v1/sites/city/overview" in page


def test_a_site_without_children_says_so(tree, client):
    response = client.get("/xxgk/sites/", HTTP_HOST="cntb.test.gov")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cntb站没有下级站点" in page
    assert "<tfoot>" not in page


def test_the_parent_home_page_links_to_the_overview(tree, client):
    home = client.get("/", HTTP_HOST="prov.test.gov").content.decode()
    assert 'href="/xxgk/sites/"' in home
    leaf = client.get("/", HTTP_HOST="cntb.test.gov").content.decode()
    assert 'href="/xxgk/sites/"' not in leaf


def test_the_sitemap_lists_the_overview_on_parent_sites_only(tree, client):
    parent = client.get("/sitemap.xml", HTTP_HOST="prov.test.gov").content.decode()
    assert "/xxgk/sites/</loc>" in parent
    leaf = client.get("/sitemap.xml", HTTP_HOST="cntb.test.gov").content.decode()
    assert "/xxgk/sites/</loc>" not in leaf


def test_search_on_a_parent_host_spans_its_children_only(tree, client):
    from gongkai.search import service

    service.reindex(progress=False)
    found = client.get("/search/?q=城镇燃气", HTTP_HOST="prov.test.gov").content.decode()
    assert "cnta的通知" in found and "city的通知" in found and "prov的通知" in found
    assert "stray的通知" not in found
    county = client.get("/search/?q=城镇燃气", HTTP_HOST="cnta.test.gov").content.decode()
    assert "cnta的通知" in county and "city的通知" not in county
