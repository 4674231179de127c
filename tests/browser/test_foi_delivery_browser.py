"""依申请公开 delivered online, end to end in Chromium: an applicant applies choosing e-mail
delivery, corrects online after a 补正 notice, staff answer with a released document, the
applicant downloads the letter and the document from the tracking page, and the reply e-mail
written to the mail directory carries them."""

import email
import io
import re
from email import policy

import pytest
from pypdf import PdfReader

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.records.files import pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = png_bytes()
RELEASED = pdf_bytes(author="区住建局")
TEL = "13912345678"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def demo_site(transactional_db):
    from gongkai.core.demo import load_demo

    load_demo()


@pytest.fixture
def mail_dir(settings, tmp_path):
    """The file mail backend the demo uses (var/mail), in this test's own directory."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return tmp_path / "mail"


def read_mails(folder) -> list:
    """Every message the file backend wrote (one or more per file, each ended by a line of
    79 dashes), parsed back with the standard library."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=policy.default))
    return messages


def track(page, code: str) -> None:
    page.goto("/foi/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("申请时填写的联系电话").fill(TEL)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()


def act(staff, heading: str, fields: dict, files: dict | None = None):
    form = staff.locator(f"form:has(h3:text-is('{heading}'))")
    for label, value in fields.items():
        field = form.get_by_label(label)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    for label, payload in (files or {}).items():
        form.get_by_label(label).set_input_files(payload)
    form.get_by_role("button", name=heading, exact=True).click()
    staff.wait_for_load_state()
    assert "已完成" in staff.content(), staff.locator(".form-errors").all_inner_texts()


def test_request_delivered_online_and_by_email(demo_site, browser, live_server, settings, mail_dir):
    settings.REQUIRE_2FA = False
    from gongkai.core.demo import DEMO_PASSWORD
    from gongkai.foi.models import AttachmentKind, EventKind, FoiRequest

    applicant_context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", base_url=live_server.url, accept_downloads=True
    )
    applicant = applicant_context.new_page()
    # --- apply, choosing e-mail delivery
    applicant.goto("/foi/apply/")
    applicant.get_by_label("向哪个机关申请").select_option(label="区住房和城乡建设局")
    applicant.get_by_label("自然人").check()
    applicant.get_by_label("姓名").fill("李四")
    applicant.get_by_label("证件号码").fill("11010519491231002X")
    applicant.get_by_label("联系电话").fill(TEL)
    applicant.get_by_label("电子邮箱").fill("lisi@example.com")
    applicant.get_by_label("所需信息的内容描述").fill("请公开本区老旧小区改造项目的资金安排。")
    applicant.locator("fieldset:has(legend:text('获取信息的方式'))").get_by_label(
        "电子邮件"
    ).check()
    applicant.get_by_label("身份证明（复印件或照片）").set_input_files(
        {"name": "id.png", "mimeType": "image/png", "buffer": PNG}
    )
    applicant.get_by_role("button", name="提交申请").click()
    applicant.wait_for_url("**/foi/apply/receipt/")
    code = applicant.get_by_test_id("tracking-code").inner_text()
    case = FoiRequest.objects.get()
    assert case.delivery == "email"

    # --- staff ask for a correction
    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = staff_context.new_page()
    staff.goto("/staff/login/")
    staff.get_by_label("账号").fill("yj_editor")
    staff.get_by_label("密码").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="登录").click()
    staff.wait_for_url("**/staff/")
    staff.goto(f"/staff/foi/{case.pk}/")
    act(staff, "告知补正", {"需要补正的事项": "请写明项目名称或文号"})

    # --- the applicant corrects online, with text and a file
    track(applicant, code)
    assert applicant.get_by_test_id("state").inner_text() == "待补正"
    form = applicant.get_by_test_id("correction-form")
    assert "请写明项目名称或文号" in form.inner_text()
    with applicant.expect_download() as got:
        form.get_by_role("link", name="PDF 版").click()
    assert got.value.suggested_filename == f"补正告知书-{case.serial}.pdf"
    assert_accessible(applicant, "correction form 1280")
    form.get_by_label("补正说明").fill("项目为迎江区2025年老旧小区改造一期工程。")
    form.get_by_label("补正材料（选填）").set_input_files(
        {"name": "项目批文.png", "mimeType": "image/png", "buffer": PNG}
    )
    form.get_by_role("button", name="提交补正").click()
    applicant.wait_for_url("**/foi/track/")
    assert "已收到您的补正" in applicant.content()
    assert applicant.get_by_test_id("state").inner_text() == "办理中"
    assert applicant.get_by_test_id("correction-form").count() == 0
    corrections = case.attachments.filter(kind=AttachmentKind.CORRECTION)
    assert sorted(a.original_name for a in corrections) == ["补正说明.txt", "项目批文.png"]

    # --- staff answer with a released document
    staff.goto(f"/staff/foi/{case.pk}/")
    assert "收到补正" in staff.locator(".timeline").inner_text()
    act(
        staff,
        "答复",
        {"办理结果": "予以公开"},
        {
            "公开的政府信息（选填）": {
                "name": "资金安排表.pdf",
                "mimeType": "application/pdf",
                "buffer": RELEASED,
            }
        },
    )

    # --- the applicant downloads the letter and the document from the tracking page
    track(applicant, code)
    downloads = applicant.get_by_test_id("downloads")
    assert_accessible(applicant, "downloads 1280")
    with applicant.expect_download() as got:
        downloads.get_by_role("link", name="PDF 版").click()
    letter_pdf = got.value.path().read_bytes()
    assert got.value.suggested_filename == f"答复告知书-{case.serial}.pdf"
    assert "答复告知书" in PdfReader(io.BytesIO(letter_pdf)).pages[0].extract_text()
    with applicant.expect_download() as got:
        downloads.get_by_role("link", name="资金安排表.pdf").click()
    assert got.value.path().read_bytes() == RELEASED

    # a browser that never showed the code and phone gets the Chinese 403, not the file
    stranger = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    response = stranger.goto("/foi/track/letter.pdf")
    assert response.status == 403 and "重新输入查询码和联系电话" in stranger.content()
    stranger.context.close()

    # --- staff see what was delivered, how and when
    staff.goto(f"/staff/foi/{case.pk}/")
    log = staff.get_by_test_id("delivery-log").inner_text()
    assert "电子邮件发送“您的政府信息公开申请已经答复”" in log
    assert "申请人从查询页面下载答复告知书（PDF 版）" in log
    assert "申请人从查询页面下载公开的文件“资金安排表.pdf”" in log
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 申请人下载", log)
    assert_accessible(staff, "staff case with delivery log")
    assert case.events.filter(kind=EventKind.DOWNLOADED).count() == 3  # 补正告知书 too

    # --- the reply e-mail in the mail directory carries the letter and the document
    mails = read_mails(mail_dir)
    notice = next(m for m in mails if "请补正" in m["Subject"])
    body = notice.get_body(preferencelist=("plain",)).get_content()
    assert "/foi/track/" in body and "在线提交补正" in body
    notice_pdf = next(p for p in notice.iter_attachments() if p.get_filename().endswith(".pdf"))
    assert notice_pdf.get_filename() == f"补正告知书-{case.serial}.pdf"
    notice_text = PdfReader(io.BytesIO(notice_pdf.get_content())).pages[0].extract_text()
    assert "补正告知书" in notice_text and "请写明项目名称或文号" in notice_text.replace("\n", "")
    reply = next(m for m in mails if "已经答复" in m["Subject"])
    assert reply["To"] == "lisi@example.com"
    parts = {part.get_filename(): part for part in reply.iter_attachments()}
    assert set(parts) == {
        f"答复告知书-{case.serial}.pdf",
        f"答复告知书-{case.serial}.docx",
        "资金安排表.pdf",
    }
    mailed_pdf = parts[f"答复告知书-{case.serial}.pdf"]
    assert mailed_pdf.get_content_type() == "application/pdf"
    reader = PdfReader(io.BytesIO(mailed_pdf.get_content()))
    assert len(reader.pages) >= 1 and "答复告知书" in reader.pages[0].extract_text()
    assert mailed_pdf.get_content() == letter_pdf  # the same letter as downloaded
    assert parts[f"答复告知书-{case.serial}.docx"].get_content_type() == DOCX
    assert parts["资金安排表.pdf"].get_content() == RELEASED
    applicant_context.close()
    staff_context.close()


def _cases():
    """One case waiting for a correction, one answered with a released document."""
    from datetime import timedelta

    from django.utils import timezone

    from gongkai.core.models import Site
    from gongkai.core.permissions import SYSTEM
    from gongkai.foi import workflow
    from gongkai.foi.models import Channel, Outcome
    from tests.conftest import org
    from tests.foi.conftest import Upload, applicant

    housing = org(Site.objects.get(slug="yingjiang"), "区住房和城乡建设局")
    today = timezone.localdate()

    def register(day):
        return workflow.register(
            organisation=housing,
            applicant=applicant(phone=TEL),
            channel=Channel.IN_PERSON,
            submitted_on=day,
            actor=SYSTEM,
        )

    asked = register(today - timedelta(days=1))
    asked = workflow.ask_correction(asked, on=today, what="写明文号", actor=SYSTEM)
    done = register(today)
    workflow.reply(
        done,
        on=today,
        outcome=Outcome.DISCLOSED,
        files=[Upload(RELEASED, "资金安排表.pdf")],
        actor=SYSTEM,
    )
    return asked, done


@pytest.mark.parametrize("elder", [False, True])
def test_tracking_page_with_correction_and_downloads_is_accessible(
    demo_site, browser, live_server, elder
):
    """The new parts of the tracking page at 1280 and 375 px, normal and 长辈版."""
    asked, done = _cases()
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        if elder:
            context.add_cookies([{"name": "gk_elder", "value": "1", "url": live_server.url}])
        page = context.new_page()
        for case, part in ((asked, "correction-form"), (done, "downloads")):
            track(page, case.tracking_code)
            assert page.get_by_test_id(part).count() == 1
            assert_accessible(page, f"{part} {viewport['width']}px elder={elder}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{part} scrolls sideways at {viewport['width']}"
        context.close()


def test_online_correction_and_download_work_without_javascript(demo_site, browser, live_server):
    from gongkai.foi.models import State

    asked, done = _cases()
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, accept_downloads=True
    )
    page = context.new_page()
    track(page, asked.tracking_code)
    page.get_by_label("补正说明").fill("文号为迎建〔2025〕12号")
    page.get_by_label("补正材料（选填）").set_input_files(
        {"name": "批文.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_load_state()
    asked.refresh_from_db()
    assert asked.state == State.IN_HANDLING, page.locator(".form-errors").all_inner_texts()
    assert "已收到您的补正" in page.content()
    track(page, done.tracking_code)
    with page.expect_download() as got:
        page.get_by_role("link", name="资金安排表.pdf").click()
    assert got.value.path().read_bytes() == RELEASED
    context.close()
