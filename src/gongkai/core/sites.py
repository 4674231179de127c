"""Which Site a request is for: by host name, else the default site."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from .models import Organisation, OrganisationKind, Site

_CACHE_KEY = "gongkai:site-hosts:v1"
# Every request resolves its site. The host map also lives in the process for a few seconds,
# so a request does not read the shared cache for it; a change of host names reaches the other
# processes within LOCAL_SECONDS (the shared cache entry is deleted at once).
LOCAL_SECONDS = 5.0
_local: dict = {"map": None, "until": 0.0}


def _host_map() -> dict[str, int]:
    now = time.monotonic()
    if _local["map"] is not None and now < _local["until"]:
        return _local["map"]
    mapping = cache.get(_CACHE_KEY)
    if mapping is None:
        mapping = {}
        for site in Site.objects.only("id", "hostnames"):
            for host in site.hostname_list():
                mapping[host] = site.id
        cache.set(_CACHE_KEY, mapping, 300)
    _local.update(map=mapping, until=now + LOCAL_SECONDS)
    return mapping


def forget_site_hosts() -> None:
    _local.update(map=None, until=0.0)
    cache.delete(_CACHE_KEY)


def default_site() -> Site | None:
    return (
        Site.objects.filter(is_default=True).first()
        or Site.objects.filter(slug=settings.DEFAULT_SITE_SLUG).first()
        or Site.objects.order_by("id").first()
    )


def site_for_host(host: str) -> Site | None:
    host = host.split(":")[0].lower()
    site_id = _host_map().get(host)
    if site_id is not None:
        found = list(Site.objects.filter(id=site_id).order_by()[:1])  # fresh: its version counts
        if found:
            return found[0]
    return default_site()


def touch_site(site: Site | None) -> None:
    """A site's public pages changed (publish, withdraw, catalogue version …): new ETags and
    page-cache keys. Call it inside the transaction that makes the change, so the new version
    becomes visible exactly when the change commits. A parent site aggregates its children."""
    now = timezone.now()
    while site is not None:
        Site.objects.filter(pk=site.pk).update(content_changed_at=now)
        site.content_changed_at = now
        site = site.parent


class CurrentSiteMiddleware:
    """Sets request.site; `?site=slug` is not honoured so cached pages stay host-keyed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if getattr(request, "site", None) is None:  # the page cache may have resolved it
            request.site = site_for_host(request.get_host())
        return self.get_response(request)


def absolute_url(site: Site | None, path: str) -> str:
    """A link for a mail or a letter, which has no request to take the host from: the site's
    first public host name (one with a dot, not a bare IP)."""
    hosts = site.hostname_list() if site else []
    host = next((h for h in hosts if "." in h and h not in {"127.0.0.1"}), None) or (
        hosts[0] if hosts else "localhost"
    )
    scheme = "https" if settings.SECURE_COOKIES else "http"
    return f"{scheme}://{host}{path}"


def openness_office(site: Site) -> Organisation | None:
    """The site's 政府信息公开工作机构 (《条例》第四条): the office whose name says 公开 (the
    公开办 under the 办公室), else the site's first office. Requests, the openness guide and
    pages no organisation owns are addressed to it."""
    offices = Organisation.objects.filter(site=site, kind=OrganisationKind.OFFICE, is_active=True)
    return (
        offices.filter(name__contains="公开").order_by("depth").first()
        or offices.order_by("depth").first()
    )


def site_for_command(slug: str) -> Site:
    """The site a console command names with --site, or a CommandError in Chinese that lists
    the sites there are (every command says it the same way)."""
    from django.core.management.base import CommandError

    site = Site.objects.filter(slug=slug).first()
    if site is None:
        known = "、".join(Site.objects.order_by("id").values_list("slug", flat=True)) or "（无）"
        raise CommandError(f"找不到站点“{slug}”。现有站点：{known}")
    return site
