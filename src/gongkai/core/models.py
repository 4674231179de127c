"""Sites, organisations, staff and their roles, the audit log and the working-day calendar."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class Site(models.Model):
    """One government's portal. A deployment hosts many; a parent site aggregates its children."""

    slug = models.SlugField(_("标识"), unique=True)
    name = models.CharField(_("站点名称"), max_length=100)
    province = models.CharField(_("省"), max_length=30, blank=True)
    city = models.CharField(_("市"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级站点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    hostnames = models.TextField(
        _("域名"), blank=True, help_text=_("每行一个，例如 www.yingjiang.gov.cn")
    )
    is_default = models.BooleanField(_("默认站点"), default=False)
    site_code = models.CharField(_("网站标识码"), max_length=20, blank=True)
    sponsor = models.CharField(_("主办单位"), max_length=100, blank=True)
    icp_number = models.CharField(_("ICP备案号"), max_length=50, blank=True)
    police_number = models.CharField(_("公安备案号"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=10, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    error_report_url = models.URLField(
        _("我为政府网站找错地址"),
        blank=True,
        default="https://zfwzzc.www.gov.cn/",
        help_text=_("国务院办公厅政府网站找错平台的本站入口"),
    )
    content_changed_at = models.DateTimeField(
        _("内容更新时间"),
        null=True,
        blank=True,
        help_text=_("发布、撤回等改变公开页面的操作时更新，用于页面缓存"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("站点")
        verbose_name_plural = _("站点")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_site"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def hostname_list(self) -> list[str]:
        return [h.strip().lower() for h in self.hostnames.splitlines() if h.strip()]

    @property
    def region(self) -> str:
        return "".join(part for part in (self.province, self.city) if part)


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    OFFICE = "office", _("办公室/公开办")
    DEPARTMENT = "department", _("政府部门")
    TOWN = "town", _("乡镇/街道")
    VILLAGE = "village", _("村/社区")
    THIRD_PARTY = "third_party", _("第三方机构")
    INSTITUTION = "institution", _("公共企事业单位")


class LegalType(models.TextChoices):
    """What an organisation is in law, as opposed to `kind`, its place in the tree."""

    ADMINISTRATIVE = "administrative", _("行政机关")
    AUTHORISED = "authorised", _("法律法规授权组织")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")
    SELF_GOVERNING = "self_governing", _("村（居）民委员会")
    OTHER = "other", _("其他")


#: 《政府信息公开条例》第二条、第五十四条: requests are addressed to administrative organs and to
#: organisations authorised by laws or regulations to manage public affairs. Public enterprises
#: and institutions disclose under their sector rules (第五十五条) and villagers' and residents'
#: committees under 村务公开/居务公开, not through 依申请公开.
FOI_RECIPIENT_TYPES = (LegalType.ADMINISTRATIVE, LegalType.AUTHORISED)


def legal_type_for(kind: str, name: str = "") -> str:
    """The legal type an organisation of this `kind` usually has, for rows that do not say."""
    if kind in (
        OrganisationKind.GOVERNMENT,
        OrganisationKind.OFFICE,
        OrganisationKind.DEPARTMENT,
        OrganisationKind.TOWN,
    ):
        return LegalType.ADMINISTRATIVE
    if kind == OrganisationKind.VILLAGE:
        return LegalType.SELF_GOVERNING
    if kind == OrganisationKind.INSTITUTION:
        return LegalType.ENTERPRISE if "公司" in name else LegalType.PUBLIC_INSTITUTION
    return LegalType.OTHER


class OrganisationQuerySet(MP_NodeQuerySet):
    def foi_recipients(self):
        """Organisations a 政府信息公开 request can be addressed to (see FOI_RECIPIENT_TYPES)."""
        return self.filter(legal_type__in=FOI_RECIPIENT_TYPES)


class OrganisationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganisationQuerySet(self.model, using=self._db).order_by("path")

    def foi_recipients(self):
        return self.get_queryset().foi_recipients()


class Organisation(MP_Node):
    """An organ in a site's tree; its `code` is the first part of index numbers (索引号)."""

    objects = OrganisationManager()

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField(_("机构名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(
        _("机构代码"), max_length=40, help_text=_("用于生成索引号，如统一社会信用代码或本地编码")
    )
    kind = models.CharField(_("机构类型"), max_length=20, choices=OrganisationKind.choices)
    legal_type = models.CharField(
        _("机构性质"),
        max_length=20,
        choices=LegalType.choices,
        blank=True,
        help_text=_(
            "只有行政机关和法律、法规授权的组织可以受理政府信息公开申请"
            "（《条例》第二条、第五十四条）。不填则按机构类型推定。"
        ),
    )
    duties = models.TextField(_("机构职能"), blank=True)
    leaders = models.TextField(_("领导信息"), blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    fax = models.CharField(_("传真"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "code"], name="organisation_code_unique_per_site"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.legal_type:
            self.legal_type = legal_type_for(self.kind, self.name)
        super().save(*args, **kwargs)

    @property
    def receives_requests(self) -> bool:
        """Whether a request can be addressed to it (《条例》第二条、第五十四条)."""
        return self.legal_type in FOI_RECIPIENT_TYPES

    def clean(self) -> None:
        parent = self.get_parent() if self.pk else None
        if parent is not None and parent.site_id != self.site_id:
            raise ValidationError(_("下级机构必须与上级机构属于同一站点。"))


class User(AbstractUser):
    """A staff member or registered member of the public."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    #: never written into the audit log's before/after (core.audit)
    PERSONAL_FIELDS = ("first_name", "last_name", "display_name", "email", "phone")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    EDITOR = "editor", _("经办人")
    REVIEWER = "reviewer", _("审核人")
    OFFICE_ADMIN = "office_admin", _("公开办管理员")
    DEPUTY = "deputy", _("人大代表")
    EVALUATOR = "evaluator", _("第三方评估")


class Membership(models.Model):
    """A user's role in one organisation. An office admin's role covers the organisation's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class AuditEventType(models.TextChoices):
    """The fixed list of audited events. Add new types here, never free text."""

    LOGIN = "auth.login", _("登录")
    LOGIN_FAILED = "auth.login_failed", _("登录失败")
    LOGOUT = "auth.logout", _("退出")
    OTP_ENROLLED = "auth.otp_enrolled", _("绑定双因素认证")
    OTP_VERIFIED = "auth.otp_verified", _("双因素认证通过")
    OTP_DEVICE_CHANGED = "auth.otp_device_changed", _("验证器变更")
    OTP_DEVICE_DELETED = "auth.otp_device_deleted", _("验证器删除")
    LOGIN_LOCKED = "auth.login_locked", _("登录暂时锁定")
    USER_CHANGED = "user.changed", _("用户变更")
    MEMBERSHIP_CHANGED = "membership.changed", _("岗位变更")
    SITE_CHANGED = "site.changed", _("站点变更")
    ORGANISATION_CHANGED = "organisation.changed", _("机构变更")
    CALENDAR_CHANGED = "calendar.changed", _("工作日历变更")
    OBJECT_CREATED = "object.created", _("新增")
    OBJECT_CHANGED = "object.changed", _("修改")
    OBJECT_DELETED = "object.deleted", _("删除")
    STATE_CHANGED = "object.state_changed", _("状态流转")
    IMPORTED = "data.imported", _("导入")
    EXPORTED = "data.exported", _("导出")
    PERSONAL_DATA_VIEWED = "personal_data.viewed", _("查看个人信息")
    PERSONAL_DATA_ERASED = "personal_data.erased", _("个人信息匿名化")


#: key of AuditEvent.after listing the personal fields that changed (values never stored)
PERSONAL_CHANGED_KEY = "personal_fields_changed"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.verbose_name}只能追加，不能修改。")

    def delete(self):
        raise PermissionError(f"{self.model._meta.verbose_name}只能追加，不能删除。")

    _raw_delete = delete
    bulk_update = update


class AppendOnlyModel(models.Model):
    """A log row: written once, never changed or deleted through the ORM, admin or API."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name}只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name}只能追加，不能删除。")


class AuditEvent(AppendOnlyModel):
    """Append-only log. The actor is a snapshot so the record survives the user's deletion."""

    event_type = models.CharField(
        _("事件类型"), max_length=40, choices=AuditEventType.choices, db_index=True
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    site = models.ForeignKey(
        Site,
        verbose_name=_("站点"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_roles = models.JSONField(_("操作人岗位"), default=list, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.get_event_type_display()} {self.object_repr}"
        )

    @property
    def personal_fields_changed(self) -> list[str]:
        """Personal fields that changed; their values are never stored (core.audit)."""
        return list((self.after or {}).get(PERSONAL_CHANGED_KEY, []))

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """Fields whose value differs between before and after, as (field, old, new)."""
        before, after = self.before or {}, self.after or {}
        keys = [
            k for k in dict.fromkeys([*before.keys(), *after.keys()]) if k != PERSONAL_CHANGED_KEY
        ]
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Sequence(models.Model):
    """The last number given out in one numbering scope of a site (索引号, 申请编号 …).

    `core.sequences.next_value` locks the row with select_for_update, so concurrent callers
    never get the same number and a number is never given out twice."""

    site = models.ForeignKey(Site, verbose_name=_("站点"), on_delete=models.CASCADE)
    namespace = models.CharField(_("编号种类"), max_length=40)
    scope = models.CharField(_("编号范围"), max_length=150)
    last_value = models.PositiveBigIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "namespace", "scope"], name="core_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.namespace} {self.scope} → {self.last_value}"


class WorkCalendar(models.Model):
    """One year's official schedule (国务院办公厅关于节假日安排的通知).

    A year without a row here is computed provisionally from weekends and the statutory days of
    《全国年节及纪念日放假办法》 (see core.holidays)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("依据通知"), max_length=200, blank=True)
    source = models.CharField(
        _("来源"),
        max_length=20,
        choices=[
            ("package", _("chinese-calendar 数据包")),
            ("official", _("管理员录入的官方通知")),
        ],
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年工作日历"


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, or an adjusted workday (调休上班)."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("工作日历"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("是否上班"), help_text=_("勾选表示调休上班日，不勾选表示放假")
    )
    name = models.CharField(_("名称"), max_length=30, help_text=_("如 春节、国庆节"))

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}{'（上班）' if self.is_workday else ''}"

    def clean(self) -> None:
        if self.calendar_id and self.date and self.date.year != self.calendar.year:
            raise ValidationError(_("日期必须在该工作日历的年份内。"))


class LoginFailure(models.Model):
    """One failed password login, counted by the lockout (core/lockout.py) per account, per
    address and per trusted device. Rows older than a day no longer count and are pruned."""

    username = models.CharField(_("账号"), max_length=150)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    device = models.CharField(_("受信任设备"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [
            models.Index(fields=["username", "created_at"], name="loginfailure_user_time"),
            models.Index(fields=["ip_address", "created_at"], name="loginfailure_ip_time"),
            models.Index(fields=["created_at"], name="loginfailure_time"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.created_at:%Y-%m-%d %H:%M}"


class JobRun(models.Model):
    """One row per registered periodic job (core.jobs): when it is next due and how its last run
    went. Schedulers claim a run by moving `next_due_at` forward with a conditional UPDATE, so
    several processes (or a cron pass beside a running scheduler) never run a job twice."""

    name = models.CharField(_("任务"), max_length=100, unique=True)
    next_due_at = models.DateTimeField(_("下次运行时间"))
    last_started_at = models.DateTimeField(_("上次开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("上次结束"), null=True, blank=True)
    last_ok = models.BooleanField(_("上次是否成功"), null=True, blank=True)
    last_result = models.CharField(_("上次结果"), max_length=300, blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SentMail(models.Model):
    """One row per e-mail a background task sent through `core.mail.send_once`: the claim that
    makes a rerun (a worker killed mid-task, a task requeued) skip what was already sent. The
    key is an HMAC-SHA256 (SECRET_KEY) of the purpose and the recipients: no address stored."""

    class State(models.TextChoices):
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")

    key = models.CharField(_("幂等键"), max_length=64, unique=True)
    purpose = models.CharField(_("用途"), max_length=100)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    claimed_at = models.DateTimeField(_("认领时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("已发送邮件")
        verbose_name_plural = _("已发送邮件")
        ordering = ["-claimed_at"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key[:12]}"
