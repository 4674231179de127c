"""`gongkai text normalize`: the real command in a subprocess, as staff run it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.core.textnorm import normalize, normalize_html

# The `gongkai` console script of the environment running the tests, wherever it was cloned.
GONGKAI = Path(sys.executable).parent / "gongkai"
SEED_000 = Path(__file__).parent / "fixtures" / "seed_000.txt"


def run(*args, stdin: bytes | None = None, tmp_path: Path):
    env = {**os.environ, "GONGKAI_VAR_DIR": str(tmp_path / "var")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["LC_ALL"] = env["LANG"] = "C"  # the output is UTF-8 whatever the locale
    return subprocess.run(
        [str(GONGKAI), "text", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


def test_seed_000_from_a_file(tmp_path):
    proc = run("normalize", str(SEED_000), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8")
    assert out == normalize(SEED_000.read_text(encoding="utf-8")) + "\n"
    assert "（一）任务范围" in out and "皖政办秘〔2017〕188号" in out
    assert "已清理：去除拼音注音" in proc.stderr.decode("utf-8")


def test_standard_input_in_gb18030_to_an_output_file(tmp_path):
    source = "經(jīng)區(qū)政府研究同意,現(xiàn)將方案印發(fā)給你們。"
    target = tmp_path / "clean.txt"
    proc = run(
        "normalize", "-", "-o", str(target), stdin=source.encode("gb18030"), tmp_path=tmp_path
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b""
    assert target.read_text(encoding="utf-8") == "经区政府研究同意，现将方案印发给你们。"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_options_keep_pinyin_and_traditional(tmp_path):
    lesson = tmp_path / "lesson.txt"
    lesson.write_text("學(xué)習(xí)漢語,２０１７", encoding="utf-8")
    proc = run("normalize", str(lesson), "--keep-pinyin", "--traditional", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode("utf-8") == "學(xué)習(xí)漢語，2017\n"


def test_html_keeps_its_tags(tmp_path):
    page = tmp_path / "page.html"
    html = '<p class="a">經(jīng)濟(jì)</p><table><tr><td>２０１７</td></tr></table>'
    page.write_text(html, encoding="utf-8")
    proc = run("normalize", str(page), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode("utf-8") == normalize_html(html) + "\n"
    assert '<p class="a">经济</p>' in proc.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "setup,message",
    [
        (lambda d: ["normalize", str(d / "missing.txt")], "不存在"),
        (lambda d: ["normalize", str(d)], "不是文件"),
        (lambda d: ["normalize", str(_write(d / "bad.txt", b"\xff\xfe\xfd\xff"))], "文字编码"),
        (lambda d: ["normalize", str(SEED_000), "-o", str(d / "no" / "out.txt")], "输出目录"),
    ],
    ids=["missing", "directory", "undecodable", "no-output-directory"],
)
def test_bad_input_fails_cleanly_in_chinese(tmp_path, setup, message):
    proc = run(*setup(tmp_path), tmp_path=tmp_path)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert message in err
    assert proc.stdout == b""


def test_undecodable_standard_input_writes_no_output_file(tmp_path):
    target = tmp_path / "out.txt"
    proc = run("normalize", "-", "-o", str(target), stdin=b"\x81\x20\xff", tmp_path=tmp_path)
    assert proc.returncode != 0 and "文字编码" in proc.stderr.decode("utf-8")
    assert not target.exists()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
