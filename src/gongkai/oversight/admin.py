"""Configuration of the checks by the office admin in the admin site: the expression list."""

from django.contrib import admin

from gongkai.core.admin import AuditedAdminMixin

from .models import ExpressionRule


@admin.register(ExpressionRule)
class ExpressionRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["wrong", "correct", "kind", "site", "is_active"]
    list_filter = ["site", "kind", "is_active"]
    search_fields = ["wrong", "correct"]
