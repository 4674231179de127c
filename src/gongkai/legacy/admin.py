"""Configuration of the migration: the classification rules are edited here too (the staff
rules editor is the everyday place); runs and old pages are read only, changed by the
importer and the review queue, which check who may do what."""

from django.contrib import admin

from .models import ClassificationRule, ImportRun, LegacyPage


@admin.register(ClassificationRule)
class ClassificationRuleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "site", "catalogue_item", "organisation", "weight", "active")
    list_filter = ("site", "field", "active")
    raw_id_fields = ("catalogue_item", "organisation")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("source", "site", "started_at", "pages_seen", "imported", "failed")
    list_filter = ("site", "dry_run")


@admin.register(LegacyPage)
class LegacyPageAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "site", "column_name", "status", "review_state", "confidence")
    list_filter = ("site", "status", "review_state")
    search_fields = ("title", "old_path")
    exclude = ("body_html",)
