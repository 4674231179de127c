"""Demo: earlier years' annual reports of each demo site's government and two departments, as
real PDFs made by the project's PDF helper and uploaded through the same service staff use."""

from django.utils import timezone
from django.utils.html import escape

from gongkai.core.models import OrganisationKind, Site
from gongkai.core.pdf import PdfUnavailable, html_to_pdf
from gongkai.core.permissions import SYSTEM

from .models import AnnualReport
from .services import reporting_organisations, upload_report

DEPARTMENTS = 2


def report_pdf(organisation_name: str, year: int) -> bytes:
    """A short report in the national section order (国办公开办函〔2021〕30号)."""
    title = f"{organisation_name}{year}年政府信息公开工作年度报告"
    sections = [
        (
            "一、总体情况",
            f"{year}年，{organisation_name}坚持以公开为常态、不公开为例外，"
            "按照基层政务公开标准目录做好主动公开、依申请公开和政策解读工作。",
        ),
        ("二、主动公开政府信息情况", "本年度主动公开政府信息情况见附表。"),
        ("三、收到和处理政府信息公开申请情况", "本年度依申请公开办理情况见附表。"),
        ("四、政府信息公开行政复议、行政诉讼情况", "本年度未发生政府信息公开行政复议、行政诉讼。"),
        ("五、存在的主要问题及改进情况", "政策解读形式还不够丰富，下一步将增加图解和视频解读。"),
        ("六、其他需要报告的事项", "本年度未收取信息处理费。"),
    ]
    body = "".join(f"<h2>{escape(h)}</h2><p>{escape(p)}</p>" for h, p in sections)
    html = (
        "<html><head><meta charset='utf-8'><style>@page { size: A4; margin: 37mm 26mm 35mm 28mm; }"
        "body { font-size: 16pt; line-height: 1.6; } h1 { font-size: 22pt; text-align: center; }"
        "h2 { font-size: 16pt; }</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return html_to_pdf(html, "年度报告")


def load_oversight_demo() -> list[str]:
    lines = []
    last_year = timezone.localdate().year - 1
    for slug in ("yingjiang", "ouhai"):
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            continue
        organs = reporting_organisations(site)
        chosen = [
            *organs.filter(kind=OrganisationKind.GOVERNMENT)[:1],
            *organs.filter(kind=OrganisationKind.DEPARTMENT)[:DEPARTMENTS],
        ]
        added = 0
        for year in (last_year - 1, last_year):
            for organisation in chosen:
                if AnnualReport.objects.filter(organisation=organisation, year=year).exists():
                    continue
                try:
                    data = report_pdf(organisation.name, year)
                except PdfUnavailable as exc:
                    return [*lines, f"年度报告演示数据未生成：{exc}"]
                upload_report(
                    SYSTEM,
                    organisation=organisation,
                    year=year,
                    name=f"{organisation.name}{year}年年报.pdf",
                    data=data,
                )
                added += 1
        if added:
            lines.append(f"{site.name}：上传往年政府信息公开工作年度报告 {added} 份。")
    return lines


# --- inspections and evaluation ---

DEMO_INSPECTION = "政务公开第一季度自查"


def _blank_pdf() -> bytes:
    """A one-page PDF as demo evidence (pypdf is fast; the PDF helper is for real documents)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def load_inspection_demo() -> list[str]:
    """迎江区: one 自查 with items in each state, done by the demo staff through the same rules
    staff use, and one submitted evaluation sheet of last year."""
    from datetime import date
    from decimal import Decimal

    from gongkai.core.models import Organisation, User

    from . import evaluation, inspections
    from .models import EvaluationSheet, Inspection, InspectionKind, Severity

    site = Site.objects.filter(slug="yingjiang").first()
    users = {u.username: u for u in User.objects.filter(username__startswith="yj_")}
    if site is None or not {"yj_admin", "yj_editor", "yj_editor2", "yj_evaluator"} <= set(users):
        return []
    lines = []
    admin, editor, editor2 = users["yj_admin"], users["yj_editor"], users["yj_editor2"]
    year = timezone.localdate().year
    if not Inspection.objects.filter(site=site, title=DEMO_INSPECTION).exists():
        housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
        civil = Organisation.objects.get(site=site, name="区民政局")
        inspection = inspections.open_inspection(
            admin,
            site,
            kind=InspectionKind.SELF,
            title=DEMO_INSPECTION,
            period=f"{year}年第一季度",
            held_on=date(year, 3, 31)
            if timezone.localdate() > date(year, 3, 31)
            else timezone.localdate(),
            summary="对照政府网站检查指标和基层政务公开标准目录，逐栏目检查信息发布、政策解读和互动回应情况。",
        )
        spec = [
            ("发布解读", "“通知公告”栏目超过6个月未更新", Severity.VETO, 0, housing),
            ("发布解读", "部分政策文件未同步发布政策解读", Severity.DEDUCTION, 5, housing),
            ("互动交流", "2条群众留言超过3个月未答复", Severity.VETO, 0, civil),
            ("办事服务", "办事指南缺少收费标准和办理地点", Severity.DEDUCTION, 2, civil),
        ]
        items = [
            inspections.add_item(
                admin, inspection, indicator=i, description=d, severity=s, points=Decimal(p)
            )
            for i, d, s, p, _org in spec
        ]
        for n, (*_rest, organisation) in enumerate(spec[:3]):
            items[n] = inspections.assign(
                admin, items[n], organisation=organisation, working_days=10
            )
        evidence = [("整改截图.pdf", _blank_pdf())]
        first = inspections.rectify(
            editor, items[0], text="已补发本季度通知公告3条，并明确专人每周更新。", files=evidence
        )
        inspections.accept(admin, first)
        inspections.rectify(
            editor, items[1], text="已补充发布2份政策文件的图解解读。", files=evidence
        )
        second = inspections.rectify(editor2, items[2], text="已答复。")
        inspections.send_back(admin, second, reason="请附上答复内容截图。")
        lines.append(
            f"{site.name}：自查 1 次，问题 {len(items)} 个（已验收、待验收、已退回、待交办）。"
        )
    template = evaluation.ensure_default_template(site)
    if not EvaluationSheet.objects.filter(site=site, organisation=None, year=year - 1).exists():
        sheet = evaluation.create_sheet(admin, site, year=year - 1, template=template)
        evaluator = users["yj_evaluator"]
        scores = [Decimal(27), Decimal(18), Decimal(16), Decimal(13), Decimal(8), Decimal(5)]
        evaluation.fill(
            evaluator,
            sheet,
            [
                evaluation.RowScore(row.pk, score, "", "")
                for row, score in zip(sheet.rows.order_by("order"), scores, strict=False)
            ],
        )
        evaluation.submit(evaluator, EvaluationSheet.objects.get(pk=sheet.pk))
        lines.append(f"{site.name}：{year - 1}年第三方评估表 1 份（已提交）。")
    return lines
