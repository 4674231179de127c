"""Acceptance for issue 5: every public page template, filled with the demo as `gongkai demo`
loads it, answers 200, has no serious or critical axe-core violations at 1280 px and 375 px, and
does not scroll sideways on a phone; the 长辈版 (elder mode) passes the same checks."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELDER_PAGES = (
    "home",
    "disclosure",
    "record",
    "search",
    "foi_apply",
    "gazette_issue",
    # issue 11 point 4: the section's new pages
    "guide",
    "annual_reports",
    "organisation",
    "records_filtered",
)


@pytest.fixture
def public_urls(transactional_db, tmp_path, settings):
    """The demo loaded, one record withdrawn through the workflow, and one URL per template."""
    from django.core.management import call_command

    from gongkai.catalogue.models import CatalogueItem, Domain
    from gongkai.core.models import Organisation, Site, User
    from gongkai.portal.models import GazetteIssue
    from gongkai.records import workflow
    from gongkai.records.models import Record, State
    from gongkai.search import service

    settings.MEDIA_ROOT = tmp_path / "media"
    service.forget_backends()
    settings.DEMO = True  # `gongkai demo` refuses to run outside the demo
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    site = Site.objects.get(slug="yingjiang")
    records = Record.objects.filter(site=site, state=State.PUBLISHED).order_by("pk")
    record = records.get(title="关于2026年城区供水管网改造停水的通知")
    withdrawn = records.get(title="燃气经营许可证核发结果公示")
    workflow.withdraw(User.objects.get(username="admin"), withdrawn, "演示：许可结果更正后重新公示")
    domain = Domain.objects.filter(site=site, items__isnull=False).order_by("pk").first()
    item = CatalogueItem.objects.filter(site=site, numchild=0).order_by("path").first()
    issue = GazetteIssue.objects.filter(site=site).order_by("-year", "-number").first()
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    urls = {
        "home": "/",
        "disclosure": "/xxgk/",
        "guide": "/xxgk/guide/",
        "rules": "/xxgk/rules/",
        "reading_points": "/reading-points/",
        "organisations": "/organisations/",
        "news": "/columns/news/",
        "notices": "/columns/notices/",
        "catalogue": "/catalogue/",
        "domain": f"/catalogue/{domain.pk}/",
        "item": f"/catalogue/item/{item.pk}/",
        "records": "/records/",
        "records_filtered": f"/records/?org={housing.pk}&kind=notice",
        "organisation": f"/organisations/{housing.pk}/",
        "annual_reports": "/xxgk/report/",
        "record": f"/records/{record.index_number}/",
        "withdrawn": f"/records/{withdrawn.index_number}/",
        "search": "/search/?q=供水",
        "search_empty": "/search/?q=zzzz",
        "foi": "/foi/",
        "foi_apply": "/foi/apply/",
        "foi_track": "/foi/track/",
        "gazette": "/gazette/",
        "gazette_issue": issue.get_absolute_url(),
    }
    yield urls
    service.forget_backends()


def _sweep(browser, live_server, urls, viewport, *, elder=False, names=None):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", base_url=live_server.url, is_mobile=viewport == PHONE
    )
    if elder:
        context.add_cookies([{"name": "gk_elder", "value": "1", "url": live_server.url}])
    page = context.new_page()
    label = f"{viewport['width']}px{' 长辈版' if elder else ''}"
    try:
        for name, url in urls.items():
            if names and name not in names:
                continue
            response = page.goto(url)
            assert response.status == 200, f"{name} {url} → {response.status} ({label})"
            if elder:
                assert "elder" in page.evaluate("document.documentElement.className"), name
            if viewport == PHONE:
                wide = page.evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth + 1"
                )
                assert wide, f"{name} {url} scrolls sideways at {label}"
            assert_accessible(page, f"{name} {url} ({label})")
    finally:
        context.close()


def test_every_public_page_at_desktop_and_phone(public_urls, browser, live_server):
    page = browser.new_page(base_url=live_server.url)
    page.goto(public_urls["search"])  # the demo's records reached the index on publication
    assert page.locator(".search-hit").count() >= 1
    total = int(page.locator(".search-total").inner_text().split("共找到 ")[1].split(" ")[0])
    assert page.locator(".search-hit").count() == min(total, 20)  # the first page of results
    page.goto(public_urls["search_empty"])
    assert page.locator(".search-hit").count() == 0
    page.goto(public_urls["withdrawn"])
    assert page.get_by_role("heading", name="该信息已撤回").is_visible()
    page.close()
    for viewport in (DESKTOP, PHONE):
        _sweep(browser, live_server, public_urls, viewport)


def test_elder_mode_pages(public_urls, browser, live_server):
    for viewport in (DESKTOP, PHONE):
        _sweep(browser, live_server, public_urls, viewport, elder=True, names=ELDER_PAGES)
