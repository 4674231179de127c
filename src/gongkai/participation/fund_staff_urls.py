"""URLs of 资金第三方监管（监管机构、工作人员）."""

from django.urls import path

from . import fund_staff_views as views

app_name = "funds_staff"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.fund, name="fund"),
    path("<int:pk>/supervisor/", views.assign, name="assign"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/disbursements/", views.disburse, name="disburse"),
    path("<int:pk>/reports/", views.report, name="report"),
    path("findings/<int:pk>/respond/", views.respond, name="respond"),
    path("findings/<int:pk>/review/", views.review, name="review"),
]
