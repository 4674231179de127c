"""Who may take part: the rules every area of participation calls before a person comments,
proposes, registers, votes or rates.

A *person* is a logged-in user with a verified, not suspended `PublicAccount`. Staff members
act through the staff pages (with two factors), never as the public: an account with a staff
membership is not a person here, so nobody votes twice through two entrances."""

from __future__ import annotations

from gongkai.core import permissions

from .models import PublicAccount

NOT_A_PERSON = "请先登录并完成手机号或电子邮箱验证后再{what}。"


def account_of(actor) -> PublicAccount | None:
    """The verified public account of `actor`, or None (anonymous, unverified, suspended,
    staff, the system)."""
    if not getattr(actor, "is_authenticated", False) or permissions.is_staff_member(actor):
        return None
    account = PublicAccount.objects.filter(user=actor).first()
    return account if account is not None and account.is_verified else None


def is_person(actor) -> bool:
    return account_of(actor) is not None


def require_person(actor, what: str) -> PublicAccount:
    """The actor's verified account, or PermissionDenied saying in Chinese what to do first.
    `what` completes the sentence, e.g. "发表意见"."""
    account = account_of(actor)
    if account is None:
        if getattr(actor, "is_authenticated", False) and permissions.is_staff_member(actor):
            raise permissions.PermissionDenied(
                f"工作人员账号不能以公众身份{what}，请使用公众账号。"
            )
        raise permissions.PermissionDenied(NOT_A_PERSON.format(what=what))
    return account
