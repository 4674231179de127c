"""`gongkai report annual`: writes the .docx or PDF of a site's or an organ's report; bad
site, organisation, year or file name → a Chinese message, a non-zero exit, no file."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from gongkai.core.permissions import SYSTEM
from gongkai.oversight import annual
from tests.conftest import org
from tests.oversight.conftest import YEAR

GONGKAI = Path(sys.executable).parent / "gongkai"


def _run(*args):
    out = io.StringIO()
    call_command("report", "annual", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_cli_writes_the_government_and_an_organ_report(yingjiang, cases, tmp_path):
    target = tmp_path / "yj.docx"
    said = _run("--site", "yingjiang", "--year", str(YEAR), "-o", str(target))
    assert "迎江区人民政府" in said and target.exists()
    doc = Document(str(target))
    three = doc.tables[1]
    government = annual.report_view(
        annual.open_draft(SYSTEM, annual.government_of(yingjiang), YEAR)
    )
    new_row = three.rows[3]
    assert new_row.cells[-1].text == government.value("t3.new.total") != "0"
    housing = org(yingjiang, "区住房和城乡建设局")
    pdf = tmp_path / "zj.pdf"
    _run("--site", "yingjiang", "--year", str(YEAR), "--org", housing.code, "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "nowhere", "--year", str(YEAR)], "没有标识为“nowhere”的站点"),
        (["--site", "yingjiang", "--year", "1999"], "报告年度应在"),
        (["--site", "yingjiang", "--year", "明年"], "报告年度“明年”无效"),
        (["--site", "yingjiang", "--year", str(YEAR), "--org", "nope"], "没有代码为“nope”的机构"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(yingjiang, tmp_path, args, message):
    target = tmp_path / "out.docx"
    with pytest.raises(CommandError, match=message):
        _run(*args, "-o", str(target))
    assert list(tmp_path.iterdir()) == []


def test_the_command_exits_non_zero_without_a_traceback(tmp_path):
    env = {**os.environ, "GONGKAI_VAR_DIR": str(tmp_path / "var")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for args in (
        ["--site", "yingjiang", "--year", "2025", "-o", str(tmp_path / "a.txt")],
        ["--site", "yingjiang", "--year", "2025", "-o", str(tmp_path / "a.docx")],
    ):
        proc = subprocess.run(
            [str(GONGKAI), "report", "annual", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr and proc.stderr.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in proc.stderr)
    assert not (tmp_path / "a.txt").exists() and not (tmp_path / "a.docx").exists()
