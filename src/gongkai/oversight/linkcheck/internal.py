"""Internal links are checked in-process, without HTTP: the path is resolved against the
project's own URLconf and, for the pages that show one object, the object is looked up with
the same rules the public view applies (a withdrawn record's page says so, its files are gone).
No request to ourselves: nothing to throttle, nothing the proxy or the page cache can hide.

A checker for a page is registered by its URL name with `register_internal_check`; a page
without one is `ok` once its address resolves."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from .result import BROKEN, CAUTION, OK, LinkResult

#: view name -> checker(site, **kwargs) -> (status, reason)
INTERNAL_CHECKS: dict[str, Callable[..., tuple[str, str]]] = {}
STAFF_PREFIXES = ("/staff/", "/admin/")


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


def _record(site, index_number: str):
    from gongkai.records.models import Record, State

    record = Record.objects.filter(site=site, index_number=index_number).first()
    if record is None:
        return None, (BROKEN, "所链接的政府信息不存在")
    if record.state == State.WITHDRAWN:
        return record, (BROKEN, f"所链接的政府信息“{record.title[:40]}”已撤回")
    if record.state == State.EXPIRED:
        return record, (CAUTION, f"所链接的政府信息“{record.title[:40]}”已失效，请确认是否仍应链接")
    if record.state != State.PUBLISHED:
        return None, (BROKEN, "所链接的政府信息尚未发布")
    return record, (OK, "站内政府信息存在")


def record_page(site, index_number: str, **_) -> tuple[str, str]:
    return _record(site, index_number)[1]


def _attachment_file(attachment) -> tuple[str, str]:
    if not _storage_exists(attachment.file.storage, attachment.file.name):
        return BROKEN, f"附件“{attachment.name}”的文件已丢失"
    return OK, "附件存在"


def record_attachment(site, index_number: str, pk: int, **_) -> tuple[str, str]:
    from gongkai.records.models import State
    from gongkai.records.workflow import public_attachments

    record, verdict = _record(site, index_number)
    if record is None or record.state == State.WITHDRAWN:
        return verdict
    attachment = public_attachments(record).filter(pk=pk).first()
    if attachment is None:
        return BROKEN, "所链接的附件不存在"
    return _attachment_file(attachment)


def attachment_address(site, pk: int, **_) -> tuple[str, str]:
    from gongkai.records.models import Attachment

    attachment = (
        Attachment.objects.select_related("record").filter(pk=pk, record__site=site).first()
    )
    if attachment is None or not attachment.record.index_number:
        return BROKEN, "所链接的附件不存在或其信息尚未发布"
    return record_attachment(site, attachment.record.index_number, pk)


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
