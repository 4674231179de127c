"""The work plan (issue 12 point 5): seed 000's 实施步骤 as a living plan with status, progress
notes, overdue flags, permissions by responsible organisation and no lost updates."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.core.versioning import VersionConflict
from gongkai.oversight import plan as rules
from gongkai.oversight.demo import load_plan_demo
from gongkai.oversight.models import PlanNote, PlanStatus, PlanTask, WorkPlan
from tests.conftest import org, user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

#: seed 000 (五、实施步骤), transcribed here independently of the demo module: 序号 → 工作任务,
#: 责任部门 (as the demo's organisations), 时间进度 and its last day
SEED_TABLE = {
    1: (
        "建立试点工作领导小组，组建专班，建立试点工作保障机制，推进我区政务公开试点工作实施",
        ["区人民政府办公室", "区政务公开办公室"],
        "2017年8月底前",
        date(2017, 8, 31),
    ),
    2: (
        "结合实际抓紧制定具体实施方案，认真梳理问题，细化任务措施，征求上级相关部门意见的基础上，"
        "制定出台实施方案，在本区网站公开并报送省政务公开办备案",
        ["区人民政府办公室", "区政务公开办公室"],
        "2017年9月底前",
        date(2017, 9, 30),
    ),
    3: (
        "梳理、编制政务公开事项目录、公开标准和公开流程",
        ["区人民政府办公室", "区政务公开办公室"],
        "2017年11月底",
        date(2017, 11, 30),
    ),
    4: (
        "健全基层政务公开工作机制",
        ["区人民政府办公室", "区政务公开办公室"],
        "2018年4月底",
        date(2018, 4, 30),
    ),
    5: (
        "根据县级政务公开网络平台技术规范升级完善政务公开平台",
        ["区人民政府办公室", "区政务公开办公室"],
        "2018年4月底",
        date(2018, 4, 30),
    ),
    6: (
        "自查问题，对我区试点工作情况进行分析、总结，实施完善",
        ["区人民政府办公室", "区政务公开办公室"],
        "2018年3月",
        date(2018, 3, 31),
    ),
    7: (
        "迎接上级部门验收",
        ["区人民政府办公室", "区政务公开办公室"],
        "2018年8月",
        date(2018, 8, 31),
    ),
}
WITH_RELATED_UNITS = {2, 3, 6, 7}  # rows whose 责任部门 also says 相关单位


@pytest.fixture
def plan(demo):
    site = demo
    p = rules.create_plan(SYSTEM, site, year=TODAY.year, title="测试方案")
    step = rules.add_step(SYSTEM, p, title="推进落实")
    housing, civil = org(site, "区住房和城乡建设局"), org(site, "区民政局")
    p.housing_task = rules.add_task(
        SYSTEM,
        p,
        step=step,
        text="住房保障信息公开",
        lead=housing,
        deadline=TODAY + timedelta(3),
    )
    p.civil_task = rules.add_task(
        SYSTEM,
        p,
        step=step,
        text="社会救助信息公开",
        lead=civil,
        co_organisations=[housing],
        deadline=TODAY - timedelta(1),
    )
    return p


# --------------------------------------------------------------------------- rules


def _task(status, deadline):
    return PlanTask(status=status, deadline=deadline)


@pytest.mark.parametrize(
    ("status", "days", "overdue", "soon"),
    [
        (PlanStatus.IN_PROGRESS, -1, True, False),
        (PlanStatus.NOT_STARTED, -30, True, False),
        (PlanStatus.DONE, -1, False, False),
        (PlanStatus.CANCELLED, -1, False, False),
        (PlanStatus.IN_PROGRESS, 0, False, True),
        (PlanStatus.IN_PROGRESS, rules.DUE_SOON_DAYS, False, True),
        (PlanStatus.IN_PROGRESS, rules.DUE_SOON_DAYS + 1, False, False),
        (PlanStatus.DONE, 2, False, False),
    ],
)
def test_overdue_and_due_soon(status, days, overdue, soon):
    task = _task(status, TODAY + timedelta(days))
    assert rules.is_overdue(task, TODAY) is overdue
    assert rules.is_due_soon(task, TODAY) is soon


def test_the_overdue_filter_is_the_same_rule_as_the_flag(plan):
    tasks = rules.tasks_of(plan)
    flagged = {t.pk for t in tasks if t.is_overdue}
    filtered = set(rules.filter_tasks(tasks, overdue=True).values_list("pk", flat=True))
    assert flagged == filtered == {plan.civil_task.pk}
    rules.change_status(user("yj_editor2"), plan.civil_task, "done")
    assert not rules.filter_tasks(rules.tasks_of(plan), overdue=True).exists()


def test_filter_by_organisation_covers_co_organisations(plan, demo):
    housing = org(demo, "区住房和城乡建设局")
    civil = org(demo, "区民政局")
    tasks = rules.tasks_of(plan)
    assert set(rules.filter_tasks(tasks, organisation=housing)) == {
        plan.housing_task,
        plan.civil_task,
    }
    assert list(rules.filter_tasks(tasks, organisation=civil)) == [plan.civil_task]
    assert list(rules.filter_tasks(tasks, status=PlanStatus.DONE)) == []


def test_done_records_the_completion_date_and_reopen_clears_it(plan):
    task = plan.housing_task
    rules.change_status(user("yj_editor"), task, "done", on=TODAY - timedelta(2))
    task.refresh_from_db()
    assert task.status == PlanStatus.DONE and task.completed_on == TODAY - timedelta(2)
    with pytest.raises(PermissionDenied, match="公开办管理员"):
        rules.change_status(user("yj_editor"), task, "reopen")
    rules.change_status(user("yj_admin"), task, "reopen")
    task.refresh_from_db()
    assert task.status == PlanStatus.IN_PROGRESS and task.completed_on is None
    events = AuditEvent.objects.filter(
        object_type="oversight.plantask", object_id=str(task.pk), event_type="object.state_changed"
    )
    assert [e.message for e in events.order_by("id")] == ["标记完成", "重新打开"]
    assert events.order_by("id").first().after == {
        "status": "done",
        "completed_on": (TODAY - timedelta(2)).isoformat(),
    }


def test_a_completion_date_in_the_future_is_refused(plan):
    with pytest.raises(rules.PlanError, match="晚于今天"):
        rules.change_status(user("yj_editor"), plan.housing_task, "done", on=TODAY + timedelta(1))


def test_a_done_task_cannot_be_done_again(plan):
    rules.change_status(user("yj_editor"), plan.housing_task, "done")
    task = PlanTask.objects.get(pk=plan.housing_task.pk)
    with pytest.raises(rules.PlanError, match="已完成"):
        rules.change_status(user("yj_admin"), task, "done")


# --------------------------------------------------------------------------- permissions


def test_another_organisations_editor_cannot_post_on_a_task_it_is_not_responsible_for(plan):
    # 民政局's editor on 住建局's task
    with pytest.raises(PermissionDenied, match="责任单位是区住房和城乡建设局"):
        rules.add_note(user("yj_editor2"), plan.housing_task, "越权填报")
    with pytest.raises(PermissionDenied):
        rules.change_status(user("yj_editor2"), plan.housing_task, "done")
    assert not PlanNote.objects.exists()
    assert PlanTask.objects.get(pk=plan.housing_task.pk).status == PlanStatus.NOT_STARTED


def test_a_co_organisation_posts_progress_under_its_own_name(plan, demo):
    note = rules.add_note(user("yj_editor"), plan.civil_task, "住建局配合完成数据核对")
    assert note.organisation == org(demo, "区住房和城乡建设局")
    assert note.author == user("yj_editor")
    task = PlanTask.objects.get(pk=plan.civil_task.pk)
    assert task.status == PlanStatus.IN_PROGRESS  # the first note starts the task
    event = AuditEvent.objects.get(object_type="oversight.plannote", object_id=str(note.pk))
    assert event.event_type == "object.created" and "住建局配合" not in str(event.after)


def test_the_evaluator_and_the_deputy_cannot_post(plan):
    for name in ("yj_evaluator", "yj_deputy"):
        with pytest.raises(PermissionDenied):
            rules.add_note(user(name), plan.housing_task, "进展")


def test_only_the_office_admin_edits_the_plan(plan):
    for name in ("yj_editor", "yj_reviewer", "yj_evaluator"):
        with pytest.raises(PermissionDenied):
            rules.update_task(user(name), plan.housing_task, {"text": "改"})
        with pytest.raises(PermissionDenied):
            rules.add_step(user(name), plan, title="越权阶段")
    with pytest.raises(PermissionDenied):
        rules.create_plan(user("oh_admin"), plan.site, year=TODAY.year, title="他站方案")
    rules.update_task(user("yj_admin"), plan.housing_task, {"text": "住房保障信息公开（修订）"})
    assert PlanTask.objects.get(pk=plan.housing_task.pk).text == "住房保障信息公开（修订）"


def test_responsible_organisations_must_be_of_the_plans_site(plan):
    other = org(plan.site.__class__.objects.get(slug="ouhai"), "区住房和城乡建设局")
    with pytest.raises(rules.PlanError, match="本站点"):
        rules.update_task(user("yj_admin"), plan.housing_task, {"co_organisations": [other]})


# --------------------------------------------------------------------------- no lost updates


def test_concurrent_edits_the_second_is_rejected_and_nothing_is_overwritten(plan):
    admin = user("yj_admin")
    first = PlanTask.objects.get(pk=plan.housing_task.pk)
    second = PlanTask.objects.get(pk=plan.housing_task.pk)
    rules.update_task(admin, first, {"text": "第一人保存"}, version=first.version)
    with pytest.raises(VersionConflict) as caught:
        rules.update_task(admin, second, {"text": "第二人保存"}, version=second.version)
    assert PlanTask.objects.get(pk=plan.housing_task.pk).text == "第一人保存"
    change = [c for c in caught.value.changes if c.name == "text"]
    assert change and change[0].theirs == "第一人保存" and change[0].yours == "第二人保存"


def test_marking_done_on_a_stale_page_is_rejected(plan):
    stale = PlanTask.objects.get(pk=plan.housing_task.pk)
    rules.update_task(
        user("yj_admin"), PlanTask.objects.get(pk=stale.pk), {"deadline": TODAY + timedelta(9)}
    )
    with pytest.raises(VersionConflict):
        rules.change_status(user("yj_editor"), stale, "done", version=stale.version)
    assert PlanTask.objects.get(pk=stale.pk).status == PlanStatus.NOT_STARTED


def test_the_task_edit_page_shows_the_conflict(plan, client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_admin"))
    task = plan.housing_task
    page = client.get(f"/staff/oversight/tasks/{task.pk}/edit/")
    form = page.context["form"]
    data = {
        "version": form.initial["version"],
        "base": form.initial["base"],
        "step": task.step_id,
        "number": 1,
        "text": "页面一",
        "lead": task.lead_id,
        "deadline": task.deadline.isoformat(),
    }
    assert client.post(f"/staff/oversight/tasks/{task.pk}/edit/", data).status_code == 302
    response = client.post(f"/staff/oversight/tasks/{task.pk}/edit/", {**data, "text": "页面二"})
    assert response.status_code == 409
    assert "保存冲突" in response.content.decode()
    assert PlanTask.objects.get(pk=task.pk).text == "页面一"


# --------------------------------------------------------------------------- pages


@pytest.fixture
def staff(client, settings):
    settings.REQUIRE_2FA = False

    def login(name):
        client.force_login(user(name))
        return client

    return login


def test_the_editor_posts_progress_and_marks_done_through_the_pages(plan, staff):
    client = staff("yj_editor")
    url = f"/staff/oversight/tasks/{plan.housing_task.pk}/"
    response = client.post(url, {"text": "已梳理完成住房保障目录"})
    assert response.status_code == 302
    task = PlanTask.objects.get(pk=plan.housing_task.pk)
    response = client.post(
        f"{url}status/", {"action": "done", "version": task.version, "completed_on": TODAY}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == PlanStatus.DONE and task.completed_on == TODAY
    assert task.notes.get().text == "已梳理完成住房保障目录"


def test_the_other_editor_is_refused_by_the_page(plan, staff):
    client = staff("yj_editor2")
    url = f"/staff/oversight/tasks/{plan.housing_task.pk}/"
    assert "只有该任务的责任单位" in client.get(url).content.decode()
    assert client.post(url, {"text": "越权"}).status_code == 403
    assert not PlanNote.objects.exists()


def test_the_plan_page_groups_by_step_and_filters(plan, staff, demo):
    client = staff("yj_evaluator")
    html = client.get(f"/staff/oversight/plans/{plan.pk}/").content.decode()
    assert "1. 推进落实" in html and "已逾期" in html and "即将到期" in html
    civil = org(demo, "区民政局")
    html = client.get(
        f"/staff/oversight/plans/{plan.pk}/", {"organisation": civil.pk}
    ).content.decode()
    assert "社会救助信息公开" in html and "住房保障信息公开" not in html
    html = client.get(f"/staff/oversight/plans/{plan.pk}/", {"overdue": "on"}).content.decode()
    assert "社会救助信息公开" in html and "住房保障信息公开" not in html
    ouhai = staff("oh_admin")
    assert ouhai.get(f"/staff/oversight/plans/{plan.pk}/").status_code == 404


def test_the_xlsx_export_equals_the_database(plan, staff):
    from openpyxl import load_workbook

    rules.add_note(user("yj_editor"), plan.housing_task, '=HYPERLINK("http://x")')
    client = staff("yj_editor")
    response = client.get(f"/staff/oversight/plans/{plan.pk}/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.cell(1, 1).value == "测试方案"
    assert [c.value for c in ws[2]] == rules.XLSX_HEADER
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    tasks = list(rules.tasks_of(plan))
    assert len(rows) == len(tasks) == 2
    for row, task in zip(rows, tasks, strict=True):
        assert row[2] == task.text and row[3] == task.lead.name
        assert row[6].date() == task.deadline
        assert row[7] == task.get_status_display()
        assert row[9] == ("是" if task.is_overdue else "否")
    # the note that looks like a formula is text, never a formula
    cell = ws.cell(3, 11)
    assert cell.data_type == "s" and cell.value.endswith('=HYPERLINK("http://x")')
    assert AuditEvent.objects.filter(event_type="data.exported", object_id=str(plan.pk)).exists()


def test_the_public_page_shows_only_published_plans_without_notes(plan, client):
    rules.add_note(user("yj_editor"), plan.housing_task, "内部工作进展，不对外")
    assert client.get(f"/xxgk/plan/{plan.pk}/").status_code == 404
    rules.update_plan(user("yj_admin"), plan, {"is_public": True})
    html = client.get(f"/xxgk/plan/{plan.pk}/").content.decode()
    assert "住房保障信息公开" in html and "已逾期" in html
    assert "内部工作进展" not in html and "住建局经办人" not in html
    assert "测试方案" in client.get("/xxgk/plan/").content.decode()


# --------------------------------------------------------------------------- demo


def test_the_demo_pilot_plan_is_seed_000s_table(demo):
    lines = load_plan_demo()
    assert lines and "7" in lines[0]
    plan = WorkPlan.objects.get(site=demo, title="迎江区政务公开标准化规范化试点工作方案")
    assert plan.year == 2017 and plan.is_public
    tasks = list(rules.tasks_of(plan))
    assert [t.step.number for t in tasks] == list(SEED_TABLE)
    for task in tasks:
        text, organisations, when, deadline = SEED_TABLE[task.step.number]
        assert task.text == text
        assert [o.name for o in rules.responsible(task)] == organisations
        assert (task.deadline_text, task.deadline) == (when, deadline)
        assert task.step.ends_on == deadline
        # 相关单位 names no organisation of the demo: it falls to the office, and says so
        assert ("相关单位" in task.remark and "暂由区政务公开办公室承担" in task.remark) is (
            task.step.number in WITH_RELATED_UNITS
        )


def test_the_demo_current_plan_has_every_state_and_one_overdue(demo):
    load_plan_demo()
    plan = WorkPlan.objects.get(site=demo, year=TODAY.year)
    tasks = list(rules.tasks_of(plan))
    assert {t.status for t in tasks} == set(PlanStatus.values)
    assert [t.text for t in tasks if t.is_overdue] == [
        "住房保障领域公开事项标准目录动态调整，按时限发布保障性住房分配信息"
    ]
    assert any(t.is_due_soon for t in tasks)
    assert all(t.completed_on for t in tasks if t.status in rules.CLOSED)
    count = WorkPlan.objects.count()
    assert load_plan_demo() == [] and WorkPlan.objects.count() == count  # idempotent


def test_a_plan_is_deleted_with_its_steps_tasks_and_notes(plan):
    """Deleting a plan (admin site, or its site) takes its steps, tasks and notes with it; a
    task's step must not protect it from the plan's own cascade."""
    rules.add_note(user("yj_editor"), plan.housing_task, "进展")
    plan.delete()
    assert not PlanTask.objects.exists() and not PlanNote.objects.exists()


def test_the_workbench_shows_the_organisations_open_and_overdue_tasks(plan, staff):
    html = staff("yj_editor2").get("/staff/").content.decode()  # 民政局: the overdue task only
    assert "本单位未完成的工作任务 1 项，其中逾期 1 项" in html and "社会救助信息公开" in html
    html = staff("yj_editor").get("/staff/").content.decode()  # 住建局: lead of one, co of one
    assert "本单位未完成的工作任务 2 项，其中逾期 1 项、即将到期 1 项" in html
    assert "工作方案任务" not in staff("yj_evaluator").get("/staff/").content.decode()


def test_the_sitemap_lists_published_plans_only(plan, client):
    assert f"/xxgk/plan/{plan.pk}/" not in client.get("/sitemap.xml").content.decode()
    rules.update_plan(user("yj_admin"), plan, {"is_public": True})
    assert f"/xxgk/plan/{plan.pk}/" in client.get("/sitemap.xml").content.decode()


def test_the_public_page_follows_a_status_change(plan, client):
    rules.update_plan(user("yj_admin"), plan, {"is_public": True})
    url = f"/xxgk/plan/{plan.pk}/"
    assert "status-done" not in client.get(url).content.decode()
    rules.change_status(user("yj_editor"), plan.housing_task, "done")
    assert 'class="plan-status status-done">已完成</span>' in client.get(url).content.decode()


def test_a_task_created_closed_records_its_date(plan):
    step = plan.steps.get()
    for status in rules.CLOSED:
        task = rules.add_task(
            SYSTEM, plan, step=step, text=status, lead=plan.housing_task.lead,
            deadline=TODAY, status=status,
        )  # fmt: skip
        assert PlanTask.objects.get(pk=task.pk).completed_on == TODAY
