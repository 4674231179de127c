"""办事服务: service items and their guides, windows, the shared certificate and data library,
scenario navigation, Q&A and the monthly case statistics (办件公示).

A `ServiceItem` (办事事项) is the lasting thing a person comes to get done; its `Guide`
(办事指南) is versioned and effective-dated: a fee or material change is a new guide version
that takes effect on its date, and the public page shows the version in force. A guide goes
through the same review as a government record (draft → submitted → approved → published,
four-eyes, records.models.State) before it is public (《条例》第十七条).

The inspection indicators (website-indicators.md, 办事服务) require every guide to carry its
name, basis, conditions, materials, procedure, time limit, fee, place and contact; the rules
that check this live in guides.rules, not here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from gongkai.catalogue.models import CatalogueItem, ListedItem
from gongkai.core.models import Organisation, Site
from gongkai.records.models import State


class ItemType(models.TextChoices):
    """事项类型 of the national 政务服务事项 standard (行政权力 kinds and 公共服务)."""

    LICENCE = "licence", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    BENEFIT = "benefit", _("行政给付")
    LEVY = "levy", _("行政征收")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("在办")
    SUSPENDED = "suspended", _("暂停办理")
    CANCELLED = "cancelled", _("已取消")


class Audience(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("法人")


class LifeEvent(models.Model):
    """主题 for browsing: a life event of a person (生育、就业、退休 …) or a stage of an
    enterprise (开办、经营、注销 …)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="life_events"
    )
    name = models.CharField(_("主题名称"), max_length=50)
    slug = models.SlugField(_("标识"), max_length=50)
    audience = models.CharField(
        _("服务对象"), max_length=20, choices=Audience.choices, default=Audience.PERSON
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["audience", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="guides_life_event_slug")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """办事事项: what is done, by which organisation, under which code. Its content lives in
    its guide versions."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="service_items"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("实施机构"),
        on_delete=models.PROTECT,
        related_name="service_items",
    )
    code = models.CharField(_("事项编码"), max_length=80)
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=20, choices=ItemType.choices)
    audience = models.CharField(
        _("服务对象"), max_length=20, choices=Audience.choices, default=Audience.PERSON
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("标准目录事项（服务）"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_items",
    )
    listed_items = models.ManyToManyField(
        ListedItem, verbose_name=_("所在清单"), blank=True, related_name="service_items"
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("主题"), blank=True, related_name="service_items"
    )
    status = models.CharField(
        _("事项状态"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办事事项")
        verbose_name_plural = _("办事事项")
        ordering = ["site", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="guides_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Guide(ConcurrentTransitionMixin, models.Model):
    """办事指南: one version of a service item's guide, in force from `effective_from`."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("办事事项"), on_delete=models.CASCADE, related_name="guides"
    )
    number = models.PositiveIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    verified_on = models.DateField(_("最近核验日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(_("简版说明"), blank=True, help_text=_("一两句话说明办什么、怎么办"))
    change_reason = models.TextField(_("变更说明"), blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    applicant = models.TextField(_("申请对象"), blank=True)
    statutory_limit_days = models.PositiveIntegerField(
        _("法定办结时限（工作日）"), null=True, blank=True
    )
    promised_limit_days = models.PositiveIntegerField(
        _("承诺办结时限（工作日）"), null=True, blank=True
    )
    fee_free = models.BooleanField(_("不收费"), default=True)
    fee_text = models.TextField(_("收费标准"), blank=True)
    fee_basis = models.TextField(_("收费依据"), blank=True)
    address = models.CharField(_("办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办理时间"), max_length=300, blank=True)
    windows = models.ManyToManyField(
        "Window", verbose_name=_("受理窗口"), blank=True, related_name="guides"
    )
    online_url = models.URLField(_("网上办理地址"), blank=True)
    visits_required = models.PositiveSmallIntegerField(_("到现场次数"), default=1)
    consult_phone = models.CharField(_("咨询电话"), max_length=100, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=100, blank=True)
    most_once = models.BooleanField(_("最多跑一次"), default=False)
    state = FSMField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT)
    return_comment = models.TextField(_("退回意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("编辑版本"),
        default=1,
        editable=False,
        help_text=_("每次保存修改加一，防止覆盖他人的修改"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办事指南")
        verbose_name_plural = _("办事指南")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="guides_guide_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item.name}（第{self.number}版）"

    @property
    def organisation(self) -> Organisation:
        return self.item.organisation

    @property
    def site(self) -> Site:
        return self.item.site

    # The state machine; conditions and side effects live in guides.workflow.
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
    def withdraw(self) -> None:
        pass


class Condition(models.Model):
    """受理条件, one per row, so a catch-all “其他条件” can be refused by a rule."""

    guide = models.ForeignKey(
        Guide, verbose_name=_("办事指南"), on_delete=models.CASCADE, related_name="conditions"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    text = models.TextField(_("条件"))

    class Meta:
        verbose_name = _("受理条件")
        verbose_name_plural = _("受理条件")
        ordering = ["guide", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT = "government", _("政府部门核发")
    INTERMEDIARY = "intermediary", _("中介机构出具")
    OTHER = "other", _("其他单位出具")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ORIGINAL_AND_COPY = "both", _("原件和复印件")
    ELECTRONIC = "electronic", _("电子材料")


class TrustLevel(models.TextChoices):
    """How far a shared certificate or datum can be relied on (一库共享)."""

    A = "A", _("A 级：加盖电子印章，直接使用")
    B = "B", _("B 级：窗口人员核验后使用")
    C = "C", _("C 级：申请人上传，窗口核对原件")
    D = "D", _("D 级：申请人书面承诺")


class CertificateKind(models.TextChoices):
    CERTIFICATE = "certificate", _("电子证照")
    DATA = "data", _("共享数据")


class CertificateType(models.Model):
    """A kind of e-certificate or shared datum in the site's shared library (一库共享)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="certificate_types"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类别"),
        max_length=20,
        choices=CertificateKind.choices,
        default=CertificateKind.CERTIFICATE,
    )
    issuer = models.CharField(_("发证（提供）部门"), max_length=200, blank=True)
    trust_level = models.CharField(_("可信等级"), max_length=1, choices=TrustLevel.choices)
    is_identity_card = models.BooleanField(
        _("居民身份证"), default=False, help_text=_("申请人本人的居民身份证（电子或实体）")
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("电子证照与共享数据")
        verbose_name_plural = _("电子证照与共享数据")
        ordering = ["site", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="guides_certificate_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    """申请材料: one document the applicant provides, or that the shared library provides."""

    guide = models.ForeignKey(
        Guide, verbose_name=_("办事指南"), on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    source = models.CharField(
        _("来源渠道"),
        max_length=20,
        choices=MaterialSource.choices,
        default=MaterialSource.APPLICANT,
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    form = models.CharField(
        _("材料形式"), max_length=20, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL
    )
    required = models.BooleanField(_("必要"), default=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    notes = models.TextField(_("填报须知"), blank=True)
    certificate = models.ForeignKey(
        CertificateType,
        verbose_name=_("对应证照或数据"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materials",
        help_text=_("一库共享中可替代本材料的电子证照或共享数据"),
    )

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["guide", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """办理流程: one step with its own time limit and fee."""

    guide = models.ForeignKey(
        Guide, verbose_name=_("办事指南"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("环节名称"), max_length=100)
    description = models.TextField(_("办理内容"), blank=True)
    time_limit_days = models.PositiveIntegerField(_("环节时限（工作日）"), null=True, blank=True)
    fee_text = models.CharField(_("环节收费"), max_length=200, blank=True, default="不收费")

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["guide", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class WindowKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合窗口")
    SPECIALISED = "specialised", _("专业窗口")


class Window(models.Model):
    """受理窗口 of the service hall: 综合窗口 accept many kinds of business (一窗受理)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="windows"
    )
    number = models.CharField(_("窗口号"), max_length=20)
    name = models.CharField(_("窗口名称"), max_length=100)
    kind = models.CharField(
        _("窗口类型"), max_length=20, choices=WindowKind.choices, default=WindowKind.COMPREHENSIVE
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    hours = models.CharField(_("办公时间"), max_length=300, blank=True)
    phone = models.CharField(_("电话"), max_length=100, blank=True)
    items = models.ManyToManyField(
        ServiceItem, verbose_name=_("受理事项"), blank=True, related_name="windows"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("受理窗口")
        verbose_name_plural = _("受理窗口")
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="guides_window_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Bundle(models.Model):
    """一件事: several items a person needs together, accepted as one application."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="bundles"
    )
    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(_("标识"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    items = models.ManyToManyField(ServiceItem, verbose_name=_("包含事项"), related_name="bundles")
    window = models.ForeignKey(
        Window,
        verbose_name=_("一窗受理窗口"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bundles",
    )
    is_published = models.BooleanField(_("已发布"), default=False)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="guides_bundle_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Scenario(models.Model):
    """情景导航: questions asked one per page, and outcomes each with its own condition on the
    answers (outcome-centric rules, not nested branches). guides.scenarios evaluates them."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="scenarios"
    )
    title = models.CharField(_("标题"), max_length=100)
    slug = models.SlugField(_("标识"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    life_event = models.ForeignKey(
        LifeEvent,
        verbose_name=_("主题"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
    )
    is_published = models.BooleanField(_("已发布"), default=False)
    version = models.PositiveIntegerField(_("编辑版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("情景导航")
        verbose_name_plural = _("情景导航")
        ordering = ["site", "title"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="guides_scenario_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One question of a scenario. `ask_if` is a condition on earlier answers (the same rule
    language as an outcome's); empty means always asked."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("情景"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    key = models.SlugField(_("标识"), max_length=40, help_text=_("用于链接中的答案，如 shop"))
    text = models.CharField(_("问题"), max_length=200)
    help_text = models.TextField(_("说明"), blank=True)
    ask_if = models.JSONField(_("提问条件"), default=dict, blank=True)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["scenario", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "key"], name="guides_question_key_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="choices"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    value = models.SlugField(_("取值"), max_length=40)
    label = models.CharField(_("选项"), max_length=100)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="guides_choice_value_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Outcome(models.Model):
    """One result of a scenario: when `condition` holds on the answers, these items (and
    the items of these bundles) are on the person's list."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("情景"), on_delete=models.CASCADE, related_name="outcomes"
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    title = models.CharField(_("结果说明"), max_length=200)
    condition = models.JSONField(_("适用条件"), default=dict, blank=True)
    items = models.ManyToManyField(
        ServiceItem, verbose_name=_("需办事项"), blank=True, related_name="outcomes"
    )
    bundles = models.ManyToManyField(
        Bundle, verbose_name=_("一件事"), blank=True, related_name="outcomes"
    )

    class Meta:
        verbose_name = _("导航结果")
        verbose_name_plural = _("导航结果")
        ordering = ["scenario", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Faq(models.Model):
    """常见问题 of an item or of a life event (online Q&A)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="faqs"
    )
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("办事事项"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faqs",
    )
    life_event = models.ForeignKey(
        LifeEvent,
        verbose_name=_("主题"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faqs",
    )
    question = models.CharField(_("问题"), max_length=300)
    answer = models.TextField(_("解答"))
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_published = models.BooleanField(_("已发布"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["site", "order", "pk"]

    def __str__(self) -> str:
        return self.question


class CaseStatistic(models.Model):
    """办件公示: one month's cases of one item at one window, as the acceptance system
    reports them. The inspection indicators deduct when service statistics are not updated
    within 3 months."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="case_statistics"
    )
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("办事事项"),
        on_delete=models.CASCADE,
        related_name="case_statistics",
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("受理窗口"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_statistics",
    )
    month = models.DateField(_("统计月份"), help_text=_("该月第一天"))
    received = models.PositiveIntegerField(_("受理件数"), default=0)
    completed = models.PositiveIntegerField(_("办结件数"), default=0)
    approved = models.PositiveIntegerField(_("准予件数"), default=0)
    refused = models.PositiveIntegerField(_("不予件数"), default=0)
    on_time = models.PositiveIntegerField(_("按时办结件数"), default=0)
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        verbose_name = _("办件统计")
        verbose_name_plural = _("办件统计")
        ordering = ["site", "-month", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "item", "window", "month"],
                condition=Q(window__isnull=False),
                name="guides_case_statistic_unique",
            ),
            models.UniqueConstraint(
                fields=["site", "item", "month"],
                condition=Q(window__isnull=True),
                name="guides_case_statistic_unique_all_windows",
            ),
            models.CheckConstraint(
                condition=Q(completed__gte=models.F("approved") + models.F("refused"))
                & Q(completed__gte=models.F("on_time")),
                name="guides_case_statistic_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.item.name}"
