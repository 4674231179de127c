"""Government information (政府信息) published under the catalogue: records, their revisions,
review, attachments, channel deliveries, expected periodic slots and subscriptions.

A record is never deleted: it is withdrawn or expires (DESIGN.md). Published content never
changes in place; an edit after publication is a `RecordRevision` that goes through review,
and every published version is kept in its revision row (《政府信息公开条例》第二十六条:
information that changes is published again, with its change date)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from gongkai.catalogue.models import CatalogueItem, Channel
from gongkai.core.models import Organisation, Site

#: the fields whose published values never change in place (only through a revision)
CONTENT_FIELDS = [
    "title",
    "document_number",
    "written_on",
    "formed_on",
    "subject",
    "genre",
    "keywords",
    "summary",
    "body",
    "validity",
    "video_url",
    "interpretation_form",
    "meeting_on",
    "public_attendance",
]


class Kind(models.TextChoices):
    GENERAL = "general", _("一般信息")
    POLICY = "policy", _("政策文件（规范性文件）")
    INTERPRETATION = "interpretation", _("政策解读")
    RESPONSE = "response", _("回应关切")
    NOTICE = "notice", _("通知公告")
    MEETING = "meeting", _("会议")
    GAZETTE = "gazette", _("政府公报")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核待发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("已失效")


class Validity(models.TextChoices):
    NONE = "", _("—")
    VALID = "valid", _("有效")
    INVALID = "invalid", _("失效")
    REPEALED = "repealed", _("废止")


class Disclosure(models.TextChoices):
    """国办发〔2016〕80号: every document is marked when drafted, with reasons for non-disclosure."""

    PROACTIVE = "proactive", _("主动公开")
    ON_REQUEST = "on_request", _("依申请公开")
    NOT_DISCLOSED = "not_disclosed", _("不予公开")


class InterpretationForm(models.TextChoices):
    TEXT = "text", _("文字解读")
    GRAPHIC = "graphic", _("图解")
    VIDEO = "video", _("视频解读")
    QA = "qa", _("问答")


#: 国务院公文主题分类 (the subject categories government sites show), code → name
SUBJECTS = [
    ("01", "综合政务"),
    ("02", "国民经济管理、国有资产监管"),
    ("03", "财政、金融、审计"),
    ("04", "国土资源、能源"),
    ("05", "农业、林业、水利"),
    ("06", "工业、交通"),
    ("07", "商贸、海关、旅游"),
    ("08", "市场监管、安全生产监管"),
    ("09", "城乡建设、环境保护"),
    ("10", "科技、教育"),
    ("11", "文化、广电、新闻出版"),
    ("12", "卫生、体育"),
    ("13", "人口与计划生育、妇女儿童工作"),
    ("14", "劳动、人事、监察"),
    ("15", "公安、安全、司法"),
    ("16", "民政、扶贫、救灾"),
    ("17", "民族、宗教"),
    ("18", "对外事务"),
    ("19", "港澳台侨工作"),
    ("20", "国防"),
    ("21", "其他"),
]
GENRES = [
    (g, g)
    for g in (
        "通知",
        "公告",
        "通告",
        "公示",
        "意见",
        "决定",
        "办法",
        "规定",
        "方案",
        "规划",
        "报告",
        "批复",
        "函",
        "纪要",
        "解读",
        "其他",
    )
]


class IndexRule(models.Model):
    """A site's 索引号 pattern. Placeholders: {org_code} {category} {year} {serial} {site_code}
    {item_id}; the serial counts separately for every distinct rest of the pattern."""

    DEFAULT_PATTERN = "{org_code}-{category}-{year}-{serial:05d}"

    site = models.OneToOneField(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="index_rule"
    )
    pattern = models.CharField(_("索引号规则"), max_length=100, default=DEFAULT_PATTERN)

    class Meta:
        verbose_name = _("索引号规则")
        verbose_name_plural = _("索引号规则")

    def __str__(self) -> str:
        return self.pattern


class InterpretationRule(models.TextChoices):
    NONE = "", _("不要求解读")
    BLOCK = "block", _("须同步解读：无解读不得发布政策")
    NOTICE = "notice", _("须解读：解读未发布时页面提示“解读待发布”")


class ItemPublishing(models.Model):
    """Publishing settings our side keeps for a catalogue leaf (the catalogue app owns the
    standard itself): whether its policies need an interpretation (同步解读,
    国办发〔2016〕80号 / 《关于全面推进政务公开工作的意见》) and where to remind."""

    catalogue_item = models.OneToOneField(
        CatalogueItem,
        verbose_name=_("公开事项"),
        on_delete=models.CASCADE,
        related_name="publishing",
    )
    interpretation_rule = models.CharField(
        _("政策解读要求"), max_length=10, choices=InterpretationRule.choices, blank=True
    )
    remind_days = models.PositiveSmallIntegerField(
        _("提前提醒（工作日）"), default=3, help_text=_("到期前几个工作日发送提醒邮件")
    )

    class Meta:
        verbose_name = _("事项发布设置")
        verbose_name_plural = _("事项发布设置")

    def __str__(self) -> str:
        return str(self.catalogue_item)


class Record(ConcurrentTransitionMixin, models.Model):
    """One piece of government information under a catalogue leaf and an organisation."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="records"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="records"
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem, verbose_name=_("公开事项"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(
        _("信息类别"), max_length=20, choices=Kind.choices, default=Kind.GENERAL
    )
    index_number = models.CharField(_("索引号"), max_length=120, null=True, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    formed_on = models.DateField(
        _("形成/变更日期"),
        help_text=_("信息形成或者变更之日，公开时限自次日起算（《条例》第二十六条）"),
    )
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True, db_index=True)
    scheduled_at = models.DateTimeField(_("定时发布时间"), null=True, blank=True, db_index=True)
    subject = models.CharField(_("主题分类"), max_length=2, choices=SUBJECTS, default="01")
    genre = models.CharField(_("体裁"), max_length=10, choices=GENRES, default="通知")
    keywords = models.CharField(_("主题词"), max_length=200, blank=True)
    summary = models.TextField(_("内容概述"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    validity = models.CharField(
        _("有效性"), max_length=10, choices=Validity.choices, blank=True, default=""
    )
    disclosure = models.CharField(
        _("公开属性"), max_length=20, choices=Disclosure.choices, default=Disclosure.PROACTIVE
    )
    disclosure_reason = models.TextField(
        _("不予公开/依申请公开理由"),
        blank=True,
        help_text=_("国办发〔2016〕80号：非主动公开须说明理由"),
    )
    policy = models.ForeignKey(
        "self",
        verbose_name=_("所解读的政策"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpretations",
    )
    interpretation_form = models.CharField(
        _("解读形式"), max_length=10, choices=InterpretationForm.choices, blank=True
    )
    video_url = models.URLField(_("视频链接"), blank=True)
    meeting_on = models.DateField(_("会议日期"), null=True, blank=True)
    public_attendance = models.TextField(_("公众列席情况"), blank=True)
    related = models.ManyToManyField("self", verbose_name=_("相关信息"), blank=True)
    state = FSMField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT, protected=True
    )
    return_comment = models.TextField(_("退回意见"), blank=True)
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    due_date = models.DateField(_("公开期限"), null=True, blank=True, db_index=True)
    due_explanation = models.TextField(_("期限计算说明"), blank=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    days_late = models.PositiveIntegerField(
        _("超期工作日"), null=True, blank=True, help_text=_("发布时记录：0 为按时发布")
    )
    slot = models.ForeignKey(
        "ExpectedSlot",
        verbose_name=_("对应期次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("内容修改人"),
        blank=True,
        related_name="+",
        help_text=_("起草之后修改过内容或附件的人；他们不能审核该信息（四眼原则）"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        _("编辑版本"),
        default=1,
        editable=False,
        help_text=_("每次保存修改加一，防止覆盖他人的修改"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府信息")
        verbose_name_plural = _("政府信息")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "index_number"], name="records_index_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["site", "state", "published_at"]),
            # A site's latest records (home, /records/, feeds) in index order: with state IN
            # (published, expired) the index above cannot give the order, and SQLite sorted every
            # row of the site to take 20 (5 s at 200,000 records).
            models.Index(fields=["site", "published_at", "id"], name="records_site_latest_idx"),
            # The home page's columns (通知公告, 政策解读 …) take the latest of one kind: a rare
            # kind otherwise walked the whole site by date (0.35 s for 政策解读).
            models.Index(
                fields=["site", "kind", "published_at", "id"], name="records_site_kind_idx"
            ),
            # 政府信息 N 条 per catalogue item (home, catalogue): counted from the index alone.
            models.Index(
                fields=["catalogue_item", "state", "published_at"], name="records_item_count_idx"
            ),
            # Neighbours and related records walk one catalogue item by date.
            models.Index(fields=["catalogue_item", "published_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        """Refuses to change published content in place (a revision must be used)."""
        if self.pk and not getattr(self, "_applying_revision", False):
            stored = (
                Record.objects.filter(pk=self.pk)
                .values("state", *[f for f in CONTENT_FIELDS])
                .first()
            )
            if stored and stored["state"] in (State.PUBLISHED, State.WITHDRAWN, State.EXPIRED):
                for name in CONTENT_FIELDS:
                    if stored[name] != getattr(self, name):
                        raise PermissionError(
                            "已发布的信息不能直接修改，请提交修订，经审核后发布。"
                        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if not self.index_number:
            return reverse("records_staff:detail", args=[self.pk])
        return reverse("records:detail", args=[self.index_number])

    @property
    def is_public(self) -> bool:
        return self.state in (State.PUBLISHED, State.WITHDRAWN, State.EXPIRED)

    def content(self) -> dict:
        from gongkai.core.audit import snapshot

        return snapshot(self, CONTENT_FIELDS)

    # The state machine. Conditions and side effects live in records.workflow.
    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(self) -> None:
        self.return_comment = ""

    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED)
    def send_back(self, comment: str) -> None:
        self.return_comment = comment

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.PUBLISHED)
    def publish(self) -> None:
        pass

    @transition(field=state, source=State.PUBLISHED, target=State.WITHDRAWN)
    def withdraw(self, reason: str) -> None:
        self.withdrawal_reason = reason

    @transition(field=state, source=State.PUBLISHED, target=State.EXPIRED)
    def expire(self) -> None:
        pass


class RevisionState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核待发布")
    PUBLISHED = "published", _("已发布")


class RecordRevision(ConcurrentTransitionMixin, models.Model):
    """One version of a record's content. Number 1 is the first publication; later numbers are
    edits after publication, reviewed before they replace the public text. Published rows are
    never changed: they are the 更新记录 the public page lists."""

    record = models.ForeignKey(
        Record, verbose_name=_("政府信息"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    content = models.JSONField(_("内容"))
    reason = models.TextField(_("更新说明"), blank=True)
    state = FSMField(
        _("状态"),
        max_length=20,
        choices=RevisionState.choices,
        default=RevisionState.SUBMITTED,
        protected=True,
    )
    return_comment = models.TextField(_("退回意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("内容修改人"),
        blank=True,
        related_name="+",
        help_text=_("修订人之外修改过该修订内容的人；他们不能审核该修订（四眼原则）"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        _("编辑版本"),
        default=1,
        editable=False,
        help_text=_("每次保存修改加一，防止覆盖他人的修改"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("更新记录")
        verbose_name_plural = _("更新记录")
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="records_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record} 第{self.number}版"

    def save(self, *args, **kwargs):
        if self.pk and not getattr(self, "_publishing", False):
            stored = RecordRevision.objects.filter(pk=self.pk).values("state", "content").first()
            if stored and stored["state"] == RevisionState.PUBLISHED:
                raise PermissionError("已发布的版本不能修改。")
        super().save(*args, **kwargs)

    @transition(field=state, source=RevisionState.RETURNED, target=RevisionState.SUBMITTED)
    def resubmit(self) -> None:
        self.return_comment = ""

    @transition(field=state, source=RevisionState.SUBMITTED, target=RevisionState.RETURNED)
    def send_back(self, comment: str) -> None:
        self.return_comment = comment

    @transition(field=state, source=RevisionState.SUBMITTED, target=RevisionState.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=RevisionState.APPROVED, target=RevisionState.PUBLISHED)
    def publish(self) -> None:
        pass


class ConfidentialityReview(models.Model):
    """保密审查 recorded by the reviewer before approval (《条例》第十七条: 先审查、后公开)."""

    record = models.ForeignKey(
        Record, verbose_name=_("政府信息"), on_delete=models.PROTECT, related_name="reviews"
    )
    revision = models.ForeignKey(
        RecordRevision,
        verbose_name=_("修订版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    no_state_secrets = models.BooleanField(_("不涉及国家秘密"), default=False)
    no_personal_info = models.BooleanField(_("不含个人隐私或已依法处理"), default=False)
    no_business_secrets = models.BooleanField(_("不含商业秘密或已征得同意"), default=False)
    no_stability_risk = models.BooleanField(
        _("不危及国家安全、公共安全、经济安全和社会稳定"), default=False
    )
    passed = models.BooleanField(_("审查通过"), default=False)
    note = models.TextField(_("审查意见"), blank=True)
    created_at = models.DateTimeField(_("审查时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保密审查")
        verbose_name_plural = _("保密审查")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record} 保密审查{'通过' if self.passed else '未通过'}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    OFD = "ofd", "OFD"
    PNG = "png", _("PNG 图片")
    JPEG = "jpeg", _("JPEG 图片")
    GIF = "gif", _("GIF 图片")


IMAGE_KINDS = {AttachmentKind.PNG, AttachmentKind.JPEG, AttachmentKind.GIF}


def attachment_path(instance, filename: str) -> str:
    return f"records/{instance.record.site_id}/{instance.record_id}/{instance.sha256[:16]}.{instance.kind}"


class Attachment(models.Model):
    """A checked, metadata-stripped file. Attachments added by a revision show once it is
    published."""

    record = models.ForeignKey(
        Record, verbose_name=_("政府信息"), on_delete=models.PROTECT, related_name="attachments"
    )
    revision = models.ForeignKey(
        RecordRevision,
        verbose_name=_("修订版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    alt_text = models.CharField(
        _("替代文本"), max_length=200, blank=True, help_text=_("图片必填：为视障读者描述图片内容")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS


class ChannelDelivery(models.Model):
    """A record's version for one channel the leaf requires (公开渠道和载体, 《条例》第二十三条),
    and when it went out there. Undelivered rows are what oversight counts as missed."""

    record = models.ForeignKey(
        Record, verbose_name=_("政府信息"), on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("公开渠道"), on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(
        _("版本格式"),
        max_length=20,
        choices=[
            ("web", _("网页")),
            ("wechat", _("微信图文（HTML）")),
            ("short", _("短文本（微博/头条）")),
            ("notice_pdf", _("公示栏 A4 PDF")),
            ("text", _("纯文本")),
        ],
    )
    content = models.TextField(_("渠道版本"), blank=True)
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("渠道发布")
        verbose_name_plural = _("渠道发布")
        ordering = ["record", "channel__order"]
        constraints = [
            models.UniqueConstraint(fields=["record", "channel"], name="records_delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.channel}"


class ExpectedSlot(models.Model):
    """A period a periodic leaf (每月/每季度/每年) must publish for, so a missing period shows."""

    site = models.ForeignKey(Site, verbose_name=_("站点"), on_delete=models.CASCADE)
    catalogue_item = models.ForeignKey(
        CatalogueItem, verbose_name=_("公开事项"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("公开主体"), on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(_("期次"), max_length=40)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    due_date = models.DateField(_("公开期限"), db_index=True)
    due_explanation = models.TextField(_("期限计算说明"), blank=True)
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("应公开期次")
        verbose_name_plural = _("应公开期次")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue_item", "organisation", "period_start"],
                name="records_slot_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.catalogue_item} {self.label}"

    @property
    def fulfilled(self) -> bool:
        return self.records.filter(state=State.PUBLISHED).exists()


class Subscription(models.Model):
    """An email subscription to a catalogue item (精准推送), confirmed by a link (double opt-in)."""

    site = models.ForeignKey(Site, verbose_name=_("站点"), on_delete=models.CASCADE)
    email = models.EmailField(_("电子邮箱"))
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("订阅事项"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    created_at = models.DateTimeField(_("订阅时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信息订阅")
        verbose_name_plural = _("信息订阅")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "catalogue_item"], name="records_subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.catalogue_item}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class ApiToken(models.Model):
    """A staff API token. Only its SHA-256 is stored; the token is shown once when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="record_api_tokens",
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
