"""URLs of 开放日、公众列席、听证（工作人员）."""

from django.urls import path

from . import event_staff_views as views

app_name = "events_staff"

urlpatterns: list = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/publish/", views.event_publish, name="publish"),
    path("<int:pk>/draw/", views.event_draw, name="draw"),
    path(
        "<int:pk>/registrations/<int:rid>/<slug:action>/",
        views.registration_action,
        name="registration",
    ),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
]
