import pytest

from tests.catalogue.builders import build_all


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """The test catalogue files (national.xlsx, catalogue.docx, bad.xlsx), built once."""
    return build_all(tmp_path_factory.mktemp("catalogue-files"))
