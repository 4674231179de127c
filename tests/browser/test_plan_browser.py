"""The work plan in a real browser (issue 12 point 5): the office admin views the demo's plan
grouped by step with its overdue badge and filters it (axe at 1280 and 375 px); the 住建局
editor posts progress and marks the task done with JavaScript switched off."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.browser.test_records_browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERDUE_TASK = "住房保障领域公开事项标准目录动态调整，按时限发布保障性住房分配信息"


@pytest.fixture
def demo_plan(transactional_db, settings, tmp_path):
    from django.utils import timezone

    from gongkai.core.demo import load_demo
    from gongkai.core.models import User
    from gongkai.oversight.demo import load_plan_demo
    from gongkai.oversight.models import WorkPlan

    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    load_plan_demo()
    for name in ("yj_editor", "yj_admin"):
        u = User.objects.get(username=name)
        u.set_password(PASSWORD)
        u.save()
    return WorkPlan.objects.get(site__slug="yingjiang", year=timezone.localdate().year)


def _login(browser, live_server, username, *, viewport=DESKTOP, javascript=True):
    context = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        base_url=live_server.url,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.goto("/staff/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    return page


def test_office_admin_views_and_filters_the_plan(demo_plan, browser, live_server):
    page = _login(browser, live_server, "yj_admin")
    page.get_by_role("link", name="工作方案", exact=True).first.click()
    page.get_by_role("link", name=demo_plan.title).click()
    page.wait_for_url(f"**/staff/oversight/plans/{demo_plan.pk}/")
    assert page.get_by_role("rowheader", name="1. 部署启动").count() == 1
    row = page.locator("tr", has_text=OVERDUE_TASK)
    assert "已逾期" in row.inner_text()
    assert "进行中" in row.inner_text()
    assert_accessible(page, "工作方案 1280")
    page.get_by_label("只看逾期").check()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-task]").count() == 1
    assert page.get_by_role("status").inner_text() == "筛选出 1 项任务。"

    phone = _login(browser, live_server, "yj_admin", viewport=PHONE)
    phone.goto(f"/staff/oversight/plans/{demo_plan.pk}/")
    assert_accessible(phone, "工作方案 375")
    # the page fits the phone: only the table scrolls inside its own box
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    task = demo_plan.tasks.get(text=OVERDUE_TASK)
    phone.goto(f"/staff/oversight/tasks/{task.pk}/")
    assert_accessible(phone, "工作任务 375")
    page.goto("/staff/oversight/acceptance/")
    assert_accessible(page, "验收材料 1280")


def test_editor_posts_progress_and_marks_done_without_javascript(demo_plan, browser, live_server):
    from gongkai.oversight.models import PlanStatus

    task = demo_plan.tasks.get(text=OVERDUE_TASK)
    page = _login(browser, live_server, "yj_editor", javascript=False)
    page.goto(f"/staff/oversight/plans/{demo_plan.pk}/")
    page.get_by_role("link", name=OVERDUE_TASK).click()
    page.wait_for_url(f"**/staff/oversight/tasks/{task.pk}/")
    assert "填报进展（区住房和城乡建设局）" in page.content()
    page.get_by_role("textbox", name="进展情况").fill(
        "保障性住房分配结果已公示，目录调整已报公开办"
    )
    page.get_by_role("button", name="提交进展").click()
    page.wait_for_url(f"**/staff/oversight/tasks/{task.pk}/")
    notes = page.locator("ol.plan-notes")
    assert "保障性住房分配结果已公示" in notes.inner_text()
    assert "住建局经办人" in notes.inner_text()
    page.get_by_role("button", name="标记完成").click()
    page.wait_for_url(f"**/staff/oversight/tasks/{task.pk}/")
    assert "已完成" in page.get_by_test_id("task-status").inner_text()
    assert "已逾期" not in page.get_by_test_id("task-status").inner_text()
    # the editor may not reopen: that is the office's step
    assert page.get_by_role("button", name="重新打开").count() == 0
    task.refresh_from_db()
    assert task.status == PlanStatus.DONE and task.completed_on is not None
    assert task.notes.filter(text__startswith="保障性住房分配结果已公示").exists()
