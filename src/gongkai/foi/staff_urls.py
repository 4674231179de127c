from django.urls import path

from . import staff_views as views

app_name = "foi_staff"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("register/", views.register, name="register"),
    path("statistics/", views.stats, name="statistics"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/act/<slug:slug>/", views.case_action, name="action"),
    path("<int:pk>/appeals/", views.appeal_add, name="appeal_add"),
    path("<int:pk>/appeals/result/", views.appeal_result, name="appeal_result"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/letter.<str:fmt>", views.letter, name="letter"),
    path("<int:pk>/correction-letter.<str:fmt>", views.correction_letter, name="correction_letter"),
]
