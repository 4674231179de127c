"""Only the per-site settings are configured in the admin; cases are handled in /staff/foi/."""

from django.contrib import admin

from gongkai.core.admin import AuditedAdminMixin

from .models import FoiSettings


@admin.register(FoiSettings)
class FoiSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["site", "public_list", "retention_years"]
