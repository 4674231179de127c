"""Test catalogue files in the national layout, written at test time (no binaries committed).

The rows follow published county catalogues built on the 2019 sector guidelines (重大建设项目,
城市综合执法, 社会救助, 义务教育, 公共文化服务) and carry the traits real files have: a title
row, several domain tables in one sheet under （一）/（二） headings, a two-row header with merged
cells, 一级事项 merged across rows, line breaks inside words, full-width digits, traditional
characters, 同上, ■/□ and prose channels, √ marks, 三级事项."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

CH = [
    "政府网站",
    "政府公报",
    "两微一端",
    "发布会/听证会",
    "广播电视",
    "纸质媒体",
    "公开查阅点",
    "政务服务中心",
    "便民服务站",
    "入户/现场",
    "社区/企事业单位/村公示栏（电子屏）",
    "精准推送",
    "其他",
]


def marks(*chosen: str, sep: str = " ") -> str:
    return sep.join(("■" if name in chosen else "□") + name for name in CH)


STD = "信息形成或者变更之日起20个工作日内"
STD_FW = "信息形成或者变更之日起２０个工作日内"

# (一级, 二级, 内容, 依据, 时限, 主体, 渠道, 全社会, 特定, 主动, 依申请, 县级, 乡级)
MAJOR_PROJECTS = [
    (
        "批准服务\n信息",
        "申报要求",
        "申报材料清单、办理流程",
        "【行政法规】《企业投资项目核准和备案管理条例》",
        STD_FW,
        "区发展和改革委员会",
        marks("政府网站", "政务服务中心"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "批准服务\n信息",
        "办理结果",
        "审批结果、备案信息",
        "同上",
        "同上",
        "区发展和改革委员会",
        marks("政府网站", "两微一端"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "批准结果信息",
        "审批信息",
        "项目建议书、可行性研究报告、初步设计审批结果",
        "【行政法规】《政府投资条例》第十条\n【部门规章及规范性文件】《国务院办公厅关于推进重大建设项目批准和实施领域政府信息公开的意见》",
        "二十个工作日",
        "区发展和改革委员会、区住房和城乡建设局",
        marks("政府网站", "公开查阅点", sep="\n"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "招标投标信息",
        "资格预审公告",
        "潜在投标人资格要求、获取资格预审文件的时间和方法",
        "【法律】《中华人民共和国招标投标法》第十六条",
        "实时",
        "项目建设单位",
        marks("政府网站"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "征收土地信息",
        "征地补偿安置",
        "补偿标准、安置方式、社会保障费用",
        "【法律】《中华人民共和国土地管理法》第四十七条",
        "及时公开",
        "区住房和城乡建设局、各乡镇（街道）",
        marks("政府网站", "社区/企事业单位/村公示栏（电子屏）", "入户/现场"),
        "",
        "√",
        "√",
        "",
        "√",
        "√",
    ),
    (
        "施工有关信息",
        "施工组织",
        "项目法人单位、施工单位、监理单位及主要负责人",
        "【部门规章及规范性文件】《关于推进重大建设项目批准和实施领域政府信息公开的意见》",
        "每季度",
        "区住房和城乡建设局",
        marks("政府网站", "纸质媒体"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
]

# with 三级事项: (一级, 二级, 三级, 内容, 依据, 时限, 主体, 渠道, 全社会, 特定, 主动, 依申请, 县级, 乡级)
LAW_ENFORCEMENT = [
    (
        "行政处罚",
        "市容环境卫生类",
        "擅自设置户外广告处罚",
        "处罚依据、处罚程序、处罚结果",
        "【行政法规】《城市市容和环境卫生管理条例》第三十六条",
        "作出决定之日起7日内",
        "区城市管理局",
        marks("政府网站"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "行政处罚",
        "市容环境卫生类",
        "随意倾倒建筑垃圾处罚",
        "处罚依据、处罚程序、处罚结果",
        "【部门规章】《城市建筑垃圾管理规定》第二十条",
        "同上",
        "区城市管理局",
        marks("政府网站"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "行政处罚",
        "市政公用类",
        "擅自占用、挖掘城市道路处罚",
        "处罚依据、处罚程序、处罚结果",
        "【行政法规】《城市道路管理条例》第四十二条",
        "自作出决定之日起七日内",
        "区城市管理局",
        marks("政府网站", "两微一端"),
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "停水停气通告",
        "计划停水",
        "",
        "停水时间、影响范围",
        "【行政法规】《城市供水条例》第二十二条",
        "停水24小时前",
        "安庆市迎江区自来水公司",
        marks("政府网站", "两微一端", "精准推送"),
        "√",
        "",
        "√",
        "",
        "√",
        "√",
    ),
]

# traditional characters, prose channels, a single 公开方式 column, 区级/镇街级 levels
SOCIAL_ASSISTANCE = [
    (
        "最低生活保障",
        "低保審批",
        "申請條件、辦理流程、保障標準",
        "【行政法規】《社會救助暫行辦法》第九條",
        "信息形成或者變更之日起20個工作日內",
        "區民政局",
        "政府網站、政務服務中心、社區公示欄",
        "√",
        "",
        "主动",
        "√",
        "√",
    ),
    (
        "最低生活保障",
        "低保對象公示",
        "低保對象姓名、保障人數、保障金額",
        "同上",
        "每月",
        "區民政局、各乡镇（街道）",
        "村（居）務公開欄、政府網站",
        "√",
        "",
        "主动",
        "√",
        "√",
    ),
    (
        "臨時救助",
        "臨時救助\n審批",
        "申請條件、辦理流程、救助標準",
        "【行政法規】《社會救助暫行辦法》第四十七條",
        "同上",
        "區民政局",
        "政府網站、便民服務中心",
        "√",
        "",
        "主动、依申请",
        "√",
        "√",
    ),
]


def _two_row_header(
    ws, row: int, level3: bool = False, single_mode: bool = False, variants: bool = False
):
    """Write the national two-row header at `row`, merging as the template does."""
    cols = [("序号", None), ("公开事项", "一级事项"), ("公开事项", "二级事项")]
    if level3:
        cols.append(("公开事项", "三级事项"))
    cols += [
        ("公开内容（要素）", None),
        ("公开依据", None),
        ("公开时限", None),
        ("公开主体", None),
        ("公开渠道和载体", None),
        ("公开对象", "全社会"),
        ("公开对象", "特定群众" if variants else "特定群体"),
    ]
    if single_mode:
        cols.append(("公开方式", None))
    else:
        cols += [("公开方式", "主动"), ("公开方式", "依申请")]
    cols += [
        ("公开层级", "区级" if variants else "县级"),
        ("公开层级", "镇街级" if variants else "乡级"),
    ]
    c = 1
    while c <= len(cols):
        top, sub = cols[c - 1]
        ws.cell(row=row, column=c, value=top)
        if sub is None:
            ws.merge_cells(start_row=row, start_column=c, end_row=row + 1, end_column=c)
            c += 1
            continue
        span = 1
        while c + span <= len(cols) and cols[c + span - 1][0] == top:
            span += 1
        if span > 1:
            ws.merge_cells(start_row=row, start_column=c, end_row=row, end_column=c + span - 1)
        for k in range(span):
            ws.cell(row=row + 1, column=c + k, value=cols[c + k - 1][1])
        c += span
    return len(cols)


def _data(ws, start: int, rows: list[tuple], level_cols: int):
    """Write rows from `start`, merging the 一级事项 column over equal values."""
    r = start
    for serial, row in enumerate(rows, start=1):
        values = [str(serial), *row]
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v or None).alignment = Alignment(wrap_text=True)
        r += 1
    first = start
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[first - start][0]:
            if start + i - 1 > first:
                ws.merge_cells(start_row=first, start_column=2, end_row=start + i - 1, end_column=2)
            first = start + i
    return r


def build_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "标准目录"
    ws.cell(row=1, column=1, value="安庆市迎江区基层政务公开标准目录")
    ws.merge_cells("A1:P1")
    ws.cell(row=2, column=1, value="（一）重大建设项目领域基层政务公开标准目录")
    ws.merge_cells("A2:P2")
    _two_row_header(ws, 3)
    r = _data(ws, 5, MAJOR_PROJECTS, 2)
    r += 1  # a blank row between the tables
    ws.cell(row=r, column=1, value="（二）城市综合执法领域基层政务公开标准目录")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=16)
    _two_row_header(ws, r + 1, level3=True)
    _data(ws, r + 3, LAW_ENFORCEMENT, 3)

    ws2 = wb.create_sheet("社會救助")
    ws2.cell(row=1, column=1, value="迎江區社會救助領域基層政務公開標準目錄")
    ws2.merge_cells("A1:O1")
    _two_row_header(ws2, 2, single_mode=True, variants=True)
    _data(ws2, 4, SOCIAL_ASSISTANCE, 2)
    wb.save(path)
    return path


def build_bad_xlsx(path: Path) -> Path:
    """市政服务 with two bad rows: row 5 has no 二级事项, row 6 an unknown channel mark."""
    wb = Workbook()
    ws = wb.active
    ws.title = "市政服务"
    ws.cell(row=1, column=1, value="迎江区市政服务领域基层政务公开标准目录")
    ws.merge_cells("A1:P1")
    _two_row_header(ws, 2)
    rows = [
        (
            "燃气服务",
            "燃气经营许可证核发",
            "申请材料、办理流程",
            "【行政法规】《城镇燃气管理条例》第十五条",
            STD,
            "区住房和城乡建设局",
            marks("政府网站"),
            "√",
            "",
            "√",
            "",
            "√",
            "",
        ),
        (
            "燃气服务",
            "",
            "停气时间、影响范围",
            "【行政法规】《城镇燃气管理条例》",
            "停气24小时前",
            "安庆港华燃气有限公司",
            marks("政府网站"),
            "√",
            "",
            "√",
            "",
            "√",
            "",
        ),
        (
            "供水服务",
            "城市供水水质公示",
            "水质检测结果",
            "【行政法规】《城市供水条例》",
            "每季度",
            "安庆市迎江区自来水公司",
            "▲政府网站 □政府公报",
            "√",
            "",
            "√",
            "",
            "√",
            "",
        ),
    ]
    _data(ws, 4, rows, 2)
    wb.save(path)
    return path


EDUCATION = [
    (
        "学校概况",
        "学校基本情况",
        "学校名称、办学地址、联系方式",
        "【行政法规】《中华人民共和国政府信息公开条例》",
        "长期公开",
        "区教育体育局",
        "■政府网站 □政府公报 ■两微一端 □其他",
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
    (
        "招生入学",
        "招生政策",
        "招生范围、招生条件、招生计划",
        "【法律】《中华人民共和国义务教育法》第十二条",
        "学期开学前",
        "区教育体育局",
        "■政府网站 ■精准推送 ■社区/企事业单位/村公示栏（电子屏）",
        "√",
        "",
        "√",
        "",
        "√",
        "√",
    ),
    (
        "招生入学",
        "招生结果",
        "录取结果、咨询方式",
        "同上",
        "录取后5个工作日内",
        "区教育体育局",
        "■政府网站 ■精准推送",
        "",
        "√",
        "√",
        "",
        "√",
        "",
    ),
]
CULTURE = [
    (
        "公共文化服务",
        "公共文化场馆开放",
        "开放时间、服务项目、联系方式",
        "【法律】《中华人民共和国公共文化服务保障法》第三十一条",
        "及时公开",
        "区教育体育局",
        "政府网站、两微一端、公示栏",
        "√",
        "",
        "√",
        "",
        "√",
        "√",
    ),
    (
        "公共文化服务",
        "文化活动",
        "活动名称、时间、地点",
        "同上",
        "活动开展前3个工作日",
        "区教育体育局",
        "政府网站、两微一端",
        "√",
        "",
        "√",
        "",
        "√",
        "",
    ),
]


def _docx_table(document, rows: list[tuple]):
    header = [
        "序号",
        "公开事项",
        "",
        "公开内容（要素）",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "公开对象",
        "",
        "公开方式",
        "",
        "公开层级",
        "",
    ]
    sub = [
        "",
        "一级事项",
        "二级事项",
        "",
        "",
        "",
        "",
        "",
        "全社会",
        "特定群体",
        "主动",
        "依申请",
        "县级",
        "乡级",
    ]
    table = document.add_table(rows=2 + len(rows), cols=len(header))
    for c, text in enumerate(header):
        table.cell(0, c).text = text
    for c, text in enumerate(sub):
        if text:
            table.cell(1, c).text = text
    for c in (0, 3, 4, 5, 6, 7):  # vertical merges of single headers
        table.cell(0, c).merge(table.cell(1, c))
    for c in (1, 8, 10, 12):  # horizontal merges of group headers
        merged = table.cell(0, c).merge(table.cell(0, c + 1))
        merged.text = header[c]
    for r, row in enumerate(rows, start=2):
        values = [str(r - 1), *row]
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    # merge the 一级事项 cells of equal rows
    first = 2
    for r in range(3, 2 + len(rows) + 1):
        if r == 2 + len(rows) or rows[r - 2][0] != rows[first - 2][0]:
            if r - 1 > first:
                top = table.cell(first, 1)
                for rr in range(first + 1, r):
                    table.cell(rr, 1).text = ""
                merged = top.merge(table.cell(r - 1, 1))
                merged.text = rows[first - 2][0]
            first = r
    return table


def build_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("迎江区基层政务公开标准目录（教育文化）", level=1)
    document.add_paragraph("（一）义务教育领域基层政务公开标准目录")
    _docx_table(document, EDUCATION)
    document.add_paragraph("（二）公共文化服务领域基层政务公开标准目录")
    _docx_table(document, CULTURE)
    document.save(path)
    return path


def build_all(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return {
        "xlsx": build_xlsx(directory / "national.xlsx"),
        "docx": build_docx(directory / "catalogue.docx"),
        "bad": build_bad_xlsx(directory / "bad.xlsx"),
    }
