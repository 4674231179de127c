"""公众参与: messages (咨询留言), ratings (满意度评价) and error reports (我要纠错).

Nothing here is deleted: a message, a rating or a report is answered or closed with a note,
and oversight counts the ones still open (website-indicators.md: valid messages left
unanswered for more than 3 months are a veto item)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation, Site

#: A site's reply period when it has not set one. The regulations and the inspection
#: indicators set no period for messages (only the 3-month veto), so this is the site's
#: choice; 5 working days is the common promise of county portals.
DEFAULT_REPLY_DAYS = 5
#: A message turns amber when this many working days (or fewer) are left.
DEFAULT_AMBER_DAYS = 2


class ParticipationSettings(models.Model):
    """Per-site choices for messages: the reply period and when a message turns amber."""

    site = models.OneToOneField(
        Site,
        verbose_name=_("站点"),
        on_delete=models.CASCADE,
        related_name="participation_settings",
    )
    reply_days = models.PositiveSmallIntegerField(
        _("留言答复期限（工作日）"),
        default=DEFAULT_REPLY_DAYS,
        help_text=_("自收到留言次日起算的工作日数，按工作日历计算。"),
    )
    amber_days = models.PositiveSmallIntegerField(
        _("提前预警（工作日）"),
        default=DEFAULT_AMBER_DAYS,
        help_text=_("距答复期限不超过该工作日数时，留言标为黄色预警。"),
    )

    class Meta:
        verbose_name = _("公众参与设置")
        verbose_name_plural = _("公众参与设置")

    def __str__(self) -> str:
        return f"{self.site} 公众参与设置"

    @classmethod
    def for_site(cls, site: Site) -> ParticipationSettings:
        return cls.objects.filter(site=site).first() or cls(site=site)


class MessageState(models.TextChoices):
    PENDING = "pending", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("不予答复（已关闭）")


class Message(models.Model):
    """One question from the public to an organisation (咨询留言).

    `due_on` is fixed at receipt from the site's reply period on the work calendar; a transfer
    to another organisation does not restart it (the person waits no longer because of an
    internal hand-over). `publish` is the asker's choice; staff may withhold a reply from the
    public list (`published` False) but never publish what was asked to stay private."""

    PERSONAL_FIELDS = ("name", "phone", "email", "question", "subject", "reply")

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="messages"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("答复机构"),
        on_delete=models.PROTECT,
        related_name="messages",
    )
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)
    subject = models.CharField(_("标题"), max_length=100)
    question = models.TextField(_("留言内容"))
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    publish = models.BooleanField(_("同意公开"), default=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("答复期限"))
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published = models.BooleanField(_("在网站公开"), default=False)
    close_note = models.CharField(_("关闭说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("咨询留言")
        verbose_name_plural = _("咨询留言")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["site", "state", "received_on"]),
            models.Index(fields=["organisation", "state", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(publish=True, state="answered"),
                name="message_published_only_if_answered_and_agreed",
            )
        ]

    def __str__(self) -> str:
        # audit events copy this; it carries no personal data
        return f"咨询留言 {self.serial}"

    @property
    def serial(self) -> str:
        return f"LY{self.received_on:%Y%m%d}-{self.pk or 0:05d}"

    @property
    def tracking_code_display(self) -> str:
        code = self.tracking_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    @property
    def is_pending(self) -> bool:
        return self.state == MessageState.PENDING


class MessageTransfer(models.Model):
    """A hand-over of a message to the organisation that should answer it (转办)."""

    message = models.ForeignKey(
        Message, verbose_name=_("留言"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        Organisation, verbose_name=_("转出机构"), on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        Organisation, verbose_name=_("转入机构"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("转办理由"), max_length=300)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    transferred_at = models.DateTimeField(_("转办时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("留言转办")
        verbose_name_plural = _("留言转办")
        ordering = ["transferred_at", "id"]

    def __str__(self) -> str:
        return f"{self.message} 转办"


class FeedbackState(models.TextChoices):
    OPEN = "open", _("待处理")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已关闭")


class Feedback(models.Model):
    """What ratings and error reports share: the page they are about, the organisation that
    answers for it, and the handling (answered or closed, always with a note)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("责任机构"), on_delete=models.PROTECT, related_name="+"
    )
    page_path = models.CharField(_("页面地址"), max_length=300)
    page_title = models.CharField(_("页面标题"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=FeedbackState.choices, default=FeedbackState.OPEN
    )
    note = models.TextField(_("处理说明"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_open(self) -> bool:
        return self.state == FeedbackState.OPEN


class Rating(Feedback):
    """满意度评价 of one public page (a record, a guide, a reply): 1–5 and an optional comment."""

    PERSONAL_FIELDS = ("comment",)

    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta(Feedback.Meta):
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        indexes = [models.Index(fields=["site", "state"]), models.Index(fields=["organisation"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"满意度评价 {self.pk or ''}（{self.score} 分）"


class ErrorReport(Feedback):
    """我要纠错: an error a visitor found on a public page, with an optional way to reach them."""

    PERSONAL_FIELDS = ("description", "contact")

    description = models.TextField(_("错误描述"))
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)

    class Meta(Feedback.Meta):
        verbose_name = _("网站纠错")
        verbose_name_plural = _("网站纠错")
        indexes = [models.Index(fields=["site", "state"]), models.Index(fields=["organisation"])]

    def __str__(self) -> str:
        return f"网站纠错 {self.pk or ''}"


# Each area of participation keeps its models in its own module of this package; they are
# imported here so Django finds them (and `from gongkai.participation.models import X` works).
from .accounts import CodeChannel, PublicAccount, VerificationCode  # noqa: E402,F401
from .consultations import (  # noqa: E402,F401
    AdvisoryInvitation,
    AdvisoryMember,
    CommentState,
    Consultation,
    ConsultationComment,
    ConsultationState,
    Disposition,
    DraftSource,
    DraftVersion,
    RejectionReason,
)
from .events import Event, EventKind, EventState, Registration, RegistrationState, Selection  # noqa: E402,F401
from .funds import (  # noqa: E402,F401
    Disbursement,
    FindingResponse,
    FindingReview,
    FundKind,
    RecipientCategory,
    RectificationStatus,
    SupervisedFund,
    SupervisionFinding,
    SupervisionReport,
)
from .moderation import ContentFlag, FlagReason, ModerationCase, ModerationState  # noqa: E402,F401
from .projects import (  # noqa: E402,F401
    Ballot,
    BallotChoice,
    DeputyRosterEntry,
    LivelihoodProgramme,
    LivelihoodProject,
    Milestone,
    ProgrammePhase,
    ProgressUpdate,
    ProjectCategory,
    ProjectEvaluation,
    ProjectFile,
    ProjectState,
    Proposal,
    ProposalState,
)
