"""Staff pages of the migration under /staff/legacy/: runs and the per-column report, the
review queue, a page's detail, the column confirm and the rules editor."""

from django.urls import path

from . import staff_views as views

app_name = "legacy_staff"

urlpatterns = [
    path("", views.index, name="index"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("queue/", views.queue, name="queue"),
    path("queue/column/", views.column_confirm, name="column_confirm"),
    path("pages/<int:pk>/", views.page_detail, name="page"),
    path("pages/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("pages/<int:pk>/reject/", views.reject, name="reject"),
    path("rules/", views.rules, name="rules"),
    path("rules/repropose/", views.repropose, name="repropose"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
