"""/sitemap.xml covers every public section (issue 11 point 4): parsed back with xml.etree,
each section has URLs, and every URL answers 200."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from gongkai.oversight import services as oversight
from gongkai.portal.demo import load_portal_demo
from gongkai.portal.models import GazetteIssue
from tests.conftest import org, user
from tests.records.conftest import make_leaf, published
from tests.records.files import pdf_bytes

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

SECTIONS = {
    "home": lambda p: p == "/",
    "xxgk": lambda p: p == "/xxgk/",
    "guide": lambda p: p == "/xxgk/guide/",
    "rules": lambda p: p == "/xxgk/rules/",
    "report list": lambda p: p == "/xxgk/report/",
    "annual reports": lambda p: p.startswith("/xxgk/report/") and p != "/xxgk/report/",
    "catalogue": lambda p: p == "/catalogue/",
    "catalogue domains": lambda p: p.startswith("/catalogue/") and p[11:-1].isdigit(),
    "catalogue items": lambda p: p.startswith("/catalogue/item/"),
    "records list": lambda p: p == "/records/",
    "records": lambda p: p.startswith("/records/") and p != "/records/",
    "organisations": lambda p: p == "/organisations/",
    "organisation pages": lambda p: p.startswith("/organisations/") and p != "/organisations/",
    "gazette": lambda p: p == "/gazette/",
    "gazette issues": lambda p: p.startswith("/gazette/") and p != "/gazette/",
    "reading points": lambda p: p == "/reading-points/",
    "foi guide": lambda p: p == "/foi/",
    "foi apply": lambda p: p == "/foi/apply/",
}


def test_sitemap_covers_every_public_section(client, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    editor, reviewer = user("yj_editor"), user("yj_reviewer")
    housing = org(demo, "区住房和城乡建设局")
    load_portal_demo()
    leaf = make_leaf(demo, organisations=[housing])
    record = published(editor, reviewer, housing, leaf)
    report = oversight.upload_report(
        user("yj_admin"),
        organisation=org(demo, "迎江区人民政府"),
        year=timezone.localdate().year - 1,
        name="年报.pdf",
        data=pdf_bytes(),
    ).report
    GazetteIssue.objects.create(site=demo, year=2026, number=1, is_published=True)
    GazetteIssue.objects.create(site=demo, year=2026, number=2, is_published=False)

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    paths = [urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", NS)]
    assert len(paths) == len(set(paths)), "a URL is listed twice"
    for name, matches in SECTIONS.items():
        assert any(matches(p) for p in paths), f"no {name} URL in the sitemap"
    assert record.get_absolute_url() in paths and report.get_absolute_url() in paths
    assert "/gazette/2026/2/" not in paths  # unpublished issue
    assert f"/organisations/{housing.pk}/" in paths
    # another site's organisations are not in this site's sitemap
    ouhai = type(demo).objects.get(slug="ouhai")
    assert f"/organisations/{org(ouhai, '区民政局').pk}/" not in paths
    for path in paths:
        assert client.get(path).status_code == 200, path
