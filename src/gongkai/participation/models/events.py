"""Events of public participation (issue 14 point 2): 政府开放日, 公众列席 government meetings
and 听证会, with capacity, reserved places, application, selection and check-in.

The database keeps the promises: one registration per account and event (unique constraint);
the confirmed places never exceed capacity minus the reserved places (a check constraint on
the event's counter, which only a conditional UPDATE moves, inside a lock on the event row);
a check-in code is unique."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation, Site


class EventKind(models.TextChoices):
    OPEN_DAY = "open_day", _("政府开放日")
    MEETING = "meeting", _("公众列席会议")
    HEARING = "hearing", _("听证会")


class Selection(models.TextChoices):
    FIRST_COME = "first_come", _("先到先得（额满后进入候补）")
    APPROVAL = "approval", _("工作人员审核")
    DRAW = "draw", _("报名截止后公开抽签")


class EventState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class Event(models.Model):
    """One open day, meeting or hearing. `confirmed_count` is the number of confirmed
    registrations, kept by conditional UPDATEs under a lock on this row; the check constraint
    makes an overfull event impossible whatever the code above does."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="participation_events"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("主办机构"),
        on_delete=models.PROTECT,
        related_name="participation_events",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("活动说明"), blank=True)
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    opens_at = models.DateTimeField(_("报名开始"))
    closes_at = models.DateTimeField(_("报名截止"))
    capacity = models.PositiveIntegerField(_("总名额"))
    reserved = models.PositiveIntegerField(
        _("预留名额"),
        default=0,
        help_text=_("留给人大代表、政协委员、媒体等，不向公众开放报名。"),
    )
    selection = models.CharField(
        _("确定方式"), max_length=12, choices=Selection.choices, default=Selection.FIRST_COME
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=EventState.choices, default=EventState.DRAFT
    )
    confirmed_count = models.PositiveIntegerField(_("已确认人数"), default=0, editable=False)
    #: applications so far; each registration takes the next number (its queue position)
    application_count = models.PositiveIntegerField(_("报名序号"), default=0, editable=False)
    # the fair draw: the seed is secret until the draw, its hash public from creation
    draw_seed = models.CharField(_("抽签种子"), max_length=64, editable=False)
    draw_seed_hash = models.CharField(_("抽签种子哈希"), max_length=64, editable=False)
    drawn_at = models.DateTimeField(_("抽签时间"), null=True, blank=True, editable=False)
    #: the applicants' public ids that took part in the draw, as published with the seed
    draw_entrants = models.JSONField(_("参加抽签的编号"), default=list, blank=True, editable=False)
    warned_half = models.BooleanField(_("已提示过半"), default=False, editable=False)
    warned_full = models.BooleanField(_("已提示额满"), default=False, editable=False)
    # afterwards
    minutes = models.TextField(_("会议纪要"), blank=True)
    minutes_pdf = models.FileField(
        _("纪要 PDF"), upload_to="participation/events/%Y/", blank=True, max_length=200
    )
    minutes_published_at = models.DateTimeField(_("纪要发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公众参与活动")
        verbose_name_plural = _("公众参与活动")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["site", "state", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved__lte=F("capacity")), name="event_reserved_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity") - F("reserved")),
                name="event_confirmed_within_public_places",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="event_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def public_places(self) -> int:
        return self.capacity - self.reserved

    @property
    def places_left(self) -> int:
        return max(self.public_places - self.confirmed_count, 0)


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("待确定")  # awaiting staff approval or the draw
    CONFIRMED = "confirmed", _("已确认")
    WAITING = "waiting", _("候补")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已取消")


class Registration(models.Model):
    """One person's application to one event. `public_id` is the pseudonymous id published
    with the draw; `code` is the check-in code (shown to the person, as text and QR)."""

    PERSONAL_FIELDS = ("statement", "reject_reason")

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="registrations"
    )
    account = models.ForeignKey(
        "participation.PublicAccount",
        verbose_name=_("公众账号"),
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    statement = models.TextField(_("报名说明"), blank=True)
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=RegistrationState.choices,
        default=RegistrationState.PENDING,
    )
    #: the order of the waiting list (application order, or the draw's order)
    rank = models.PositiveIntegerField(_("排序"))
    public_id = models.CharField(_("公开编号"), max_length=16, unique=True)
    code = models.CharField(_("签到码"), max_length=12, unique=True)
    reject_reason = models.CharField(_("未通过理由"), max_length=300, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    hidden = models.BooleanField(_("已隐藏"), default=False)
    hidden_reason = models.CharField(_("隐藏理由"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "account"], name="event_registration_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(state="confirmed"),
                name="event_checkin_only_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["event", "state", "rank"])]

    def __str__(self) -> str:
        # audit events copy this; it carries no personal data
        return f"活动报名 {self.public_id}"

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
