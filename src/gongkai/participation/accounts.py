"""Who may take part: the rules every area of participation calls before a person comments,
proposes, registers, votes or rates.

A *person* is a logged-in user with a verified, not suspended `PublicAccount`. Staff members
act through the staff pages (with two factors), never as the public: an account with a staff
membership is not a person here, so nobody votes twice through two entrances."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai.core import permissions, sms
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, User
from gongkai.foi.rules import normalise_phone, same_phone

from .models import CodeChannel, PublicAccount, VerificationCode
from .rules import RuleError, plain_text

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


# --------------------------------------------------------------------------- sign-in codes
#
# The public signs in without a password: a 6-digit code goes to the phone (SMS, core.sms) or
# the e-mail address, and entering it creates the account (first time) or signs in again.
# Codes are stored as keyed hashes, expire, allow MAX_ATTEMPTS wrong tries and are used once;
# what the pages say never depends on whether the address already has an account.

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
CODE_LENGTH = 6

ADDRESS_ERROR = "请输入正确的手机号（11 位）或电子邮箱。"
WRONG_CODE = "验证码不正确或已过期，请核对或重新获取。"
TOO_MANY = "验证码错误次数过多，请重新获取验证码。"
STAFF_ENTRANCE = (
    "该手机号或电子邮箱属于工作人员账号，请从“工作人员登录”入口使用账号、密码和身份验证器登录。"
)
SUSPENDED = "该账号已停用，如有疑问请与网站联系。"
NO_SMS = "本站暂未开通短信验证，请使用电子邮箱登录。"

_PHONE = re.compile(r"^1[3-9]\d{9}$")


class StaffAddress(RuleError):
    """The address belongs to a staff member: they sign in at the staff entrance, with two
    factors, never with a code sent here (that would bypass the password and the second
    factor)."""


def normalise_address(value: str) -> tuple[str, str]:
    """(channel, address) from what the person typed: a mainland mobile number as 11 digits
    (spaces, dashes and +86 allowed) or an e-mail address, lower-cased."""
    value = (value or "").strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise RuleError(ADDRESS_ERROR) from None
        if len(value) > 254:
            raise RuleError(ADDRESS_ERROR)
        return CodeChannel.EMAIL, value.lower()
    digits = normalise_phone(value)
    if not _PHONE.match(digits) or re.search(r"[^\d\s\-+()]", value):
        raise RuleError(ADDRESS_ERROR)
    return CodeChannel.PHONE, digits


def mask_address(channel: str, address: str) -> str:
    """138****8000, z***@example.cn: what the pages show of a contact."""
    if channel == CodeChannel.PHONE:
        return f"{address[:3]}****{address[-4:]}"
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


def _staff_users():
    return User.objects.filter(
        Q(is_superuser=True) | Q(is_staff=True) | Q(memberships__isnull=False)
    ).distinct()


def is_staff_address(channel: str, address: str) -> bool:
    """Does the phone number or e-mail address belong to a staff member (their own user record,
    or a public account whose user has since become staff)?"""
    if channel == CodeChannel.EMAIL:
        if _staff_users().filter(email__iexact=address).exists():
            return True
        account = PublicAccount.objects.filter(email__iexact=address).select_related("user")
    else:
        candidates = _staff_users().exclude(phone="").filter(phone__contains=address[-4:])
        if any(same_phone(address, u.phone) for u in candidates.only("phone")):
            return True
        account = PublicAccount.objects.filter(phone=address).select_related("user")
    found = account.first()
    return found is not None and (permissions.is_staff_member(found.user) or found.user.is_staff)


def _hash(channel: str, address: str, code: str) -> str:
    return salted_hmac(
        "gongkai.participation.code", f"{channel}:{address}:{code}", algorithm="sha256"
    ).hexdigest()


def request_code(value: str, *, site_name: str = "") -> tuple[str, str]:
    """Send a new sign-in code to the phone or address in `value`; returns (channel, address).
    An earlier unused code for the address stops working. Refused: a staff member's address,
    SMS without a configured sender, and a new code within RESEND_SECONDS of the last."""
    channel, address = normalise_address(value)
    if is_staff_address(channel, address):
        raise StaffAddress(STAFF_ENTRANCE)
    if channel == CodeChannel.PHONE and not sms.can_send():
        raise RuleError(NO_SMS)
    now = timezone.now()
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    with transaction.atomic():
        last = (
            VerificationCode.objects.select_for_update()
            .filter(channel=channel, address=address)
            .order_by("-created_at")
            .first()
        )
        if last is not None and (now - last.created_at).total_seconds() < RESEND_SECONDS:
            wait = RESEND_SECONDS - int((now - last.created_at).total_seconds())
            raise RuleError(f"验证码已发送，请 {wait} 秒后再重新获取。")
        VerificationCode.objects.filter(channel=channel, address=address).delete()
        VerificationCode.objects.create(
            channel=channel,
            address=address,
            code_hash=_hash(channel, address, code),
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    who = f"【{site_name}】" if site_name else ""
    text = f"{who}您的登录验证码是 {code}，{CODE_MINUTES} 分钟内有效。请勿告诉他人；工作人员不会向您索要验证码。"
    if channel == CodeChannel.PHONE:
        sms.send_sms(address, text)
    else:
        send_mail(f"{who}登录验证码", text, None, [address])
    return channel, address


def verify_code(channel: str, address: str, code: str) -> PublicAccount:
    """The account for a correct code (created on first sign-in). The code is used once; a
    wrong one counts against MAX_ATTEMPTS, after which a new code is needed."""
    code = re.sub(r"\s", "", code or "")
    now = timezone.now()
    used = ok = False
    with transaction.atomic():
        current = (
            VerificationCode.objects.select_for_update()
            .filter(channel=channel, address=address, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if current is None:
            raise RuleError(WRONG_CODE)
        if current.attempts >= MAX_ATTEMPTS:
            raise RuleError(TOO_MANY)
        ok = constant_time_compare(current.code_hash, _hash(channel, address, code))
        if ok:  # conditional: of two parallel uses of one code, one wins
            used = bool(
                VerificationCode.objects.filter(pk=current.pk, used_at__isnull=True).update(
                    used_at=now
                )
            )
        else:
            VerificationCode.objects.filter(pk=current.pk).update(attempts=F("attempts") + 1)
            left = MAX_ATTEMPTS - current.attempts - 1
    if not ok:
        raise RuleError(TOO_MANY if left <= 0 else f"验证码不正确，还可尝试 {left} 次。")
    if not used:
        raise RuleError(WRONG_CODE)
    if is_staff_address(channel, address):
        raise StaffAddress(STAFF_ENTRANCE)
    return account_for_address(channel, address)


def account_for_address(channel: str, address: str) -> PublicAccount:
    """The verified account of a checked phone or address, created when there is none. Two
    parallel first sign-ins give one account: the unique constraints refuse the second insert,
    which then finds the first."""
    lookup = {"phone": address} if channel == CodeChannel.PHONE else {"email__iexact": address}
    verified_field = f"{channel}_verified_at"
    for _attempt in range(3):
        account = _find_account(lookup)
        if account is not None:
            if account.is_suspended:
                raise RuleError(SUSPENDED)
            if getattr(account, verified_field) is None:
                setattr(account, verified_field, timezone.now())
                account.save(update_fields=[verified_field])
            return account
        try:
            with transaction.atomic():
                user = User.objects.create_user(username=f"p{secrets.token_hex(8)}", password=None)
                account = PublicAccount.objects.create(
                    user=user, **{channel: address, verified_field: timezone.now()}
                )
                record_event(
                    AuditEventType.OBJECT_CREATED, actor=user, obj=account, message="公众账号注册"
                )
            return account
        except IntegrityError:
            continue
    raise RuleError("登录未成功，请稍后重试。")


def _find_account(lookup: dict) -> PublicAccount | None:
    return PublicAccount.objects.select_related("user").filter(**lookup).first()


def set_public_name(actor, name: str) -> PublicAccount:
    """The name shown with what the person writes; not a phone number or an address."""
    account = require_person(actor, "修改称呼")
    name = plain_text(name, limit=30, multiline=False)
    if "@" in name or re.search(r"\d{7,}", name):
        raise RuleError("称呼中请不要包含手机号、电子邮箱等个人信息。")
    old = account.public_name
    if name != old:
        account.public_name = name
        account.save(update_fields=["public_name"])
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=account,
            before={"public_name": old},
            after={"public_name": name},
            message="修改公开称呼",
        )
    return account


# --------------------------------------------------------------------------- 我的参与
#
# The account page lists what the person took part in, section by section; each area
# (consultations, events, projects …) adds its section from its plugin's register().


@dataclass(frozen=True)
class MyItem:
    title: str
    url: str = ""
    note: str = ""  # e.g. "已报名，候补第 3 位", "已采纳"


@dataclass(frozen=True)
class MySection:
    key: str
    title: str
    order: int = 50
    #: (user, site) -> the person's items in this area, newest first
    items: Callable = field(default=lambda user, site: [])


my_sections: list[MySection] = []


def add_my_section(section: MySection) -> None:
    """Register (or replace, by key) a 我的参与 section."""
    my_sections[:] = [s for s in my_sections if s.key != section.key]
    my_sections.append(section)
    my_sections.sort(key=lambda s: s.order)


def my_participation(user, site) -> list[tuple[MySection, list[MyItem]]]:
    return [(section, list(section.items(user, site))) for section in my_sections]
