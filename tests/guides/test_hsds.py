"""The HSDS-style export (/services/export.json) and the API reads carry what the public pages
show — guides in force, open windows, the library, published scenarios — and nothing else."""

import json
from datetime import date

import pytest

from gongkai.guides.models import (
    Choice,
    Outcome,
    Question,
    Scenario,
    Window,
)
from gongkai.records.models import State
from tests.conftest import org

from .factories import make_certificate, make_guide, make_item


@pytest.fixture
def world(yingjiang):
    housing = org(yingjiang, "区住房和城乡建设局")
    card = make_certificate(yingjiang)
    shop = make_item(yingjiang, housing, code="YJ-001", name="餐饮服务食品经营许可")
    make_guide(
        shop,
        materials=[{"name": "申请人身份证", "certificate": card}],
        state=State.PUBLISHED,
        most_once=True,
        verified_on=date(2026, 11, 2),
    )
    draft_only = make_item(yingjiang, housing, code="YJ-002", name="尚未公开的事项")
    make_guide(draft_only)
    window = Window.objects.create(site=yingjiang, number="A01", name="商事登记综合窗口")
    window.items.set([shop, draft_only])
    Window.objects.create(site=yingjiang, number="A09", name="停用窗口", is_active=False)
    scenario = Scenario.objects.create(
        site=yingjiang, title="我要开餐馆", slug="restaurant", is_published=True
    )
    question = Question.objects.create(scenario=scenario, order=1, key="shop", text="有没有店面？")
    Choice.objects.create(question=question, order=1, value="yes", label="有")
    Choice.objects.create(question=question, order=2, value="no", label="没有")
    outcome = Outcome.objects.create(
        scenario=scenario, order=1, title="需办理食品经营许可", condition={"shop": "yes"}
    )
    outcome.items.set([shop])
    Scenario.objects.create(site=yingjiang, title="未发布", slug="hidden")
    return {"shop": shop, "window": window}


def test_the_export_parses_and_holds_what_was_created(client, world):
    response = client.get("/services/export.json")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert [s["id"] for s in data["services"]] == ["YJ-001"]
    service = data["services"][0]
    assert service["name"] == "餐饮服务食品经营许可"
    assert service["most_once"] is True and service["identity_card_only"] is True
    assert service["last_verified_on"] == "2026-11-02"
    assert service["required_documents"][0]["reason"] == "居民身份证本人携带"
    assert [o["name"] for o in data["organizations"]] == ["区住房和城乡建设局"]
    assert [loc["id"] for loc in data["locations"]] == ["window-A01"]
    assert data["locations"][0]["services"] == ["YJ-001"]  # the draft-only item is not public
    assert data["service_at_location"] == [{"service_id": "YJ-001", "location_id": "window-A01"}]
    assert [c["name"] for c in data["certificate_types"]] == ["居民身份证"]
    assert data["certificate_types"][0]["items"] == 1
    assert [s["slug"] for s in data["scenarios"]] == ["restaurant"]
    flow = data["scenarios"][0]
    assert flow["questions"][0]["choices"] == [
        {"value": "yes", "label": "有"},
        {"value": "no", "label": "没有"},
    ]
    assert flow["outcomes"][0] == {
        "title": "需办理食品经营许可",
        "condition": {"shop": "yes"},
        "items": ["YJ-001"],
        "bundles": [],
    }


def test_the_api_reads(client, world):
    page = client.get("/api/v1/services/guides?limit=1").json()
    assert page["count"] == 1 and page["items"][0]["id"] == "YJ-001"
    assert client.get("/api/v1/services/guides/YJ-001").json()["name"] == "餐饮服务食品经营许可"
    missing = client.get("/api/v1/services/guides/YJ-002")
    assert missing.status_code == 404
    windows = client.get("/api/v1/services/windows").json()
    assert [w["number"] for w in windows] == ["A01"]
    certs = client.get("/api/v1/services/certificate-types").json()
    assert certs[0]["trust_level"] == "A"
    assert [s["slug"] for s in client.get("/api/v1/services/scenarios").json()] == ["restaurant"]
    assert client.get("/api/v1/services/guides?offset=-1").status_code == 422
    other = client.get("/api/v1/services/guides?site=ouhai").json()
    assert other["count"] == 0
