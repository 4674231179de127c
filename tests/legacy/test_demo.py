"""The demo's switch day (legacy/demo.py): the fixture old site imported into 迎江区, the
confident pages published with their old dates, the others waiting, old addresses answering."""

import pytest

from gongkai.legacy.demo import load_legacy_demo
from gongkai.legacy.models import ImportRun, LegacyPage, PageStatus, ReviewState


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path  # the run's CSV report goes under VAR_DIR/legacy/
    return settings.MEDIA_ROOT


def test_the_demo_imports_the_old_site_once(demo, media, client, tmp_path):
    lines = load_legacy_demo()
    assert len(lines) == 1 and "旧站迁移示例" in lines[0]
    pages = LegacyPage.objects.filter(site=demo)
    published = pages.filter(status=PageStatus.IMPORTED, record__isnull=False)
    waiting = pages.filter(
        status=PageStatus.IMPORTED, record__isnull=True, review_state=ReviewState.PENDING
    )
    assert published.count() >= 2 and waiting.count() >= 1
    news = pages.get(old_path="/art/2017/10/25/art_1229_1001.html")
    assert news.record.published_at.date().isoformat() == "2017-10-25"
    response = client.get("/art/2017/10/25/art_1229_1001.html")
    assert response.status_code == 301
    assert response["Location"] == news.record.get_absolute_url()
    # run again: nothing more (the demo is idempotent)
    assert load_legacy_demo() == []
    assert ImportRun.objects.filter(site=demo).count() == 1
    assert len(list((tmp_path / "legacy").glob("*.csv"))) == 1
