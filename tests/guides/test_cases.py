"""办件公示: the acceptance system's monthly counts come in as .xlsx or through the API, all or
nothing with row-numbered Chinese errors, as an idempotent upsert per item, window and month;
only the office admin sends them; the public page shows the month's table."""

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.guides import cases
from gongkai.guides.models import CaseStatistic, Window
from tests.conftest import login_verified, org, user

from .factories import make_item

HEADER = [
    "统计月份",
    "事项编码",
    "窗口号",
    "受理件数",
    "办结件数",
    "准予件数",
    "不予件数",
    "按时办结件数",
]


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["迎江区政务服务中心办件统计"])  # a title above the header, as exports have
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def hall(yingjiang):
    housing = org(yingjiang, "区住房和城乡建设局")
    a = make_item(yingjiang, housing, code="YJ-001", name="建筑工程施工许可")
    b = make_item(yingjiang, housing, code="YJ-002", name="房屋租赁登记备案")
    window = Window.objects.create(site=yingjiang, number="A01", name="投资建设综合窗口")
    return {"a": a, "b": b, "window": window}


GOOD = [
    ["2026-10", "YJ-001", "A01", 12, 10, 9, 1, 10],
    ["2026年10月", "YJ-002", "", 5, 5, 5, 0, 4],
    [date(2026, 9, 1), "YJ-001", "A01", 8, 8, 8, 0, 8],
]


def _rows(site):
    return sorted(
        CaseStatistic.objects.filter(site=site).values_list(
            "month", "item__code", "window__number", "received", "completed", "on_time"
        )
    )


def test_an_import_stores_every_row_and_again_changes_nothing(yingjiang, hall):
    admin = user("yj_admin")
    result = cases.import_xlsx(admin, yingjiang, "统计.xlsx", xlsx(GOOD))
    assert (result.created, result.updated, result.months) == (3, 0, ["2026-09", "2026-10"])
    stored = _rows(yingjiang)
    assert stored == [
        (date(2026, 9, 1), "YJ-001", "A01", 8, 8, 8),
        (date(2026, 10, 1), "YJ-001", "A01", 12, 10, 10),
        (date(2026, 10, 1), "YJ-002", None, 5, 5, 4),
    ]
    events = AuditEvent.objects.filter(event_type="data.imported").count()
    again = cases.import_xlsx(admin, yingjiang, "统计.xlsx", xlsx(GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _rows(yingjiang) == stored
    assert AuditEvent.objects.filter(event_type="data.imported").count() == events
    corrected = [["2026-10", "YJ-001", "A01", 13, 11, 10, 1, 11]]
    assert cases.import_xlsx(admin, yingjiang, "更正.xlsx", xlsx(corrected)).updated == 1
    assert CaseStatistic.objects.get(item=hall["a"], month=date(2026, 10, 1)).received == 13


def test_a_bad_row_is_named_and_nothing_is_stored(yingjiang, hall):
    admin = user("yj_admin")
    cases.import_xlsx(admin, yingjiang, "统计.xlsx", xlsx(GOOD[:1]))
    before = _rows(yingjiang)
    bad = [
        ["2026-10", "YJ-002", "A01", 3, 3, 3, 0, 3],  # fine, but not stored either
        ["2026-13", "YJ-001", "A01", 1, 1, 1, 0, 1],
        ["2026-10", "NOPE", "Z9", -1, 1, 1, 0, 1],
        ["2026-10", "YJ-001", "A01", 5, 2, 2, 1, 2],
        ["2026-10", "YJ-002", "A01", 3, 3, 3, 0, 3],  # the same key as row 3
    ]
    with pytest.raises(cases.CaseImportError) as caught:
        cases.import_xlsx(admin, yingjiang, "统计.xlsx", xlsx(bad))
    errors = caught.value.errors
    assert errors[0] == "第 4 行：统计月份“2026-13”无效，应如 2026-10"
    assert errors[1].startswith("第 5 行：本站点没有事项编码“NOPE”，本站点没有窗口号“Z9”")
    assert "受理件数“-1”应为不小于 0 的整数" in errors[1]
    assert errors[2] == "第 6 行：准予件数与不予件数之和不能大于办结件数"
    assert errors[3] == "第 7 行：与第 3 行重复（同一事项、窗口和月份）"
    assert _rows(yingjiang) == before


def test_a_future_month_a_missing_column_and_a_file_that_is_not_xlsx(yingjiang, hall):
    admin = user("yj_admin")
    future = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 1)
    with pytest.raises(cases.CaseImportError, match="尚未到来"):
        cases.import_xlsx(admin, yingjiang, "a.xlsx", xlsx([[f"{future:%Y-%m}", "YJ-001"]]))
    with pytest.raises(cases.CaseImportError, match="缺少列：按时办结件数"):
        cases.import_xlsx(admin, yingjiang, "a.xlsx", xlsx([], header=HEADER[:-1]))
    with pytest.raises(cases.CaseImportError, match="不是 Excel（.xlsx）文件"):
        cases.import_xlsx(admin, yingjiang, "统计.xlsx", b"month,item\n2026-10,YJ-001\n")
    assert not CaseStatistic.objects.exists()


def test_only_the_office_admin_imports(yingjiang, hall):
    for name in ("yj_editor", "yj_reviewer", "yj_evaluator", "oh_admin"):
        with pytest.raises(PermissionDenied):
            cases.import_xlsx(user(name), yingjiang, "统计.xlsx", xlsx(GOOD))
    assert not CaseStatistic.objects.exists()


def test_the_staff_page_imports_or_lists_the_errors(client, yingjiang, hall):
    login_verified(client, user("yj_admin"))
    bad = [GOOD[0], ["2026-10", "YJ-001", "A01", 1, 2, 0, 0, 0]]
    response = client.post(
        "/staff/services/hall/statistics/",
        {"file": SimpleUploadedFile("统计.xlsx", xlsx(bad))},
    )
    assert response.status_code == 400
    assert "第 4 行：与第 3 行重复" in response.content.decode()
    assert not CaseStatistic.objects.exists()
    response = client.post(
        "/staff/services/hall/statistics/", {"file": SimpleUploadedFile("统计.xlsx", xlsx(GOOD))}
    )
    assert response.status_code == 302
    assert CaseStatistic.objects.count() == 3


API = "/api/v1/services/case-statistics"
PAYLOAD = {
    "rows": [
        {"month": "2026-10", "item_code": "YJ-001", "window_number": "A01", "received": 12,
         "completed": 10, "approved": 9, "refused": 1, "on_time": 10},
        {"month": "2026-10", "item_code": "YJ-002", "received": 4, "completed": 4,
         "approved": 4, "on_time": 4},
    ]
}  # fmt: skip


def _post(client, payload=PAYLOAD, **headers):
    return client.post(API, json.dumps(payload), content_type="application/json", **headers)


def test_the_api_upsert_is_idempotent(client, yingjiang, hall):
    login_verified(client, user("yj_admin"))
    first = _post(client)
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "months": ["2026-10"]}
    stored = _rows(yingjiang)
    second = _post(client)
    assert second.json() == {"created": 0, "updated": 0, "unchanged": 2, "months": ["2026-10"]}
    assert _rows(yingjiang) == stored
    bad = {"rows": [PAYLOAD["rows"][0], {**PAYLOAD["rows"][1], "item_code": "NOPE"}]}
    response = _post(client, bad)
    assert response.status_code == 400
    assert response.json()["errors"] == ["第 2 条：本站点没有事项编码“NOPE”"]


def test_the_api_refuses_everyone_but_the_office_admin(client, yingjiang, hall):
    assert _post(client).status_code == 401
    for name in ("yj_editor", "yj_reviewer", "yj_evaluator", "yj_deputy"):
        login_verified(client, user(name))
        response = _post(client)
        assert response.status_code == 403, name
        assert "没有权限" in response.json()["detail"]
    assert not CaseStatistic.objects.exists()


def test_the_api_takes_a_token(client, yingjiang, hall):
    import hashlib

    from gongkai.records.models import ApiToken

    key = "gk_hall_test_token"
    ApiToken.objects.create(
        user=user("yj_admin"), name="一窗受理系统", prefix=key[:10],
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
    )  # fmt: skip
    response = _post(client, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert CaseStatistic.objects.count() == 2


def test_the_public_page_shows_the_month_per_item_and_window(client, yingjiang, hall):
    cases.store(user("yj_admin"), yingjiang, [(f"第 {n} 行", dict(zip(
        ["month", "item_code", "window_number", "received", "completed", "approved",
         "refused", "on_time"], row, strict=True))) for n, row in enumerate(GOOD, 1)],
        source="test")  # fmt: skip
    page = client.get("/services/statistics/").content.decode()
    assert "2026 年 10 月办件情况" in page
    assert "受理 17 件，办结 15 件，按时办结率 93.3%。" in page
    assert "全部窗口" in page and "A01 投资建设综合窗口" in page
    september = client.get("/services/statistics/?month=2026-09").content.decode()
    assert "受理 8 件，办结 8 件，按时办结率 100.0%。" in september
    # a month that is not there falls back to the latest; nonsense too
    assert "2026 年 10 月" in client.get("/services/statistics/?month=x").content.decode()
