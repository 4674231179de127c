from datetime import UTC, datetime

import pytest

from gongkai.search import service
from gongkai.search.backends.base import SearchDocument


@pytest.fixture(autouse=True)
def _fresh_search(tmp_path, settings, monkeypatch):
    """Each test gets its own tantivy directory and no cached backends or synonyms."""
    settings.SEARCH_PATH = tmp_path / "search"
    monkeypatch.delenv("GONGKAI_SEARCH_PATH", raising=False)
    service.forget_backends()
    service.forget_dictionary()
    yield
    service.forget_backends()


@pytest.fixture(params=["fts5", "tantivy"])
def backend_name(request, db, settings):
    from django.db import connection

    if request.param == "fts5" and connection.vendor != "sqlite":
        pytest.skip("FTS5 lives in the SQLite database; on PostgreSQL the backend is tantivy")
    settings.SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture
def backend(backend_name):
    return service.get_backend(backend_name)


def make_doc(n, title, body="", site_id=1, **kw):
    kw.setdefault("published_at", datetime(2024, 1, n % 28 + 1, 9, 0, tzinfo=UTC))
    return SearchDocument(
        doc_id=f"test:{n}", site_id=site_id, title=title, body=body, url=f"/r/{n}/", **kw
    )


CORPUS = [
    make_doc(
        1,
        "关于印发迎江区2024年政务公开工作要点的通知",
        "各乡镇人民政府、街道办事处，区政府各部门：现将《迎江区2024年政务公开工作要点》印发给你们，请认真贯彻落实。",
        kind="policy",
        organisation_id=10,
        organisation_name="区人民政府办公室",
        domain_id=1,
        year=2024,
        validity="valid",
    ),
    make_doc(
        2,
        "城镇燃气安全专项整治工作方案",
        "为深入开展城镇燃气安全专项整治，防范化解燃气安全风险，制定本方案。天然气管道巡查每月不少于两次。",
        kind="policy",
        organisation_id=11,
        organisation_name="区住房和城乡建设局",
        domain_id=2,
        validity="valid",
        published_at=datetime(2023, 5, 6, tzinfo=UTC),
    ),
    make_doc(
        3,
        "宜城路街道停水通知",
        "因自来水管网改造，宜城路街道部分区域于3月5日8:00至18:00停水，请居民提前做好储水准备。",
        kind="notice",
        organisation_id=12,
        organisation_name="宜城路街道办事处",
        domain_id=2,
        published_at=datetime(2024, 3, 1, tzinfo=UTC),
    ),
    make_doc(
        4,
        "义务教育阶段学生资助政策解读",
        "本解读围绕义务教育阶段家庭经济困难学生生活补助、社会救助衔接等问题作出说明。",
        kind="interpretation",
        organisation_id=13,
        organisation_name="区教育体育局",
        domain_id=3,
        published_at=datetime(2024, 6, 1, tzinfo=UTC),
    ),
    make_doc(
        5,
        "瓯海区占道挖掘审批办事指南",
        "占道挖掘城市道路须向城市管理部门申请，办理时限5个工作日。",
        site_id=2,
        kind="guide",
        organisation_id=20,
        organisation_name="瓯海区综合行政执法局",
        published_at=datetime(2022, 9, 1, tzinfo=UTC),
    ),
]
