"""一库共享: the site's library of e-certificates and shared data, their trust levels
(国办函〔2016〕108号: A used directly, B checked by the clerk, C original checked at the window,
D the applicant's pledge), the materials each replaces, and the figures of seed 001 (“归集了
12类电子证照和71类常用政务数据……在41个部门中运用，大多数事项仅凭身份证就可办理”), computed
from the guides in force.

Only the office admin manages the library; the replacement rule itself (which levels need no
paper) is guides.rules.material_needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet

from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEventType, Organisation, Site
from gongkai.core.sites import touch_site

from . import rules
from .models import CertificateKind, CertificateType, Guide, Material, ServiceItem, TrustLevel
from .windows import HALL_ROLES

CERTIFICATE_FIELDS = ["name", "kind", "issuer", "trust_level", "is_identity_card", "description"]

#: what each level means for the applicant, for the public page
LEVEL_EXPLAINED = {
    TrustLevel.A: "由发证部门加盖电子印章，窗口直接使用，申请人无需提交纸质材料。",
    TrustLevel.B: "由窗口工作人员在线核验后使用，申请人无需提交纸质材料。",
    TrustLevel.C: "申请人上传电子版，到窗口时仍须出示原件核对。",
    TrustLevel.D: "以申请人书面承诺代替，无需提交证明材料。",
}


class CertificateError(ValueError):
    """A refused change, with a Chinese message for the user."""


def in_force(site: Site) -> QuerySet[Guide]:
    return rules.guides_in_force(ServiceItem.objects.filter(site=site))


def library(site: Site) -> QuerySet[CertificateType]:
    """The library with, on each entry, `items`: how many items' guides in force it serves."""
    guides = in_force(site)
    return CertificateType.objects.filter(site=site).annotate(
        items=Count(
            "materials__guide__item",
            filter=Q(materials__guide__in=guides),
            distinct=True,
        )
    )


def departments_using(site: Site) -> QuerySet[Organisation]:
    """在 N 个部门中运用: the organisations whose guides in force have a material the library
    provides."""
    guides = in_force(site).filter(materials__certificate__isnull=False)
    return Organisation.objects.filter(pk__in=guides.values("item__organisation")).order_by("path")


def identity_card_only_items(site: Site) -> list[ServiceItem]:
    """仅凭身份证可办: the items whose guide in force needs nothing but the ID card
    (rules.identity_card_only, which says why per material)."""
    return identity_card_only_among(in_force(site))


def identity_card_only_among(guides: QuerySet[Guide]) -> list[ServiceItem]:
    """The items of `guides` that qualify, their materials read in one query (not one per
    guide: the figure covers every guide in force, 861 in seed 001)."""
    guides = (
        guides.select_related("item__organisation")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.select_related("certificate"))
        )
        .order_by("item__code")
    )
    return [g.item for g in guides if rules.identity_card_only(g)]


@dataclass(frozen=True)
class LibraryCounts:
    certificates: int
    data: int
    departments: int
    identity_card_only: int

    def sentence(self) -> str:
        return (
            f"归集 {self.certificates} 类电子证照和 {self.data} 类政务数据，"
            f"在 {self.departments} 个部门中运用，{self.identity_card_only} 项事项仅凭身份证可办"
        )


def library_counts(site: Site) -> LibraryCounts:
    kinds = dict(
        CertificateType.objects.filter(site=site)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return LibraryCounts(
        kinds.get(CertificateKind.CERTIFICATE, 0),
        kinds.get(CertificateKind.DATA, 0),
        departments_using(site).count(),
        len(identity_card_only_items(site)),
    )


def save_certificate(
    actor, site: Site, data: dict, certificate: CertificateType | None = None
) -> CertificateType:
    permissions.require(actor, "管理一库共享证照目录", site, HALL_ROLES)
    name = (data.get("name") or "").strip()
    clash = CertificateType.objects.filter(site=site, name=name)
    if certificate is not None:
        clash = clash.exclude(pk=certificate.pk)
    if clash.exists():
        raise CertificateError(f"证照目录中已有“{name}”。")
    with transaction.atomic():
        created = certificate is None
        before = None if created else snapshot(certificate, CERTIFICATE_FIELDS)
        certificate = certificate or CertificateType(site=site)
        for field in CERTIFICATE_FIELDS:
            if field in data:
                setattr(certificate, field, data[field])
        certificate.name = name
        certificate.save()
        record_event(
            AuditEventType.OBJECT_CREATED if created else AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=certificate,
            before=before,
            after=snapshot(certificate, CERTIFICATE_FIELDS),
            site=site,
        )
        transaction.on_commit(lambda: touch_site(site))
    return certificate


def delete_certificate(actor, certificate: CertificateType) -> None:
    """Deleting an entry frees the materials it replaced (they need the paper again), so it
    is refused while a guide in force relies on it."""
    site = certificate.site
    permissions.require(actor, "管理一库共享证照目录", site, HALL_ROLES)
    if in_force(site).filter(materials__certificate=certificate).exists():
        raise CertificateError(
            f"“{certificate.name}”正被现行办事指南的申请材料使用，请先取消对应材料后再删除。"
        )
    with transaction.atomic():
        record_event(
            AuditEventType.OBJECT_DELETED,
            actor=actor,
            obj=certificate,
            before=snapshot(certificate, CERTIFICATE_FIELDS),
            site=site,
        )
        certificate.delete()
        transaction.on_commit(lambda: touch_site(site))


def material_names(site: Site) -> list[tuple[str, int, str]]:
    """(material name, guides using it, name of the library entry now replacing it) of the
    site's guides not withdrawn, for the assignment form: materials are assigned by name, so
    every version and item asking for “营业执照” is served by the same entry."""
    rows = (
        Material.objects.filter(guide__item__site=site)
        .exclude(guide__state="withdrawn")
        .values("name", "certificate__name")
        .annotate(n=Count("guide", distinct=True))
        .order_by("name", "certificate__name")
    )
    merged: dict[str, tuple[int, str]] = {}
    for row in rows:
        count, current = merged.get(row["name"], (0, ""))
        merged[row["name"]] = (count + row["n"], current or row["certificate__name"] or "")
    return [(name, n, current) for name, (n, current) in merged.items()]


def assign_materials(actor, certificate: CertificateType, names) -> int:
    """The materials named `names` (of the site's guides not withdrawn) are replaced by
    `certificate`; materials it replaced before and not named any more are freed. Returns
    how many materials changed."""
    site = certificate.site
    permissions.require(actor, "管理一库共享证照目录", site, HALL_ROLES)
    names = sorted({n.strip() for n in names if n.strip()})
    materials = Material.objects.filter(guide__item__site=site).exclude(guide__state="withdrawn")
    before = sorted(set(materials.filter(certificate=certificate).values_list("name", flat=True)))
    with transaction.atomic():
        freed = materials.filter(certificate=certificate).exclude(name__in=names)
        changed = freed.update(certificate=None)
        changed += (
            materials.filter(name__in=names)
            .exclude(certificate=certificate)
            .update(certificate=certificate)
        )
        if changed:
            record_event(
                AuditEventType.OBJECT_CHANGED,
                actor=actor,
                obj=certificate,
                before={"materials": before},
                after={"materials": names},
                message=f"替代的申请材料变更 {changed} 项",
                site=site,
            )
            transaction.on_commit(lambda: touch_site(site))
    return changed
