"""Kiosk mode (自助服务终端, issue 13 point 7): the rules of the screen in the service hall.

It shows guides and scenarios only, needs no login, and goes back to its start page after a
spell of no use, so the next person never sees the last one's search. Elder-friendly rules
(《互联网应用适老化及无障碍改造专项行动方案》, 工信部〔2020〕200号): large type, touch targets
of at least 48 px, line spacing of at least 1.5, no pop-ups, text the person can enlarge."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Seconds without a touch before the kiosk returns to its start (the JS timer).
IDLE_SECONDS = 120
#: Without JavaScript a meta refresh cannot see touches, so it waits longer.
FALLBACK_SECONDS = 300
PAGE_SIZE = 8


def idle_seconds() -> int:
    return int(getattr(settings, "GUIDES_KIOSK_IDLE_SECONDS", IDLE_SECONDS))


def fallback_seconds() -> int:
    return int(getattr(settings, "GUIDES_KIOSK_FALLBACK_SECONDS", FALLBACK_SECONDS))


def qr_svg(url: str, label: str) -> SafeString:
    """The QR code of `url` as inline SVG, made on the server (no image request, no script),
    for the person to continue on their phone."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="kiosk-qr" ', 1)
    return mark_safe(svg)  # noqa: S308 - qrcode's own markup; the label is escaped


def scenarios_url() -> str:
    """The kiosk's scenario list, when the scenario part has wired its views into kiosk_urls
    (name "kiosk:scenarios"); empty until then, and the start page leaves the tile out."""
    try:
        return reverse("kiosk:scenarios")
    except NoReverseMatch:
        return ""
