"""Internal links are checked in-process, without HTTP: the path is resolved against the
project's own URLconf and, for the pages that show one object, the object is looked up with
the same rules the public view applies (a withdrawn record's page says so, its files are gone).
No request to ourselves: nothing to throttle, nothing the proxy or the page cache can hide.

A checker for a page is registered by its URL name with `register_internal_check`; a page
without one is `ok` once its address resolves."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from .result import BROKEN, CAUTION, OK, LinkResult

#: view name -> checker(site, **kwargs) -> (status, reason)
INTERNAL_CHECKS: dict[str, Callable[..., tuple[str, str]]] = {}
STAFF_PREFIXES = ("/staff/", "/admin/")
#: {(site id, 索引号): (pk, state, title) or None} read in bulk by `records_known`
_KNOWN_RECORDS: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "linkcheck_known_records", default=None
)
RECORD_VIEWS = {"records:detail", "records:qr", "records:attachment"}


def register_internal_check(view_name: str, func: Callable[..., tuple[str, str]]) -> None:
    INTERNAL_CHECKS[view_name] = func


def _storage_exists(storage, name: str) -> bool:
    try:
        return bool(name) and storage.exists(name)
    except Exception:  # noqa: BLE001 - a storage that cannot answer counts as missing
        return False


def check_internal(url: str, site) -> LinkResult:
    path = unquote(urlsplit(url).path or "/")
    if path.startswith(settings.STATIC_URL):
        from django.contrib.staticfiles import finders
        from django.contrib.staticfiles.storage import staticfiles_storage

        name = path[len(settings.STATIC_URL) :]
        if _storage_exists(staticfiles_storage, name) or finders.find(name):
            return LinkResult(url, OK, None, url, "站内静态文件存在")
        return LinkResult(url, BROKEN, None, url, "站内静态文件不存在")
    if settings.MEDIA_URL and path.startswith(settings.MEDIA_URL):
        from django.core.files.storage import default_storage

        if _storage_exists(default_storage, path[len(settings.MEDIA_URL) :]):
            return LinkResult(url, OK, None, url, "站内文件存在")
        return LinkResult(url, BROKEN, None, url, "站内文件不存在")
    if path.startswith(STAFF_PREFIXES):
        return LinkResult(url, CAUTION, None, url, "链接指向工作人员后台，公众无法打开")
    try:
        match = resolve(path)
    except Resolver404:
        if path.endswith("/") or not settings.APPEND_SLASH:
            return LinkResult(url, BROKEN, None, url, "站内页面不存在（地址无效）")
        try:
            match = resolve(path + "/")
        except Resolver404:
            return LinkResult(url, BROKEN, None, url, "站内页面不存在（地址无效）")
    checker = INTERNAL_CHECKS.get(match.view_name)
    if checker is None:
        return LinkResult(url, OK, None, url, "站内页面地址有效")
    status, reason = checker(site, **match.kwargs)
    return LinkResult(url, status, None, url, reason)


# --- the pages of one object -------------------------------------------------------------


def _match(url: str):
    try:
        return resolve(unquote(urlsplit(url).path or "/"))
    except Resolver404:
        return None


@contextlib.contextmanager
def records_known(links: Iterable[tuple[str, object]]):
    """Within the block, the records that (url, site) pairs link to are looked up from one
    query per 500 instead of one per link (a night's check reads tens of thousands)."""
    from gongkai.records.models import Record

    wanted: dict[int, set[str]] = {}
    for url, site in links:
        match = _match(url)
        if match is not None and match.view_name in RECORD_VIEWS:
            wanted.setdefault(site.pk, set()).add(match.kwargs["index_number"])
    known: dict[tuple[int, str], tuple | None] = {}
    for site_id, numbers in wanted.items():
        numbers = sorted(numbers)
        for i in range(0, len(numbers), 500):
            chunk = numbers[i : i + 500]
            known.update({(site_id, n): None for n in chunk})
            rows = Record.objects.filter(site_id=site_id, index_number__in=chunk).order_by()
            for pk, number, state, title in rows.values_list(
                "pk", "index_number", "state", "title"
            ):
                known[(site_id, number)] = (pk, state, title)
    token = _KNOWN_RECORDS.set(known)
    try:
        yield
    finally:
        _KNOWN_RECORDS.reset(token)


def _record_row(site, index_number: str):
    known = _KNOWN_RECORDS.get()
    if known is not None and (site.pk, index_number) in known:
        return known[(site.pk, index_number)]
    from gongkai.records.models import Record

    found = list(
        Record.objects.filter(site=site, index_number=index_number)
        .order_by()
        .values_list("pk", "state", "title")[:1]
    )
    return found[0] if found else None


def _record(site, index_number: str):
    """(record id or None, verdict): the record as its public page would show it."""
    from gongkai.records.models import State

    found = _record_row(site, index_number)
    if found is None:
        return None, (BROKEN, "所链接的政府信息不存在")
    pk, state, title = found
    if state == State.WITHDRAWN:
        return None, (BROKEN, f"所链接的政府信息“{title[:40]}”已撤回")
    if state == State.EXPIRED:
        return pk, (CAUTION, f"所链接的政府信息“{title[:40]}”已失效，请确认是否仍应链接")
    if state != State.PUBLISHED:
        return None, (BROKEN, "所链接的政府信息尚未发布")
    return pk, (OK, "站内政府信息存在")


def record_page(site, index_number: str, **_) -> tuple[str, str]:
    return _record(site, index_number)[1]


def record_attachment(site, index_number: str, pk: int, **_) -> tuple[str, str]:
    """As the public download: the record's own or its published revisions' files, none
    after a withdrawal (410), and the file itself must still be in storage."""
    from django.core.files.storage import default_storage
    from django.db.models import Q

    from gongkai.records.models import Attachment, RevisionState

    record_pk, verdict = _record(site, index_number)
    if record_pk is None:
        return verdict
    found = list(
        Attachment.objects.filter(pk=pk, record_id=record_pk)
        .filter(Q(revision__isnull=True) | Q(revision__state=RevisionState.PUBLISHED))
        .order_by()
        .values_list("name", "file")[:1]
    )
    if not found:
        return BROKEN, "所链接的附件不存在"
    name, file_name = found[0]
    if not _storage_exists(default_storage, file_name):
        return BROKEN, f"附件“{name}”的文件已丢失"
    return OK, "附件存在"


def attachment_address(site, pk: int, **_) -> tuple[str, str]:
    from gongkai.records.models import Attachment

    found = list(
        Attachment.objects.filter(pk=pk, record__site=site)
        .order_by()
        .values_list("record__index_number", flat=True)[:1]
    )
    if not found or not found[0]:
        return BROKEN, "所链接的附件不存在或其信息尚未发布"
    return record_attachment(site, found[0], pk)


def catalogue_item(site, pk: int, **_) -> tuple[str, str]:
    from gongkai.catalogue.models import CatalogueItem

    if CatalogueItem.objects.filter(site=site, pk=pk).exists():
        return OK, "公开事项存在"
    return BROKEN, "所链接的公开事项不存在"


def organisation_page(site, pk: int, **_) -> tuple[str, str]:
    from gongkai.core.models import Organisation

    if Organisation.objects.filter(site=site, pk=pk, is_active=True).exists():
        return OK, "机构存在"
    return BROKEN, "所链接的机构不存在或已撤销"


register_internal_check("records:detail", record_page)
register_internal_check("records:qr", record_page)
register_internal_check("records:attachment", record_attachment)
register_internal_check("records:attachment_address", attachment_address)
register_internal_check("catalogue:item", catalogue_item)
register_internal_check("portal:organisation", organisation_page)
