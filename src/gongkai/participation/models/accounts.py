"""Accounts of the public (公众账号): a `core.User` without any staff membership, with a
verified phone number or e-mail address.

One person is one account: a verified phone number or address belongs to one account only,
enforced by unique constraints, so ballots, registrations and ratings keyed on the user are
one per person (anchors.md, Participation: "the database must guarantee one person one vote")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class PublicAccount(models.Model):
    """The public side of a user: how they were verified and the name shown with what they
    write. `phone` is stored as 11 digits, `email` lower-cased; either may be empty, not both."""

    PERSONAL_FIELDS = ("phone", "email", "public_name")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="public_account",
    )
    phone = models.CharField(_("手机号"), max_length=20, null=True, blank=True)
    email = models.EmailField(_("电子邮箱"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("邮箱验证时间"), null=True, blank=True)
    public_name = models.CharField(
        _("公开显示的称呼"),
        max_length=30,
        blank=True,
        help_text=_("发表意见、提出建议时显示的称呼；不填则显示为“网友”加编号。"),
    )
    is_suspended = models.BooleanField(_("已停用"), default=False)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公众账号")
        verbose_name_plural = _("公众账号")
        constraints = [
            models.UniqueConstraint(fields=["phone"], name="public_account_phone_unique"),
            models.UniqueConstraint(Lower("email"), name="public_account_email_unique"),
            models.CheckConstraint(
                condition=models.Q(phone__isnull=False) | models.Q(email__isnull=False),
                name="public_account_has_phone_or_email",
            ),
        ]

    def __str__(self) -> str:
        # audit events copy this; it carries no personal data
        return f"公众账号 {self.pk or ''}"

    @property
    def is_verified(self) -> bool:
        return not self.is_suspended and bool(self.phone_verified_at or self.email_verified_at)

    @property
    def display_name(self) -> str:
        return self.public_name or f"网友{self.pk or 0:06d}"


class CodeChannel(models.TextChoices):
    PHONE = "phone", _("手机短信")
    EMAIL = "email", _("电子邮件")


class VerificationCode(models.Model):
    """A 6-digit sign-in code sent to a phone or an e-mail address. Only its keyed hash is
    stored; it expires, allows a few wrong tries and is used once (participation.accounts)."""

    PERSONAL_FIELDS = ("address",)

    channel = models.CharField(_("发送方式"), max_length=10, choices=CodeChannel.choices)
    address = models.CharField(_("手机号或电子邮箱"), max_length=254)
    code_hash = models.CharField(_("验证码摘要"), max_length=128)
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [models.Index(fields=["channel", "address", "created_at"])]

    def __str__(self) -> str:
        return f"验证码 {self.pk or ''}"
