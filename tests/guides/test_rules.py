"""The guide rules read fields: the version in force, the key elements, 仅凭身份证可办."""

from datetime import date

import pytest

from gongkai.guides import rules
from gongkai.guides.models import Condition, TrustLevel
from gongkai.records.models import State
from tests.conftest import org

from .factories import make_certificate, make_guide, make_item


@pytest.fixture
def item(yingjiang):
    return make_item(yingjiang, org(yingjiang, "区住房和城乡建设局"))


def test_the_version_in_force_is_the_latest_effective_published_one(item):
    old = make_guide(item, number=1, effective_from=date(2026, 1, 1), state=State.PUBLISHED)
    new = make_guide(item, number=2, effective_from=date(2027, 1, 1), state=State.PUBLISHED)
    make_guide(item, number=3, effective_from=date(2026, 6, 1))  # draft: never in force
    assert rules.guide_in_force(item, on=date(2026, 12, 31)) == old
    assert rules.guide_in_force(item, on=date(2027, 1, 1)) == new
    assert rules.guide_in_force(item, on=date(2025, 12, 31)) is None


def test_a_complete_guide_lacks_nothing_and_a_catch_all_condition_is_named(item):
    guide = make_guide(item)
    assert rules.missing_elements(guide) == []
    Condition.objects.create(guide=guide, order=2, text="其他条件")
    guide.consult_phone = ""
    guide.fee_free = False
    assert rules.missing_elements(guide) == [
        "受理条件（不得使用“其他条件”等兜底表述）",
        "收费标准及依据",
        "咨询电话",
    ]


def test_identity_card_only_when_every_material_is_replaced_without_paper(item, yingjiang):
    card = make_certificate(yingjiang)
    licence = make_certificate(yingjiang, "营业执照", TrustLevel.A)
    lease = make_certificate(yingjiang, "房屋租赁备案证明", TrustLevel.C)
    guide = make_guide(
        item,
        materials=[
            {"name": "申请人身份证明", "certificate": card},
            {"name": "营业执照", "certificate": licence},
        ],
    )
    assert rules.identity_card_only(guide)
    guide.materials.create(order=3, name="经营场所证明", certificate=lease)
    assert not rules.identity_card_only(guide)
    reasons = [need.reason for need in rules.material_needs(guide)]
    assert reasons[2] == "“房屋租赁备案证明”须到窗口核对原件（C 级）"


def test_the_public_page_shows_the_version_in_force_and_404s_before(client, item):
    assert client.get(f"/services/items/{item.code}/").status_code == 404
    make_guide(item, state=State.PUBLISHED, verified_on=date(2026, 11, 2))
    page = client.get(f"/services/items/{item.code}/").content.decode()
    assert "最近核验日期：2026-11-02" in page
