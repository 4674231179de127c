"""PDFs render on a server without system CJK fonts: the bundled fonts (core/fonts) cover the
text and are embedded.

Reading the text back cannot tell (a missing glyph still maps to its character), so the real
templates are rendered in a subprocess that sees only DejaVu (a fonts.conf listing its folder
alone; fontconfig is initialised once per process), WeasyPrint's warnings are captured there,
and the font names in each page's resources are read with pypdf."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from gongkai.core.fonts import FACES, FONT_DIR, font_files
from gongkai.core.fonts.build import gb2312

RENDER = r"""
import json, logging, sys
from pathlib import Path

class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []
    def emit(self, record):
        self.messages.append(record.getMessage())

collect = Collect()
for name in ("weasyprint", "fontTools"):
    logging.getLogger(name).addHandler(collect)

from gongkai.core.pdf import html_to_pdf

folder = Path(sys.argv[1])
for source in sorted(folder.glob("*.html")):
    source.with_suffix(".pdf").write_bytes(html_to_pdf(source.read_text("utf-8")))
print(json.dumps(collect.messages, ensure_ascii=False))
"""


def _dejavu_dir() -> Path | None:
    """The folder of DejaVu Sans as this machine's fontconfig knows it (Latin only); None on a
    machine without it, where the test shows fontconfig no system font at all (stricter)."""
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "--format=%{file}", "DejaVu Sans"], capture_output=True, text=True
        ).stdout
        if "DejaVu" in found:
            return Path(found).parent
    for root in ("/usr/share/fonts", "/usr/local/share/fonts"):
        for path in Path(root).rglob("DejaVuSans.ttf"):
            return path.parent
    pytest.fail(
        "找不到 DejaVu 字体（Debian：apt-get install fonts-dejavu-core），无法模拟无中文字体的服务器"
    )


def _latin_only_env(tmp_path: Path) -> dict:
    conf = tmp_path / "fonts.conf"
    latin = _dejavu_dir()
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>{f'<dir>{latin}</dir>' if latin else ''}"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FONTCONFIG")}
    env["FONTCONFIG_FILE"] = str(conf)
    return env


def _documents() -> dict[str, str]:
    """The real PDF templates, filled with text that uses every GB 2312 character."""
    every_char = "".join(sorted(gb2312() - {"\u3000"}))
    lines = [every_char[i : i + 400] for i in range(0, len(every_char), 400)]
    organisation = SimpleNamespace(name="迎江区住房和城乡建设局")
    record = SimpleNamespace(
        pk=1,
        title="关于宜城路社区老旧小区改造的公告",
        document_number="迎建〔2026〕12号",
        organisation=organisation,
        published_at=None,
        written_on=None,
        index_number="340802-003/2026-00012",
        body="<h2>一、改造范围</h2><p>丽岙街道、三垟街道，〇号楼至十二号楼。</p>",
    )
    letter = render_to_string(
        "foi/letter_pdf.html",
        {
            "parts": {
                "title": "政府信息公开申请答复告知书",
                "number": "迎建依复〔2026〕3号",
                "salutation": "张三：",
                "intro": "本机关于2026年5月6日收到您提出的政府信息公开申请。",
                "decision": "经审查，根据《中华人民共和国政府信息公开条例》第三十七条……",
                "basis": lines[0],
                "appeal": "如对本答复不服，可以在收到本告知书之日起六十日内申请行政复议。",
                "organ": organisation.name,
                "date": "2026年6月10日",
                "contact": "联系电话：0556-5501234",
            }
        },
    )
    notice = render_to_string(
        "records/notice_pdf.html",
        {"record": record, "paragraphs": lines, "url": "https://yingjiang.example/records/1/"},
    )
    gazette = render_to_string(
        "portal/gazette_pdf.html",
        {
            "issue": SimpleNamespace(title="迎江区人民政府公报", year=2026, number=6),
            "site": SimpleNamespace(name="迎江区人民政府", sponsor="迎江区人民政府办公室"),
            "articles": [SimpleNamespace(pk=1, record=record)],
        },
    )
    return {"letter": letter, "notice": notice, "gazette": gazette}


def _fonts(pdf: Path) -> dict[str, bool]:
    """{base font name without the subset tag: embedded?} over every page's resources."""
    fonts = {}
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).split("+", 1)[-1]] = embedded
    return fonts


def test_bundled_font_files_are_small_and_licensed():
    files = [path for _family, _weight, prefix, _source in FACES for path in font_files(prefix)]
    assert len(files) >= 3, "core/fonts 下没有字体文件：python -m gongkai.core.fonts.build"
    assert max(path.stat().st_size for path in files) <= 2_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text()


def test_pdfs_render_chinese_without_system_cjk_fonts(tmp_path):
    for name, html in _documents().items():
        (tmp_path / f"{name}.html").write_text(html, "utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", RENDER, str(tmp_path)],
        capture_output=True,
        text=True,
        env=_latin_only_env(tmp_path),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    warnings = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not [w for w in warnings if ".notdef" in w or "Font-face" in w], warnings

    letter, notice, gazette = (
        _fonts(tmp_path / f"{n}.pdf") for n in ("letter", "notice", "gazette")
    )
    for fonts in (letter, notice, gazette):
        assert all(fonts.values()), f"字体未嵌入：{fonts}"
        # Nothing but the bundled faces (and DejaVu for the odd Latin sign) is left to use.
        assert all(name.startswith(("Gongkai-", "DejaVu")) for name in fonts), fonts
        assert any(name.startswith("Gongkai-Serif-SC") for name in fonts), fonts
    # 黑体-like headings: the gazette's table of contents and the article's 一、 heading.
    assert any(name.startswith("Gongkai-Sans-SC") for name in gazette), gazette
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "letter.pdf").pages)
    assert "政府信息公开申请答复告知书" in text
