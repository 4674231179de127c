"""一库共享: the figures (N 类电子证照、N 类政务数据、在 N 个部门中运用、仅凭身份证可办 N 项) equal
the rows, counted on the guides in force only; the public page explains the levels; the office
admin assigns an entry to materials by name."""

from datetime import date

import pytest

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.guides import certificates
from gongkai.guides.models import CertificateKind, Material, TrustLevel
from gongkai.records.models import State
from tests.conftest import login_verified, org, user

from .factories import make_certificate, make_guide, make_item

PUBLISHED = {"state": State.PUBLISHED}


@pytest.fixture
def library(yingjiang):
    return {
        "card": make_certificate(yingjiang),
        "licence": make_certificate(yingjiang, "营业执照", TrustLevel.A, issuer="区市场监管局"),
        "lease": make_certificate(yingjiang, "房屋租赁备案证明", TrustLevel.C),
        "household": make_certificate(
            yingjiang, "户籍信息", TrustLevel.B, kind=CertificateKind.DATA
        ),
        "unused": make_certificate(
            yingjiang, "婚姻登记信息", TrustLevel.B, kind=CertificateKind.DATA
        ),
    }


@pytest.fixture
def world(yingjiang, library):
    housing = org(yingjiang, "区住房和城乡建设局")
    civil = org(yingjiang, "区民政局")
    office = org(yingjiang, "区人民政府办公室")
    # 住建局: card + licence, ID card only
    a = make_item(yingjiang, housing, code="YJ-001", name="燃气经营许可")
    make_guide(
        a,
        materials=[
            {"name": "申请人身份证", "certificate": library["card"]},
            {"name": "营业执照", "certificate": library["licence"]},
        ],
        **PUBLISHED,
    )
    # 民政局: household data (B) + a lease (C, still paper): not ID card only
    b = make_item(yingjiang, civil, code="YJ-002", name="低保申请")
    make_guide(
        b,
        materials=[
            {"name": "户口簿", "certificate": library["household"]},
            {"name": "租赁证明", "certificate": library["lease"]},
        ],
        **PUBLISHED,
    )
    # 办公室: the guide in force needs paper; a draft and a future version that would use the
    # library do not count
    c = make_item(yingjiang, office, code="YJ-003", name="政府信息公开申请")
    make_guide(c, materials=[{"name": "申请表"}], **PUBLISHED)
    make_guide(c, number=2, materials=[{"name": "营业执照", "certificate": library["licence"]}])
    make_guide(
        c,
        number=3,
        effective_from=date(2099, 1, 1),
        materials=[{"name": "营业执照", "certificate": library["licence"]}],
        **PUBLISHED,
    )
    return {"a": a, "b": b, "c": c, "housing": housing, "civil": civil}


def test_the_figures_equal_the_rows_of_the_guides_in_force(yingjiang, ouhai, world, library):
    make_certificate(ouhai, "营业执照", TrustLevel.A)  # another site's library
    counts = certificates.library_counts(yingjiang)
    assert counts == certificates.LibraryCounts(
        certificates=3, data=2, departments=2, identity_card_only=1
    )
    assert set(certificates.departments_using(yingjiang)) == {world["housing"], world["civil"]}
    assert [i.code for i in certificates.identity_card_only_items(yingjiang)] == ["YJ-001"]
    served = {c.name: c.items for c in certificates.library(yingjiang)}
    assert served == {
        "居民身份证": 1,
        "营业执照": 1,  # the draft and the future version of YJ-003 are not in force
        "房屋租赁备案证明": 1,
        "户籍信息": 1,
        "婚姻登记信息": 0,
    }


def test_the_public_page_lists_the_library_with_levels_explained(client, world):
    page = client.get("/services/certificates/").content.decode()
    assert "<strong>3</strong>类电子证照" in page
    assert "<strong>2</strong>类政务数据" in page
    assert "<strong>2</strong>个部门运用" in page
    assert "<strong>1</strong>项事项仅凭身份证可办" in page
    assert "到窗口时仍须出示原件核对" in page  # C explained
    assert "区市场监管局" in page


def test_assigning_materials_by_name_changes_the_figure_and_is_audited(yingjiang, world, library):
    admin = user("yj_admin")
    with pytest.raises(PermissionDenied):
        certificates.assign_materials(user("yj_editor"), library["lease"], ["租赁证明"])
    # the lease becomes a D-level pledge... by a new entry that replaces 租赁证明
    pledge = certificates.save_certificate(
        admin, yingjiang, {"name": "租赁情况承诺书", "kind": "data", "trust_level": "D"}
    )
    assert certificates.assign_materials(admin, pledge, ["租赁证明"]) == 1
    assert Material.objects.get(name="租赁证明").certificate == pledge
    assert certificates.library_counts(yingjiang).identity_card_only == 2
    assert AuditEvent.objects.filter(
        object_type="guides.certificatetype", object_id=str(pledge.pk), event_type="object.changed"
    ).exists()
    # unticking frees the material again
    assert certificates.assign_materials(admin, pledge, []) == 1
    assert Material.objects.get(name="租赁证明").certificate is None


def test_an_entry_a_guide_in_force_relies_on_cannot_be_deleted(yingjiang, world, library):
    with pytest.raises(certificates.CertificateError, match="正被现行办事指南"):
        certificates.delete_certificate(user("yj_admin"), library["licence"])
    certificates.delete_certificate(user("yj_admin"), library["unused"])
    assert not yingjiang.certificate_types.filter(name="婚姻登记信息").exists()


def test_the_staff_pages_create_and_assign(client, yingjiang, world):
    login_verified(client, user("yj_admin"))
    response = client.post(
        "/staff/services/hall/certificates/",
        {"name": "不动产权证书", "kind": "certificate", "trust_level": "A"},
    )
    assert response.status_code == 302
    entry = yingjiang.certificate_types.get(name="不动产权证书")
    response = client.post(
        f"/staff/services/hall/certificates/{entry.pk}/",
        {"action": "materials", "materials": ["申请表"]},
    )
    assert response.status_code == 302
    assert set(Material.objects.filter(certificate=entry).values_list("name", flat=True)) == {
        "申请表"
    }
    login_verified(client, user("yj_reviewer"))
    assert client.get(f"/staff/services/hall/certificates/{entry.pk}/").status_code == 404


def test_the_id_card_figure_reads_the_materials_in_one_query(
    yingjiang, world, library, django_assert_num_queries
):
    """The count covers every guide in force (861 in seed 001): not one query per guide."""
    housing = world["housing"]
    for n in range(20):
        item = make_item(yingjiang, housing, code=f"MORE-{n}", name=f"事项{n}")
        make_guide(
            item, materials=[{"name": "身份证", "certificate": library["card"]}], **PUBLISHED
        )
    with django_assert_num_queries(2):
        items = certificates.identity_card_only_items(yingjiang)
    assert len(items) == 21
