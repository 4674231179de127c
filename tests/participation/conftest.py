from tests.records.conftest import editor, housing, leaf, reviewer  # noqa: F401 - fixtures
