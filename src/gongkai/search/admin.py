"""Office admins edit the synonym list here; every change writes an audit event."""

from django.contrib import admin

from gongkai.core.admin import AuditedAdminMixin

from .models import Synonym


@admin.register(Synonym)
class SynonymAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["term", "alternatives", "site", "is_active"]
    list_filter = ["site", "is_active"]
    search_fields = ["term", "alternatives"]
