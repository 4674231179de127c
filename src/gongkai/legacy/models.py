"""What a migration from an old government site leaves behind: the runs, every page and file
met with its old address (so old links keep answering, with a 301 to the new page), the
fingerprints that find a document saved twice, and the proposals staff confirm before
anything imported is published.

Nothing here is deleted when a record is withdrawn: an old address keeps pointing at the
record, whose page says it was withdrawn (DESIGN.md: nothing published silently vanishes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import Organisation, Site
from gongkai.records.models import Attachment, Record


class ImportRun(models.Model):
    """One `gongkai legacy import` (or its dry run): its source, options and counts."""

    site = models.ForeignKey(Site, verbose_name=_("站点"), on_delete=models.CASCADE)
    source = models.CharField(_("来源"), max_length=500)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    dry_run = models.BooleanField(_("试运行"), default=False)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    pages_seen = models.PositiveIntegerField(_("页面数"), default=0)
    imported = models.PositiveIntegerField(_("已导入"), default=0)
    duplicates = models.PositiveIntegerField(_("重复跳过"), default=0)
    failed = models.PositiveIntegerField(_("失败"), default=0)
    already_done = models.PositiveIntegerField(_("此前已导入"), default=0)
    report_path = models.CharField(_("报告文件"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("迁移批次")
        verbose_name_plural = _("迁移批次")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.site} {self.source}"


class PageStatus(models.TextChoices):
    IMPORTED = "imported", _("已导入")
    DUPLICATE = "duplicate", _("重复跳过")
    FAILED = "failed", _("失败")
    #: a column or list page of the old site: not a document; its old address redirects to
    #: the column's new page
    LISTING = "listing", _("栏目页")


class ReviewState(models.TextChoices):
    """Nothing imported is published until staff confirm its leaf and organisation."""

    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认发布")
    REJECTED = "rejected", _("不予迁移")


class LegacyPage(models.Model):
    """A page of the old site, by its old address. A duplicate or failed page is kept too, so
    the report and a re-run know it; a duplicate's old address redirects to the original's
    record."""

    site = models.ForeignKey(Site, verbose_name=_("站点"), on_delete=models.CASCADE)
    run = models.ForeignKey(
        ImportRun, verbose_name=_("迁移批次"), on_delete=models.SET_NULL, null=True, blank=True
    )
    old_url = models.CharField(_("原网址"), max_length=1000)
    #: the old address as the portal is asked for it: path and query, no host (`paths.old_path`)
    old_path = models.CharField(_("原路径"), max_length=700)
    status = models.CharField(_("导入结果"), max_length=10, choices=PageStatus.choices)
    reason = models.TextField(_("原因"), blank=True)
    column_name = models.CharField(_("原栏目"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    published_on = models.DateField(_("原发布日期"), null=True, blank=True)
    source_name = models.CharField(_("来源"), max_length=200, blank=True)
    #: what the extractor found besides the title and date: 索引号, 发布机构, 文号, 成文日期,
    #: 主题分类, 关键词, 站点名称 … and where each came from (`extract.ExtractedPage.metadata`)
    metadata = models.JSONField(_("原页面元数据"), default=dict, blank=True)
    #: the body as it will be published: extracted, normalised, sanitised, links rewritten
    body_html = models.TextField(_("正文"), blank=True)
    #: 64-bit simhash of the normalised body, stored signed; near-duplicates differ in few bits
    fingerprint = models.BigIntegerField(_("内容指纹"), null=True, blank=True)
    #: the fingerprint's four 16-bit bands: two fingerprints within 3 bits share one of them
    band0 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    band1 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    band2 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    band3 = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    record = models.ForeignKey(
        Record,
        verbose_name=_("新信息"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legacy_pages",
    )
    proposed_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("建议公开事项"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("建议发布机构"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confidence = models.FloatField(_("匹配可信度"), default=0)
    classification_note = models.TextField(_("归类依据"), blank=True)
    review_state = models.CharField(
        _("确认状态"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("旧站页面")
        verbose_name_plural = _("旧站页面")
        constraints = [
            models.UniqueConstraint(fields=["site", "old_path"], name="legacy_page_once_per_path")
        ]
        indexes = [models.Index(fields=["site", "status", "review_state"])]

    def __str__(self) -> str:
        return self.title or self.old_url


def legacy_file_path(instance, filename: str) -> str:
    return f"legacy/{instance.site_id}/{instance.sha256[:16]}.{instance.kind}"


class LegacyFile(models.Model):
    """An attachment or image of the old site, by its old address, and the attachment it
    became; its old address redirects to the new one."""

    site = models.ForeignKey(Site, verbose_name=_("站点"), on_delete=models.CASCADE)
    old_path = models.CharField(_("原路径"), max_length=700)
    page = models.ForeignKey(
        LegacyPage, verbose_name=_("所在页面"), on_delete=models.CASCADE, related_name="files"
    )
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("新附件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=10, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    alt_text = models.CharField(_("替代文本"), max_length=200, blank=True)
    #: the checked file, kept until the page is published (its attachment then shares it)
    file = models.FileField(_("文件"), upload_to=legacy_file_path, max_length=200, blank=True)
    #: why the file was not taken (missing from the saved folder, type not accepted …)
    refused = models.CharField(_("未导入原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("旧站附件")
        verbose_name_plural = _("旧站附件")
        constraints = [
            models.UniqueConstraint(fields=["site", "old_path"], name="legacy_file_once_per_path")
        ]

    def __str__(self) -> str:
        return self.old_path


class MatchField(models.TextChoices):
    COLUMN = "column", _("原栏目")
    TITLE = "title", _("标题")
    BODY = "body", _("正文")
    PUBLISHER = "publisher", _("发布机构/来源")


class ClassificationRule(models.Model):
    """An admin-editable rule: when a page's field contains the words, propose this leaf
    and/or organisation with this weight. The strongest agreeing evidence wins (`classify`)."""

    site = models.ForeignKey(Site, verbose_name=_("站点"), on_delete=models.CASCADE)
    field = models.CharField(_("匹配字段"), max_length=10, choices=MatchField.choices)
    contains = models.CharField(
        _("包含词语"), max_length=200, help_text=_("多个词语用空格或逗号分隔，任一出现即匹配")
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("公开事项"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("发布机构"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    weight = models.FloatField(_("权重"), default=0.8)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("归类规则")
        verbose_name_plural = _("归类规则")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_field_display()}含“{self.contains}”"
