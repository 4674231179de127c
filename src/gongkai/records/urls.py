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
    # A 索引号 kept from an old site may hold a slash (0031519/2017-00123): the path converter
    # takes it, so the longer patterns come first.
    path("<path:index_number>/qr.<str:fmt>", views.record_qr, name="qr"),
    path("<path:index_number>/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<path:index_number>/", views.record_detail, name="detail"),
]
