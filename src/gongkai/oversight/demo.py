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
