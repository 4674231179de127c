"""监督考核: what oversight keeps of its own, beside the data it reads from the domain apps.

- 年度报告 (《政府信息公开条例》第四十九条、第五十条): earlier years uploaded as the files
  published then; the platform's own computed from records and requests (AnnualReportDraft,
  published as an AnnualReport with source `computed`), listed together.
- the checks' findings and runs, the expression list and the link checker's cache and list;
- work plans, inspections with their rectifications, and third-party evaluation sheets."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

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


# --- work plan ---


class PlanStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class WorkPlan(models.Model):
    """A work plan (工作方案) with its steps and tasks, like seed 000's 实施步骤 table: what is
    to be done, by whom and by when, kept as a living record of progress."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="work_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("方案名称"), max_length=200)
    source_title = models.CharField(_("来源文件"), max_length=200, blank=True)
    source_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("来源文件（已发布信息）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_public = models.BooleanField(
        _("向社会公开"),
        default=False,
        help_text=_("公开后，公众可在网站查看各项任务的责任单位、时间进度和完成情况。"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")
        ordering = ["site", "-year", "pk"]
        indexes = [models.Index(fields=["site", "year"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("oversight_staff:plan_detail", args=[self.pk])


class PlanStep(models.Model):
    """One step (阶段) of a plan, with its own date range."""

    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("阶段名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作阶段")
        verbose_name_plural = _("工作阶段")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_step_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class PlanTask(models.Model):
    """工作任务: a task of a step, led by one organisation with others cooperating, due by a
    date. Done and cancelled tasks record when; `version` guards edits (core.versioning)."""

    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="tasks"
    )
    step = models.ForeignKey(
        PlanStep, verbose_name=_("阶段"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.TextField(_("工作任务"))
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="led_plan_tasks",
    )
    co_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("配合单位"), blank=True, related_name="plan_tasks"
    )
    deadline = models.DateField(_("完成时限"))
    deadline_text = models.CharField(
        _("时间进度（原文）"), max_length=50, blank=True, help_text=_("如“2017年8月底前”。")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.NOT_STARTED
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    remark = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["plan", "step__number", "number", "pk"]
        indexes = [models.Index(fields=["plan", "status", "deadline"])]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("oversight_staff:plan_task", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        from .plan import is_overdue

        return is_overdue(self)

    @property
    def is_due_soon(self) -> bool:
        from .plan import is_due_soon

        return is_due_soon(self)


class PlanNote(models.Model):
    """A dated progress note on a task, by one of its responsible organisations; the evidence
    is a record on the platform when there is one."""

    task = models.ForeignKey(
        PlanTask, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="notes"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("填报人姓名"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    text = models.TextField(_("进展情况"))
    evidence = models.ForeignKey(
        "records.Record",
        verbose_name=_("佐证材料（已发布信息）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("进展情况")
        verbose_name_plural = _("进展情况")
        ordering = ["task", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


# --- links (issue 12 point 2: broken and prohibited links in published records) ---


class LinkState(models.TextChoices):
    """What a link check concluded (the GOV.UK link checker's four statuses): ok works; caution
    works or may work but needs a look (slow, login, too many redirects, TLS problem); broken
    does not work for the public; danger leads to a suspicious (gambling, porn, fraud) site."""

    OK = "ok", _("正常")
    CAUTION = "caution", _("存疑")
    BROKEN = "broken", _("失效")
    DANGER = "danger", _("危险")


class LinkStatus(models.Model):
    """The last result of fetching one external address, reused for a day so the nightly check
    does not fetch the same address again (oversight.linkcheck.fetch)."""

    url = models.CharField(_("链接地址"), max_length=2000, unique=True)
    status = models.CharField(_("检查结果"), max_length=10, choices=LinkState.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP 状态码"), null=True, blank=True)
    final_url = models.CharField(_("最终地址"), max_length=2000, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("检查时间"), db_index=True)

    class Meta:
        verbose_name = _("外部链接检查结果")
        verbose_name_plural = _("外部链接检查结果")
        ordering = ["-checked_at", "url"]

    def __str__(self) -> str:
        return self.url


class SuspiciousCategory(models.TextChoices):
    GAMBLING = "gambling", _("赌博")
    PORN = "porn", _("色情")
    FRAUD = "fraud", _("诈骗")
    OTHER = "other", _("其他")


class PatternKind(models.TextChoices):
    DOMAIN = "domain", _("域名（含其子域名）")
    KEYWORD = "keyword", _("主机名关键词")


class SuspiciousDomain(models.Model):
    """A domain or host-name keyword whose links are `danger` (暗链: gambling links injected into
    old government pages). The defaults come from oversight/data/suspicious_domains.csv and are
    added after every `migrate`; an entry that misfires is switched off, not deleted (a deleted
    default comes back at the next migrate). Matching rules: oversight.linkcheck.domains."""

    domain = models.CharField(
        _("域名或关键词"),
        max_length=253,
        unique=True,
        help_text=_(
            "域名：匹配该域名及其所有子域名，例如 example.com；关键词：匹配主机名中的词，"
            "少于 5 个字母的关键词只按整词匹配（bet 匹配 bet365.com，不匹配 alphabet.com）"
        ),
    )
    kind = models.CharField(
        _("匹配方式"), max_length=10, choices=PatternKind.choices, default=PatternKind.DOMAIN
    )
    category = models.CharField(
        _("类别"),
        max_length=10,
        choices=SuspiciousCategory.choices,
        default=SuspiciousCategory.OTHER,
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("误判的默认条目请停用，不要删除（删除后迁移时会恢复）")
    )
    added_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("可疑域名")
        verbose_name_plural = _("可疑域名")
        ordering = ["category", "kind", "domain"]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        from gongkai.oversight.linkcheck.domains import normalise_pattern

        try:
            self.domain = normalise_pattern(self.domain, self.kind)
        except ValueError as exc:
            from django.core.exceptions import ValidationError

            raise ValidationError({"domain": str(exc)}) from exc


# --- inspections ---


class InspectionKind(models.TextChoices):
    SELF = "self", _("自查")
    SUPERVISION = "supervision", _("督查")


class InspectionState(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已结束")


class Inspection(models.Model):
    """一次自查或督查: the problems found, each assigned to the organisation that fixes it
    (gongkai.oversight.inspections holds the rules)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=InspectionKind.choices)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("检查报告的署名机关"),
    )
    title = models.CharField(_("名称"), max_length=200)
    period = models.CharField(_("检查期间"), max_length=100)
    held_on = models.DateField(_("检查日期"))
    summary = models.TextField(_("基本情况"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)
    state = FSMField(
        _("状态"), default=InspectionState.OPEN, choices=InspectionState.choices, db_index=True
    )
    close_note = models.TextField(_("结束说明"), blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("编辑版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("自查督查")
        verbose_name_plural = _("自查督查")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("oversight_staff:inspection_detail", args=[self.pk])

    @transition(field=state, source=InspectionState.OPEN, target=InspectionState.CLOSED)
    def close(self) -> None:
        self.closed_at = timezone.now()


class ItemState(models.TextChoices):
    """整改: assigned → submitted → accepted, or returned → submitted again; an item that
    will not be fixed within the inspection is closed with its reason."""

    NEW = "new", _("待交办")
    ASSIGNED = "assigned", _("待整改")
    SUBMITTED = "submitted", _("待验收")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已验收")
    CLOSED = "closed", _("已关闭")


#: the states an item is finished in: an inspection closes only when all its items are
ITEM_DONE = (ItemState.ACCEPTED, ItemState.CLOSED)
#: the states the responsible organisation works in (the deadline runs)
ITEM_RECTIFYING = (ItemState.ASSIGNED, ItemState.RETURNED)


class InspectionItem(models.Model):
    """One problem of an inspection: from a check's `Finding` or entered by hand."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("来源（自动检查）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_items",
    )
    indicator = models.CharField(_("指标"), max_length=100)
    description = models.TextField(_("问题"))
    severity = models.CharField(_("性质"), max_length=10, choices=Severity.choices)
    points = models.DecimalField(_("扣分"), max_digits=5, decimal_places=2, default=0)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_items",
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), null=True, blank=True)
    state = FSMField(_("状态"), default=ItemState.NEW, choices=ItemState.choices, db_index=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("相关信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    close_reason = models.TextField(_("关闭原因"), blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("编辑版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("检查问题")
        verbose_name_plural = _("检查问题")
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"], name="inspection_item_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("oversight_staff:inspection_item", args=[self.pk])

    @property
    def site(self) -> Site:
        return self.inspection.site

    @property
    def is_overdue(self) -> bool:
        """Past the deadline and not yet handed in (a submitted item waits for the office)."""
        return (
            self.deadline is not None
            and self.state in ITEM_RECTIFYING
            and timezone.localdate() > self.deadline
        )

    @transition(field=state, source=[ItemState.NEW, ItemState.ASSIGNED], target=ItemState.ASSIGNED)
    def assign(self) -> None:
        self.assigned_at = timezone.now()

    @transition(field=state, source=list(ITEM_RECTIFYING), target=ItemState.SUBMITTED)
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(field=state, source=ItemState.SUBMITTED, target=ItemState.ACCEPTED)
    def accept(self) -> None:
        self.accepted_at = timezone.now()

    @transition(field=state, source=ItemState.SUBMITTED, target=ItemState.RETURNED)
    def send_back(self) -> None:
        pass

    @transition(
        field=state,
        source=[ItemState.NEW, ItemState.ASSIGNED, ItemState.RETURNED, ItemState.SUBMITTED],
        target=ItemState.CLOSED,
    )
    def close(self) -> None:
        pass


def evidence_upload_to(instance: "RectificationEvidence", filename: str) -> str:
    return f"rectification/{instance.item.inspection_id}/{instance.item_id}/{filename}"


class RectificationEvidence(models.Model):
    """A file proving a rectification (截图、整改报告), checked by content like every upload."""

    item = models.ForeignKey(
        InspectionItem,
        verbose_name=_("检查问题"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to=evidence_upload_to, max_length=300)
    file_name = models.CharField(_("文件名"), max_length=200)
    file_kind = models.CharField(_("文件格式"), max_length=10)
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
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.file_name


# --- evaluation ---


class IndicatorTemplate(models.Model):
    """评估指标模板: the indicators and weights the office scores against; a sheet copies them
    when it is created, so changing the template later does not rewrite old scores."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="indicator_templates"
    )
    name = models.CharField(_("名称"), max_length=200)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估指标模板")
        verbose_name_plural = _("评估指标模板")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="indicator_template_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TemplateIndicator(models.Model):
    template = models.ForeignKey(
        IndicatorTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="rows"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    indicator = models.CharField(_("指标"), max_length=200)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    description = models.TextField(_("评分说明"), blank=True)

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["template", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="template_indicator_weight_positive"
            )
        ]

    def __str__(self) -> str:
        return self.indicator


class SheetState(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class EvaluationSheet(models.Model):
    """评估表: one year's scores of an organisation, or of the site as a whole (no
    organisation), filled in and submitted by a third-party evaluator."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="evaluation_sheets"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("被评估单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_sheets",
        help_text=_("留空表示评估整个站点。"),
    )
    year = models.PositiveSmallIntegerField(_("评估年度"))
    template = models.ForeignKey(
        IndicatorTemplate,
        verbose_name=_("指标模板"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sheets",
    )
    state = FSMField(_("状态"), default=SheetState.DRAFT, choices=SheetState.choices)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("编辑版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("评估表")
        verbose_name_plural = _("评估表")
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(organisation__isnull=False),
                name="evaluation_sheet_one_per_organisation_year",
            ),
            models.UniqueConstraint(
                fields=["site", "year"],
                condition=models.Q(organisation__isnull=True),
                name="evaluation_sheet_one_per_site_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.subject_name}评估表"

    def get_absolute_url(self) -> str:
        return reverse("oversight_staff:evaluation_sheet", args=[self.pk])

    @property
    def subject_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.site.name

    @transition(field=state, source=SheetState.DRAFT, target=SheetState.SUBMITTED)
    def submit(self) -> None:
        self.submitted_at = timezone.now()
        self.return_reason = ""

    @transition(field=state, source=SheetState.SUBMITTED, target=SheetState.DRAFT)
    def send_back(self) -> None:
        self.submitted_at = None


class SheetRow(models.Model):
    sheet = models.ForeignKey(
        EvaluationSheet, verbose_name=_("评估表"), on_delete=models.CASCADE, related_name="rows"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    indicator = models.CharField(_("指标"), max_length=200)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    evidence_url = models.URLField(_("佐证链接"), max_length=500, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("评估指标得分")
        verbose_name_plural = _("评估指标得分")
        ordering = ["sheet", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="sheet_row_weight_positive"
            ),
            # a score is between 0 and the indicator's weight, whoever writes the row
            models.CheckConstraint(
                condition=models.Q(score__isnull=True)
                | models.Q(score__gte=0, score__lte=models.F("weight")),
                name="sheet_row_score_within_weight",
            ),
        ]

    def __str__(self) -> str:
        return self.indicator


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
