"""`gongkai legacy import`: a saved old site into LegacyPage rows, a CSV report of every page,
and (with --publish) published records.

`import_source(path, site, *, organisation=None, catalogue_item=None, dry_run=False,
publish=False, actor=SYSTEM, report_path=None, progress=False) -> ImportRun`.

Each page is read in its own transaction (a savepoint in a dry run), so a broken page is
reported and the run goes on, and nothing of it is left half-written. A page already imported,
found to be a duplicate or a list page is skipped by a re-run (resumable); failed pages are
tried again. Per page, in this order: decode (GB2312 as GB18030), extract, list pages kept as
such, normalise the text (core.textnorm), sanitise (core.html), links to the old site written
as old paths and the linked files checked like any upload (records.content.check_upload),
fingerprint and duplicate check, classification proposal, and with --publish the
publication of confident proposals (classify.REVIEW_BELOW) through publishing.publish_page.

A dry run does all of it inside one transaction that is rolled back and stores no file; the
report is still written, so an admin sees what a real run would do."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongkai.catalogue.models import CatalogueItem
from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.exports import SafeCsvWriter
from gongkai.core.html import html_to_text, sanitize_html
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.permissions import SYSTEM
from gongkai.core.textnorm import normalize, normalize_html
from gongkai.records.content import UploadRejected, check_upload

from . import classify, fingerprint, links
from .extract import ExtractedPage, ExtractionError, decode_html, extract_page
from .models import ImportRun, LegacyFile, LegacyPage, PageStatus
from .paths import old_path
from .publishing import PublishRefused, publish_page
from .sources import SavedPage, Source, open_source

logger = logging.getLogger(__name__)

#: statuses a re-run does not read again (a failed page is tried again)
DONE = (PageStatus.IMPORTED, PageStatus.DUPLICATE, PageStatus.LISTING)
ALREADY_DONE = "already_done"
STATUS_LABELS = {**dict(PageStatus.choices), ALREADY_DONE: "此前已处理"}
REPORT_COLUMNS = [
    ("old_url", "原网址"),
    ("status", "结果"),
    ("reason", "原因"),
    ("title", "标题"),
    ("published_on", "发布日期"),
    ("column", "原栏目"),
    ("organisation", "原发布机构"),
    ("proposed_item", "建议公开事项"),
    ("proposed_organisation", "建议发布机构"),
    ("confidence", "匹配可信度"),
    ("new_url", "新网址"),
]
#: Word 97–2003 and Excel 97–2003 files (OLE compound documents): common on old sites, not
#: accepted as attachments here
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


@dataclass
class _Outcome:
    status: str
    reason: str = ""
    page: LegacyPage | None = None
    extracted: ExtractedPage | None = None
    published: bool = False
    notes: list[str] = field(default_factory=list)


def listing_count(run: ImportRun) -> int:
    """List pages read in the run (ImportRun has no counter of its own for them)."""
    return run.pages_seen - run.imported - run.duplicates - run.failed - run.already_done


def default_report_path(site: Site) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "legacy" / f"{site.slug}-import-{stamp}.csv"


def import_source(
    path,
    site: Site,
    *,
    organisation: Organisation | None = None,
    catalogue_item: CatalogueItem | None = None,
    dry_run: bool = False,
    publish: bool = False,
    actor=SYSTEM,
    report_path=None,
    progress: bool = False,
) -> ImportRun:
    """Import the saved old site at `path` into `site`; see the module docstring. Raises
    SourceError for an unreadable source and PermissionDenied unless `actor` is an office
    admin of the site (or the system)."""
    permissions.require(actor, "迁移旧站内容", site, roles=[Role.OFFICE_ADMIN])
    for given, what in ((organisation, "发布机构"), (catalogue_item, "公开事项")):
        if given is not None and given.site_id != site.pk:
            raise ValueError(f"指定的{what}不属于站点“{site.name}”。")
    report = Path(report_path) if report_path else default_report_path(site)
    with open_source(path) as source:
        importer = _Importer(
            source,
            site,
            organisation=organisation,
            catalogue_item=catalogue_item,
            dry_run=dry_run,
            publish=publish,
            actor=actor,
            progress=progress,
        )
        try:
            with transaction.atomic() if dry_run else nullcontext():
                run = importer.run(report)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            run.pk = None  # rolled back with everything else: the counts are what it leaves
        except BaseException:
            # interrupted (Ctrl-C, a lost database): the pages done so far are saved, and
            # the report says which they are; a re-run goes on from there
            write_report(report, importer.rows)
            raise
    write_report(report, importer.rows)
    return run


class _Importer:
    def __init__(
        self,
        source: Source,
        site: Site,
        *,
        organisation,
        catalogue_item,
        dry_run: bool,
        publish: bool,
        actor,
        progress: bool,
    ):
        self.source = source
        self.site = site
        self.organisation = organisation
        self.catalogue_item = catalogue_item
        self.dry_run = dry_run
        self.publish = publish
        self.actor = actor
        self.progress = progress
        self.rows: list[dict] = []
        self.seen: set[str] = set()
        self.stored: list[str] = []  # files stored for the page being read
        #: the site's pages and files known so far, read once: old path → page pk, file paths
        self.page_ids: dict[str, int] = {}
        self.file_paths: set[str] = set()
        self.new_file_paths: set[str] = set()  # the page being read's, kept if it commits
        #: the site's imported fingerprints by band: band value → [(pk, fingerprint)]
        self.by_band: list[dict[int, list[tuple[int, int]]]] = [{}, {}, {}, {}]

    # ------------------------------------------------------------------ the run

    def run(self, report: Path) -> ImportRun:
        run = ImportRun.objects.create(
            site=self.site,
            source=self.source.name[:500],
            dry_run=self.dry_run,
            report_path=str(report)[:500],
            options={
                "organisation": self.organisation.code if self.organisation else "",
                "catalogue_item": self.catalogue_item.pk if self.catalogue_item else None,
                "publish": self.publish,
            },
        )
        self.run_row = run
        done = self._done_pages()
        self._load_known()
        published = 0
        from tqdm import tqdm

        bar = tqdm(
            total=self.source.page_count(),
            unit="页",
            file=sys.stderr,
            disable=not self.progress,
            desc="导入旧站页面",
        )
        with bar:
            for saved in self.source.pages():
                bar.update(1)
                run.pages_seen += 1
                key = old_path(saved.url)
                if key in done or key in self.seen:
                    run.already_done += 1
                    self.rows.append(self._done_row(saved, done.get(key)))
                    continue
                self.seen.add(key)
                outcome = self._one(saved, key)
                if outcome.status == PageStatus.IMPORTED:
                    run.imported += 1
                    published += outcome.published
                elif outcome.status == PageStatus.DUPLICATE:
                    run.duplicates += 1
                elif outcome.status == PageStatus.FAILED:
                    run.failed += 1
                self.rows.append(self._row(saved, outcome))
        run.finished_at = timezone.now()
        run.options = {**run.options, "published": published, "listings": listing_count(run)}
        run.save()
        record_event(
            AuditEventType.IMPORTED,
            actor=self.actor,
            obj=run,
            site=self.site,
            message=(
                f"旧站迁移{'（试运行）' if self.dry_run else ''}：来源 {Path(self.source.name).name}，"
                f"页面 {run.pages_seen}，导入 {run.imported}，重复 {run.duplicates}，"
                f"失败 {run.failed}，栏目页 {listing_count(run)}，此前已处理 {run.already_done}，"
                f"发布 {published}"
            ),
            after={
                "pages_seen": run.pages_seen,
                "imported": run.imported,
                "duplicates": run.duplicates,
                "failed": run.failed,
                "already_done": run.already_done,
                "listings": listing_count(run),
                "published": published,
                "dry_run": self.dry_run,
            },
        )
        return run

    def _load_known(self) -> None:
        """One read of the site's pages, files and fingerprints, so a page costs no lookups
        (an indexed lookup per page is most of an import's time on SQLite)."""
        rows = LegacyPage.objects.filter(site=self.site).values_list(
            "old_path", "pk", "status", "fingerprint"
        )
        for key, pk, status, value in rows:
            self.page_ids[key] = pk
            if status == PageStatus.IMPORTED and value is not None:
                self._index(pk, value)
        self.file_paths = set(
            LegacyFile.objects.filter(site=self.site).values_list("old_path", flat=True)
        )

    def _index(self, pk: int, value: int) -> None:
        for band, index in zip(fingerprint.bands(value), self.by_band, strict=True):
            index.setdefault(band, []).append((pk, value))

    def _done_pages(self) -> dict[str, dict]:
        rows = LegacyPage.objects.filter(site=self.site, status__in=DONE).values(
            "old_path",
            "status",
            "title",
            "published_on",
            "column_name",
            "source_name",
            "confidence",
            "proposed_item__name",
            "proposed_organisation__name",
            "record__index_number",
            "record__state",
        )
        return {row["old_path"]: row for row in rows}

    # ------------------------------------------------------------------ one page

    def _one(self, saved: SavedPage, key: str) -> _Outcome:
        self.stored = []
        self.new_file_paths = set()
        try:
            with transaction.atomic():
                outcome = self._read(saved, key)
        except (ExtractionError, UnicodeError, ValueError) as exc:
            reason = str(exc) or type(exc).__name__
        except Exception as exc:  # noqa: BLE001 - one page never stops the run
            logger.exception("旧站页面导入出错：%s", saved.url)
            reason = f"导入出错（{type(exc).__name__}）：{exc}"
        else:
            page = outcome.page
            self.page_ids[key] = page.pk
            self.file_paths |= self.new_file_paths
            if outcome.status == PageStatus.IMPORTED:
                self._index(page.pk, page.fingerprint)
            return outcome
        self._forget_stored()
        with transaction.atomic():
            page = self._page_row(saved, key)
            page.status = PageStatus.FAILED
            page.reason = reason
            page.save()
        self.page_ids[key] = page.pk
        return _Outcome(PageStatus.FAILED, reason, page)

    def _forget_stored(self) -> None:
        """Files stored for a page whose transaction rolled back would be orphans."""
        from django.core.files.storage import default_storage

        for name in self.stored:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("无法删除未完成页面的文件 %s", name)
        self.stored = []

    def _page_row(self, saved: SavedPage, key: str) -> LegacyPage:
        """The page's row: a failed one from an earlier run is read again in place."""
        pk = self.page_ids.get(key)
        page = LegacyPage.objects.filter(pk=pk).first() if pk else None
        if page is None:
            page = LegacyPage(site=self.site, old_path=key)
        page.run = self.run_row
        page.old_url = saved.url[:1000]
        return page

    def _read(self, saved: SavedPage, key: str) -> _Outcome:
        if not saved.data.strip():
            raise ExtractionError("页面文件为空或无法读取。")
        html = decode_html(saved.data, saved.charset)
        extracted = extract_page(html, saved.url)
        page = self._page_row(saved, key)
        page.title = normalize(extracted.title or "").strip()[:300]
        page.column_name = normalize(extracted.column_name or "").strip()[:200]
        page.published_on = extracted.published_on
        page.source_name = normalize(extracted.source_name or "").strip()[:200]
        page.metadata = extracted.metadata
        page.reason = ""
        if extracted.is_listing:
            page.status = PageStatus.LISTING
            page.save()
            return _Outcome(PageStatus.LISTING, "栏目或列表页，不作为信息导入", page, extracted)

        body = sanitize_html(normalize_html(extracted.body_html)).html
        # relative hrefs resolve against the page's <base href> when it has one
        base = urljoin(saved.url, extracted.base_href) if extracted.base_href else saved.url
        known_files = {
            url
            for f in extracted.files
            if (url := links.internal_url(base, f.href, self.source.hosts))
        }
        body, found = links.rewrite_for_import(
            body, base, hosts=self.source.hosts, file_urls=known_files
        )
        found = _with_listed_files(found, extracted, base, self.source.hosts)
        body_text = html_to_text(body)
        if not body_text.strip() and not found:
            raise ExtractionError("页面正文为空。")
        page.body_html = body
        extracted.title, extracted.body_html = page.title or extracted.title, body

        # the files' names too, once whichever template listed them where: old sites publish
        # many bodies that only say 详见附件
        names = sorted({f.text for f in found if not f.is_image and f.text})
        plain = links.text_without_files(body, {f.key for f in found})
        text = "\n".join([page.title, plain, *names])
        page.fingerprint = fingerprint.simhash(text)
        page.band0, page.band1, page.band2, page.band3 = fingerprint.bands(page.fingerprint)
        original = self._original_of(page)
        if original is not None:
            page.status = PageStatus.DUPLICATE
            page.duplicate_of = original
            page.record = original.record
            # a copy saved from another template often lacks the column: counted in its
            # original's column, so the per-column report adds up
            page.column_name = page.column_name or original.column_name
            gap = fingerprint.distance(page.fingerprint, original.fingerprint)
            page.reason = f"与 {original.old_url} 内容相同（内容指纹相差 {gap} 位）"
            page.save()
            self._files(page, found, store=False)
            return _Outcome(PageStatus.DUPLICATE, page.reason, page, extracted)

        proposal = classify.propose(self.site, extracted)
        item, organisation = proposal.catalogue_item, proposal.organisation
        confidence, note = proposal.confidence, proposal.note
        if item is None and organisation is None and self.catalogue_item and self.organisation:
            confidence, note = 1.0, "按导入命令指定的公开事项和发布机构"
        item = item or self.catalogue_item
        organisation = organisation or self.organisation
        page.proposed_item, page.proposed_organisation = item, organisation
        page.confidence, page.classification_note = confidence, note[:2000]
        page.status = PageStatus.IMPORTED
        page.duplicate_of = None
        page.save()
        notes = self._files(page, found, store=not self.dry_run)
        outcome = _Outcome(PageStatus.IMPORTED, "", page, extracted, notes=notes)
        if self.publish:
            self._publish(outcome, item, organisation, confidence)
        outcome.reason = "；".join(outcome.notes)
        if outcome.reason:
            LegacyPage.objects.filter(pk=page.pk).update(reason=outcome.reason)
        return outcome

    def _original_of(self, page: LegacyPage) -> LegacyPage | None:
        """The imported page this one repeats: sharing a band (by the pigeonhole principle,
        every fingerprint within NEAR bits does), within NEAR bits, and confirmed by the
        texts themselves (fingerprint.SAME_DOCUMENT): the closest, then the first imported."""
        near: dict[int, int] = {}
        for band, index in zip(fingerprint.bands(page.fingerprint), self.by_band, strict=True):
            for pk, value in index.get(band, ()):
                gap = fingerprint.distance(page.fingerprint, value)
                if gap <= fingerprint.NEAR:
                    near[pk] = gap
        if not near:
            return None
        mine = page.title + "\n" + links.comparable_text(page.body_html)
        candidates = LegacyPage.objects.filter(pk__in=near, status=PageStatus.IMPORTED).only(
            "pk", "fingerprint", "old_url", "record", "column_name", "title", "body_html"
        )
        for candidate in sorted(candidates, key=lambda c: (near[c.pk], c.pk)):
            theirs = candidate.title + "\n" + links.comparable_text(candidate.body_html)
            if fingerprint.similarity(mine, theirs) >= fingerprint.SAME_DOCUMENT:
                return candidate
        return None

    # ------------------------------------------------------------------ files

    def _files(self, page: LegacyPage, found: list[links.FoundFile], *, store: bool) -> list[str]:
        """LegacyFile rows for the page's files; returns notes for the report."""
        notes = []
        for found_file in found:
            if found_file.key in self.file_paths or found_file.key in self.new_file_paths:
                continue  # imported with another page; its old address already answers
            row = LegacyFile(
                site=self.site,
                page=page,
                old_path=found_file.key[:700],
                alt_text=(found_file.alt or found_file.text)[:200],
            )
            name = _file_name(found_file)
            row.name = name[:200]
            data = self.source.file(found_file.url)
            if data is None:
                row.refused = "原站保存的文件中没有该文件（未随页面保存，不从网络下载）"
            elif data.startswith(_OLE_MAGIC):
                row.refused = (
                    f"“{name}”是旧版 Office 文件（.doc/.xls/.ppt），不能作为附件发布；"
                    "请转换为 .docx/.xlsx 或 PDF 后在信息中补充上传"
                )
            else:
                try:
                    checked = check_upload(name, data)
                except UploadRejected as exc:
                    row.refused = str(exc)[:300]
                else:
                    row.name, row.kind = checked.name[:200], checked.kind
                    row.size, row.sha256 = len(checked.data), checked.sha256
                    if store:
                        row.file.save(checked.name, ContentFile(checked.data), save=False)
                        self.stored.append(row.file.name)
            row.refused = row.refused[:300]
            row.save()
            self.new_file_paths.add(row.old_path)
            if row.refused:
                notes.append(f"附件未导入：{name}（{row.refused}）")
        return notes

    # ------------------------------------------------------------------ publishing

    def _publish(self, outcome: _Outcome, item, organisation, confidence: float) -> None:
        if item is None or organisation is None:
            outcome.notes.append("待确认：未能确定公开事项和发布机构")
            return
        if confidence < classify.REVIEW_BELOW:
            outcome.notes.append(
                f"待确认：匹配可信度 {confidence:.2f} 低于 {classify.REVIEW_BELOW:.2f}"
            )
            return
        try:
            with transaction.atomic():
                publish_page(
                    self.actor, outcome.page, catalogue_item=item, organisation=organisation
                )
        except (PublishRefused, permissions.PermissionDenied) as exc:
            outcome.notes.append(f"未自动发布：{exc}")
            return
        except Exception as exc:  # noqa: BLE001 - the page stays imported, waiting for staff
            logger.exception("旧站页面自动发布出错：%s", outcome.page.old_url)
            outcome.notes.append(f"未自动发布（{type(exc).__name__}）：{exc}")
            return
        outcome.published = True

    # ------------------------------------------------------------------ report rows

    def _row(self, saved: SavedPage, outcome: _Outcome) -> dict:
        page, extracted = outcome.page, outcome.extracted
        record = page.record if page is not None and page.record_id else None
        return {
            "old_url": saved.url,
            "status": STATUS_LABELS[outcome.status],
            "reason": outcome.reason,
            "title": page.title if page else "",
            "published_on": page.published_on.isoformat() if page and page.published_on else "",
            "column": page.column_name if page else "",
            "organisation": (extracted.organisation_name or extracted.source_name)
            if extracted
            else "",
            "proposed_item": page.proposed_item.name if page and page.proposed_item else "",
            "proposed_organisation": page.proposed_organisation.name
            if page and page.proposed_organisation
            else "",
            "confidence": f"{page.confidence:.2f}"
            if page and page.status == PageStatus.IMPORTED
            else "",
            "new_url": record.get_absolute_url() if record and record.is_public else "",
        }

    def _done_row(self, saved: SavedPage, done: dict | None) -> dict:
        if done is None:
            return {
                "old_url": saved.url,
                "status": STATUS_LABELS[ALREADY_DONE],
                "reason": "同一原地址在来源中出现两次，只读取第一次",
            }
        new_url = ""
        if done["record__index_number"] and done["record__state"] in (
            "published",
            "withdrawn",
            "expired",
        ):
            from django.urls import reverse

            new_url = reverse("records:detail", args=[done["record__index_number"]])
        return {
            "old_url": saved.url,
            "status": STATUS_LABELS[ALREADY_DONE],
            "reason": f"此前已{PageStatus(done['status']).label}",
            "title": done["title"],
            "published_on": done["published_on"].isoformat() if done["published_on"] else "",
            "column": done["column_name"],
            "organisation": done["source_name"],
            "proposed_item": done["proposed_item__name"] or "",
            "proposed_organisation": done["proposed_organisation__name"] or "",
            "confidence": f"{done['confidence']:.2f}"
            if done["status"] == PageStatus.IMPORTED
            else "",
            "new_url": new_url,
        }


def _with_listed_files(found, extracted: ExtractedPage, base_url: str, hosts) -> list:
    """The body's files plus those the extractor found outside the body (an 附件 list under
    the text), each once."""
    by_key = {f.key: f for f in found}
    for linked in extracted.files:
        url = links.internal_url(base_url, linked.href, hosts)
        if url is None:
            continue
        key = old_path(url)
        if key not in by_key:
            by_key[key] = links.FoundFile(url, linked.text, linked.is_image, linked.alt)
    return list(by_key.values())


def _file_name(found_file: links.FoundFile) -> str:
    """A name for the attachment: the link's text when it names the file (old sites link
    `P020171025….pdf` as “关于……的通知.pdf”), with the extension of the old address."""
    stored = PurePosixPath(unquote(urlsplit(found_file.url).path)).name or "附件"
    suffix = PurePosixPath(stored).suffix.lower()
    text = " ".join((found_file.text or found_file.alt or "").split())
    for prefix in ("附件：", "附件:"):
        text = text.removeprefix(prefix)
    text = text.strip().strip("/\\")
    if not text or len(text) > 150 or "/" in text or "\\" in text:
        return stored
    if suffix and not text.lower().endswith(suffix):
        text += suffix
    return text


def write_report(path: Path, rows: list[dict]) -> Path:
    """The CSV report, UTF-8 with a BOM so Excel opens it as UTF-8, written to a temporary
    file beside it and renamed: a reader never sees half a report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = SafeCsvWriter(out)
            writer.writerow([label for _, label in REPORT_COLUMNS])
            for row in rows:
                writer.writerow([row.get(name, "") for name, _ in REPORT_COLUMNS])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
