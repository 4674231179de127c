"""Configuration by office admins. Every change made here writes an audit event."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .audit import record_event, snapshot
from .models import (
    AuditEvent,
    AuditEventType,
    CalendarDay,
    LoginFailure,
    Membership,
    Organisation,
    SentMail,
    Site,
    User,
    WorkCalendar,
)
from .twofactor import recently_verified

admin.site.site_header = _("gongkai 政务公开平台 · 配置")
admin.site.site_title = _("gongkai 配置")
admin.site.index_title = _("系统配置")


class AuditedAdminMixin:
    """Writes an audit event with before/after for every save and delete in the admin."""

    audit_event_type = AuditEventType.OBJECT_CHANGED

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        record_event(
            self.audit_event_type if change else AuditEventType.OBJECT_CREATED,
            actor=request.user,
            obj=obj,
            before=before,
            after=snapshot(obj),
            message=_("后台修改") if change else _("后台新增"),
        )

    def delete_model(self, request, obj):
        before = snapshot(obj)
        record_event(
            AuditEventType.OBJECT_DELETED,
            actor=request.user,
            obj=obj,
            before=before,
            message=_("后台删除"),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Site)
class SiteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_event_type = AuditEventType.SITE_CHANGED
    list_display = ["name", "slug", "province", "city", "parent", "is_default"]
    search_fields = ["name", "slug"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, TreeAdmin):
    audit_event_type = AuditEventType.ORGANISATION_CHANGED
    form = movenodeform_factory(Organisation)
    list_display = ["name", "code", "kind", "legal_type", "site", "is_active"]
    list_filter = ["site", "kind", "legal_type", "is_active"]
    search_fields = ["name", "code"]


PERMISSION_ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def permission_label(permission) -> str:
    """Django writes the default permissions' names in English at migrate time ("Can add log
    entry"); the admin names them from the translated app and model names instead."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    if model_name == model._meta.model_name and action in PERMISSION_ACTIONS:
        name = PERMISSION_ACTIONS[action]
    else:
        name = permission.name
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {name}"


class ChinesePermissionNamesMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GongkaiGroupAdmin(AuditedAdminMixin, ChinesePermissionNamesMixin, GroupAdmin):
    audit_event_type = AuditEventType.OBJECT_CHANGED


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class GongkaiUserAdmin(AuditedAdminMixin, ChinesePermissionNamesMixin, UserAdmin):
    audit_event_type = AuditEventType.USER_CHANGED
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "email", "is_active", "is_superuser"]
    fieldsets = UserAdmin.fieldsets + ((_("联系方式"), {"fields": ("display_name", "phone")}),)

    def save_related(self, request, form, formsets, change):
        before = [str(m) for m in form.instance.memberships.all()]
        super().save_related(request, form, formsets, change)
        after = [str(m) for m in form.instance.memberships.all()]
        if before != after:
            record_event(
                AuditEventType.MEMBERSHIP_CHANGED,
                actor=request.user,
                obj=form.instance,
                before={"memberships": before},
                after={"memberships": after},
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = [
        "created_at",
        "event_type",
        "actor_username",
        "object_type",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["event_type", "object_type"]
    search_fields = ["actor_username", "object_repr", "message"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Current failed-login counters (core/lockout.py). Deleting an account's rows lifts its
    lock at once, e.g. after the owner called the office; the deletion is audited."""

    list_display = ["created_at", "username", "ip_address", "device"]
    list_filter = ["created_at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SentMail)
class SentMailAdmin(admin.ModelAdmin):
    """Read-only: what background tasks mailed (core.mail.send_once). A row left 发送中 had its
    process die while sending; whether the mail left is unknown, and it is not sent again."""

    list_display = ["claimed_at", "purpose", "state", "sent_at"]
    list_filter = ["state", "purpose"]
    date_hierarchy = "claimed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3


@admin.register(WorkCalendar)
class WorkCalendarAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_event_type = AuditEventType.CALENDAR_CHANGED
    list_display = ["year", "source", "notice", "updated_at"]
    inlines = [CalendarDayInline]


# django-otp's help texts and fieldset titles are plain English (see core/apps_thirdparty.py
# for the names); the help texts belong to its migrations, so the admin gives them here.
DEVICE_HELP_TEXTS = {
    "user": _("使用此验证器登录的账户。"),
    "name": _("便于识别的名称，如“办公手机”。"),
    "confirmed": _("绑定完成、可以用于登录。"),
    "key": _("十六进制编码的密钥，最长 40 字节。"),
    "step": _("验证码更换的间隔（秒）。"),
    "t0": _("开始计算时间步的 Unix 时间。"),
    "digits": _("验证码的位数。"),
    "tolerance": _("允许前后相差的时间步数。"),
    "drift": _("设备时钟与服务器相差的时间步数。"),
    "throttling_failure_timestamp": _("最近一次验证失败的时间；为空表示未受限制。"),
    "throttling_failure_count": _("连续验证失败的次数。"),
}
DEVICE_FIELDSET_TITLES = {
    "Identity": _("基本信息"),
    "Timestamps": _("时间"),
    "Configuration": _("参数"),
    "State": _("状态"),
    "Throttling": _("失败限制"),
}


class AuthenticatorAdminMixin:
    """Authenticators (TOTP apps, static backup codes) in the admin.

    Adding, changing or deleting one needs a code entered in the last few minutes
    (core/twofactor.py): a session left open must not be enough to replace someone's second
    factor. Only superusers see other people's devices. Every change is audited, without the
    secret key."""

    search_help_text = _("按用户名或电子邮件检索")

    # The time stamps are shown read-only under our own names, so no English help text shows.
    readonly_fields = ["created", "last_used", "qrcode_link"]
    READ_ONLY_STAND_INS = {"created_at": "created", "last_used_at": "last_used"}

    def get_fieldsets(self, request, obj=None):
        return [
            (
                DEVICE_FIELDSET_TITLES.get(title, title),
                options
                | {"fields": [self.READ_ONLY_STAND_INS.get(f, f) for f in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = DEVICE_HELP_TEXTS
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("创建时间"))
    def created(self, device):
        return device.created_at

    @admin.display(description=_("最近使用时间"))
    def last_used(self, device):
        return device.last_used_at or "-"

    @admin.display(description=_("二维码"))
    def qrcode_link(self, device):
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, _("查看二维码"))

    def _needs_fresh_code(self, request):
        if recently_verified(request):
            return None
        query = urlencode({"next": request.get_full_path(), "fresh": "1"})
        return redirect(f"{reverse('core:two_factor')}?{query}")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._needs_fresh_code(request) or super().changeform_view(
            request, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._needs_fresh_code(request) or super().delete_view(
            request, object_id, extra_context
        )

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST":  # bulk actions such as "delete selected"
            if fresh := self._needs_fresh_code(request):
                return fresh
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Nobody but a superuser plants an authenticator on someone else's account."""
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _describe(self, device) -> dict:
        return {
            "type": type(device)._meta.model_name,
            "name": device.name,
            "owner": device.user.get_username() if device.user_id else "",
            "confirmed": device.confirmed,
        }

    def save_model(self, request, obj, form, change):
        before = self._describe(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        record_event(
            AuditEventType.OTP_DEVICE_CHANGED,
            actor=request.user,
            obj=obj.user,
            before=before,
            after=self._describe(obj),
            message=_("后台修改验证器") if change else _("后台新增验证器"),
        )

    def save_formset(self, request, form, formset, change):
        """Static backup codes are edited inline: record that they changed, never the codes."""
        super().save_formset(request, form, formset, change)
        if formset.new_objects or formset.changed_objects or formset.deleted_objects:
            record_event(
                AuditEventType.OTP_DEVICE_CHANGED,
                actor=request.user,
                obj=form.instance.user,
                after=self._describe(form.instance),
                message=_("后台修改备用验证码"),
            )

    def delete_model(self, request, obj):
        record_event(
            AuditEventType.OTP_DEVICE_DELETED,
            actor=request.user,
            obj=obj.user,
            before=self._describe(obj),
            message=_("后台删除验证器"),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


for _model, _base in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(
        _model, type(f"Audited{_base.__name__}", (AuthenticatorAdminMixin, _base), {})
    )


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's read-only task list, with its two computed columns named in Chinese."""

    @admin.display(description=_("错误追踪"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("最早执行时间"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
