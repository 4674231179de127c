"""Public application and tracking, staff pages, privacy, the API and the command."""

import json
import subprocess
import sys
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from docx import Document
from openapi_spec_validator import validate
from pypdf import PdfReader

from gongkai.core.pdf import pdf_available
from gongkai.foi.models import FoiRequest, FoiSettings, Outcome, State
from tests.conftest import user
from tests.foi.conftest import PDF, PNG, applicant

pytestmark = pytest.mark.django_db
D = date


def apply_data(housing, **overrides):
    data = applicant(organisation=housing.pk)
    data["id_copy"] = SimpleUploadedFile("id.png", PNG, content_type="image/png")
    data.update(overrides)
    return data


def test_guide_and_apply_form_render(client, housing):
    guide = client.get("/foi/").content.decode()
    assert "区政务公开办公室" in guide and "0556-5501234" in guide and "第三十三条" in guide
    form = client.get("/foi/apply/").content.decode()
    assert 'name="website"' in form and "csrfmiddlewaretoken" in form
    assert "区住房和城乡建设局" in form and "商业企业" in form and "法律服务机构" in form


def test_apply_gives_a_code_and_receipt(client, housing):
    response = client.post("/foi/apply/", apply_data(housing))
    assert response.status_code == 302 and response["Location"] == "/foi/apply/receipt/"
    req = FoiRequest.objects.get()
    assert req.channel == "online" and req.state == State.REGISTERED and req.due_date
    assert req.attachments.get().kind == "id_copy"
    receipt = client.get("/foi/apply/receipt/").content.decode()
    assert req.tracking_code_display in receipt and req.due_date.isoformat() in receipt


def test_apply_rejects_bad_input_with_chinese_messages(client, housing):
    response = client.post(
        "/foi/apply/",
        apply_data(
            housing,
            id_number="123",
            phone="abc",
            delivery="post",
            address="",
            id_copy=SimpleUploadedFile("id.png", b"not an image", content_type="image/png"),
        ),
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "居民身份证号码不正确" in text and "电话号码" in text and "通信地址" in text
    assert FoiRequest.objects.count() == 0
    legal = client.post("/foi/apply/", apply_data(housing, applicant_kind="legal"))
    assert "组织的类别" in legal.content.decode()
    upload = client.post(
        "/foi/apply/",
        apply_data(
            housing, id_copy=SimpleUploadedFile("id.png", b"GIF89a....", content_type="image/png")
        ),
    )
    assert "PDF、JPG、PNG" in upload.content.decode()
    assert FoiRequest.objects.count() == 0


def test_honeypot_and_rate_limit(client, housing):
    trapped = client.post("/foi/apply/", apply_data(housing, website="http://spam"))
    assert trapped.status_code == 400 and FoiRequest.objects.count() == 0
    for _ in range(4):
        client.post("/foi/apply/", apply_data(housing, phone="abc"))
    assert client.post("/foi/apply/", apply_data(housing)).status_code == 429


def test_tracking_needs_code_and_phone(client, make_request):
    req = make_request(received=D(2026, 4, 30))
    wrong_code = client.post("/foi/track/", {"code": "ABCD-EFGH-JKLM", "phone": req.phone})
    wrong_phone = client.post("/foi/track/", {"code": req.tracking_code, "phone": "13900000000"})
    right = client.post(
        "/foi/track/", {"code": req.tracking_code_display.lower(), "phone": "138-0013-8000"}
    )
    for response in (wrong_code, wrong_phone):
        text = response.content.decode()
        assert "查询码或联系电话不正确" in text
        assert req.serial not in text and "2026-06-01" not in text and "张三" not in text
    # the same answer whichever part was wrong (apart from the echoed input)
    strip = [b"ABCD-EFGH-JKLM", b"13900000000", req.tracking_code.encode(), req.phone.encode()]

    def shape(response):
        body = response.content
        for value in strip:
            body = body.replace(value, b"")
        return len(body.split(b"csrfmiddlewaretoken")[0])

    assert shape(wrong_code) == shape(wrong_phone)
    text = right.content.decode()
    assert req.serial in text and "2026-06-01" in text and "已登记" in text


def test_public_list_is_masked_and_optional(client, make_request, yingjiang):
    make_request(received=D(2026, 4, 30), name="王小明")
    assert client.get("/foi/requests/").status_code == 404
    FoiSettings.objects.create(site=yingjiang, public_list=True)
    text = client.get("/foi/requests/").content.decode()
    assert "王**" in text and "王小明" not in text and "13800138000" not in text
    assert "老旧小区" not in text


@pytest.fixture
def staff_client(client):
    def login(username):
        client.logout()
        client.force_login(user(username))
        return client

    return login


@override_settings(REQUIRE_2FA=False)
def test_other_organisations_editor_gets_404(staff_client, make_request, yingjiang, ouhai):
    req = make_request(received=D(2026, 4, 30))
    client = staff_client("yj_editor2")  # 民政局
    assert client.get(f"/staff/foi/{req.pk}/").status_code == 404
    assert client.get(f"/staff/foi/{req.pk}/letter.docx").status_code == 404
    assert (
        client.post(f"/staff/foi/{req.pk}/act/reply/", {"reply-on": "2026-05-06"}).status_code
        == 404
    )
    assert client.get(f"/api/v1/foi/cases/{req.pk}").status_code == 404
    assert client.get(f"/api/v1/foi/cases/{req.pk}/events").status_code == 404
    assert client.get("/api/v1/foi/cases").json() == []
    assert req.serial not in client.get("/staff/foi/").content.decode()
    client = staff_client("oh_admin")  # another site's office
    assert client.get(f"/staff/foi/{req.pk}/").status_code == 404
    client = staff_client("yj_evaluator")
    assert client.get(f"/staff/foi/{req.pk}/").status_code == 404
    for username in ("yj_editor", "yj_admin"):
        client = staff_client(username)
        assert client.get(f"/staff/foi/{req.pk}/").status_code == 200
        assert client.get(f"/api/v1/foi/cases/{req.pk}").json()["phone"] == "13800138000"
    client.logout()
    assert client.get(f"/api/v1/foi/cases/{req.pk}").status_code == 401


def shown(req, slug):
    """The case version an action form carries, as the case page would have rendered it."""
    return {f"{slug}-version": FoiRequest.objects.get(pk=req.pk).version}


@override_settings(REQUIRE_2FA=False)
def test_staff_handle_a_case_through_the_pages(staff_client, make_request, housing):
    req = make_request(received=D(2026, 4, 30))
    client = staff_client("yj_editor")
    page = client.get(f"/staff/foi/{req.pk}/").content.decode()
    assert "2026-06-01" in page and "跳过 2026-05-01" in page and "告知补正" in page
    bad = client.post(
        f"/staff/foi/{req.pk}/act/correction/",
        {**shown(req, "correction"), "correction-on": "2026-05-20", "correction-what": "补充"},
    )
    assert bad.status_code == 400 and "7 个工作日" in bad.content.decode()
    ok = client.post(
        f"/staff/foi/{req.pk}/act/consult/",
        {**shown(req, "consult"), "consult-on": "2026-05-08", "consult-party": "某公司"},
    )
    assert ok.status_code == 302
    page = client.get(f"/staff/foi/{req.pk}/").content.decode()
    assert "征求意见中" in page and "2026-05-28" in page  # the third party's 15 working days
    client.post(
        f"/staff/foi/{req.pk}/act/consulted/",
        {**shown(req, "consulted"), "consulted-on": "2026-05-20"},
    )
    client.post(
        f"/staff/foi/{req.pk}/act/extend/",
        {
            **shown(req, "extend"),
            "extend-on": "2026-06-01",
            "extend-days": "10",
            "extend-approver": "主任",
            "extend-reason": "多",
        },
    )
    req.refresh_from_db()
    assert req.state == State.EXTENDED and req.due_date == D(2026, 6, 29)
    again = client.post(
        f"/staff/foi/{req.pk}/act/extend/",
        {
            **shown(req, "extend"),
            "extend-on": "2026-06-02",
            "extend-days": "5",
            "extend-approver": "主任",
            "extend-reason": "x",
        },
    )
    assert again.status_code == 400 and "不能进行" in again.content.decode()
    client.post(
        f"/staff/foi/{req.pk}/act/reply/",
        {
            **shown(req, "reply"),
            "reply-on": "2026-06-10",
            "reply-outcome": "2",
            "reply-reason": "隐私部分遮盖",
        },
    )
    req.refresh_from_db()
    assert req.outcome == Outcome.PARTIAL
    letter = client.get(f"/staff/foi/{req.pk}/letter.docx")
    assert letter.status_code == 200
    import io

    text = "\n".join(p.text for p in Document(io.BytesIO(letter.content)).paragraphs)
    assert "第三十七条" in text and "区住房和城乡建设局" in text and "六个月内向人民法院" in text
    pdf = client.get(f"/staff/foi/{req.pk}/letter.pdf")
    if pdf_available():
        assert pdf.status_code == 200
        reader = PdfReader(io.BytesIO(pdf.content))
        pdf_text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
        assert "政府信息公开申请答复告知书" in pdf_text and "第三十七条" in pdf_text
    else:  # no Pango on this machine: a clear message, the Word letter still offered
        assert pdf.status_code == 302
        assert "Word 版" in client.get(pdf["Location"]).content.decode()
    appeal = client.post(
        f"/staff/foi/{req.pk}/appeals/",
        {"appeal-kind": "reconsideration", "appeal-filed_on": "2026-07-01"},
    )
    assert appeal.status_code == 302 and req.appeals.count() == 1
    stats = client.get("/staff/foi/statistics/?year=2026").content.decode()
    assert "勾稽关系成立" in stats and "结转下年度继续办理" in stats


@override_settings(REQUIRE_2FA=False)
def test_workbench_panel_counts_due_this_week_and_overdue(make_request, rf, monkeypatch):
    from django.template.loader import render_to_string

    from gongkai.core.extensions import workbench_panels
    from gongkai.foi import staff_views

    assert staff_views.workbench_panel in workbench_panels
    make_request(received=D(2026, 4, 30))  # due 2026-06-01
    make_request(received=D(2026, 10, 9))  # due 2026-11-06
    monkeypatch.setattr(staff_views.timezone, "localdate", lambda: D(2026, 5, 27))
    request = rf.get("/staff/")
    request.user = user("yj_editor")
    template, panel = staff_views.workbench_panel(request)
    assert panel["week"] == 0 and panel["overdue"] == 0
    monkeypatch.setattr(staff_views.timezone, "localdate", lambda: D(2026, 6, 1))
    template, panel = staff_views.workbench_panel(request)
    assert panel == {"week": 1, "overdue": 0, "open": 2}
    monkeypatch.setattr(staff_views.timezone, "localdate", lambda: D(2026, 11, 20))
    template, panel = staff_views.workbench_panel(request)
    assert panel["overdue"] == 2
    assert "待办申请" in render_to_string(template, {"panel": panel})
    request.user = user("yj_deputy")
    assert staff_views.workbench_panel(request) is None


@override_settings(REQUIRE_2FA=False)
def test_staff_register_a_letter_with_art31_receipt_date(staff_client, housing):
    client = staff_client("yj_editor")
    data = applicant(
        organisation=housing.pk,
        channel="letter",
        submitted_on="2026-05-06",
        mail_signed="on",
        signed_on="2026-05-08",
        scan=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
    )
    response = client.post("/staff/foi/register/", data)
    assert response.status_code == 302
    req = FoiRequest.objects.get()
    assert req.received_on == D(2026, 5, 8) and "签收" in req.receipt_basis
    assert req.attachments.get().kind == "scan"
    data["signed_on"] = ""
    data["scan"] = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    missing = client.post("/staff/foi/register/", data)
    assert missing.status_code == 200 and "签收日期" in missing.content.decode()


@override_settings(REQUIRE_2FA=False)
def test_api_events_and_actions(staff_client, make_request):
    req = make_request(received=D(2026, 4, 30))
    client = staff_client("yj_editor")
    cases = client.get("/api/v1/foi/cases").json()
    assert [c["serial"] for c in cases] == [req.serial]
    detail = client.get(f"/api/v1/foi/cases/{req.pk}").json()
    assert detail["due_date"] == "2026-06-01" and "2026-05-01" in detail["due_explanation"]
    response = client.post(
        f"/api/v1/foi/cases/{req.pk}/events",
        json.dumps({"action": "extended", "date": "2026-05-20", "days": 25, "approver": "主任"}),
        content_type="application/json",
    )
    assert response.status_code == 409 and "20" in response.json()["detail"]
    response = client.post(
        f"/api/v1/foi/cases/{req.pk}/events",
        json.dumps({"action": "replied", "date": "2026-05-20", "outcome": "1"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == "replied"
    events = client.get(f"/api/v1/foi/cases/{req.pk}/events").json()
    assert [e["kind"] for e in events] == ["received", "replied"]


def test_api_tracking(client, make_request):
    req = make_request(received=D(2026, 4, 30))
    url = "/api/v1/foi/track"
    wrong = client.post(
        url, {"code": req.tracking_code, "phone": "1"}, content_type="application/json"
    )
    unknown = client.post(
        url, {"code": "XXXXXXXXXXXX", "phone": req.phone}, content_type="application/json"
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    ok = client.post(
        url, {"code": req.tracking_code, "phone": req.phone}, content_type="application/json"
    )
    body = ok.json()
    assert body["serial"] == req.serial and body["due_date"] == "2026-06-01"
    assert "phone" not in body and "name" not in json.dumps(body, ensure_ascii=False).replace(
        '"name"', ""
    )


def test_openapi_document_stays_valid(client):
    spec = client.get("/api/v1/openapi.json").json()
    validate(spec)
    assert (
        "/api/v1/foi/track" in spec["paths"]
        and "/api/v1/foi/cases/{case_id}/events" in spec["paths"]
    )


def run_command(*args):
    return subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "foi", "due", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_due_command():
    result = run_command(
        "--received",
        "2026-04-30",
        "--event",
        "pause:2026-05-08",
        "--event",
        "resume:2026-05-20",
        "--event",
        "extension:2026-06-01:10",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-06-29" and "端午节" in result.stdout
    corrected = run_command(
        "--received",
        "2026-03-02",
        "--event",
        "correction-asked:2026-03-04",
        "--event",
        "correction-received:2026-03-20",
    )
    assert corrected.stdout.splitlines()[0] == "2026-04-20"
    december = run_command("--received", "2026-12-15")
    assert december.returncode == 0 and december.stdout.splitlines()[0] == "2027-01-13"
    assert "暂定" in december.stdout
    default_extension = run_command("--received", "2026-04-30", "--event", "extension:2026-05-20")
    assert default_extension.stdout.splitlines()[0] == "2026-06-30"


@pytest.mark.parametrize(
    "args,message",
    [
        (["--received", "2026-02-30"], "日期"),
        (["--received", "2026-04-30", "--event", "lunch:2026-05-01"], "类型"),
        (["--received", "2026-04-30", "--event", "extension:2026-05-06:30"], "1 至 20"),
        (
            [
                "--received",
                "2026-04-30",
                "--event",
                "extension:2026-05-06",
                "--event",
                "extension:2026-05-07",
            ],
            "一次",
        ),
        (["--received", "2026-04-30", "--event", "pause"], "缺少日期"),
        (["--received", "2026-04-30", "--event", "pause:2026-04-01"], "早于"),
    ],
)
def test_due_command_bad_input(args, message):
    result = run_command(*args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
