"""The admin site behind the same entrance as the workbench: the staff login form (with its
lockout) and the second factor, under the one rule in core/twofactor.py."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .twofactor import needs_second_factor

# Third-party models whose verbose names are English and untranslated (app.model → name).
THIRD_PARTY_MODEL_NAMES = {
    "otp_totp.totpdevice": _("身份验证器"),
    "otp_static.staticdevice": _("备用验证码设备"),
    "django_tasks_database.dbtaskresult": _("任务记录"),
}


class StaffAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        """The admin's index and side bar in Chinese, third-party models included."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                key = f"{app['app_label']}.{model['object_name'].lower()}"
                if key in THIRD_PARTY_MODEL_NAMES:
                    model["name"] = THIRD_PARTY_MODEL_NAMES[key]
        return app_list

    def has_permission(self, request):
        return super().has_permission(request) and not needs_second_factor(request)

    def login(self, request, extra_context=None):
        """No password form of its own: send people to the staff login, or on to the second
        factor when the password is done. A logged-in user without admin rights sees the
        admin's own "not authorised" page."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        query = urlencode({REDIRECT_FIELD_NAME: next_url})
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?{query}")
        if needs_second_factor(request):
            return redirect(f"{reverse('core:two_factor')}?{query}")
        return super().login(request, extra_context)


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with this site (INSTALLED_APPS names this class)."""

    default_site = "gongkai.core.adminsite.StaffAdminSite"
