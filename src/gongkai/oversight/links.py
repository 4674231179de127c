"""错链断链与违规外链: the links of published records, checked every night.

国办秘函〔2019〕19号 counts unusable links against a site and makes prohibited content or links
(e.g. gambling links injected into old pages, 暗链) a veto item. A record's body, its video
link and its attachments' addresses are checked: internal ones in-process against the URLconf
and the objects they name (linkcheck.internal), external ones over HTTP, politely and never
towards a private address (linkcheck.fetch), results kept a day in `LinkStatus`. A host on the
suspicious-domain list (linkcheck.domains) is `danger` without a fetch; a danger link withdraws
nothing by itself (an editor decides) but raises a veto finding at once."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .checks import FindingDraft
from .linkcheck.domains import active_matcher
from .linkcheck.extract import Link, absolute, extract_links
from .linkcheck.fetch import Fetcher, fetch_all
from .linkcheck.internal import check_internal, records_known
from .linkcheck.result import BROKEN, CAUTION, DANGER, OK, LinkResult
from .models import LinkStatus, Severity

__all__ = [
    "BROKEN",
    "CAUTION",
    "DANGER",
    "OK",
    "Link",
    "LinkResult",
    "LinkReport",
    "check_urls",
    "extract_links",
    "link_findings",
]

CACHE_FOR = timedelta(days=1)
#: 每发现一个错链断链扣 0.1 分: the provincial scoring sheets' usual rate for 发布解读 links;
#: the dashboard caps an indicator's deductions at its points.
BROKEN_LINK_POINTS = Decimal("0.1")
INDICATOR = "链接可用性（错链断链、违规外链）"
DEFAULT_BUDGET_SECONDS = 600
DEFAULT_TIMEOUT = 15.0
MAX_URL_LENGTH = 2000  # LinkStatus.url
_NEVER = datetime.min.replace(tzinfo=UTC)


class LinkReport(dict):
    """url -> LinkResult, plus `unchecked`: the addresses the time budget did not reach."""

    def __init__(self):
        super().__init__()
        self.unchecked: list[str] = []


def _stored(row: LinkStatus) -> LinkResult:
    return LinkResult(
        row.url, row.status, row.http_status, row.final_url, row.reason, row.checked_at
    )


def _danger(result: LinkResult, matcher) -> LinkResult:
    """A cached result seen through today's list: an entry added an hour ago counts now (and
    one switched off no longer does: check_urls then fetches the address again)."""
    for address in (result.url, result.final_url):
        host = urlsplit(address).hostname if address else None
        found = matcher.match(host) if host else None
        if found:
            return LinkResult(
                result.url,
                DANGER,
                result.http_status,
                result.final_url or result.url,
                f"链接指向可疑{found.category_label}网站 {host}（匹配“{found.pattern}”）",
                result.checked_at,
            )
    return result


def _matches(result: LinkResult, matcher) -> bool:
    return any(
        matcher.match(urlsplit(address).hostname or "")
        for address in (result.url, result.final_url)
        if address
    )


def _rows(urls: list[str]) -> dict[str, LinkStatus]:
    rows: dict[str, LinkStatus] = {}
    for i in range(0, len(urls), 500):
        for row in LinkStatus.objects.filter(url__in=urls[i : i + 500]):
            rows[row.url] = row
    return rows


def _save(results: list[LinkResult]) -> None:
    """Upsert the results (one statement per 500, SQLite and PostgreSQL alike)."""
    rows = [
        LinkStatus(
            url=r.url,
            status=r.status,
            http_status=r.http_status,
            final_url=r.final_url[:2000],
            reason=r.reason[:300],
            checked_at=r.checked_at,
        )
        for r in results
    ]
    LinkStatus.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["url"],
        update_fields=["status", "http_status", "final_url", "reason", "checked_at"],
    )


def check_urls(
    urls: Iterable[str],
    *,
    time_budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    per_host_concurrency: int = 2,
    max_redirects: int = 5,
    timeout: float = DEFAULT_TIMEOUT,
) -> LinkReport:
    """Check external http(s) addresses (others are skipped). A result younger than a day is
    reused without a request; the rest are fetched oldest first — never-checked ones (those a
    previous run's budget did not reach) before stale ones — until the budget runs out.
    Keys are the addresses as checked: absolute, lower-case host, without the #fragment."""
    wanted = list(dict.fromkeys(c for c in (absolute(u, u) for u in urls) if c))
    now = timezone.now()
    matcher = active_matcher()
    rows = _rows(wanted)
    report = LinkReport()
    todo: list[str] = []
    fresh: list[LinkResult] = []
    for url in wanted:
        row = rows.get(url)
        if len(url) > MAX_URL_LENGTH:  # no browser or server is expected to take it either
            report[url] = LinkResult(url, CAUTION, None, "", "链接地址过长，未检查", now)
            continue
        if row is not None and row.checked_at >= now - CACHE_FOR:
            result = _danger(_stored(row), matcher)
            # a danger whose entry has since been switched off is fetched again at once
            if row.status != DANGER or _matches(result, matcher):
                report[url] = result
                continue
        found = matcher.match(urlsplit(url).hostname or "")
        if found:  # no fetch needed, and none wanted: a gambling site learns nothing from us
            result = _danger(LinkResult(url, OK, checked_at=now), matcher)
            report[url] = result
            fresh.append(result)
            continue
        todo.append(url)
    todo.sort(key=lambda u: rows[u].checked_at if u in rows else _NEVER)
    fetcher = Fetcher(
        matcher=matcher,
        deadline=time.monotonic() + time_budget_seconds,
        per_host_concurrency=per_host_concurrency,
        max_redirects=max_redirects,
        timeout=timeout,
        allow_private=getattr(settings, "LINKCHECK_ALLOW_PRIVATE_ADDRESSES", False),
    )
    fetched = fetch_all(todo, fetcher)
    checked_at = timezone.now()
    for url in todo:
        if url in fetched:
            fetched[url].checked_at = checked_at
            report[url] = fetched[url]
            fresh.append(fetched[url])
        else:
            report.unchecked.append(url)
    _save(fresh)
    return report


# --- the check registered as "links" -------------------------------------------------------


def _internal_hosts() -> dict[str, object]:
    from gongkai.core.models import Site

    hosts: dict[str, object] = {}
    for site in Site.objects.all():
        for host in site.hostname_list():
            hosts.setdefault(host.split(":")[0], site)
    return hosts


def record_links(record, base_url: str, hosts, attachment_ids=None) -> list[Link]:
    """A record's body and video links and its published attachments' addresses
    (`attachment_ids`: those attachments' ids, when the caller read them for many records)."""
    from gongkai.records.workflow import public_attachments

    links = extract_links(record.body, base_url, hosts)
    if record.video_url:
        video = absolute(record.video_url, base_url)
        if video and all(link.url != video for link in links):
            links.extend(extract_links(f'<a href="{video}"></a>', base_url, hosts))
    if attachment_ids is None:
        attachment_ids = public_attachments(record).values_list("pk", flat=True)
    for pk in attachment_ids:
        path = reverse("records:attachment", args=[record.index_number, pk])
        url = absolute(path, base_url)
        if url and all(link.url != url for link in links):
            links.append(Link(url, "attachment", True))
    return links


def _public_attachment_ids(site) -> dict[int, list[int]]:
    """Every listed record's published attachments, in one query (not one per record)."""
    from django.db.models import Q

    from gongkai.records.models import Attachment, RevisionState
    from gongkai.records.selectors import LISTED_STATES

    found: dict[int, list[int]] = {}
    rows = (
        Attachment.objects.filter(record__site=site, record__state__in=LISTED_STATES)
        .filter(Q(revision__isnull=True) | Q(revision__state=RevisionState.PUBLISHED))
        .order_by("record_id", "pk")
        .values_list("record_id", "pk")
    )
    for record_id, pk in rows.iterator():
        found.setdefault(record_id, []).append(pk)
    return found


def _key(record_pk: int, url: str) -> str:
    key = f"record:{record_pk}:link:{url}"
    if len(key) <= 300:
        return key
    return f"record:{record_pk}:link:sha256:{hashlib.sha256(url.encode()).hexdigest()}"


def link_findings(site, **check_options) -> Iterable[FindingDraft]:
    """One finding per bad link of a published record: broken → deduction, danger → veto,
    caution → warning. Links the time budget did not reach keep their last known result, so a
    finding does not vanish and come back between nights."""
    from gongkai.core.sites import absolute_url
    from gongkai.records.selectors import published_records

    check_options.setdefault(
        "time_budget_seconds",
        getattr(settings, "LINKCHECK_TIME_BUDGET_SECONDS", DEFAULT_BUDGET_SECONDS),
    )
    hosts = _internal_hosts()
    per_record: list[tuple[object, list[tuple[Link, object]]]] = []
    external: list[str] = []
    attachments = _public_attachment_ids(site)
    records = published_records(site).filter(index_number__isnull=False)
    for record in records.iterator(chunk_size=500):
        base = absolute_url(site, record.get_absolute_url())
        links = record_links(record, base, hosts, attachments.get(record.pk, []))
        if not links:
            continue
        entries = []
        for link in links:
            entries.append((link, hosts.get(urlsplit(link.url).hostname or "", site)))
            if not link.internal:
                external.append(link.url)
        per_record.append((record, entries))
    report = check_urls(external, **check_options) if external else LinkReport()
    for url, row in _rows(report.unchecked).items():  # the last known answer, however old
        report[url] = _stored(row)
    internal: dict[tuple[int, str], LinkResult] = {}  # the same page linked from many records
    pairs = [(link.url, link_site) for _, e in per_record for link, link_site in e if link.internal]
    with records_known(pairs):
        drafts = []
        for record, entries in per_record:
            staff_url = reverse("records_staff:detail", args=[record.pk])
            for link, link_site in entries:
                if link.internal:
                    memo = (link_site.pk, link.url)
                    if memo not in internal:
                        internal[memo] = check_internal(link.url, link_site)
                    result = internal[memo]
                else:
                    result = report.get(link.url)
                if result is None or result.status == OK:
                    continue
                drafts.append(_draft(record, link, result, staff_url))
    yield from drafts


_TITLES = {
    DANGER: "“{title}”含指向可疑网站的链接",
    BROKEN: "“{title}”含失效链接",
    CAUTION: "“{title}”含需要核实的链接",
}
_SEVERITY = {DANGER: Severity.VETO, BROKEN: Severity.DEDUCTION, CAUTION: Severity.WARNING}


def _draft(record, link: Link, result: LinkResult, staff_url: str) -> FindingDraft:
    title = _TITLES[result.status].format(title=record.title[:200])
    detail = f"链接：{link.url}\n结果：{result.reason}"
    if result.final_url and result.final_url != link.url:
        detail += f"\n最终地址：{result.final_url}"
    if result.status == DANGER:
        detail += "\n请核实后通过修订删除该链接；链接本身不会被自动撤下。"
    return FindingDraft(
        key=_key(record.pk, link.url),
        title=title[:300],
        severity=_SEVERITY[result.status],
        points=BROKEN_LINK_POINTS if result.status == BROKEN else Decimal(0),
        organisation=record.organisation,
        detail=detail,
        item_url=staff_url,
    )
