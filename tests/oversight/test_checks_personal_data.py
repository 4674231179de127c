"""Personal data in published text and attachments: the detectors in both directions (what
must be found, and the look-alikes that must not), and the text of real PDF, .docx and .xlsx
files."""

import io
from datetime import date

import pytest

from gongkai.oversight.indicators.attachment_text import extract_text
from gongkai.oversight.indicators.personal_data import (
    BANK_CARD,
    ID_NUMBER,
    MOBILE,
    credit_code_valid,
    id_number_valid,
    luhn_valid,
    scan_attachment_bytes,
    scan_text,
)

VALID_ID = "340802199003071230"  # GB 11643 check digit 0
VALID_ID_X = "11010519491231002X"
CARD = "6222021001123456789"  # 19 digits, Luhn valid
VISA = "4111111111111111"
MOBILE_NUMBER = "13912345678"
#: a 统一社会信用代码 of digits only that also passes Luhn: an organisation's public code
CREDIT_CODE = "913408000000000051"
TODAY = date(2026, 12, 1)


def kinds(text):
    return scan_text(text, today=TODAY).counts


def test_id_number_checksum_and_birth_date():
    assert id_number_valid(VALID_ID, TODAY)
    assert id_number_valid(VALID_ID_X, TODAY)
    assert id_number_valid(VALID_ID_X.lower(), TODAY)
    assert not id_number_valid("340802199003071231", TODAY)  # wrong check digit
    assert not id_number_valid("340802203001011233", TODAY)  # checksum fine, born in 2030
    assert not id_number_valid("340802199013011231", TODAY)  # checksum fine, month 13
    assert not id_number_valid("990802199003071238", TODAY)  # no province 99


def test_id_numbers_found_in_text_and_masked():
    hits = scan_text(f"申请人：张三，身份证号{VALID_ID}，另一人 {VALID_ID_X}。", today=TODAY)
    assert hits.counts == {ID_NUMBER: 2}
    assert hits.examples[ID_NUMBER] == ["3408************30", "1101************2X"]
    for example in hits.examples[ID_NUMBER]:
        assert VALID_ID not in example and VALID_ID_X not in example


def test_checksum_failing_id_is_not_reported():
    assert kinds("身份证号 340802199003071231") == {}


def test_luhn():
    assert luhn_valid(CARD) and luhn_valid(VISA)
    assert not luhn_valid("6222021001123456788")
    assert credit_code_valid(CREDIT_CODE) and luhn_valid(CREDIT_CODE)
    assert credit_code_valid("91340800123456789U")
    assert not credit_code_valid("91340800123456789V")


def test_bank_cards_found_plain_and_grouped():
    hits = scan_text(f"收款账号：{CARD}；卡号 4111 1111 1111 1111。", today=TODAY)
    assert hits.counts == {BANK_CARD: 2}
    assert hits.examples[BANK_CARD] == ["6222***********6789", "4111********1111"]


def test_luhn_failing_or_non_card_numbers_are_not_cards():
    assert kinds("卡号 6222021001123456788") == {}
    # a valid 18-digit credit code is an organisation's public identifier, not a bank card
    assert kinds(f"统一社会信用代码：{CREDIT_CODE}") == {}
    # date-prefixed serials start with 1 or 2: not card numbers even when Luhn holds
    assert luhn_valid("2026093000000019")
    assert kinds("流水号 2026093000000019") == {}


def test_mobile_numbers_found_with_separators():
    hits = scan_text(f"联系电话：{MOBILE_NUMBER}，或 139-1234-5679，或 150 0000 1111", today=TODAY)
    assert hits.counts == {MOBILE: 3}
    assert hits.examples[MOBILE][0] == "139******78"


@pytest.mark.parametrize(
    "text",
    [
        "皖政办〔2026〕13号 2026年9月30日",  # document number and date
        "索引号 11340802MB1234567X/2026-00012",  # index number with a credit code
        "订单编号 1391234567890123",  # a longer run of digits is a serial, not a phone
        "总投资 15000000000 元",  # an amount
        "合计 13912345678.50",  # a decimal amount
        "0.13912345678",
        "热线 12345，固定电话 0556-5512345",
        "脱敏号码 139****5678，身份证 340802********1230",
        "检查编号 JX13912345678",  # letters touch the number
    ],
)
def test_look_alikes_are_not_personal_data(text):
    assert kinds(text) == {}


def test_a_number_is_counted_once():
    # an ID number is not also a card or a phone number
    assert kinds(f"号码{VALID_ID}") == {ID_NUMBER: 1}


# --------------------------------------------------------------------------- files


def pdf_with(text: str) -> bytes:
    from gongkai.core.pdf import html_to_pdf, pdf_available

    if not pdf_available():  # pragma: no cover - WeasyPrint is a runtime dependency
        pytest.skip("WeasyPrint unavailable")
    return html_to_pdf(f"<h1>关于低保对象的公示</h1><p>{text}</p>")


def docx_with(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("关于低保对象的公示")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "张三"
    table.cell(0, 1).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_with(value) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号码", "金额"])
    sheet.append(["张三", value, 300])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_text_of_a_real_pdf():
    data = pdf_with(f"张三 身份证号码 {VALID_ID}")
    assert VALID_ID in extract_text("pdf", data)
    hits = scan_attachment_bytes("pdf", data)
    assert hits.counts == {ID_NUMBER: 1}


def test_text_of_a_docx_table():
    data = docx_with(f"手机 {MOBILE_NUMBER}")
    assert MOBILE_NUMBER in extract_text("docx", data)
    assert scan_attachment_bytes("docx", data).counts == {MOBILE: 1}


def test_text_of_an_xlsx_sheet_text_and_number_cells():
    assert scan_attachment_bytes("xlsx", xlsx_with(VALID_ID)).counts == {ID_NUMBER: 1}
    # a card number typed as a number (16 digits: Excel keeps 15 significant digits, a
    # longer number typed as a number is already corrupted in the file)
    assert scan_attachment_bytes("xlsx", xlsx_with(int(VISA))).counts == {BANK_CARD: 1}


def test_clean_files_have_no_findings():
    assert not scan_attachment_bytes("pdf", pdf_with("本次公示对象共 12 人，金额 300 元。"))
    assert not scan_attachment_bytes("docx", docx_with("已脱敏：139****5678"))
    assert not scan_attachment_bytes("xlsx", xlsx_with("3408**********1230"))


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def leaked_record(demo):
    """A record published through the workflow with three attachments, each holding personal
    data, and an ID number in its body: the reviewer ticked "不含个人隐私", as happens."""
    from gongkai.records import workflow
    from gongkai.records.models import Record
    from tests.conftest import org, user
    from tests.records.conftest import PASS_CHECKS, data, make_leaf

    housing = org(demo, "区住房和城乡建设局")
    editor, reviewer = user("yj_editor"), user("yj_reviewer")
    leaf = make_leaf(demo, "住房保障对象公示", organisations=[housing])
    record, _ = workflow.create_draft(
        editor,
        organisation=housing,
        catalogue_item=leaf,
        data=data(title="2026年公租房保障对象公示", body=f"<p>联系人：李四，{VALID_ID_X}</p>"),
    )
    workflow.add_attachments(
        editor,
        record,
        [
            ("保障对象名单.pdf", pdf_with(f"张三 身份证号码 {VALID_ID}"), ""),
            ("联系人.docx", docx_with(f"手机 {MOBILE_NUMBER}"), ""),
            ("补贴发放表.xlsx", xlsx_with(CARD), ""),
        ],
    )
    workflow.submit(editor, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, record)
    workflow.publish(reviewer, record)
    return Record.objects.get(pk=record.pk)


def test_gongkai_oversight_check_finds_personal_data_in_attachments(leaked_record):
    from django.core.management import call_command

    from gongkai.core.models import AuditEvent
    from gongkai.oversight.models import Finding, Severity

    out = io.StringIO()
    call_command("oversight", "check", "--site", "yingjiang", "--only", "personal_data", stdout=out)
    findings = Finding.objects.filter(site=leaked_record.site, check_code="personal_data")
    titles = sorted(f.title for f in findings)
    assert titles == [
        "“2026年公租房保障对象公示”正文含疑似居民身份证号码",
        "“2026年公租房保障对象公示”的附件“保障对象名单.pdf”含疑似居民身份证号码",
        "“2026年公租房保障对象公示”的附件“联系人.docx”含疑似手机号码",
        "“2026年公租房保障对象公示”的附件“补贴发放表.xlsx”含疑似银行卡号",
    ]
    assert {f.severity for f in findings} == {Severity.VETO}
    assert {f.organisation.name for f in findings} == {"区住房和城乡建设局"}
    pdf = findings.get(key__contains=":personal:id_number", key__startswith="attachment:")
    assert pdf.detail == "居民身份证号码 1 个（如 3408************30）"
    assert pdf.item_url == f"/staff/records/{leaked_record.pk}/"
    assert "单项否决 1 项" not in out.getvalue() and "单项否决 4 项" in out.getvalue()
    # never the full number: not in findings, the command's output or the audit log
    secrets = (VALID_ID, VALID_ID_X, MOBILE_NUMBER, CARD)
    stored = (
        " ".join(f"{f.title} {f.detail} {f.key} {f.item_url}" for f in Finding.objects.all())
        + out.getvalue()
    )
    events = " ".join(
        f"{e.object_repr} {e.message} {e.before} {e.after}"
        for e in AuditEvent.objects.filter(created_at__gte=leaked_record.published_at)
    )
    for secret in secrets:
        assert secret not in stored
        assert secret not in events


def test_fixed_attachment_resolves_the_finding(leaked_record):
    """A withdrawn record is no longer public: its findings are resolved at the next run."""
    from gongkai.oversight.checks import run_checks
    from gongkai.oversight.models import Finding
    from gongkai.records.models import Record, State

    run_checks(leaked_record.site, only=["personal_data"])
    assert Finding.objects.filter(resolved_at__isnull=True).count() == 4
    Record.objects.filter(pk=leaked_record.pk).update(state=State.WITHDRAWN)
    result = run_checks(leaked_record.site, only=["personal_data"])
    assert result.resolved == 4
    assert not Finding.objects.filter(resolved_at__isnull=True).exists()


def test_an_unreadable_attachment_is_a_warning_not_a_crash(demo, settings, tmp_path):
    import hashlib

    from django.core.files.base import ContentFile

    from gongkai.oversight.checks import run_checks
    from gongkai.oversight.models import Finding, Severity
    from gongkai.records.models import Attachment
    from tests.conftest import org
    from tests.oversight.checks_helpers import published

    settings.MEDIA_ROOT = tmp_path
    record = published(demo, org(demo, "区民政局"), title="救助名单", body="<p>见附件</p>")
    data = b"%PDF-1.7\nnot really a pdf"
    attachment = Attachment(
        record=record,
        name="名单.pdf",
        kind="pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save("x.pdf", ContentFile(data), save=False)
    attachment.save()
    result = run_checks(demo, only=["personal_data"])
    assert not result.failed
    (finding,) = Finding.objects.filter(site=demo)
    assert finding.severity == Severity.WARNING
    assert finding.title == "“救助名单”的附件“名单.pdf”无法读取，未能检查个人信息"
