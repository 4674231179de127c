from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("xxgk/", views.disclosure, name="disclosure"),
    path("columns/<slug:slug>/", views.column, name="column"),
    path("xxgk/<slug:kind>/", views.disclosure_page, name="disclosure_page"),
    path("reading-points/", views.reading_points, name="reading_points"),
    path("gazette/", views.gazette, name="gazette"),
    path("gazette/<int:year>/<int:number>/", views.gazette_issue, name="gazette_issue"),
    path("gazette/<int:year>/<int:number>/pdf/", views.gazette_pdf, name="gazette_pdf"),
]
