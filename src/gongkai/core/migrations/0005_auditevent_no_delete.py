"""The database refuses DELETE on audit events, as it already refuses UPDATE (0002).

PostgreSQL: a row trigger; TRUNCATE (used only by test-database flushes) does not fire it.
SQLite: the trigger asks `gongkai_audit_flush()`, an SQL function the application registers
on each connection (core.audit); it answers 1 only while a test database is flushed. A
connection without it (the sqlite3 shell, another program) cannot delete either: the
trigger fails on the unknown function."""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
WHEN gongkai_audit_flush() = 0
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_delete;"

PG_CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_delete() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_delete();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_delete();
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(PG_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_sequence")]
    operations = [migrations.RunPython(create, drop)]
