"""The staff handbook's screenshots (docs/handbook/), taken while each role walks its daily path
on a live server with the demo data: logging in with the second factor, drafting and submitting
a record, reviewing and scheduling it, adjusting the catalogue and configuring the office,
handling a request from receipt to delivery.

Each walk asserts what a user would see at each step (so a broken page fails here, not in the
handbook) and that it wrote exactly the images the registry (handbook_shots.SHOTS) gives it, each
a valid PNG 1280 px wide. `make handbook` writes them into docs/handbook/img/."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from tests.browser.handbook_shots import SHOTS, WIDTH, output_dir, shots_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": WIDTH, "height": 900}
MAX_HEIGHT = 1100  # keeps each image readable in the handbook and the repository small
PAD = 16


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo sites with their catalogue, records and requests, as `gongkai demo` loads them;
    the production default for the second factor."""
    from gongkai.core.demo import load_app_demos, load_demo

    settings.REQUIRE_2FA = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    load_demo()
    load_app_demos()


@pytest.fixture
def camera(settings):
    """Takes the registry's shots; at the end checks a walk took exactly its own."""
    return Camera(output_dir(settings.VAR_DIR / "handbook-shots"))


class Camera:
    def __init__(self, directory):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.taken: list[str] = []

    def shoot(self, page, name: str, focus=None, top=None, height: int | None = None) -> None:
        """A 1280 px wide image of the page: from the top (or from `top`, a locator), or around
        `focus` (a locator), at most MAX_HEIGHT tall. Written palette-quantised: small files."""
        assert name in SHOTS, f"{name} is not in handbook_shots.SHOTS"
        assert name not in self.taken, f"{name} taken twice"
        page.wait_for_load_state("networkidle")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        # the site footer is the same on every page: images end above it
        total = page.evaluate(
            "() => { const f = document.querySelector('body > footer, footer.site-footer');"
            " return f ? f.getBoundingClientRect().top + window.scrollY"
            " : document.documentElement.scrollHeight; }"
        )
        if focus is not None:
            focus.first.scroll_into_view_if_needed()
            box = page.evaluate(
                "e => { const r = e.getBoundingClientRect();"
                " return [r.top + window.scrollY, r.height]; }",
                focus.first.element_handle(),
            )
            y, h = max(0, box[0] - PAD), box[1] + 2 * PAD
        elif top is not None:
            y = max(0, page.evaluate(
                "e => e.getBoundingClientRect().top + window.scrollY", top.first.element_handle()
            ) - PAD)  # fmt: skip
            h = total - y
        else:
            y, h = 0, total
        h = min(h, height or MAX_HEIGHT, total - y)
        png = page.screenshot(
            full_page=True, clip={"x": 0, "y": y, "width": WIDTH, "height": max(h, 1)}
        )
        image = Image.open(io.BytesIO(png)).convert("RGB")
        target = self.directory / f"{name}.png"
        image.quantize(colors=128, dither=Image.Dither.NONE).save(target, optimize=True)
        self.taken.append(name)

    def check(self, walk: str) -> None:
        assert set(self.taken) == shots_for(walk), (
            f"{walk}: taken {sorted(self.taken)}, registry {sorted(shots_for(walk))}"
        )
        for name in self.taken:
            path = self.directory / f"{name}.png"
            with Image.open(path) as image:
                image.verify()
            with Image.open(path) as image:
                assert image.format == "PNG" and image.width == WIDTH, (name, image.size)
                assert 100 <= image.height <= MAX_HEIGHT, (name, image.size)


def totp_code(username: str) -> str:
    """What the user's authenticator app shows now (RFC 6238, from the device's secret)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).latest("pk")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)


def login(browser, live_server, username, camera=None):
    """Password, then the second factor: enrolment on a first login (the test reads the secret
    the page shows, as the user's app would), the 6-digit code on later ones."""
    from gongkai.core.demo import DEMO_PASSWORD

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/staff/login/")
    assert page.get_by_role("heading", name="工作人员登录").is_visible()
    if camera:
        page.get_by_label("账号").fill(username)
        camera.shoot(page, "login")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/2fa/**")
    assert page.get_by_role("heading", name="双因素认证").is_visible()
    enrolling = page.get_by_role("img", name="验证器绑定二维码").count() == 1
    if camera:
        assert enrolling
        camera.shoot(page, "two-factor-enrol")
    page.get_by_label("6位验证码").fill(totp_code(username))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/staff/")
    return page


def nav(page, label: str):
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=label).last.click()
    page.wait_for_load_state()


def shows(page, text: str) -> bool:
    return text in page.locator("main").inner_text()


# ----------------------------------------------------------------------------------- 总览


def test_overview(demo, browser, live_server, camera):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongkai.core.demo import DEMO_PASSWORD

    editor = login(browser, live_server, "yj_editor", camera)
    assert editor.get_by_role("heading", name="工作台", level=1).is_visible()
    assert shows(editor, "区住房和城乡建设局") and shows(editor, "经办人")
    assert shows(editor, "我的草稿")
    camera.shoot(editor, "workbench")
    assert TOTPDevice.objects.get(user__username="yj_editor").confirmed

    # the next login asks only for the code
    editor.context.clear_cookies()
    editor.goto("/staff/login/")
    editor.get_by_label("账号").fill("yj_editor")
    editor.get_by_label("密码").fill(DEMO_PASSWORD)
    editor.get_by_role("button", name="登录").click()
    editor.wait_for_url("**/staff/2fa/**")
    assert shows(editor, "请输入验证器应用显示的6位验证码")
    assert editor.get_by_role("img", name="验证器绑定二维码").count() == 0
    camera.shoot(editor, "two-factor-verify")
    camera.check("overview")


# ----------------------------------------------------------------------------------- 信息发布员


def _editor_leaf():
    from gongkai.core.models import User
    from gongkai.records import workflow

    return workflow.leaf_items_for(User.objects.get(username="yj_editor")).first()


def test_editor(demo, browser, live_server, camera, tmp_path):
    from django.utils import timezone

    from gongkai.core.models import User
    from gongkai.records import workflow
    from gongkai.records.models import Kind, Record
    from tests.records.files import png_bytes

    leaf = _editor_leaf()
    editor = login(browser, live_server, "yj_editor")
    nav(editor, "信息发布")
    assert editor.get_by_role("heading", name="信息发布", level=1).is_visible()
    assert shows(editor, "本机构信息")
    camera.shoot(editor, "editor-records")

    editor.get_by_role("link", name="新建信息").first.click()
    editor.wait_for_url("**/staff/records/new/")
    title = "关于城区人民路供水管网改造期间临时停水的通告"
    editor.get_by_label("公开事项（目录末级）").select_option(str(leaf.pk))
    editor.get_by_label("信息类别").select_option(label="通知公告")
    editor.get_by_role("textbox", name="标题", exact=True).fill(title)
    editor.get_by_label("文号").fill("迎建〔2026〕12号")
    formed = timezone.localdate() - timedelta(days=2)
    editor.get_by_label("成文日期").fill(formed.isoformat())
    editor.get_by_label("形成/变更日期").fill(formed.isoformat())
    area = editor.locator("[contenteditable=true]").first
    area.click()
    editor.keyboard.type("因人民路供水管网改造，12月8日8:00至20:00人民路沿线停水。")
    editor.keyboard.press("Enter")
    editor.keyboard.type("请沿线居民提前储水。咨询电话：0556-5512345。")
    camera.shoot(editor, "editor-new", top=editor.get_by_role("heading", name="新建信息"))
    body_label = editor.locator("label", has_text=re.compile("^正文"))
    camera.shoot(editor, "editor-body", top=body_label)
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url(re.compile(r".*/staff/records/\d+/$"))
    record = Record.objects.get(title=title)
    assert record.state == "draft" and record.document_number == "迎建〔2026〕12号"
    assert record.due_date is not None
    editor.get_by_text("期限是怎么算的").click()
    assert shows(editor, record.due_date.isoformat())
    camera.shoot(editor, "editor-draft", top=editor.get_by_role("heading", name=title))

    image = tmp_path / "停水范围示意图.png"
    image.write_bytes(png_bytes())
    editor.get_by_label("上传附件").set_input_files(str(image))
    editor.get_by_label("图片替代文本（上传图片时必填）").fill("人民路停水范围示意图")
    camera.shoot(editor, "editor-attachment", focus=editor.locator("section.actions"))
    with editor.expect_navigation():
        editor.get_by_role("button", name="上传", exact=True).click()
    assert shows(editor, "停水范围示意图.png")
    assert record.attachments.count() == 1

    editor.get_by_role("button", name="提交审核").click()
    editor.wait_for_load_state()
    assert shows(editor, "已提交审核")
    record.refresh_from_db()
    assert record.state == "submitted"
    camera.shoot(editor, "editor-submitted", height=700)

    # the reviewer sends it back with a reason (the reviewer's page is in test_reviewer)
    reviewer = User.objects.get(username="yj_reviewer")
    workflow.return_record(reviewer, record, "请补充停水期间的临时供水点位置。")
    editor.goto(f"/staff/records/{record.pk}/edit/")
    assert shows(editor, "退回意见：请补充停水期间的临时供水点位置。")
    camera.shoot(editor, "editor-returned", height=560)

    # an interpretation names the policy it explains (同步解读)
    editor.goto("/staff/records/new/")
    editor.get_by_label("信息类别").select_option(label="政策解读")
    policy = Record.objects.filter(kind=Kind.POLICY, site__slug="yingjiang").first()
    assert policy is not None
    editor.get_by_label("所解读的政策", exact=True).select_option(str(policy.pk))
    editor.get_by_label("解读形式").select_option(label="图解")
    policy_label = editor.locator("label", has_text="所解读的政策")
    camera.shoot(editor, "editor-interpretation", top=policy_label, height=420)

    nav(editor, "信息发布")
    editor.get_by_role("navigation", name="信息发布").get_by_role("link", name="公开期限").click()
    editor.wait_for_url("**/staff/records/duties/")
    assert shows(editor, "第二十六条")
    camera.shoot(editor, "editor-duties")
    camera.check("editor")


# ----------------------------------------------------------------------------------- 审核员


def _submitted(title: str, number: str = ""):
    from django.utils import timezone

    from gongkai.core.models import Organisation, User
    from gongkai.records import workflow

    editor = User.objects.get(username="yj_editor")
    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    record, _ = workflow.create_draft(
        editor,
        organisation=housing,
        catalogue_item=_editor_leaf(),
        data={
            "title": title,
            "document_number": number,
            "kind": "notice",
            "formed_on": timezone.localdate() - timedelta(days=1),
            "body": "<p>" + title + "。</p>",
            "subject": "09",
            "genre": "通知",
            "disclosure": "proactive",
        },
    )
    workflow.submit(editor, record)
    return record


def test_reviewer(demo, browser, live_server, camera):
    from django.utils import timezone

    first = _submitted("关于城区燃气管道安全检查的通知", "迎建〔2026〕13号")
    second = _submitted("滨江公园夜间照明改造完工公示")
    reviewer = login(browser, live_server, "yj_reviewer")
    nav(reviewer, "信息发布")
    reviewer.get_by_role("navigation", name="信息发布").get_by_role("link", name="审核队列").click()
    reviewer.wait_for_url("**/staff/records/review/")
    assert reviewer.get_by_role("link", name=first.title).is_visible()
    camera.shoot(reviewer, "reviewer-queue")

    reviewer.get_by_role("link", name=second.title).click()
    reviewer.get_by_label("退回意见").fill("公示应写明公示期限和异议受理电话。")
    camera.shoot(reviewer, "reviewer-return", focus=reviewer.locator("section.actions"))
    reviewer.get_by_role("button", name="退回修改").click()
    reviewer.wait_for_load_state()
    second.refresh_from_db()
    assert second.state == "returned" and "公示期限" in second.return_comment

    reviewer.goto("/staff/records/review/")
    reviewer.get_by_role("link", name=first.title).click()
    for label in ("不涉及国家秘密", "不含个人隐私，或已依法处理", "不含商业秘密，或已征得权利人同意",
                  "不危及国家安全、公共安全、经济安全和社会稳定"):  # fmt: skip
        reviewer.get_by_label(label).check()
    reviewer.get_by_label("审查意见").fill("经审查，不涉及国家秘密和个人隐私。")
    camera.shoot(reviewer, "reviewer-confidentiality", focus=reviewer.locator("form.review-form"))
    reviewer.get_by_role("button", name="记录保密审查").click()
    reviewer.wait_for_load_state()
    reviewer.get_by_role("button", name="审核通过", exact=True).click()
    reviewer.wait_for_load_state()
    first.refresh_from_db()
    assert first.state == "approved"
    at = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0)
    reviewer.get_by_label("定时发布时间（留空为立即发布）").fill(at.strftime("%Y-%m-%dT%H:%M"))
    camera.shoot(reviewer, "reviewer-schedule", focus=reviewer.locator("section.actions"))
    reviewer.get_by_role("button", name="发布", exact=True).click()
    reviewer.wait_for_load_state()
    first.refresh_from_db()
    assert first.scheduled_at is not None and first.state == "approved"
    assert shows(reviewer, "定时发布 " + at.strftime("%Y-%m-%d %H:%M"))
    camera.shoot(reviewer, "reviewer-scheduled", height=720)
    camera.check("reviewer")


# ----------------------------------------------------------------------------------- 单位管理员


def _catalogue_file_dropping_an_item_with_records(tmp_path):
    """The 迎江区 市政服务 catalogue as exported, less one item that has published records, and
    with another item's 公开时限 changed: the adjustment the office admin previews."""
    from openpyxl import load_workbook

    from gongkai.catalogue.io.exporter import export_xlsx_bytes
    from gongkai.core.models import Site
    from gongkai.records.models import Record

    site = Site.objects.get(slug="yingjiang")
    source = tmp_path / "exported.xlsx"
    records = Record.objects.filter(
        site=site, state="published", catalogue_item__domain__name="市政服务"
    )
    source.write_bytes(export_xlsx_bytes(site, records.first().catalogue_item.domain))
    wb = load_workbook(source)
    ws = wb.worksheets[0]
    merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    tops = {r1 for r1, _c1, r2, _c2 in merged if r2 > r1}

    def row_of(name):
        return next((r[0].row for r in ws.iter_rows() if any(c.value == name for c in r)), None)

    # an item with records whose row does not start a merged 一级事项 (so the rest stays intact)
    leaf = next(
        r.catalogue_item for r in records.order_by("pk")
        if row_of(r.catalogue_item.name) and row_of(r.catalogue_item.name) not in tops
    )  # fmt: skip
    dropped = row_of(leaf.name)
    for row in ws.iter_rows(min_row=dropped + 1):
        cell = next((c for c in row if c.value == "信息形成或者变更之日起20个工作日内"), None)
        if cell is not None:
            cell.value = "信息形成或者变更之日起10个工作日内"
            break
    # openpyxl does not move merged ranges when deleting a row: unmerge, delete, merge again
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    ws.delete_rows(dropped)
    for r1, c1, r2, c2 in merged:
        if r1 > dropped:
            r1, r2 = r1 - 1, r2 - 1
        elif r2 >= dropped:
            r2 -= 1
        if r2 > r1 or c2 > c1:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    out = tmp_path / "迎江区标准目录（调整）.xlsx"
    wb.save(out)
    return out, leaf


def test_office_admin(demo, browser, live_server, camera, tmp_path):
    from gongkai.catalogue.models import CatalogueItem
    from gongkai.core.models import Organisation, User

    path, leaf = _catalogue_file_dropping_an_item_with_records(tmp_path)
    admin = login(browser, live_server, "yj_admin")
    nav(admin, "标准目录")
    assert admin.get_by_role("link", name="导入标准目录").is_visible()
    camera.shoot(admin, "admin-catalogue")
    admin.get_by_role("link", name=leaf.domain.name, exact=True).first.click()
    admin.wait_for_load_state()
    assert shows(admin, "正式标准（锁定）") or shows(admin, "本地事项")
    camera.shoot(admin, "admin-catalogue-domain", height=800)

    admin.goto("/staff/catalogue/import/")
    admin.get_by_label("标准目录文件").set_input_files(str(path))
    camera.shoot(admin, "admin-import")
    admin.get_by_role("button", name="上传并预览").click()
    admin.wait_for_url("**/import/preview/")
    assert shows(admin, "停用（下有政府信息）"), admin.locator("main").inner_text()[:2000]
    assert shows(admin, "修改"), admin.locator("main").inner_text()[:3000]
    retire = admin.get_by_role("checkbox", name=re.compile("停用这"))
    retire.check()
    camera.shoot(admin, "admin-import-preview", top=admin.locator("h1"), height=640)
    camera.shoot(
        admin, "admin-import-retire", top=admin.locator("section[aria-labelledby=removed]")
    )
    admin.get_by_role("button", name="确认导入").click()
    admin.wait_for_url("**/staff/catalogue/")
    assert shows(admin, "导入完成")
    leaf.refresh_from_db()
    assert leaf.is_retired
    assert CatalogueItem.objects.filter(pk=leaf.pk).exists()

    admin.goto("/staff/catalogue/versions/")
    assert shows(admin, "调整记录")
    camera.shoot(admin, "admin-versions")
    nav(admin, "操作日志")
    assert shows(admin, "操作日志")
    camera.shoot(admin, "admin-audit")
    admin.context.close()

    # users, roles, organisations and settings: 系统配置, entered by the system administrator
    system = login(browser, live_server, "admin")
    nav(system, "系统配置")
    assert system.get_by_role("link", name="用户").first.is_visible()
    camera.shoot(system, "admin-config")
    editor = User.objects.get(username="yj_editor")
    system.goto(f"/admin/core/user/{editor.pk}/change/")
    assert system.get_by_role("heading", name="岗位").first.is_visible()
    camera.shoot(system, "admin-user", top=system.get_by_role("heading", name="岗位").first)
    village = Organisation.objects.filter(site__slug="yingjiang", kind="village").first()
    system.goto(f"/admin/core/organisation/{village.pk}/change/")
    field = system.get_by_label("机构性质")
    assert field.input_value() == "self_governing"
    camera.shoot(system, "admin-organisation", top=system.locator("#content"))
    camera.check("office_admin")


# ----------------------------------------------------------------------------------- 依申请公开


def _apply_online(browser, live_server) -> None:
    """A citizen applies on the portal, as on any day."""
    from tests.records.files import png_bytes

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/foi/apply/")
    page.get_by_label("向哪个机关申请").select_option(label="区住房和城乡建设局")
    page.get_by_label("自然人").check()
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("电子邮箱").fill("lisi@example.com")
    page.get_by_label("所需信息的内容描述").fill("请公开本区2025年老旧小区改造项目的资金安排。")
    page.get_by_label("身份证明（复印件或照片）").set_input_files(
        {"name": "id.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/foi/apply/receipt/")
    context.close()


def _act(page, heading: str, fields: dict | None = None, camera=None, shot: str = ""):
    form = page.locator(f"form:has(h3:text-is('{heading}'))")
    for label, value in (fields or {}).items():
        field = form.get_by_label(label)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    if camera:
        camera.shoot(page, shot, focus=form)
    form.get_by_role("button", name=heading, exact=True).click()
    page.wait_for_load_state()
    assert "已完成" in page.content(), page.locator(".form-errors").all_inner_texts()


def test_foi(demo, browser, live_server, camera):
    from gongkai.foi.models import FoiRequest

    _apply_online(browser, live_server)
    case = FoiRequest.objects.get(name="李四")
    staff = login(browser, live_server, "yj_editor")
    nav(staff, "依申请公开")
    assert staff.get_by_role("link", name=case.serial).is_visible()
    camera.shoot(staff, "foi-list")

    staff.get_by_role("link", name="登记申请（信函、当面、传真、电子邮件）").click()
    staff.wait_for_load_state()
    assert staff.get_by_label("申请渠道").is_visible()
    camera.shoot(staff, "foi-register")

    staff.goto(f"/staff/foi/{case.pk}/")
    assert shows(staff, "答复期限")
    first_due = case.due_date.isoformat()
    camera.shoot(staff, "foi-case", focus=staff.locator("section[aria-labelledby=status-h]"))

    _act(staff, "告知补正", {"需要补正的事项": "请写明所需信息的项目名称或文号。"}, camera,
         "foi-correction")  # fmt: skip
    case.refresh_from_db()
    assert case.state == "correction_asked"
    _act(staff, "收到补正")
    case.refresh_from_db()
    assert case.due_date.isoformat() == first_due  # restarted from the day it arrived (today)
    camera.shoot(staff, "foi-corrected", focus=staff.locator("section[aria-labelledby=status-h]"))

    _act(staff, "延长答复期限", {"延长的工作日数": "10", "批准人（公开工作机构负责人）": "王主任",
                            "延期理由": "需要调取历史档案"}, camera, "foi-extend")  # fmt: skip
    case.refresh_from_db()
    assert case.due_date.isoformat() > first_due

    _act(staff, "答复", {"办理结果": "部分公开", "理由或说明": "涉及个人信息的部分已作区分处理。"},
         camera, "foi-reply")  # fmt: skip
    assert staff.locator(f'a[href="/staff/foi/{case.pk}/letter.docx"]').is_visible()
    camera.shoot(staff, "foi-replied", focus=staff.locator("section[aria-labelledby=status-h]"))
    letter = staff.request.get(f"/staff/foi/{case.pk}/letter.docx")
    assert letter.ok and letter.body()[:2] == b"PK"

    _act(staff, "登记送达", {"说明": "已通过电子邮件发送告知书"}, camera, "foi-delivered")
    case.refresh_from_db()
    assert case.delivered_on is not None

    staff.goto("/staff/foi/statistics/")
    assert staff.get_by_role("heading", level=1).is_visible()
    camera.shoot(staff, "foi-statistics")
    camera.check("foi")


# ----------------------------------------------------------------------------------- 监督考核


def test_oversight(demo, browser, live_server, camera):
    """The office admin's morning: the dashboard after the night's checks, the findings, an
    inspection, the work plan, the annual report, the acceptance package and the messages; the
    evaluator's sheets."""
    from gongkai.core.models import Site
    from gongkai.oversight.checks import registered_checks, run_checks
    from gongkai.oversight.demo import PILOT_TITLE

    site = Site.objects.get(slug="yingjiang")
    # the nightly run, without the external links (this machine has no network)
    run_checks(site, only=[c.code for c in registered_checks() if c.code != "links"])

    page = login(browser, live_server, "yj_admin")
    nav(page, "公开监测")
    assert page.get_by_role("heading", name="公开工作监测", level=1).is_visible()
    assert shows(page, "预计得分") and shows(page, "标准目录")
    camera.shoot(page, "oversight-dashboard")

    page.get_by_role("link", name="检查发现的问题").first.click()
    assert page.get_by_role("heading", name="检查发现的问题", level=1).is_visible()
    assert page.get_by_role("button", name="立即检查").is_visible()
    camera.shoot(page, "oversight-findings")

    nav(page, "督查整改")
    assert page.get_by_role("heading", name="自查督查与整改", level=1).is_visible()
    camera.shoot(page, "oversight-inspections")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    assert shows(page, "整改期限")
    camera.shoot(page, "oversight-inspection")

    nav(page, "工作方案")
    page.get_by_role("link", name=PILOT_TITLE).first.click()
    page.wait_for_load_state()
    assert shows(page, "责任单位")
    camera.shoot(page, "oversight-plan")

    page.goto("/staff/oversight/annual/")
    assert page.get_by_role("heading", name="政府信息公开工作年度报告", level=1).is_visible()
    page.get_by_role("button", name="打开").click()
    page.wait_for_load_state()
    assert shows(page, "表三") or shows(page, "三、收到和处理政府信息公开申请情况")
    camera.shoot(page, "oversight-annual")

    page.goto("/staff/oversight/acceptance/")
    assert page.get_by_role("heading", name="验收材料", level=1).is_visible()
    camera.shoot(page, "oversight-acceptance")

    nav(page, "留言与评价")
    assert page.get_by_role("heading", name="咨询留言", level=1).is_visible()
    camera.shoot(page, "oversight-messages")
    page.context.close()

    page = login(browser, live_server, "yj_evaluator")
    nav(page, "第三方评估")
    assert page.get_by_role("heading", name="第三方评估与公众满意度", level=1).is_visible()
    camera.shoot(page, "oversight-evaluation")
    page.context.close()
    camera.check("oversight")


# ------------------------------------------------------------------------------- 办事服务


def test_services(demo, browser, live_server, camera):
    """An editor starts a new version of a guide and submits it, a reviewer finds it in the
    queue, the office admin looks at a scenario's flow, the windows and the statistics; then
    what the public and the kiosk show."""
    from gongkai.guides.models import ServiceItem

    page = login(browser, live_server, "yj_editor")
    nav(page, "办事服务")
    assert page.get_by_role("heading", name="办事指南", level=1).is_visible()
    camera.shoot(page, "services-items")

    item = ServiceItem.objects.filter(site__slug="yingjiang", code__endswith="XK-0026").get()
    page.goto(f"/staff/services/items/{item.pk}/")
    assert shows(page, "全部版本") and shows(page, "现行有效")
    camera.shoot(page, "services-item")

    page.get_by_label("新版本生效日期").fill("2027-01-01")
    page.get_by_label("变更说明").fill("申请材料精简")
    page.get_by_role("button", name="新建版本").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("编辑办事指南")).is_visible()
    camera.shoot(page, "services-edit")
    page.goto(f"/staff/services/items/{item.pk}/?v=2")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state()
    assert shows(page, "待审核")
    page.context.close()

    page = login(browser, live_server, "yj_reviewer")
    page.goto("/staff/services/review/")
    assert page.get_by_role("heading", name="指南审核", level=1).is_visible()
    assert shows(page, item.name)
    camera.shoot(page, "services-review")
    page.context.close()

    page = login(browser, live_server, "yj_admin")
    nav(page, "办事服务")
    page.get_by_role("link", name="情景导航").first.click()
    page.get_by_role("link", name="我要开餐馆").first.click()
    page.wait_for_load_state()
    assert shows(page, "流程图") and shows(page, "自动检查")
    camera.shoot(page, "services-scenario")
    page.get_by_role("link", name="综合窗口").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="综合窗口", level=1).is_visible()
    camera.shoot(page, "services-windows")
    page.get_by_role("link", name="办件统计").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="办件统计（办件公示）", level=1).is_visible()
    camera.shoot(page, "services-statistics")
    page.context.close()

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/services/")
    assert page.get_by_role("heading", name="办事服务", level=1).is_visible()
    camera.shoot(page, "services-landing")
    page.goto(f"/services/items/{item.code}/")
    assert shows(page, "申请材料") and shows(page, "最近核验日期")
    camera.shoot(page, "services-guide")
    page.goto("/services/scenarios/")
    page.get_by_role("link", name="我要开餐馆").first.click()
    page.wait_for_load_state()
    while not page.get_by_role("heading", name=re.compile("您的办事清单")).count():
        page.locator("main fieldset input[type=radio]").first.check()
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    camera.shoot(page, "services-result")
    page.goto("/kiosk/")
    assert page.get_by_role("heading", name="您要办什么事？").is_visible()
    camera.shoot(page, "services-kiosk")
    context.close()
    camera.check("services")
