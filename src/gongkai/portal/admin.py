from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gongkai.core.admin import AuditedAdminMixin

from .gazette import GazetteError, publish_issue
from .models import Column, DisclosurePage, GazetteArticle, GazetteIssue, ReadingPoint


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


class GazetteArticleInline(admin.TabularInline):
    model = GazetteArticle
    extra = 1
    fields = ["order", "record"]
    raw_id_fields = ["record"]


@admin.register(GazetteIssue)
class GazetteIssueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Office admins compose an issue from published records, then publish it (the PDF is
    generated then, 《政府信息公开条例》第二十三条)."""

    list_display = ["title", "site", "year", "number", "published_on", "is_published"]
    list_filter = ["site", "year", "is_published"]
    readonly_fields = ["is_published", "pdf"]
    inlines = [GazetteArticleInline]
    actions = ["publish_with_pdf"]

    @admin.action(description=_("发布并生成PDF"))
    def publish_with_pdf(self, request, queryset):
        for issue in queryset:
            try:
                publish_issue(issue, request.user)
            except GazetteError as exc:
                self.message_user(request, f"{issue}：{exc}", messages.ERROR)
                continue
            issue.refresh_from_db()
            if issue.pdf:
                self.message_user(request, f"{issue}：已发布，PDF 已生成。", messages.SUCCESS)
            else:
                self.message_user(request, f"{issue}：已发布，但 PDF 未能生成。", messages.WARNING)
