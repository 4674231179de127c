"""Every paged API list is bounded, generated from the OpenAPI document so that a new list
endpoint with its own unbounded limit/offset fails here."""

import re

import pytest
from django.test import override_settings

from gongkai.api import api
from gongkai.core.models import User

HUGE = "99999999999999999999"


def _operations():
    doc = api.get_openapi_schema()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method == "get":
                yield path, op


def _paged():
    return [
        (path, op)
        for path, op in _operations()
        if {p["name"] for p in op.get("parameters", [])} >= {"limit", "offset"}
    ]


def test_there_are_paged_lists_and_each_declares_bounds():
    paged = _paged()
    assert {path for path, _ in paged} >= {"/api/v1/foi/cases", "/api/v1/records"}
    for path, op in paged:
        params = {p["name"]: p["schema"] for p in op["parameters"]}
        for name in ("limit", "offset"):
            assert params[name].get("minimum") is not None, (path, name)
            assert params[name].get("maximum") is not None, (path, name)


def _url(path: str, op: dict | None = None, number: str = "1") -> str:
    ints = {
        p["name"]
        for p in (op or {}).get("parameters", [])
        if p["in"] == "path" and p["schema"].get("type") == "integer"
    }
    return re.sub(r"\{([^}]+)\}", lambda m: number if m.group(1) in ints else "yingjiang", path)


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=False)
@pytest.mark.parametrize("value", [HUGE, "-1", "1e3"])
@pytest.mark.parametrize("name", ["limit", "offset"])
def test_out_of_range_paging_is_a_chinese_422_never_a_500(client, demo, name, value):
    """Today `/api/v1/foi/cases?offset=99999999999999999999` is a 500 and offset=-1 passes."""
    client.force_login(User.objects.get(username="yj_admin"))
    for path, _op in _paged():
        response = client.get(_url(path), {name: value})
        assert response.status_code == 422, (path, name, value, response.status_code)
        assert "请求参数无效" in response.json()["message"]


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=False)
def test_every_integer_parameter_survives_huge_values(client, demo):
    """Generated from the OpenAPI document: a new endpoint with an unbounded ID fails here."""
    client.force_login(User.objects.get(username="yj_admin"))
    for path, op in _operations():
        for param in op.get("parameters", []):
            schema = param["schema"]
            types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if param["in"] != "query" or "integer" not in types:
                continue
            for value in (HUGE, "-" + HUGE):
                response = client.get(_url(path, op), {param["name"]: value})
                assert response.status_code != 500, (path, param["name"], value)
        if "{" in path:  # integer path parameters (IDs) too
            for value in (HUGE, "-1"):
                response = client.get(_url(path, op, value))
                assert response.status_code != 500, (path, value)


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=False)
def test_paging_within_bounds_still_pages(client, demo):
    client.force_login(User.objects.get(username="yj_admin"))
    assert client.get("/api/v1/foi/cases", {"limit": 200, "offset": 10000}).json() == []
    assert client.get("/api/v1/records", {"site": "yingjiang", "limit": 1}).status_code == 200
