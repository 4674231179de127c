"""征求意见 (the 决策 stage of 五公开) and 参政智囊团.

A consultation's draft is kept as numbered versions, each split into paragraphs with a
changelog (Consul's legislation processes: comments annotate text ranges of one version).
Every comment that is not rejected gets a disposition (采纳 / 部分采纳 / 未采纳) before the
consultation closes; the feedback report (意见采纳情况) is computed from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation, Site

from .accounts import PublicAccount


class ConsultationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核发布")
    PUBLISHED = "published", _("征求意见中")
    CLOSED = "closed", _("已结束")


class DraftSource(models.TextChoices):
    TEXT = "text", _("直接录入")
    RECORD = "record", _("已发布的信息")
    DOCUMENT = "document", _("上传的 Word 文档")


class Consultation(models.Model):
    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="consultations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("征求意见机构"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.CharField(_("标题"), max_length=200)
    purpose = models.TextField(_("征求意见说明"), blank=True)
    source = models.CharField(
        _("草案来源"), max_length=10, choices=DraftSource.choices, default=DraftSource.TEXT
    )
    source_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("草案信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_name = models.CharField(_("草案文档名"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=ConsultationState.choices,
        default=ConsultationState.DRAFT,
    )
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    report_published_at = models.DateTimeField(_("采纳情况发布时间"), null=True, blank=True)
    final_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("正式文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations_finalised",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["site", "state", "closes_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(report_published_at__isnull=True) | models.Q(state="closed"),
                name="consultation_report_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"征求意见 {self.pk or ''}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("consultations:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.state in (ConsultationState.PUBLISHED, ConsultationState.CLOSED)


class DraftVersion(models.Model):
    """One version of the draft: its paragraphs (what comments anchor to) and a changelog."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("征求意见"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    paragraphs = models.JSONField(_("段落"), default=list)
    changelog = models.TextField(_("修改说明"), blank=True)
    is_final = models.BooleanField(_("正式文本"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("草案版本")
        verbose_name_plural = _("草案版本")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="draft_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"草案第 {self.number} 版"


class CommentState(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已公开")
    REJECTED = "rejected", _("不予采用（未公开）")


class RejectionReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("与本议题无关")
    ILLEGAL = "illegal", _("含有违法信息")
    ABUSE = "abuse", _("含有人身攻击或侮辱性内容")
    PERSONAL = "personal", _("含有他人个人信息")
    ADVERTISING = "advertising", _("广告或重复内容")


class Disposition(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


class AdvisoryMember(models.Model):
    """参政智囊团 member: a verified person's account, or a name for one without an account.
    Shown on the public list only with `public_consent`."""

    PERSONAL_FIELDS = ("name", "bio")

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="advisory_members"
    )
    account = models.ForeignKey(
        PublicAccount,
        verbose_name=_("公众账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advisory_memberships",
    )
    name = models.CharField(_("姓名"), max_length=50)
    expertise = models.CharField(_("专业领域"), max_length=200)
    bio = models.CharField(_("简介"), max_length=500, blank=True)
    public_consent = models.BooleanField(_("同意公开姓名和简介"), default=False)
    consent_recorded_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    is_active = models.BooleanField(_("在任"), default=True)
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("智囊团成员")
        verbose_name_plural = _("智囊团成员")
        ordering = ["site", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "account"],
                condition=models.Q(account__isnull=False),
                name="advisory_member_one_per_account",
            ),
            models.CheckConstraint(
                condition=models.Q(public_consent=False)
                | models.Q(consent_recorded_at__isnull=False),
                name="advisory_consent_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"智囊团成员 {self.pk or ''}"

    @property
    def fields(self) -> list[str]:
        return [f.strip() for f in self.expertise.replace("，", "、").split("、") if f.strip()]


class AdvisoryInvitation(models.Model):
    """An invitation to a member to comment on one consultation."""

    member = models.ForeignKey(
        AdvisoryMember,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("征求意见"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    note = models.CharField(_("邀请说明"), max_length=300, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("智囊团邀请")
        verbose_name_plural = _("智囊团邀请")
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "consultation"], name="advisory_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"智囊团邀请 {self.pk or ''}"


class ConsultationComment(models.Model):
    """An opinion on the whole draft (paragraph None) or on a passage: paragraph index and
    character range of one version, with the quoted text."""

    PERSONAL_FIELDS = ("text", "quote", "hidden_reason")

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("征求意见"), on_delete=models.CASCADE, related_name="comments"
    )
    version = models.ForeignKey(
        DraftVersion, verbose_name=_("草案版本"), on_delete=models.PROTECT, related_name="comments"
    )
    account = models.ForeignKey(
        PublicAccount,
        verbose_name=_("公众账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    paragraph = models.PositiveIntegerField(_("段落"), null=True, blank=True)
    start = models.PositiveIntegerField(_("起始位置"), null=True, blank=True)
    end = models.PositiveIntegerField(_("结束位置"), null=True, blank=True)
    quote = models.TextField(_("引用原文"), blank=True)
    text = models.TextField(_("意见内容"))
    advisory_member = models.ForeignKey(
        AdvisoryMember,
        verbose_name=_("智囊团成员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    name_consent = models.BooleanField(_("同意署名公开"), default=False)
    state = models.CharField(
        _("审核状态"), max_length=10, choices=CommentState.choices, default=CommentState.PENDING
    )
    rejection_reason = models.CharField(
        _("不予采用理由"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    disposition = models.CharField(
        _("采纳情况"), max_length=12, choices=Disposition.choices, blank=True
    )
    disposition_reason = models.TextField(_("理由"), blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    disposed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    hidden = models.BooleanField(_("已隐藏"), default=False)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("征求意见留言")
        verbose_name_plural = _("征求意见留言")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["consultation", "state", "disposition"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disposition__in=["", "adopted"])
                | ~models.Q(disposition_reason=""),
                name="comment_disposition_reason_required",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | models.Q(disposition=""),
                name="comment_rejected_has_no_disposition",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(rejection_reason=""),
                name="comment_rejected_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(paragraph__isnull=False)
                | models.Q(start__isnull=True, end__isnull=True),
                name="comment_range_needs_paragraph",
            ),
        ]

    def __str__(self) -> str:
        return f"征求意见留言 {self.pk or ''}"

    @property
    def is_advisory(self) -> bool:
        return self.advisory_member_id is not None
