import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openapi_spec_validator import validate

from gongkai.catalogue import services
from gongkai.catalogue.demo import load_catalogue_demo
from gongkai.catalogue.io.dump import dump_catalogue
from gongkai.catalogue.io.importer import import_catalogue
from gongkai.catalogue.models import CatalogueChange, CatalogueItem, CatalogueVersion, Domain
from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM
from tests.conftest import org, user


@pytest.fixture
def catalogue_demo(demo):
    load_catalogue_demo()
    return demo


def _login(client, username, settings):
    settings.REQUIRE_2FA = False
    client.force_login(user(username))


@pytest.mark.django_db
def test_demo_catalogues(catalogue_demo, ouhai):
    shizheng = Domain.objects.get(site=catalogue_demo, name="市政服务")
    level1 = CatalogueItem.objects.filter(domain=shizheng, depth=1).count()
    leaves = CatalogueItem.objects.filter(domain=shizheng, numchild=0).count()
    assert level1 >= 8 and leaves >= 25
    gas = CatalogueItem.objects.get(domain=shizheng, name="燃气经营许可证核发")
    assert "《城镇燃气管理条例》" in gas.basis and gas.is_official
    stop = CatalogueItem.objects.get(domain=shizheng, name="停水停气通知")
    assert stop.deadline == {"kind": "before_event", "hours": 24, "event": "停水"}
    assert {"义务教育", "扶贫救灾", "民生实事项目", "社会救助"} <= set(
        Domain.objects.filter(site=ouhai).values_list("name", flat=True)
    )
    assert CatalogueVersion.objects.filter(site=catalogue_demo, number=1).exists()
    assert load_catalogue_demo()[0].endswith("新增 0 项，更新 0 项，删除 0 项。")  # idempotent
    assert CatalogueVersion.objects.filter(site=catalogue_demo).count() == 1


@pytest.mark.django_db
def test_public_pages(client, catalogue_demo):
    shizheng = Domain.objects.get(site=catalogue_demo, name="市政服务")
    page = client.get("/catalogue/").content.decode()
    assert "市政服务领域" in page and "现行版本：第1版" in page
    assert "一级事项 10 项、二级事项 30 项，末级事项 30 项，政府信息 0 条" in page
    body = client.get(f"/catalogue/{shizheng.pk}/").content.decode()
    assert "燃气经营许可证核发" in body and "rowspan=" in body and "cat-cards" in body
    assert "catalogue/catalogue.css" in body
    gas = CatalogueItem.objects.get(domain=shizheng, name="燃气经营许可证核发")
    assert f'href="/catalogue/item/{gas.pk}/"' in body
    item = client.get(f"/catalogue/item/{gas.pk}/").content.decode()
    assert "该事项暂无已发布的政府信息" in item and "城镇燃气管理条例" in item
    assert client.get("/catalogue/999999/").status_code == 404
    home = client.get("/").content.decode()
    assert (
        "政务公开标准化规范化专栏" in home and "市政服务" in home and 'href="/catalogue/"' in home
    )


@pytest.mark.django_db
def test_public_sees_published_version_not_drafts(client, catalogue_demo):
    admin = user("yj_admin")
    domain = Domain.objects.get(site=catalogue_demo, name="市政服务")
    services.add_item(
        catalogue_demo, domain, None, {"name": "新增本地事项"}, None, None, "试点新增", admin
    )
    assert "新增本地事项" not in client.get(f"/catalogue/{domain.pk}/").content.decode()
    services.publish_version(catalogue_demo, admin, "第二版")
    page = client.get("/catalogue/").content.decode()
    assert "现行版本：第2版" in page


@pytest.mark.django_db
def test_versions_record_changes_and_compare(catalogue_demo):
    admin = user("yj_admin")
    domain = Domain.objects.get(site=catalogue_demo, name="市政服务")
    parent = CatalogueItem.objects.get(domain=domain, name="城市照明")
    local = services.add_item(
        catalogue_demo,
        domain,
        parent,
        {"name": "景观亮化", "deadline_text": "及时公开"},
        None,
        [org(catalogue_demo, "区城市管理局")],
        "新增亮化工程公开事项",
        admin,
    )
    services.update_item(local, {"deadline_text": "10个工作日"}, None, "缩短公开时限", admin)
    change = CatalogueChange.objects.filter(item_id=local.pk, action="update").get()
    assert change.reason == "缩短公开时限" and change.actor["username"] == "yj_admin"
    assert (
        change.before["deadline_text"] == "及时公开"
        and change.after["deadline_text"] == "10个工作日"
    )
    assert AuditEvent.objects.filter(
        object_id=str(local.pk), message__contains="缩短公开时限"
    ).exists()
    with pytest.raises(Exception, match="调整原因"):
        services.update_item(local, {"content": "x"}, None, "  ", admin)

    version = services.publish_version(catalogue_demo, admin, "新增亮化")
    assert version.number == 2
    assert not services.pending_changes(catalogue_demo).exists()
    diff = services.compare_snapshots(
        CatalogueVersion.objects.get(site=catalogue_demo, number=1).snapshot, version.snapshot
    )
    assert [i["path"] for i in diff["added"]] == ["城市照明 > 景观亮化"]
    assert diff["removed"] == []
    services.update_item(local, {"content": "亮化设施位置、开放时间"}, None, "补充内容", admin)
    diff = services.compare_snapshots(
        version.snapshot, dump_catalogue(catalogue_demo, with_ids=True)
    )
    assert diff["changed"][0]["fields"] == [("公开内容（要素）", "—", "亮化设施位置、开放时间")]


@pytest.mark.django_db
def test_permissions_locked_and_other_agency(catalogue_demo, client, settings):
    domain = Domain.objects.get(site=catalogue_demo, name="市政服务")
    official = CatalogueItem.objects.get(domain=domain, name="燃气经营许可证核发")
    admin, editor, editor2 = user("yj_admin"), user("yj_editor"), user("yj_editor2")
    # nobody edits an official item; the refusal is in Chinese
    allowed, why = services.can_edit_item(admin, official)
    assert not allowed and "已锁定" in why
    with pytest.raises(PermissionDenied, match="已锁定"):
        services.update_item(official, {"content": "x"}, None, "改", admin)
    # a local leaf of 住建局 (yj_editor's organisation)
    parent = CatalogueItem.objects.get(domain=domain, name="政策文件")
    local = services.add_item(
        catalogue_demo,
        domain,
        parent,
        {"name": "老旧小区改造计划"},
        None,
        [org(catalogue_demo, "区住房和城乡建设局")],
        "新增",
        admin,
    )
    assert services.can_edit_item(editor, local)[0]
    assert not services.can_edit_item(editor2, local)[0]  # 民政局 editor
    with pytest.raises(PermissionDenied, match="本单位"):
        services.update_item(local, {"content": "x"}, None, "改", editor2)
    with pytest.raises(PermissionDenied, match="公开办管理员"):
        services.add_item(catalogue_demo, domain, None, {"name": "x"}, None, None, "x", editor)

    # the same through the staff pages
    _login(client, "yj_editor2", settings)
    url = reverse("catalogue_staff:item_edit", args=[local.pk])
    response = client.post(url, {"name": "改名", "reason": "改"})
    assert response.status_code == 403 and "本单位负责" in response.content.decode()
    assert client.get(reverse("catalogue_staff:import")).status_code == 403
    _login(client, "yj_editor", settings)
    response = client.post(
        url,
        {
            "name": "老旧小区改造计划",
            "content": "改造小区名单",
            "deadline_text": "每年",
            "reason": "补充",
            "version": CatalogueItem.objects.get(pk=local.pk).version,
        },
    )
    assert response.status_code == 302
    local.refresh_from_db()
    assert local.content == "改造小区名单" and local.deadline["period"] == "yearly"
    response = client.post(
        reverse("catalogue_staff:item_edit", args=[official.pk]), {"name": "x", "reason": "x"}
    )
    assert response.status_code == 403 and "已锁定" in response.content.decode()
    # editors see their duties
    duties = client.get(reverse("catalogue_staff:duties")).content.decode()
    assert "燃气经营许可证核发" in duties and "城市供水水质公示" not in duties


@pytest.mark.django_db
def test_admin_staff_pages_move_assign_publish(catalogue_demo, client, settings):
    _login(client, "yj_admin", settings)
    domain = Domain.objects.get(site=catalogue_demo, name="市政服务")
    for name in ("index", "deadlines", "versions", "duties", "import"):
        assert client.get(reverse(f"catalogue_staff:{name}")).status_code == 200
    assert client.get(reverse("catalogue_staff:domain", args=[domain.pk])).status_code == 200
    workbench = client.get("/staff/").content.decode()
    assert "我的公开职责" in workbench and "未能识别的公开时限" in workbench

    response = client.post(
        reverse("catalogue_staff:item_add", args=[domain.pk]),
        {"name": "智慧停车", "deadline_text": "实时", "reason": "新增"},
    )
    assert response.status_code == 302
    new = CatalogueItem.objects.get(name="智慧停车")
    assert new.depth == 1 and not new.is_official and new.deadline == {"kind": "realtime"}
    first_root = CatalogueItem.objects.filter(domain=domain, depth=1).order_by("path").first()
    url = reverse("catalogue_staff:item_move", args=[new.pk])
    assert client.post(url, {"direction": "up"}).status_code == 200  # no reason: form error
    assert (
        client.post(
            url, {"direction": "into", "target": first_root.pk, "reason": "归类"}
        ).status_code
        == 302
    )
    new.refresh_from_db()
    assert new.depth == 2 and CatalogueItem.objects.get_parent(new) == first_root
    assert client.post(url, {"direction": "up", "reason": "排序"}).status_code == 302
    official = CatalogueItem.objects.get(name="燃气经营许可证核发")
    assert (
        client.post(
            reverse("catalogue_staff:item_move", args=[official.pk]),
            {"direction": "down", "reason": "x"},
        ).status_code
        == 403
    )

    gas = official
    third_party = org(catalogue_demo, "安庆港华燃气有限公司")
    housing = org(catalogue_demo, "区住房和城乡建设局")
    response = client.post(
        reverse("catalogue_staff:item_assign", args=[gas.pk]),
        {"organisations": [housing.pk, third_party.pk], "reason": "委托燃气企业公开"},
    )
    assert response.status_code == 302
    gas.refresh_from_db()
    assert set(gas.organisations.all()) == {housing, third_party}
    assert gas.responsible_text == "区住房和城乡建设局、安庆港华燃气有限公司"

    response = client.post(reverse("catalogue_staff:versions"), {"note": "第二版"})
    assert response.status_code == 302
    page = client.get(reverse("catalogue_staff:compare"), {"a": "1", "b": "2"}).content.decode()
    assert "智慧停车" in page and "安庆港华燃气有限公司" in page
    export = client.get(reverse("catalogue_staff:export"), {"domain": domain.pk})
    assert export.status_code == 200 and export.content.startswith(b"PK")


@pytest.mark.django_db
def test_staff_import_preview_then_confirm(yingjiang, client, settings, files, tmp_path):
    settings.VAR_DIR = tmp_path
    _login(client, "yj_admin", settings)
    with open(files["bad"], "rb") as fh:
        response = client.post(
            reverse("catalogue_staff:import"), {"file": fh, "official": "on", "reason": "导入"}
        )
    preview = client.get(response["Location"]).content.decode()
    assert "第 5 行：缺少二级事项" in preview and "确认导入" not in preview
    with open(files["xlsx"], "rb") as fh:
        response = client.post(
            reverse("catalogue_staff:import"), {"file": fh, "official": "on", "reason": "导入"}
        )
    preview = client.get(reverse("catalogue_staff:import_preview")).content.decode()
    assert "试运行（未保存）" in preview and "确认导入" in preview and "项目建设单位" in preview
    assert CatalogueItem.objects.count() == 0
    response = client.post(reverse("catalogue_staff:import_confirm"))
    assert response.status_code == 302
    assert CatalogueItem.objects.filter(site=yingjiang).count() == 24
    fake = io.BytesIO(b"%PDF-1.4 not a catalogue")
    fake.name = "catalogue.xlsx"
    response = client.post(reverse("catalogue_staff:import"), {"file": fake, "reason": "x"})
    assert "不是 .xlsx 或 .docx 格式" in response.content.decode()


@pytest.mark.django_db
def test_api_tree_filters_and_exports(client, catalogue_demo):
    body = client.get("/api/v1/sites/yingjiang/catalogue").json()
    assert body["version"] == 1
    assert len(body["domains"]) == 7  # in the national order of the 26 domains
    domain = next(d for d in body["domains"] if d["domain"] == "市政服务")
    gas = domain["items"][0]["children"][0]
    assert gas["name"] == "燃气经营许可证核发" and gas["deadline"]["kind"] == "working_days"
    assert gas["channels"] == ["政府网站", "政务服务中心"]

    water = client.get(
        "/api/v1/sites/yingjiang/catalogue", {"organisation": "安庆市迎江区自来水公司"}
    ).json()
    names = [c["name"] for d in water["domains"] for i in d["items"] for c in i["children"]]
    assert "城市供水水质公示" in names and "燃气经营许可证核发" not in names
    on_request = client.get("/api/v1/sites/yingjiang/catalogue", {"mode": "on_request"}).json()
    assert [c["name"] for i in on_request["domains"][0]["items"] for c in i["children"]] == [
        "市政工程档案查询"
    ]
    ouhai = client.get("/api/v1/sites/ouhai/catalogue", {"domain": "社会救助"}).json()
    assert [d["domain"] for d in ouhai["domains"]] == ["社会救助"]
    assert client.get("/api/v1/sites/nowhere/catalogue").status_code == 404

    csv_text = client.get("/api/v1/sites/yingjiang/catalogue.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0][:3] == ["公开领域", "一级事项", "二级事项"]
    assert sum(1 for row in rows if row[0] == "市政服务") == 30  # one row per leaf
    data = json.loads(client.get("/api/v1/sites/yingjiang/catalogue.json").content)
    assert "市政服务" in [d["domain"] for d in data]
    spec = client.get("/api/v1/openapi.json").json()
    validate(spec)
    assert "/api/v1/sites/{site}/catalogue" in spec["paths"]


@pytest.mark.django_db
def test_importing_into_a_site_does_not_touch_another(yingjiang, ouhai, files):
    import_catalogue(files["xlsx"], ouhai, actor=SYSTEM)
    before = dump_catalogue(ouhai, with_ids=True)
    import_catalogue(files["xlsx"], yingjiang, actor=SYSTEM)
    assert dump_catalogue(ouhai, with_ids=True) == before


@pytest.mark.django_db
def test_api_tree_matches_its_documented_schema(client, catalogue_demo):
    """Regression (schemathesis): the oversight API's `ItemOut` had taken the catalogue's name
    in the OpenAPI components, so the documented tree items had `cells`, not `name`."""
    from jsonschema import Draft202012Validator

    spec = client.get("/api/v1/openapi.json").json()
    ok = spec["paths"]["/api/v1/sites/{site}/catalogue"]["get"]["responses"]["200"]
    schema = {**ok["content"]["application/json"]["schema"], "components": spec["components"]}
    body = client.get("/api/v1/sites/yingjiang/catalogue").json()
    assert body["domains"][0]["items"]
    assert not list(Draft202012Validator(schema).iter_errors(body))
    # The CSV export is documented as CSV, not as a JSON string.
    csv_ok = spec["paths"]["/api/v1/sites/{site}/catalogue.csv"]["get"]["responses"]["200"]
    assert list(csv_ok["content"]) == ["text/csv"]
