"""The FTS5 table beside search_searchentry, on SQLite only (PostgreSQL deployments use tantivy).

unicode61 with every letter, number, mark, punctuation and symbol category as token characters
splits on white space only, so the tokens made in Python stay intact."""

from django.db import migrations

FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, pinyin, "
    "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'\")"
)


def create_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FTS_DDL)


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_fts, drop_fts)]
