"""Builders for guides tests: a complete guide (every key element the inspection indicators
require) unless a test removes one."""

from datetime import date

from gongkai.guides.models import (
    CertificateType,
    Condition,
    Guide,
    ItemType,
    Material,
    ServiceItem,
    Step,
    TrustLevel,
)


def make_item(site, organisation, code="330302-XK-0001", name="餐饮服务食品经营许可", **fields):
    fields.setdefault("item_type", ItemType.LICENCE)
    return ServiceItem.objects.create(
        site=site, organisation=organisation, code=code, name=name, **fields
    )


def make_certificate(site, name="居民身份证", trust_level=TrustLevel.A, **fields):
    if name == "居民身份证":
        fields.setdefault("is_identity_card", True)
    certificate, _ = CertificateType.objects.get_or_create(
        site=site, name=name, defaults={"trust_level": trust_level, **fields}
    )
    return certificate


def make_guide(item, *, number=1, effective_from=date(2026, 1, 1), materials=None, **fields):
    """A draft guide with conditions, materials, steps, time limit, fee, place and contact."""
    values = {
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "applicant": "在本区从事餐饮服务的企业和个体工商户",
        "statutory_limit_days": 20,
        "promised_limit_days": 5,
        "fee_free": True,
        "address": "迎江区政务服务中心一楼",
        "hours": "工作日 9:00-12:00，13:30-17:00",
        "consult_phone": "0556-5550001",
        "complaint_phone": "0556-12345",
        "visits_required": 1,
    }
    values.update(fields)
    guide = Guide.objects.create(item=item, number=number, effective_from=effective_from, **values)
    Condition.objects.create(guide=guide, order=1, text="有与经营项目相适应的经营场所")
    for order, material in enumerate(materials or [{"name": "食品经营许可申请书"}], 1):
        Material.objects.create(guide=guide, order=order, **material)
    Step.objects.create(guide=guide, order=1, name="受理", time_limit_days=1)
    Step.objects.create(guide=guide, order=2, name="审查与决定", time_limit_days=4)
    return guide
