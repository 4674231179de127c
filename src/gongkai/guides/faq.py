"""Online Q&A (issue 13 point 6): find answers among the guides and FAQ through the portal
search, and turn a question nobody answered yet into a participation message addressed to the
item's organisation (it then has the reply period of 《条例》 and the site's message rules)."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.core.models import Organisation, Site
from gongkai.participation import rules as participation
from gongkai.participation.models import Message
from gongkai.search import service
from gongkai.search.backends.base import SearchQuery

from .indexing import FAQ_KIND, GUIDE_KIND
from .models import ServiceItem

MAX_QUERY = 100
SUGGESTIONS = 6


@dataclass(frozen=True)
class Suggestion:
    title: str
    url: str
    kind_label: str
    snippet: str


def search(site: Site, text: str, kinds=(GUIDE_KIND, FAQ_KIND), page: int = 1, page_size=10):
    """The portal search over guides and FAQ of this site and the sites below it."""
    query = SearchQuery(
        text=text.strip()[:MAX_QUERY],
        site_ids=service.site_ids_for(site),
        filters={"kind": list(kinds)},
        page=page,
        page_size=page_size,
        facets=False,
    )
    return service.search(query)


def suggestions(site: Site, text: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Answers that may already say what the person asks: guides and FAQ, best first."""
    if not text.strip():
        return []
    results = search(site, text, page_size=limit)
    return [
        Suggestion(
            title=hit.title,
            url=hit.url,
            kind_label=str(service.KIND_LABELS.get(hit.kind, hit.kind)),
            snippet=hit.snippet,
        )
        for hit in results.hits
    ]


def subject_for(item: ServiceItem | None, question: str) -> str:
    """The message title staff see on their workbench: the item, else the question's start."""
    if item is not None:
        return f"办事咨询：{item.name}"[: participation.MAX_SUBJECT]
    first = question.strip().splitlines()[0] if question.strip() else ""
    return f"办事咨询：{first}"[: participation.MAX_SUBJECT]


def ask(
    site: Site,
    *,
    question: str,
    name: str,
    phone: str = "",
    email: str = "",
    publish: bool = True,
    item: ServiceItem | None = None,
    organisation: Organisation | None = None,
) -> Message:
    """A new question: to the item's organisation when it is about an item, else to the one
    the person chose. Raises participation.rules.RuleError with a Chinese message."""
    if item is not None:
        if item.site_id != site.pk:
            raise participation.RuleError("请选择本站的办事事项。")
        organisation = item.organisation
    if organisation is None:
        raise participation.RuleError("请选择要咨询的办事事项或机构。")
    return participation.submit_message(
        site,
        organisation=organisation,
        subject=subject_for(item, question),
        question=question,
        name=name,
        phone=phone,
        email=email,
        publish=publish,
    )
