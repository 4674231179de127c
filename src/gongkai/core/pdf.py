"""The one way the platform makes PDFs: HTML rendered by WeasyPrint.

WeasyPrint needs Pango; it is imported when a PDF is asked for, so a machine without it still
serves every page and gets a clear message instead of a PDF."""


class PdfUnavailable(RuntimeError):
    pass


def html_to_pdf(html: str, what: str = "PDF") -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"服务器缺少 PDF 生成组件（WeasyPrint 及其依赖的 Pango 库），暂时无法生成{what}。"
            f"请联系系统管理员安装。（{exc.__class__.__name__}）"
        ) from None
    return HTML(string=html).write_pdf()


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True
