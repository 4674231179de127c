import json

import pytest
from openapi_spec_validator import validate


@pytest.mark.django_db
def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    assert spec["openapi"].startswith("3.")
    validate(spec)  # raises on an invalid document
    assert "/api/v1/sites" in spec["paths"]


@pytest.mark.django_db
def test_api_docs_page_uses_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "cdn." not in response.content.decode()


@pytest.mark.django_db
def test_sites_and_organisations(client, demo):
    sites = client.get("/api/v1/sites").json()
    assert {s["slug"] for s in sites} == {"shifan", "yingjiang", "ouhai"}
    assert next(s for s in sites if s["slug"] == "ouhai")["parent"] == "shifan"
    orgs = client.get("/api/v1/sites/yingjiang/organisations").json()
    gov = next(o for o in orgs if o["name"] == "迎江区人民政府")
    housing = next(o for o in orgs if o["name"] == "区住房和城乡建设局")
    assert gov["parent_id"] is None and housing["parent_id"] == gov["id"]
    assert client.get("/api/v1/sites/nowhere").status_code == 404


@pytest.mark.django_db
def test_calendar_due_endpoint(client):
    body = client.get("/api/v1/calendar/due", {"start": "2026-04-30", "days": 20}).json()
    assert body["due"] == "2026-06-01"
    assert body["provisional"] is False
    assert (
        client.get("/api/v1/calendar/due", {"start": "2026-04-30", "days": -1}).status_code == 422
    )


@pytest.mark.django_db
def test_calendar_due_out_of_range_is_the_apis_one_422(client):
    """Regression (schemathesis): days=401 answered {"detail": "…"} instead of the documented
    422 body every other endpoint gives (`message` in Chinese, pydantic's `detail` list)."""
    response = client.get("/api/v1/calendar/due", {"start": "2026-04-30", "days": 401})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "请求参数无效：days 不能大于 400。"
    assert isinstance(body["detail"], list)
    # A start date whose due date would fall after 9999-12-31 was a 500 (found by a probe
    # beside schemathesis; its date strategy does not reach the end of the calendar).
    late = client.get("/api/v1/calendar/due", {"start": "9999-12-31", "days": 400})
    assert late.status_code == 422
    assert late.json()["message"] == (
        "请求参数无效：start 日期超出可计算的范围（公元 9999 年以后）。"
    )


@pytest.mark.django_db
def test_every_operation_documents_its_error_answers(client):
    """Regression (schemathesis): 404, 422, 400 (a body that is not JSON, a NUL) and 401 were
    answered but not in the document, so clients could not rely on their bodies."""
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            if op.get("parameters") or op.get("requestBody"):
                assert {"404", "422"} <= codes, (method, path)
            assert "400" in codes, (method, path)
            if op.get("security"):
                assert "401" in codes, (method, path)
    track = client.post("/api/v1/foi/track", "\x00", content_type="application/json")
    assert track.status_code == 400 and "detail" in track.json()
    assert client.get("/api/v1/foi/cases").status_code == 401


@pytest.mark.django_db
def test_healthz_reports_database_and_worker(client):
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["worker"] in {"ok", "waiting", "unknown"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sites/%00",
        "/api/v1/records?q=%00",
        "/api/v1/records?site=a%00b",
        "/api/v1/foi/cases?q=%00",
        "/api/v1/services/guides/%00",
        "/nowhere%00",  # through the legacy redirects' lookup
        "/search?q=%00",
    ],
)
def test_a_nul_in_the_address_is_a_400_not_a_postgresql_500(client, demo, url):
    """Regression (schemathesis, PostgreSQL pass): PostgreSQL text cannot hold NUL, so any
    lookup with `%00` raised DataError, a 500 on every page and operation."""
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {
            "detail": "请求中含有空字符（NUL），无法处理。请检查网址或提交的内容。"
        }
    else:
        assert "请求有误" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "status"),
    [(r"a\\u0000", 404), (r"a\u0000", 400), (r"a\\\U0000", 400), (r"a\\\\u0000", 404)],
)
def test_a_nul_in_a_json_body_is_a_400_and_an_escaped_backslash_is_not(client, demo, code, status):
    r"""`\u0000` in JSON is a NUL; `\\u0000` is a backslash and the text `u0000`."""
    body = '{"code": "' + code + '", "phone": "13800138000"}'
    response = client.post("/api/v1/foi/track", body, content_type="application/json")
    assert response.status_code == status
    if status == 400:
        assert "空字符" in response.json()["detail"]
