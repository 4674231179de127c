"""The portal's own pages in site search: 机构职能 (《政府信息公开条例》第二十条第（二）项),
政府公报 issues, and the 公开指南 / 公开制度 pages (第二十二条)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from gongkai.core.html import html_to_text
from gongkai.core.models import Organisation

from .models import DisclosurePage, GazetteArticle, GazetteIssue


def organisation_document(org: Organisation):
    from gongkai.search.backends.base import SearchDocument

    parts = [org.short_name, org.get_kind_display(), org.duties and f"机构职能：{org.duties}"]
    body = "\n".join(p for p in [*parts, org.address] if p)
    return SearchDocument(
        doc_id=f"organisation:{org.pk}",
        site_id=org.site_id,
        title=org.name,
        body=body,
        url=reverse("portal:organisations") + f"#org-{org.pk}",
        kind="organisation",
        organisation_id=org.pk,
        organisation_name=org.name,
    )


def gazette_document(issue: GazetteIssue):
    from gongkai.search.backends.base import SearchDocument

    titles = [a.record.title for a in issue.articles.select_related("record").order_by("order")]
    published = None
    if issue.published_on:
        from datetime import datetime, time

        from django.utils import timezone

        published = timezone.make_aware(datetime.combine(issue.published_on, time(8)))
    return SearchDocument(
        doc_id=f"gazette_issue:{issue.pk}",
        site_id=issue.site_id,
        title=str(issue),
        body="\n".join(titles),
        url=issue.get_absolute_url(),
        kind="gazette_issue",
        year=issue.year,
        published_at=published,
    )


def disclosure_page_document(page: DisclosurePage):
    from gongkai.search.backends.base import SearchDocument

    return SearchDocument(
        doc_id=f"guide_page:{page.pk}",
        site_id=page.site_id,
        title=page.title,
        body=html_to_text(page.body),
        url=reverse("portal:disclosure_page", args=[page.kind]),
        kind="guide_page",
        published_at=page.updated_at,
    )


SOURCES = {
    # source name: (searchable rows, the document of a row); doc ids are "<name>:<pk>"
    "organisation": (
        lambda: Organisation.objects.filter(is_active=True),
        organisation_document,
    ),
    "gazette_issue": (
        lambda: GazetteIssue.objects.filter(is_published=True).select_related("site"),
        gazette_document,
    ),
    "guide_page": (lambda: DisclosurePage.objects.all(), disclosure_page_document),
}
WATCHED = [
    (Organisation, "organisation", lambda row: row.pk),
    (GazetteIssue, "gazette_issue", lambda row: row.pk),
    (GazetteArticle, "gazette_issue", lambda row: row.issue_id),
    (DisclosurePage, "guide_page", lambda row: row.pk),
]


def _watcher(source, key):
    def changed(sender, instance, **kwargs):
        from gongkai.search import service

        service.index_on_commit(source, [key(instance)])

    return changed


_receivers = []  # signals hold receivers weakly


def register() -> None:
    from gongkai.search import service

    for name, (rows, document) in SOURCES.items():
        service.register_queryset_source(name, rows, document, name)
    for model, source, key in WATCHED:
        receiver = _watcher(source, key)
        _receivers.append(receiver)
        uid = f"portal-search-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-delete")
