"""Synonyms every site starts with: the words people type for the official terms (低保 for
最低生活保障, 煤气 for 燃气 …). Global rows (no site); admins edit or switch them off in 配置 ›
同义词. The relevance suite uses the same list (search.relevance.queries.SUITE_SYNONYMS)."""

from django.db import migrations

DEFAULTS = {
    "低保": "最低生活保障",
    "煤气": "燃气",
    "断水": "停水",
    "马路": "道路",
    "开挖": "挖掘",
    "年报": "年度报告",
    "住建局": "住房和城乡建设局",
}


def add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, alternatives in DEFAULTS.items():
        Synonym.objects.get_or_create(site=None, term=term, defaults={"alternatives": alternatives})


def remove(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, alternatives in DEFAULTS.items():
        Synonym.objects.filter(site=None, term=term, alternatives=alternatives).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_ident_and_title_key")]

    operations = [migrations.RunPython(add, remove)]
