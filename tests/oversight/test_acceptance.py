"""The acceptance package (issue 12 point 8): one .zip of the registered parts with an index,
read back with zipfile, openpyxl and python-docx and compared with the database; a failing
part leaves no package."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from gongkai.catalogue import services as catalogue
from gongkai.catalogue.io.exporter import export_xlsx_bytes
from gongkai.catalogue.models import CatalogueChange, CatalogueVersion, Domain
from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.oversight import acceptance, package
from gongkai.oversight import plan as rules
from gongkai.oversight.models import PlanStatus
from tests.conftest import org, user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def world(demo):
    site = demo
    admin = user("yj_admin")
    domain, _ = Domain.objects.get_or_create(site=site, name="市政服务")
    catalogue.add_item(
        site, domain, None, {"name": "城区供水", "deadline_text": "实时"}, None, None, "新增", admin
    )
    catalogue.publish_version(site, admin, "第一版")
    catalogue.add_item(
        site,
        domain,
        None,
        {"name": "=危险的事项名", "deadline_text": "实时"},
        None,
        None,
        "补充",
        admin,
    )
    plan = rules.create_plan(SYSTEM, site, year=YEAR, title="年度重点工作")
    step = rules.add_step(SYSTEM, plan, title="推进")
    housing = org(site, "区住房和城乡建设局")
    rules.add_task(
        SYSTEM, plan, step=step, text="任务甲", lead=housing, deadline=TODAY - timedelta(3)
    )
    rules.add_task(
        SYSTEM,
        plan,
        step=step,
        text="任务乙",
        lead=org(site, "区民政局"),
        co_organisations=[housing],
        deadline=TODAY,
        status=PlanStatus.DONE,
    )
    other = rules.create_plan(SYSTEM, site, year=YEAR - 3, title="三年前的方案")
    rules.add_task(
        SYSTEM,
        other,
        step=rules.add_step(SYSTEM, other, title="旧"),
        text="旧任务",
        lead=housing,
        deadline=TODAY.replace(year=YEAR - 3, month=6, day=1),
    )
    return site


def _zip(site, year=YEAR, actor=None):
    data = acceptance.build_acceptance_package(site, year, actor or user("yj_admin"))
    return zipfile.ZipFile(io.BytesIO(data))


def _workbook(archive, name):
    return load_workbook(io.BytesIO(archive.read(name)))


def test_the_zip_has_the_index_first_and_every_part_listed(world):
    archive = _zip(world)
    assert archive.testzip() is None
    names = archive.namelist()
    parts = [p.filename for p in package.registered_parts()]
    assert names == [acceptance.INDEX_DOCX, acceptance.INDEX_XLSX, *parts]
    assert acceptance.CATALOGUE_FILE in parts and acceptance.PLAN_XLSX_FILE in parts
    # the .docx index: the official-document title and one table row per file
    doc = Document(io.BytesIO(archive.read(acceptance.INDEX_DOCX)))
    assert doc.paragraphs[0].style.name == "标题"
    assert doc.paragraphs[0].text == f"迎江区人民政府{YEAR}年度政务公开工作验收材料目录"
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == ["序号", "文件名", "内容"]
    titles = {p.filename: p.title for p in package.registered_parts()}
    assert [r[1] for r in rows[1:]] == names
    for _n, name, title in rows[1:]:
        assert title == titles.get(name, title) and title
    # the .xlsx index lists the same
    ws = _workbook(archive, acceptance.INDEX_XLSX).active
    assert [ws.cell(r, 2).value for r in range(3, ws.max_row + 1)] == names


def test_the_catalogue_part_is_the_catalogue_export_plus_versions_and_changes(world):
    archive = _zip(world)
    book = _workbook(archive, acceptance.CATALOGUE_FILE)
    exported = load_workbook(io.BytesIO(export_xlsx_bytes(world)))
    assert book.sheetnames == [*exported.sheetnames, "目录版本", "调整记录"]
    first = exported.sheetnames[0]
    assert [[c.value for c in r] for r in book[first].iter_rows()] == [
        [c.value for c in r] for r in exported[first].iter_rows()
    ]
    versions = [[c.value for c in r] for r in book["目录版本"].iter_rows(min_row=2)]
    db_versions = CatalogueVersion.objects.filter(site=world).order_by("number")
    assert [(r[0], r[3], r[4]) for r in versions] == [
        (v.number, v.note, v.changes.count()) for v in db_versions
    ]
    changes = [[c.value for c in r] for r in book["调整记录"].iter_rows(min_row=2)]
    db_changes = CatalogueChange.objects.filter(site=world).order_by("created_at", "id")
    assert [(r[2], r[3], r[4], r[6]) for r in changes] == [
        (c.item_name, c.get_action_display(), c.reason, str(c.version) if c.version else "未发布")
        for c in db_changes
    ]
    assert len(changes) == 2 and changes[1][6] == "未发布"
    # a name that looks like a formula stays text
    cell = book["调整记录"].cell(3, 3)
    assert cell.value == "=危险的事项名" and cell.data_type == "s"


def test_the_plan_parts_equal_the_database(world):
    archive = _zip(world)
    book = _workbook(archive, acceptance.PLAN_XLSX_FILE)
    plans = list(rules.plans_of_year(world, YEAR))
    assert [p.title for p in plans] == ["年度重点工作"]  # the older plan has nothing in YEAR
    ws = book.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    tasks = list(rules.tasks_of(plans[0]))
    assert [(r[2], r[3], r[4] or "", r[7], r[9]) for r in rows] == [
        (
            t.text,
            t.lead.name,
            "、".join(o.name for o in rules.responsible(t)[1:]),
            t.get_status_display(),
            "是" if t.is_overdue else "否",
        )
        for t in tasks
    ]
    doc = Document(io.BytesIO(archive.read(acceptance.PLAN_DOCX_FILE)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "共有工作任务2项：已完成1项" in body and "逾期未完成1项" in body
    table = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert [r[1] for r in table[1:]] == ["任务甲", "任务乙"]
    assert table[1][4] == "未开始（逾期）" and table[2][4] == "已完成"
    assert table[2][2] == "区民政局、区住房和城乡建设局"


def test_the_export_is_audited_and_only_for_the_office_admin(world):
    _zip(world)
    event = AuditEvent.objects.filter(event_type="data.exported").latest("id")
    assert event.actor_username == "yj_admin" and event.after["year"] == YEAR
    assert acceptance.INDEX_DOCX in event.after["files"]
    for name in ("yj_editor", "yj_evaluator", "oh_admin"):
        with pytest.raises(PermissionDenied):
            acceptance.build_acceptance_package(world, YEAR, user(name))


def _failing(site, year):
    raise RuntimeError("数据库连接中断")


@pytest.fixture
def failing_part(monkeypatch):
    parts = dict(package.PACKAGE_PARTS)
    monkeypatch.setattr(package, "PACKAGE_PARTS", parts)
    package.register_package_part("09-测试失败.xlsx", "会失败的部分", _failing, order=90)
    return parts


def test_a_failing_part_fails_the_whole_build_with_a_chinese_message(world, failing_part):
    with pytest.raises(acceptance.PackageFailed, match="“会失败的部分”.*数据库连接中断"):
        acceptance.build_acceptance_package(world, YEAR, user("yj_admin"))
    assert not AuditEvent.objects.filter(event_type="data.exported").exists()


def test_a_failing_part_leaves_no_file_from_the_command(world, failing_part, tmp_path):
    out = tmp_path / "验收.zip"
    with pytest.raises(CommandError, match="会失败的部分"):
        call_command("acceptance-package", site="yingjiang", year=str(YEAR), output=str(out))
    assert list(tmp_path.iterdir()) == []


def test_the_command_writes_the_package(world, tmp_path):
    out = tmp_path / "验收.zip"
    call_command("acceptance-package", site="yingjiang", year=str(YEAR), output=str(out))
    assert zipfile.ZipFile(out).namelist()[0] == acceptance.INDEX_DOCX
    assert [p.name for p in tmp_path.iterdir()] == ["验收.zip"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"site": "nowhere", "year": "2025"}, "找不到站点“nowhere”"),
        ({"site": "yingjiang", "year": "二〇二五"}, "年度应为四位数字"),
        ({"site": "yingjiang", "year": "1999"}, "年度应在 2008 年"),
        ({"site": "yingjiang", "year": str(YEAR + 1)}, "年度应在 2008 年"),
    ],
)
def test_the_command_refuses_bad_input_in_chinese(demo, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("acceptance-package", output=str(tmp_path / "a.zip"), **options)
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_missing_folder(demo, tmp_path):
    with pytest.raises(CommandError, match="输出目录不存在"):
        call_command(
            "acceptance-package", site="yingjiang", year="2025", output=str(tmp_path / "x/a.zip")
        )


def test_the_staff_page_downloads_the_zip(world, client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_admin"))
    page = client.get("/staff/oversight/acceptance/")
    assert page.status_code == 200 and "01-政务公开标准目录及调整记录.xlsx" in page.content.decode()
    response = client.get("/staff/oversight/acceptance/", {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist()[0] == acceptance.INDEX_DOCX
    bad = client.get("/staff/oversight/acceptance/", {"year": "abc"})
    assert bad.status_code == 200 and "输入整数" in bad.content.decode()
    client.force_login(user("yj_editor"))
    assert client.get("/staff/oversight/acceptance/").status_code == 403


def test_the_staff_page_shows_a_failing_part(world, client, settings, failing_part):
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_admin"))
    response = client.get("/staff/oversight/acceptance/", {"year": YEAR})
    assert response.status_code == 400
    assert "会失败的部分" in response.content.decode()


def _database_error(site, year):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_for_the_package")
    return b""


def test_a_part_with_a_database_error_fails_cleanly(world, monkeypatch):
    """On PostgreSQL a failed query aborts the transaction; the part runs in a savepoint so the
    request can still say what failed (and the audit log still works)."""
    parts = dict(package.PACKAGE_PARTS)
    monkeypatch.setattr(package, "PACKAGE_PARTS", parts)
    package.register_package_part("09-坏查询.xlsx", "查询出错的部分", _database_error, order=90)
    with pytest.raises(acceptance.PackageFailed, match="查询出错的部分"):
        acceptance.build_acceptance_package(world, YEAR, user("yj_admin"))
    assert AuditEvent.objects.filter(site=world).exists()  # the connection is still usable


def test_the_package_carries_the_dashboards_figures_as_counted(world):
    """02-…监测数据.xlsx: every dashboard figure's parts with the counts the dashboard shows,
    and each figure's table on its own sheet (coverage and timeliness included)."""
    from gongkai.oversight import figures

    archive = _zip(world)
    book = _workbook(archive, figures.FIGURES_PACKAGE_FILE)
    index = list(book["目录"].iter_rows(min_row=2, values_only=True))
    computed = figures.compute_all(figures.Scope(world, None, TODAY))
    expected = [(str(f.title), str(p.label), p.count) for f in computed for p in f.parts]
    assert [row[:3] for row in index] == expected
    assert {"coverage", "timeliness"} <= {f.code for f in computed}
    coverage = next(f for f in computed if f.code == "coverage")
    sheet = book[book.sheetnames[1 + [f.code for f in computed].index("coverage")]]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    width = len(coverage.headers)
    assert list(rows[0][:width]) == [str(h) for h in coverage.headers]
    as_read = [[v if isinstance(v, int) else str(v) for v in r[:width]] for r in coverage.rows]
    assert [list(r[:width]) for r in rows[1:]] == as_read
