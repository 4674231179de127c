"""Staff URLs under /staff/xxgk/: the office admin keeps the guide and the rules current."""

from django.urls import path

from . import staff_views as views

app_name = "portal_staff"

urlpatterns = [
    path("<slug:kind>/", views.edit_page, name="disclosure_edit"),
]
