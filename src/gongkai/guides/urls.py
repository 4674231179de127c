"""Public pages under /services/ (办事服务). Each part of the work appends its paths."""

from django.urls import path

from . import views

app_name = "guides"

urlpatterns: list = [
    path("items/<str:code>/", views.item_detail, name="item"),
]

# The public pages of issue 13 points 6 and 9: landing, browsing, FAQ and the question box.
urlpatterns += [
    path("", views.landing, name="landing"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("once/", views.most_once, name="once"),
    path("faq/", views.faq_list, name="faq"),
    path("ask/", views.ask, name="ask"),
]
