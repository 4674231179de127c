"""The annual report's .docx (issue 12 acceptance): LibreOffice opens it (converted headless),
and read back with python-docx its tables have exactly the national rows and columns of
国办公开办函〔2021〕30号 — the lists below are copied from the national template, not from the
code — with the computed numbers in them; the PDF comes from the same parts."""

import io
import shutil
import subprocess

import pytest
from docx import Document

from gongkai.core.permissions import SYSTEM
from gongkai.oversight import annual
from tests.conftest import org
from tests.oversight.conftest import YEAR, fill_entered

pytestmark = pytest.mark.django_db

SECTIONS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
TWO = [
    ["第二十条第（一）项"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章"],
    ["行政规范性文件"],
    ["第二十条第（五）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政许可"],
    ["第二十条第（六）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政处罚"],
    ["行政强制"],
    ["第二十条第（八）项"],
    ["信息内容", "本年收费金额（单位：万元）"],
    ["行政事业性收费"],
]
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
PERSONS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
R = "三、本年度办理结果"
THREE_ROWS = [
    ("一、本年新收政府信息公开申请数量",),
    ("二、上年结转政府信息公开申请数量",),
    (R, "（一）予以公开"),
    (R, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    *[
        (R, "（三）不予公开", item)
        for item in [
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ]
    ],
    *[
        (R, "（四）无法提供", item)
        for item in [
            "1.本机关不掌握相关政府信息",
            "2.没有现成信息需要另行制作",
            "3.补正后申请内容仍不明确",
        ]
    ],
    *[
        (R, "（五）不予处理", item)
        for item in [
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ]
    ],
    *[
        (R, "（六）其他处理", item)
        for item in [
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ]
    ],
    (R, "（七）总计"),
    ("四、结转下年度继续办理",),
]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def distinct(cells):
    """The texts of a row as a reader sees them: a merged cell once."""
    out = []
    for cell in cells:
        if not out or cell._tc is not out[-1][0]:
            out.append((cell._tc, cell.text))
    return [text for _, text in out]


@pytest.fixture
def report(yingjiang, cases, policies):
    housing = org(yingjiang, "区住房和城乡建设局")
    draft = annual.open_draft(SYSTEM, housing, YEAR)
    annual.save_sections(SYSTEM, draft, draft.version, section_five="解读形式单一。\n下一步改进。")
    draft = fill_entered(draft)
    annual.set_cell(SYSTEM, draft, draft.version, "t2.permit.decisions", "37", "政务服务网")
    draft.refresh_from_db()
    annual.finalise(SYSTEM, draft, draft.version)
    draft.refresh_from_db()
    return annual.report_view(draft)


def test_the_docx_has_the_national_sections_and_tables(report):
    doc = Document(io.BytesIO(annual.docx_bytes(report)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "一级标题"]
    assert headings == SECTIONS
    assert doc.paragraphs[0].style.name == "标题"
    assert doc.paragraphs[0].text == f"区住房和城乡建设局{YEAR}年政府信息公开工作年度报告"
    assert "解读形式单一。" in [p.text for p in doc.paragraphs]
    two, three, four = doc.tables
    # 表二: 4 columns, the blocks and rows of the template, the values in place
    assert all(len(row.cells) == 4 for row in two.rows)
    assert [distinct(row.cells)[: len(expected)] for row, expected in zip(two.rows, TWO)] == TWO
    assert len(two.rows) == len(TWO)
    normative = distinct(two.rows[3].cells)
    assert normative == [
        "行政规范性文件",
        *(report.value(f"t2.normative.{c}") for c in ("issued", "abolished", "valid")),
    ]
    assert distinct(two.rows[6].cells) == ["行政许可", "37"]
    # 表三: 3 label columns + 7 applicant columns; 3 header rows; 25 numbered rows
    assert all(len(row.cells) == 10 for row in three.rows)
    assert distinct(three.rows[0].cells) == [NOTE, "申请人情况"]
    assert distinct(three.rows[1].cells) == [NOTE, "自然人", "法人或其他组织", "总计"]
    assert distinct(three.rows[2].cells) == [NOTE, "自然人", *PERSONS, "总计"]
    body = three.rows[3:]
    assert [tuple(distinct(row.cells[:3])) for row in body] == THREE_ROWS
    for row, key in zip(body, [r.key for r in annual.three_rows()], strict=True):
        numbers = [c.text for c in row.cells[3:]]
        assert numbers == [report.value(f"t3.{key}.{col}") for col in annual.statistics.COLUMN_KEYS]
    # the check row holds in the document too
    by = {tuple(distinct(r.cells[:3]))[-1]: [int(c.text) for c in r.cells[3:]] for r in body}
    for i in range(7):
        assert (
            by[THREE_ROWS[0][0]][i] + by[THREE_ROWS[1][0]][i]
            == by["（七）总计"][i] + by["四、结转下年度继续办理"][i]
        )
    # 表四: 行政复议 5 columns, 行政诉讼 10 (未经复议直接起诉 and 复议后起诉), one row of numbers
    assert all(len(row.cells) == 15 for row in four.rows) and len(four.rows) == 4
    assert distinct(four.rows[0].cells) == ["行政复议", "行政诉讼"]
    assert distinct(four.rows[1].cells) == [*RESULTS, "未经复议直接起诉", "复议后起诉"]
    assert distinct(four.rows[2].cells) == RESULTS * 3
    assert [c.text for c in four.rows[3].cells] == [c.text for c in report.four_cells()]
    # entered figures are said to be entered, with their source
    notes = [p.text for p in doc.paragraphs if p.style.name == "附注"]
    assert any("由工作人员填报" in n and "政务服务网" in n for n in notes)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_docx(report, tmp_path):
    source = tmp_path / "annual.docx"
    source.write_bytes(annual.docx_bytes(report))
    done = subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "annual.pdf").exists(), done.stdout + done.stderr  # Writer?
    pdf = (tmp_path / "out" / "annual.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_the_pdf_is_made_from_the_same_parts(report):
    pytest.importorskip("weasyprint")
    pdf = annual.pdf_bytes(report)
    assert pdf.startswith(b"%PDF-")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.split())
    for heading in SECTIONS:
        assert heading in compact
    assert "本列数据的勾稽关系" in compact and "未经复议直接起诉" in compact
