"""Configuration by office admins. Every change made here writes an audit event."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .audit import record_event, snapshot
from .models import (
    AuditEvent,
    AuditEventType,
    CalendarDay,
    Membership,
    Organisation,
    Site,
    User,
    WorkCalendar,
)

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
    list_display = ["name", "code", "kind", "site", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class GongkaiUserAdmin(AuditedAdminMixin, UserAdmin):
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


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3


@admin.register(WorkCalendar)
class WorkCalendarAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_event_type = AuditEventType.CALENDAR_CHANGED
    list_display = ["year", "source", "notice", "updated_at"]
    inlines = [CalendarDayInline]
