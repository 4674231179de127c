"""Configuration office admins change: the index-number rule and per-item publishing settings.
Records themselves are handled in the staff workbench, never here."""

from django import forms
from django.contrib import admin

from gongkai.core.admin import AuditedAdminMixin

from .models import ApiToken, IndexRule, ItemPublishing
from .numbering import IndexRuleError, validate_pattern


class IndexRuleForm(forms.ModelForm):
    class Meta:
        model = IndexRule
        fields = ["site", "pattern"]

    def clean_pattern(self):
        pattern = self.cleaned_data["pattern"]
        try:
            validate_pattern(pattern)
        except IndexRuleError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return pattern


@admin.register(IndexRule)
class IndexRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = IndexRuleForm
    list_display = ["site", "pattern"]


@admin.register(ItemPublishing)
class ItemPublishingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["catalogue_item", "interpretation_rule", "remind_days"]
    list_filter = ["interpretation_rule"]
    search_fields = ["catalogue_item__name"]
    raw_id_fields = ["catalogue_item"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Tokens are shown by prefix only; the secret is given once when created (staff API)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
