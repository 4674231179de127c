"""办事服务 on the compliance dashboard: the figures seed 001 claims (861 项“最多跑一次”事项
服务指南, 八类综合窗口252项业务, 12类电子证照和71类政务数据在41个部门中运用, 大多数事项仅凭身份证
可办), computed from the guides domain, each with the items behind it. Read-only: guides never
imports this."""

from __future__ import annotations

from django.db.models import Count, IntegerField, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from gongkai.core.models import Site
from gongkai.guides import cases, certificates, rules, windows
from gongkai.guides.models import CaseStatistic, CertificateKind, CertificateType, ServiceItem

from .figures import SECTIONS, Figure, Part, Scope, register_figure

ITEM_COLUMNS = ["事项编码", "事项名称", "实施机构", "事项类型"]
WINDOW_COLUMNS = ["窗口号", "窗口名称", "办公时间"]
CERTIFICATE_COLUMNS = ["名称", "提供部门", "可信等级"]
CASE_COLUMNS = ["月份", "事项", "窗口", "受理", "办结", "按时办结率"]


def _item_cells(item) -> list:
    return [item.code, item.name, item.organisation.name, item.get_item_type_display()]


def _item_link(item) -> str:
    return reverse("guides:item", args=[item.code])


def _item_part(key, label, items, count: int) -> Part:
    return Part(
        key, label, count, items, ITEM_COLUMNS, _item_cells, _item_link,
        {"organisation": "organisation_id"},
    )  # fmt: skip


def _certificate_part(key, label, qs, count: int) -> Part:
    return Part(
        key,
        label,
        count,
        qs.order_by("name"),
        CERTIFICATE_COLUMNS,
        lambda c: [c.name, c.issuer or "—", c.get_trust_level_display()],
        lambda c: reverse("guides_staff:hall_certificate", args=[c.pk]),
    )


def _count(qs, aggregate=None):
    """A scalar subquery counting (or summing) `qs`, so every count of the figure comes back
    in one query (the dashboard's figures share a budget of queries, test_figures.py)."""
    aggregate = aggregate or Count("pk")
    rows = qs.order_by().annotate(_one=Value(1)).values("_one").annotate(n=aggregate).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def guides(scope: Scope) -> Figure:
    """事项、指南、最多跑一次、仅凭身份证可办; 综合窗口与业务; 一库共享; 本年办件."""
    site = scope.site
    items = scope.filter(ServiceItem.objects.filter(site=site)).select_related("organisation")
    in_force = rules.guides_in_force(items).select_related("item__organisation")
    published = items.filter(guides__in=in_force).distinct().order_by("code")
    most_once = items.filter(guides__in=in_force.filter(most_once=True)).distinct()
    id_only = certificates.identity_card_only_among(in_force)
    hall = windows.comprehensive_windows(site).order_by("number")
    business = scope.filter(windows.accepted_items(site)).select_related("organisation")
    library = CertificateType.objects.filter(site=site)
    departments = scope.filter(certificates.departments_using(site), "pk")
    year_cases = scope.filter(
        CaseStatistic.objects.filter(site=site, month__year=scope.today.year), "item__organisation"
    ).select_related("item", "window")
    counts = (
        Site.objects.filter(pk=site.pk)
        .annotate(
            n_items=_count(items),
            n_published=_count(ServiceItem.objects.filter(pk__in=published.values("pk"))),
            n_most_once=_count(ServiceItem.objects.filter(pk__in=most_once.values("pk"))),
            n_windows=_count(hall),
            n_business=_count(ServiceItem.objects.filter(pk__in=business.values("pk"))),
            n_certificates=_count(library.filter(kind=CertificateKind.CERTIFICATE)),
            n_data=_count(library.filter(kind=CertificateKind.DATA)),
            n_departments=_count(departments),
            n_cases=_count(year_cases, Sum("received")),
        )
        .values(
            "n_items", "n_published", "n_most_once", "n_windows", "n_business",
            "n_certificates", "n_data", "n_departments", "n_cases",
        )
        .get()
    )  # fmt: skip
    parts = [
        _item_part("items", "办事事项", items.order_by("code"), counts["n_items"]),
        _item_part("published", "已公开办事指南", published, counts["n_published"]),
        _item_part(
            "most_once", "“最多跑一次”事项", most_once.order_by("code"), counts["n_most_once"]
        ),
        _item_part("identity_card_only", "仅凭身份证可办事项", id_only, len(id_only)),
        Part(
            "windows",
            "综合窗口",
            counts["n_windows"],
            hall,
            WINDOW_COLUMNS,
            lambda w: [w.number, w.name, w.hours],
            lambda w: reverse("guides_staff:hall_window", args=[w.pk]),
        ),
        _item_part("business", "综合窗口受理业务", business.order_by("code"), counts["n_business"]),
        _certificate_part(
            "certificates",
            "电子证照",
            library.filter(kind=CertificateKind.CERTIFICATE),
            counts["n_certificates"],
        ),
        _certificate_part(
            "data", "政务数据", library.filter(kind=CertificateKind.DATA), counts["n_data"]
        ),
        Part(
            "departments",
            "运用一库共享的部门",
            counts["n_departments"],
            departments,
            ["机构"],
            lambda o: [o.name],
            lambda o: "",
            {"organisation": "pk"},
        ),
        Part(
            "cases",
            f"{scope.today.year} 年受理办件",
            counts["n_cases"],
            year_cases.order_by("-month", "item__code"),
            CASE_COLUMNS,
            lambda c: [
                f"{c.month:%Y-%m}",
                c.item.name,
                c.window.number if c.window else "全部窗口",
                c.received,
                c.completed,
                cases.on_time_rate(c.on_time, c.completed),
            ],
            lambda c: reverse("guides_staff:hall_statistics"),
            {"organisation": "item__organisation_id"},
        ),
    ]
    figure = Figure(
        "guides",
        "办事服务",
        "guides",
        parts,
        note="按现行（已发布、已生效）办事指南计算；综合窗口和一库共享为全站数据。",
        headers=["指标", "数量"],
        chart="",
    )
    for i, part in enumerate(parts):
        figure.rows.append([part.label, part.count])
        figure.cell_links[(i, 1)] = f"part={part.key}"
    return figure


def register() -> None:
    SECTIONS.setdefault("guides", "办事服务")
    register_figure("guides", guides, "guides", order=65)
