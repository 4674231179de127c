"""Which catalogue leaf and organisation an imported page belongs to, proposed from its old
column, title, publisher and text by the site's editable ClassificationRule rows (and the
names of the site's own organisations and leaves, and what staff already confirmed for the
same old column); a weak match goes to the review queue.

CONTRACT (legacy-review): `propose(site, page: ExtractedPage) -> Proposal` with
`Proposal(catalogue_item, organisation, confidence: float 0..1, note: str)`;
`REVIEW_BELOW` (confidence under it needs a person's look even with --publish).

How the evidence adds up: each source below gives a leaf and/or an organisation with a
confidence and a note saying why (the note is what staff read in the queue). Evidence naming
the same leaf (or organisation) combines as independent witnesses, 1 − Π(1 − cᵢ); the
proposal takes the strongest organisation, then the strongest leaf it may publish under
(records' `_check_leaf`: the leaf has no responsible organisation, or one of them is the
organisation, an ancestor or a sub-organisation of it). The proposal's confidence is the
weaker of the two: a page is only as well placed as its least certain half."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.html import html_to_text
from gongkai.core.models import Organisation, Site
from gongkai.records import workflow

from .extract import ExtractedPage

#: a proposal below this confidence waits for a person, --publish or not. A choice of the
#: project, not of a regulation: one strong piece of evidence (a rule, an exact organisation
#: name) reaches it, a leaf name alone (0.45–0.7) needs the organisation to agree
REVIEW_BELOW = 0.6

#: the organisation named exactly (full name or 简称) in 发布机构 / 来源 / SiteName
NAMED_EXACTLY = 0.9
#: an organisation's name found inside 发布机构 / 来源 / SiteName (迎江区住房和城乡建设局 ⊃ 区住房和城乡建设局)
NAMED_WITHIN = 0.65
#: the old column is called exactly like a leaf
COLUMN_IS_LEAF = 0.7
#: the old column's name contains a leaf's name or the other way round
COLUMN_NEAR_LEAF = 0.45
#: what staff confirmed for the column: at most this, reached with many agreeing confirmations
LEARNED_AT_MOST = 0.95
#: a leaf with one responsible organisation implies it, a little weaker than the leaf itself
IMPLIED_BY_LEAF = 0.9

_WORD_SPLIT = re.compile(r"[\s,，、;；|/]+")
#: shorter names match too much by accident (局, 办)
_SHORTEST_NAME = 2


@dataclass
class Proposal:
    catalogue_item: CatalogueItem | None = None
    organisation: Organisation | None = None
    confidence: float = 0.0
    note: str = ""


@dataclass
class Evidence:
    """One reason to place the page: a leaf and/or an organisation, how sure, and why."""

    confidence: float
    note: str
    catalogue_item: CatalogueItem | None = None
    organisation: Organisation | None = None


@dataclass
class _Tally:
    """Evidence combined per leaf or organisation (noisy-or of independent witnesses)."""

    scores: dict[int, float] = field(default_factory=dict)
    objects: dict[int, object] = field(default_factory=dict)

    def add(self, obj, confidence: float) -> None:
        if obj is None:
            return
        before = self.scores.get(obj.pk, 0.0)
        self.scores[obj.pk] = 1 - (1 - before) * (1 - confidence)
        self.objects[obj.pk] = obj

    def ranked(self) -> list[tuple[object, float]]:
        order = sorted(self.scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(self.objects[pk], score) for pk, score in order]


class SiteFacts:
    """What the evidence reads about a site, loaded once for many pages (a re-run over
    thousands of pending pages, an import): its active rules, organisations and leaves, and
    what was confirmed per old column. Make a new one when those may have changed."""

    def __init__(self, site: Site):
        self.site = site
        self._learned: dict[str, list] = {}

    @cached_property
    def rules(self) -> list:
        from .models import ClassificationRule

        return list(
            ClassificationRule.objects.filter(site=self.site, active=True).select_related(
                "catalogue_item", "organisation"
            )
        )

    @cached_property
    def organisations(self) -> list[Organisation]:
        return list(Organisation.objects.filter(site=self.site, is_active=True))

    @cached_property
    def leaves(self) -> list[CatalogueItem]:
        return list(leaves_of(self.site).order_by("pk").prefetch_related("organisations"))

    def confirmed(self, column: str) -> list[tuple[int, int]]:
        """(leaf, organisation) of the column's pages staff confirmed."""
        from .models import LegacyPage, ReviewState

        if column not in self._learned:
            self._learned[column] = list(
                LegacyPage.objects.filter(
                    site=self.site,
                    column_name=column,
                    review_state=ReviewState.CONFIRMED,
                    record__isnull=False,
                ).values_list("record__catalogue_item", "record__organisation")
            )
        return self._learned[column]


def rule_words(contains: str) -> list[str]:
    """The words of a rule's 包含词语: separated by spaces, commas, 、 or semicolons."""
    return [word for word in _WORD_SPLIT.split(contains or "") if word]


def leaves_of(site: Site):
    """The leaves a page may be placed under: the site's last-level, not retired items."""
    return CatalogueItem.objects.filter(site=site, numchild=0, is_retired=False)


def may_publish_under(organisation: Organisation, item: CatalogueItem) -> bool:
    """records' own rule (`workflow._check_leaf`), asked rather than re-implemented."""
    try:
        workflow._check_leaf(organisation, item)
    except workflow.WorkflowError:
        return False
    return True


def leaves_for_organisations(site: Site, organisations: Iterable[Organisation]):
    """Leaves of `site` at least one of `organisations` may publish under, as a queryset: the
    query form of `_check_leaf` (no responsible organisation, or a responsible one that is the
    organisation, one of its ancestors or one of its sub-organisations)."""
    condition = Q(organisations__isnull=True)
    for organisation in organisations:
        path, step = organisation.path, Organisation.steplen
        ancestors = [path[:end] for end in range(step, len(path), step)]
        condition |= Q(organisations__path__startswith=path) | Q(organisations__path__in=ancestors)
    chosen = leaves_of(site).filter(condition).values("pk")
    return CatalogueItem.objects.filter(pk__in=chosen).select_related("domain")


def _page_text(page: ExtractedPage, field_name: str) -> str:
    if field_name == "column":
        return page.column_name
    if field_name == "title":
        return page.title
    if field_name == "body":
        return html_to_text(page.body_html or "")
    return " ".join(filter(None, [page.organisation_name, page.source_name]))


def rule_evidence(
    site: Site, page: ExtractedPage, facts: SiteFacts | None = None
) -> list[Evidence]:
    """The site's active ClassificationRule rows whose field contains one of their words."""
    found = []
    rules = (facts or SiteFacts(site)).rules
    texts: dict[str, str] = {}
    for rule in rules:
        if rule.catalogue_item is None and rule.organisation is None:
            continue
        if rule.field not in texts:
            texts[rule.field] = _page_text(page, rule.field)
        hit = next((w for w in rule_words(rule.contains) if w in texts[rule.field]), None)
        if hit is None:
            continue
        item = rule.catalogue_item
        if item is not None and (item.numchild or item.is_retired or item.site_id != site.pk):
            continue  # the leaf was split or retired since the rule was written
        target = "、".join(f"“{x.name}”" for x in (item, rule.organisation) if x is not None)
        found.append(
            Evidence(
                min(max(rule.weight, 0.0), 1.0),
                f"规则“{rule.get_field_display()}含{rule.contains}”匹配“{hit}”→ {target}",
                item,
                rule.organisation,
            )
        )
    return found


def organisation_evidence(
    site: Site, page: ExtractedPage, facts: SiteFacts | None = None
) -> list[Evidence]:
    """发布机构, 来源 and SiteName naming one of the site's organisations: exactly (full name or
    简称) is strong, an organisation's name inside the text weaker; of several organisations
    inside one text the longest name wins (区住房和城乡建设局 over 区政府)."""
    said = [
        ("发布机构", page.organisation_name.strip()),
        ("来源", page.source_name.strip()),
        ("站点名称", page.site_name.strip()),
    ]
    said = [(label, text) for label, text in said if text]
    if not said:
        return []
    organisations = (facts or SiteFacts(site)).organisations
    found = []
    for label, text in said:
        exact = next((o for o in organisations if text in {o.name, o.short_name} and text), None)
        if exact is not None:
            how = "全称" if text == exact.name else "简称"
            found.append(
                Evidence(
                    NAMED_EXACTLY,
                    f"{label}“{text}”是本站机构“{exact.name}”的{how}",
                    organisation=exact,
                )  # fmt: skip
            )
            continue
        inside = [
            (len(name), o, name)
            for o in organisations
            for name in {o.name, o.short_name}
            if len(name) >= _SHORTEST_NAME and name in text
        ]
        if inside:
            _length, organisation, name = max(inside, key=lambda t: (t[0], -t[1].pk))
            found.append(
                Evidence(
                    NAMED_WITHIN, f"{label}“{text}”含本站机构名“{name}”", organisation=organisation
                )  # fmt: skip
            )
    return found


def column_evidence(
    site: Site, page: ExtractedPage, facts: SiteFacts | None = None
) -> list[Evidence]:
    """The old column named like a leaf: equal is good evidence, contained weak."""
    column = page.column_name.strip()
    if len(column) < _SHORTEST_NAME:
        return []
    leaves = (facts or SiteFacts(site)).leaves
    found = []
    for item in (leaf for leaf in leaves if leaf.name == column):
        found.append(Evidence(COLUMN_IS_LEAF, f"原栏目“{column}”与事项同名", item))
    if found:
        return found
    near = [
        item
        for item in leaves
        if len(item.name) >= _SHORTEST_NAME and (item.name in column or column in item.name)
    ]
    for item in near[:3]:  # more than a few near names is no evidence for any of them
        found.append(
            Evidence(COLUMN_NEAR_LEAF, f"原栏目“{column}”与事项“{item.name}”名称相近", item)
        )
    return found


def learned_evidence(
    site: Site, page: ExtractedPage, facts: SiteFacts | None = None
) -> list[Evidence]:
    """What staff confirmed for pages of the same old column: the majority leaf (and its
    organisation), as sure as the confirmations agree and as they are many (n/(n+1))."""
    column = page.column_name.strip()
    if not column:
        return []
    facts = facts or SiteFacts(site)
    confirmed = facts.confirmed(column)
    if not confirmed:
        return []
    total = len(confirmed)
    item_pk, leaf_votes = Counter(pair[0] for pair in confirmed).most_common(1)[0]
    org_pk, org_votes = Counter(pair[1] for pair in confirmed).most_common(1)[0]
    item = next((leaf for leaf in facts.leaves if leaf.pk == item_pk), None)
    organisation = next((o for o in facts.organisations if o.pk == org_pk), None)
    found = []
    if item is not None:
        found.append(
            Evidence(
                LEARNED_AT_MOST * leaf_votes / (total + 1),
                f"同栏目已确认 {total} 条，其中 {leaf_votes} 条归入“{item.name}”",
                item,
            )
        )
    if organisation is not None:
        found.append(
            Evidence(
                LEARNED_AT_MOST * org_votes / (total + 1),
                f"同栏目已确认 {total} 条，其中 {org_votes} 条由“{organisation.name}”发布",
                organisation=organisation,
            )
        )
    return found


def evidence_for(site: Site, page: ExtractedPage, facts: SiteFacts | None = None) -> list[Evidence]:
    """All evidence, strongest first."""
    facts = facts or SiteFacts(site)
    found = [
        *rule_evidence(site, page, facts),
        *organisation_evidence(site, page, facts),
        *column_evidence(site, page, facts),
        *learned_evidence(site, page, facts),
    ]
    return sorted(found, key=lambda e: -e.confidence)


def propose(site: Site, page: ExtractedPage, *, facts: SiteFacts | None = None) -> Proposal:
    """The leaf and organisation the evidence points to, with its confidence and the notes.
    `facts`: the site's rules, organisations and leaves, loaded once for many pages."""
    evidence = evidence_for(site, page, facts)
    leaves, organisations = _Tally(), _Tally()
    for e in evidence:
        leaves.add(e.catalogue_item, e.confidence)
        organisations.add(e.organisation, e.confidence)
    notes = [f"{e.confidence:.2f} {e.note}" for e in evidence]
    ranked_leaves = leaves.ranked()
    ranked_orgs = organisations.ranked()
    item = organisation = None
    leaf_score = org_score = 0.0
    for candidate, score in ranked_orgs:
        fitting = [(leaf, s) for leaf, s in ranked_leaves if may_publish_under(candidate, leaf)]
        if fitting or not ranked_leaves:
            organisation, org_score = candidate, score
            if fitting:
                item, leaf_score = fitting[0]
            break
    if organisation is None and ranked_orgs:
        # no leaf fits any named organisation: keep the strongest of each, and say so
        organisation, org_score = ranked_orgs[0]
        notes.append(f"建议的事项均不在“{organisation.name}”可发布的范围内，请人工选择事项")
    if item is None and organisation is None and ranked_leaves:
        item, leaf_score = ranked_leaves[0]
        responsible = list(item.organisations.filter(is_active=True))
        if len(responsible) == 1:
            organisation, org_score = responsible[0], leaf_score * IMPLIED_BY_LEAF
            notes.append(f"“{item.name}”的公开主体只有“{organisation.name}”")
    if item is not None and organisation is not None and ranked_orgs:
        skipped = [leaf for leaf, _s in ranked_leaves if leaf.pk != item.pk][:1]
        for leaf in skipped:
            if not may_publish_under(organisation, leaf):
                notes.append(f"未采用“{leaf.name}”：“{organisation.name}”不是其公开主体")
    if not evidence:
        notes.append("没有任何规则或名称匹配，请人工归类")
    confidence = min(leaf_score, org_score)
    return Proposal(item, organisation, round(min(max(confidence, 0.0), 1.0), 3), "\n".join(notes))


def extracted_from(page) -> ExtractedPage:
    """What the importer read from the page, rebuilt from the LegacyPage it stored."""
    meta = page.metadata or {}
    return ExtractedPage(
        title=page.title,
        published_on=page.published_on,
        source_name=page.source_name,
        column_name=page.column_name,
        site_name=meta.get("site_name") or "",
        site_code=meta.get("site_code") or "",
        organisation_name=meta.get("organisation_name") or "",
        index_number=meta.get("index_number") or "",
        document_number=meta.get("document_number") or "",
        subject=meta.get("subject") or "",
        keywords=meta.get("keywords") or "",
        body_html=page.body_html,
    )


def apply(page, proposal: Proposal) -> bool:
    """Store the proposal on the page; True when it changed."""
    before = (
        page.proposed_item_id,
        page.proposed_organisation_id,
        page.confidence,
        page.classification_note,
    )
    page.proposed_item = proposal.catalogue_item
    page.proposed_organisation = proposal.organisation
    page.confidence = proposal.confidence
    page.classification_note = proposal.note
    after = (
        page.proposed_item_id,
        page.proposed_organisation_id,
        page.confidence,
        page.classification_note,
    )
    return before != after


def repropose(site: Site, pages=None) -> int:
    """Propose again for the site's pages still waiting (after the rules changed); returns how
    many proposals changed. Confirmed and rejected pages keep what staff decided."""
    from .models import LegacyPage, PageStatus, ReviewState

    if pages is None:
        pages = LegacyPage.objects.filter(site=site)
    elif not isinstance(pages, QuerySet):
        pages = LegacyPage.objects.filter(pk__in=[p.pk for p in pages])
    pending = pages.filter(
        site=site,
        status=PageStatus.IMPORTED,
        review_state=ReviewState.PENDING,
        record__isnull=True,
    )
    changed = 0
    facts = SiteFacts(site)
    for page in pending.iterator():
        if apply(page, propose(site, extracted_from(page), facts=facts)):
            page.save(
                update_fields=[
                    "proposed_item",
                    "proposed_organisation",
                    "confidence",
                    "classification_note",
                ]
            )
            changed += 1
    return changed
