"""Guides .xlsx: export re-imports identically, a bad row is reported by sheet and row and
changes nothing, imports are drafts for review unless a fresh site is migrated."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.models import AuditEvent, Organisation, Site
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.guides import rules
from gongkai.guides.io import GuideFileError, export_guides, import_guides
from gongkai.guides.models import (
    CertificateType,
    Guide,
    LifeEvent,
    Material,
    ServiceItem,
    Step,
    Window,
)
from gongkai.records.models import State
from tests.conftest import org, user

from .factories import make_certificate, make_guide, make_item


def sheets(data: bytes) -> dict[str, list[tuple]]:
    """Every cell value of every sheet, read back with openpyxl."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def workbook_bytes(tables: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    for index, (title, rows) in enumerate(tables.items()):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def published(yingjiang):
    """Three published guides of two organisations, with the library, life events and a
    window, and a fee on one of them."""
    housing = org(yingjiang, "区住房和城乡建设局")
    civil = org(yingjiang, "区民政局")
    card = make_certificate(yingjiang)
    register = make_certificate(yingjiang, "居民户口簿")
    pledge = make_certificate(yingjiang, "家庭经济状况承诺", trust_level="D", kind="data")
    marriage = LifeEvent.objects.create(site=yingjiang, name="婚姻登记", slug="hunyin")
    help_event = LifeEvent.objects.create(site=yingjiang, name="社会保障", slug="shebao")
    window = Window.objects.create(site=yingjiang, number="A01", name="综合窗口一")
    one = make_guide(
        make_item(yingjiang, housing),
        state=State.PUBLISHED,
        verified_on=date(2026, 3, 1),
        fee_free=False,
        fee_text="每件 10 元",
        fee_basis="《某收费标准》",
        materials=[{"name": "食品经营许可申请书", "copies": 2, "form": "both"}],
    )
    one.windows.add(window)
    two_item = make_item(yingjiang, civil, code="340802-QR-0001", name="内地居民结婚登记")
    two_item.life_events.add(marriage)
    make_guide(
        two_item,
        state=State.PUBLISHED,
        most_once=True,
        visits_required=0,
        online_url="https://www.ahzwfw.gov.cn/",
        materials=[
            {"name": "申请人居民身份证", "certificate": card, "source": "government"},
            {"name": "居民户口簿", "certificate": register, "form": "electronic"},
        ],
    )
    three_item = make_item(
        yingjiang, civil, code="340802-JF-0001", name="最低生活保障对象认定", item_type="benefit"
    )
    three_item.life_events.add(help_event, marriage)
    make_guide(
        three_item,
        state=State.PUBLISHED,
        materials=[
            {"name": "申请人居民身份证", "certificate": card},
            {"name": "承诺书", "certificate": pledge, "required": False, "notes": "签字"},
        ],
    )
    return yingjiang


def fresh_site_like(site: Site) -> Site:
    """A new site with the same organisations, library, life events and windows by name."""
    fresh = Site.objects.create(slug="fresh", name="新区人民政府", province="安徽省", city="安庆市")
    for n, source in enumerate(Organisation.objects.filter(site=site).order_by("path"), 1):
        Organisation.objects.add_root(
            {"site": fresh, "name": source.name, "code": f"F{n:03d}", "kind": source.kind}
        )
    for c in CertificateType.objects.filter(site=site):
        CertificateType.objects.create(
            site=fresh, name=c.name, kind=c.kind, trust_level=c.trust_level
        )
    for e in LifeEvent.objects.filter(site=site):
        LifeEvent.objects.create(site=fresh, name=e.name, slug=e.slug)
    for w in Window.objects.filter(site=site):
        Window.objects.create(site=fresh, number=w.number, name=w.name)
    return fresh


def counts():
    return (
        ServiceItem.objects.count(),
        Guide.objects.count(),
        Material.objects.count(),
        Step.objects.count(),
        AuditEvent.objects.count(),
    )


def test_export_reimports_identically_into_a_fresh_site(published):
    first = export_guides(published)
    tables = sheets(first)
    assert list(tables) == ["办事事项", "申请材料", "办理流程"]
    assert tables["办事事项"][0][:3] == ("事项编码", "事项名称", "事项类型")
    assert len(tables["办事事项"]) == 4 and len(tables["申请材料"]) == 6
    row = dict(zip(tables["办事事项"][0], tables["办事事项"][3], strict=True))  # 340802-QR-0001
    assert row["实施机构"] == "区民政局" and row["最多跑一次"] == "是"
    assert row["受理条件（每行一条）"] == "有与经营项目相适应的经营场所"
    fresh = fresh_site_like(published)
    summary = import_guides(first, fresh, actor=SYSTEM, publish=True)
    assert len(summary.created) == 3
    second = export_guides(fresh)
    assert sheets(second) == tables
    for guide in Guide.objects.filter(item__site=fresh):
        assert guide.state == State.PUBLISHED
        assert rules.guide_in_force(guide.item) == guide


def test_a_bad_row_is_reported_by_sheet_and_row_and_nothing_changes(published):
    tables = {
        title: [list(r) for r in rows] for title, rows in sheets(export_guides(published)).items()
    }
    header = tables["办事事项"][0]
    tables["办事事项"][2][header.index("实施机构")] = "区不存在局"
    tables["办事事项"][3][header.index("事项类型")] = "行政审批"
    tables["办事事项"].append(list(tables["办事事项"][1]))  # the first item's code again
    m_header = tables["申请材料"][0]
    tables["申请材料"][2][m_header.index("对应证照或数据")] = "驾驶证"
    before = counts()
    with pytest.raises(GuideFileError) as caught:
        import_guides(workbook_bytes(tables), published, actor=SYSTEM)
    messages = [str(issue) for issue in caught.value.issues]
    assert "“办事事项”第 3 行：实施机构“区不存在局”不是本站点的一个机构" in messages
    assert any(m.startswith("“办事事项”第 4 行：“事项类型”无法识别：“行政审批”") for m in messages)
    assert any(m.startswith("“办事事项”第 5 行：事项编码“330302-XK-0001”重复") for m in messages)
    assert "“申请材料”第 3 行：对应证照或数据“驾驶证”不在本站点的证照库中" in messages
    assert "未导入任何内容" in str(caught.value)
    assert counts() == before


def test_an_import_is_a_draft_for_review_and_the_same_file_again_changes_nothing(published):
    tables = {
        title: [list(r) for r in rows] for title, rows in sheets(export_guides(published)).items()
    }
    header = tables["办事事项"][0]
    tables["办事事项"][1][header.index("收费标准")] = "每件 20 元"
    new_row = [None] * len(header)
    for title, value in {
        "事项编码": "340802-GG-0009",
        "事项名称": "生育登记",
        "事项类型": "公共服务",
        "实施机构": "迎江区民政局",  # the district's prefix is understood
        "生效日期": "2026/2/1",
    }.items():
        new_row[header.index(title)] = value
    tables["办事事项"].append(new_row)
    data = workbook_bytes(tables)
    admin = user("yj_admin")
    dry = import_guides(data, published, actor=admin, dry_run=True)
    assert (dry.created, dry.new_versions) == (["340802-GG-0009"], ["330302-XK-0001"])
    assert ServiceItem.objects.filter(code="340802-GG-0009").count() == 0
    summary = import_guides(data, published, actor=admin)
    assert len(summary.unchanged) == 2
    new = Guide.objects.get(item__code="330302-XK-0001", number=2)
    assert new.state == State.DRAFT and new.fee_text == "每件 20 元"
    assert new.created_by == admin
    assert new.effective_from == date(2026, 1, 1)
    assert Guide.objects.get(item__code="340802-GG-0009").effective_from == date(2026, 2, 1)
    assert rules.guide_in_force(new.item).number == 1  # still the published one
    event = AuditEvent.objects.filter(event_type="data.imported").latest("pk")
    assert event.after["new_versions"] == 1
    again = import_guides(data, published, actor=admin)
    assert len(again.unchanged) == 4 and not again.created and not again.new_versions


def test_only_the_office_admin_imports_and_publishing_is_for_an_empty_site(published):
    data = export_guides(published)
    with pytest.raises(PermissionDenied):
        import_guides(data, published, actor=user("yj_editor"))
    with pytest.raises(PermissionDenied):
        import_guides(data, fresh_site_like(published), actor=user("yj_admin"), publish=True)
    with pytest.raises(GuideFileError, match="空站点的首次迁移"):
        import_guides(data, published, actor=SYSTEM, publish=True)


def test_publishing_refuses_a_guide_lacking_a_key_element(published):
    tables = {
        title: [list(r) for r in rows] for title, rows in sheets(export_guides(published)).items()
    }
    header = tables["办事事项"][0]
    tables["办事事项"][3][header.index("咨询电话")] = None  # 340802-QR-0001
    fresh = fresh_site_like(published)
    with pytest.raises(GuideFileError) as caught:
        import_guides(workbook_bytes(tables), fresh, actor=SYSTEM, publish=True)
    assert "“办事事项”第 4 行：“内地居民结婚登记”缺少咨询电话，不能发布" in [
        str(i) for i in caught.value.issues
    ]
    assert not ServiceItem.objects.filter(site=fresh).exists()


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(published, tmp_path):
    path = tmp_path / "guides.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(GuideFileError, match="不是 Excel（.xlsx）文件"):
        import_guides(path, published, actor=SYSTEM)


def test_the_command_exports_imports_and_fails_in_chinese(published, tmp_path):
    out = tmp_path / "guides.xlsx"
    call_command("guides", "export", "--site", "yingjiang", "-o", str(out))
    assert sheets(out.read_bytes()) == sheets(export_guides(published))
    stdout = io.StringIO()
    call_command("guides", "import", str(out), "--site", "yingjiang", "--dry-run", stdout=stdout)
    assert "未变化 3 项" in stdout.getvalue()
    tables = {t: [list(r) for r in rows] for t, rows in sheets(out.read_bytes()).items()}
    tables["办事事项"][1][tables["办事事项"][0].index("生效日期")] = "明年"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes(tables))
    before = counts()
    with pytest.raises(CommandError, match="“办事事项”第 2 行：“生效日期”不是有效日期"):
        call_command("guides", "import", str(bad), "--site", "yingjiang")
    with pytest.raises(CommandError, match="找不到站点“nowhere”"):
        call_command("guides", "import", str(out), "--site", "nowhere")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("guides", "import", str(tmp_path / "none.xlsx"), "--site", "yingjiang")
    assert counts() == before


def test_the_staff_page_lists_every_error_and_the_editor_cannot_upload(published, client, settings):
    settings.REQUIRE_2FA = False
    from django.core.files.uploadedfile import SimpleUploadedFile

    tables = {t: [list(r) for r in rows] for t, rows in sheets(export_guides(published)).items()}
    tables["办事事项"][1][tables["办事事项"][0].index("实施机构")] = "区不存在局"
    client.force_login(user("yj_admin"))
    before = counts()
    response = client.post(
        "/staff/services/import/",
        {"file": SimpleUploadedFile("指南.xlsx", workbook_bytes(tables))},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“办事事项”第 2 行：实施机构“区不存在局”不是本站点的一个机构" in page
    assert counts() == before
    response = client.post(
        "/staff/services/import/",
        {"file": SimpleUploadedFile("指南.xlsx", export_guides(published)), "dry_run": "on"},
    )
    assert "检查通过（未保存）" in response.content.decode()
    download = client.get("/staff/services/export/")
    assert sheets(download.content) == sheets(export_guides(published))
    client.force_login(user("yj_editor"))
    page = client.get("/staff/services/import/").content.decode()
    assert "导入由公开办管理员进行" in page and 'type="file"' not in page
    response = client.post(
        "/staff/services/import/",
        {"file": SimpleUploadedFile("指南.xlsx", export_guides(published))},
    )
    assert response.status_code == 403


def test_an_item_field_changes_in_place_and_text_never_becomes_a_formula(published):
    tables = {t: [list(r) for r in rows] for t, rows in sheets(export_guides(published)).items()}
    header = tables["办事事项"][0]
    tables["办事事项"][1][header.index("事项名称")] = "食品经营许可（餐饮）"
    tables["办事事项"][2][header.index("申请对象")] = "城乡困难家庭"
    summary = import_guides(workbook_bytes(tables), published, actor=SYSTEM)
    assert summary.items_changed == ["330302-XK-0001"]
    assert summary.new_versions == ["340802-JF-0001"]
    item = ServiceItem.objects.get(code="330302-XK-0001")
    assert item.name == "食品经营许可（餐饮）" and item.guides.count() == 1
    draft = Guide.objects.get(item__code="340802-JF-0001", state=State.DRAFT)
    draft.state = State.PUBLISHED
    draft.effective_from = date(2026, 6, 1)
    draft.applicant = '=HYPERLINK("http://example.com")'
    draft.save()
    workbook = openpyxl.load_workbook(io.BytesIO(export_guides(published)))
    cell = workbook["办事事项"].cell(row=3, column=header.index("申请对象") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
