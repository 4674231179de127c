"""Each guide prints on one A4 page (issue 13 point 9): the page's print stylesheet, rendered by
WeasyPrint with the platform's fonts, read back with pypdf. The browser test prints the same
page with Chromium."""

import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.conftest import org

from .print_guide import typical_guide

pypdf = pytest.importorskip("pypdf")


def _static_fetcher():
    """Stylesheets from the project's static files, as the server would send them; nothing
    else (fonts come from the platform's PDF stylesheet)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            marker = "/static/"
            if url.startswith("http://testserver/") and marker in url:
                path = finders.find(url.split(marker, 1)[1].split("?", 1)[0])
                if path:
                    body = Path(path).read_bytes()
                    return URLFetcherResponse(url, body, {"Content-Type": "text/css"})
            if url.startswith("file:"):
                return super().fetch(url, headers)
            return URLFetcherResponse(url, b"", {"Content-Type": "text/plain"}, status=404)

    return StaticFetcher()


def test_a_typical_guide_prints_on_one_a4_page(client, yingjiang):
    weasyprint = pytest.importorskip("weasyprint")
    from gongkai.core.pdf import _stylesheet

    item = typical_guide(yingjiang, org(yingjiang, "区住房和城乡建设局"))
    html = client.get(f"/services/items/{item.code}/").content.decode()
    fonts, font_config = _stylesheet()
    pdf = weasyprint.HTML(
        string=html, base_url="http://testserver/", url_fetcher=_static_fetcher()
    ).write_pdf(stylesheets=[fonts], font_config=font_config)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1, f"{len(reader.pages)} 页"
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    # the content is there and the navigation is not
    assert "餐饮服务食品经营许可" in text and "食品安全自查" in text and "许可证有效期多久" in text
    assert "跳到主要内容" not in text and "主导航" not in text and "我要咨询" not in text
