"""An imported page becomes a published record: on `--publish`, or when staff confirm its
leaf and organisation in the review queue. Until then it is a LegacyPage only (nothing
imported is public before someone confirms it).

On publication the body's links are written as their new addresses where they are known
(`links.rewrite_for_publish`): pages already published → their record, the page's files and
images → `/records/attachments/<pk>/`. The rest keep their old path, which the redirect
middleware answers once their target is published."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import CatalogueItem
from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Organisation
from gongkai.records import workflow
from gongkai.records.models import Kind, Record

from . import links
from .models import LegacyFile, LegacyPage, PageStatus, ReviewState


class PublishRefused(ValueError):
    """The page cannot be published; the message says why, in Chinese."""


def record_data(page: LegacyPage) -> dict:
    """The record's fields from what the old page said."""
    meta = page.metadata or {}
    written_on = _date(meta.get("written_on"))
    data = {
        "title": page.title[:300],
        "body": page.body_html,
        "keywords": (meta.get("keywords") or "")[:200],
        "document_number": (meta.get("document_number") or "")[:100],
        "written_on": written_on,
        "formed_on": written_on or page.published_on,
        "index_number": meta.get("index_number") or "",
        "kind": Kind.GENERAL,
    }
    if data["document_number"]:
        data["kind"] = Kind.POLICY
    return data


def published_at(page: LegacyPage) -> datetime:
    """The old publication date at 09:00 local time (old pages rarely give the hour)."""
    day = page.published_on or timezone.localdate()
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def publish_page(
    actor,
    page: LegacyPage,
    *,
    catalogue_item: CatalogueItem,
    organisation: Organisation,
) -> Record:
    """Publish the page as an archived record under the leaf and organisation, with its
    imported files; its old address then redirects to the record."""
    if page.status != PageStatus.IMPORTED:
        raise PublishRefused("只有导入成功的页面才能发布。")
    if page.record_id is not None:
        raise PublishRefused("该页面已发布。")
    files = [f for f in page.files.all() if f.file and not f.refused]
    attachments = [
        {
            "name": f.name,
            "kind": f.kind,
            "size": f.size,
            "sha256": f.sha256,
            "alt_text": f.alt_text,
            "file": f.file.name,
        }
        for f in files
    ]
    with transaction.atomic():
        locked = LegacyPage.objects.select_for_update().get(pk=page.pk)
        if locked.record_id is not None:
            raise PublishRefused("该页面已发布。")
        try:
            record = workflow.publish_archived(
                actor,
                organisation=organisation,
                catalogue_item=catalogue_item,
                data=record_data(page),
                published_at=published_at(page),
                attachments=attachments,
                complete_body=lambda record: _link_files_and_body(record, page, files),
            )
        except workflow.WorkflowError as exc:
            raise PublishRefused(str(exc)) from exc
        LegacyPage.objects.filter(pk=page.pk).update(
            record=record,
            review_state=ReviewState.CONFIRMED,
            reviewed_by=permissions.user_of(actor),
            reviewed_at=timezone.now(),
            version=locked.version + 1,
        )
        LegacyPage.objects.filter(duplicate_of=page).update(record=record)
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=page,
            message=f"旧站页面已迁移发布为 {record.index_number}",
        )
    page.refresh_from_db()
    return record


def new_addresses(site, keys: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """For old paths: the public record URL of each page published by now (a duplicate's is
    its original's), and the attachment address of each imported file."""
    pages: dict[str, str] = {}
    files: dict[str, str] = {}
    if not keys:
        return pages, files
    rows = LegacyPage.objects.filter(site=site, old_path__in=keys).select_related(
        "record", "duplicate_of__record"
    )
    for row in rows:
        record = row.record or (row.duplicate_of.record if row.duplicate_of else None)
        if record is not None and record.is_public:
            pages[row.old_path] = record.get_absolute_url()
    file_rows = LegacyFile.objects.filter(
        site=site, old_path__in=keys, attachment__isnull=False
    ).values_list("old_path", "attachment_id")
    for key, attachment_id in file_rows:
        files[key] = reverse("records:attachment_address", args=[attachment_id])
    return pages, files


def _link_files_and_body(record: Record, page: LegacyPage, files: list[LegacyFile]) -> str:
    """Called by records.workflow.publish_archived once the attachments exist: each old file
    (and the same file under a duplicate's old address) now leads to its attachment, and the
    body's links to the old site's pages and files point at their new addresses."""
    by_sha = {a.sha256: a for a in record.attachments.all()}
    for legacy_file in files:
        legacy_file.attachment = by_sha.get(legacy_file.sha256)
        legacy_file.save(update_fields=["attachment"])
    for sha256, attachment in by_sha.items():
        LegacyFile.objects.filter(
            page__duplicate_of=page, sha256=sha256, attachment__isnull=True
        ).update(attachment=attachment)
    pages, new_files = new_addresses(record.site, links.old_paths_in(record.body))
    return links.rewrite_for_publish(record.body, pages=pages, files=new_files)


def _date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
