"""Reading and writing catalogue files in the national layout (基层政务公开标准目录).

readers: .xlsx / .docx → grids of cell text; parser: grids → domain tables of rows;
importer: validate everything, then write in one transaction; exporter: the national layout."""

from .errors import CatalogueFileError, Issue

__all__ = ["CatalogueFileError", "Issue"]
