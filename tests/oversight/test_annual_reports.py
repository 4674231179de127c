"""公开年报 (issue 11 point 4): staff upload earlier years' reports (PDF/.docx, checked by
content and size), the public page lists them by year with organisation, link and size."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.oversight import services
from gongkai.oversight.demo import load_oversight_demo, report_pdf
from gongkai.oversight.models import AnnualReport
from tests.conftest import org, user
from tests.records.files import docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def office_admin(demo, client, settings):
    settings.REQUIRE_2FA = False  # the second factor is tested on its own
    client.force_login(user("yj_admin"))
    return client


def _upload(client, organisation, year, name, data):
    return client.post(
        "/staff/oversight/reports/",
        {"organisation": organisation.pk, "year": year, "file": SimpleUploadedFile(name, data)},
    )


def test_workbench_links_to_the_upload_page(office_admin):
    html = office_admin.get("/staff/").content.decode()
    assert "政府信息公开年报" in html and 'href="/staff/oversight/reports/"' in html


def test_office_admin_uploads_a_pdf_and_the_public_downloads_it(office_admin, yingjiang, media):
    government = org(yingjiang, "迎江区人民政府")
    response = _upload(office_admin, government, LAST_YEAR, "年报.pdf", pdf_bytes())
    assert response.status_code == 302, response.content.decode()[:2000]
    report = AnnualReport.objects.get(organisation=government, year=LAST_YEAR)
    stored = report.file.read()
    assert report.file_kind == "pdf" and report.file_size == len(stored)
    assert stored.startswith(b"%PDF-") and "王五".encode("utf-16-be") not in stored
    assert b"Author" not in stored  # metadata stripped as for a record's attachment
    assert report.source == "uploaded" and report.uploaded_by == user("yj_admin")
    event = AuditEvent.objects.get(object_type="oversight.annualreport", object_id=str(report.pk))
    assert event.event_type == "object.created" and event.actor_username == "yj_admin"

    office_admin.logout()
    download = office_admin.get(report.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == stored


def test_a_real_docx_is_accepted(office_admin, yingjiang, media):
    finance = org(yingjiang, "区财政局")
    response = _upload(office_admin, finance, LAST_YEAR - 1, "年报.docx", docx_bytes())
    assert response.status_code == 302
    report = AnnualReport.objects.get(organisation=finance)
    assert report.file_kind == "docx"
    assert report.file_name.endswith(".docx")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("年报.pdf", b"MZ\x90\x00\x03" + b"\x00" * 2000, "不是 PDF 或 Word（.docx）文件"),
        ("年报.docx", b"#!/bin/sh\necho hi\n", "不是 PDF 或 Word（.docx）文件"),
        ("年报.pdf", b"%PDF-1.7\n<html><body>not a pdf</body></html>", "已损坏"),
        ("年报.pdf", b"", "空文件"),
    ],
    ids=["renamed-exe", "renamed-script", "fake-pdf-header", "empty"],
)
def test_a_fake_file_is_refused_with_a_chinese_message(
    office_admin, yingjiang, media, name, data, message
):
    response = _upload(office_admin, org(yingjiang, "迎江区人民政府"), LAST_YEAR, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_an_oversized_file_is_refused(office_admin, yingjiang, media):
    """A real PDF padded past the 20 MB limit (PDF readers ignore trailing bytes)."""
    big = pdf_bytes() + b"%" * (services.MAX_REPORT_BYTES + 1)
    response = _upload(office_admin, org(yingjiang, "迎江区人民政府"), LAST_YEAR, "年报.pdf", big)
    html = response.content.decode()
    assert response.status_code == 200
    assert "超过 20.0 MB 的限制" in html
    assert not AnnualReport.objects.exists()


def test_size_limit_is_checked_by_the_service_too(yingjiang, media, monkeypatch):
    monkeypatch.setattr(services, "MAX_REPORT_BYTES", 100)
    with pytest.raises(services.ReportRejected, match="超过"):
        services.check_report_file("年报.pdf", pdf_bytes())


def test_editor_uploads_only_for_their_own_organisation(demo, yingjiang, media):
    editor = user("yj_editor")  # 住建局
    housing = org(yingjiang, "区住房和城乡建设局")
    services.upload_report(
        editor, organisation=housing, year=LAST_YEAR, name="a.pdf", data=pdf_bytes()
    )
    with pytest.raises(PermissionDenied, match="您没有权限"):
        services.upload_report(
            editor,
            organisation=org(yingjiang, "区民政局"),
            year=LAST_YEAR,
            name="a.pdf",
            data=pdf_bytes(),
        )
    with pytest.raises(PermissionDenied):
        services.upload_report(
            user("yj_reviewer"),
            organisation=housing,
            year=LAST_YEAR,
            name="a.pdf",
            data=pdf_bytes(),
        )


def test_only_organs_under_the_regulation_report(demo, yingjiang, media):
    admin = user("yj_admin")
    with pytest.raises(services.ReportRejected, match="不编制政府信息公开工作年度报告"):
        services.upload_report(
            admin,
            organisation=org(yingjiang, "龙狮桥村"),
            year=LAST_YEAR,
            name="a.pdf",
            data=pdf_bytes(),
        )
    with pytest.raises(services.ReportRejected, match="报告年度"):
        services.upload_report(
            admin,
            organisation=org(yingjiang, "区民政局"),
            year=LAST_YEAR + 1,
            name="a.pdf",
            data=pdf_bytes(),
        )


def test_uploading_again_replaces_the_file_with_an_audit_trail(demo, yingjiang, media):
    admin = user("yj_admin")
    civil = org(yingjiang, "区民政局")
    first = services.upload_report(
        admin, organisation=civil, year=LAST_YEAR, name="a.pdf", data=pdf_bytes()
    )
    second = services.upload_report(
        admin, organisation=civil, year=LAST_YEAR, name="b.docx", data=docx_bytes()
    )
    assert second.replaced and second.report.pk == first.report.pk
    assert AnnualReport.objects.count() == 1 and second.report.file_kind == "docx"
    event = AuditEvent.objects.filter(event_type="object.changed").get(
        object_type="oversight.annualreport"
    )
    assert event.before["sha256"] == first.report.sha256 != event.after["sha256"]


def test_public_list_is_grouped_by_year_with_organisation_link_and_size(
    client, demo, yingjiang, media
):
    admin = user("yj_admin")
    government = org(yingjiang, "迎江区人民政府")
    finance = org(yingjiang, "区财政局")
    for organisation, year in (
        (finance, LAST_YEAR),
        (government, LAST_YEAR),
        (government, LAST_YEAR - 1),
    ):
        services.upload_report(
            admin, organisation=organisation, year=year, name="a.pdf", data=pdf_bytes()
        )
    response = client.get("/xxgk/report/")
    assert response.status_code == 200
    html = response.content.decode()
    headings = re.findall(r'<h2 id="report-year-(\d{4})">', html)
    assert headings == [str(LAST_YEAR), str(LAST_YEAR - 1)]
    newest = html.split(f'id="report-year-{LAST_YEAR}"')[1].split('id="report-year-')[0]
    # the government first, then its departments (tree order)
    assert newest.index("迎江区人民政府") < newest.index("区财政局")
    for report in AnnualReport.objects.filter(year=LAST_YEAR):
        assert f'href="{report.get_absolute_url()}"' in newest
    assert re.search(r"<td class=\"file-size\">PDF<br>[\d.]+\xa0(KB|字节)</td>", newest), newest
    older = html.split(f'id="report-year-{LAST_YEAR - 1}"')[1]
    assert "区财政局" not in older
    # another site's reports are not listed here
    assert "瓯海" not in html.split("<main")[1].split("</main>")[0]


def test_download_of_another_sites_report_is_404(client, demo, yingjiang, ouhai, media):
    report = services.upload_report(
        user("admin"),
        organisation=org(ouhai, "瓯海区人民政府"),
        year=LAST_YEAR,
        name="a.pdf",
        data=pdf_bytes(),
    ).report
    assert client.get(report.get_absolute_url()).status_code == 404


def test_demo_loader_uploads_real_pdfs_for_each_site(demo, media):
    lines = load_oversight_demo()
    assert len(lines) == 2
    for slug in ("yingjiang", "ouhai"):
        reports = AnnualReport.objects.filter(site__slug=slug)
        assert reports.count() == 6  # the government and two departments, two years
        assert set(reports.values_list("year", flat=True)) == {LAST_YEAR - 1, LAST_YEAR}
        first = reports.first()
        assert first.file.read().startswith(b"%PDF-")
    assert load_oversight_demo() == []  # idempotent
    assert report_pdf("迎江区人民政府", 2024).startswith(b"%PDF-")
