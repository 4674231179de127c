"""A canonical, JSON-safe dump of a site's catalogue.

Used for published version snapshots, the JSON export, version comparison and the round-trip
tests (import → export → import gives the same dump)."""

from __future__ import annotations

from collections import defaultdict

from ..models import CatalogueItem, Domain

LEAF_FIELDS = (
    "serial",
    "content",
    "basis",
    "deadline_text",
    "deadline",
    "deadline_parsed",
    "responsible_text",
    "audience_society",
    "audience_specific",
    "mode_proactive",
    "mode_on_request",
    "level_county",
    "level_township",
    "five_stage",
)


def _relations(items: list[CatalogueItem]):
    ids = [i.pk for i in items]
    channels: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    orgs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    listed: dict[int, list[str]] = defaultdict(list)
    through = CatalogueItem.channels.through
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for item_id, order, cid, name in through.objects.filter(
            catalogueitem_id__in=chunk
        ).values_list("catalogueitem_id", "channel__order", "channel_id", "channel__name"):
            channels[item_id].append((order, cid, name))
        for item_id, oid, name in CatalogueItem.organisations.through.objects.filter(
            catalogueitem_id__in=chunk
        ).values_list("catalogueitem_id", "organisation_id", "organisation__name"):
            orgs[item_id].append((oid, name))
        for item_id, code in CatalogueItem.listed_items.through.objects.filter(
            catalogueitem_id__in=chunk
        ).values_list("catalogueitem_id", "listeditem__code"):
            listed[item_id].append(code)
    return channels, orgs, listed


def dump_items(items: list[CatalogueItem], with_ids: bool = False) -> list[dict]:
    """Nested dicts for items ordered by path (one domain)."""
    channels, orgs, listed = _relations(items)
    by_path: dict[str, dict] = {}
    roots: list[dict] = []
    steplen = CatalogueItem.steplen
    for item in items:
        node: dict = {"name": item.name, "level": item.depth}
        if with_ids:
            node["id"] = item.pk
        if item.numchild == 0:
            for field in LEAF_FIELDS:
                node[field] = getattr(item, field)
            node["channels"] = [name for _o, _i, name in sorted(channels.get(item.pk, []))]
            node["organisations"] = sorted(name for _i, name in orgs.get(item.pk, []))
            if with_ids:
                node["organisation_ids"] = sorted(i for i, _n in orgs.get(item.pk, []))
            node["listed_items"] = sorted(listed.get(item.pk, []))
        node["is_official"] = item.is_official
        if item.is_retired:
            node["retired"] = True
        node["children"] = []
        by_path[item.path] = node
        parent = by_path.get(item.path[:-steplen]) if item.depth > 1 else None
        (parent["children"] if parent is not None else roots).append(node)
    return roots


def dump_catalogue(site, domain: Domain | str | None = None, with_ids: bool = False) -> list[dict]:
    """[{"domain": name, "is_national": …, "items": [tree]}] for every (or one) domain."""
    domains = Domain.objects.filter(site=site).order_by("sort_order", "id")
    if isinstance(domain, Domain):
        domains = domains.filter(pk=domain.pk)
    elif domain:
        domains = domains.filter(name=domain)
    result = []
    for d in domains:
        items = list(CatalogueItem.objects.filter(domain=d).order_by("path"))
        entry = {
            "domain": d.name,
            "is_national": d.is_national,
            "items": dump_items(items, with_ids),
        }
        if with_ids:
            entry["id"] = d.pk
        result.append(entry)
    return result


def walk(nodes: list[dict], parents: tuple[str, ...] = ()):
    """Yield (names path, node) depth-first in order."""
    for node in nodes:
        path = (*parents, node["name"])
        yield path, node
        yield from walk(node.get("children", []), path)


def count_levels(items: list[dict]) -> dict[str, int]:
    """{"level1": n, "level2": n, "level3": n, "leaves": n} for a dumped domain tree."""
    counts = {"level1": 0, "level2": 0, "level3": 0, "leaves": 0}
    for _path, node in walk(items):
        key = f"level{node['level']}"
        if key in counts:
            counts[key] += 1
        if not node.get("children"):
            counts["leaves"] += 1
    return counts
