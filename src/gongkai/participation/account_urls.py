"""URLs of 公众账号（注册、登录、验证）and the 举报 button."""

from django.urls import path

from . import account_views as views

app_name = "accounts"

urlpatterns: list = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.verify, name="verify"),
    path("logout/", views.logout, name="logout"),
    path("flag/", views.flag, name="flag"),
]
