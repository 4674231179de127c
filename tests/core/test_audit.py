import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEvent, AuditEventType, Site, User


@pytest.fixture
def event(db):
    actor = User.objects.create_user("auditor", password="x-very-long-pass", display_name="张三")
    site = Site.objects.create(slug="s1", name="测试区人民政府")
    before = snapshot(site)
    site.name = "测试区政府"
    site.save()
    return record_event(
        AuditEventType.SITE_CHANGED,
        actor=actor,
        obj=site,
        before=before,
        after=snapshot(site),
        ip="10.0.0.1",
    )


def test_event_records_actor_object_diff_and_ip(event):
    assert event.actor_username == "auditor"
    assert event.actor_name == "张三"
    assert event.object_type == "core.site"
    assert event.ip_address == "10.0.0.1"
    assert ("name", "测试区人民政府", "测试区政府") in event.changes
    assert all(field != "id" for field, _, _ in event.changes)


def test_event_cannot_be_saved_again(event):
    event.message = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).message == ""


def test_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(message="篡改")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_database_refuses_update_even_in_raw_sql(event):
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET message = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).message == ""


def test_actor_snapshot_survives_user_deletion(event):
    User.objects.filter(username="auditor").delete()
    again = AuditEvent.objects.get(pk=event.pk)
    assert again.actor_username == "auditor"
    assert again.actor_name == "张三"


def test_admin_offers_no_change_or_delete(event, admin_client):
    response = admin_client.get(f"/admin/core/auditevent/{event.pk}/delete/")
    assert response.status_code == 403
    response = admin_client.post(f"/admin/core/auditevent/{event.pk}/change/", {"message": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).message == ""


def test_admin_changes_write_audit_events(admin_client, db):
    site = Site.objects.create(slug="s2", name="乙区人民政府")
    response = admin_client.post(
        f"/admin/core/site/{site.pk}/change/",
        {
            "slug": "s2",
            "name": "乙区政府",
            "province": "",
            "city": "",
            "hostnames": "",
            "site_code": "",
            "sponsor": "",
            "icp_number": "",
            "police_number": "",
            "address": "",
            "postcode": "",
            "phone": "",
            "email": "",
        },
    )
    assert response.status_code == 302, response.content[:500]
    event = AuditEvent.objects.filter(object_type="core.site", object_id=str(site.pk)).first()
    assert event is not None
    assert event.event_type == AuditEventType.SITE_CHANGED
    assert ("name", "乙区人民政府", "乙区政府") in event.changes


def test_database_refuses_delete_even_in_raw_sql(event):
    """Defence in depth: DELETE is refused by the database itself, as UPDATE is."""
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_personal_values_never_reach_before_after(db):
    """Only the names of the personal fields that changed are kept, never their values."""
    user = User.objects.create_user(
        "clerk", password="x-very-long-pass", display_name="李四", phone="13900001111"
    )
    before = snapshot(user)
    user.display_name = "李小四"
    user.phone = "13900002222"
    user.email = "li@example.com"
    user.is_active = False
    user.save()
    event = record_event(AuditEventType.USER_CHANGED, obj=user, before=before, after=snapshot(user))
    stored = str(event.before) + str(event.after)
    for value in ("李四", "李小四", "13900001111", "13900002222", "li@example.com"):
        assert value not in stored
    assert event.personal_fields_changed == ["display_name", "email", "phone"]
    assert ("is_active", True, False) in event.changes
    assert all(field not in User.PERSONAL_FIELDS for field, _, _ in event.changes)


def test_nested_and_global_personal_keys_are_dropped(db):
    event = record_event(
        AuditEventType.OBJECT_CREATED,
        after={"state": "new", "applicant": {"id_number": "11010519491231002X", "kind": "x"}},
    )
    assert "11010519491231002X" not in str(event.after)
    assert event.after["applicant"] == {"kind": "x"}
