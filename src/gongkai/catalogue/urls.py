from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:domain_id>/", views.domain, name="domain"),
    path("item/<int:pk>/", views.item, name="item"),
]
