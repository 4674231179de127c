"""`gongkai backup` / `gongkai restore`: a real round trip into a second, empty instance.

The source is the test database with the demo loaded (records with attachment files, FOI
requests, audit events). The backup is restored by the real command in a subprocess into a
second database (SQLite: a copy of the migrated empty test database; PostgreSQL: a database
created from it as template), which is then backed up again: both files must hold the same rows,
the same files and the same audit events."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from gongkai.core import backup
from gongkai.core.demo import load_demo
from gongkai.core.models import AuditEvent, User
from gongkai.foi.models import FoiRequest
from gongkai.records import workflow as records
from gongkai.records.models import Attachment
from tests.conftest import user
from tests.foi.conftest import applicant
from tests.records.conftest import PASS_CHECKS, draft, make_leaf
from tests.records.files import pdf_bytes

GONGKAI = Path(sys.executable).parent / "gongkai"


@pytest.fixture(scope="session")
def empty_target(django_db_setup, django_db_blocker, tmp_path_factory):
    """A migrated empty database, made once per session without migrating again. Returns a
    function giving a fresh copy's database URL (or None for SQLite, with the file placed)."""
    with django_db_blocker.unblock():
        vendor = connection.vendor
        if vendor == "sqlite":
            template_dir = tmp_path_factory.mktemp("backup-template")
            template = template_dir / "gongkai.sqlite3"
            connection.ensure_connection()
            out = sqlite3.connect(template)
            connection.connection.backup(out)
            out.close()
            template_url = None
        elif vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            template = f"{name}_restore_tpl"
            connections.close_all()
            _pg_admin(f'DROP DATABASE IF EXISTS "{template}"')
            _pg_admin(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
            template_dir = tmp_path_factory.mktemp("backup-template")
            template_url = _url(template)
        else:
            pytest.skip(f"不支持的数据库：{vendor}")
        # The tests run on a local-memory cache; a real instance has the database cache's table.
        done = _run(template_dir, template_url, "createcachetable")
        assert done.returncode == 0, done.stderr
    made = []

    def fresh(var_dir: Path) -> str | None:
        if vendor == "sqlite":
            var_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, var_dir / "gongkai.sqlite3")
            return None
        target = f"{connection.settings_dict['NAME']}_restore_{len(made)}"
        made.append(target)
        _pg_admin(f'DROP DATABASE IF EXISTS "{target}"')
        _pg_admin(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
        return _url(target)

    yield fresh
    if vendor == "postgresql":
        for target in [*made, template]:
            _pg_admin(f'DROP DATABASE IF EXISTS "{target}"')


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{name}"


def _pg_admin(sql: str) -> None:
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=s["USER"],
        password=s["PASSWORD"],
        host=s["HOST"],
        port=s["PORT"],
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def _run(var_dir: Path, url: str | None, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
    env["GONGKAI_VAR_DIR"] = str(var_dir)
    if url:
        env["GONGKAI_DATABASE_URL"] = url
    return subprocess.run(
        [str(GONGKAI), *args], env=env, capture_output=True, text=True, timeout=120
    )


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != backup.MANIFEST}


def _manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(backup.MANIFEST))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "source-media"
    return settings.MEDIA_ROOT


def _source_data():
    """The demo's sites, staff and audit trail, a published record with an attachment file and
    an FOI request, made through the same workflows the site uses."""
    from gongkai.core.models import Organisation, Site
    from gongkai.core.permissions import SYSTEM
    from gongkai.foi import workflow as foi
    from gongkai.foi.models import Channel

    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    leaf = make_leaf(site, organisations=[housing], channels=["政府网站"])
    editor, reviewer = user("yj_editor"), user("yj_reviewer")
    record = draft(editor, housing, leaf)
    records.add_attachments(editor, record, [("说明.pdf", pdf_bytes(), "")])
    records.submit(editor, record)
    records.review_confidentiality(reviewer, record, PASS_CHECKS)
    records.approve(reviewer, record)
    records.publish(reviewer, record)
    foi.register(
        organisation=housing,
        applicant=applicant(),
        channel=Channel.IN_PERSON,
        submitted_on=date(2026, 11, 2),
        actor=SYSTEM,
    )


def test_round_trip_into_empty_instance(db, media, tmp_path, empty_target):
    _source_data()
    assert Attachment.objects.exists() and FoiRequest.objects.exists()
    events = AuditEvent.objects.count()
    assert events > 0
    source_files = {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }
    assert source_files, "the demo stores attachment files"

    source_zip = tmp_path / "site.zip"
    call_command("backup", "-o", str(source_zip))
    manifest = _manifest(source_zip)
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["migrations"] == backup.migration_state()
    for model in backup.backed_up_models():
        assert manifest["models"][model._meta.label_lower] == model._base_manager.count(), model
    assert "search.searchentry" not in manifest["models"]  # derived: rebuilt after restore
    assert {f"media/{n}" for n in source_files} <= set(manifest["checksums"])
    assert not list(tmp_path.glob(".site.zip.*"))  # the temporary file was renamed

    target = tmp_path / "target"
    url = empty_target(target)
    done = _run(target, url, "restore", str(source_zip))
    assert done.returncode == 0, done.stderr
    assert "已恢复" in done.stdout

    again = tmp_path / "again.zip"
    done = _run(target, url, "backup", "-o", str(again))
    assert done.returncode == 0, done.stderr
    ours, theirs = _members(source_zip), _members(again)
    assert sorted(ours) == sorted(theirs)
    for name in ours:
        assert ours[name] == theirs[name], f"{name} differs after restore"
    assert _manifest(again)["models"] == manifest["models"]

    restored_files = {
        str(p.relative_to(target / "media")): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (target / "media").rglob("*")
        if p.is_file()
    }
    assert restored_files == source_files

    # Every audit event, with its time to the microsecond (not only as our encoder writes it).
    lines = theirs["data/core.auditevent.jsonl"].decode().splitlines()
    assert len(lines) == events
    first = AuditEvent.objects.order_by("pk").first()
    row = json.loads(lines[0])
    assert row["pk"] == first.pk
    assert row["fields"]["created_at"] == first.created_at.isoformat()

    # The restored instance now holds data: without --force it refuses, with --force it restores.
    done = _run(target, url, "restore", str(source_zip))
    assert done.returncode != 0
    assert "目标实例已有数据" in done.stderr and "Traceback" not in done.stderr
    done = _run(target, url, "restore", "--force", str(source_zip))
    assert done.returncode == 0, done.stderr
    done = _run(target, url, "backup", "-o", str(again))
    assert _members(again) == ours

    # The post-restore step rebuilt the search index of the target.
    done = _run(target, url, "search", "query", "供水")
    assert done.returncode == 0, done.stderr
    assert "供水" in done.stdout


@pytest.fixture
def small_backup(db, media, tmp_path):
    media.mkdir(parents=True, exist_ok=True)
    (media / "note.txt").write_text("公开", encoding="utf-8")
    path = tmp_path / "small.zip"
    backup.create_backup(path)
    return path


def _rewrite(path: Path, change) -> None:
    """Rewrite a member (or the manifest) of a backup in place."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    change(members)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _refused(path, match, force=True):
    with pytest.raises(backup.BackupError, match=match):
        backup.restore_backup(path, force=force)


def test_refuses_damaged_member(small_backup):
    def damage(members):
        members["media/note.txt"] = "篡改".encode()

    _rewrite(small_backup, damage)
    _refused(small_backup, "校验和")


def test_refuses_not_a_zip(tmp_path, db):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    _refused(bad, "不是有效的 ZIP")
    truncated = tmp_path / "cut.zip"
    _refused(tmp_path / "missing.zip", "不存在")
    truncated.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    _refused(truncated, "损坏")


def test_refuses_newer_format_and_other_migrations(small_backup, tmp_path):
    newer = tmp_path / "newer.zip"
    shutil.copy(small_backup, newer)

    def bump(members):
        manifest = json.loads(members["manifest.json"])
        manifest["format_version"] = backup.FORMAT_VERSION + 1
        members["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(newer, bump)
    _refused(newer, "升级")

    def older_schema(members):
        manifest = json.loads(members["manifest.json"])
        manifest["migrations"]["core"] = "0001_initial"
        members["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(small_backup, older_schema)
    _refused(small_backup, "迁移状态")


def test_refuses_non_empty_target_without_force(small_backup):
    User.objects.create_user("someone", "someone@example.gov.cn", "x" * 12)
    _refused(small_backup, "已有数据", force=False)
    assert User.objects.filter(username="someone").exists()


def test_command_reports_refusal_in_chinese(tmp_path, db):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"garbage")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="恢复失败：备份文件已损坏"):
        call_command("restore", str(bad))
