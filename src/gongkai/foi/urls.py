from django.urls import path

from . import views

app_name = "foi"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("apply/", views.apply, name="apply"),
    path("apply/receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("requests/", views.public_list, name="public_list"),
]
