"""扶贫救灾资金第三方监管 (seed 001): a fund (or a project's money) administered by one
organisation and supervised by an independent third party, whose staff record the
disbursements and publish the supervision reports.

What the supervisor publishes is append-only (core.models.AppendOnlyModel): a disbursement or
a report is never edited; a correction is a new entry that references the one it replaces
(a OneToOne, so each entry is corrected at most once and the chain stays linear), and the
totals count only entries nobody has corrected. The administering organisation answers each
finding with a response, also append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import AppendOnlyModel, Organisation, Site

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class FundKind(models.TextChoices):
    POVERTY = "poverty", _("扶贫资金")
    RELIEF = "relief", _("救灾资金")
    LIVELIHOOD = "livelihood", _("民生实事项目资金")
    OTHER = "other", _("其他专项资金")


class SupervisedFund(models.Model):
    """A fund under third-party supervision: created by the office, which assigns the
    supervisor; its allocation is fixed here and what was paid out comes from the
    disbursements, so the balance is always computed, never typed."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="supervised_funds"
    )
    name = models.CharField(_("资金（项目）名称"), max_length=100)
    kind = models.CharField(_("资金类别"), max_length=12, choices=FundKind.choices)
    administering_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("资金管理单位"),
        on_delete=models.PROTECT,
        related_name="administered_funds",
    )
    supervisor = models.ForeignKey(
        Organisation,
        verbose_name=_("第三方监管机构"),
        on_delete=models.PROTECT,
        related_name="supervised_funds",
    )
    total_amount = models.DecimalField(_("资金总额（元）"), **AMOUNT)
    period_start = models.DateField(_("使用期间起"))
    period_end = models.DateField(_("使用期间止"))
    description = models.TextField(_("资金说明"), blank=True)
    project = models.ForeignKey(
        "participation.LivelihoodProject",
        verbose_name=_("关联民生实事项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_funds",
    )
    published = models.BooleanField(_("在网站公开"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("第三方监管资金")
        verbose_name_plural = _("第三方监管资金")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_amount__gt=0), name="fund_total_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="fund_period_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("administering_organisation")),
                name="fund_supervisor_not_administrator",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecipientCategory(models.TextChoices):
    """Who received the money. Persons (households) are shown only counted or masked."""

    HOUSEHOLD = "household", _("农户（个人）")
    VILLAGE = "village", _("村（社区）集体")
    ENTERPRISE = "enterprise", _("企业、合作社")
    INSTITUTION = "institution", _("机关事业单位")
    OTHER = "other", _("其他")


PERSON_CATEGORIES = (RecipientCategory.HOUSEHOLD,)


class Disbursement(AppendOnlyModel):
    """One payment out of the fund as the supervisor verified it (资金拨付记录)."""

    PERSONAL_FIELDS = ("recipient",)

    fund = models.ForeignKey(
        SupervisedFund,
        verbose_name=_("监管资金"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    paid_on = models.DateField(_("拨付日期"))
    amount = models.DecimalField(_("金额（元）"), **AMOUNT)
    purpose = models.CharField(_("用途"), max_length=300)
    recipient_category = models.CharField(
        _("收款对象类别"), max_length=12, choices=RecipientCategory.choices
    )
    area = models.CharField(_("地区（乡镇、村）"), max_length=100)
    recipient = models.CharField(
        _("收款单位或对象"),
        max_length=100,
        blank=True,
        help_text=_("个人只公开户数和脱敏后的姓名，不公开身份证号码。"),
    )
    recipients_count = models.PositiveIntegerField(_("受益户数（人数）"), default=1)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    correction_reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金拨付记录")
        verbose_name_plural = _("资金拨付记录")
        ordering = ["-paid_on", "-id"]
        constraints = [
            # an original payment is positive; a correction may void one with 0
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) | models.Q(amount=0, corrects__isnull=False),
                name="disbursement_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(correction_reason=""),
                name="disbursement_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"拨付记录 {self.pk or ''}"

    @property
    def serial(self) -> str:
        return f"BF{self.paid_on:%Y%m%d}-{self.pk or 0:05d}"


def report_file_path(instance: SupervisionReport, filename: str) -> str:
    return f"participation/funds/{instance.fund_id}/{filename}"


class SupervisionReport(AppendOnlyModel):
    """A supervision report published by the third party, with its PDF (checked by content)."""

    fund = models.ForeignKey(
        SupervisedFund, verbose_name=_("监管资金"), on_delete=models.PROTECT, related_name="reports"
    )
    title = models.CharField(_("报告标题"), max_length=150)
    period_start = models.DateField(_("监管期间起"))
    period_end = models.DateField(_("监管期间止"))
    summary = models.TextField(_("监管结论"))
    file = models.FileField(_("报告文件（PDF）"), upload_to=report_file_path, max_length=200)
    file_name = models.CharField(_("文件名"), max_length=150)
    file_size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("更正的报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    correction_reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("第三方监管报告")
        verbose_name_plural = _("第三方监管报告")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="supervision_report_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(correction_reason=""),
                name="supervision_report_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"监管报告 {self.pk or ''}"


class SupervisionFinding(AppendOnlyModel):
    """One problem a report found; the administering organisation must respond to it."""

    report = models.ForeignKey(
        SupervisionReport,
        verbose_name=_("监管报告"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("发现的问题"))

    class Meta:
        verbose_name = _("监管发现问题")
        verbose_name_plural = _("监管发现问题")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="finding_number_per_report")
        ]

    def __str__(self) -> str:
        return f"监管发现 {self.pk or ''}"

    @property
    def current_review(self):
        """The supervisor's latest judgement (None: 待整改); uses prefetched reviews."""
        reviews = list(self.reviews.all())
        return reviews[-1] if reviews else None


class FindingResponse(AppendOnlyModel):
    """The administering organisation's answer to a finding (整改说明), published with it."""

    finding = models.ForeignKey(
        SupervisionFinding,
        verbose_name=_("监管发现"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("回应单位"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("回应内容"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回应人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("回应时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监管发现回应")
        verbose_name_plural = _("监管发现回应")
        ordering = ["responded_at", "id"]

    def __str__(self) -> str:
        return f"监管发现回应 {self.pk or ''}"


class RectificationStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    DONE = "done", _("已整改")
    WAIVED = "waived", _("无需整改")


class FindingReview(AppendOnlyModel):
    """The supervisor's judgement of a finding's rectification, after reading the response.
    Each judgement is a new row, so the public sees how a finding moved, not only where it is."""

    finding = models.ForeignKey(
        SupervisionFinding,
        verbose_name=_("监管发现"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    status = models.CharField(_("整改状态"), max_length=12, choices=RectificationStatus.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("核实时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改核实")
        verbose_name_plural = _("整改核实")
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"整改核实 {self.pk or ''}"
