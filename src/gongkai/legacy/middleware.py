"""Old addresses keep working: a GET or HEAD the portal answers 404 that names an imported
page's (or file's) old path is answered with a permanent redirect to its new address, so an
old link never becomes a broken-link deduction.

- a page whose record (or, for a duplicate, whose original's record) is public → the record;
- a file imported as an attachment of a public record → the attachment's public address;
- a list page of the old site → the catalogue page of the leaf most of its column's pages
  were published under, else the site's 信息公开 home;
- a page staff decided not to migrate → the new list of the leaf it was proposed under
  (review.rejected_target);
- anything else (not imported, imported but waiting for review) stays 404.

Cheap: it only looks when the answer is already 404, and then with one query on the unique
(site, old_path) index, of pages or of files as the path's extension says.

The page cache (portal.caching.PublicCacheMiddleware) keeps 200 answers only, and nginx keeps
what the app marks with X-Accel-Expires, which a 404 never carries, so a 404 seen before an
import does not hide the redirect after it; a publication also calls touch_site (through
records.workflow.publish_archived), which changes every page's cache key."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.db.models import Count
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from gongkai.records.models import State

from .models import LegacyFile, LegacyPage, PageStatus, ReviewState
from .paths import old_path
from .review import rejected_target
from .sources import FILE_EXTENSIONS, PAGE_EXTENSIONS

_MAX_PATH = 700  # LegacyPage.old_path / LegacyFile.old_path max_length


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        site = getattr(request, "site", None)
        if site is None:
            return response
        target = new_address(site, request.get_full_path())
        if target is None:
            return response
        return HttpResponsePermanentRedirect(target)


def new_address(site, full_path: str) -> str | None:
    """Where an old address of `site` now lives, or None."""
    key = old_path(full_path)
    if len(key) > _MAX_PATH:
        return None
    suffix = PurePosixPath(urlsplit(full_path).path).suffix.lower()
    if suffix in FILE_EXTENSIONS and suffix not in PAGE_EXTENSIONS:
        return _file_address(site, key)
    found = _page_address(site, key)
    if found is None and suffix and suffix not in PAGE_EXTENSIONS:
        found = _file_address(site, key)  # an extension the lists do not know
    return found


def _page_address(site, key: str) -> str | None:
    page = (
        LegacyPage.objects.filter(site=site, old_path=key)
        .select_related("record", "duplicate_of__record")
        .first()
    )
    if page is None:
        return None
    if page.status == PageStatus.LISTING:
        return _column_address(site, page.column_name)
    if page.review_state == ReviewState.REJECTED:
        return rejected_target(page)
    record = page.record or (page.duplicate_of.record if page.duplicate_of else None)
    if record is not None and record.is_public and record.index_number:
        return record.get_absolute_url()
    return None


def _file_address(site, key: str) -> str | None:
    row = (
        LegacyFile.objects.filter(site=site, old_path=key, attachment__isnull=False)
        .select_related("attachment__record")
        .first()
    )
    if row is None:
        return None
    record = row.attachment.record
    if not (record.is_public and record.index_number):
        return None
    return reverse("records:attachment", args=[record.index_number, row.attachment_id])


def _column_address(site, column_name: str) -> str:
    """The leaf most of the column's pages were published under, else 信息公开."""
    leaf = None
    if column_name:
        leaf = (
            LegacyPage.objects.filter(
                site=site,
                column_name=column_name,
                status=PageStatus.IMPORTED,
                record__state=State.PUBLISHED,
            )
            .values("record__catalogue_item")
            .annotate(pages=Count("pk"))
            .order_by("-pages", "record__catalogue_item")
            .values_list("record__catalogue_item", flat=True)
            .first()
        )
    if leaf is not None:
        return reverse("catalogue:item", args=[leaf])
    return reverse("portal:disclosure")
