"""Importing a saved old site: a broken page and a duplicate do not stop the rest, both are in
the CSV report, a re-run imports nothing new; a dry run leaves nothing; --publish publishes;
files are imported or refused with the reason; the fixture old site comes in whole."""

import csv
import shutil
from pathlib import Path

import pytest

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import AuditEvent, AuditEventType
from gongkai.legacy.fixtures import make_files
from gongkai.legacy.importer import import_source
from gongkai.legacy.models import ImportRun, LegacyFile, LegacyPage, PageStatus, ReviewState
from gongkai.records.models import Record, State
from tests.legacy.factories import responsible_pair
from tests.legacy.oldpages import HOST, old_site

pytestmark = pytest.mark.django_db

FIXTURE_SITE = Path(make_files.__file__).resolve().parent / "oldsite"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def read_report(path) -> list[dict]:
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens a UTF-8 CSV only with its BOM
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def by_url(rows):
    return {row["原网址"].split(HOST, 1)[-1]: row for row in rows}


def stored_files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def test_broken_page_and_duplicate_do_not_stop_the_run_and_a_rerun_adds_nothing(
    demo, tmp_path, media
):
    source = old_site(tmp_path / "saved")
    report = tmp_path / "report.csv"
    run = import_source(source, demo, report_path=report)

    assert (run.pages_seen, run.imported, run.duplicates, run.failed) == (4, 2, 1, 1)
    assert run.already_done == 0 and run.finished_at is not None
    rows = by_url(read_report(report))
    assert len(rows) == 4
    assert rows["/art/2017/11/2/art_1229_9.html"]["结果"] == "失败"
    assert rows["/art/2017/11/2/art_1229_9.html"]["原因"]  # says why
    duplicate = rows["/wap/art_1229_1.html"]
    assert duplicate["结果"] == "重复跳过"
    assert "art_1229_1.html" in duplicate["原因"]
    article = rows["/art/2017/10/25/art_1229_1.html"]
    assert article["结果"] == "已导入"
    assert article["标题"] == "关于城区供水管网改造期间临时停水的通知"
    assert article["发布日期"] == "2017-10-25"
    assert article["原栏目"] == "通知公告"

    pages = {p.old_path: p for p in LegacyPage.objects.filter(site=demo)}
    original = pages["/art/2017/10/25/art_1229_1.html"]
    assert pages["/wap/art_1229_1.html"].duplicate_of == original
    assert pages["/art/2017/11/2/art_1229_9.html"].status == PageStatus.FAILED
    assert original.fingerprint is not None and original.band0 is not None
    assert "供水管网" in original.body_html and "打印本页" not in original.body_html
    assert original.review_state == ReviewState.PENDING and original.record is None
    # the internal link is written as the old path, which the redirect answers
    second = pages["/art/2018/1/25/art_1229_2.html"]
    assert 'href="/art/2017/10/25/art_1229_1.html"' in second.body_html
    assert "https://www.gov.cn/zhengce/" in second.body_html
    event = AuditEvent.objects.filter(event_type=AuditEventType.IMPORTED).latest("pk")
    assert event.after["imported"] == 2 and event.after["failed"] == 1
    assert str(tmp_path) not in event.message  # the source's name, not where it lives

    again = import_source(source, demo, report_path=tmp_path / "again.csv")
    assert (again.imported, again.duplicates, again.already_done) == (0, 0, 3)
    assert again.failed == 1  # a failed page is tried again, and fails again
    assert LegacyPage.objects.filter(site=demo).count() == 4
    assert Record.objects.filter(legacy_pages__isnull=False).count() == 0
    rerun_rows = by_url(read_report(tmp_path / "again.csv"))
    assert rerun_rows["/art/2017/10/25/art_1229_1.html"]["结果"] == "此前已处理"
    assert rerun_rows["/art/2017/10/25/art_1229_1.html"]["标题"] == article["标题"]


def test_a_failed_page_is_retried_once_it_is_fixed(demo, tmp_path, media):
    source = old_site(tmp_path / "saved")
    import_source(source, demo, report_path=tmp_path / "r1.csv")
    broken = source / HOST / "art/2017/11/2/art_1229_9.html"
    shutil.copy(source / HOST / "art/2018/1/25/art_1229_2.html", broken)
    broken.write_text(
        broken.read_text().replace("安全生产", "森林防火").replace("隐患排查", "火源管控"),
        encoding="utf-8",
    )
    run = import_source(source, demo, report_path=tmp_path / "r2.csv")
    assert run.imported == 1 and run.failed == 0
    page = LegacyPage.objects.get(site=demo, old_path="/art/2017/11/2/art_1229_9.html")
    assert page.status == PageStatus.IMPORTED and page.reason == ""


def test_files_are_imported_or_refused_with_the_reason(demo, tmp_path, media):
    source = old_site(tmp_path / "saved")
    import_source(source, demo, report_path=tmp_path / "r.csv")
    files = {f.old_path: f for f in LegacyFile.objects.filter(site=demo)}
    pdf, png = files["/uploads/2017/P0201710.pdf"], files["/uploads/2017/W0201710.png"]
    assert pdf.kind == "pdf" and pdf.file and not pdf.refused and pdf.name == "停水区域图.pdf"
    assert len(pdf.sha256) == 64 and pdf.size == Path(pdf.file.path).stat().st_size
    assert png.kind == "png" and png.file and png.alt_text == "改造路段示意图"
    assert "旧版 Office" in files["/uploads/2017/old.doc"].refused
    assert not files["/uploads/2017/old.doc"].file
    assert "没有该文件" in files["/uploads/2017/gone.pdf"].refused
    assert {f.page.old_path for f in files.values()} == {"/art/2017/10/25/art_1229_1.html"}
    reason = by_url(read_report(tmp_path / "r.csv"))["/art/2017/10/25/art_1229_1.html"]["原因"]
    assert "停水安排表.doc" in reason and "未保存的附件.pdf" in reason
    assert len(stored_files(media)) == 2


def test_dry_run_leaves_nothing_but_the_report(demo, tmp_path, media):
    source = old_site(tmp_path / "saved")
    organisation, leaf = responsible_pair(demo)
    report = tmp_path / "dry.csv"
    runs_before = ImportRun.objects.count()
    run = import_source(
        source,
        demo,
        organisation=organisation,
        catalogue_item=leaf,
        dry_run=True,
        publish=True,
        report_path=report,
    )
    assert (run.imported, run.duplicates, run.failed) == (2, 1, 1)
    assert run.pk is None and ImportRun.objects.count() == runs_before
    assert LegacyPage.objects.count() == 0 and LegacyFile.objects.count() == 0
    assert Record.objects.filter(organisation=organisation, catalogue_item=leaf).count() == 0
    assert stored_files(media) == []
    assert len(read_report(report)) == 4
    # and a real run afterwards imports everything
    assert import_source(source, demo, report_path=tmp_path / "real.csv").imported == 2


def test_publish_publishes_confident_pages_with_their_files_and_links(demo, tmp_path, media):
    source = old_site(tmp_path / "saved")
    organisation, leaf = responsible_pair(demo)
    report = tmp_path / "pub.csv"
    run = import_source(
        source,
        demo,
        organisation=organisation,
        catalogue_item=leaf,
        publish=True,
        report_path=report,
    )
    assert run.options["published"] == 2
    original = LegacyPage.objects.get(site=demo, old_path="/art/2017/10/25/art_1229_1.html")
    record = original.record
    assert record.state == State.PUBLISHED and record.catalogue_item == leaf
    assert record.published_at.date().isoformat() == "2017-10-25"
    assert original.review_state == ReviewState.CONFIRMED
    attachments = {a.name: a for a in record.attachments.all()}
    assert set(attachments) == {"停水区域图.pdf", "改造路段示意图.png"}
    assert f"/records/attachments/{attachments['停水区域图.pdf'].pk}/" in record.body
    assert f"/records/attachments/{attachments['改造路段示意图.png'].pk}/" in record.body
    assert record.revisions.get(number=1).content["body"] == record.body
    # the duplicate leads to the same record; the later page links to the published one
    assert LegacyPage.objects.get(site=demo, old_path="/wap/art_1229_1.html").record == record
    second = LegacyPage.objects.get(site=demo, old_path="/art/2018/1/25/art_1229_2.html").record
    assert f'href="{record.get_absolute_url()}"' in second.body
    rows = by_url(read_report(report))
    assert rows["/art/2017/10/25/art_1229_1.html"]["新网址"] == record.get_absolute_url()
    assert rows["/art/2017/10/25/art_1229_1.html"]["建议公开事项"] == leaf.name
    assert rows["/art/2017/10/25/art_1229_1.html"]["建议发布机构"] == organisation.name


def test_without_a_confident_proposal_nothing_is_published(demo, tmp_path, media):
    source = old_site(tmp_path / "saved")
    organisation, leaf = responsible_pair(demo)
    # no rule, and no leaf named like the old column (通知公告): only the organisation is known
    CatalogueItem.objects.filter(pk=leaf.pk).update(name="城区供水停水公告")
    run = import_source(
        source, demo, organisation=organisation, publish=True, report_path=tmp_path / "r.csv"
    )
    assert run.imported == 2 and run.options["published"] == 0
    assert not LegacyPage.objects.filter(site=demo, record__isnull=False).exists()
    rows = read_report(tmp_path / "r.csv")
    assert any("待确认" in row["原因"] for row in rows)


def test_the_fixture_old_site_imports(demo, tmp_path, media):
    """The fixture site written in three CMSs' styles: every page is accounted for."""
    report = tmp_path / "fixture.csv"
    run = import_source(FIXTURE_SITE, demo, report_path=report)
    rows = read_report(report)
    assert len(rows) == run.pages_seen >= 10
    assert run.imported >= 4
    assert run.failed >= 2  # the truncated gzip and the download stopped inside <head>
    assert run.duplicates >= 1
    wap = LegacyPage.objects.get(site=demo, old_path="/wap/art/2017/10/25/art_1229_1001.html")
    assert wap.status == PageStatus.DUPLICATE
    assert wap.duplicate_of.old_path == "/art/2017/10/25/art_1229_1001.html"
    assert LegacyFile.objects.filter(site=demo, refused="").exclude(file="").exists()
    assert import_source(FIXTURE_SITE, demo, report_path=tmp_path / "again.csv").imported == 0


def test_a_zip_and_a_warc_of_the_same_crawl_import_alike(demo, ouhai, tmp_path, media):
    import io
    import mimetypes
    import zipfile

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder = old_site(tmp_path / "saved")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    crawl = tmp_path / "crawl.zip"
    with zipfile.ZipFile(crawl, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(folder).as_posix())
    warc = tmp_path / "crawl.warc.gz"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for path in files:
            url = "http://" + path.relative_to(folder).as_posix()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(path.read_bytes()), http_headers=headers
                )
            )
    for source, site in ((crawl, demo), (warc, ouhai)):
        run = import_source(source, site, report_path=tmp_path / f"{site.slug}.csv")
        assert (run.imported, run.duplicates, run.failed) == (2, 1, 1), source.name
        accepted = LegacyFile.objects.filter(site=site, refused="").exclude(file="")
        assert sorted(accepted.values_list("kind", flat=True)) == ["pdf", "png"]


def test_relative_links_follow_the_pages_base_href(demo, tmp_path, media):
    from tests.legacy.oldpages import HANWEB, PARAGRAPHS, write
    from tests.records.files import pdf_bytes

    root = tmp_path / "saved"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS["safety"])
    body += '<p>附件：<a href="P02018.pdf">值班安排表.pdf</a></p>'
    page = HANWEB.format(column="通知公告", title="春节值班安排", date="2018-01-25", body=body)
    page = page.replace("<head>", '<head><base href="/uploads/2018/">')
    write(root, "art/2018/1/25/art_9.html", page)
    write(root, "uploads/2018/P02018.pdf", pdf_bytes())
    run = import_source(root, demo, report_path=tmp_path / "r.csv")
    assert run.imported == 1
    imported = LegacyPage.objects.get(site=demo, old_path="/art/2018/1/25/art_9.html")
    assert 'href="/uploads/2018/P02018.pdf"' in imported.body_html
    legacy_file = LegacyFile.objects.get(site=demo, old_path="/uploads/2018/P02018.pdf")
    assert legacy_file.kind == "pdf" and legacy_file.file
