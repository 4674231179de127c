"""民生实事项目 from implementation on, end to end: the responsible organisation's editor marks
a milestone done and uploads a photo, a person rates the project, and the public page's
timeline shows every step (proposal, screening, candidate list, the vote's result, the update
with its photo, the evaluation); the year's overview draws its charts and keeps the table;
axe and 375 px on each page."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, logged_in_context, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def world(transactional_db, settings):
    from django.utils import timezone

    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from gongkai.participation import project_progress as progress
    from gongkai.participation.models import ProjectState, Proposal, ProposalState
    from tests.conftest import org, user
    from tests.participation.factories import make_person, make_programme, make_project

    settings.REQUIRE_2FA = False
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    now = timezone.now()
    # the earlier phases, as the vote's rules leave them (written directly)
    programme = make_programme(
        org(site, "区人民政府办公室"),
        year=2026,
        phase="implementation",
        candidates_published_at=now - timedelta(days=40),
        vote_opens_at=now - timedelta(days=30),
        vote_closes_at=now - timedelta(days=29),
        results_published_at=now - timedelta(days=29),
    )
    project = make_project(programme, "社区老年食堂", state=ProjectState.SELECTED, votes=23, rank=1)
    proposal = Proposal.objects.create(
        programme=programme,
        proposer=make_person(),
        title="建一个社区老年食堂",
        category="elderly",
        place="新河路街道",
        description="老人吃饭难。",
        state=ProposalState.FEASIBLE,
        screening_reason="需求集中，可以实施。",
        screened_at=now - timedelta(days=45),
        project=project,
    )
    Proposal.objects.filter(pk=proposal.pk).update(created_at=now - timedelta(days=60))
    progress.assign(
        project,
        organisation=org(site, "区住房和城乡建设局"),
        budget=Decimal("120"),
        planned_completion_on=timezone.localdate() + timedelta(days=60),
        actor=user("yj_admin"),
    )
    editor = user("yj_editor")
    today = timezone.localdate()
    progress.add_milestone(
        project, title="选址改造", due_on=today - timedelta(days=1), actor=editor
    )
    progress.add_milestone(
        project, title="开餐运营", due_on=today + timedelta(days=30), actor=editor
    )
    return {"site": site, "programme": programme, "project": project}


def fits(page, width=375) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page is {scroll}px wide at {width}px"


def test_progress_rating_and_the_public_timeline(world, browser, live_server, tmp_path):
    from gongkai.core.sites import touch_site
    from gongkai.participation.models import ProgressUpdate
    from tests.participation.factories import make_person

    project = world["project"]
    # --- the organisation's editor: the workbench shows the overdue milestone
    context, page = staff_login(browser, live_server, username="yj_editor")
    panel = page.get_by_role("region", name="民生实事项目实施")
    assert "选址改造" in panel.inner_text()
    assert page.get_by_test_id("progress-overdue").inner_text() == "1"
    panel.get_by_role("link", name="社区老年食堂").click()
    assert page.get_by_test_id("staff-progress").inner_text() == "0%"
    assert_accessible(page, "staff project page")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(photo_bytes())
    page.get_by_label("进展情况").fill("选址和改造完成，厨房设备已进场。")
    page.get_by_label("本次完成的节点").select_option(label="选址改造")
    page.get_by_label("照片或文件").set_input_files(str(photo))
    page.get_by_label("照片说明").fill("改造后的餐厅")
    page.get_by_role("button", name="发布进展").click()
    page.wait_for_url(f"**/staff/participation/projects/p/{project.pk}/")
    assert "进展已发布" in page.content()
    assert page.get_by_test_id("staff-progress").inner_text() == "50%"
    assert page.get_by_test_id("staff-state").inner_text() == "实施中"
    context.close()
    assert ProgressUpdate.objects.get().files.count() == 1

    # --- the evaluation phase (the vote's advance(); written directly here)
    programme = world["programme"]
    programme.phase = "evaluation"
    programme.save()
    touch_site(world["site"])
    person = make_person()
    context, page = logged_in_context(browser, live_server, person, viewport=PHONE)
    page.goto(f"/participate/projects/p/{project.pk}/")
    page.get_by_role("link", name="我要评价").click()
    assert_accessible(page, "evaluation form at 375 px")
    fits(page)
    page.get_by_label("4 分 满意").check()
    page.get_by_label("意见建议（选填）").fill("饭菜可口，希望早日开餐。")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_url(f"**/participate/projects/p/{project.pk}/")
    assert "感谢您的评价" in page.content()
    page.goto(f"/participate/projects/p/{project.pk}/evaluate/")
    page.get_by_label("5 分 非常满意").check()
    page.get_by_role("button", name="提交评价").click()
    assert "每人每个项目只能评价一次" in page.get_by_role("alert").inner_text()
    context.close()

    # --- the public page, without logging in, at 375 px: every step on the timeline
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"/participate/projects/p/{project.pk}/")
    timeline = page.get_by_role("list", name="项目全过程")
    kinds = timeline.locator(":scope > li").evaluate_all("items => items.map(i => i.dataset.kind)")
    for kind in ("proposal", "screening", "candidates", "vote", "result", "assigned", "update",
                 "evaluation"):  # fmt: skip
        assert kind in kinds, kind
    assert kinds.index("proposal") < kinds.index("result") < kinds.index("update")
    text = timeline.inner_text()
    assert "建一个社区老年食堂" in text and "需求集中，可以实施" in text
    assert "得票 23 票，排名第 1 位" in text
    assert "选址和改造完成" in text and "1 人评价，平均 4.00 分" in text
    assert timeline.locator("time").count() == len(kinds)
    image = timeline.get_by_role("img", name="改造后的餐厅")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_test_id("project-progress").inner_text() == "50%"
    assert page.get_by_role("link", name="就此申请政府信息公开").count() == 1
    assert_accessible(page, "project page at 375 px")
    fits(page)

    # --- the year's overview: charts drawn from the data island, the same numbers in the table
    page.goto("/participate/projects/2026/overview/")
    page.locator('[data-chart="progress"] svg').wait_for()
    row = page.get_by_test_id("overview-table").locator("tbody tr").first
    assert "社区老年食堂" in row.inner_text() and "50" in row.inner_text()
    assert_accessible(page, "overview at 375 px")
    fits(page)
    context.close()


def test_the_overview_without_javascript_is_the_table(world, browser, live_server):
    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/participate/projects/2026/overview/")
    assert page.locator('[data-chart="progress"]').is_hidden()
    table = page.get_by_test_id("overview-table")
    assert "社区老年食堂" in table.inner_text()
    context.close()
