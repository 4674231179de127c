"""Index-number sequences move to core.Sequence (shared with request serials); the last
serial of every scope is carried over, so no number is given out twice."""

from django.db import migrations


def copy_to_core(apps, schema_editor):
    old = apps.get_model("records", "IndexNumberSequence")
    new = apps.get_model("core", "Sequence")
    new.objects.bulk_create(
        [
            new(
                site_id=row.site_id,
                namespace="records.index_number",
                scope=row.scope,
                last_value=row.last_serial,
            )
            for row in old.objects.all()
        ]
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("records", "IndexNumberSequence")
    new = apps.get_model("core", "Sequence")
    old.objects.bulk_create(
        [
            old(site_id=row.site_id, scope=row.scope, last_serial=row.last_value)
            for row in new.objects.filter(namespace="records.index_number")
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_sequence"),
        ("records", "0003_four_eyes_and_versions"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="IndexNumberSequence"),
    ]
