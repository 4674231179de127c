"""Public URLs under /records/ (included by gongkai.urls with the prefix "records/")."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("subscribe/<int:item_pk>/", views.subscribe, name="subscribe"),
    path(
        "subscription/<str:token>/confirm/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("subscription/<str:token>/leave/", views.unsubscribe, name="unsubscribe"),
    path("attachments/<int:pk>/", views.attachment_address, name="attachment_address"),
    path("<str:index_number>/", views.record_detail, name="detail"),
    path("<str:index_number>/qr.<str:fmt>", views.record_qr, name="qr"),
    path("<str:index_number>/attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
