"""政府信息公开工作年度报告 (《政府信息公开条例》第四十九条、第五十条).

Until the platform computes a year's report from its own records and request events
(a later capability), the reports of earlier years are uploaded as the files that were
published then (PDF or Word). `source` tells the two apart so both can be listed together."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation, Site


class ReportSource(models.TextChoices):
    UPLOADED = "uploaded", _("上传的文件")
    COMPUTED = "computed", _("系统生成")


class FileKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word（.docx）")


def report_upload_to(instance: "AnnualReport", filename: str) -> str:
    return f"annual-reports/{instance.site_id}/{instance.year}/{filename}"


class AnnualReport(models.Model):
    """One organisation's report for one year."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("报告机关"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    source = models.CharField(
        _("来源"), max_length=10, choices=ReportSource.choices, default=ReportSource.UPLOADED
    )
    file = models.FileField(_("报告文件"), upload_to=report_upload_to, max_length=300)
    file_name = models.CharField(_("文件名"), max_length=200)
    file_kind = models.CharField(_("文件格式"), max_length=10, choices=FileKind.choices)
    file_size = models.PositiveIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="annual_report_one_per_organisation_year"
            )
        ]
        indexes = [models.Index(fields=["site", "year"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("oversight:download", args=[self.pk])

    @property
    def title(self) -> str:
        return f"{self.organisation.name}{self.year}年政府信息公开工作年度报告"


class Severity(models.TextChoices):
    """How an inspection indicator weighs a finding (国办秘函〔2019〕19号 and the provincial
    scoring sheets): a veto fails the site outright, a deduction costs the indicator's points,
    a warning is a veto or deduction that is coming (e.g. a column about to go stale)."""

    VETO = "veto", _("单项否决")
    DEDUCTION = "deduction", _("扣分")
    WARNING = "warning", _("预警")


class Finding(models.Model):
    """One problem the platform's own checks found (gongkai.oversight.checks), kept while it
    lasts: a check run updates the findings it still sees and resolves the ones it no longer
    sees, so `first_seen_at` tells how long a problem has been open. `key` names the item
    (e.g. ``column:12`` or ``record:345:link:https://…``) so the same problem is one row."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="findings"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("责任机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    check_code = models.CharField(_("检查项"), max_length=50)
    indicator = models.CharField(_("指标"), max_length=100)
    severity = models.CharField(_("性质"), max_length=10, choices=Severity.choices)
    points = models.DecimalField(_("扣分"), max_digits=5, decimal_places=2, default=0)
    key = models.CharField(_("对象标识"), max_length=300)
    title = models.CharField(_("问题"), max_length=300)
    detail = models.TextField(_("说明"), blank=True)
    item_url = models.CharField(_("整改入口"), max_length=500, blank=True)
    due_on = models.DateField(_("预计触发日期"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("首次发现"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近发现"), default=timezone.now)
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查发现的问题")
        verbose_name_plural = _("检查发现的问题")
        ordering = ["site", "resolved_at", "severity", "check_code", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "check_code", "key"], name="finding_one_per_site_check_item"
            )
        ]
        indexes = [models.Index(fields=["site", "resolved_at", "severity"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- annual report ---


class DraftState(models.TextChoices):
    DRAFT = "draft", _("编写中")
    FINAL = "final", _("已定稿")
    PUBLISHED = "published", _("已公布")


class AnnualReportDraft(models.Model):
    """The computed report of one organ for one year (国办公开办函〔2021〕30号), while staff write
    it and after: tables 二/三/四 are computed from records and requests (oversight.annual),
    sections 一、五、六 are written here. 定稿 stores `snapshot` (the tables as finalised), so a
    later change to the cases shows as 数据已变化 instead of silently changing a signed report.
    Publishing stores the PDF as an AnnualReport (source computed) beside the uploaded years."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="annual_drafts"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("报告机关"),
        on_delete=models.PROTECT,
        related_name="annual_drafts",
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    state = models.CharField(
        _("状态"), max_length=10, choices=DraftState.choices, default=DraftState.DRAFT
    )
    section_one = models.TextField(_("一、总体情况"), blank=True)
    section_five = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    section_six = models.TextField(_("六、其他需要报告的事项"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    snapshot = models.JSONField(_("定稿数据"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published = models.OneToOneField(
        AnnualReport,
        verbose_name=_("公布的报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="draft",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度报告（系统生成）")
        verbose_name_plural = _("年度报告（系统生成）")
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="annual_draft_one_per_organisation_year"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.organisation.name}{self.year}年政府信息公开工作年度报告"


class AnnualReportCell(models.Model):
    """A table cell staff set by hand: a figure the platform does not hold (permits,
    penalties, fees: 填报, with its source) or a computed figure overridden (修改, with the
    reason and the computed value it replaced). One row per cell; the audit trail keeps every
    change."""

    draft = models.ForeignKey(
        AnnualReportDraft,
        verbose_name=_("年度报告"),
        on_delete=models.CASCADE,
        related_name="cells",
    )
    key = models.CharField(_("单元格"), max_length=60)
    value = models.CharField(_("数值"), max_length=30)
    computed = models.CharField(_("系统计算值"), max_length=30, blank=True)
    reason = models.TextField(_("来源或修改理由"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_by_name = models.CharField(_("填写人姓名"), max_length=150, blank=True)
    set_at = models.DateTimeField(_("填写时间"), default=timezone.now)

    class Meta:
        verbose_name = _("年度报告人工填写的数据")
        verbose_name_plural = _("年度报告人工填写的数据")
        ordering = ["draft", "key"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "key"], name="annual_cell_one_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
