"""The demo looks like a working district (issue 11 point 7): `gongkai demo` as `make run` runs
it, loaded once for the module (it is the heaviest fixture of the suite), then checked for
volume, date spread, domains, 文号, counts that agree between pages, the 瓯海 host and the
README's logins."""

import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from gongkai.catalogue.models import NATIONAL_DOMAINS, CatalogueItem, Domain
from gongkai.core.demo import DEMO_PASSWORD
from gongkai.core.models import OrganisationKind, Site, User
from gongkai.core.sites import site_for_host
from gongkai.core.workcalendar import is_workday
from gongkai.records.demo_archive import SITES
from gongkai.records.models import Record, State

README = Path(__file__).resolve().parents[2] / "README.md"
NUMBER = re.compile(r"^(?P<code>[^〔]+)〔(?P<year>\d{4})〕(?P<serial>\d+)号$")
LOAD_SECONDS: list[float] = []  # measured, for the report (-s shows it)


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo in the test database, rolled back after the module."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(DEMO=True, MEDIA_ROOT=media):
        with transaction.atomic():
            started = time.perf_counter()
            call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            LOAD_SECONDS.append(time.perf_counter() - started)
            print(f"gongkai demo: {LOAD_SECONDS[-1]:.1f} s")  # noqa: T201
            yield
            transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_db, db):
    return {slug: Site.objects.get(slug=slug) for slug in ("yingjiang", "ouhai")}


def _published(site):
    return Record.objects.filter(site=site, state=State.PUBLISHED)


def test_each_site_has_a_year_and_a_half_of_records(loaded):
    now = timezone.now()
    for site in loaded.values():
        records = list(_published(site))
        assert len(records) >= 300, site.name
        published = [timezone.localtime(r.published_at) for r in records]
        assert max(published) <= now
        months = {(p.year, p.month) for p in published}
        assert len(months) >= 15, (site.name, sorted(months))
        assert min(published).date() <= timezone.localdate() - timedelta(days=450)
        today = sum(1 for p in published if p.date() == timezone.localdate())
        assert today <= len(records) // 20, f"{site.name}: {today} records dated today"
        # documents are written and published on working days, written before publication
        assert all(is_workday(p.date()) for p in published)
        assert all(is_workday(r.written_on) for r in records if r.written_on)
        assert all(r.formed_on <= timezone.localtime(r.published_at).date() for r in records)
        # a quarter's report comes out after the quarter, never for one still running
        for record in records:
            quarter = re.search(r"(\d{4})年第([1-4])季度", record.title)
            if quarter:
                year, q = int(quarter[1]), int(quarter[2])
                ended = date(year + q // 4, q * 3 % 12 + 1, 1)
                assert record.written_on >= ended, (record.title, record.written_on)
        assert all(r.index_number for r in records)
        assert len({r.index_number for r in records}) == len(records)
        assert all(r.revisions.filter(number=1).exists() for r in records[:20])


def test_domains_with_records_under_their_leaves(loaded):
    def with_records(site):
        return set(
            Domain.objects.filter(site=site, items__records__state=State.PUBLISHED)
            .values_list("name", flat=True)
            .distinct()
        )

    yingjiang = with_records(loaded["yingjiang"])
    assert "市政服务" in yingjiang
    assert len((yingjiang - {"市政服务"}) & set(NATIONAL_DOMAINS)) >= 5, yingjiang
    # seed 001: 瓯海区's pilot areas, with the locally added 民生实事项目
    assert {"义务教育", "扶贫救灾", "民生实事项目", "社会救助"} <= with_records(loaded["ouhai"])
    # records hang only on leaves
    assert not Record.objects.filter(catalogue_item__numchild__gt=0).exists()


def test_document_numbers_fit_their_issuer(loaded):
    for slug, site in loaded.items():
        codes = SITES[slug]["codes"]
        district = SITES[slug]["district"]
        numbered = _published(site).exclude(document_number="").select_related("organisation")
        assert numbered.count() >= 20, slug
        numbers = [r.document_number for r in numbered]
        assert len(numbers) == len(set(numbers)), "duplicate 文号"
        serials = defaultdict(list)
        for record in numbered:
            match = NUMBER.match(record.document_number)
            assert match, record.document_number
            assert match["code"] == codes[record.organisation.name], (
                record.title,
                record.organisation.name,
                record.document_number,
            )
            assert int(match["year"]) == record.written_on.year
            serials[match["code"], match["year"]].append((record.written_on, int(match["serial"])))
            if record.title.startswith(f"{district}人民政府关于"):
                assert record.organisation.kind == OrganisationKind.GOVERNMENT
            if record.title.startswith(f"{district}人民政府办公室关于"):
                assert record.organisation.kind == OrganisationKind.OFFICE
        for key, pairs in serials.items():
            ordered = [serial for _written, serial in sorted(pairs)]
            assert ordered == sorted(ordered), f"{key}: serials do not follow the dates"
        # 区政府 and its office both issue documents
        assert {codes[f"{district}人民政府"], codes["区人民政府办公室"]} <= {k[0] for k in serials}


COUNTS = re.compile(
    r'href="/catalogue/(\d+)/"[^>]*>[^<]*</a>(?:</h2>\s*)?<(?:p|span) class="cat-counts">（?([^<]*)<'
)


def _counts(html: str) -> dict[int, tuple[int, ...]]:
    found = {}
    for domain_id, text in COUNTS.findall(html):
        found[int(domain_id)] = tuple(int(n) for n in re.findall(r"(\d+) [项条]", text))
    return found


def _counts_line(html: str) -> tuple[int, ...]:
    text = re.search(r'<p class="cat-counts">([^<]*)<', html)[1]
    return tuple(int(n) for n in re.findall(r"(\d+) [项条]", text))


def test_home_and_catalogue_tell_the_same_counts(loaded, client):
    for slug, site in loaded.items():
        host = f"{slug}.localhost"
        with override_settings(ALLOWED_HOSTS=[".localhost", "testserver"]):
            home = client.get("/", HTTP_HOST=host).content.decode()
            catalogue = client.get("/catalogue/", HTTP_HOST=host).content.decode()
        assert "三级事项 0 项" not in home + catalogue
        on_home, on_catalogue = _counts(home), _counts(catalogue)
        domains = Domain.objects.filter(site=site)
        assert set(on_home) == set(on_catalogue) == set(domains.values_list("pk", flat=True))
        assert on_home == on_catalogue
        for domain in domains:
            items = CatalogueItem.objects.filter(domain=domain)
            leaves = items.filter(numchild=0)
            expected = (
                items.filter(depth=1).count(),
                items.filter(depth=2).count(),
                *([items.filter(depth=3).count()] if items.filter(depth=3).exists() else []),
                leaves.count(),
                _published(site).filter(catalogue_item__in=leaves).count(),
            )
            assert on_home[domain.pk] == expected, domain.name
        with override_settings(ALLOWED_HOSTS=[".localhost", "testserver"]):
            page = client.get(f"/catalogue/{domains[0].pk}/", HTTP_HOST=host).content.decode()
        assert _counts_line(page) == on_home[domains[0].pk]


def test_ouhai_is_served_at_its_host(loaded, client):
    assert site_for_host("ouhai.localhost:8000") == loaded["ouhai"]
    assert site_for_host("127.0.0.1:8000") == loaded["yingjiang"]
    with override_settings(ALLOWED_HOSTS=[".localhost", "testserver"]):
        page = client.get("/", HTTP_HOST="ouhai.localhost:8000").content.decode()
        records = client.get("/records/", HTTP_HOST="ouhai.localhost:8000").content.decode()
    assert "瓯海区人民政府" in page and "迎江区人民政府" not in page
    assert "瓯海区" in records


def test_demo_settings_allow_the_site_hosts_without_2fa():
    """What `make run` starts with: GONGKAI_DEMO=1 accepts ouhai.localhost and asks no 2FA."""
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "from django.http.request import validate_host;"
        "print(validate_host('ouhai.localhost', settings.ALLOWED_HOSTS), settings.REQUIRE_2FA)"
    )
    env = {**os.environ, "GONGKAI_DEMO": "1", "DJANGO_SETTINGS_MODULE": "gongkai.settings"}
    env.pop("GONGKAI_ALLOWED_HOSTS", None)
    env.pop("GONGKAI_REQUIRE_2FA", None)
    out = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "False"]
    env.pop("GONGKAI_DEMO")
    out = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]  # outside the demo: neither


def _readme_logins() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("演示账号的密码均为") :]
    section = section[: section.index("\n\n", section.index("| 账号 |"))]
    assert f"`{DEMO_PASSWORD}`" in section
    return re.findall(r"`((?:yj|oh)_\w+|admin)`", section)


@override_settings(REQUIRE_2FA=False)  # the demo's setting, as the README says
def test_every_readme_login_logs_in(loaded, client):
    logins = _readme_logins()
    # every account that can log in with a password is listed (the demo's public people and
    # extra deputies of participation have no password: they never log in this way)
    with_password = User.objects.exclude(password__startswith="!")
    assert len(logins) == 15 and set(logins) == set(
        with_password.values_list("username", flat=True)
    )
    for username in logins:
        client.logout()
        response = client.post(
            "/staff/login/",
            {"username": username, "password": DEMO_PASSWORD},
            HTTP_HOST="testserver",
        )
        assert response.status_code == 302, username
        assert client.get("/staff/").status_code == 200, username


def test_running_the_demo_again_adds_nothing(loaded):
    before = (Record.objects.count(), CatalogueItem.objects.count(), User.objects.count())
    with override_settings(DEMO=True):
        call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert (Record.objects.count(), CatalogueItem.objects.count(), User.objects.count()) == before
