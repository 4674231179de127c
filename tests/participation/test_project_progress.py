"""民生实事项目 from implementation on (issue 14 point 3 and its open data, point 9): weighted
progress, updates that drive the state and are never edited, files judged by content with
metadata stripped, deferral with a reason, one evaluation per person, the public timeline that
keeps the vote hidden until its results are published, the year's report (page and .docx)
whose numbers are the data's, and the CSV/JSON open data."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.models import AuditEvent, Role
from gongkai.core.sites import touch_site
from gongkai.participation import project_progress as progress
from gongkai.participation.models import (
    Milestone,
    ProgrammePhase,
    ProgressUpdate,
    ProjectEvaluation,
    ProjectFile,
    ProjectState,
    Proposal,
    ProposalState,
)
from gongkai.participation.rules import RuleError
from tests.conftest import login_verified, org, user
from tests.participation.factories import make_person, make_programme, make_project, make_staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCamera"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 31.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def build(site, *, results=True, phase=ProgrammePhase.IMPLEMENTATION, year=2025):
    """A programme through the vote (earlier phases written directly), one project selected
    from a screened proposal, one not selected."""
    office = org(site, "区人民政府办公室")
    now = timezone.now()
    programme = make_programme(
        office,
        year=year,
        phase=phase,
        candidates_published_at=now - timedelta(days=60),
        vote_opens_at=now - timedelta(days=50),
        vote_closes_at=now - timedelta(days=45),
        results_published_at=(now - timedelta(days=44)) if results else None,
    )
    project = make_project(
        programme, "老旧小区加装电梯", state=ProjectState.SELECTED, votes=17, rank=1,
        estimated_cost=Decimal("300"),
    )  # fmt: skip
    other = make_project(programme, "社区食堂", state=ProjectState.NOT_SELECTED, votes=3, rank=2)
    proposer = make_person()
    proposal = Proposal.objects.create(
        programme=programme,
        proposer=proposer,
        title="给老小区装电梯",
        category="housing",
        place="菱湖街道",
        description="六层老楼没有电梯。",
        state=ProposalState.FEASIBLE,
        screening_reason="需求集中，资金可落实。",
        screened_at=now - timedelta(days=70),
        project=project,
    )
    Proposal.objects.filter(pk=proposal.pk).update(created_at=now - timedelta(days=90))
    return programme, project, other


@pytest.fixture
def world(yingjiang):
    programme, project, other = build(yingjiang)
    housing = org(yingjiang, "区住房和城乡建设局")
    return {
        "site": yingjiang,
        "programme": programme,
        "project": project,
        "other": other,
        "housing": housing,
        "admin": user("yj_admin"),
        "editor": user("yj_editor"),
        "reviewer": user("yj_reviewer"),
        "civil_editor": user("yj_editor2"),
    }


def assigned(world, budget="280.00"):
    return progress.assign(
        world["project"],
        organisation=world["housing"],
        budget=Decimal(budget),
        planned_completion_on=TODAY + timedelta(days=30),
        actor=world["admin"],
    )


def test_progress_is_the_weighted_share_and_updates_drive_the_state(world):
    project = assigned(world)
    editor = world["editor"]
    m1 = progress.add_milestone(project, title="设计", due_on=TODAY, weight=1, actor=editor)
    m2 = progress.add_milestone(project, title="施工", due_on=TODAY, weight=3, actor=editor)
    assert progress.progress_of(project) == 0
    progress.post_update(project, text="已完成设计", milestone=m1, actor=editor)
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS
    assert progress.progress_of(project) == 25
    update = progress.post_update(
        project, text="完工", milestone=m2, done_on=TODAY - timedelta(days=1), actor=editor
    )
    project.refresh_from_db()
    assert update.progress == 100
    assert project.state == ProjectState.COMPLETED
    assert project.completed_on == TODAY  # the later of the milestones' dates
    assert progress.on_time(project) is True
    with pytest.raises(RuleError, match="已完成"):
        progress.add_milestone(project, title="再加", due_on=TODAY, actor=editor)
    assert (
        AuditEvent.objects.filter(
            object_type="participation.progressupdate", event_type="object.created"
        ).count()
        == 2
    )


def test_only_the_office_assigns_and_only_the_organisation_reports(world):
    project = world["project"]
    with pytest.raises(permissions.PermissionDenied):
        progress.assign(
            project, organisation=world["housing"], budget=None, planned_completion_on=None,
            actor=world["editor"],
        )  # fmt: skip
    with pytest.raises(RuleError, match="尚未确定责任单位"):
        progress.add_milestone(project, title="设计", due_on=TODAY, actor=world["editor"])
    project = assigned(world)
    for outsider in (world["civil_editor"], world["reviewer"], make_person()):
        with pytest.raises(permissions.PermissionDenied):
            progress.post_update(project, text="冒充", actor=outsider)
    assert not ProgressUpdate.objects.exists()


def test_before_results_are_published_nothing_is_implemented(yingjiang):
    _programme, project, _other = build(yingjiang, results=False, year=2024)
    with pytest.raises(RuleError, match="票决结果公布后"):
        progress.assign(
            project, organisation=org(yingjiang, "区住房和城乡建设局"), budget=None,
            planned_completion_on=None, actor=user("yj_admin"),
        )  # fmt: skip


def test_photos_lose_their_metadata_and_files_are_judged_by_content(world):
    from PIL import Image

    project = assigned(world)
    editor = world["editor"]
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the test's photo carries EXIF
    progress.post_update(
        project,
        text="施工现场",
        files=[progress.UploadedFile("现场.jpg", original, "施工现场")],
        actor=editor,
    )
    stored = ProjectFile.objects.get()
    assert stored.kind == ProjectFile.Kind.PHOTO
    with stored.file.open("rb") as fh:
        assert not Image.open(io.BytesIO(fh.read())).getexif()
    fake = b"<html><script>alert(1)</script></html>"
    with pytest.raises(RuleError, match="内容不是"):
        progress.post_update(
            project, text="第二次", files=[progress.UploadedFile("x.jpg", fake)], actor=editor
        )
    assert ProgressUpdate.objects.count() == 1  # nothing written for the refused upload


def test_a_posted_update_is_never_edited(world):
    project = assigned(world)
    update = progress.post_update(project, text="原文", actor=world["editor"])
    update.text = "改过的"
    with pytest.raises(RuleError, match="不能修改"):
        update.save()
    assert ProgressUpdate.objects.get().text == "原文"


def test_deferral_needs_a_reason_and_is_public(world, client):
    project = assigned(world)
    with pytest.raises(RuleError, match="须说明原因"):
        progress.defer(project, reason="  ", actor=world["editor"])
    progress.defer(project, reason="征地未完成", actor=world["editor"])
    project.refresh_from_db()
    assert project.state == ProjectState.DEFERRED
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "征地未完成" in page and "延期实施" in page
    progress.resume(project, text="征地完成", actor=world["editor"])
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS and project.deferred_reason == ""


def test_overdue_milestones_are_flagged(world, client):
    project = assigned(world)
    progress.add_milestone(
        project, title="逾期节点", due_on=TODAY - timedelta(days=3), actor=world["editor"]
    )
    progress.add_milestone(
        project, title="未到期", due_on=TODAY + timedelta(days=3), actor=world["editor"]
    )
    overdue = progress.overdue_milestones(Milestone.objects.all())
    assert [m.title for m in overdue] == ["逾期节点"]
    # the workbench of the organisation shows it; another organisation's editor has no panel
    login_verified(client, world["editor"])
    page = client.get(reverse("core:workbench")).content.decode()
    assert "民生实事项目实施" in page and "逾期节点" in page
    client.logout()
    login_verified(client, world["civil_editor"])
    assert "逾期节点" not in client.get(reverse("core:workbench")).content.decode()


# --------------------------------------------------------------------------- evaluation


def test_evaluation_rule_one_per_person_and_closed_by_the_report(world):
    project = assigned(world)
    person = make_person()
    with pytest.raises(RuleError, match="不在满意度测评期间"):
        progress.evaluate(project, score=5, actor=person)
    programme = world["programme"]
    programme.phase = ProgrammePhase.EVALUATION  # advance() is the vote helper's; read only
    programme.save()
    project.refresh_from_db()
    progress.evaluate(project, score=4, comment="电梯很好，我电话13912345678", actor=person)
    with pytest.raises(RuleError, match="每人每个项目只能评价一次"):
        progress.evaluate(project, score=1, actor=person)
    with pytest.raises(permissions.PermissionDenied, match="工作人员账号"):
        progress.evaluate(project, score=5, actor=world["editor"])
    with pytest.raises(permissions.PermissionDenied, match="请先登录"):
        progress.evaluate(project, score=5, actor=make_person(verified=False))
    with pytest.raises(RuleError, match="1 到 5"):
        progress.evaluate(project, score=6, actor=make_person())
    progress.evaluate(project, score=2, actor=make_person())
    hidden = progress.evaluate(project, score=5, actor=make_person())
    ProjectEvaluation.objects.filter(pk=hidden.pk).update(hidden=True, hidden_reason="重复")
    stats = progress.satisfaction(project)
    assert (stats.count, stats.average) == (2, Decimal("3.00"))
    assert dict(stats.distribution) == {5: 0, 4: 1, 3: 0, 2: 1, 1: 0}
    event = AuditEvent.objects.filter(object_type="participation.projectevaluation").first()
    assert event.actor_id is None and "13912345678" not in json.dumps(event.after)
    progress.publish_report(programme, actor=world["admin"])
    project.refresh_from_db()
    with pytest.raises(RuleError, match="不在满意度测评期间"):
        progress.evaluate(project, score=3, actor=make_person())


def test_a_completed_project_is_open_for_evaluation_before_the_phase(world):
    project = assigned(world)
    m = progress.add_milestone(project, title="完工", due_on=TODAY, actor=world["editor"])
    progress.post_update(project, text="完工", milestone=m, actor=world["editor"])
    project.refresh_from_db()
    assert world["programme"].phase == ProgrammePhase.IMPLEMENTATION
    assert progress.evaluation_open(project)


def test_the_evaluation_page_refuses_a_second_rating_clearly(world, client):
    project = assigned(world)
    world["programme"].phase = ProgrammePhase.EVALUATION
    world["programme"].save()
    url = reverse("projects:evaluate", args=[project.pk])
    # (anonymous visitors go to accounts:login through decorators.person_required)
    person = make_person()
    client.force_login(person)
    response = client.post(url, {"score": "5", "comment": "好"})
    assert response.status_code == 302
    again = client.post(url, {"score": "1"})
    assert again.status_code == 400
    assert "每人每个项目只能评价一次" in again.content.decode()
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "1 人评价，平均 5.00 分" in page


# --------------------------------------------------------------------------- the public page


def test_the_timeline_shows_the_whole_path_and_hides_votes_until_results(yingjiang, client):
    programme, project, _other = build(yingjiang, results=False, phase=ProgrammePhase.VOTING)
    url = reverse("projects:project", args=[project.pk])
    hidden = client.get(url).content.decode()
    assert "给老小区装电梯" in hidden and "候选项目公示" in hidden
    assert "17 票" not in hidden and "得票" not in hidden and "排名" not in hidden
    assert "project-votes" not in hidden and "未入选" not in hidden
    programme.results_published_at = timezone.now() - timedelta(days=10)
    programme.phase = ProgrammePhase.IMPLEMENTATION
    programme.save()
    touch_site(yingjiang)  # what publishing the results does (the vote's rules)
    world = {"project": project, "housing": org(yingjiang, "区住房和城乡建设局"),
             "admin": user("yj_admin")}  # fmt: skip
    project = assigned(world)
    editor = user("yj_editor")
    m = progress.add_milestone(project, title="竣工验收", due_on=TODAY, actor=editor)
    progress.post_update(
        project, text="电梯投入使用", milestone=m, actor=editor,
        files=[progress.UploadedFile("完工.jpg", jpeg_with_gps(), "完工照片")],
    )  # fmt: skip
    project.refresh_from_db()
    progress.evaluate(project, score=5, actor=make_person())
    page = client.get(url).content.decode()
    assert "得票 17 票，排名第 1 位" in page
    kinds = [k for k in ("proposal", "screening", "candidates", "vote", "result", "assigned",
                         "update", "completed", "evaluation")]  # fmt: skip
    positions = [page.index(f'data-kind="{k}"') for k in kinds]
    assert positions == sorted(positions)  # every step, in date order, on the page
    assert '<ol class="project-timeline"' in page and "<time datetime=" in page
    assert 'alt="完工照片"' in page
    entries = progress.timeline(project)
    assert [e.kind for e in entries] == kinds  # in date order
    photo = ProjectFile.objects.get()
    response = client.get(reverse("projects:project_file", args=[project.pk, photo.pk]))
    assert response.status_code == 200
    assert reverse("foi:apply") in page


def test_a_project_of_an_unpublished_candidate_list_has_no_page(yingjiang, client):
    programme, project, _other = build(yingjiang, results=False, year=2023)
    programme.candidates_published_at = None
    programme.save()
    assert client.get(reverse("projects:project", args=[project.pk])).status_code == 404


# --------------------------------------------------------------------------- the report


def test_the_report_equals_the_data_on_the_page_and_in_the_docx(world, client):
    from docx import Document

    project = assigned(world)
    editor = world["editor"]
    m = progress.add_milestone(project, title="完工", due_on=TODAY, weight=2, actor=editor)
    progress.post_update(project, text="完工", milestone=m, spent=Decimal("265.5"), actor=editor)
    programme = world["programme"]
    year_url = reverse("projects:year_report", args=[programme.year])
    assert client.get(year_url).status_code == 404
    with pytest.raises(RuleError, match="满意度测评阶段开始后"):
        progress.publish_report(programme, actor=world["admin"])
    programme.phase = ProgrammePhase.EVALUATION
    programme.save()
    project.refresh_from_db()
    for score in (5, 4, 4):
        progress.evaluate(project, score=score, actor=make_person())
    with pytest.raises(permissions.PermissionDenied):
        progress.publish_report(programme, actor=editor)
    programme = progress.publish_report(programme, actor=world["admin"])
    figures = programme.report_data
    assert figures["selected"] == 1 and figures["completed"] == 1 and figures["on_time"] == 1
    assert figures["budget"] == "280.00" and figures["spent"] == "265.50"
    assert figures["evaluations"] == 3 and figures["satisfaction"] == "4.33"
    assert figures["candidates"] == 2 and figures["proposals"] == 1
    page = client.get(year_url).content.decode()
    assert "票决确定民生实事项目 1 个" in page and "平均满意度 4.33 分" in page
    response = client.get(reverse("projects:year_report_docx", args=[programme.year]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2025年民生实事项目年度总结" in text
    assert "计划预算合计 280.00 万元，累计完成投资 265.50 万元" in text
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    row = dict(zip(header, [c.text for c in table.rows[1].cells], strict=True))
    assert len(table.rows) == 2  # the selected project only
    assert row["项目名称"] == project.title and row["得票"] == "17"
    assert row["进度（%）"] == str(progress.progress_of(project)) == "100"
    assert row["满意度"] == str(progress.satisfaction(project).average) == "4.33"
    assert row["预算（万元）"] == "280.00" and row["按期完成"] == "是"
    with pytest.raises(RuleError, match="已经发布"):
        progress.publish_report(programme, actor=world["admin"])


# --------------------------------------------------------------------------- open data


def test_open_data_lists_only_selected_projects_of_published_results(world, client):
    project = assigned(world)
    editor = world["editor"]
    progress.add_milestone(project, title="设计", due_on=TODAY - timedelta(days=1), actor=editor)
    m = progress.add_milestone(project, title="施工", due_on=TODAY, weight=3, actor=editor)
    progress.post_update(project, text="施工完成", milestone=m, actor=editor)
    _unpublished, hidden_project, _ = build(world["site"], results=False, year=2026)
    base = f"/api/v1/sites/yingjiang/projects/{world['programme'].year}"
    response = client.get(f"{base}/progress.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == [project.title]  # not the project not selected
    assert rows[0]["progress"] == "75" and rows[0]["milestones_overdue"] == "1"
    assert rows[0]["organisation"] == "区住房和城乡建设局" and rows[0]["votes"] == "17"
    milestones = list(
        csv.DictReader(
            io.StringIO(client.get(f"{base}/milestones.csv").content.decode("utf-8-sig"))
        )
    )
    assert [(r["title"], r["overdue"]) for r in milestones] == [("设计", "True"), ("施工", "False")]
    data = json.loads(client.get(f"{base}/progress.json").content)
    assert data["projects"][0]["progress"] == 75
    assert len(data["projects"][0]["milestones_detail"]) == 2
    unpublished = client.get("/api/v1/sites/yingjiang/projects/2026/progress.csv")
    assert list(csv.DictReader(io.StringIO(unpublished.content.decode("utf-8-sig")))) == []
    assert hidden_project.title not in unpublished.content.decode()


def test_the_overview_has_the_chart_data_and_the_same_numbers_in_a_table(world, client):
    project = assigned(world)
    m = progress.add_milestone(project, title="施工", due_on=TODAY, weight=1, actor=world["editor"])
    progress.add_milestone(project, title="验收", due_on=TODAY, weight=1, actor=world["editor"])
    progress.post_update(project, text="施工完成", milestone=m, actor=world["editor"])
    page = client.get(reverse("projects:overview", args=[world["programme"].year])).content.decode()
    assert 'id="progress-chart-data"' in page and "echarts.min.js" in page
    assert '"progress": [50]' in page
    assert "<td>50</td>" in page and "<script>" not in page.split("progress-chart-data")[0][-200:]


# --------------------------------------------------------------------------- staff pages


def test_the_editor_posts_an_update_with_a_photo_through_the_page(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = assigned(world)
    m = progress.add_milestone(project, title="施工", due_on=TODAY, actor=world["editor"])
    later = progress.add_milestone(project, title="验收", due_on=TODAY, actor=world["editor"])
    url = reverse("projects_staff:progress_update", args=[project.pk])
    login_verified(client, world["reviewer"])
    assert client.post(url, {"text": "审核人不能发"}).status_code == 403
    client.logout()
    login_verified(client, world["civil_editor"])
    assert (
        client.get(reverse("projects_staff:progress_project", args=[project.pk])).status_code == 404
    )
    client.logout()
    login_verified(client, world["editor"])
    response = client.post(
        url,
        {
            "text": "施工完成",
            "milestone": m.pk,
            "done_on": TODAY.isoformat(),
            "files": [SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg")],
            "caption": "完工",
        },
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().files.count() == 1
    bad = client.post(
        url,
        {"text": "x", "milestone": later.pk, "done_on": (TODAY + timedelta(days=2)).isoformat()},
    )
    assert bad.status_code == 400 and "完成日期不能晚于今天" in bad.content.decode()


def test_the_demo_goes_through_the_whole_year(yingjiang, client):
    from gongkai.participation.demo_projects_progress import load_projects_progress_demo
    from gongkai.participation.models import LivelihoodProgramme

    lines = load_projects_progress_demo()
    assert lines
    programme = LivelihoodProgramme.objects.get(site=yingjiang, year=2025)
    assert programme.report_published_at is not None and programme.phase == ProgrammePhase.CLOSED
    states = set(programme.projects.values_list("state", flat=True))
    assert {ProjectState.COMPLETED, ProjectState.IN_PROGRESS, ProjectState.NOT_SELECTED} <= states
    assert (
        programme.report_data["selected"]
        == programme.projects.filter(state__in=progress.IMPLEMENTATION_STATES).count()
    )
    assert load_projects_progress_demo() == []  # idempotent
    assert client.get(reverse("projects:overview", args=[2025])).status_code == 200
    assert client.get(reverse("projects:year_report", args=[2025])).status_code == 200


def test_staff_of_a_deputy_role_see_no_projects(world):
    project = assigned(world)
    deputy = make_staff(world["housing"], Role.DEPUTY)
    assert project not in progress.staff_projects(deputy)
    assert project in progress.staff_projects(world["editor"])
    assert project in progress.staff_projects(world["admin"])


def test_a_stale_copy_of_a_reassigned_project_gives_no_rights(world):
    stale = assigned(world)  # the 住建局 editor's page was loaded with this
    progress.assign(
        world["project"], organisation=org(world["site"], "区民政局"), budget=None,
        planned_completion_on=None, actor=world["admin"],
    )  # fmt: skip
    with pytest.raises(permissions.PermissionDenied):
        progress.post_update(stale, text="已不是我们的项目", actor=world["editor"])
    with pytest.raises(permissions.PermissionDenied):
        progress.add_milestone(stale, title="x", due_on=TODAY, actor=world["editor"])
    assert not ProgressUpdate.objects.exists() and not Milestone.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_evaluations_by_one_person_leave_exactly_one(yingjiang):
    """Ten submissions by the same person at the same instant, each in its own connection: the
    unique constraint keeps one, the others get the clear message (not a 500)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip(
            "需要 PostgreSQL：SQLite 的测试库是共享缓存的内存库，并发写入的线程立即得到"
            "“database table is locked”而不是等待（CI 在 PostgreSQL 上运行本测试）。"
        )
    programme, project, _other = build(yingjiang, phase=ProgrammePhase.EVALUATION)
    person = make_person()
    parallel = 10
    barrier = threading.Barrier(parallel)
    done, refused, errors = [], [], []

    def submit():
        try:
            barrier.wait()
            done.append(progress.evaluate(project, score=4, actor=person).pk)
        except RuleError as exc:
            refused.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(done) == 1 and ProjectEvaluation.objects.filter(project=project).count() == 1
    assert refused == [progress.ALREADY_EVALUATED] * (parallel - 1)


def test_the_sitemap_lists_the_published_project_pages(world, client):
    import re as regex

    project = assigned(world)
    body = client.get("/sitemap.xml").content.decode()
    locations = regex.findall(r"<loc>([^<]+)</loc>", body)
    paths = {loc.split("//", 1)[-1].split("/", 1)[-1] for loc in locations}
    assert f"participate/projects/p/{project.pk}/" in paths
    assert f"participate/projects/p/{world['other'].pk}/" not in paths  # not selected
    assert f"participate/projects/{world['programme'].year}/overview/" in paths
