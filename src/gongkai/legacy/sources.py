"""Where the saved old site comes from: a folder of saved pages, a WARC file (warcio) or a zip
of a crawl, with the attachments and images saved beside the pages. Nothing is ever fetched
from the network.

CONTRACT (legacy-importer): `open_source(path) -> Source`; `Source.pages()` yields SavedPage
for every HTML page in a stable order; `Source.file(url) -> bytes | None` finds a linked file
by its absolute old URL; `SourceError` (Chinese message) for a missing or unreadable source."""

from __future__ import annotations

from dataclasses import dataclass


class SourceError(ValueError):
    """The source cannot be read; the message says why, in Chinese."""


@dataclass
class SavedPage:
    url: str  # the old absolute URL (or a path when the crawl did not keep the host)
    data: bytes
    charset: str | None = None  # as an HTTP header declared it (WARC), if any
