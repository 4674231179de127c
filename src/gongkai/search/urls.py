from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="results"),
    path("suggest", views.suggest, name="suggest"),
]
