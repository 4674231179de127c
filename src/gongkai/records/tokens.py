"""Personal API tokens for other systems to feed drafts (the staff API in api.py). Shown once,
stored hashed. Only staff who can act on records in the API may hold one: a token is a
long-lived credential that skips the login page and its second factor."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType

from .models import ApiToken
from .workflow import PUBLISH_ROLES


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(actor, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`; returns it with the secret, which is not kept."""
    permissions.require(actor, "创建接口令牌", None, PUBLISH_ROLES)
    secret = "gk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=secret[:10], key_hash=hash_token(secret)
    )
    record_event(AuditEventType.OBJECT_CREATED, actor=actor, obj=token, message="创建接口令牌")
    return token, secret


def revoke_token(actor, token: ApiToken) -> None:
    """Anyone may revoke their own token, whatever roles they still hold."""
    if token.user_id != getattr(actor, "pk", None) and not permissions.is_system(actor):
        raise permissions.PermissionDenied("只能吊销本人的接口令牌。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(AuditEventType.OBJECT_CHANGED, actor=actor, obj=token, message="吊销接口令牌")
