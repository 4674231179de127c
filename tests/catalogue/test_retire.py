"""Catalogue adjustment without dead ends (issue 11.8): an item the new standard drops but that
has records under it is retired (停用) once the admin confirms, instead of blocking the import."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.catalogue.io.errors import CatalogueFileError
from gongkai.catalogue.io.exporter import export_xlsx_bytes
from gongkai.catalogue.io.importer import import_catalogue
from gongkai.catalogue.models import CatalogueChange, CatalogueItem, ChangeAction, Domain
from gongkai.core.permissions import SYSTEM
from gongkai.records import workflow
from tests.conftest import login_verified, org, user
from tests.records.conftest import published


@pytest.fixture
def setup(yingjiang, files, tmp_path):
    """The 义务教育 catalogue imported, a published record under 学校基本情况, the complete
    file and a copy of it without 学校概况 › 学校基本情况."""
    import_catalogue(files["docx"], yingjiang, actor=SYSTEM)
    leaf = CatalogueItem.objects.get(site=yingjiang, name="学校基本情况")
    housing = org(yingjiang, "区住房和城乡建设局")
    leaf.organisations.set([housing])
    record = published(user("yj_editor"), user("yj_reviewer"), housing, leaf)
    full = tmp_path / "full.xlsx"
    full.write_bytes(export_xlsx_bytes(yingjiang, Domain.objects.get(name="义务教育")))
    dropped = tmp_path / "dropped.xlsx"
    wb = load_workbook(full)
    ws = wb["义务教育"]
    assert ws.cell(4, 3).value == "学校基本情况"
    ws.delete_rows(4)
    wb.save(dropped)
    return {"leaf": leaf, "record": record, "full": full, "dropped": dropped, "org": housing}


def _state(site):
    return sorted(CatalogueItem.objects.filter(site=site).values_list("name", "path", "is_retired"))


@pytest.mark.django_db
def test_import_dropping_item_with_records_is_refused_without_confirmation(yingjiang, setup):
    before = _state(yingjiang)
    changes = CatalogueChange.objects.count()
    with pytest.raises(CatalogueFileError) as exc:
        import_catalogue(setup["dropped"], yingjiang, actor=SYSTEM)
    message = str(exc.value)
    assert "学校概况 › 学校基本情况" in message and "--retire" in message
    assert "未导入任何内容" in message
    assert _state(yingjiang) == before and CatalogueChange.objects.count() == changes
    # the dry run says what would happen, distinctly
    summary = import_catalogue(setup["dropped"], yingjiang, actor=SYSTEM, dry_run=True)
    assert [r["action"] for r in summary.removed] == ["retire", "retire"]
    assert "停用 2 项（需确认）" in summary.line()


@pytest.mark.django_db
def test_confirmed_import_retires_item_keeps_records_public_and_history(yingjiang, setup, client):
    leaf, record = setup["leaf"], setup["record"]
    editor = user("yj_editor")
    login_verified(client, editor)
    assert "学校基本情况" in client.get(reverse("records_staff:new")).content.decode()
    client.logout()
    summary = import_catalogue(setup["dropped"], yingjiang, actor=SYSTEM, retire=True)
    assert (summary.retired, summary.deleted) == (2, 0)  # the leaf and its 一级事项
    leaf.refresh_from_db()
    assert leaf.is_retired and leaf.retired_at is not None
    assert CatalogueItem.objects.get(name="学校概况").is_retired
    assert not CatalogueItem.objects.get(name="招生结果").is_retired
    change = CatalogueChange.objects.get(item_id=leaf.pk, action=ChangeAction.RETIRE)
    assert change.before["names"] == ["学校概况", "学校基本情况"] and change.after["retired"]

    # public: the record stays reachable, the item page says 已停用
    assert client.get(record.get_absolute_url()).status_code == 200
    page = client.get(reverse("catalogue:item", args=[leaf.pk])).content.decode()
    assert "已停用" in page and record.title in page
    domain = Domain.objects.get(name="义务教育")
    table = client.get(reverse("catalogue:domain", args=[domain.pk])).content.decode()
    assert "（已停用）" in table

    # no new records: not offered to the editor, refused by the workflow
    assert leaf not in workflow.leaf_items_for(editor)
    login_verified(client, editor)
    assert "学校基本情况" not in client.get(reverse("records_staff:new")).content.decode()
    client.logout()
    with pytest.raises(workflow.WorkflowError, match="已停用"):
        workflow.create_draft(
            editor, organisation=setup["org"], catalogue_item=leaf, data={"title": "x"}
        )

    # the search document marks it
    from gongkai.catalogue.indexing import item_document

    assert item_document(leaf).body.startswith("（已停用）")

    # the same file again changes nothing
    again = import_catalogue(setup["dropped"], yingjiang, actor=SYSTEM)
    assert (again.created, again.updated, again.deleted, again.retired) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_reimport_bringing_item_back_restores_it(yingjiang, setup):
    leaf = setup["leaf"]
    import_catalogue(setup["dropped"], yingjiang, actor=SYSTEM, retire=True)
    summary = import_catalogue(setup["full"], yingjiang, actor=SYSTEM)
    assert summary.restored == 2 and summary.created == 0
    assert summary.row_status[("义务教育", ("学校概况", "学校基本情况"))] == "restored"
    leaf.refresh_from_db()
    assert not leaf.is_retired and leaf.retired_at is None
    assert CatalogueChange.objects.filter(item_id=leaf.pk, action=ChangeAction.RESTORE).exists()
    leaf.organisations.set([setup["org"]])  # the file set 区教育体育局 again
    assert leaf in workflow.leaf_items_for(user("yj_editor"))


@pytest.mark.django_db
def test_cli_refuses_then_retires_with_flag(yingjiang, setup, capsys):
    with pytest.raises(CommandError, match="--retire"):
        call_command("catalogue", "import", str(setup["dropped"]), "--site", yingjiang.slug)
    assert not CatalogueItem.objects.get(pk=setup["leaf"].pk).is_retired
    call_command("catalogue", "import", str(setup["dropped"]), "--site", yingjiang.slug, "--retire")
    out = capsys.readouterr().out
    assert "停用：义务教育：学校概况 › 学校基本情况" in out
    assert CatalogueItem.objects.get(pk=setup["leaf"].pk).is_retired


@pytest.mark.django_db
def test_staff_preview_marks_rows_and_confirmation_checkbox_retires(
    yingjiang, setup, client, tmp_path
):
    login_verified(client, user("yj_admin"))
    wb = load_workbook(setup["dropped"])
    ws = wb["义务教育"]
    for row in ws.iter_rows(min_row=4):
        if row[2].value == "招生结果":
            row[5].value = "录取后3个工作日内"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    with edited.open("rb") as fh:
        response = client.post(
            reverse("catalogue_staff:import"), {"file": fh, "official": "on", "reason": "新版标准"}
        )
    assert response.status_code == 302
    page = client.get(reverse("catalogue_staff:import_preview")).content.decode()
    assert "<strong>修改</strong>" in page and "不变" in page
    assert "停用（下有政府信息）" in page and 'name="retire"' in page
    # without the box ticked: refused, nothing changed
    response = client.post(reverse("catalogue_staff:import_confirm"), follow=True)
    assert "不能删除" in response.content.decode()
    assert not CatalogueItem.objects.get(pk=setup["leaf"].pk).is_retired
    response = client.post(reverse("catalogue_staff:import_confirm"), {"retire": "1"})
    assert response.status_code == 302
    assert CatalogueItem.objects.get(pk=setup["leaf"].pk).is_retired
    assert CatalogueItem.objects.get(name="招生结果").deadline["days"] == 3


@pytest.mark.django_db
def test_exports_hold_the_standard_in_force_and_round_trip_without_restoring(
    yingjiang, setup, client, tmp_path
):
    """Before: the xlsx listed a retired item as an ordinary row, so importing an export
    quietly restored what the admin had retired."""
    import_catalogue(setup["dropped"], yingjiang, actor=SYSTEM, retire=True)
    domain = Domain.objects.get(name="义务教育")
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(export_xlsx_bytes(yingjiang, domain))
    names = {c.value for row in load_workbook(exported)["义务教育"].iter_rows() for c in row}
    assert "招生结果" in names and "学校基本情况" not in names
    again = import_catalogue(exported, yingjiang, actor=SYSTEM)
    assert (again.created, again.updated, again.restored, again.retired) == (0, 0, 0, 0)
    assert CatalogueItem.objects.get(pk=setup["leaf"].pk).is_retired
    csv = client.get(f"/api/v1/sites/{yingjiang.slug}/catalogue.csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "招生结果" in text and "学校基本情况" not in text
