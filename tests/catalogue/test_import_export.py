import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.catalogue.io.dump import count_levels, dump_catalogue
from gongkai.catalogue.io.errors import CatalogueFileError
from gongkai.catalogue.io.exporter import export_xlsx_bytes
from gongkai.catalogue.io.importer import import_catalogue
from gongkai.catalogue.models import CatalogueChange, CatalogueItem, Channel, Domain
from gongkai.catalogue.services import unparsed_deadlines
from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM
from tests.conftest import org


def _strip(dump):
    """The catalogue without provenance, for comparing two imports."""
    return [{"domain": d["domain"], "items": d["items"]} for d in dump]


@pytest.mark.django_db
def test_xlsx_import_reads_merged_cells_headings_and_traditional_text(yingjiang, files):
    summary = import_catalogue(files["xlsx"], yingjiang, actor=SYSTEM)
    assert summary.domains == ["重大建设项目", "城市综合执法", "社会救助"]
    assert summary.levels == {1: 9, 2: 12, 3: 3}
    assert summary.leaves == 13
    assert summary.created == 24 and summary.updated == 0
    assert "一级事项 9 项、二级事项 12 项、三级事项 3 项" in summary.line()

    item = CatalogueItem.objects.get(site=yingjiang, name="办理结果")
    assert (
        CatalogueItem.objects.get_parent(item).name == "批准服务信息"
    )  # merged cell + line break inside the word
    assert item.basis == "【行政法规】《企业投资项目核准和备案管理条例》"  # 同上
    assert item.deadline_text == "信息形成或者变更之日起20个工作日内"  # 同上, full-width digits
    assert item.deadline == {"kind": "working_days", "days": 20, "event": "信息形成或者变更"}
    assert list(item.channels.values_list("name", flat=True)) == ["政府网站", "两微一端"]
    assert item.audience_society and item.mode_proactive and item.level_county
    assert not item.audience_specific and not item.level_township

    approval = CatalogueItem.objects.get(site=yingjiang, name="审批信息")
    assert set(approval.organisations.values_list("name", flat=True)) == {
        "区发展和改革委员会",
        "区住房和城乡建设局",
    }
    land = CatalogueItem.objects.get(site=yingjiang, name="征地补偿安置")
    assert org(yingjiang, "龙狮桥乡人民政府") in land.organisations.all()  # 各乡镇（街道）
    assert land.audience_specific and land.level_township

    level3 = CatalogueItem.objects.get(site=yingjiang, name="随意倾倒建筑垃圾处罚")
    assert level3.depth == 3 and level3.level_label == "三级事项"
    assert level3.deadline["kind"] == "natural_days" and level3.deadline["days"] == 7

    low = CatalogueItem.objects.get(site=yingjiang, name="低保审批")  # 低保審批
    assert low.domain.name == "社会救助" and low.domain.is_national
    assert low.content == "申请条件、办理流程、保障标准"
    assert set(low.channels.values_list("name", flat=True)) == {
        "政府网站",
        "政务服务中心",
        "社区/企事业单位/村公示栏（电子屏）",
    }
    assert low.level_county and low.level_township  # 区级 / 镇街级
    temporary = CatalogueItem.objects.get(site=yingjiang, name="临时救助审批")
    assert temporary.mode_proactive and temporary.mode_on_request
    assert CatalogueItem.objects.filter(site=yingjiang, is_official=False).count() == 0


@pytest.mark.django_db
def test_docx_import_reads_tables_under_headings(yingjiang, files):
    summary = import_catalogue(files["docx"], yingjiang, actor=SYSTEM)
    assert summary.domains == ["义务教育", "公共文化服务"]
    assert summary.leaves == 5
    result = CatalogueItem.objects.get(site=yingjiang, name="招生结果")
    assert (
        CatalogueItem.objects.get_parent(result).name == "招生入学"
    )  # vertically merged cell in Word
    assert result.basis == "【法律】《中华人民共和国义务教育法》第十二条"
    assert result.audience_specific and not result.audience_society
    # the fixture's unreadable deadline is kept and listed for the admin
    unparsed = list(unparsed_deadlines(yingjiang))
    assert [i.name for i in unparsed] == ["招生政策"]
    assert unparsed[0].deadline_text == "学期开学前" and unparsed[0].deadline == {}
    # prose channels with an alias (公示栏)
    hall = CatalogueItem.objects.get(site=yingjiang, name="公共文化场馆开放")
    assert "社区/企事业单位/村公示栏（电子屏）" in hall.channels.values_list("name", flat=True)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_import_export_import_gives_the_identical_catalogue(
    yingjiang, ouhai, files, kind, tmp_path
):
    import_catalogue(files[kind], yingjiang, actor=SYSTEM)
    first = dump_catalogue(yingjiang)
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(export_xlsx_bytes(yingjiang))

    # into another site: the same catalogue comes out
    summary = import_catalogue(exported, ouhai, actor=SYSTEM)
    second = dump_catalogue(ouhai)
    for domain in first + second:  # organisations differ between the two sites
        _drop_orgs(domain["items"])
    assert _strip(second) == _strip(first)
    assert summary.created == sum(
        sum(count_levels(d["items"]).values()) - count_levels(d["items"])["leaves"] for d in first
    )

    # back into the same site: nothing changes
    again = import_catalogue(exported, yingjiang, actor=SYSTEM)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def _drop_orgs(nodes):
    for node in nodes:
        node.pop("organisations", None)
        _drop_orgs(node["children"])


@pytest.mark.django_db
def test_same_file_again_changes_nothing(yingjiang, files):
    import_catalogue(files["xlsx"], yingjiang, actor=SYSTEM)
    before = dump_catalogue(yingjiang, with_ids=True)
    changes = CatalogueChange.objects.count()
    summary = import_catalogue(files["xlsx"], yingjiang, actor=SYSTEM)
    assert (summary.created, summary.updated, summary.deleted) == (0, 0, 0)
    assert dump_catalogue(yingjiang, with_ids=True) == before
    assert CatalogueChange.objects.count() == changes


@pytest.mark.django_db
def test_bad_file_gives_row_numbered_chinese_errors_and_changes_nothing(yingjiang, files):
    import_catalogue(files["docx"], yingjiang, actor=SYSTEM)
    items, domains, events = (
        CatalogueItem.objects.count(),
        Domain.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(CatalogueFileError) as info:
        import_catalogue(files["bad"], yingjiang, actor=SYSTEM)
    message = str(info.value)
    assert "“市政服务”第 5 行：缺少二级事项" in message
    assert "“市政服务”第 6 行：公开渠道“▲政府网站”的标记“▲”无法识别" in message
    assert "未导入任何内容" in message
    assert (CatalogueItem.objects.count(), Domain.objects.count(), AuditEvent.objects.count()) == (
        items,
        domains,
        events,
    )


@pytest.mark.django_db
def test_command_import_dry_run_export_and_errors(yingjiang, files, tmp_path):
    out = io.StringIO()
    call_command(
        "catalogue", "import", str(files["xlsx"]), "--site", "yingjiang", "--dry-run", stdout=out
    )
    assert "试运行（未保存）：领域 3 个" in out.getvalue()
    assert CatalogueItem.objects.count() == 0 and Domain.objects.count() == 0
    assert Channel.objects.filter(site=yingjiang).count() == 0

    out = io.StringIO()
    call_command("catalogue", "import", str(files["xlsx"]), "--site", "yingjiang", stdout=out)
    assert "导入完成：领域 3 个" in out.getvalue() and "新增 24 项" in out.getvalue()
    assert "项目建设单位" in out.getvalue()  # unmatched organisation reported, text kept

    target = tmp_path / "out.xlsx"
    call_command(
        "catalogue",
        "export",
        "--site",
        "yingjiang",
        "--domain",
        "社会救助",
        "-o",
        str(target),
        stdout=io.StringIO(),
    )
    assert target.stat().st_size > 0

    with pytest.raises(CommandError) as info:
        call_command("catalogue", "import", str(files["bad"]), "--site", "yingjiang")
    assert "第 5 行：缺少二级事项" in str(info.value)
    with pytest.raises(CommandError, match="找不到站点"):
        call_command("catalogue", "import", str(files["xlsx"]), "--site", "nowhere")
    not_office = tmp_path / "note.xlsx"
    not_office.write_text("这不是表格")
    with pytest.raises(CommandError, match="不是 .xlsx 或 .docx"):
        call_command("catalogue", "import", str(not_office), "--site", "yingjiang")


@pytest.mark.django_db
def test_domain_option_picks_one_table(yingjiang, files):
    summary = import_catalogue(files["xlsx"], yingjiang, domain="社会救助", actor=SYSTEM)
    assert summary.domains == ["社会救助"]
    with pytest.raises(CatalogueFileError, match="没有“义务教育”领域"):
        import_catalogue(files["xlsx"], yingjiang, domain="义务教育", actor=SYSTEM)


@pytest.mark.django_db
def test_reimport_keeps_ids_and_local_items_and_removes_dropped_official_items(
    yingjiang, files, tmp_path
):
    from openpyxl import load_workbook

    from gongkai.catalogue import services
    from tests.conftest import user

    import_catalogue(files["docx"], yingjiang, actor=SYSTEM)
    result_id = CatalogueItem.objects.get(name="招生结果").pk
    domain = Domain.objects.get(name="义务教育")
    parent = CatalogueItem.objects.get(name="招生入学")
    # drop 学校基本情况 and change a deadline in an exported copy
    path = tmp_path / "edited.xlsx"
    path.write_bytes(export_xlsx_bytes(yingjiang, Domain.objects.get(name="义务教育")))
    wb = load_workbook(path)
    ws = wb["义务教育"]
    for row in ws.iter_rows(min_row=4):
        if row[2].value == "招生结果":
            row[5].value = "录取后3个工作日内"
    ws.delete_rows(4)  # 学校基本情况 (its 一级事项 is merged only over itself)
    wb.save(path)
    local = services.add_item(
        yingjiang,
        domain,
        parent,
        {"name": "转学办理", "deadline_text": "及时公开"},
        None,
        None,
        "本地新增",
        user("yj_admin"),
    )
    summary = import_catalogue(path, yingjiang, actor=SYSTEM)
    assert (summary.created, summary.updated, summary.deleted) == (0, 1, 2)  # 转学办理 left alone
    assert CatalogueItem.objects.get(pk=result_id).deadline["days"] == 3
    assert not CatalogueItem.objects.filter(name__in=["学校概况", "学校基本情况"]).exists()
    local.refresh_from_db()
    assert CatalogueItem.objects.get_parent(local).name == "招生入学" and not local.is_official


@pytest.mark.django_db
def test_bench_workbook_imports(yingjiang):
    from gongkai.catalogue.bench import catalogue_workbook
    from gongkai.core.bench import BENCHMARKS

    summary = import_catalogue(catalogue_workbook(60, per_parent=10), yingjiang, actor=SYSTEM)
    assert summary.leaves == 60 and summary.created == 66
    import gongkai.catalogue.bench  # noqa: F401 - registers itself

    assert "catalogue" in BENCHMARKS
