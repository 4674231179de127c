"""The admin site behind the same entrance as the workbench: the staff login form (with its
lockout) and the second factor, under the one rule in core/twofactor.py."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse

from .twofactor import needs_second_factor


class StaffAdminSite(admin.AdminSite):
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
