"""Habits that keep the project in shape: the import contracts, the committed OpenAPI document,
and the production lock beside the dev lock."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEV_ONLY = {"pytest", "pytest-django", "pytest-xdist", "playwright", "hypothesis", "ruff",
            "factory-boy", "import-linter", "openapi-spec-validator", "axe-playwright-python"}  # fmt: skip


def test_import_contracts_are_kept():
    """core imports no domain app; the catalogue never imports records; no domain app but the
    portal imports oversight; no other domain app imports the legacy importer (pyproject.toml)."""
    proc = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "4 kept, 0 broken" in proc.stdout


@pytest.mark.django_db
def test_committed_openapi_document_matches_the_live_one(client):
    committed = json.loads((REPO / "docs" / "openapi.json").read_text("utf-8"))
    live = client.get("/api/v1/openapi.json").json()
    if live != committed:
        changed = sorted(
            set(live.get("paths", {})) ^ set(committed.get("paths", {}))
            or {p for p in live.get("paths", {}) if live["paths"][p] != committed["paths"].get(p)}
        )
        pytest.fail(
            "接口已变化，docs/openapi.json 不是最新：运行 `make openapi`"
            "（.venv/bin/gongkai openapi -o docs/openapi.json），检查差异后提交。"
            f" 变化的路径：{changed[:10] or '（文档信息或组件）'}"
        )


def _pins(name: str) -> dict[str, str]:
    text = (REPO / name).read_text()
    return {m[0].lower(): m[1] for m in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_production_lock_has_no_test_dependencies_and_matches_the_dev_lock():
    dev, prod, scale = (
        _pins(n) for n in ("requirements.lock", "requirements-prod.lock", "requirements-scale.lock")
    )
    assert DEV_ONLY <= set(dev)
    assert not DEV_ONLY & set(prod), DEV_ONLY & set(prod)
    assert not DEV_ONLY & set(scale), DEV_ONLY & set(scale)
    # Production runs the versions the suite ran: every production pin is the dev lock's.
    assert {k: v for k, v in prod.items() if dev.get(k) != v} == {}
    assert {k: v for k, v in prod.items() if scale.get(k) != v} == {}
    assert {"django-tasks-rq", "django-storages"} <= set(scale)
    for name in ("requirements-prod.lock", "requirements-scale.lock"):
        assert "--generate-hashes" in (REPO / name).read_text().splitlines()[1]
