"""政府公报: publishing an issue and printing it as a PDF.

The gazette is one of the channels the law names for proactive disclosure
(《政府信息公开条例》第二十三条), and Art. 24 asks the platform to offer downloads, so each
issue carries a generated A4 PDF of its articles, built when the issue is published."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEventType
from gongkai.core.pdf import html_to_pdf
from gongkai.core.sites import touch_site

from .models import GazetteIssue

PDF_TEMPLATE = "portal/gazette_pdf.html"
ARTICLE_KINDS = ("gazette", "policy")


class GazetteError(Exception):
    """An issue that cannot be published; the message is shown to the user as is."""


def build_pdf(issue: GazetteIssue) -> bytes:
    """The issue as an A4 PDF: cover, table of contents, each article with its 文号 and body."""
    html = render_to_string(
        PDF_TEMPLATE, {"issue": issue, "site": issue.site, "articles": issue.articles_in_order}
    )
    return html_to_pdf(html, "公报 PDF")


def store_pdf(issue: GazetteIssue) -> None:
    """Builds the PDF and keeps it in the issue's file field (replacing an older one)."""
    content = build_pdf(issue)
    if issue.pdf:
        issue.pdf.delete(save=False)
    name = f"{issue.site.slug}-{issue.year}-{issue.number:02d}.pdf"
    issue.pdf.save(name, ContentFile(content), save=False)
    GazetteIssue.objects.filter(pk=issue.pk).update(pdf=issue.pdf.name)


@transaction.atomic
def publish_issue(issue: GazetteIssue, actor=None) -> GazetteIssue:
    """发布: checks the articles, dates the issue, generates its PDF, invalidates the site's
    cached pages and writes an audit event. Publishing again regenerates the PDF."""
    from gongkai.records.models import State

    articles = list(issue.articles_in_order)
    if not articles:
        raise GazetteError("公报至少需要刊登一篇文章。")
    for article in articles:
        record = article.record
        if record.site_id != issue.site_id:
            raise GazetteError(f"“{record.title}”不属于{issue.site.name}。")
        if record.kind not in ARTICLE_KINDS:
            raise GazetteError(f"“{record.title}”不是政府公报或政策文件，不能刊登。")
        if record.state != State.PUBLISHED:
            raise GazetteError(f"“{record.title}”尚未发布或已撤回，不能刊登。")
    before = snapshot(issue)
    was_published = issue.is_published
    issue.is_published = True
    issue.published_on = issue.published_on or timezone.localdate()
    issue.save()
    pdf_error = ""
    try:
        store_pdf(issue)
    except RuntimeError as exc:  # the issue is still public, without a download
        pdf_error = str(exc)
    touch_site(issue.site)
    record_event(
        AuditEventType.OBJECT_CHANGED if was_published else AuditEventType.STATE_CHANGED,
        actor=actor,
        obj=issue,
        before=before,
        after=snapshot(issue),
        message=f"发布政府公报：{issue.title}" + (f"（{pdf_error}）" if pdf_error else ""),
    )
    return issue


def published_issues(site):
    return GazetteIssue.objects.filter(site=site, is_published=True)
