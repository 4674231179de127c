"""Uploading earlier years' annual reports, and the public list by year.

《政府信息公开条例》第四十九条: every department publishes its report of the previous year by
31 January; 第五十条: the government's report by 31 March. Only organs under the 条例
(行政机关 and authorised organisations, 第二条、第五十四条) report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.sites import touch_site
from gongkai.core.uploads import SuspiciousFile, accept_by_content, size_text
from gongkai.records.content import UploadRejected, strip_metadata

from .models import AnnualReport, FileKind, ReportSource

#: who may upload an organisation's report: its own staff who publish, and the office admin
UPLOAD_ROLES = (Role.EDITOR, Role.OFFICE_ADMIN)
MAX_REPORT_BYTES = 20 * 1024 * 1024
EXTENSIONS = {FileKind.PDF: ".pdf", FileKind.DOCX: ".docx"}
#: the 条例 in its first version came into force on 2008-05-01: the first reports are for 2008
FIRST_YEAR = 2008


class ReportRejected(ValueError):
    """An upload that cannot be accepted; the message says why, in Chinese."""


def reporting_organisations(site: Site) -> QuerySet[Organisation]:
    """The organs that publish a report: 行政机关 and authorised organisations of the site."""
    return Organisation.objects.foi_recipients().filter(site=site, is_active=True)


def uploadable_organisations(user, site: Site) -> QuerySet[Organisation]:
    return reporting_organisations(site).filter(
        pk__in=permissions.organisations_for(user, UPLOAD_ROLES, site=site).values("pk")
    )


def last_reportable_year() -> int:
    """A report covers a whole year, so the latest is last year's."""
    return timezone.localdate().year - 1


def check_report_file(name: str, data: bytes) -> str:
    """The file's kind (pdf or docx) judged by its whole content, never by its name; refuses
    anything else, damaged files, zip bombs and files over MAX_REPORT_BYTES."""
    try:
        return accept_by_content(
            name, data, kinds=EXTENSIONS, purpose="年度报告", max_bytes=MAX_REPORT_BYTES
        )
    except SuspiciousFile as exc:
        raise ReportRejected(str(exc)) from None


def size_message(name: str, size: int) -> str:
    return (
        f"“{name}”大小 {size_text(size)}，超过 {size_text(MAX_REPORT_BYTES)} 的限制，"
        "请压缩后再上传。"
    )


@dataclass
class UploadResult:
    report: AnnualReport
    replaced: bool


def upload_report(actor, *, organisation: Organisation, year: int, name: str, data: bytes):
    """Store one organisation's report for `year`, its metadata stripped like a record's
    attachment (records.content.strip_metadata); a second upload for the same year replaces
    the file (the old file stays in storage and the audit event keeps both checksums)."""
    permissions.require(actor, "上传该机构的政府信息公开工作年度报告", organisation, UPLOAD_ROLES)
    if not organisation.receives_requests:
        raise ReportRejected(
            f"{organisation.name}不是行政机关或法律、法规授权的组织，"
            "不编制政府信息公开工作年度报告（《条例》第四十九条、第五十四条）。"
        )
    if not FIRST_YEAR <= year <= last_reportable_year():
        raise ReportRejected(
            f"报告年度应在 {FIRST_YEAR} 年至 {last_reportable_year()} 年之间"
            "（年度报告在次年发布）。"
        )
    kind = check_report_file(name, data)
    try:
        # author and company names in file metadata are personal information (《条例》第十五条)
        data = strip_metadata(kind, data, name)
    except UploadRejected as exc:
        raise ReportRejected(str(exc)) from None
    sha256 = hashlib.sha256(data).hexdigest()
    stored_name = f"{organisation.code}-{year}{EXTENSIONS[kind]}"
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .filter(organisation=organisation, year=year)
            .first()
        )
        replaced = report is not None
        before = _summary(report) if report else None
        if report is None:
            report = AnnualReport(site=organisation.site, organisation=organisation, year=year)
        report.source = ReportSource.UPLOADED
        report.file_name = f"{organisation.name}{year}年政府信息公开工作年度报告{EXTENSIONS[kind]}"
        report.file_kind = kind
        report.file_size = len(data)
        report.sha256 = sha256
        report.uploaded_by = permissions.user_of(actor)
        report.file.save(stored_name, ContentFile(data), save=False)
        report.save()
        record_event(
            AuditEventType.OBJECT_CHANGED if replaced else AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=report,
            before=before,
            after=_summary(report),
            message="更换年度报告文件" if replaced else "上传年度报告",
        )
        touch_site(organisation.site)
    return UploadResult(report, replaced)


def _summary(report: AnnualReport) -> dict:
    return {
        "organisation": report.organisation_id,
        "year": report.year,
        "source": report.source,
        "file_kind": report.file_kind,
        "file_size": report.file_size,
        "sha256": report.sha256,
    }


def reports_by_year(site: Site) -> list[tuple[int, list[AnnualReport]]]:
    """The site's reports newest year first, the government before its departments (tree
    order); one query."""
    reports = (
        AnnualReport.objects.filter(site=site)
        .select_related("organisation")
        .order_by("-year", "organisation__path")
    )
    years: dict[int, list[AnnualReport]] = {}
    for report in reports:
        years.setdefault(report.year, []).append(report)
    return list(years.items())
