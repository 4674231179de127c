"""The open data of 办事服务 in the shape of Open Referral's Human Services Data
Specification (HSDS 3): organizations, services, locations (here the service hall's windows)
and service_at_location, plus what HSDS has no table for and the seed's claims rest on: the
shared certificate library (一库共享) and the scenario flows (情景导航).

Only what the public pages show is exported: guides in force (published, effective), open
windows, published scenarios. The same functions feed /services/export.json and the API."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import Organisation, Site

from . import rules
from .models import (
    Bundle,
    CertificateType,
    Choice,
    Guide,
    Material,
    Question,
    Scenario,
    ServiceItem,
    Window,
)

SCHEMA = "gongkai-hsds/1.0 (Open Referral HSDS 3 式样)"
ITEM_STATUS = {"active": "active", "suspended": "temporarily closed", "cancelled": "inactive"}


def guides(site: Site):
    """The guides in force of the site, with everything a service record needs."""
    return (
        rules.guides_in_force(ServiceItem.objects.filter(site=site))
        .select_related("item__organisation", "item__catalogue_item")
        .prefetch_related(
            "conditions",
            "steps",
            "windows",
            Prefetch("materials", queryset=Material.objects.select_related("certificate")),
            "item__bundles",
            "item__life_events",
        )
        .order_by("item__code")
    )


def _text(value) -> str:
    return str(value) if value is not None else ""


def service(guide: Guide) -> dict:
    item = guide.item
    windows = [w for w in guide.windows.all() if w.is_active]
    needs = rules.material_needs(guide)
    return {
        "id": item.code,
        "organization_id": str(item.organisation_id),
        "name": item.name,
        "alternate_name": "",
        "description": guide.summary,
        "url": reverse("guides:item", args=[item.code]),
        "status": ITEM_STATUS.get(item.status, "active"),
        "item_type": item.item_type,
        "item_type_label": item.get_item_type_display(),
        "audience": item.audience,
        "legal_basis": guide.legal_basis,
        "eligibility_description": "；".join(c.text for c in guide.conditions.all()),
        "applicant": guide.applicant,
        "application_process": [
            {
                "order": s.order,
                "name": s.name,
                "description": s.description,
                "time_limit_days": s.time_limit_days,
                "fee": s.fee_text,
            }
            for s in guide.steps.all()
        ],
        "required_documents": [
            {
                "name": need.material.name,
                "source": need.material.source,
                "copies": need.material.copies,
                "form": need.material.form,
                "required": need.material.required,
                "legal_basis": need.material.legal_basis,
                "certificate": need.material.certificate.name
                if need.material.certificate
                else None,
                "replaced": need.replaced,
                "reason": need.reason,
            }
            for need in needs
        ],
        "fees_description": "不收费" if guide.fee_free else guide.fee_text,
        "fees_basis": "" if guide.fee_free else guide.fee_basis,
        "statutory_limit_days": guide.statutory_limit_days,
        "promised_limit_days": guide.promised_limit_days,
        "address": guide.address,
        "hours": guide.hours,
        "online_url": guide.online_url,
        "visits_required": guide.visits_required,
        "consult_phone": guide.consult_phone,
        "complaint_phone": guide.complaint_phone,
        "most_once": guide.most_once,
        "identity_card_only": rules.identity_card_only(guide, needs),
        "bundles": [b.slug for b in item.bundles.all() if b.is_published],
        "life_events": [e.slug for e in item.life_events.all()],
        "version": guide.number,
        "effective_from": guide.effective_from.isoformat(),
        "last_verified_on": guide.verified_on.isoformat() if guide.verified_on else None,
        "windows": [w.number for w in windows],
    }


def organization(org: Organisation) -> dict:
    return {
        "id": str(org.pk),
        "name": org.name,
        "code": org.code,
        "address": org.address,
        "hours": org.office_hours,
        "phone": org.phone,
    }


def location(window: Window, codes: set[str] | None = None) -> dict:
    return {
        "id": f"window-{window.number}",
        "location_type": "physical",
        "name": f"{window.number} {window.name}",
        "number": window.number,
        "kind": window.kind,
        "kind_label": window.get_kind_display(),
        "address": window.address,
        "hours": window.hours,
        "phone": window.phone,
        "services": [i.code for i in window.items.all() if codes is None or i.code in codes],
    }


def certificate_type(cert: CertificateType) -> dict:
    return {
        "name": cert.name,
        "kind": cert.kind,
        "kind_label": cert.get_kind_display(),
        "issuer": cert.issuer,
        "trust_level": cert.trust_level,
        "trust_level_label": cert.get_trust_level_display(),
        "is_identity_card": cert.is_identity_card,
        "description": cert.description,
        "items": getattr(cert, "items", None),
    }


def scenarios(site: Site):
    return (
        Scenario.objects.filter(site=site, is_published=True)
        .select_related("life_event")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
                ),
            ),
            "outcomes__items",
            Prefetch("outcomes__bundles", queryset=Bundle.objects.filter(is_published=True)),
        )
        .order_by("title")
    )


def scenario(s: Scenario) -> dict:
    return {
        "slug": s.slug,
        "title": s.title,
        "description": s.description,
        "life_event": s.life_event.slug if s.life_event else None,
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "help_text": q.help_text,
                "ask_if": q.ask_if,
                "choices": [{"value": c.value, "label": c.label} for c in q.choices.all()],
            }
            for q in s.questions.all()
        ],
        "outcomes": [
            {
                "title": o.title,
                "condition": o.condition,
                "items": [i.code for i in o.items.all()],
                "bundles": [b.slug for b in o.bundles.all()],
            }
            for o in s.outcomes.all()
        ],
    }


def export(site: Site) -> dict:
    """The whole export of one site (what /services/export.json serves)."""
    from .certificates import library

    in_force = list(guides(site))
    services = [service(g) for g in in_force]
    org_ids = {g.item.organisation_id for g in in_force}
    windows = list(
        Window.objects.filter(site=site, is_active=True)
        .prefetch_related("items")
        .order_by("number")
    )
    codes = {s["id"] for s in services}
    return {
        "schema": SCHEMA,
        "site": {"slug": site.slug, "name": site.name},
        "generated_at": timezone.now().isoformat(),
        "organizations": [
            organization(o) for o in Organisation.objects.filter(pk__in=org_ids).order_by("path")
        ],
        "services": services,
        "locations": [location(w, codes) for w in windows],
        "service_at_location": [
            {"service_id": i.code, "location_id": f"window-{w.number}"}
            for w in windows
            for i in w.items.all()
            if i.code in codes
        ],
        "certificate_types": [certificate_type(c) for c in library(site).order_by("kind", "name")],
        "scenarios": [scenario(s) for s in scenarios(site)],
    }
