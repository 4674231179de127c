"""The three lists imported as the organs publish them, linked to items and the catalogue, and
seed 001's figures computed from the rows."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.catalogue.models import ListedItem, ListType
from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.guides.io import GuideData, write_guides
from gongkai.guides.lists import ListFileError, import_list, list_figures
from gongkai.guides.models import ServiceItem
from tests.conftest import org, user
from tests.records.conftest import make_leaf

from .factories import make_item


def published_list(title, header, rows, merges=()) -> bytes:
    """A sheet the way a 编办 publishes it: a merged title row, the header, section rows."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Sheet1"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


POWER_HEADER = ["序号", "权力编码", "权力事项名称", "权力类型", "实施主体", "设定依据"]
POWER_ROWS = [
    ["一、行政许可", None, None, None, None, None],
    [
        1,
        "340802-XK-0001",
        "燃气经营许可证核发",
        "行政许可",
        "区住房和城乡建设局",
        "《城镇燃气管理条例》",
    ],
    [2, "340802-XK-0002", "建筑工程施工许可证核发", "行政许可", None, "《中华人民共和国建筑法》"],
    ["二、行政给付", None, None, None, None, None],
    [3, "340802-JF-0001", "最低生活保障对象认定", "行政给付", "区民政局", "《社会救助暂行办法》"],
]
# the section rows span the whole width; 实施主体 of rows 4-5 is one merged cell
POWER_MERGES = ["A3:F3", "E4:E5", "A6:F6"]


def power_list() -> bytes:
    return published_list("迎江区权责清单（2026年版）", POWER_HEADER, POWER_ROWS, POWER_MERGES)


def test_a_published_power_list_is_read_with_its_title_sections_and_merged_cells(yingjiang):
    summary = import_list(power_list(), yingjiang, actor=SYSTEM)
    assert summary.list_type == ListType.POWER  # from the title
    assert summary.created == 3
    entries = {e.code: e for e in ListedItem.objects.filter(site=yingjiang)}
    assert set(entries) == {"340802-XK-0001", "340802-XK-0002", "340802-JF-0001"}
    assert entries["340802-XK-0002"].organisation_name == "区住房和城乡建设局"  # merged
    assert entries["340802-JF-0001"].name == "最低生活保障对象认定"
    assert AuditEvent.objects.filter(event_type="data.imported").count() == 1


def test_header_variants_of_a_service_list_and_the_type_chosen(yingjiang):
    data = published_list(
        "公共服务事项目录",
        ["序 号", "事项编码*", "公共服务事项名称", "事项类别", "责任单位", "依据"],
        [[1, "340802-GG-0001", "失业登记", "公共服务", "区人力资源和社会保障局", "《就业促进法》"]],
    )
    summary = import_list(data, yingjiang, actor=SYSTEM, list_type=ListType.SERVICE)
    assert summary.created == 1
    entry = ListedItem.objects.get(site=yingjiang, list_type=ListType.SERVICE)
    assert (entry.code, entry.name, entry.organisation_name) == (
        "340802-GG-0001",
        "失业登记",
        "区人力资源和社会保障局",
    )


def test_a_bad_row_is_reported_by_row_and_nothing_changes(yingjiang):
    import_list(power_list(), yingjiang, actor=SYSTEM)
    before = list(ListedItem.objects.values_list("code", "name"))
    events = AuditEvent.objects.count()
    rows = [
        *POWER_ROWS,
        [4, None, "排水许可", "行政许可", "区城市管理局", ""],
        [5, "340802-XK-0001", "另一个名称", "行政许可", "区城市管理局", ""],
        [6, "340802-XK-0009", "新增的许可", "行政许可", "区城市管理局", ""],
    ]
    data = published_list("迎江区权责清单", POWER_HEADER, rows, POWER_MERGES)
    with pytest.raises(ListFileError) as caught:
        import_list(data, yingjiang, actor=SYSTEM)
    messages = [str(i) for i in caught.value.issues]
    assert "“Sheet1”第 8 行：“排水许可”缺少事项编码" in messages
    assert any(m.startswith("“Sheet1”第 9 行：事项编码“340802-XK-0001”重复") for m in messages)
    assert list(ListedItem.objects.values_list("code", "name")) == before
    assert AuditEvent.objects.count() == events


def test_a_list_without_a_recognisable_type_or_code_column_is_refused(yingjiang):
    no_type = published_list("事项表", ["序号", "事项编码", "事项名称"], [[1, "A-1", "某事项"]])
    with pytest.raises(ListFileError, match="无法从标题判断是哪一种清单"):
        import_list(no_type, yingjiang, actor=SYSTEM)
    no_code = published_list(
        "最多跑一次事项清单", ["序号", "事项名称", "实施机构"], [[1, "某事", "某局"]]
    )
    with pytest.raises(ListFileError, match="缺少“事项编码”列"):
        import_list(no_code, yingjiang, actor=SYSTEM)
    assert not ListedItem.objects.exists()


def test_a_new_edition_replaces_the_list(yingjiang):
    import_list(power_list(), yingjiang, actor=SYSTEM)
    rows = [POWER_ROWS[1], [2, "340802-XK-0003", "排水许可", "行政许可", "区城市管理局", ""]]
    summary = import_list(published_list("权责清单", POWER_HEADER, rows), yingjiang, actor=SYSTEM)
    assert (summary.created, summary.removed, summary.unchanged) == (1, 2, 1)
    codes = set(ListedItem.objects.filter(site=yingjiang).values_list("code", flat=True))
    assert codes == {"340802-XK-0001", "340802-XK-0003"}


def test_links_and_figures_follow_the_rows(yingjiang):
    housing = org(yingjiang, "区住房和城乡建设局")
    gas_leaf = make_leaf(yingjiang, "燃气经营许可审批结果")  # linked through its service item
    welfare_leaf = make_leaf(yingjiang, "最低生活保障对象认定")  # by name only
    make_leaf(yingjiang, "城区供水停水公告")  # in no list
    gas = make_item(yingjiang, housing, code="340802-XK-0001", name="燃气经营许可证核发")
    gas.catalogue_item = gas_leaf
    gas.save()
    import_list(power_list(), yingjiang, actor=SYSTEM)
    once = published_list(
        "迎江区“最多跑一次”事项清单",
        ["序号", "事项编码", "事项名称", "实施机构"],
        [[1, "340802-JF-0001", "最低生活保障对象认定", "区民政局"]],
    )
    import_list(once, yingjiang, actor=SYSTEM)
    assert set(gas.listed_items.values_list("code", flat=True)) == {"340802-XK-0001"}
    assert set(gas_leaf.listed_items.values_list("code", flat=True)) == {"340802-XK-0001"}
    assert set(welfare_leaf.listed_items.values_list("list_type", flat=True)) == {
        ListType.POWER,
        ListType.ONCE,
    }
    figures = list_figures(yingjiang)
    # the rows: gas leaf (power), welfare leaf (power and once) → 2; welfare leaf → 1
    assert (figures.power_or_service, figures.most_once) == (2, 1)
    assert figures.rows == {ListType.POWER: 3, ListType.SERVICE: 0, ListType.ONCE: 1}
    # an item created later is linked by its code when its guides are written
    write_guides(
        yingjiang,
        [
            GuideData(
                code="340802-XK-0002",
                name="建筑工程施工许可证核发",
                item_type="licence",
                organisation_id=housing.pk,
                effective_from=date(2026, 1, 1),
            )
        ],
        actor=SYSTEM,
    )
    later = ServiceItem.objects.get(site=yingjiang, code="340802-XK-0002")
    assert list(later.listed_items.values_list("list_type", flat=True)) == [ListType.POWER]


def test_only_the_office_admin_imports_a_list(yingjiang):
    with pytest.raises(PermissionDenied):
        import_list(power_list(), yingjiang, actor=user("yj_editor"))
    summary = import_list(power_list(), yingjiang, actor=user("yj_admin"))
    assert summary.created == 3


def test_the_command_imports_a_list_and_prints_the_figures(yingjiang, tmp_path):
    path = tmp_path / "power.xlsx"
    path.write_bytes(power_list())
    out = io.StringIO()
    call_command("guides", "lists", str(path), "--site", "yingjiang", stdout=out)
    assert "权责清单导入完成：新增 3 项" in out.getvalue()
    assert "涉及权责清单和公共服务事项清单 0 项" in out.getvalue()
    with pytest.raises(CommandError, match="清单类型“abc”无法识别"):
        call_command("guides", "lists", str(path), "--site", "yingjiang", "--type", "abc")


def test_the_lists_page_shows_the_figures_and_imports_for_the_admin(yingjiang, client, settings):
    settings.REQUIRE_2FA = False
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user("yj_admin"))
    response = client.post(
        "/staff/services/lists/",
        {"list_type": "", "file": SimpleUploadedFile("权责清单.xlsx", power_list())},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "权责清单导入完成：新增 3 项" in page
    assert "燃气经营许可证核发" in page
    bad = published_list("权责清单", POWER_HEADER, [[1, None, "排水许可", "行政许可", "", ""]])
    response = client.post("/staff/services/lists/", {"file": SimpleUploadedFile("坏.xlsx", bad)})
    assert response.status_code == 400
    assert "“Sheet1”第 3 行：“排水许可”缺少事项编码" in response.content.decode()
    assert ListedItem.objects.filter(site=yingjiang).count() == 3
