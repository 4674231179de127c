"""Demo 办事服务 for 迎江区 and 瓯海区: the shared certificate library (一库共享), life events,
published guides of real organisations (fixtures/demo_guides.py) linked to the demo catalogue,
and the three lists (权责清单, 公共服务事项, 最多跑一次) carrying the items' codes.

Fast: everything goes in with bulk_create through the import's own write path
(io.write_guides, lists.apply_list). Idempotent: items already there are left alone.
Item codes are stable (`demo_codes()`): other demo loaders build on them."""

from __future__ import annotations

import zlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.catalogue.models import ListType
from gongkai.core import permissions
from gongkai.core.models import Organisation, Site
from gongkai.records.models import State

from .fixtures.demo_guides import (
    AREA,
    CERTIFICATES,
    COMPLAINT,
    EXTRA_LISTED,
    HALL,
    HOURS,
    ITEMS,
    LIFE_EVENTS,
    ONLINE,
)
from .io import GuideData, MaterialData, StepData, catalogue_paths, write_guides
from .lists import Entry, apply_list
from .models import CertificateType, ItemType, LifeEvent, ServiceItem

ADMIN_CODES = {"yingjiang": "340802", "ouhai": "330304"}
TYPE_CODES = {
    ItemType.LICENCE: "XK",
    ItemType.CONFIRMATION: "QR",
    ItemType.BENEFIT: "JF",
    ItemType.LEVY: "ZS",
    ItemType.REWARD: "JL",
    ItemType.ADJUDICATION: "CJ",
    ItemType.OTHER_POWER: "QT",
    ItemType.PUBLIC_SERVICE: "GG",
}
EXTRA_CODES = {"punish": "CF", "check": "JC"}


def item_code(slug: str, index: int, item_type: str) -> str:
    """340802-XK-0027: the district's code, the kind of item, the item's place in the demo
    list (the same number is the same kind of item in both districts)."""
    return f"{ADMIN_CODES[slug]}-{TYPE_CODES[item_type]}-{index:04d}"


def demo_codes(slug: str) -> list[tuple[str, str]]:
    """(code, name) of the demo items of a site, in order."""
    return [
        (item_code(slug, index, spec["type"]), spec["name"])
        for index, spec in enumerate(ITEMS, 1)
        if slug in spec["org"]
    ]


def _phone(slug: str, organisation: str) -> str:
    digits = 5 if slug == "yingjiang" else 6
    number = zlib.crc32(organisation.encode()) % (9 * 10 ** (digits - 1)) + 10 ** (digits - 1)
    return f"{AREA[slug]}{number}"


def _library(site: Site) -> dict[str, int]:
    have = set(CertificateType.objects.filter(site=site).values_list("name", flat=True))
    CertificateType.objects.bulk_create(
        [
            CertificateType(
                site=site,
                name=name,
                kind=kind,
                issuer=issuer,
                trust_level=level,
                is_identity_card=is_id,
                description=description,
            )
            for name, kind, issuer, level, is_id, description in CERTIFICATES
            if name not in have
        ]
    )
    return dict(CertificateType.objects.filter(site=site).values_list("name", "pk"))


def _life_events(site: Site) -> dict[str, int]:
    have = set(LifeEvent.objects.filter(site=site).values_list("slug", flat=True))
    LifeEvent.objects.bulk_create(
        [
            LifeEvent(site=site, slug=slug, name=name, audience=audience, order=order)
            for order, (slug, name, audience) in enumerate(LIFE_EVENTS, 1)
            if slug not in have
        ]
    )
    return dict(LifeEvent.objects.filter(site=site).values_list("slug", "pk"))


def _guide_data(site, index, spec, orgs, certificates, events, leaves, today) -> GuideData:
    slug = site.slug
    org_name = spec["org"][slug]
    basis = spec["basis"]
    first_basis = basis.split("；")[0]
    leaf = spec.get("leaf", {}).get(slug)
    visits = spec.get("visits", 1)
    online = spec.get("online", False)
    fee = spec.get("fee")
    how = "全程网上办理，无需到现场" if visits == 0 else f"到现场不超过 {visits} 次"
    return GuideData(
        code=item_code(slug, index, spec["type"]),
        name=spec["name"],
        item_type=spec["type"],
        organisation_id=orgs[org_name],
        audience=spec.get("audience", "person"),
        catalogue_item_id=leaves.get(" › ".join(leaf)) if leaf else None,
        life_event_ids=tuple(sorted(events[e] for e in spec.get("events", ()))),
        most_once=spec.get("once", False),
        visits_required=visits,
        legal_basis=basis,
        applicant=spec["applicant"],
        conditions=tuple(spec["conditions"]),
        summary=f"{spec['applicant']}可向{org_name}申请办理{spec['name']}，{how}。",
        statutory_limit_days=spec["limits"][0],
        promised_limit_days=spec["limits"][1],
        fee_free=fee is None,
        fee_text=fee[0] if fee else "",
        fee_basis=fee[1] if fee else "",
        address=HALL[slug],
        hours=HOURS,
        online_url=ONLINE[slug] if online or visits == 0 else "",
        consult_phone=_phone(slug, org_name),
        complaint_phone=COMPLAINT[slug],
        effective_from=today - timedelta(days=200 + index * 5),
        verified_on=today - timedelta(days=(index * 11) % 170),
        materials=tuple(
            MaterialData(
                order=order,
                name=material["name"],
                source=material["source"],
                copies=material["copies"],
                form=material["form"],
                required=material["required"],
                legal_basis=material["legal_basis"] or first_basis,
                notes=material["notes"],
                certificate_id=certificates[material["certificate"]]
                if material["certificate"]
                else None,
            )
            for order, material in enumerate(spec["materials"], 1)
        ),
        steps=tuple(
            StepData(order=order, name=name, description=text, time_limit_days=days)
            for order, (name, text, days) in enumerate(spec["steps"], 1)
        ),
    )


def _lists(site: Site, items: list[GuideData], org_names: dict[int, str]) -> None:
    """The three lists as the 编办 and the 改革办 publish them, carrying the items' codes."""
    power = [
        Entry(g.code, g.name, org_names[g.organisation_id])
        for g in items
        if g.item_type != ItemType.PUBLIC_SERVICE
    ]
    for kind, number, name, org in EXTRA_LISTED:
        if site.slug in org:
            code = f"{ADMIN_CODES[site.slug]}-{EXTRA_CODES[kind]}-{number:04d}"
            power.append(Entry(code, name, org[site.slug]))
    service = [
        Entry(g.code, g.name, org_names[g.organisation_id])
        for g in items
        if g.item_type == ItemType.PUBLIC_SERVICE
    ]
    once = [Entry(g.code, g.name, org_names[g.organisation_id]) for g in items if g.most_once]
    for list_type, entries in (
        (ListType.POWER, power),
        (ListType.SERVICE, service),
        (ListType.ONCE, once),
    ):
        apply_list(site, list_type, entries, actor=None)


def load_guides_demo() -> list[str]:
    lines = []
    today = timezone.localdate()
    for slug in ADMIN_CODES:
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            continue
        with transaction.atomic():
            certificates = _library(site)
            events = _life_events(site)
            orgs = dict(Organisation.objects.filter(site=site).values_list("name", "pk"))
            leaves = catalogue_paths(site)
            have = set(ServiceItem.objects.filter(site=site).values_list("code", flat=True))
            datas = [
                _guide_data(site, index, spec, orgs, certificates, events, leaves, today)
                for index, spec in enumerate(ITEMS, 1)
                if slug in spec["org"] and spec["org"][slug] in orgs
            ]
            new = [d for d in datas if d.code not in have]
            if not new:
                continue
            write_guides(site, new, actor=permissions.SYSTEM, state=State.PUBLISHED)
            org_names = {pk: name for name, pk in orgs.items()}
            _lists(site, datas, org_names)
            lines.append(
                f"{site.name}：已载入 {len(new)} 份办事指南及权责、公共服务、最多跑一次清单"
            )
    return lines
