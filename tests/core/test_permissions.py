import pytest

from gongkai.core import permissions
from gongkai.core.models import Membership, Organisation, Role, User
from tests.conftest import org, user


@pytest.mark.django_db
def test_editor_is_refused_another_organisations_objects(yingjiang):
    editor = user("yj_editor")  # 住建局
    mine = org(yingjiang, "区住房和城乡建设局")
    other = org(yingjiang, "区民政局")
    allowed = permissions.organisations_for(editor)
    assert mine in allowed
    assert other not in allowed
    # A queryset scoped through the helper cannot reach the other organisation's rows.
    scoped = permissions.scope_to_organisations(Membership.objects.all(), editor)
    assert scoped.filter(organisation=other).count() == 0
    assert scoped.filter(organisation=mine).count() >= 1


@pytest.mark.django_db
def test_editor_of_one_site_sees_nothing_of_the_other_site(yingjiang, ouhai):
    editor = user("yj_editor")
    assert not permissions.organisations_for(editor).filter(site=ouhai).exists()
    assert list(permissions.sites_for(editor)) == [yingjiang]


@pytest.mark.django_db
def test_town_editor_acts_for_its_villages_but_not_siblings(yingjiang):
    town = org(yingjiang, "宜城路街道办事处")
    village = org(yingjiang, "宜城路社区")
    sibling = org(yingjiang, "新河路街道办事处")
    staff = User.objects.create_user("town_editor", password="x-very-long-pass")
    Membership.objects.create(user=staff, organisation=town, role=Role.EDITOR)
    allowed = set(permissions.organisations_for(staff))
    assert {town, village} <= allowed
    assert sibling not in allowed


@pytest.mark.django_db
def test_office_admin_covers_the_whole_site_only(yingjiang, ouhai):
    admin = user("yj_admin")
    allowed = permissions.organisations_for(admin)
    assert (
        allowed.filter(site=yingjiang).count()
        == Organisation.objects.filter(site=yingjiang).count()
    )
    assert not allowed.filter(site=ouhai).exists()


@pytest.mark.django_db
def test_deputy_and_evaluator_get_no_write_scope(yingjiang):
    assert not permissions.organisations_for(user("yj_deputy")).exists()
    assert not permissions.organisations_for(user("yj_evaluator")).exists()
    assert permissions.has_role(user("yj_evaluator"), Role.EVALUATOR, site=yingjiang)


@pytest.mark.django_db
def test_anonymous_user_gets_nothing(yingjiang):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.organisations_for(AnonymousUser()).exists()
    assert not permissions.is_staff_member(AnonymousUser())


@pytest.mark.django_db
def test_inactive_organisation_grants_nothing(yingjiang):
    editor = user("yj_editor")
    Organisation.objects.filter(name="区住房和城乡建设局", site=yingjiang).update(is_active=False)
    assert not permissions.organisations_for(editor).exists()


# --------------------------------------------------------------------------- the one guard


@pytest.mark.django_db
def test_require_predicates_by_organisation_site_and_anywhere(yingjiang, ouhai):
    housing = org(yingjiang, "区住房和城乡建设局")
    civil = org(yingjiang, "区民政局")
    editor, office_admin = user("yj_editor"), user("yj_admin")
    assert permissions.can_act_on(editor, housing, [Role.EDITOR])
    assert not permissions.can_act_on(editor, housing, [Role.REVIEWER])
    assert not permissions.can_act_on(editor, civil)
    assert permissions.can_act_on(office_admin, civil)  # the whole site
    assert not permissions.can_act_on(office_admin, org(ouhai, "区民政局"))
    assert permissions.can_act_on_site(office_admin, yingjiang, [Role.OFFICE_ADMIN])
    assert not permissions.can_act_on_site(office_admin, ouhai, [Role.OFFICE_ADMIN])
    assert not permissions.can_act_on_site(editor, yingjiang, [Role.OFFICE_ADMIN])
    assert permissions.allows(editor, None, [Role.EDITOR])  # a role anywhere
    assert not permissions.allows(user("yj_deputy"), None, permissions.WRITE_ROLES)
    # anything with an organisation (or else a site) is checked against it
    assert permissions.allows(editor, Membership(organisation=housing), [Role.EDITOR])
    assert permissions.allows(user("admin"), org(ouhai, "区民政局"))  # the superuser


@pytest.mark.django_db
def test_require_refuses_with_a_chinese_message_and_names_no_silent_actor(yingjiang):
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    civil = org(yingjiang, "区民政局")
    with pytest.raises(permissions.PermissionDenied, match="您没有权限办理该申请（区民政局）"):
        permissions.require(user("yj_editor"), "办理该申请", civil)
    with pytest.raises(permissions.PermissionDenied, match="请先登录"):
        permissions.require(permissions.PUBLIC, "办理该申请", civil)
    with pytest.raises(permissions.PermissionDenied, match="未指明操作人"):
        permissions.require(None, "办理该申请", civil)  # a forgotten actor is not the system
    assert issubclass(permissions.PermissionDenied, DjangoPermissionDenied)  # Django's 403
    permissions.require(permissions.SYSTEM, "办理该申请", civil)  # commands and jobs
    permissions.require(permissions.PUBLIC, "申请公开", civil, public=True)
    assert permissions.user_of(permissions.SYSTEM) is None


@pytest.mark.django_db
def test_foi_workflow_checks_its_actor(yingjiang, ouhai):
    """Before, every step of foi.workflow took an actor and never checked it: an editor of
    another organisation, or of another site, could reply to a request from any caller."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from gongkai.foi import workflow
    from gongkai.foi.models import Channel, FoiEvent, Outcome
    from tests.foi.conftest import applicant

    housing = org(yingjiang, "区住房和城乡建设局")
    today = timezone.localdate()
    case = workflow.register(
        organisation=housing,
        applicant=applicant(),
        channel=Channel.IN_PERSON,
        submitted_on=today,
        actor=user("yj_editor"),
    )
    events = FoiEvent.objects.count()
    for outsider in (user("yj_editor2"), user("oh_admin"), user("yj_deputy"), None):
        with pytest.raises(PermissionDenied):
            workflow.reply(case, on=today, outcome=Outcome.DISCLOSED, actor=outsider)
        with pytest.raises(PermissionDenied):
            workflow.close(case, on=today, reason="误登记", actor=outsider)
    with pytest.raises(PermissionDenied, match="匿名化"):
        workflow.anonymise(case, user("yj_editor"))  # the office admin's, or the retention job's
    with pytest.raises(PermissionDenied):
        workflow.register(
            organisation=housing,
            applicant=applicant(),
            channel=Channel.IN_PERSON,
            submitted_on=today,
            actor=user("oh_editor"),
        )
    assert FoiEvent.objects.count() == events
    case.refresh_from_db()
    assert case.state == "registered"
    workflow.reply(case, on=today, outcome=Outcome.DISCLOSED, actor=user("yj_reviewer"))


@pytest.mark.django_db
def test_the_public_applies_online_only(yingjiang):
    """《条例》第二十九条: anyone may apply online; a letter or a visit is registered by the
    organisation's staff."""
    from django.utils import timezone

    from gongkai.foi import workflow
    from gongkai.foi.models import Channel
    from tests.foi.conftest import applicant

    housing = org(yingjiang, "区住房和城乡建设局")
    today = timezone.localdate()
    with pytest.raises(permissions.PermissionDenied, match="请先登录"):
        workflow.register(
            organisation=housing,
            applicant=applicant(),
            channel=Channel.LETTER,
            submitted_on=today,
            mail_signed=True,
            signed_on=today,
            actor=permissions.PUBLIC,
        )
    online = workflow.register(
        organisation=housing,
        applicant=applicant(),
        channel=Channel.ONLINE,
        submitted_on=today,
        actor=permissions.PUBLIC,
    )
    assert online.events.get().actor_id is None


@pytest.mark.django_db
def test_catalogue_import_needs_the_office_admin_or_the_system(yingjiang):
    from django.core.exceptions import PermissionDenied

    from gongkai.catalogue.bench import catalogue_workbook
    from gongkai.catalogue.io.importer import import_catalogue
    from gongkai.catalogue.models import CatalogueItem

    workbook = catalogue_workbook(4, per_parent=2)
    for refused in (user("yj_editor"), user("oh_admin"), None):
        with pytest.raises(PermissionDenied):
            import_catalogue(workbook, yingjiang, actor=refused)
    assert not CatalogueItem.objects.exists()
    assert import_catalogue(workbook, yingjiang, actor=user("yj_admin")).leaves == 4


@pytest.mark.django_db
def test_commands_act_as_the_system_and_say_so_in_the_audit_log(yingjiang):
    """`gongkai records publish-due` publishes as permissions.SYSTEM, recorded as 系统."""
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from gongkai.core.models import AuditEvent
    from gongkai.records import workflow
    from gongkai.records.models import Record, State
    from tests.records.conftest import approved, make_leaf

    housing = org(yingjiang, "区住房和城乡建设局")
    leaf = make_leaf(yingjiang, organisations=[housing])
    record = approved(user("yj_editor"), user("yj_reviewer"), housing, leaf)
    workflow.publish(user("yj_reviewer"), record, timezone.now() + timedelta(minutes=5))
    Record.objects.filter(pk=record.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(TypeError):
        workflow.publish_due()  # no actor: not run at all
    call_command("records", "publish-due", stdout=io.StringIO())
    assert Record.objects.get(pk=record.pk).state == State.PUBLISHED
    event = AuditEvent.objects.filter(object_id=str(record.pk)).order_by("-id").first()
    assert event.actor_username == "system" and event.actor_name == "系统"
    assert event.actor_id is None


@pytest.mark.django_db
def test_api_tokens_only_for_staff_who_can_use_the_records_api(yingjiang):
    from gongkai.records import tokens
    from gongkai.records.models import ApiToken

    for outsider in (user("yj_deputy"), user("yj_evaluator")):
        with pytest.raises(permissions.PermissionDenied):
            tokens.issue_token(outsider, "外部系统")
    token, secret = tokens.issue_token(user("yj_editor"), "外部系统")
    assert secret.startswith("gk_") and ApiToken.objects.get().key_hash != secret
    with pytest.raises(permissions.PermissionDenied):
        tokens.revoke_token(user("yj_reviewer"), token)
    tokens.revoke_token(user("yj_editor"), token)


@pytest.mark.django_db
def test_deputies_and_evaluators_cannot_mint_api_tokens(client, settings, yingjiang):
    """Before, any staff member could create a records API token on /staff/records/tokens/,
    a long-lived credential that skips the login and its second factor, though deputies and
    evaluators have nothing to do in that API."""
    from gongkai.records.models import ApiToken

    settings.REQUIRE_2FA = False
    for username in ("yj_deputy", "yj_evaluator"):
        client.force_login(user(username))
        assert client.get("/staff/records/tokens/").status_code == 403
        assert client.post("/staff/records/tokens/", {"name": "外部"}).status_code == 403
    assert not ApiToken.objects.exists()
    client.force_login(user("yj_editor"))
    assert client.post("/staff/records/tokens/", {"name": "外部"}).status_code == 200
    assert ApiToken.objects.get().user == user("yj_editor")


@pytest.mark.django_db
def test_a_refused_step_shows_its_chinese_reason(client, settings, yingjiang):
    from tests.records.conftest import draft, make_leaf

    settings.REQUIRE_2FA = False
    housing = org(yingjiang, "区住房和城乡建设局")
    record = draft(user("yj_editor"), housing, make_leaf(yingjiang, organisations=[housing]))
    client.force_login(user("yj_reviewer"))  # sees the record, may not submit it
    response = client.post(f"/staff/records/{record.pk}/do/submit/")
    assert response.status_code == 403
    assert "您没有权限提交该信息（区住房和城乡建设局）" in response.content.decode()
