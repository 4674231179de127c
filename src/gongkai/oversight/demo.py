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


# --- work plan ---

#: seed 000, 五、实施步骤 (迎江区政务公开标准化规范化试点工作方案, 2017年9月20日): 序号,
#: 工作任务, 责任部门 (as written), 时间进度 (as written) and the date it means
PILOT_TITLE = "迎江区政务公开标准化规范化试点工作方案"
PILOT_SOURCE = "关于印发《迎江区政务公开标准化规范化试点工作方案》的通知（2017年9月20日）"
PILOT_STEPS = [
    (
        "组织保障",
        "建立试点工作领导小组，组建专班，建立试点工作保障机制，推进我区政务公开试点工作实施",
        ("区政府办", "区公开办"),
        "2017年8月底前",
        (2017, 8, 31),
    ),
    (
        "制定方案",
        "结合实际抓紧制定具体实施方案，认真梳理问题，细化任务措施，征求上级相关部门意见的基础上，"
        "制定出台实施方案，在本区网站公开并报送省政务公开办备案",
        ("区政府办", "区公开办", "相关单位"),
        "2017年9月底前",
        (2017, 9, 30),
    ),
    (
        "梳理编制",
        "梳理、编制政务公开事项目录、公开标准和公开流程",
        ("区政府办", "区公开办", "相关单位"),
        "2017年11月底",
        (2017, 11, 30),
    ),
    (
        "健全机制",
        "健全基层政务公开工作机制",
        ("区政府办", "区公开办"),
        "2018年4月底",
        (2018, 4, 30),
    ),
    (
        "平台升级",
        "根据县级政务公开网络平台技术规范升级完善政务公开平台",
        ("区政府办", "区公开办"),
        "2018年4月底",
        (2018, 4, 30),
    ),
    (
        "自查总结",
        "自查问题，对我区试点工作情况进行分析、总结，实施完善",
        ("区政府办", "区公开办", "相关单位"),
        "2018年3月",
        (2018, 3, 31),
    ),
    (
        "迎接验收",
        "迎接上级部门验收",
        ("区政府办", "区公开办", "相关单位"),
        "2018年8月",
        (2018, 8, 31),
    ),
]
#: the seed's short names of the demo's organisations
ORGANISATION_ALIASES = {"区政府办": "区人民政府办公室", "区公开办": "区政务公开办公室"}
OFFICE_NAME = "区政务公开办公室"


def match_organisations(site, names):
    """The demo organisations named in the seed (exact name or the seed's short name); a name
    that matches none (e.g. 相关单位) falls to the office, and is returned in `unknown`."""
    from gongkai.core.models import Organisation

    found, unknown = [], []
    office = Organisation.objects.get(site=site, name=OFFICE_NAME)
    for name in names:
        organisation = Organisation.objects.filter(
            site=site, name=ORGANISATION_ALIASES.get(name, name)
        ).first()
        if organisation is None:
            unknown.append(name)
            organisation = office
        if organisation not in found:
            found.append(organisation)
    return found, unknown


def load_plan_demo() -> list[str]:
    """迎江区: seed 000's pilot plan (all seven steps, done by their deadlines) and a plan for the
    current year with tasks in every state, one overdue and one due soon."""
    from datetime import date, timedelta

    from gongkai.core.models import User

    from . import plan as rules
    from .models import PlanStatus, WorkPlan

    site = Site.objects.filter(slug="yingjiang").first()
    if site is None:
        return []
    lines = []
    if not WorkPlan.objects.filter(site=site, title=PILOT_TITLE).exists():
        plan = rules.create_plan(
            SYSTEM, site, year=2017, title=PILOT_TITLE, source_title=PILOT_SOURCE, is_public=True
        )
        for number, (title, text, names, when, ymd) in enumerate(PILOT_STEPS, 1):
            deadline = date(*ymd)
            step = rules.add_step(SYSTEM, plan, title=title, ends_on=deadline, number=number)
            found, unknown = match_organisations(site, names)
            remark = f"原文责任部门：{'、'.join(names)}。"
            if unknown:
                remark += (
                    f"“{'、'.join(unknown)}”未对应到具体机构，暂由{OFFICE_NAME}承担，"
                    "请公开办指定具体单位。"
                )
            rules.add_task(
                SYSTEM,
                plan,
                step=step,
                number=1,
                text=text,
                lead=found[0],
                co_organisations=found[1:],
                deadline=deadline,
                deadline_text=when,
                status=PlanStatus.DONE,
                completed_on=deadline,
                remark=remark,
            )
        lines.append(
            f"{site.name}：载入试点工作方案（种子文件 000）实施步骤 {len(PILOT_STEPS)} 项。"
        )

    today = timezone.localdate()
    year = today.year
    title = f"{year}年政务公开重点工作任务"
    if WorkPlan.objects.filter(site=site, title=title).exists():
        return lines
    from gongkai.core.models import Organisation

    def o(name):
        return Organisation.objects.get(site=site, name=name)

    plan = rules.create_plan(SYSTEM, site, year=year, title=title, is_public=True)
    steps = [
        rules.add_step(
            SYSTEM, plan, title="部署启动", starts_on=date(year, 1, 1), ends_on=date(year, 3, 31)
        ),
        rules.add_step(
            SYSTEM, plan, title="推进落实", starts_on=date(year, 4, 1), ends_on=date(year, 10, 31)
        ),
        rules.add_step(
            SYSTEM, plan, title="总结考核", starts_on=date(year, 11, 1), ends_on=date(year, 12, 31)
        ),
    ]
    year_end = max(date(year, 12, 31), today + timedelta(days=20))
    tasks = [
        (
            0,
            "印发年度政务公开工作要点，明确责任分工",
            OFFICE_NAME,
            [],
            today - timedelta(200),
            PlanStatus.DONE,
        ),
        (
            0,
            "更新政府信息公开指南和主动公开基本目录",
            OFFICE_NAME,
            ["区数据资源管理局"],
            today - timedelta(150),
            PlanStatus.DONE,
        ),
        (
            1,
            "住房保障领域公开事项标准目录动态调整，按时限发布保障性住房分配信息",
            "区住房和城乡建设局",
            ["区民政局"],
            today - timedelta(10),
            PlanStatus.IN_PROGRESS,
        ),
        (
            1,
            "城市管理（市政服务）领域停水停电、道路施工等信息按时限提前发布",
            "区城市管理局",
            ["区住房和城乡建设局"],
            today + timedelta(5),
            PlanStatus.IN_PROGRESS,
        ),
        (
            1,
            "重要政策同步解读，回应社会关切",
            "区人民政府办公室",
            ["区民政局"],
            today + timedelta(60),
            PlanStatus.NOT_STARTED,
        ),
        (
            1,
            "在政府网站开设政务公开标准化规范化专栏",
            "区数据资源管理局",
            [],
            today - timedelta(40),
            PlanStatus.CANCELLED,
        ),
        (
            2,
            "编制并公布上一年度政府信息公开工作年度报告",
            OFFICE_NAME,
            [],
            year_end,
            PlanStatus.NOT_STARTED,
        ),
        (
            2,
            "自查整改，迎接上级部门年度考核",
            OFFICE_NAME,
            ["区住房和城乡建设局", "区民政局"],
            year_end,
            PlanStatus.NOT_STARTED,
        ),
    ]
    editor = User.objects.filter(username="yj_editor").first() or SYSTEM
    for index, text, lead, co, deadline, status in tasks:
        closed = status in (PlanStatus.DONE, PlanStatus.CANCELLED)
        task = rules.add_task(
            SYSTEM,
            plan,
            step=steps[index],
            text=text,
            lead=o(lead),
            co_organisations=[o(n) for n in co],
            deadline=deadline,
            status=status,
            completed_on=min(deadline, today) if closed else None,
            remark="已并入政府网站集约化改版统一实施。" if status == PlanStatus.CANCELLED else "",
        )
        if lead == "区住房和城乡建设局":
            rules.add_note(editor, task, "已完成住房保障领域公开事项梳理，待公开办审核后发布调整。")
    lines.append(f"{site.name}：载入{title}，任务 {len(tasks)} 项（含逾期 1 项）。")
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


def run_demo_checks() -> list[str]:
    """Last of the demo loaders: the night's checks run once over the demo data, so the
    dashboard and 检查发现的问题 show the truth on first opening instead of "尚未检查"."""
    from .checks import run_all_sites

    return [f"网站检查指标：{run_all_sites()}"]
