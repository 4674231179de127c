"""`gongkai bench legacy` on a small generated site: the pages come out in the three styles,
the import is measured against reading the same files, and every figure is there."""

import pytest

from gongkai.core.bench import BENCHMARKS, BenchOptions
from gongkai.core.models import Site
from gongkai.legacy import bench
from gongkai.legacy.extract import decode_html
from gongkai.legacy.models import LegacyPage, PageStatus
from gongkai.legacy.sources import open_source


def test_the_benchmark_is_registered_and_takes_its_size_from_the_options():
    assert "legacy" in BENCHMARKS  # plugged in by legacy.plugin_bench (PLUGINS)
    assert bench.pages_wanted(BenchOptions()) == bench.DEFAULT_PAGES == 5000
    assert bench.pages_wanted(BenchOptions(records=300)) == 300
    assert bench.pages_wanted(BenchOptions(extra={"pages": 120})) == 120


def test_generated_pages_are_in_the_fixture_styles(tmp_path):
    written = bench.generate_site(tmp_path, 60)
    assert written["pages"] == 60 == written["documents"] + written["copies"] + written["listings"]
    assert written["copies"] >= 1 and written["listings"] == len(bench.COLUMNS)
    with open_source(tmp_path) as source:
        pages = list(source.pages())
        assert len(pages) == 60
        texts = [decode_html(p.data) for p in pages]
        assert any('name="ArticleTitle"' in t for t in texts)  # Hanweb
        assert any("索 引 号" in t for t in texts)  # TRS 信息公开 table
        gb = [p for p in pages if b'charset="gb2312"' in p.data]
        assert gb and all(p.data.decode("gb18030") == decode_html(p.data) for p in gb)
        assert source.file(
            f"http://{bench.HOST}/"
            + next(tmp_path.rglob("*.pdf")).relative_to(tmp_path / bench.HOST).as_posix()
        )


@pytest.mark.django_db
def test_measure_gives_positive_figures_and_the_ratio(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    bench.generate_site(tmp_path / "saved", 40)
    site = Site.objects.create(slug="bench-test", name="基准区人民政府")
    figures = bench.measure(tmp_path / "saved", site, tmp_path)
    assert figures["pages"] == 40
    assert figures["imported"] >= 30 and figures["duplicates"] >= 1 and figures["failed"] == 0
    assert figures["rerun_imported"] == 0
    assert figures["rerun_already_done"] == 40 - figures["failed"]
    for name in (
        "read_seconds",
        "read_pages_per_second",
        "import_seconds",
        "import_pages_per_second",
        "rerun_pages_per_second",
        "import_vs_read",
    ):
        assert figures[name] > 0, name
    expected = figures["import_pages_per_second"] / figures["read_pages_per_second"]
    assert figures["import_vs_read"] == pytest.approx(expected, rel=0.05)
    assert (
        LegacyPage.objects.filter(site=site, status=PageStatus.DUPLICATE).count()
        == figures["duplicates"]
    )
