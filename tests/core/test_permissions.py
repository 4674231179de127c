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
