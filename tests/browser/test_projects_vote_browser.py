"""民生实事项目 end to end up to the results (issue 14's acceptance): a person proposes a project,
the office screens it and publishes the candidates, two deputies vote through the staff login
(an account without the role is refused, a second ballot by the same deputy is refused), the
office closes the vote and publishes the results, the public sees the counts; axe on the
public pages, at 1280 and 375 px."""

from datetime import timedelta

import pytest

from tests.browser.conftest import PHONE, assert_accessible, logged_in_context, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    from django.utils import timezone

    from gongkai.core.demo import DEMO_PASSWORD, load_demo
    from gongkai.core.models import Membership, Organisation, Role, Site, User
    from gongkai.participation import projects
    from tests.participation.factories import make_person, make_programme

    settings.REQUIRE_2FA = False  # the ballot page's second factor: test_projects_vote.py
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    office = Organisation.objects.get(site=site, name="区政务公开办公室")
    today = timezone.localdate()
    programme = make_programme(
        office,
        2026,
        solicitation_opens_on=today - timedelta(days=3),
        solicitation_closes_on=today + timedelta(days=10),
        choices_per_ballot=2,
        projects_to_select=1,
    )
    other = make_person(name="宜城路老王")
    projects.submit_proposal(
        programme, other, title="社区老年食堂", category="elderly", place="宜城路社区",
        description="老人吃饭难，建议建设老年食堂。", estimated_cost="120",
    )  # fmt: skip
    deputy2 = User.objects.create_user("yj_deputy_b", None, DEMO_PASSWORD, display_name="代表乙")
    Membership.objects.create(
        user=deputy2, organisation=Organisation.objects.get(site=site, name="区人民政府办公室"),
        role=Role.DEPUTY,
    )  # fmt: skip
    return {"programme": programme, "person": make_person(name="菱湖居民"), "deputy2": deputy2}


def _local(dt):
    from django.utils import timezone

    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_propose_screen_vote_and_publish(world, browser, live_server):
    from django.utils import timezone

    from gongkai.core.models import User
    from gongkai.participation.models import Ballot, LivelihoodProject, Proposal

    # --- a verified person proposes
    context, person = logged_in_context(browser, live_server, world["person"])
    person.goto("/participate/projects/")
    person.get_by_role("link", name="2026 年民生实事项目").click()
    assert_accessible(person, "programme page, solicitation")
    person.get_by_role("link", name="我要提建议").click()
    person.get_by_label("项目名称").fill("老旧小区加装电梯")
    person.get_by_label("项目类别").select_option(label="住房和社区")
    person.get_by_label("实施地点").fill("菱湖街道")
    person.get_by_label("估算投资（万元，选填）").fill("80.555")
    person.get_by_label("建议内容").fill("老人上下楼困难，建议加装电梯。")
    person.get_by_role("button", name="提交建议").click()
    assert "最多保留两位小数" in person.content()  # a clear message, the form kept
    assert_accessible(person, "proposal form with an error")
    person.get_by_label("估算投资（万元，选填）").fill("800")
    person.get_by_role("button", name="提交建议").click()
    person.wait_for_url("**/participate/projects/2026/?submitted=1*")
    proposals = person.get_by_test_id("proposals")
    assert "老旧小区加装电梯" in proposals.inner_text()
    assert "菱湖居民" in proposals.inner_text()
    context.close()
    lift = Proposal.objects.get(title="老旧小区加装电梯")
    canteen = Proposal.objects.get(title="社区老年食堂")

    # --- the office screens both and publishes the candidates
    office_context, office = staff_login(browser, live_server, username="yj_admin")
    office.goto("/staff/participation/projects/")
    office.get_by_role("link", name="2026 年民生实事项目").click()
    office.get_by_role("button", name="进入“筛选论证”阶段").click()
    assert office.get_by_test_id("phase").inner_text() == "当前阶段：筛选论证"
    for proposal, reason in ((lift, "需求集中，列入候选"), (canteen, "符合养老服务规划")):
        box = office.locator(f"#proposal-{proposal.pk}")
        box.get_by_label("可行，列入候选").check()
        box.get_by_label("筛选意见").fill(reason)
        box.get_by_role("button", name="提交筛选意见").click()
        assert (
            "可行，列入候选" in office.get_by_test_id(f"proposal-state-{proposal.pk}").inner_text()
        )
    assert_accessible(office, "staff programme page, screening")
    office.get_by_role("button", name="公示候选项目（进入“候选项目公示”）").click()
    assert office.get_by_test_id("phase").inner_text() == "当前阶段：候选项目公示"
    # the roster and the vote's times
    for deputy in (User.objects.get(username="yj_deputy"), world["deputy2"]):
        office.get_by_label("代表账号").select_option(value=str(deputy.pk))
        office.get_by_role("button", name="加入名单").click()
    assert "yj_deputy_b" in office.get_by_test_id("roster").inner_text()
    now = timezone.now()
    office.get_by_label("票决开始时间").fill(_local(now - timedelta(hours=1)))
    office.get_by_label("票决截止时间").fill(_local(now + timedelta(days=1)))
    office.get_by_role("button", name="保存设置").click()
    office.get_by_role("button", name="进入“代表票决”阶段").click()
    assert office.get_by_test_id("phase").inner_text() == "当前阶段：代表票决"
    assert "已投票 0 / 名单 2" in office.get_by_test_id("vote-status").inner_text()

    # --- the public sees the candidates with their proposals, and no count
    public_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    public = public_context.new_page()
    public.goto("/participate/projects/2026/")
    candidates = public.get_by_test_id("candidates").inner_text()
    assert "老旧小区加装电梯" in candidates and "来自项目建议" in candidates
    assert public.get_by_test_id("results").count() == 0
    assert_accessible(public, "programme page, voting")

    # --- deputy A votes; the same deputy's second ballot (from another tab) is refused
    a_context, deputy_a = staff_login(browser, live_server, username="yj_deputy")
    deputy_a.goto("/staff/participation/projects/")
    deputy_a.get_by_role("link", name="进入票决").click()
    second_tab = a_context.new_page()
    second_tab.goto(deputy_a.url)
    assert_accessible(deputy_a, "ballot page")
    deputy_a.get_by_label("老旧小区加装电梯").check()
    deputy_a.get_by_label("社区老年食堂").check()
    deputy_a.get_by_role("button", name="提交选票").click()
    assert "您已提交选票" in deputy_a.get_by_test_id("voted").inner_text()
    second_tab.get_by_label("社区老年食堂").check()
    second_tab.get_by_role("button", name="提交选票").click()
    assert "已经投过票" in second_tab.get_by_test_id("ballot-error").inner_text()
    a_context.close()

    # --- deputy B votes; an account without the role is refused
    b_context, deputy_b = staff_login(browser, live_server, username="yj_deputy_b")
    deputy_b.goto("/staff/participation/projects/2026/vote/")
    deputy_b.get_by_label("老旧小区加装电梯").check()
    deputy_b.get_by_role("button", name="提交选票").click()
    assert deputy_b.get_by_test_id("voted").is_visible()
    b_context.close()
    e_context, editor = staff_login(browser, live_server, username="yj_editor")
    response = editor.goto("/staff/participation/projects/2026/vote/")
    assert response.status == 403
    assert "不在 2026 年度票决代表名单中" in editor.get_by_test_id("refusal").inner_text()
    assert editor.get_by_role("button", name="提交选票").count() == 0
    e_context.close()
    assert Ballot.objects.count() == 2

    # --- the office closes the vote, sees the tally, publishes the results
    office.reload()
    assert office.get_by_test_id("tally").count() == 0  # hidden while open
    office.get_by_role("button", name="结束票决").click()
    tally = office.get_by_test_id("tally").inner_text()
    assert "老旧小区加装电梯" in tally
    office.get_by_role("button", name="公布票决结果").click()
    assert office.get_by_test_id("phase").inner_text() == "当前阶段：票决结果公布"
    office_context.close()
    lift_project = LivelihoodProject.objects.get(title="老旧小区加装电梯")
    assert (lift_project.votes, lift_project.rank, lift_project.state) == (2, 1, "selected")

    # --- the public sees the counts, on a phone too
    phone_context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    phone = phone_context.new_page()
    phone.goto("/participate/projects/2026/")
    rows = phone.get_by_test_id("results").locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split() == ["1", "老旧小区加装电梯", "2", "票决确定"]
    assert rows.nth(1).inner_text().split() == ["2", "社区老年食堂", "1", "未入选"]
    assert "实际投票 2 名" in phone.get_by_test_id("turnout").inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at 375 px ({width})"
    assert_accessible(phone, "programme page with results, 375 px")
    csv_text = phone.request.get("/api/v1/participation/projects/yingjiang/2026/results.csv").text()
    assert "老旧小区加装电梯,2,是" in csv_text
    phone_context.close()
    public_context.close()
