"""What the search engine stores beside its full-text index, and the synonyms admins edit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """Metadata of an indexed document, one row per doc_id; its id is the FTS5 rowid.

    The FTS5 backend keeps filters, date order and snippets in plain SQL here. The fields mirror
    backends.base.SearchDocument; sites and organisations are plain ids so the engine does not
    depend on other apps (the source that feeds it owns those rows)."""

    doc_id = models.CharField(_("文档标识"), max_length=100, unique=True)
    site_id = models.IntegerField(_("站点"), db_index=True)
    title = models.TextField(_("标题"))
    title_key = models.CharField(_("标题键"), max_length=200, blank=True, db_index=True)
    body = models.TextField(_("正文"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    kind = models.CharField(_("类别"), max_length=40, blank=True)
    organisation_id = models.IntegerField(_("发布机构"), null=True, blank=True)
    organisation_name = models.CharField(_("发布机构名称"), max_length=200, blank=True)
    domain_id = models.IntegerField(_("公开领域"), null=True, blank=True)
    catalogue_item_id = models.IntegerField(_("公开事项"), null=True, blank=True)
    year = models.IntegerField(_("年份"), null=True, blank=True)
    validity = models.CharField(_("有效性"), max_length=20, blank=True)
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True)
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        indexes = [models.Index(fields=["site_id", "published_at"], name="search_site_date")]

    def __str__(self) -> str:
        return self.title


class Synonym(models.Model):
    """Query-time expansion: searching `term` also finds its alternatives (one-way)."""

    site = models.ForeignKey(
        "core.Site",
        verbose_name=_("站点"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空表示所有站点通用"),
    )
    term = models.CharField(_("检索词"), max_length=50)
    alternatives = models.TextField(
        _("同义词"), help_text=_("用逗号、顿号或换行分隔，例如：天然气、煤气")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["site", "term"], name="synonym_term_unique_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.alternatives}"

    def alternative_list(self) -> list[str]:
        import re

        return [a.strip() for a in re.split(r"[,，、;；\n]+", self.alternatives) if a.strip()]


class IndexChange(models.Model):
    """The search outbox: one row per change to a searchable thing, written in the change's own
    transaction, so every app node can bring its local index up to date without copying index
    files. The id is the sequence number nodes keep their position by (search.outbox)."""

    class Kind(models.TextChoices):
        UPSERT = "upsert", _("更新")
        DELETE = "delete", _("删除")

    id = models.BigAutoField(_("序号"), primary_key=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.UPSERT)
    source = models.CharField(_("数据源"), max_length=50)
    key = models.CharField(_("对象标识"), max_length=100)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("检索变更")
        verbose_name_plural = _("检索变更")

    def __str__(self) -> str:
        return f"{self.id} {self.kind} {self.source}:{self.key}"


class SearchNode(models.Model):
    """How far one app node's local index has applied the outbox."""

    name = models.CharField(_("节点名称"), max_length=100, unique=True)
    position = models.BigIntegerField(_("已应用序号"), default=0)
    rebuilding = models.BooleanField(_("正在重建"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索节点")
        verbose_name_plural = _("检索节点")

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"
