"""The catalogue's workbench panel (我的公开职责) and home-page section (专栏 entry)."""

from gongkai.core import permissions

from .services import (
    domain_counts,
    duties_for,
    is_catalogue_admin,
    public_catalogue,
    unparsed_deadlines,
)


def duties_panel(request):
    site = permissions.staff_site(request)
    if site is None:
        return None
    context = {"site": site, "duties": duties_for(request.user, site).count(), "admin": False}
    if is_catalogue_admin(request.user, site):
        context["admin"] = True
        context["unparsed"] = unparsed_deadlines(site).count()
    return "catalogue/staff/panel.html", context


def home_section(request):
    site = getattr(request, "site", None)
    if site is None:
        return None
    version, snapshot = public_catalogue(site)
    if not snapshot:
        return None
    return "catalogue/home_section.html", {"version": version, "domains": domain_counts(snapshot)}
