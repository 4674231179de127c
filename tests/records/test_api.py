"""The records API: public reading, token-authenticated drafting, the OpenAPI document."""

import base64
import hashlib
import json

from openapi_spec_validator import validate

from gongkai.records.models import ApiToken, Record, State

from .conftest import data, published
from .files import docx_bytes


def token_for(u, value="gk_test_token_123"):
    ApiToken.objects.create(
        user=u, name="OA", prefix=value[:10], key_hash=hashlib.sha256(value.encode()).hexdigest()
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def test_openapi_is_valid_and_lists_records(client, db):
    spec = json.loads(client.get("/api/v1/openapi.json").content)
    validate(spec)
    assert "/api/v1/records" in spec["paths"]
    assert "/api/v1/staff/records" in spec["paths"]


def test_public_list_filter_and_read(client, editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    body = client.get("/api/v1/records", {"site": "yingjiang", "catalogue_item": leaf.pk}).json()
    assert body["count"] == 1 and body["items"][0]["index_number"] == record.index_number
    assert client.get("/api/v1/records", {"site": "yingjiang", "q": "不存在"}).json()["count"] == 0
    detail = client.get(f"/api/v1/records/yingjiang/{record.index_number}").json()
    assert "停水" in detail["body"] and detail["organisation"] == "区住房和城乡建设局"


def test_staff_api_creates_and_submits_drafts(client, editor, housing, leaf):
    headers = token_for(editor)
    payload = {
        "organisation_id": housing.pk,
        "catalogue_item_id": leaf.pk,
        "title": "关于2026年城区供水管网改造停水的通知",
        "formed_on": "2026-09-30",
        "docx_base64": base64.b64encode(docx_bytes()).decode(),
    }
    response = client.post(
        "/api/v1/staff/records", payload, content_type="application/json", **headers
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["due_date"] == "2026-11-03" and created["state"] == "draft"
    response = client.post(f"/api/v1/staff/records/{created['id']}/submit", **headers)
    assert response.json()["state"] == "submitted"
    assert Record.objects.get(pk=created["id"]).state == State.SUBMITTED
    assert ApiToken.objects.get().last_used_at is not None


def test_staff_api_refuses_bad_tokens_and_other_organisations(client, demo, housing, leaf):
    from tests.conftest import user

    payload = {**data(), "formed_on": "2026-09-30", "kind": "notice"}
    payload.update(organisation_id=housing.pk, catalogue_item_id=leaf.pk)
    payload.pop("written_on")
    response = client.post(
        "/api/v1/staff/records", payload, content_type="application/json",
        HTTP_AUTHORIZATION="Bearer wrong",
    )  # fmt: skip
    assert response.status_code == 401
    headers = token_for(user("yj_editor2"))
    response = client.post(
        "/api/v1/staff/records", payload, content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert not Record.objects.exists()
