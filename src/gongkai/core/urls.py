from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.logout_then_home, name="logout"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("", views.workbench, name="workbench"),
    path("audit/", views.audit_log, name="audit_log"),
]
