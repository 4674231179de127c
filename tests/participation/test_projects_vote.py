"""民生实事项目 from solicitation to the vote results (issue 14 point 3, open data point 9):
phases strictly forward with dates and audit, proposals by verified people, merging and
screening with reasons, the candidate list, the roster, one ballot per deputy (also under two
parallel submissions), no count anywhere before the vote closes, the tally with its tie rule,
and the CSV/JSON open data read back."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gongkai.core.models import AuditEvent, Role
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.participation import projects
from gongkai.participation.models import (
    Ballot,
    LivelihoodProgramme,
    ProgrammePhase,
    ProjectState,
    Proposal,
    ProposalState,
)
from tests.conftest import login_verified, org, user
from tests.participation.factories import make_person, make_programme, make_project, make_staff

P = ProgrammePhase


@pytest.fixture
def office(yingjiang):
    return org(yingjiang, "区政务公开办公室")


@pytest.fixture
def admin(demo):
    return user("yj_admin")


@pytest.fixture
def programme(office):
    return make_programme(office, phase=P.SOLICITATION)


def _propose(programme, person=None, **overrides):
    values = {
        "title": "老旧小区加装电梯",
        "category": "housing",
        "place": "菱湖街道",
        "description": "老人上下楼困难。",
        "estimated_cost": "120.5",
    }
    values.update(overrides)
    return projects.submit_proposal(programme, person or make_person(), **values)


def _voting(office, admin, *, choices=2, select=2, titles=("电梯", "食堂", "护学通道")):
    """A programme in the voting phase with candidates and yj_deputy plus a second deputy on
    the roster, the vote open."""
    programme = make_programme(office, phase=P.CANDIDATES, candidates_published_at=timezone.now())
    candidates = [make_project(programme, t, order=i) for i, t in enumerate(titles, start=1)]
    second = make_staff(office, Role.DEPUTY, username="deputy_two")
    for deputy in (user("yj_deputy"), second):
        projects.add_deputy(programme, deputy, admin)
    now = timezone.now()
    projects.edit_programme(
        programme,
        admin,
        vote_opens_at=now - timedelta(hours=1),
        vote_closes_at=now + timedelta(days=1),
        choices_per_ballot=choices,
        projects_to_select=select,
    )
    programme = projects.advance(programme, P.VOTING, admin)
    return programme, candidates, [user("yj_deputy"), second]


# --------------------------------------------------------------------------- phases


def test_phases_move_strictly_forward_one_at_a_time_with_date_and_audit(programme, admin):
    with pytest.raises(projects.RuleError, match="只能向后推进"):
        projects.advance(programme, P.DRAFT, admin)
    with pytest.raises(projects.RuleError, match="逐一推进"):
        projects.advance(programme, P.CANDIDATES, admin)
    moved = projects.advance(programme, P.SCREENING, admin)
    assert moved.phase == P.SCREENING
    assert projects.phase_entered_on(moved, P.SCREENING) is not None
    event = AuditEvent.objects.filter(
        object_type="participation.livelihoodprogramme", object_id=str(programme.pk)
    ).latest("id")
    assert event.after == {"phase": "screening"} and event.actor_username == "yj_admin"


def test_only_the_sites_office_admin_advances(programme, demo):
    for name in ("yj_editor", "yj_deputy", "oh_admin"):
        with pytest.raises(PermissionDenied):
            projects.advance(programme, P.SCREENING, user(name))
    assert LivelihoodProgramme.objects.get(pk=programme.pk).phase == P.SOLICITATION


def test_results_need_the_vote_closed(office, admin):
    programme, candidates, deputies = _voting(office, admin)
    with pytest.raises(projects.RuleError, match="票决尚未截止"):
        projects.publish_results(programme, admin)
    assert "票决尚未截止，截止后才能公布结果。" in projects.phase_problems(programme, P.RESULTS)


def test_other_parts_can_add_phase_rules(office, admin):
    programme = make_programme(office, phase=P.RESULTS, results_published_at=timezone.now())

    def needs_budget(p, now):
        raise projects.RuleError("请先填写预算。")

    projects.register_phase_rule(P.IMPLEMENTATION, check=needs_budget)
    try:
        with pytest.raises(projects.RuleError, match="请先填写预算"):
            projects.advance(programme, P.IMPLEMENTATION, admin)
    finally:
        projects._CHECKS[P.IMPLEMENTATION].remove(needs_budget)
    assert projects.advance(programme, P.IMPLEMENTATION, admin).phase == P.IMPLEMENTATION


# --------------------------------------------------------------------------- proposals


def test_only_verified_people_propose_and_only_during_solicitation(programme, office, demo):
    with pytest.raises(PermissionDenied, match="工作人员账号不能以公众身份"):
        _propose(programme, user("yj_editor"))
    with pytest.raises(PermissionDenied, match="请先登录"):
        _propose(programme, make_person(verified=False))
    proposal = _propose(programme)
    assert proposal.estimated_cost == Decimal("120.50")
    closed = make_programme(office, year=2027, phase=P.SCREENING)
    with pytest.raises(projects.RuleError, match="不在征集期"):
        _propose(closed)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "负数"),
        ("1.234", "两位小数"),
        ("十万", "请填写数字"),
        ("1e20", "过大"),
        ("NaN", "请填写数字"),
        ("Infinity", "请填写数字"),
    ],
)
def test_estimated_cost_is_a_checked_decimal(value, message):
    with pytest.raises(projects.RuleError, match=message):
        projects.parse_cost(value)
    assert projects.parse_cost(" 85.5 ") == Decimal("85.50")
    assert projects.parse_cost("") is None


def test_propose_page_sends_strangers_to_log_in_and_refuses_bad_input(client, programme):
    url = reverse("projects:propose", args=[programme.year])
    try:
        login = reverse("accounts:login")
    except NoReverseMatch:  # the public login page comes with the accounts part of issue 14
        login = None
    if login is not None:
        assert client.get(url)["Location"].startswith(login)
    person = make_person()
    client.force_login(person)
    data = {"title": "护学通道", "category": "safety", "place": "人民路", "description": "拥堵"}
    response = client.post(url, {**data, "estimated_cost": "-3"})
    assert response.status_code == 400 and "不能为负数" in response.content.decode()
    response = client.post(url, {**data, "website": "http://spam.example"})  # honeypot
    assert response.status_code == 400 and not Proposal.objects.exists()
    response = client.post(url, {**data, "estimated_cost": "60"})
    assert response.status_code == 302
    page = client.get(reverse("projects:programme", args=[programme.year])).content.decode()
    name = person.public_account.display_name
    assert "护学通道" in page and name in page


def test_one_person_proposes_at_most_five_a_year(programme, office, admin):
    person = make_person()
    for n in range(projects.MAX_PROPOSALS_PER_PERSON):
        _propose(programme, person, title=f"建议{n}")
    with pytest.raises(projects.RuleError, match="最多提出 5 条"):
        _propose(programme, person, title="第六条")
    assert _propose(programme, make_person(), title="别人的")  # another person still may
    with pytest.raises(projects.RuleError, match="已存在"):
        projects.create_programme(office.site, programme.year, admin)


def test_the_proposal_form_is_rate_limited(client, programme):
    client.force_login(make_person())
    url = reverse("projects:propose", args=[programme.year])
    statuses = [client.post(url, {"title": ""}).status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_public_list_hides_hidden_proposals_and_shows_merges(client, programme, admin):
    kept = _propose(programme, title="加装电梯")
    duplicate = _propose(programme, title="电梯补贴")
    hidden = _propose(programme, title="广告内容")
    Proposal.objects.filter(pk=hidden.pk).update(hidden=True, hidden_reason="广告")
    projects.merge_proposal(duplicate, kept, admin)
    page = client.get(reverse("projects:programme", args=[programme.year])).content.decode()
    assert "广告内容" not in page
    assert f"已合并至 {kept.pk}. 加装电梯" in page
    with pytest.raises(projects.RuleError, match="只能合并尚未筛选"):
        projects.merge_proposal(duplicate, kept, admin)


def test_screening_needs_a_reason_and_feasible_proposals_become_or_join_candidates(
    programme, admin, client
):
    a, b, c = (_propose(programme, title=t) for t in ("电梯甲", "电梯乙", "灯光秀"))
    with pytest.raises(projects.RuleError, match="筛选论证"):
        projects.screen_proposal(a, admin, feasible=True, reason="可行")
    programme = projects.advance(programme, P.SCREENING, admin)
    with pytest.raises(projects.RuleError, match="请填写筛选意见"):
        projects.screen_proposal(a, admin, feasible=True, reason="  ")
    a = projects.screen_proposal(a, admin, feasible=True, reason="需求集中")
    b = projects.screen_proposal(b, admin, feasible=True, reason="同类合并", project=a.project)
    assert a.project == b.project and a.project.state == ProjectState.CANDIDATE
    with pytest.raises(projects.RuleError, match="还有 1 条项目建议未筛选"):
        projects.advance(programme, P.CANDIDATES, admin)
    projects.screen_proposal(c, admin, feasible=False, reason="非基本民生需求")
    projects.edit_candidate(
        a.project, admin, title="老旧小区加装电梯", category="housing", place="全区",
        description="统一加装", estimated_cost="800",
    )  # fmt: skip
    page = client.get(reverse("projects:programme", args=[programme.year])).content.decode()
    assert "候选项目" not in page.split('id="proposals-h"')[0].split("</section>", 1)[1]
    programme = projects.advance(programme, P.CANDIDATES, admin)
    assert programme.candidates_published_at is not None
    page = client.get(reverse("projects:programme", args=[programme.year])).content.decode()
    assert "老旧小区加装电梯" in page and "来自项目建议" in page
    assert f"{a.pk}. 电梯甲" in page and f"{b.pk}. 电梯乙" in page
    assert "非基本民生需求" in page
    with pytest.raises(projects.RuleError, match="已公示"):
        projects.edit_candidate(a.project, admin, title="改名")


# --------------------------------------------------------------------------- roster and ballots


def test_roster_takes_only_deputies_of_the_site_once(office, admin, demo):
    programme = make_programme(office, phase=P.CANDIDATES)
    with pytest.raises(projects.RuleError, match="人大代表"):
        projects.add_deputy(programme, user("yj_editor"), admin)
    with pytest.raises(projects.RuleError, match="人大代表"):
        projects.add_deputy(programme, user("oh_deputy"), admin)
    projects.add_deputy(programme, user("yj_deputy"), admin)
    with pytest.raises(projects.RuleError, match="已在名单中"):
        projects.add_deputy(programme, user("yj_deputy"), admin)


def test_one_ballot_per_deputy_and_only_roster_accounts(office, admin):
    programme, (lift, canteen, school), (deputy, second) = _voting(office, admin)
    third = make_staff(office, Role.EDITOR, username="not_a_deputy")
    with pytest.raises(PermissionDenied, match="不在 2026 年度票决代表名单中"):
        projects.cast_ballot(programme, third, [lift])
    outsider_deputy = make_staff(office, Role.DEPUTY, username="deputy_not_on_roster")
    with pytest.raises(PermissionDenied, match="名单"):
        projects.cast_ballot(programme, outsider_deputy, [lift])
    with pytest.raises(projects.RuleError, match="至少选择 1"):
        projects.cast_ballot(programme, deputy, [])
    with pytest.raises(projects.RuleError, match="最多选择 2 个"):
        projects.cast_ballot(programme, deputy, [lift, canteen, school])
    other = make_project(make_programme(office, year=2030), "别的年度")
    with pytest.raises(projects.RuleError, match="不属于本次票决"):
        projects.cast_ballot(programme, deputy, [other])
    projects.cast_ballot(programme, deputy, [lift, lift, canteen])  # a repeat counts once
    with pytest.raises(projects.AlreadyVoted, match="已经投过票"):
        projects.cast_ballot(programme, deputy, [school])
    assert Ballot.objects.filter(programme=programme, deputy=deputy).count() == 1
    event = AuditEvent.objects.filter(object_type="participation.ballot").latest("id")
    assert event.after == {"programme": programme.pk}  # never the choices


def test_the_database_refuses_a_second_ballot(office, admin):
    programme, _candidates, (deputy, _second) = _voting(office, admin)
    Ballot.objects.create(programme=programme, deputy=deputy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(programme=programme, deputy=deputy)


def test_no_ballot_outside_the_window(office, admin):
    programme, (lift, *_), (deputy, second) = _voting(office, admin)
    early = programme.vote_opens_at - timedelta(minutes=5)
    with pytest.raises(projects.RuleError, match="尚未开始"):
        projects.cast_ballot(programme, deputy, [lift], now=early)
    projects.close_vote(programme, admin)
    with pytest.raises(projects.RuleError, match="已经截止"):
        projects.cast_ballot(programme, second, [lift])


@pytest.mark.django_db(transaction=True)
def test_two_parallel_ballots_of_one_deputy_give_one(demo):
    """The same deputy submits twice at the same instant (two tabs, a double click), each in
    its own thread and connection: the unique constraint lets exactly one in. On SQLite the
    in-memory test database refuses a concurrent writer at once ("table is locked") instead
    of waiting as the file database does with its busy timeout; the thread then tries again,
    as a waiting writer would, and must meet the constraint."""
    office = org(demo, "区政务公开办公室")
    programme, (lift, canteen, _school), (deputy, _second) = _voting(office, user("yj_admin"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def vote(choice):
        from django.db import OperationalError

        try:
            barrier.wait()
            for _attempt in range(50):
                try:
                    projects.cast_ballot(programme, deputy, [choice])
                    outcomes.append("cast")
                    return
                except OperationalError:  # SQLite's shared-cache lock: try again
                    threading.Event().wait(0.02)
            outcomes.append("locked")
        except projects.AlreadyVoted:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(p,)) for p in (lift, canteen)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cast", "refused"], outcomes
    assert Ballot.objects.filter(programme=programme, deputy=deputy).count() == 1
    assert connection.vendor in ("sqlite", "postgresql")


# --------------------------------------------------------------------------- hidden counts


def test_no_count_anywhere_while_the_vote_is_open(client, office, admin, settings):
    settings.REQUIRE_2FA = False
    programme, (lift, canteen, _), (deputy, second) = _voting(office, admin)
    projects.cast_ballot(programme, deputy, [lift])
    with pytest.raises(projects.VoteStillOpen):
        projects.tally(programme)
    page = client.get(reverse("projects:programme", args=[programme.year])).content.decode()
    assert "得票" not in page.replace("不显示得票情况", "")
    for name in ("results.json", "results.csv"):
        response = client.get(f"/api/v1/participation/projects/yingjiang/{programme.year}/{name}")
        assert response.status_code == 404
        assert "票决结果尚未公布" in response.json()["detail"]
    client.force_login(admin)
    staff = client.get(reverse("projects_staff:programme", args=[programme.year]))
    assert staff.status_code == 200
    body = staff.content.decode()
    assert 'data-testid="tally"' not in body and "已投票 1 / 名单 2" in body
    assert 'data-testid="vote-status"' in body


def test_the_ballot_page_needs_the_second_factor(client, office, admin, settings):
    settings.REQUIRE_2FA = True
    programme, *_ = _voting(office, admin)
    url = reverse("projects_staff:vote", args=[programme.year])
    client.force_login(user("yj_deputy"))
    response = client.get(url)
    assert response.status_code == 302 and reverse("core:two_factor") in response["Location"]
    login_verified(client, user("yj_deputy"))
    assert "提交选票" in client.get(url).content.decode()


def test_the_ballot_page_refuses_accounts_off_the_roster(client, office, admin, settings):
    settings.REQUIRE_2FA = False
    programme, (lift, *_), (deputy, _second) = _voting(office, admin)
    url = reverse("projects_staff:vote", args=[programme.year])
    client.force_login(user("yj_editor"))
    response = client.post(url, {"projects": [lift.pk]})
    assert (
        response.status_code == 403 and "不在 2026 年度票决代表名单中" in response.content.decode()
    )
    assert not Ballot.objects.exists()
    client.force_login(deputy)
    assert client.post(url, {"projects": [lift.pk]}).status_code == 302
    again = client.post(url, {"projects": [lift.pk]})
    assert again.status_code == 409 and "已经投过票" in again.content.decode()


# --------------------------------------------------------------------------- results


def test_results_are_counted_ranked_and_published_with_turnout(client, office, admin):
    programme, (lift, canteen, school), (deputy, second) = _voting(office, admin, select=2)
    projects.cast_ballot(programme, deputy, [lift, canteen])
    projects.cast_ballot(programme, second, [lift, school])
    programme = projects.close_vote(programme, admin)
    # canteen and school tie at the cut (1 vote each for the second place)
    message = projects.cut_problems(programme)
    assert "第 2 名与第 3 名得票相同" in message and "拟确定项目数" in message
    with pytest.raises(projects.RuleError, match="得票相同"):
        projects.publish_results(programme, admin)
    assert not LivelihoodProgramme.objects.get(pk=programme.pk).results_published_at
    projects.edit_programme(programme, admin, projects_to_select=3)  # the office decides
    programme = projects.publish_results(programme, admin)
    assert programme.phase == P.RESULTS
    states = {
        p.title: (p.votes, p.rank, p.state) for p in programme.projects.order_by("rank", "order")
    }
    assert states == {
        "电梯": (2, 1, ProjectState.SELECTED),
        "食堂": (1, 2, ProjectState.SELECTED),
        "护学通道": (1, 2, ProjectState.SELECTED),
    }
    page = client.get(reverse("projects:programme", args=[programme.year])).content.decode()
    assert "应参加票决代表 2 名，实际投票 2 名" in page


def test_not_selected_below_the_cut_and_open_data_read_back(client, office, admin):
    programme, (lift, canteen, school), (deputy, second) = _voting(office, admin, select=1)
    projects.cast_ballot(programme, deputy, [lift, canteen])
    projects.cast_ballot(programme, second, [lift])
    projects.close_vote(programme, admin)
    projects.publish_results(programme, admin)
    base = f"/api/v1/participation/projects/yingjiang/{programme.year}"
    response = client.get(f"{base}/results.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["排名"], r["项目名称"], r["得票数"], r["是否入选"]) for r in rows] == [
        ("1", "电梯", "2", "是"),
        ("2", "食堂", "1", "否"),
        ("3", "护学通道", "0", "否"),
    ]
    data = client.get(f"{base}/results.json").json()
    assert data["ballots"] == 2 and data["roster"] == 2
    assert [r["votes"] for r in data["results"]] == [2, 1, 0]
    candidates = client.get(f"{base}/candidates.csv")
    rows = list(csv.DictReader(io.StringIO(candidates.content.decode("utf-8-sig"))))
    assert {r["项目名称"] for r in rows} == {"电梯", "食堂", "护学通道"}
    assert "得票数" not in rows[0]


def test_candidates_open_data_waits_for_publication(client, office, admin):
    programme = make_programme(office, phase=P.SCREENING)
    make_project(programme, "未公示的项目")
    base = f"/api/v1/participation/projects/yingjiang/{programme.year}"
    assert client.get(f"{base}/candidates.json").status_code == 404
    draft = make_programme(office, year=2031, phase=P.DRAFT)
    assert client.get(reverse("projects:programme", args=[draft.year])).status_code == 404


def test_csv_cells_that_look_like_formulas_are_neutralised(client, office, admin):
    programme = make_programme(office, phase=P.CANDIDATES, candidates_published_at=timezone.now())
    make_project(programme, "=HYPERLINK(1)")
    response = client.get(
        f"/api/v1/participation/projects/yingjiang/{programme.year}/candidates.csv"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'=HYPERLINK(1)"


# --------------------------------------------------------------------------- staff pages and demo


def test_office_screens_and_merges_through_the_staff_page(client, programme, admin, settings):
    settings.REQUIRE_2FA = False
    a, b = _propose(programme, title="甲"), _propose(programme, title="乙")
    projects.advance(programme, P.SCREENING, admin)
    client.force_login(admin)
    url = lambda p, action: reverse(  # noqa: E731
        "projects_staff:proposal_action", args=[programme.year, p.pk, action]
    )
    assert client.post(url(b, "merge"), {f"m{b.pk}-into": a.pk}).status_code == 302
    response = client.post(url(a, "screen"), {f"s{a.pk}-feasible": "1", f"s{a.pk}-reason": ""})
    assert response.status_code == 400
    response = client.post(url(a, "screen"), {f"s{a.pk}-feasible": "1", f"s{a.pk}-reason": "可行"})
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == ProposalState.FEASIBLE and b.project == a.project
    client.force_login(user("yj_editor"))
    assert client.get(reverse("projects_staff:programme", args=[programme.year])).status_code == 403


def test_demo_opens_a_vote_yj_deputy_can_use(demo):
    from gongkai.participation.demo_projects_vote import load_projects_vote_demo

    assert load_projects_vote_demo()
    assert load_projects_vote_demo() == []  # idempotent
    programme = LivelihoodProgramme.objects.get(site=demo, year=2026)
    assert projects.vote_open(programme)
    assert projects.may_vote(programme, user("yj_deputy"))
    assert projects.may_vote(programme, user("yj_deputy2"))
    assert programme.proposals.filter(state=ProposalState.MERGED).count() == 1
    assert programme.proposals.filter(state=ProposalState.NOT_FEASIBLE).count() == 1
    assert projects.cast_ballot(programme, user("yj_deputy2"), [programme.projects.first()])
    assert SYSTEM  # the demo ran as the system actor


def test_hub_section_and_staff_link_are_registered(programme):
    from gongkai.core.extensions import staff_nav
    from gongkai.participation.hub import hub_sections

    section = next(s for s in hub_sections if s.key == "projects")
    assert section.title == "民生实事项目"
    items = section.items(programme.site)
    assert [i.title for i in items] == [programme.title]
    assert items[0].url == reverse("projects:programme", args=[programme.year])
    link = next(n for n in staff_nav if n.url_name == "projects_staff:index")
    assert (link.label, link.order) == ("民生实事项目", 48)


def test_the_office_settles_a_tie_through_the_settings_form(client, office, admin, settings):
    """During the vote the settings form posts the vote's times to the minute: that is no
    change of them, so the office can still change the number to select."""
    settings.REQUIRE_2FA = False
    programme, (lift, canteen, school), (deputy, second) = _voting(office, admin, select=1)
    projects.cast_ballot(programme, deputy, [lift])
    projects.cast_ballot(programme, second, [canteen])
    programme = projects.close_vote(programme, admin)
    client.force_login(admin)
    url = reverse("projects_staff:programme_action", args=[programme.year, "settings"])
    local = lambda dt: timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    form = {
        "title": programme.title,
        "vote_opens_at": local(programme.vote_opens_at),
        "vote_closes_at": local(programme.vote_closes_at),
        "choices_per_ballot": programme.choices_per_ballot,
        "projects_to_select": 2,
    }
    assert client.post(url, form).status_code == 302
    changed = client.post(url, {**form, "choices_per_ballot": 1})
    assert changed.status_code == 400 and "不能再修改" in changed.content.decode()
    programme = projects.publish_results(programme, admin)
    assert programme.projects.filter(state=ProjectState.SELECTED).count() == 2


def test_a_candidate_withdrawn_before_publication_sends_its_proposals_back(programme, admin):
    a = _propose(programme, title="甲")
    programme = projects.advance(programme, P.SCREENING, admin)
    a = projects.screen_proposal(a, admin, feasible=True, reason="可行")
    with pytest.raises(projects.RuleError, match="撤回理由"):
        projects.withdraw_candidate(a.project, admin, "")
    projects.withdraw_candidate(a.project, admin, "误列")
    a.refresh_from_db()
    assert a.state == ProposalState.SUBMITTED and a.project is None
    assert not programme.projects.exists()
