"""The guides staff pages' sub-navigation shows the office admin's pages only to them."""

from django import template

from gongkai.core.models import Role
from gongkai.core.permissions import has_role, staff_site

register = template.Library()


@register.simple_tag(takes_context=True)
def manages_services(context) -> bool:
    """Whether the user runs the site's service hall (windows, library, scenarios, imports)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return request.user.is_superuser or has_role(
        request.user, Role.OFFICE_ADMIN, staff_site(request)
    )
