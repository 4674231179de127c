"""Staff URLs under /staff/records/."""

from django.urls import path

from . import staff_views as views

app_name = "records_staff"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("review/", views.review_queue, name="review_queue"),
    path("duties/", views.duties, name="duties"),
    path("tokens/", views.tokens, name="tokens"),
    path("clean-html/", views.clean_pasted_html, name="clean_html"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/do/<slug:action>/", views.act, name="act"),
    path(
        "<int:pk>/revisions/<int:number>/<slug:action>/",
        views.revision_act,
        name="revision_act",
    ),
    path("<int:pk>/channels/<int:delivery_pk>/", views.delivery, name="delivery"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
