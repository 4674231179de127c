"""Configuration office admins change in the admin (监督考核)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongkai.core.admin import AuditedAdminMixin

from .models import ExpressionRule, LinkStatus, SuspiciousDomain

# --- links (issue 12 point 2) ---


@admin.register(SuspiciousDomain)
class SuspiciousDomainAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The maintained list of gambling, porn and fraud domains (linkcheck.domains)."""

    list_display = ["domain", "kind", "category", "is_active", "note", "added_at"]
    list_filter = ["category", "kind", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["domain", "note"]
    fields = ["domain", "kind", "category", "note", "is_active"]


@admin.register(LinkStatus)
class LinkStatusAdmin(admin.ModelAdmin):
    """The day-long cache of external link results: read-only; deleting a row makes the next
    check fetch that address again."""

    list_display = ["url", "status", "http_status", "reason", "checked_at"]
    list_filter = ["status"]
    search_fields = ["url", "final_url"]
    readonly_fields = ["url", "status", "http_status", "final_url", "reason", "checked_at"]
    date_hierarchy = "checked_at"
    actions = ["recheck"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("下次检查时重新访问所选链接"))
    def recheck(self, request, queryset):
        queryset.delete()


# --- checks: the expression list ---


@admin.register(ExpressionRule)
class ExpressionRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["wrong", "correct", "kind", "site", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["wrong", "correct"]
