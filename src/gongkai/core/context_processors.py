from django.conf import settings

from .extensions import disclosure_links, public_nav, staff_nav
from .permissions import is_staff_member


def site_context(request):
    prefs = request.COOKIES
    user = getattr(request, "user", None)
    return {
        "site": getattr(request, "site", None),
        "font_size": prefs.get("gk_font", "m") if prefs.get("gk_font") in {"s", "m", "l"} else "m",
        "high_contrast": prefs.get("gk_contrast") == "1",
        "elder_mode": prefs.get("gk_elder") == "1",
        # Visitors are never staff: no membership query is built for them.
        "is_staff_member": bool(user and user.is_authenticated and is_staff_member(user)),
        "demo_mode": settings.DEMO,
        "public_nav": public_nav,
        "disclosure_links": disclosure_links,
        "staff_nav": staff_nav,
    }
