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


# --- checks (the self-measured indicators, gongkai.oversight.checks) ---


class CheckRun(models.Model):
    """One pass of `run_checks` over a site: when it ran, what it ran, what it found and the
    projected score then, so the dashboard can say "最近检查" and show the history."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="check_runs"
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    checks = models.JSONField(_("检查项"), default=list, blank=True)
    failed = models.JSONField(_("出错的检查项"), default=dict, blank=True)
    vetoes = models.PositiveIntegerField(_("单项否决"), default=0)
    deductions = models.PositiveIntegerField(_("扣分项"), default=0)
    warnings = models.PositiveIntegerField(_("预警"), default=0)
    new = models.PositiveIntegerField(_("新发现"), default=0)
    resolved = models.PositiveIntegerField(_("已消除"), default=0)
    score = models.DecimalField(_("预计得分"), max_digits=5, decimal_places=2, default=100)

    class Meta:
        verbose_name = _("自动检查记录")
        verbose_name_plural = _("自动检查记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["site", "started_at"])]

    def __str__(self) -> str:
        return f"{self.site} {self.started_at:%Y-%m-%d %H:%M}"


class ExpressionKind(models.TextChoices):
    MISUSED = "misused", _("错用词语")
    SENSITIVE = "sensitive", _("敏感或不规范表述")
    LEADER = "leader", _("领导姓名错误")


class ExpressionRule(models.Model):
    """A wrong expression the checks look for in published titles and bodies: misused words,
    sensitive or non-standard wording, and misspelt leader names (a 严重错误 veto of
    国办秘函〔2019〕19号). Kept per site by the office admin."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="expression_rules"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=ExpressionKind.choices)
    wrong = models.CharField(_("错误表述"), max_length=100)
    correct = models.CharField(_("正确表述或说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("错敏词规则")
        verbose_name_plural = _("错敏词规则")
        ordering = ["site", "kind", "wrong"]
        constraints = [
            models.UniqueConstraint(fields=["site", "wrong"], name="expression_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.wrong} → {self.correct}" if self.correct else self.wrong
