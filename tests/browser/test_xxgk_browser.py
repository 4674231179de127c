"""公开年报 in a real browser (issue 11 point 4): the office admin goes from the workbench to
the upload page, a renamed executable is refused in Chinese, a real PDF is accepted, and the
public page lists it for download; the staff pages pass axe-core at 1280 and 375 px."""

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, staff_login
from tests.records.files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path):
    from gongkai.core.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REQUIRE_2FA = False  # the second factor has its own tests
    load_demo()


def test_office_admin_uploads_a_report_that_the_public_downloads(
    demo_site, browser, live_server, tmp_path
):
    year = timezone.localdate().year - 1
    context, page = staff_login(browser, live_server, DESKTOP)
    try:
        page.get_by_role("link", name="上传往年年度报告").click()
        page.wait_for_url("**/staff/oversight/reports/")
        assert_accessible(page, "upload page 1280px")

        fake = tmp_path / "年报.pdf"
        fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 4096)
        page.get_by_label("报告机关").select_option(label="迎江区人民政府")
        page.get_by_label("报告年度").select_option(label=f"{year}年")
        page.get_by_label("报告文件").set_input_files(str(fake))
        page.get_by_role("button", name="上传").click()
        page.wait_for_load_state()
        assert "不是 PDF 或 Word（.docx）文件" in page.locator(".field-error").inner_text()
        assert_accessible(page, "upload page with an error")

        real = tmp_path / "迎江区年报.pdf"
        real.write_bytes(pdf_bytes())
        page.get_by_label("报告机关").select_option(label="迎江区人民政府")
        page.get_by_label("报告年度").select_option(label=f"{year}年")
        page.get_by_label("报告文件").set_input_files(str(real))
        page.get_by_role("button", name="上传").click()
        page.wait_for_load_state()
        assert "已上传" in page.locator(".messages").inner_text()

        page.goto("/xxgk/report/")
        section = page.locator(f"section:has(h2:text-is('{year}年度'))")
        link = section.get_by_role("link", name=f"迎江区人民政府{year}年政府信息公开工作年度报告")
        assert link.count() == 1
        response = page.request.get(link.get_attribute("href"))
        from gongkai.oversight.models import AnnualReport

        stored = AnnualReport.objects.get(year=year).file.read()
        assert response.status == 200 and response.body() == stored
    finally:
        context.close()


def test_staff_pages_are_accessible_on_a_phone(demo_site, browser, live_server):
    context, page = staff_login(browser, live_server, PHONE)
    try:
        for url in ("/staff/oversight/reports/", "/staff/xxgk/guide/", "/staff/xxgk/rules/"):
            response = page.goto(url)
            assert response.status == 200, url
            wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert wide, f"{url} scrolls sideways at 375px"
            assert_accessible(page, f"{url} 375px")
    finally:
        context.close()
