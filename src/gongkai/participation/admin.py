"""Configuration by office admins: the reply period per site. Messages, ratings and reports
are read here (handled on the staff pages, which check who may answer what)."""

from django.contrib import admin

from .models import ErrorReport, Message, ParticipationSettings, Rating


@admin.register(ParticipationSettings)
class ParticipationSettingsAdmin(admin.ModelAdmin):
    list_display = ("site", "reply_days", "amber_days")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "state", "received_on", "due_on", "published")
    list_filter = ("site", "state", "published")
    exclude = ("name", "phone", "email", "tracking_code")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "page_path", "score", "state", "created_at")
    list_filter = ("site", "state", "score")


@admin.register(ErrorReport)
class ErrorReportAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "page_path", "state", "created_at")
    list_filter = ("site", "state")
    exclude = ("contact",)
