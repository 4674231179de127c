"""The one way the platform makes PDFs: HTML rendered by WeasyPrint, with the bundled fonts.

Every PDF (reply letters, notice-board notices, the gazette) goes through `html_to_pdf`, which
adds one stylesheet: @font-face rules for the Chinese fonts shipped in core/fonts (so a server
without system CJK fonts still renders every character) and the font stacks of the
official-document format (GB/T 9704: 仿宋 body, 小标宋 title, 黑体 headings), official fonts
first so a machine that has them uses them. Templates set sizes and layout, not font families.

WeasyPrint needs Pango; it is imported when a PDF is asked for, so a machine without it still
serves every page and gets a clear message instead of a PDF."""

import atexit
import threading
from functools import cache

from .fonts import FACES, SANS, SERIF, font_files

_SERIF_STACK = f'"FangSong", "仿宋", "FangSong_GB2312", "STFangsong", "{SERIF}", serif'
_TITLE_STACK = f'"方正小标宋简体", "FZXiaoBiaoSong-B05S", "STZhongsong", "{SERIF}", serif'
_SANS_STACK = f'"SimHei", "黑体", "STHeiti", "{SANS}", sans-serif'

# Pango and the shared font configuration are not for several threads at once.
_render_lock = threading.Lock()


class PdfUnavailable(RuntimeError):
    pass


def font_css() -> str:
    """The stylesheet every PDF gets: the bundled faces (each split into parts that share the
    family; fontconfig takes each character from the part that has it) and the font stacks."""
    rules = []
    for family, weight, prefix, _source in FACES:
        for path in font_files(prefix):
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f'src: url("{path.as_uri()}"); }}'
            )
    rules.append(f"html, body {{ font-family: {_SERIF_STACK}; }}")
    rules.append(f"h1, .title {{ font-family: {_TITLE_STACK}; }}")
    rules.append(f"h2, h3, h4, h5, h6, th, .heading {{ font-family: {_SANS_STACK}; }}")
    return "\n".join(rules)


@cache
def _stylesheet():
    """Parsed once per process: the fonts are loaded into one font configuration, reused."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # Free it (and its temporary font folder) before the interpreter tears modules down.
    atexit.register(_stylesheet.cache_clear)
    return CSS(string=font_css(), font_config=font_config), font_config


def html_to_pdf(html: str, what: str = "PDF") -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"服务器缺少 PDF 生成组件（WeasyPrint 及其依赖的 Pango 库），暂时无法生成{what}。"
            f"请联系系统管理员安装。（{exc.__class__.__name__}）"
        ) from None
    with _render_lock:
        stylesheet, font_config = _stylesheet()
        return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=font_config)


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True
