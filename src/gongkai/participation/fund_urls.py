"""URLs of 资金第三方监管（公众页面）."""

from django.urls import path

from . import fund_views

app_name = "funds"

urlpatterns: list = [
    path("", fund_views.fund_list, name="list"),
    path("<int:pk>/", fund_views.fund_detail, name="detail"),
    path("reports/<int:pk>/file/", fund_views.report_file, name="report_file"),
]
