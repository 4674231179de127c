"""Acceptance for issue 4, in a real browser: a new editor uploads a .docx and submits; the
reviewer approves and publishes; the record is on the portal, in the feed and the sitemap; an
edit after publication shows as a revision; a withdrawal shows the notice; every step is in
the audit log; the pages pass axe-core at desktop and phone widths."""

import feedparser
import pytest

from tests.browser.conftest import DESKTOP, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "records-browser-2026"


@pytest.fixture
def setup(transactional_db, settings, tmp_path):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Membership, Organisation, Role, User
    from tests.records.conftest import make_leaf

    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    leaf = make_leaf(housing.site, organisations=[housing], channels=["政府网站"])
    new_editor = User.objects.create_user("new_editor", "new@example.gov.cn", PASSWORD,
                                          display_name="新经办人")  # fmt: skip
    Membership.objects.create(user=new_editor, organisation=housing, role=Role.EDITOR)
    for name in ("yj_reviewer", "yj_admin"):
        u = User.objects.get(username=name)
        u.set_password(PASSWORD)
        u.save()
    return leaf


def login(browser, live_server, username):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/staff/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    return page


def confidentiality_review(page):
    for label in ("不涉及国家秘密", "不含个人隐私，或已依法处理", "不含商业秘密，或已征得权利人同意",
                  "不危及国家安全、公共安全、经济安全和社会稳定"):  # fmt: skip
        page.get_by_label(label).check()
    page.get_by_role("button", name="记录保密审查").click()


def test_publish_revise_withdraw_in_the_browser(setup, browser, live_server, phone_page, tmp_path):
    from gongkai.records.models import Record
    from tests.records.files import docx_bytes

    leaf = setup
    docx = tmp_path / "停水通知.docx"
    docx.write_bytes(docx_bytes(paragraphs=["因城区供水管网改造，10月8日人民路沿线停水。"]))

    # the new editor drafts from a Word document and submits
    editor = login(browser, live_server, "new_editor")
    editor.goto("/staff/records/new/")
    assert_accessible(editor, "editor form")
    editor.get_by_label("公开事项（目录末级）").select_option(str(leaf.pk))
    editor.get_by_role("textbox", name="标题", exact=True).fill(
        "关于2026年城区供水管网改造停水的通知"
    )
    editor.get_by_label("形成/变更日期").fill("2026-09-30")
    editor.get_by_label("或上传 Word 文档（.docx）作为正文").set_input_files(str(docx))
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url("**/staff/records/*/")
    assert "已将 Word 文档转换为正文" in editor.content()
    assert "人民路沿线停水" in editor.content()
    assert "2026-11-03" in editor.content()  # the due date, explained on the page
    editor.get_by_role("button", name="提交审核").click()
    assert "已提交审核" in editor.content()
    record = Record.objects.get(title="关于2026年城区供水管网改造停水的通知")
    detail_url = f"/staff/records/{record.pk}/"

    # the reviewer records the confidentiality review, approves and publishes
    reviewer = login(browser, live_server, "yj_reviewer")
    reviewer.goto("/staff/records/review/")
    reviewer.get_by_role("link", name="关于2026年城区供水管网改造停水的通知").click()
    confidentiality_review(reviewer)
    reviewer.get_by_role("button", name="审核通过", exact=True).click()
    reviewer.get_by_role("button", name="发布", exact=True).click()
    assert "已发布，索引号" in reviewer.content()
    record.refresh_from_db()
    public_url = f"/records/{record.index_number}/"

    # on the portal, accessible at desktop and phone widths, in the feed and the sitemap
    for p, label in ((reviewer, "desktop"), (phone_page, "phone")):
        p.goto(public_url)
        assert p.get_by_role("heading", level=1).inner_text() == record.title
        assert record.index_number in p.content()
        assert_accessible(p, f"record detail {label}")
    feed = feedparser.parse(reviewer.request.get("/feeds/records.rss").body())
    assert not feed.bozo and feed.entries[0].title == record.title
    sitemap = reviewer.request.get("/sitemap.xml").text()
    assert public_url in sitemap

    # an edit after publication is a revision, reviewed, then listed as 更新记录
    editor.goto(detail_url)
    editor.get_by_role("link", name="修订", exact=True).click()
    editor.get_by_role("textbox", name="标题", exact=True).fill(
        "关于2026年城区供水管网改造停水的通知（更正）"
    )
    editor.get_by_label("更新说明").fill("更正停水时间为10月9日")
    editor.get_by_role("button", name="提交修订").click()
    assert "修订已提交审核" in editor.content()
    reviewer.goto(detail_url)
    confidentiality_review(reviewer)
    reviewer.get_by_role("button", name="修订审核通过").click()
    reviewer.get_by_role("button", name="发布修订").click()
    reviewer.goto(public_url)
    assert reviewer.get_by_role("heading", name="更新记录").is_visible()
    assert "更正停水时间为10月9日" in reviewer.content()
    assert "（更正）" in reviewer.content()

    # a withdrawal shows the notice at the same address
    reviewer.goto(detail_url)
    reviewer.get_by_label("撤回原因").fill("停水计划调整，另行通知")
    reviewer.get_by_role("button", name="撤回", exact=True).click()
    reviewer.goto(public_url)
    assert reviewer.get_by_role("heading", name="该信息已撤回").is_visible()
    assert "停水计划调整，另行通知" in reviewer.content()
    assert_accessible(reviewer, "withdrawn record")

    # every step is in the audit log
    admin = login(browser, live_server, "yj_admin")
    admin.goto("/staff/audit/")
    log = admin.content()
    for step in ("新建信息草稿", "提交审核", "保密审查通过", "审核通过", "发布（索引号",
                 "提交修订（第2版）", "修订审核通过（第2版）", "发布修订（第2版）", "撤回：停水计划调整"):  # fmt: skip
        assert step in log, step
