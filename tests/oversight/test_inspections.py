"""自查/督查 (issue 12 point 3): findings and hand-entered problems assigned to organisations
with a deadline, rectified with evidence by the organisation's staff, accepted or returned by
the office; the inspection closes only when every item is done; the report as .docx."""

import io
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.core.versioning import VersionConflict
from gongkai.core.workcalendar import add_working_days
from gongkai.oversight import inspections
from gongkai.oversight.models import (
    Finding,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionState,
    ItemState,
    Severity,
)
from gongkai.oversight.package import registered_parts
from tests.conftest import org, user
from tests.records.files import pdf_bytes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inspection(yingjiang):
    return inspections.open_inspection(
        user("yj_admin"),
        yingjiang,
        kind=InspectionKind.SELF,
        title="2026年第四季度政务公开自查",
        period="2026年第四季度",
        held_on=TODAY,
    )


@pytest.fixture
def finding(yingjiang):
    return Finding.objects.create(
        site=yingjiang,
        organisation=org(yingjiang, "区住房和城乡建设局"),
        check_code="stale_column",
        indicator="栏目更新",
        severity=Severity.VETO,
        key="column:1",
        title="“通知公告”栏目超过6个月未更新",
    )


def _assigned(inspection, finding, days=5):
    (item,) = inspections.add_findings(user("yj_admin"), inspection, [finding])
    return inspections.assign(
        user("yj_admin"), item, organisation=finding.organisation, working_days=days
    )


def test_finding_to_accepted_rectification(inspection, finding):
    item = _assigned(inspection, finding)
    assert item.state == ItemState.ASSIGNED and item.number == 1
    assert item.deadline == add_working_days(TODAY, 5).date and item.deadline_days == 5
    assert item.indicator == "栏目更新" and item.severity == Severity.VETO
    # the finding, now in an open inspection, is no longer offered again
    assert not inspections.open_findings(inspection.site).filter(pk=finding.pk).exists()

    item = inspections.rectify(
        user("yj_editor"), item, text="已补发通知公告3条。", files=[("截图.pdf", pdf_bytes())]
    )
    assert item.state == ItemState.SUBMITTED
    evidence = item.evidence.get()
    stored = evidence.file.read()
    assert evidence.file_kind == "pdf" and stored.startswith(b"%PDF-")
    assert b"Author" not in stored  # the author's name is stripped (《条例》第十五条)

    item = inspections.send_back(user("yj_admin"), item, reason="请附上栏目页面截图。")
    assert item.state == ItemState.RETURNED and item.return_reason == "请附上栏目页面截图。"
    item = inspections.rectify(user("yj_editor"), item, text="已补发通知公告3条，附截图。")
    item = inspections.accept(user("yj_admin"), item)
    assert item.state == ItemState.ACCEPTED and item.accepted_at is not None

    events = AuditEvent.objects.filter(
        object_type="oversight.inspectionitem", object_id=str(item.pk)
    )
    assert list(events.order_by("id").values_list("message", flat=True)) == [
        "从自动检查结果添加问题",
        "交办整改",
        "提交整改情况",
        "退回整改情况",
        "提交整改情况",
        "整改验收通过",
    ]
    # no personal data or free text in the audit log: only states, ids and dates
    for event in events:
        assert "通知公告3条" not in str(event.after) and "截图" not in str(event.after)

    closed = inspections.close_inspection(user("yj_admin"), inspection)
    assert closed.state == InspectionState.CLOSED


def test_closing_needs_every_item_accepted_or_closed_with_a_reason(inspection, finding):
    item = _assigned(inspection, finding)
    with pytest.raises(inspections.InspectionError, match="1 个问题未验收通过或关闭"):
        inspections.close_inspection(user("yj_admin"), inspection)
    with pytest.raises(inspections.InspectionError, match="请填写关闭原因"):
        inspections.close_item(user("yj_admin"), item, reason=" ")
    inspections.close_item(user("yj_admin"), item, reason="误报：栏目已于检查前更新。")
    assert inspections.close_inspection(user("yj_admin"), inspection).state == "closed"
    with pytest.raises(inspections.InspectionError, match="已结束"):
        inspections.add_item(
            user("yj_admin"), inspection, indicator="x", description="y", severity="deduction"
        )


def test_hand_entered_item_with_a_date_deadline_and_overdue_flag(inspection, yingjiang):
    admin = user("yj_admin")
    item = inspections.add_item(
        admin,
        inspection,
        indicator="办事服务",
        description="办事指南缺少收费标准",
        severity=Severity.DEDUCTION,
        points=Decimal(2),
    )
    civil = org(yingjiang, "区民政局")
    on = TODAY + timedelta(days=3)
    item = inspections.assign(admin, item, organisation=civil, on=on)
    assert item.deadline == on and item.deadline_days is None and not item.is_overdue
    with pytest.raises(inspections.InspectionError, match="二选一"):
        inspections.assign(admin, item, organisation=civil)
    with pytest.raises(inspections.InspectionError, match="不能早于今天"):
        inspections.assign(admin, item, organisation=civil, on=TODAY - timedelta(days=1))
    InspectionItem.objects.filter(pk=item.pk).update(deadline=TODAY - timedelta(days=1))
    item.refresh_from_db()
    assert item.is_overdue
    assert inspections.progress(inspection).overdue == 1
    assert list(inspections.overdue_items(yingjiang)) == [item]


def test_another_organisations_editor_cannot_see_or_rectify(inspection, finding, client, settings):
    item = _assigned(inspection, finding)  # 住建局's item
    with pytest.raises(PermissionDenied):
        inspections.rectify(user("yj_editor2"), item, text="民政局代为整改")
    assert not inspections.visible_items(user("yj_editor2"), inspection).exists()
    assert not inspections.visible_inspections(user("yj_editor2"), inspection.site).exists()
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_editor2"))
    assert client.get(item.get_absolute_url()).status_code == 404
    response = client.post(
        item.get_absolute_url(),
        {"action": "rectify", "rectify-text": "x", "rectify-version": item.version},
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED and item.rectification == ""
    # 住建局's own editor sees it
    client.force_login(user("yj_editor"))
    assert client.get(item.get_absolute_url()).status_code == 200


def test_the_evaluator_and_the_editor_cannot_accept(inspection, finding, client, settings):
    item = _assigned(inspection, finding)
    item = inspections.rectify(user("yj_editor"), item, text="已整改。")
    for name in ("yj_evaluator", "yj_editor", "yj_reviewer"):
        with pytest.raises(PermissionDenied):
            inspections.accept(user(name), item)
    # the evaluator reads the item but the page refuses the step
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_evaluator"))
    assert client.get(item.get_absolute_url()).status_code == 200
    response = client.post(
        item.get_absolute_url(), {"action": "accept", "accept-version": item.version}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED
    # and the office cannot write an organisation's rectification for it
    with pytest.raises(PermissionDenied):
        inspections.rectify(user("yj_admin"), item, text="公开办代填")


def test_two_accepts_at_once_only_one_wins(inspection, finding):
    item = _assigned(inspection, finding)
    item = inspections.rectify(user("yj_editor"), item, text="已整改。")
    first = InspectionItem.objects.get(pk=item.pk)
    second = InspectionItem.objects.get(pk=item.pk)  # both pages loaded the same version
    inspections.accept(user("yj_admin"), first, version=second.version)
    with pytest.raises(VersionConflict):
        inspections.accept(user("yj_admin"), second, version=second.version)
    # without a version (e.g. a script), the state machine refuses the second accept
    with pytest.raises(inspections.InspectionError, match="已验收"):
        inspections.accept(user("yj_admin"), InspectionItem.objects.get(pk=item.pk))
    accepts = AuditEvent.objects.filter(
        object_type="oversight.inspectionitem", object_id=str(item.pk), message="整改验收通过"
    )
    assert accepts.count() == 1


def test_evidence_is_checked_by_content(inspection, finding):
    item = _assigned(inspection, finding)
    with pytest.raises(inspections.InspectionError, match="按文件内容判断"):
        inspections.rectify(
            user("yj_editor"), item, text="x", files=[("截图.pdf", b"<html>not a pdf</html>")]
        )
    with pytest.raises(inspections.InspectionError, match="损坏"):
        inspections.rectify(user("yj_editor"), item, text="x", files=[("a.pdf", b"%PDF-1.4 junk")])
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED and not item.evidence.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("docx_with_paragraphs", "段落超过 10,000 个"),
        ("xlsx_with_rows", "行超过 20,000 个"),
        ("corrupt_docx", "损坏"),
    ],
)
def test_hostile_office_evidence_is_refused(inspection, finding, make, message):
    """Evidence costs no more to open than any upload (core.uploads.check_office_cost)."""
    from tests import hostile_files

    item = _assigned(inspection, finding)
    with pytest.raises(inspections.InspectionError, match=message):
        inspections.rectify(
            user("yj_editor"), item, text="x", files=[("材料.docx", getattr(hostile_files, make)())]
        )
    assert not item.evidence.exists()


def test_the_record_linked_must_be_the_organisations(inspection, finding, yingjiang):
    from gongkai.records import workflow
    from tests.records.conftest import data, make_leaf

    item = _assigned(inspection, finding)
    civil, housing = org(yingjiang, "区民政局"), item.organisation
    leaf = make_leaf(yingjiang, organisations=[civil, housing])
    other, _ = workflow.create_draft(
        user("yj_editor2"), organisation=civil, catalogue_item=leaf, data=data()
    )
    own, _ = workflow.create_draft(
        user("yj_editor"), organisation=housing, catalogue_item=leaf, data=data()
    )
    with pytest.raises(inspections.InspectionError, match="本单位"):
        inspections.rectify(user("yj_editor"), item, text="x", record=other)
    item = inspections.rectify(user("yj_editor"), item, text="见通知。", record=own)
    assert item.record == own and item.state == ItemState.SUBMITTED


def _accepted_inspection(inspection, finding):
    item = _assigned(inspection, finding)
    item = inspections.rectify(user("yj_editor"), item, text="已补发通知公告3条并明确专人更新。")
    inspections.accept(user("yj_admin"), item)
    inspections.add_item(
        user("yj_admin"),
        inspection,
        indicator="互动交流",
        description="留言超过3个月未答复",
        severity=Severity.VETO,
    )
    return item


def test_report_docx_lists_the_accepted_rectification(inspection, finding):
    from docx import Document

    _accepted_inspection(inspection, finding)
    data = inspections.export_report(user("yj_admin"), inspection)
    doc = Document(io.BytesIO(data))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("标题", "2026年第四季度政务公开自查报告")
    headings = [t for s, t in styles if s == "一级标题"]
    assert headings == ["一、基本情况", "二、发现的问题及整改情况", "三、下一步工作"]
    assert ("发文机关署名", "区政务公开办公室") in styles
    assert any(s == "成文日期" and t.endswith("日") for s, t in styles)
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "问题", "责任单位", "整改期限", "整改情况", "状态"]
    first = [c.text for c in table.rows[1].cells]
    assert first[0] == "1" and "通知公告" in first[1] and first[2] == "区住房和城乡建设局"
    assert first[4] == "已补发通知公告3条并明确专人更新。" and first[5] == "已验收"
    second = [c.text for c in table.rows[2].cells]
    assert second[2] == "未交办" and second[5] == "待交办"
    event = AuditEvent.objects.get(object_type="oversight.inspection", message="导出检查报告")
    assert event.event_type == "data.exported"


def test_report_converts_with_libreoffice(inspection, finding, tmp_path):
    from pypdf import PdfReader

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    _accepted_inspection(inspection, finding)
    source = tmp_path / "report.docx"
    source.write_bytes(inspections.report_docx(inspection))
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (tmp_path / "report.pdf").exists(), done.stdout + done.stderr  # Writer missing?
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    flat = "".join(text.split())
    assert "发现的问题及整改情况" in flat
    assert "已补发通知公告3条并明确专人更新。" in flat and "已验收" in flat


def test_package_parts_are_registered_and_build(inspection, finding):
    from docx import Document

    parts = {p.filename: p for p in registered_parts()}
    part = parts["07-自查督查报告及整改情况.docx"]
    _accepted_inspection(inspection, finding)
    doc = Document(io.BytesIO(part.build(inspection.site, TODAY.year)))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "已补发通知公告3条并明确专人更新。" in cells
    assert "08-第三方评估结果.xlsx" in parts


def test_page_flow_for_the_office(inspection, finding, client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_admin"))
    url = inspection.get_absolute_url()
    page = client.get(url).content.decode()
    assert finding.title in page  # offered to add
    response = client.post(url, {"action": "add_findings", "findings-findings": [finding.pk]})
    assert response.status_code == 302
    item = inspection.items.get()
    response = client.post(
        item.get_absolute_url(),
        {
            "action": "assign",
            "assign-organisation": finding.organisation.pk,
            "assign-working_days": "",
            "assign-on": "",
            "assign-version": item.version,
        },
    )
    assert "二选一" in response.content.decode()
    response = client.post(
        item.get_absolute_url(),
        {
            "action": "assign",
            "assign-organisation": finding.organisation.pk,
            "assign-working_days": "10",
            "assign-version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED
    # a stale page (the version it loaded) cannot act after someone else did
    response = client.post(
        item.get_absolute_url(),
        {"action": "close", "close-reason": "误报", "close-version": item.version - 1},
    )
    assert "保存冲突" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED
    report = client.get(f"/staff/oversight/inspections/{inspection.pk}/report/")
    assert report.status_code == 200 and report["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_demo_loads_an_inspection_in_various_states(yingjiang, media):
    from gongkai.oversight.demo import DEMO_INSPECTION, load_inspection_demo

    lines = load_inspection_demo()
    inspection = Inspection.objects.get(site=yingjiang, title=DEMO_INSPECTION)
    states = set(inspection.items.values_list("state", flat=True))
    assert states == {"accepted", "submitted", "returned", "new"}
    assert lines and load_inspection_demo() == []  # loading twice adds nothing
    assert Inspection.objects.filter(site=yingjiang, title=DEMO_INSPECTION).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_accepts_in_parallel_threads_only_one_wins(transactional_db, settings, tmp_path):
    """Two office admins press 验收通过 at the same moment, each in its own thread and database
    connection: the row lock and the version let exactly one through."""
    import threading

    from django.db import close_old_connections, connection

    from gongkai.core.demo import load_demo
    from gongkai.core.models import Membership, Role, User

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("内存中的 SQLite 测试库不支持多连接并发写；请在 PostgreSQL 上运行此测试")
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    admin = user("yj_admin")
    second = User.objects.create_user("yj_admin2", "a2@example.gov.cn", "x")
    office = Membership.objects.filter(user=admin, role=Role.OFFICE_ADMIN).first().organisation
    Membership.objects.create(user=second, organisation=office, role=Role.OFFICE_ADMIN)
    site = office.site
    inspection = inspections.open_inspection(
        admin, site, kind="self", title="并发验收", period="本季度", held_on=TODAY
    )
    item = inspections.add_item(
        admin, inspection, indicator="发布解读", description="栏目未更新", severity="deduction"
    )
    item = inspections.assign(
        admin, item, organisation=org(site, "区住房和城乡建设局"), working_days=5
    )
    item = inspections.rectify(user("yj_editor"), item, text="已整改。")
    loaded = item.version
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def accept(actor):
        try:
            instance = InspectionItem.objects.get(pk=item.pk)
            barrier.wait(timeout=10)
            inspections.accept(actor, instance, version=loaded)
            outcome[actor.username] = "accepted"
        except (VersionConflict, inspections.InspectionError):
            outcome[actor.username] = "refused"
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in (admin, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcome.values()) == ["accepted", "refused"], outcome
    stored = InspectionItem.objects.get(pk=item.pk)
    assert stored.state == ItemState.ACCEPTED and stored.version == loaded + 1
    accepts = AuditEvent.objects.filter(
        object_type="oversight.inspectionitem", object_id=str(item.pk), message="整改验收通过"
    )
    assert accepts.count() == 1


def test_workbench_shows_what_waits(inspection, finding, client, settings):
    settings.REQUIRE_2FA = False
    item = _assigned(inspection, finding)
    client.force_login(user("yj_editor"))
    assert "整改中的问题 1 个，其中逾期 0 个" in client.get("/staff/").content.decode()
    client.force_login(user("yj_editor2"))  # 民政局 has nothing to rectify: no panel
    assert "整改中的问题" not in client.get("/staff/").content.decode()
    inspections.rectify(user("yj_editor"), item, text="已整改。")
    client.force_login(user("yj_admin"))
    assert "待验收的整改 1 个" in client.get("/staff/").content.decode()


def test_the_report_is_signed_by_the_organising_office(inspection, yingjiang):
    from docx import Document

    assert inspection.organiser == org(yingjiang, "区政务公开办公室")
    # opened by a command (no office admin): the site's 公开办, not its parent 办公室
    by_system = inspections.open_inspection(
        SYSTEM, yingjiang, kind="supervision", title="督查", period="本年", held_on=TODAY
    )
    assert by_system.organiser == org(yingjiang, "区政务公开办公室")
    doc = Document(io.BytesIO(inspections.report_docx(by_system)))
    assert ("发文机关署名", "区政务公开办公室") in [(p.style.name, p.text) for p in doc.paragraphs]
