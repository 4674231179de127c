"""The rules of a guide, read from its fields: which version is in force, which key elements
it lacks, and whether the item can be done with the ID card alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from gongkai.records.models import State

from .models import Guide, Material, ServiceItem, TrustLevel

#: Words that make a condition a catch-all (a guide may not say “其他条件” and leave the
#: applicant guessing; anchors.md, the Zhejiang and Jiangsu guide norms).
CATCH_ALL_CONDITIONS = ("其他条件", "其他材料", "相关材料", "等其他")

#: Trust levels whose certificate or datum takes the place of the paper (A used directly,
#: B checked by the clerk, D the applicant's pledge); C still needs the original at the
#: window (国办函〔2016〕108号).
REPLACING_LEVELS = (TrustLevel.A, TrustLevel.B, TrustLevel.D)


def published_guides(items: QuerySet[ServiceItem] | None = None) -> QuerySet[Guide]:
    guides = Guide.objects.filter(state=State.PUBLISHED)
    if items is not None:
        guides = guides.filter(item__in=items)
    return guides


def guide_in_force(item: ServiceItem, on: date | None = None) -> Guide | None:
    """The published version with the latest effective date not after `on` (today): a fee or
    material change published ahead takes effect on its date, not on publication."""
    on = on or timezone.localdate()
    return (
        published_guides()
        .filter(item=item, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def missing_elements(guide: Guide) -> list[str]:
    """The key elements of website-indicators.md (办事服务: 指南要素缺失 is a veto) this guide
    lacks, in the indicator's order, as the Chinese names an editor reads. Empty = complete."""
    missing = []
    if not guide.item.name.strip():
        missing.append("事项名称")
    if not guide.legal_basis.strip():
        missing.append("设定依据")
    conditions = [c.text.strip() for c in guide.conditions.all() if c.text.strip()]
    if not conditions:
        missing.append("受理条件")
    elif any(word in text for text in conditions for word in CATCH_ALL_CONDITIONS):
        missing.append("受理条件（不得使用“其他条件”等兜底表述）")
    materials = list(guide.materials.all())
    if not materials:
        missing.append("申请材料")
    elif any(word in m.name for m in materials for word in CATCH_ALL_CONDITIONS):
        missing.append("申请材料（不得使用“其他材料”等兜底表述）")
    if not guide.steps.exists():
        missing.append("办理流程")
    if guide.statutory_limit_days is None and guide.promised_limit_days is None:
        missing.append("办结时限")
    if not guide.fee_free and not (guide.fee_text.strip() and guide.fee_basis.strip()):
        missing.append("收费标准及依据")
    if not (guide.address.strip() or guide.windows.exists()):
        missing.append("办理地点")
    if not guide.consult_phone.strip():
        missing.append("咨询电话")
    return missing


@dataclass(frozen=True)
class MaterialNeed:
    """What one material asks of the applicant, and why."""

    material: Material
    replaced: bool
    reason: str


def material_needs(guide: Guide) -> list[MaterialNeed]:
    needs = []
    if "materials" in getattr(guide, "_prefetched_objects_cache", {}):
        materials = guide.materials.all()  # prefetched by a list page: no query per guide
    else:
        materials = guide.materials.select_related("certificate")
    for material in materials:
        certificate = material.certificate
        if certificate is not None and certificate.is_identity_card:
            needs.append(MaterialNeed(material, True, "居民身份证本人携带"))
        elif certificate is not None and certificate.trust_level in REPLACING_LEVELS:
            level = TrustLevel(certificate.trust_level).label
            needs.append(
                MaterialNeed(material, True, f"由一库共享“{certificate.name}”替代（{level}）")
            )
        elif certificate is not None:
            needs.append(
                MaterialNeed(material, False, f"“{certificate.name}”须到窗口核对原件（C 级）")
            )
        elif not material.required:
            needs.append(MaterialNeed(material, True, "非必要材料"))
        else:
            needs.append(MaterialNeed(material, False, "须申请人提供"))
    return needs


def identity_card_only(guide: Guide, needs: list[MaterialNeed] | None = None) -> bool:
    """仅凭身份证可办: every required material is the ID card itself or is replaced by the
    shared library at a level that needs no paper (A, B, D). A page that already has the
    guide's `material_needs` passes them, so they are not read twice."""
    if needs is None:
        needs = material_needs(guide)
    return all(need.replaced for need in needs)


def in_force_subquery(on: date | None = None) -> Subquery:
    """The pk of an item's guide in force (as `guide_in_force`), for annotating many items."""
    on = on or timezone.localdate()
    return Subquery(
        published_guides()
        .filter(item=OuterRef("pk"), effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .values("pk")[:1]
    )


def guides_in_force(items: QuerySet[ServiceItem], on: date | None = None) -> QuerySet[Guide]:
    """The guide in force of each of `items`, in one query: what the public sees today, so
    every figure about “published guides” counts these, not drafts or versions replaced."""
    ids = items.annotate(in_force=in_force_subquery(on)).filter(in_force__isnull=False)
    return Guide.objects.filter(pk__in=ids.values("in_force"))
