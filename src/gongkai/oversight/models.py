"""政府信息公开工作年度报告 (《政府信息公开条例》第四十九条、第五十条).

Until the platform computes a year's report from its own records and request events
(a later capability), the reports of earlier years are uploaded as the files that were
published then (PDF or Word). `source` tells the two apart so both can be listed together."""

from django.conf import settings
from django.db import models
from django.urls import reverse
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
