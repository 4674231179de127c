from django.urls import path

from . import views

app_name = "foi"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("apply/", views.apply, name="apply"),
    path("apply/receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/correction/", views.correct, name="correct"),
    path("track/letter.<str:fmt>", views.tracked_letter, name="tracked_letter"),
    path(
        "track/correction-letter.<str:fmt>",
        views.tracked_correction_letter,
        name="tracked_correction_letter",
    ),
    path("track/files/<int:attachment_id>/", views.tracked_file, name="tracked_file"),
    path("requests/", views.public_list, name="public_list"),
]
