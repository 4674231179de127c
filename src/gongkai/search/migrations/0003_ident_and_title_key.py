"""Search v2: an `ident` column for 文号 and 索引号, and the title key for exact-title matches.

The FTS5 table is rebuilt with the new columns and the entries are cleared: the tokens changed
(cut-for-search words, 文号 tokens), so the index must be rebuilt from its sources. The search
app's post_migrate handler does that when it finds the index empty (`gongkai search reindex`
by hand)."""

from django.db import migrations, models

FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, pinyin, ident, "
    "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'\")"
)
OLD_FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, pinyin, "
    "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'\")"
)


def _rebuild(ddl):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute(ddl)
        schema_editor.execute("DELETE FROM search_searchentry")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fts5_table")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="title_key",
            field=models.CharField(blank=True, db_index=True, max_length=200, verbose_name="标题键"),
        ),
        migrations.RunPython(_rebuild(FTS_DDL), _rebuild(OLD_FTS_DDL)),
    ]
