"""Information requests (依申请公开): the request, its append-only event log, fees, appeals,
private attachments and per-site settings.

The state machine lives on `FoiRequest` (django-fsm-2); `foi.workflow` is the only caller of
its transitions, so every change writes a `FoiEvent` and an `AuditEvent`. The reply due date is
never edited: it is derived from the events (`foi.rules.due_for`) and only cached here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from gongkai.core.models import AppendOnlyModel, Organisation, Site
from gongkai.core.uploads import CleanFileSystemStorage


def private_storage() -> FileSystemStorage:
    """Applicants' ID copies, licences and scans: outside MEDIA_ROOT, never served by URL."""
    return CleanFileSystemStorage(location=settings.VAR_DIR / "private", base_url=None)


class ApplicantKind(models.TextChoices):
    NATURAL = "natural", _("自然人")
    LEGAL = "legal", _("法人或其他组织")


class OrgCategory(models.TextChoices):
    """The sub-columns of table 三 for legal persons and other organisations."""

    COMMERCIAL = "commercial", _("商业企业")
    RESEARCH = "research", _("科研机构")
    NONPROFIT = "nonprofit", _("社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法律服务机构")
    OTHER = "other", _("其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    OTHER = "other", _("其他有效身份证件")


class WantedForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子文档")
    OTHER = "other", _("其他")


class Delivery(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICKUP = "pickup", _("自行领取")
    ONLINE = "online", _("网上获取")


class Channel(models.TextChoices):
    """How the request arrived; it decides the receipt date (《条例》第三十一条)."""

    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面提交")
    LETTER = "letter", _("信函")
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")


class State(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    CORRECTION_ASKED = "correction_asked", _("待补正")
    IN_HANDLING = "in_handling", _("办理中")
    CONSULTING = "consulting", _("征求意见中")
    EXTENDED = "extended", _("已延期办理中")
    AWAITING_PAYMENT = "awaiting_payment", _("待缴费")
    REPLIED = "replied", _("已答复")
    ABANDONED = "abandoned", _("视为放弃")
    CLOSED = "closed", _("已归档")


#: States in which the organ works on the request and the clock runs.
HANDLING = [State.REGISTERED, State.IN_HANDLING, State.EXTENDED]
#: States in which the request has its outcome (it counts in table 三 as 办理结果).
CONCLUDED = [State.REPLIED, State.ABANDONED, State.CLOSED]
OPEN = [s for s in State.values if s not in CONCLUDED]


class Outcome(models.TextChoices):
    """《条例》第三十六条 outcomes, one per row of table 三 (国办公开办函〔2021〕30号)."""

    DISCLOSED = "1", _("予以公开")
    PARTIAL = "2", _("部分公开")
    REFUSED_SECRET = "3.1", _("不予公开：属于国家秘密")
    REFUSED_LAW = "3.2", _("不予公开：其他法律行政法规禁止公开")
    REFUSED_SAFETY = "3.3", _("不予公开：危及“三安全一稳定”")
    REFUSED_THIRD_PARTY = "3.4", _("不予公开：保护第三方合法权益")
    REFUSED_INTERNAL = "3.5", _("不予公开：属于三类内部事务信息")
    REFUSED_PROCESS = "3.6", _("不予公开：属于四类过程性信息")
    REFUSED_ENFORCEMENT = "3.7", _("不予公开：属于行政执法案卷")
    REFUSED_QUERY = "3.8", _("不予公开：属于行政查询事项")
    UNAVAILABLE_NOT_HELD = "4.1", _("无法提供：本机关不掌握相关政府信息")
    UNAVAILABLE_TO_CREATE = "4.2", _("无法提供：没有现成信息需要另行制作")
    UNAVAILABLE_UNCLEAR = "4.3", _("无法提供：补正后申请内容仍不明确")
    NOT_PROCESSED_PETITION = "5.1", _("不予处理：信访举报投诉类申请")
    NOT_PROCESSED_REPEAT = "5.2", _("不予处理：重复申请")
    NOT_PROCESSED_PUBLICATION = "5.3", _("不予处理：要求提供公开出版物")
    NOT_PROCESSED_EXCESSIVE = "5.4", _("不予处理：无正当理由大量反复申请")
    NOT_PROCESSED_CONFIRM = "5.5", _("不予处理：要求行政机关确认或重新出具已获取信息")
    OTHER_NO_CORRECTION = (
        "6.1",
        _("其他处理：申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    )
    OTHER_UNPAID = (
        "6.2",
        _("其他处理：申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    )
    OTHER = "6.3", _("其他处理：其他")


class FoiSettings(models.Model):
    """Per-site choices: whether the masked public list is shown, how long closed cases are kept."""

    site = models.OneToOneField(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="foi_settings"
    )
    public_list = models.BooleanField(_("公开申请列表"), default=False)
    retention_years = models.PositiveSmallIntegerField(
        _("办结案件个人信息保存年限"),
        default=10,
        help_text=_("归档满该年限后，申请人的个人信息可以匿名化处理；案件与统计数据保留。"),
    )

    class Meta:
        verbose_name = _("依申请公开设置")
        verbose_name_plural = _("依申请公开设置")

    def __str__(self) -> str:
        return f"{self.site} 依申请公开设置"

    @classmethod
    def for_site(cls, site: Site) -> FoiSettings:
        return cls.objects.filter(site=site).first() or cls(site=site)


class FoiRequest(models.Model):
    """One information request (《条例》第二十九条 content), never deleted (Art.45 archiving)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="foi_requests"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("被申请机关"),
        on_delete=models.PROTECT,
        related_name="foi_requests",
    )
    serial = models.CharField(_("申请编号"), max_length=30)
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)

    applicant_kind = models.CharField(_("申请人类型"), max_length=10, choices=ApplicantKind.choices)
    org_category = models.CharField(
        _("法人或其他组织类别"), max_length=20, choices=OrgCategory.choices, blank=True
    )
    name = models.CharField(_("姓名"), max_length=100, help_text=_("法人或其他组织填写经办人姓名"))
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=40)
    org_name = models.CharField(_("法人或其他组织名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=10, blank=True)

    description = models.TextField(_("所需信息的内容描述"))
    document_title = models.CharField(_("文件名称"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    purpose = models.CharField(_("其他特征描述"), max_length=200, blank=True)
    wanted_form = models.CharField(
        _("获取信息的载体形式"), max_length=20, choices=WantedForm.choices
    )
    delivery = models.CharField(_("获取信息的方式"), max_length=20, choices=Delivery.choices)

    channel = models.CharField(_("申请渠道"), max_length=20, choices=Channel.choices)
    submitted_on = models.DateField(_("提交日期"))
    received_on = models.DateField(_("收到申请日期"), db_index=True)
    receipt_basis = models.CharField(_("收到日期依据"), max_length=200, blank=True)

    state = FSMField(_("状态"), default=State.REGISTERED, choices=State.choices, db_index=True)
    due_date = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    correction_due = models.DateField(_("补正期限"), null=True, blank=True)
    outcome = models.CharField(
        _("办理结果"), max_length=5, choices=Outcome.choices, blank=True, db_index=True
    )
    outcome_reason = models.TextField(_("结果说明"), blank=True)
    replied_on = models.DateField(_("答复（办结）日期"), null=True, blank=True, db_index=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_note = models.CharField(_("送达情况"), max_length=200, blank=True)
    fees_total = models.DecimalField(
        _("收费金额（元）"), max_digits=10, decimal_places=2, default=0
    )
    closed_on = models.DateField(_("归档日期"), null=True, blank=True)
    closed_reason = models.CharField(_("归档原因"), max_length=200, blank=True)
    void = models.BooleanField(
        _("误登记"), default=False, help_text=_("误登记后关闭的申请不计入统计，但不删除。")
    )
    anonymised = models.BooleanField(_("已匿名化"), default=False)
    version = models.PositiveIntegerField(
        _("编辑版本"),
        default=1,
        editable=False,
        help_text=_("每次办理操作加一，防止两人同时办理互相覆盖"),
    )

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    #: The applicant's data: never written into the audit log (core.audit), shown to staff only
    #: with a logged view, and erased past the retention period (foi.privacy.anonymise).
    PERSONAL_FIELDS = (
        "name",
        "id_number",
        "org_name",
        "credit_code",
        "phone",
        "email",
        "address",
        "postcode",
        "description",
        "purpose",
        "delivery_note",
    )

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "serial"], name="foi_serial_unique_per_site"),
            models.CheckConstraint(
                condition=(
                    models.Q(applicant_kind="natural", org_category="")
                    | (models.Q(applicant_kind="legal") & ~models.Q(org_category=""))
                ),
                name="foi_org_category_only_for_legal_persons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial} {self.organisation.name}"

    # The applicant's column in table 三.
    @property
    def column(self) -> str:
        return "natural" if self.applicant_kind == ApplicantKind.NATURAL else self.org_category

    @property
    def applicant_display(self) -> str:
        if self.applicant_kind == ApplicantKind.LEGAL and self.org_name:
            return f"{self.org_name}（经办人：{self.name}）"
        return self.name

    @property
    def applicant_type_display(self) -> str:
        if self.applicant_kind == ApplicantKind.LEGAL:
            return f"{ApplicantKind.LEGAL.label}·{OrgCategory(self.org_category).label}"
        return str(ApplicantKind.NATURAL.label)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def tracking_code_display(self) -> str:
        code = self.tracking_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    # ------------------------------------------------------------------ transitions
    # Called only from foi.workflow, which checks the legal conditions and writes the events.

    @transition(field=state, source=HANDLING, target=State.CORRECTION_ASKED)
    def ask_correction(self):
        pass

    @transition(field=state, source=State.CORRECTION_ASKED, target=State.IN_HANDLING)
    def receive_correction(self):
        pass

    @transition(field=state, source=State.CORRECTION_ASKED, target=State.ABANDONED)
    def abandon(self):
        pass

    @transition(field=state, source=HANDLING, target=State.CONSULTING)
    def consult(self):
        pass

    @transition(
        field=state,
        source=[State.CONSULTING, State.AWAITING_PAYMENT],
        target=RETURN_VALUE(State.IN_HANDLING, State.EXTENDED),
    )
    def resume(self, extended: bool):
        return State.EXTENDED if extended else State.IN_HANDLING

    @transition(field=state, source=[State.REGISTERED, State.IN_HANDLING], target=State.EXTENDED)
    def extend(self):
        pass

    @transition(field=state, source=HANDLING, target=State.AWAITING_PAYMENT)
    def ask_fee(self):
        pass

    @transition(field=state, source=State.AWAITING_PAYMENT, target=State.REPLIED)
    def fee_lapsed(self):
        pass

    @transition(field=state, source=HANDLING, target=State.REPLIED)
    def reply(self):
        pass

    @transition(field=state, source=[State.REPLIED, State.ABANDONED], target=State.CLOSED)
    def archive(self):
        pass

    @transition(field=state, source=OPEN, target=State.CLOSED)
    def close_as_void(self):
        pass


class EventKind(models.TextChoices):
    RECEIVED = "received", _("收到申请")
    CORRECTION_ASKED = "correction_asked", _("告知补正")
    CORRECTION_RECEIVED = "correction_received", _("收到补正")
    ABANDONED = "abandoned", _("逾期未补正，视为放弃")
    CONSULTATION_STARTED = "consultation_started", _("征求意见")
    CONSULTATION_ANSWERED = "consultation_answered", _("征求意见结束")
    EXTENDED = "extended", _("延长答复期限")
    FEE_NOTICE = "fee_notice", _("发出收费通知")
    FEE_PAID = "fee_paid", _("缴纳费用")
    FEE_LAPSED = "fee_lapsed", _("逾期未缴费，不再处理")
    REPLIED = "replied", _("作出答复")
    DELIVERED = "delivered", _("送达")
    CLOSED = "closed", _("归档")
    APPEAL = "appeal", _("行政复议/行政诉讼")
    NOTE = "note", _("备注")
    EMAILED = "emailed", _("电子邮件发送")
    DOWNLOADED = "downloaded", _("申请人下载")


#: Events that only log what was sent or fetched: they are not steps of the case, so they do
#: not move the clock, bind the next step's date or show in the applicant's timeline.
LOG_KINDS = [EventKind.NOTE, EventKind.APPEAL, EventKind.EMAILED, EventKind.DOWNLOADED]
#: The delivery log on the staff case page (what went to the applicant, how and when).
DELIVERY_KINDS = [
    EventKind.CORRECTION_ASKED,
    EventKind.CORRECTION_RECEIVED,
    EventKind.REPLIED,
    EventKind.DELIVERED,
    EventKind.EMAILED,
    EventKind.DOWNLOADED,
]


class FoiEvent(AppendOnlyModel):
    """One entry of a case's log. It feeds the clock, the public timeline and the statistics."""

    request = models.ForeignKey(
        FoiRequest, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    date = models.DateField(_("日期"))
    days = models.PositiveSmallIntegerField(_("工作日数"), default=0)
    old_due = models.DateField(_("原答复期限"), null=True, blank=True)
    new_due = models.DateField(_("新答复期限"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    visible_to_applicant = models.BooleanField(_("申请人可见"), default=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class FeeMode(models.TextChoices):
    PER_REQUEST = "per_request", _("按件计收")
    PER_PAGE = "per_page", _("按量计收")


class FeeNotice(models.Model):
    """A processing-fee notice (国办函〔2020〕109号): per request or per page, never both."""

    request = models.OneToOneField(
        FoiRequest, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="fee_notice"
    )
    mode = models.CharField(_("计收方式"), max_length=20, choices=FeeMode.choices)
    monthly_count = models.PositiveIntegerField(
        _("本月第几件申请"), null=True, blank=True, help_text=_("按件计收时填写")
    )
    pages = models.PositiveIntegerField(
        _("页数"), null=True, blank=True, help_text=_("按量计收时填写")
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    issued_on = models.DateField(_("通知日期"))
    pay_by = models.DateField(_("缴费期限"))
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收费通知")
        verbose_name_plural = _("收费通知")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(mode="per_request", monthly_count__isnull=False, pages__isnull=True)
                    | models.Q(mode="per_page", pages__isnull=False, monthly_count__isnull=True)
                ),
                name="foi_fee_per_request_or_per_page_never_both",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request.serial} {self.get_mode_display()} {self.amount} 元"


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION_DIRECT = "litigation_direct", _("行政诉讼（未经复议直接起诉）")
    LITIGATION_AFTER = "litigation_after", _("行政诉讼（复议后起诉）")


class AppealResult(models.TextChoices):
    MAINTAINED = "maintained", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")
    PENDING = "pending", _("尚未审结")


class Appeal(models.Model):
    """A reconsideration or lawsuit about a request; counted in table 四."""

    request = models.ForeignKey(
        FoiRequest, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="appeals"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=AppealKind.choices)
    filed_on = models.DateField(_("受理日期"))
    result = models.CharField(
        _("结果"), max_length=20, choices=AppealResult.choices, default=AppealResult.PENDING
    )
    decided_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("行政复议/行政诉讼")
        verbose_name_plural = _("行政复议/行政诉讼")
        ordering = ["filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"


class AttachmentKind(models.TextChoices):
    ID_COPY = "id_copy", _("身份证明")
    LICENCE = "licence", _("营业执照或登记证书")
    SCAN = "scan", _("申请原件扫描件")
    CORRECTION = "correction", _("补正材料")
    REPLY_LETTER = "reply_letter", _("答复告知书")
    RELEASED = "released", _("公开的政府信息")
    OTHER = "other", _("其他材料")


class Attachment(models.Model):
    """A file of a case, stored outside the public media directory (private_storage)."""

    request = models.ForeignKey(
        FoiRequest, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to="foi/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.CharField(_("上传人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
