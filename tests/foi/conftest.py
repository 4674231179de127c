import io
from datetime import date

import pytest

from gongkai.core.permissions import SYSTEM
from gongkai.foi import workflow
from gongkai.foi.models import Channel
from tests.conftest import org
from tests.records.files import pdf_bytes, png_bytes

# Real files: request uploads are checked all the way through, not by their first bytes.
PNG = png_bytes()
PDF = pdf_bytes()


def applicant(**overrides) -> dict:
    data = {
        "applicant_kind": "natural",
        "org_category": "",
        "name": "张三",
        "id_type": "resident_id",
        "id_number": "11010519491231002X",
        "org_name": "",
        "credit_code": "",
        "phone": "13800138000",
        "email": "zhangsan@example.com",
        "address": "安庆市迎江区某路1号",
        "postcode": "246001",
        "description": "申请公开2025年老旧小区改造项目的资金安排。",
        "document_title": "",
        "document_number": "",
        "purpose": "",
        "wanted_form": "electronic",
        "delivery": "email",
    }
    data.update(overrides)
    return data


@pytest.fixture
def housing(yingjiang):
    return org(yingjiang, "区住房和城乡建设局")


@pytest.fixture
def make_request(housing, monkeypatch):
    """Register a request as if received on a given date (workflow's today is moved to match)."""

    def make(received=date(2026, 3, 2), organisation=None, today=date(2026, 11, 20), **overrides):
        monkeypatch.setattr(workflow, "today", lambda: today)
        return workflow.register(
            organisation=organisation or housing,
            applicant=applicant(**overrides),
            channel=Channel.IN_PERSON,
            submitted_on=received,
            actor=SYSTEM,
        )

    return make


class Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name
        self.size = len(data)
