from django.contrib import admin

from gongkai.core.admin import AuditedAdminMixin

from .models import Column, DisclosurePage, ReadingPoint


@admin.register(Column)
class ColumnAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "site", "kind", "update_within_days", "show_on_home", "order"]
    list_filter = ["site", "kind"]


@admin.register(ReadingPoint)
class ReadingPointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "site", "address", "opening_hours", "phone"]
    list_filter = ["site"]


@admin.register(DisclosurePage)
class DisclosurePageAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "site", "kind", "updated_at"]
    list_filter = ["site", "kind"]
