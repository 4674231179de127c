"""Issue 12's acceptance for inspections, in a real browser: the office admin opens a 自查, adds
a finding of the checks and assigns it; 住建局's editor logs in on a phone and records the
rectification with an evidence PDF; the office accepts; the exported report lists it. The new
pages pass axe-core at 1280 and 375 px, and the evaluation pages too."""

import io

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.records.files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECTIFICATION = "已补发本季度通知公告3条，并明确专人每周更新。"


@pytest.fixture
def setup(transactional_db, settings, tmp_path):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation, Site
    from gongkai.oversight.models import Finding, Severity

    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    return Finding.objects.create(
        site=site,
        organisation=housing,
        check_code="stale_column",
        indicator="栏目更新",
        severity=Severity.VETO,
        key="column:notices",
        title="“通知公告”栏目超过6个月未更新",
    )


def login(browser, live_server, username, viewport=DESKTOP):
    from gongkai.core.demo import DEMO_PASSWORD

    context = browser.new_context(
        viewport=viewport, locale="zh-CN", base_url=live_server.url, accept_downloads=True
    )
    page = context.new_page()
    page.goto("/staff/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    return page


def in_form(page, heading):
    return page.locator(f"section:has(h2:text-is('{heading}')) form")


def test_finding_to_accepted_rectification_in_the_browser(setup, browser, live_server, tmp_path):
    from docx import Document

    from gongkai.oversight.models import InspectionItem

    finding = setup
    admin = login(browser, live_server, "yj_admin")
    admin.get_by_role("link", name="督查整改").first.click()
    admin.wait_for_load_state()
    assert_accessible(admin, "inspection list 1280")
    form = in_form(admin, "开展检查")
    form.get_by_label("类型").select_option(label="自查")
    form.get_by_label("名称").fill("第四季度政务公开自查")
    form.get_by_label("检查期间").fill("2026年第四季度")
    form.get_by_role("button", name="创建检查").click()
    admin.wait_for_load_state()
    assert "检查已创建" in admin.content()
    form = in_form(admin, "添加自动检查发现的问题")
    form.get_by_label(finding.title, exact=False).check()
    form.get_by_role("button", name="添加所选问题").click()
    admin.wait_for_load_state()
    assert_accessible(admin, "inspection detail 1280")
    admin.get_by_role("link", name=finding.title).click()
    admin.wait_for_load_state()
    form = in_form(admin, "交办")
    form.get_by_label("责任单位").select_option(label="区住房和城乡建设局")
    form.get_by_label("整改期限（工作日）").fill("10")
    form.get_by_role("button", name="交办").click()
    admin.wait_for_load_state()
    assert admin.get_by_test_id("item-state").inner_text() == "待整改"
    assert_accessible(admin, "inspection item 1280")
    item_url = admin.url

    # --- 住建局's editor, on a phone: finds the item from the list and rectifies it
    editor = login(browser, live_server, "yj_editor", viewport=PHONE)
    editor.goto("/staff/oversight/inspections/")
    assert_accessible(editor, "inspection list 375")
    editor.get_by_role("link", name="第四季度政务公开自查").click()
    editor.get_by_role("link", name=finding.title).click()
    editor.wait_for_load_state()
    assert_accessible(editor, "inspection item 375")
    form = in_form(editor, "填报整改情况")
    form.get_by_label("整改情况").fill(RECTIFICATION)
    evidence = tmp_path / "整改截图.pdf"
    evidence.write_bytes(pdf_bytes())
    form.get_by_label("佐证材料").set_input_files(str(evidence))
    form.get_by_role("button", name="保存整改情况").click()
    editor.wait_for_load_state()
    assert editor.get_by_test_id("item-state").inner_text() == "待验收"
    assert editor.get_by_role("link", name="整改截图.pdf").count() == 1
    # another organisation's editor cannot open it
    other = login(browser, live_server, "yj_editor2")
    response = other.goto(item_url)
    assert response.status == 404

    # --- the office accepts and exports the report
    admin.goto(item_url)
    assert RECTIFICATION in admin.get_by_test_id("rectification").inner_text()
    in_form(admin, "验收").first.get_by_role("button", name="验收通过").click()
    admin.wait_for_load_state()
    assert admin.get_by_test_id("item-state").inner_text() == "已验收"
    admin.get_by_role("link", name="第四季度政务公开自查").click()
    with admin.expect_download() as got:
        admin.get_by_role("link", name="导出检查报告（Word）").click()
    download = got.value
    assert download.suggested_filename == "第四季度政务公开自查报告.docx"
    doc = Document(io.BytesIO(open(download.path(), "rb").read()))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[1][2] == "区住房和城乡建设局" and rows[1][4] == RECTIFICATION
    assert rows[1][5] == "已验收"
    assert InspectionItem.objects.get().state == "accepted"


def test_evaluation_pages_are_accessible(setup, browser, live_server):
    from gongkai.oversight.demo import load_inspection_demo
    from gongkai.oversight.models import EvaluationSheet

    load_inspection_demo()
    admin = login(browser, live_server, "yj_admin")
    admin.goto("/staff/oversight/evaluation/")
    assert_accessible(admin, "evaluation index 1280")
    admin.goto("/staff/oversight/evaluation/templates/")
    assert_accessible(admin, "evaluation templates 1280")
    admin.goto("/staff/oversight/evaluation/")
    form = in_form(admin, "创建评估表")
    form.get_by_label("被评估单位").select_option(label="区住房和城乡建设局")
    form.get_by_role("button", name="创建评估表").click()
    admin.wait_for_load_state()
    assert_accessible(admin, "evaluation sheet (office) 1280")
    sheet = EvaluationSheet.objects.get(organisation__name="区住房和城乡建设局")

    evaluator = login(browser, live_server, "yj_evaluator", viewport=PHONE)
    evaluator.goto(sheet.get_absolute_url())
    assert_accessible(evaluator, "evaluation sheet 375")
    evaluator.get_by_label("发布解读 得分（满分 30）").fill("31")
    evaluator.get_by_role("button", name="保存评分").click()
    evaluator.wait_for_load_state()
    assert "得分不能超过该指标的分值 30 分" in evaluator.content()
    evaluator.get_by_label("发布解读 得分（满分 30）").fill("28")
    evaluator.get_by_role("button", name="保存评分").click()
    evaluator.wait_for_load_state()
    assert evaluator.get_by_test_id("sheet-total").inner_text().startswith("28")
    evaluator.goto("/staff/oversight/evaluation/")
    assert_accessible(evaluator, "evaluation index 375")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_every_new_page_passes_axe(setup, browser, live_server, viewport):
    """The office admin's view of each page (it shows the most forms), with the demo's items
    in every state, at both widths; and no page scrolls sideways on a phone."""
    from gongkai.oversight.demo import DEMO_INSPECTION, load_inspection_demo
    from gongkai.oversight.models import EvaluationSheet, Inspection

    load_inspection_demo()
    inspection = Inspection.objects.get(title=DEMO_INSPECTION)
    urls = [
        "/staff/oversight/inspections/",
        inspection.get_absolute_url(),
        *(item.get_absolute_url() for item in inspection.items.all()),
        "/staff/oversight/evaluation/",
        "/staff/oversight/evaluation/templates/",
        EvaluationSheet.objects.get().get_absolute_url(),
    ]
    admin = login(browser, live_server, "yj_admin", viewport=viewport)
    for url in urls:
        admin.goto(url)
        assert_accessible(admin, f"{url} at {viewport['width']}")
        overflow = admin.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
