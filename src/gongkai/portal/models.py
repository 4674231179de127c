"""Configurable parts of a site's portal: columns with their update rules, reading points,
and the fixed pages of the 政府信息公开 section."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.html import clean_html
from gongkai.core.models import Site


class ColumnKind(models.TextChoices):
    NEWS = "news", _("要闻动态")
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("政策文件")
    INTERPRETATION = "interpretation", _("政策解读")
    RESPONSE = "response", _("回应关切")
    PERSONNEL = "personnel", _("人事信息")
    PLANNING = "planning", _("规划信息")
    GAZETTE = "gazette", _("政府公报")
    OTHER = "other", _("其他")


# 国办秘函〔2019〕19号: news columns stale after 2 weeks, notices and policies after 6 months;
# personnel and planning information is commonly held to one year.
DEFAULT_UPDATE_DAYS = {
    ColumnKind.NEWS: 14,
    ColumnKind.NOTICE: 180,
    ColumnKind.POLICY: 180,
    ColumnKind.INTERPRETATION: 180,
    ColumnKind.RESPONSE: 180,
    ColumnKind.PERSONNEL: 365,
    ColumnKind.PLANNING: 365,
    ColumnKind.GAZETTE: 180,
    ColumnKind.OTHER: 365,
}


class Column(models.Model):
    """A portal column (栏目). Its update rule is what website inspection holds it to."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="columns"
    )
    slug = models.SlugField(_("标识"))
    name = models.CharField(_("栏目名称"), max_length=50)
    kind = models.CharField(_("栏目类型"), max_length=20, choices=ColumnKind.choices)
    record_kinds = models.JSONField(
        _("收录的信息类型"),
        default=list,
        blank=True,
        help_text=_("政府信息的类型代码，如 notice、policy"),
    )
    update_within_days = models.PositiveSmallIntegerField(
        _("更新要求（天）"), help_text=_("超过该天数未更新即视为不更新栏目（国办秘函〔2019〕19号）")
    )
    show_on_home = models.BooleanField(_("首页展示"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["site", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="column_slug_unique_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.name}"

    def save(self, *args, **kwargs):
        if not self.update_within_days:
            self.update_within_days = DEFAULT_UPDATE_DAYS.get(self.kind, 365)
        super().save(*args, **kwargs)


class ReadingPoint(models.Model):
    """信息公开查阅点 (《政府信息公开条例》第二十五条): where people read government information."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="reading_points"
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    opening_hours = models.CharField(_("开放时间"), max_length=100)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    materials = models.TextField(_("可查阅内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("信息公开查阅点")
        verbose_name_plural = _("信息公开查阅点")
        ordering = ["site", "order", "id"]

    def __str__(self) -> str:
        return self.name


class DisclosurePageKind(models.TextChoices):
    GUIDE = "guide", _("政府信息公开指南")
    RULES = "rules", _("政府信息公开制度")


class DisclosurePage(models.Model):
    """The fixed pages of the 政府信息公开 section. The guide must be kept current
    (《政府信息公开条例》第十二条; failing to update it is a liability ground, 第五十三条)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="disclosure_pages"
    )
    kind = models.CharField(_("页面"), max_length=20, choices=DisclosurePageKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), help_text=_("可使用简单 HTML，保存时会清理不安全内容"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信息公开专栏页面")
        verbose_name_plural = _("信息公开专栏页面")
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="disclosure_page_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.title}"

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)


class GazetteIssue(models.Model):
    """One issue of the 政府公报, a statutory channel for proactive disclosure
    (《政府信息公开条例》第二十三条). Its articles are published records; the PDF is generated
    from them when the issue is published (gongkai.portal.gazette.publish_issue)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="gazette_issues"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期号"))
    title = models.CharField(
        _("标题"),
        max_length=100,
        blank=True,
        help_text=_("留空则自动生成，如 迎江区人民政府公报 2026年第3期"),
    )
    published_on = models.DateField(_("出版日期"), null=True, blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    pdf = models.FileField(_("PDF 文件"), upload_to="gazette/", blank=True, editable=False)
    records = models.ManyToManyField(
        "records.Record",
        verbose_name=_("刊登文件"),
        through="GazetteArticle",
        related_name="gazette_issues",
        blank=True,
    )

    class Meta:
        verbose_name = _("政府公报")
        verbose_name_plural = _("政府公报")
        ordering = ["site", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "year", "number"], name="gazette_issue_unique_per_site"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.default_title()

    def save(self, *args, **kwargs):
        if not self.title:
            self.title = self.default_title()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("portal:gazette_issue", args=[self.year, self.number])

    def default_title(self) -> str:
        return f"{self.site.name}公报 {self.year}年第{self.number}期"

    @property
    def articles_in_order(self):
        return self.articles.select_related("record", "record__organisation").order_by(
            "order", "id"
        )


class GazetteArticle(models.Model):
    """A record printed in an issue, in the issue's order. Only 政府公报 and 政策文件 records
    belong in a gazette."""

    issue = models.ForeignKey(
        GazetteIssue, verbose_name=_("公报"), on_delete=models.CASCADE, related_name="articles"
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("政府信息"),
        on_delete=models.PROTECT,
        related_name="gazette_articles",
        limit_choices_to={"kind__in": ["gazette", "policy"]},
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("公报文章")
        verbose_name_plural = _("公报文章")
        ordering = ["issue", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "record"], name="gazette_article_unique")
        ]

    def __str__(self) -> str:
        return self.record.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.record_id and self.record.kind not in ("gazette", "policy"):
            raise ValidationError(_("公报只能刊登“政府公报”或“政策文件”类政府信息。"))
