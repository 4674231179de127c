from django.urls import path

from . import hub_views, views

app_name = "participation"

urlpatterns = [
    path("messages/", views.message_list, name="messages"),
    path("messages/ask/", views.ask, name="ask"),
    path("messages/receipt/", views.receipt, name="receipt"),
    path("messages/track/", views.track, name="track"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("rate/", views.rate, name="rate"),
    path("report/", views.report, name="report"),
    path("", hub_views.index, name="index"),
]
