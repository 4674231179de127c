"""`gongkai text`: text as copied from old sites and the web, made clean.

    gongkai text normalize FILE [-o OUT]      FILE or - (standard input); the clean text on
                                              standard output or in OUT, what changed on stderr
        --keep-pinyin   keep pinyin in brackets (a language lesson: 学(xué)习(xí))
        --traditional   no conversion to simplified characters
        --html          FILE is HTML: only its text changes (automatic for .html/.htm)

The rules are core.textnorm's, the same the importer and the editor's 清理粘贴文本 use. Input is
UTF-8, or GB18030 (GB2312/GBK) when it is not; bad input ends with a Chinese message and a
non-zero exit, and OUT is written whole or not at all.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.textnorm import normalize_html_report, normalize_report

#: larger input is refused: the command reads it whole
MAX_BYTES = 50 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """UTF-8 (a BOM dropped), else GB18030, the superset of GB2312 and GBK old sites use."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"无法识别“{name}”的文字编码：既不是 UTF-8，也不是 GB18030/GBK/GB2312。")


def read_input(source: str) -> tuple[str, str]:
    """The text of FILE or of standard input (-), and the name to show in messages."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "标准输入"
    else:
        path = Path(source)
        if not path.exists():
            raise CommandError(f"文件“{source}”不存在。")
        if not path.is_file():
            raise CommandError(f"“{source}”不是文件。")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"文件“{source}”超过 {MAX_BYTES // 1024 // 1024} MB，请分开处理。")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{source}”：{exc.strerror or exc}。") from None
        name = source
    if len(data) > MAX_BYTES:
        raise CommandError(f"输入超过 {MAX_BYTES // 1024 // 1024} MB，请分开处理。")
    return decode(data, name), name


def write_output(target: str, text: str) -> None:
    """OUT written through a temporary file beside it, so it is whole or untouched."""
    path = Path(target)
    if not path.parent.is_dir():
        raise CommandError(f"输出目录“{path.parent}”不存在。")
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"无法写入“{target}”：{exc.strerror or exc}。") from None


class Command(BaseCommand):
    help = "文本清理：去除拼音注音、繁体转简体、规范标点和数字、去除不可见字符、接续断行（normalize）。"
    # works on files only: no database, no checks
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", title="子命令", metavar="{normalize}")
        sub.required = True
        norm = sub.add_parser("normalize", help="清理一个文本文件（- 为标准输入）")
        norm.add_argument("file", help="文本或 HTML 文件，- 为标准输入")
        norm.add_argument("-o", "--output", help="写入该文件（默认输出到标准输出）")
        norm.add_argument(
            "--keep-pinyin", action="store_true", help="保留括号中的拼音（如语文教学材料）"
        )
        norm.add_argument("--traditional", action="store_true", help="不转换为简体字")
        norm.add_argument("--html", action="store_true", help="按 HTML 处理：只清理文字，保留标签")

    def handle(self, *args, **options):
        text, _name = read_input(options["file"])
        as_html = options["html"] or options["file"].lower().endswith((".html", ".htm"))
        clean = normalize_html_report if as_html else normalize_report
        result, changes = clean(
            text, simplify=not options["traditional"], strip_pinyin=not options["keep_pinyin"]
        )
        if options["output"]:
            write_output(options["output"], result)
        else:
            self._print(result)
        self.stderr.write(changes.summary())

    def _print(self, text: str) -> None:
        """UTF-8 on standard output whatever the locale says (a pipe into a file)."""
        out = getattr(self.stdout, "_out", None)
        if out is sys.stdout and hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8"))
            if not text.endswith("\n"):
                sys.stdout.buffer.write(b"\n")
            sys.stdout.buffer.flush()
        else:
            self.stdout.write(text)
