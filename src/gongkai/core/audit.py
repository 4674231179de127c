"""Writing audit events. Every change that matters calls `record_event`.

The log is append-only and kept for years, so it must not become a second copy of
applicants' personal data (《个人信息保护法》第十九条: kept no longer than needed; 《政府信息
公开条例》第十五条). `record_event` is the one place that decides: the values of personal
fields never reach before/after, only the names of those that changed."""

import threading
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.forms.models import model_to_dict

from .clientip import client_ip  # noqa: F401 - re-exported: one rule for the address
from .models import PERSONAL_CHANGED_KEY, AuditEvent, AuditEventType, Site

_local = threading.local()

#: Field names that are personal data on every model. A model adds its own through a
#: `PERSONAL_FIELDS` class attribute (e.g. FoiRequest: name, org_name, description).
PERSONAL_FIELD_NAMES = frozenset(
    {"password", "id_number", "phone", "mobile", "email", "address", "postcode", "credit_code"}
)


def personal_fields(model: type[models.Model] | models.Model | None) -> frozenset[str]:
    declared = getattr(model, "PERSONAL_FIELDS", ()) if model is not None else ()
    return PERSONAL_FIELD_NAMES | frozenset(declared)


def redact(model, before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """before/after without personal values; `after` lists the personal fields that changed."""
    personal = personal_fields(model)

    def strip(values):
        if not isinstance(values, dict):
            return values
        return {
            k: (strip(v) if isinstance(v, dict) else v)
            for k, v in values.items()
            if k not in personal
        }

    old, new = before or {}, after or {}
    changed = sorted(
        k
        for k in personal
        if (k in old or k in new) and old.get(k) != new.get(k) and (old.get(k) or new.get(k))
    )
    before, after = strip(before), strip(after)
    if changed:
        after = {**(after or {}), PERSONAL_CHANGED_KEY: changed}
    return before, after


# --------------------------------------------------------------------------- SQLite guard
_flushing = False


@contextmanager
def allow_flush():
    """Let a test-database flush empty the audit table (SQLite's DELETE trigger asks)."""
    global _flushing
    _flushing = True
    try:
        yield
    finally:
        _flushing = False


@receiver(connection_created)
def _register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "gongkai_audit_flush", 0, lambda: 1 if _flushing else 0, deterministic=False
        )


class AuditRequestMiddleware:
    """Remembers the request's client address so events written deeper down can carry it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _local.ip = client_ip(request)
        try:
            return self.get_response(request)
        finally:
            _local.ip = None


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of a model instance's concrete field values, for before/after."""
    data = model_to_dict(instance, fields=fields)
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data.setdefault(field.name, field.value_from_object(instance))
    return {key: _jsonable(value) for key, value in data.items() if key not in {"password"}}


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def actor_snapshot(user) -> dict[str, Any]:
    if getattr(user, "is_system", False) is True:  # permissions.SYSTEM: commands and jobs
        return {
            "actor_id": None,
            "actor_username": "system",
            "actor_name": "系统",
            "actor_roles": [],
        }
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor_id": None, "actor_username": "", "actor_name": "", "actor_roles": []}
    roles = [
        f"{m.organisation.name}:{m.get_role_display()}"
        for m in user.memberships.select_related("organisation")
    ]
    return {
        "actor_id": user.pk,
        "actor_username": user.get_username(),
        "actor_name": str(user),
        "actor_roles": roles,
    }


def record_event(
    event_type: AuditEventType | str,
    *,
    actor=None,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
    site: Site | None = None,
    ip: str | None = None,
) -> AuditEvent:
    if site is None and obj is not None:
        site = obj if isinstance(obj, Site) else getattr(obj, "site", None)
    before, after = redact(obj, before, after)
    return AuditEvent.objects.create(
        event_type=str(event_type),
        site=site,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        message=message,
        ip_address=ip or getattr(_local, "ip", None),
        **actor_snapshot(actor),
    )
