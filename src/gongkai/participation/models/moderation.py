"""Reports (举报) of content the public wrote, and the office's review of what they hid
(participation.moderation holds the rules)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Site


class FlagReason(models.TextChoices):
    SPAM = "spam", _("广告或垃圾信息")
    ABUSE = "abuse", _("辱骂、攻击他人")
    PRIVACY = "privacy", _("泄露他人个人信息")
    ILLEGAL = "illegal", _("违法违规内容")
    OTHER = "other", _("其他不当内容")


class ContentFlag(models.Model):
    """One person's report of one piece of content; a person reports an item once (unique),
    so N reports are N people. `cleared` flags no longer count: the office restored the item
    after them."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("内容类型"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("内容编号"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("举报人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("举报理由"), max_length=20, choices=FlagReason.choices)
    cleared = models.BooleanField(_("已复核"), default=False)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("内容举报")
        verbose_name_plural = _("内容举报")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"], name="content_flag_once"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "cleared"])]

    def __str__(self) -> str:
        return f"举报 {self.pk or ''}"


class ModerationState(models.TextChoices):
    HIDDEN = "hidden", _("已隐藏，待复核")
    KEPT = "kept", _("复核后继续隐藏")
    RESTORED = "restored", _("复核后已恢复")


class ModerationCase(models.Model):
    """An item hidden after repeated reports, waiting for (or given) the office's review."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("内容类型"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("内容编号"))
    title = models.CharField(_("内容摘要"), max_length=200, blank=True)
    url = models.CharField(_("页面地址"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=ModerationState.choices, default=ModerationState.HIDDEN
    )
    flags = models.PositiveIntegerField(_("举报人数"), default=0)
    hidden_at = models.DateTimeField(_("隐藏时间"))
    note = models.TextField(_("复核说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    PERSONAL_FIELDS = ("title",)

    class Meta:
        verbose_name = _("举报复核")
        verbose_name_plural = _("举报复核")
        ordering = ["-hidden_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="moderation_case_one_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"举报复核 {self.pk or ''}"
