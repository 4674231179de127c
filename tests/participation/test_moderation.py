"""举报 (issue 14 point 8, "hiding content after repeated reports"): reports by distinct people
hide an item at the threshold; one report per person by the database; the office admin of the
site restores it (reports then start afresh) or keeps it hidden, with a note; audit events
without personal data; the 举报 button other areas include."""

import pytest
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import RequestFactory

from gongkai.core.models import AuditEvent, Role
from gongkai.core.permissions import PermissionDenied
from gongkai.participation import moderation
from gongkai.participation.models import (
    ContentFlag,
    ModerationCase,
    ModerationState,
    ProjectCategory,
    Proposal,
)
from tests.conftest import org, user
from tests.participation.factories import make_person, make_programme, make_staff

pytestmark = pytest.mark.django_db

HOUSING = "区住房和城乡建设局"


@pytest.fixture
def proposal(yingjiang):
    programme = make_programme(org(yingjiang, HOUSING))
    return Proposal.objects.create(
        programme=programme,
        proposer=make_person(name="提议人"),
        title="菱湖公园加装路灯",
        category=ProjectCategory.HOUSING,
        place="菱湖公园",
        description="晚上太黑。",
    )


def test_three_distinct_reporters_hide_it_and_the_office_sees_it(proposal, client, settings):
    settings.REQUIRE_2FA = False
    first, second, third = make_person(), make_person(), make_person()
    assert moderation.flag(proposal, first, "spam") is False
    with pytest.raises(moderation.RuleError, match="已举报过"):
        moderation.flag(proposal, first, "abuse")  # one report per person
    assert moderation.flag(proposal, second, "abuse") is False
    proposal.refresh_from_db()
    assert not proposal.hidden
    assert moderation.flag(proposal, third, "spam") is True
    proposal.refresh_from_db()
    assert proposal.hidden and "3 位用户举报" in proposal.hidden_reason
    case = ModerationCase.objects.get()
    assert (case.state, case.flags, case.site) == (
        ModerationState.HIDDEN,
        3,
        proposal.programme.site,
    )
    event = AuditEvent.objects.get(message="多人举报，内容自动隐藏")
    assert "路灯" not in str(event.before) + str(event.after) + event.object_repr
    client.force_login(user("yj_admin"))
    queue = client.get("/staff/participation/moderation/")
    assert queue.status_code == 200 and "菱湖公园加装路灯" in queue.content.decode()
    panel = client.get("/staff/").content.decode()
    assert 'data-testid="moderation-hidden">1<' in panel
    client.force_login(user("yj_editor"))
    assert "moderation-hidden" not in client.get("/staff/").content.decode()


def test_one_report_per_person_is_the_databases_rule(proposal):
    person = make_person()
    moderation.flag(proposal, person, "spam")
    flag = ContentFlag.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContentFlag.objects.create(
            content_type=flag.content_type,
            object_id=flag.object_id,
            reporter=person,
            reason="abuse",
        )


def test_who_may_report(proposal, yingjiang):
    with pytest.raises(moderation.RuleError, match="自己"):
        moderation.flag(proposal, proposal.proposer, "spam")
    with pytest.raises(PermissionDenied, match="工作人员账号不能以公众身份举报"):
        moderation.flag(proposal, make_staff(org(yingjiang, HOUSING)), "spam")
    with pytest.raises(moderation.RuleError, match="举报理由"):
        moderation.flag(proposal, make_person(), "whatever")
    assert not ContentFlag.objects.exists()


def test_the_threshold_is_a_setting(proposal, settings):
    settings.PARTICIPATION_FLAG_THRESHOLD = 1
    assert moderation.flag(proposal, make_person(), "privacy") is True


def hide(proposal):
    for _ in range(3):
        moderation.flag(proposal, make_person(), "spam")
    return ModerationCase.objects.get()


def test_office_admin_restores_with_a_note_and_reports_start_afresh(proposal, client, settings):
    settings.REQUIRE_2FA = False
    case = hide(proposal)
    client.force_login(user("yj_admin"))
    refused = client.post(
        f"/staff/participation/moderation/{case.pk}/", {"decision": "restore", "note": ""}
    )
    assert refused.status_code == 302
    proposal.refresh_from_db()
    assert proposal.hidden  # no note, no change
    done = client.post(
        f"/staff/participation/moderation/{case.pk}/",
        {"decision": "restore", "note": "内容属实，不违规"},
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    case.refresh_from_db()
    assert not proposal.hidden and proposal.hidden_reason == ""
    assert (case.state, case.note, case.decided_by) == (
        ModerationState.RESTORED,
        "内容属实，不违规",
        user("yj_admin"),
    )
    assert AuditEvent.objects.filter(message="举报复核：恢复显示").count() == 1
    # the old reports are cleared: it takes three new people to hide it again
    moderation.flag(proposal, make_person(), "spam")
    proposal.refresh_from_db()
    assert not proposal.hidden


def test_keep_hidden(proposal, yingjiang):
    case = hide(proposal)
    moderation.decide(case, restore=False, note="含他人电话", actor=user("yj_admin"))
    proposal.refresh_from_db()
    assert proposal.hidden and "管理员复核" in proposal.hidden_reason
    assert ModerationCase.objects.get().state == ModerationState.KEPT


def test_only_the_sites_office_admin_reviews(proposal, client, settings, ouhai):
    settings.REQUIRE_2FA = False
    case = hide(proposal)
    with pytest.raises(PermissionDenied):
        moderation.decide(case, restore=True, note="x", actor=user("yj_editor"))
    other_site_admin = make_staff(org(ouhai, "区住房和城乡建设局"), Role.OFFICE_ADMIN)
    with pytest.raises(PermissionDenied):
        moderation.decide(case, restore=True, note="x", actor=other_site_admin)
    client.force_login(user("yj_editor"))
    assert "菱湖公园" not in client.get("/staff/participation/moderation/").content.decode()
    answer = client.post(
        f"/staff/participation/moderation/{case.pk}/", {"decision": "restore", "note": "x"}
    )
    assert answer.status_code == 404
    proposal.refresh_from_db()
    assert proposal.hidden


def test_the_flag_button_posts_for_a_person_and_asks_others_to_sign_in(proposal, client):
    template = Template('{% include "participation/_flag.html" with object=p %}')
    request = RequestFactory().get("/participate/projects/x/")
    person = make_person()
    request.user = person
    html = template.render(Context({"p": proposal, "request": request, "user": person}))
    assert 'action="/participate/account/flag/"' in html and "举报" in html
    assert f'value="participation.proposal:{proposal.pk}"' in html
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    anonymous = template.render(Context({"p": proposal, "request": request, "user": request.user}))
    assert "登录后举报" in anonymous and "<form" not in anonymous
    # and the view behind it
    client.force_login(person)
    done = client.post(
        "/participate/account/flag/",
        {"target": f"participation.proposal:{proposal.pk}", "reason": "spam", "next": "/x/"},
    )
    assert done.status_code == 302 and done.url == "/x/"
    assert ContentFlag.objects.filter(reporter=person).count() == 1
    bad = client.post(
        "/participate/account/flag/",
        {"target": "core.user:1", "reason": "spam", "next": "https://evil.example/"},
    )
    assert bad.status_code == 302 and bad.url == "/"
    assert ContentFlag.objects.count() == 1


def test_anonymous_report_is_sent_to_sign_in(proposal, client):
    done = client.post(
        "/participate/account/flag/",
        {"target": f"participation.proposal:{proposal.pk}", "reason": "spam", "next": "/x/"},
    )
    assert done.status_code == 302 and done.url.startswith("/participate/account/login/?next=")
    assert not ContentFlag.objects.exists()
