"""验收材料 (seed 000, 实施步骤 7: 迎接上级部门验收): one .zip for the higher level's inspection.

`build_acceptance_package` iterates the parts registered in `oversight.package` (each module
registers the files of its own data) and adds an index, 00-目录.docx in the official-document
format and the same list as 00-目录.xlsx. Every part is built in memory before the archive is
written: a part that fails fails the whole package with a Chinese message naming it, so no
half-made package ever reaches the inspectors. This module registers the parts it owns: the
catalogue with its versions and changes, and the work plan's status."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.exports import xlsx_cell
from gongkai.core.models import AuditEventType, Role, Site

from .package import register_package_part, registered_parts

#: who exports the package: the office admin (公开办) who prepares the acceptance
EXPORT_ROLES = (Role.OFFICE_ADMIN,)
INDEX_DOCX = "00-目录.docx"
INDEX_XLSX = "00-目录.xlsx"
FIRST_YEAR = 2008  # the 条例 came into force on 2008-05-01


class PackageFailed(Exception):
    """The package could not be built; the message says which part and why, in Chinese."""


def package_name(site: Site, year: int) -> str:
    return f"{site.name}{year}年度政务公开验收材料.zip"


def check_year(year) -> int:
    today = timezone.localdate()
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise PackageFailed("年度应为四位数字，如 2025。") from None
    if not FIRST_YEAR <= year <= today.year:
        raise PackageFailed(f"年度应在 {FIRST_YEAR} 年至 {today.year} 年之间。")
    return year


def build_acceptance_package(site: Site, year: int, user) -> bytes:
    """The .zip of every registered part for `site` and `year`, with the index first."""
    permissions.require(user, "导出验收材料", site, EXPORT_ROLES)
    year = check_year(year)
    files: list[tuple[str, str, bytes]] = []
    for part in registered_parts():
        try:
            with transaction.atomic():  # a part's database error must not spoil the request's
                data = part.build(site, year)
        except Exception as exc:  # noqa: BLE001 - any failure of a part fails the package
            raise PackageFailed(
                f"验收材料“{part.title}”（{part.filename}）生成失败：{exc or type(exc).__name__}。"
                "未生成验收材料压缩包，请处理后重试。"
            ) from exc
        if not isinstance(data, bytes) or not data:
            raise PackageFailed(
                f"验收材料“{part.title}”（{part.filename}）生成了空文件。未生成验收材料压缩包。"
            )
        files.append((part.filename, part.title, data))
    names = [name for name, _title, _data in files]
    if len(set(names)) != len(names) or {INDEX_DOCX, INDEX_XLSX} & set(names):
        raise PackageFailed("验收材料的文件名重复，未生成压缩包。")
    entries = [
        (INDEX_DOCX, "验收材料目录"),
        (INDEX_XLSX, "验收材料目录（表格）"),
        *[(name, title) for name, title, _data in files],
    ]
    buffer = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [
            (INDEX_DOCX, index_docx(site, year, entries)),
            (INDEX_XLSX, index_xlsx(site, year, entries)),
            *[(name, data) for name, _title, data in files],
        ]:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data, zipfile.ZIP_DEFLATED)
    record_event(
        AuditEventType.EXPORTED,
        actor=user,
        obj=site,
        after={"year": year, "files": [name for name, _title in entries]},
        message=f"导出{year}年度验收材料",
    )
    return buffer.getvalue()


def index_docx(site: Site, year: int, entries: list[tuple[str, str]]) -> bytes:
    from gongkai.core.officialdoc import OfficialDocument

    doc = OfficialDocument()
    doc.title(f"{site.name}{year}年度政务公开工作验收材料目录")
    doc.body(
        f"本材料由政务公开平台根据平台数据于{_chinese_date(timezone.localdate())}生成，"
        f"共{len(entries)}个文件。"
    )
    doc.table(
        ["序号", "文件名", "内容"],
        [[str(n), name, title] for n, (name, title) in enumerate(entries, 1)],
    )
    doc.signature(site.sponsor or site.name, _chinese_date(timezone.localdate()))
    return doc.to_bytes()


def index_xlsx(site: Site, year: int, entries: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = "目录"
    xlsx_cell(ws, 1, 1, f"{site.name}{year}年度政务公开工作验收材料目录")
    for column, label in enumerate(("序号", "文件名", "内容"), 1):
        xlsx_cell(ws, 2, column, label)
    for row, (name, title) in enumerate(entries, 3):
        xlsx_cell(ws, row, 1, row - 2)
        xlsx_cell(ws, row, 2, name)
        xlsx_cell(ws, row, 3, title)
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------- parts owned here


def year_end(year: int) -> datetime:
    return timezone.make_aware(datetime.combine(date(year, 12, 31), time.max))


VERSION_HEADER = ["版本号", "发布时间", "发布人", "版本说明", "调整条数"]
CHANGE_HEADER = ["时间", "公开领域", "事项", "操作", "调整原因", "操作人", "所属版本"]


def catalogue_versions(site: Site, year: int):
    from gongkai.catalogue.models import CatalogueVersion

    return (
        CatalogueVersion.objects.filter(site=site, published_at__lte=year_end(year))
        .prefetch_related("changes")
        .order_by("number")
    )


def catalogue_changes(site: Site, year: int):
    from gongkai.catalogue.models import CatalogueChange

    return (
        CatalogueChange.objects.filter(site=site, created_at__lte=year_end(year))
        .select_related("version")
        .order_by("created_at", "id")
    )


def version_row(version) -> list:
    return [
        version.number,
        timezone.localtime(version.published_at).replace(tzinfo=None),
        (version.published_by or {}).get("name", ""),
        version.note,
        len(version.changes.all()),
    ]


def change_row(change) -> list:
    return [
        timezone.localtime(change.created_at).replace(tzinfo=None),
        change.domain_name,
        change.item_name,
        change.get_action_display(),
        change.reason,
        (change.actor or {}).get("name", ""),
        str(change.version) if change.version else "未发布",
    ]


def build_catalogue_part(site: Site, year: int) -> bytes:
    """The current catalogue in the national layout (catalogue.io's own export), plus two
    sheets: the published versions and every adjustment up to the end of `year`."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from gongkai.catalogue.io.exporter import export_xlsx_bytes

    workbook = load_workbook(io.BytesIO(export_xlsx_bytes(site)))
    for title, header, rows in (
        ("目录版本", VERSION_HEADER, [version_row(v) for v in catalogue_versions(site, year)]),
        ("调整记录", CHANGE_HEADER, [change_row(c) for c in catalogue_changes(site, year)]),
    ):
        ws = workbook.create_sheet(title)
        for column, label in enumerate(header, 1):
            xlsx_cell(ws, 1, column, label).font = Font(bold=True)
        for row, values in enumerate(rows, 2):
            for column, value in enumerate(values, 1):
                cell = xlsx_cell(ws, row, column, value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
        for column in "ABCDEFG":
            ws.column_dimensions[column].width = 20
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_plan_xlsx_part(site: Site, year: int) -> bytes:
    from .plan import plans_of_year, plans_xlsx

    return plans_xlsx(plans_of_year(site, year))


def build_plan_docx_part(site: Site, year: int) -> bytes:
    from .plan import plans_docx, plans_of_year

    return plans_docx(site, year, plans_of_year(site, year))


CATALOGUE_FILE = "01-政务公开标准目录及调整记录.xlsx"
PLAN_XLSX_FILE = "05-工作方案落实情况.xlsx"
PLAN_DOCX_FILE = "05-工作方案落实情况.docx"


def register_parts() -> None:
    """Called from OversightConfig.ready(); registering again replaces (by file name)."""
    register_package_part(
        CATALOGUE_FILE, "政务公开标准目录及其版本、调整记录", build_catalogue_part, order=10
    )
    register_package_part(
        PLAN_XLSX_FILE, "工作方案任务及落实情况（表格）", build_plan_xlsx_part, order=50
    )
    register_package_part(
        PLAN_DOCX_FILE, "工作方案落实情况（报告）", build_plan_docx_part, order=51
    )
