"""URLs of 开放日、公众列席、听证（公众页面）."""

from django.urls import path

from . import event_views as views

app_name = "events"

urlpatterns: list = [
    path("", views.event_list, name="list"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/mine/", views.mine, name="mine"),
    path("<int:pk>/mine/qr.svg", views.qr, name="qr"),
    path("<int:pk>/mine/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]
