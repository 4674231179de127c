from django.urls import path

from . import staff_views as views

app_name = "participation_staff"

urlpatterns = [
    path("", views.message_list, name="messages"),
    path("<int:pk>/", views.message_detail, name="message"),
    path("<int:pk>/act/<slug:action>/", views.message_action, name="action"),
    path("feedback/", views.feedback_list, name="feedback"),
    path("feedback/<slug:kind>/<int:pk>/", views.feedback_handle, name="handle"),
    path("moderation/", views.moderation_list, name="moderation"),
    path("moderation/<int:pk>/", views.moderation_decide, name="moderation_decide"),
]
