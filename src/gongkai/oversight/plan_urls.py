"""Public URLs under /xxgk/plan/: the work plans the office has published."""

from django.urls import path

from . import plan_views

app_name = "oversight_plan"

urlpatterns = [
    path("", plan_views.public_plans, name="list"),
    path("<int:pk>/", plan_views.public_plan, name="detail"),
]
