"""The reply letter in the official-document format (GB/T 9704-2012): A4 with the standard
margins, 仿宋 styles with East Asian font names, 成文日期 without leading zeros, the applicant
addressed as the applicant is, and no page holding only the signature and date. The PDF is
read back with pypdf; the .docx is converted by headless LibreOffice and read the same way."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from gongkai.core.permissions import SYSTEM
from gongkai.core.workcalendar import document_date
from gongkai.foi import letters, workflow
from gongkai.foi.models import Outcome

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
REPLIED = date(2026, 12, 1)


def _replied(make_request, reason="涉及个人隐私部分已遮盖。", **applicant):
    req = make_request(received=date(2026, 11, 2), today=REPLIED, **applicant)
    return workflow.reply(req, on=REPLIED, outcome=Outcome.PARTIAL, reason=reason, actor=SYSTEM)


def _check_pdf(data: bytes, parts: dict) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() or "" for page in reader.pages]
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1
    text = "".join(pages).replace(" ", "").replace("\n", "")
    assert "2026年12月1日" in text and "2026年12月01日" not in text
    assert "2026年11月2日" in text
    # The last page holds the signature and date and more: text of the closing paragraph.
    last = pages[-1].replace(" ", "").replace("\n", "")
    assert parts["organ"] in last and parts["date"] in last
    rest = last
    for key in ("organ", "date", "contact"):
        rest = rest.replace(parts[key].replace(" ", ""), "")
    rest = rest.replace("（", "").replace("）", "")
    assert "第五十一条" in rest, f"last page holds only the signature: {last!r}"
    return pages


def test_document_date_has_no_leading_zeros():
    assert document_date(date(2026, 12, 1)) == "2026年12月1日"
    assert document_date(date(2026, 1, 9)) == "2026年1月9日"


def test_addressee_is_the_applicant_as_the_applicant_is(make_request):
    person = letters.letter_paragraphs(_replied(make_request))
    assert person["salutation"] == "张三："
    assert "收到您提出" in person["intro"] and "您（单位）" not in person["intro"]
    company = letters.letter_paragraphs(
        _replied(
            make_request,
            applicant_kind="legal",
            org_category="business",
            org_name="安庆某某建材有限公司",
            credit_code="91340800MA2N0XXX1A",
        )
    )
    assert company["salutation"] == "安庆某某建材有限公司："
    assert "收到贵单位提出" in company["intro"]
    assert "您" not in company["intro"] + company["decision"]


def test_pdf_is_a4_with_the_date_and_never_the_signature_alone(make_request):
    # The decision grows a line at a time over a page, so one of these letters has its page
    # break exactly where the signature would otherwise stand alone.
    page_counts = set()
    for lines in range(1, 24):
        req = _replied(make_request, reason="不予公开部分的理由说明。" * (lines * 28 // 12))
        parts = letters.letter_paragraphs(req)
        pages = _check_pdf(letters.reply_letter_pdf(req), parts)
        page_counts.add(len(pages))
    assert len(page_counts) >= 2


def test_docx_is_a4_with_the_styles_and_margins(make_request):
    doc = Document(io.BytesIO(letters.reply_letter_docx(_replied(make_request))))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.right_margin.mm) == 26 and round(section.bottom_margin.mm) == 35
    for name in ("Normal", "正文", "主送机关", "发文机关署名", "成文日期"):
        fonts = doc.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in ("仿宋", "FangSong"), name
        assert doc.styles[name].font.size.pt == 16
    assert doc.styles["标题"].font.size.pt == 22
    assert doc.styles["一级标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert doc.styles["Normal"].paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.1)
    used = [p.style.name for p in doc.paragraphs]
    assert used[:3] == ["标题", "发文字号", "主送机关"] and "成文日期" in used
    assert "2026年12月1日" in [p.text for p in doc.paragraphs]


def test_docx_through_libreoffice_keeps_the_format(make_request, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("本机未安装 LibreOffice（soffice），无法检查 .docx 的排版")
    expected = {}
    for lines in range(1, 24, 2):
        req = _replied(make_request, reason="不予公开部分的理由说明。" * (lines * 28 // 12))
        (tmp_path / f"letter{lines}.docx").write_bytes(letters.reply_letter_docx(req))
        expected[lines] = letters.letter_paragraphs(req)
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *sorted(str(p) for p in tmp_path.glob("*.docx")),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    made = sorted(p.name for p in tmp_path.glob("*.pdf"))
    # soffice exits 0 without output when its Writer component is missing
    assert len(made) == len(expected), done.stdout + done.stderr
    page_counts = set()
    for lines, parts in expected.items():
        pages = _check_pdf((tmp_path / f"letter{lines}.pdf").read_bytes(), parts)
        page_counts.add(len(pages))
    assert len(page_counts) >= 2
