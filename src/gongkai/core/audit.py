"""Writing audit events. Every change that matters calls `record_event`."""

import threading
from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from .models import AuditEvent, AuditEventType, Site

_local = threading.local()


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


def client_ip(request) -> str | None:
    # Behind the reverse proxy the proxy sets X-Real-IP; REMOTE_ADDR otherwise.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


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
