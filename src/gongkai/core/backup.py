"""Whole-site backup and restore as one vendor-neutral ZIP (`gongkai backup` / `gongkai restore`).

The file holds every model's rows as Django-serialised JSON Lines (one member per model, in
dependency order, streamed so memory stays flat whatever the size), the media files of the
default storage, and manifest.json: format version, creation time, the latest applied migration
per app, row counts per model and the SHA-256 of every member. A SQLite backup restores into
PostgreSQL and back, because nothing in it is database-specific.

Core knows no domain app: apps register what restore must do afterwards (the search app rebuilds
its index) and which models hold derived data that is not backed up (the index itself)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "gongkai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1000
COPY_BLOCK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that must not go on; the message is for the operator (Chinese)."""


@dataclass
class _Registry:
    post_restore: dict[str, Callable[[], object]] = field(default_factory=dict)
    derived: set[str] = field(default_factory=set)


_registry = _Registry()


def register_post_restore(name: str, step: Callable[[], object]) -> None:
    """`step()` runs after a restore has committed (e.g. rebuild the search index)."""
    _registry.post_restore[name] = step


def register_derived(*labels: str) -> None:
    """Models ("app.Model") whose rows are rebuilt from others; they are neither backed up nor
    restored (a post-restore step refills them)."""
    _registry.derived.update(label.lower() for label in labels)


# ---------------------------------------------------------------------------------------------
# What is backed up


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model with a table, auto-created M2M tables included, parents before the
    rows that point at them (dependency order, as dumpdata sorts them)."""
    from django.core.serializers import sort_dependencies

    app_list = {}
    for config in apps.get_app_configs():
        chosen = [
            m
            for m in config.get_models(include_auto_created=True)
            if m._meta.managed
            and not m._meta.proxy
            and m._meta.label_lower not in _registry.derived
        ]
        if chosen:
            app_list[config] = chosen
    ordered = sort_dependencies(app_list.items(), allow_cycles=True)
    seen = set(ordered)
    # sort_dependencies leaves out auto-created through models; they go last (they point at both).
    extra = [m for ms in app_list.values() for m in ms if m not in seen]
    return ordered + extra


def _member(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def _local_fields(model: type[models.Model]) -> list[str]:
    # Local concrete fields only: a multi-table child's parent columns live in the parent's rows,
    # and many-to-many links are their own (auto-created) models.
    return [f.name for f in model._meta.local_fields if not f.primary_key]


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder drops microseconds past the millisecond; a restore must not."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _rows(model: type[models.Model], using: str) -> Iterator[str]:
    fields = _local_fields(model)
    queryset = model._base_manager.using(using).order_by("pk")
    batch = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        batch.append(obj)
        if len(batch) >= CHUNK:
            yield from _encode(batch, fields)
            batch = []
    yield from _encode(batch, fields)


def _encode(batch, fields) -> Iterator[str]:
    if batch:
        for row in serializers.serialize("python", batch, fields=fields):
            yield json.dumps(row, cls=_Encoder, ensure_ascii=False, sort_keys=True) + "\n"


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The latest applied migration of each app: a restore needs the same schema."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _media_files(storage, directory: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(dirs):
        yield from _media_files(storage, f"{directory}/{sub}" if directory else sub)


def _write_member(archive: zipfile.ZipFile, name: str, chunks) -> str:
    digest = hashlib.sha256()
    with archive.open(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), "w") as out:
        for chunk in chunks:
            data = chunk.encode() if isinstance(chunk, str) else chunk
            digest.update(data)
            out.write(data)
    return digest.hexdigest()


def _lines_in_blocks(lines: Iterator[str], counter: list[int]) -> Iterator[bytes]:
    block: list[bytes] = []
    size = 0
    for line in lines:
        counter[0] += 1
        data = line.encode()
        block.append(data)
        size += len(data)
        if size >= COPY_BLOCK:
            yield b"".join(block)
            block, size = [], 0
    if block:
        yield b"".join(block)


def _file_blocks(storage, name: str) -> Iterator[bytes]:
    with storage.open(name, "rb") as handle:
        while block := handle.read(COPY_BLOCK):
            yield block


def create_backup(path: str | Path, using: str = DEFAULT_DB_ALIAS, storage=None) -> dict:
    """Write the backup to `path` atomically (a temporary file beside it, then a rename) and
    return its manifest. Rows are read in one repeatable-read snapshot where the database has
    one, so the file is consistent while the site keeps running."""
    storage = storage or default_storage
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database_vendor": connections[using].vendor,
        "migrations": migration_state(using),
        "models": {},
        "media": [],
        "checksums": {},
    }
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            connection = connections[using]
            outermost = not connection.in_atomic_block
            with transaction.atomic(using=using):
                if connection.vendor == "postgresql" and outermost:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                for model in backed_up_models():
                    counter = [0]
                    member = _member(model)
                    digest = _write_member(
                        zf, member, _lines_in_blocks(_rows(model, using), counter)
                    )
                    manifest["models"][model._meta.label_lower] = counter[0]
                    manifest["checksums"][member] = digest
            for name in _media_files(storage):
                member = f"media/{name}"
                manifest["checksums"][member] = _write_member(
                    zf, member, _file_blocks(storage, name)
                )
                manifest["media"].append(name)
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


# ---------------------------------------------------------------------------------------------
# Restore


def read_manifest(path: str | Path) -> tuple[zipfile.ZipFile, dict]:
    """Open the backup and check it whole before anything is written: a ZIP, our format, every
    member present with the SHA-256 the manifest gives."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"备份文件已损坏（不是有效的 ZIP 文件）：{path}") from exc
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        archive.close()
        raise BackupError("备份文件缺少 manifest.json，不是 gongkai 备份或已损坏") from exc
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        archive.close()
        raise BackupError("备份文件已损坏：manifest.json 无法读取") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise BackupError("不是 gongkai 备份文件（格式标识不符）")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        archive.close()
        raise BackupError(
            f"备份格式版本 {version} 比本程序支持的 {FORMAT_VERSION} 新，请先升级 gongkai 再恢复"
        )
    names = set(archive.namelist())
    for member, expected in manifest.get("checksums", {}).items():
        if member not in names:
            archive.close()
            raise BackupError(f"备份文件已损坏：缺少 {member}")
        digest = hashlib.sha256()
        try:
            with archive.open(member) as handle:
                while block := handle.read(COPY_BLOCK):
                    digest.update(block)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            archive.close()
            raise BackupError(f"备份文件已损坏：{member} 无法读取") from exc
        if digest.hexdigest() != expected:
            archive.close()
            raise BackupError(f"备份文件已损坏：{member} 的校验和（SHA-256）不符")
    return archive, manifest


def target_is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    """A freshly migrated instance: no sites, users or audit events (migrate itself seeds
    content types, permissions, default synonyms and national channels, which do not count)."""
    from gongkai.core.models import AuditEvent, Site, User

    return not any(m._base_manager.using(using).exists() for m in (Site, User, AuditEvent))


def _clear(models_: list[type[models.Model]], using: str) -> None:
    """Empty every table the backup fills. On PostgreSQL TRUNCATE, which the audit table's
    row triggers do not see; on SQLite DELETE under core.audit.allow_flush."""
    from gongkai.core.audit import allow_flush

    connection = connections[using]
    tables = [m._meta.db_table for m in models_]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    with allow_flush(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _load_member(archive: zipfile.ZipFile, model, member: str, using: str) -> int:
    """Insert the rows as they were: a raw insert, as loaddata does, so auto_now fields keep
    their saved values and no save signal fires (the index is rebuilt once, afterwards)."""
    connection = connections[using]
    fields = model._meta.local_concrete_fields
    size = max(1, min(CHUNK, connection.ops.bulk_batch_size(fields, [None] * CHUNK) or CHUNK))
    queryset = model._base_manager.using(using)
    count = 0
    batch: list[models.Model] = []
    with archive.open(member) as handle:
        for line in handle:
            if not line.strip():
                continue
            for item in serializers.deserialize("python", [json.loads(line)], using=using):
                batch.append(item.object)
            count += 1
            if len(batch) >= size:
                queryset._insert(batch, fields=fields, raw=True, using=using)
                batch = []
    if batch:
        queryset._insert(batch, fields=fields, raw=True, using=using)
    return count


def restore_backup(
    path: str | Path, force: bool = False, using: str = DEFAULT_DB_ALIAS, storage=None, say=None
) -> dict:
    """Restore a backup into this instance. Refuses a damaged file, a newer format, a different
    migration state and (without `force`) a target that already holds data. All rows load in one
    transaction; then media files, then the registered post-restore steps."""
    storage = storage or default_storage
    say = say or (lambda message: None)
    archive, manifest = read_manifest(path)
    with archive:
        ours = migration_state(using)
        theirs = manifest.get("migrations", {})
        if ours != theirs:
            diff = sorted(
                f"{app}：备份 {theirs.get(app, '无')}，本实例 {ours.get(app, '无')}"
                for app in set(ours) | set(theirs)
                if ours.get(app) != theirs.get(app)
            )
            raise BackupError(
                "备份与本实例的数据库迁移状态不同，不能恢复（先让两边运行同一版本并 migrate）：\n"
                + "\n".join(diff)
            )
        if not force and not target_is_empty(using):
            raise BackupError(
                "目标实例已有数据（站点、用户或审计记录），拒绝覆盖；确需覆盖请加 --force"
            )

        known = {m._meta.label_lower: m for m in backed_up_models()}
        wanted = manifest.get("models", {})
        unknown = sorted(set(wanted) - set(known))
        if unknown:
            raise BackupError(f"备份包含本实例没有的数据表：{'、'.join(unknown)}")
        order = [m for m in known.values() if m._meta.label_lower in wanted]
        connection = connections[using]
        counts = {}
        with transaction.atomic(using=using):
            _clear(list(known.values()), using)
            for model in order:
                label = model._meta.label_lower
                counts[label] = _load_member(archive, model, _member(model), using)
                if counts[label] != wanted[label]:
                    raise BackupError(
                        f"备份文件已损坏：{label} 有 {counts[label]} 行，清单记为 {wanted[label]} 行"
                    )
                say(f"{label}：{counts[label]} 行")
            statements = connection.ops.sequence_reset_sql(no_style(), order)
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
            # Deferred foreign keys are checked here, before the commit, with a clear message.
            try:
                connection.check_constraints()
            except Exception as exc:  # noqa: BLE001 - report, roll back
                raise BackupError(f"备份数据的外键不一致，已回滚：{exc}") from exc

        for name in manifest.get("media", []):
            if storage.exists(name):
                storage.delete(name)
            with archive.open(f"media/{name}") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"媒体文件 {name} 未能按原名写回（存为 {saved}）")
        say(f"媒体文件：{len(manifest.get('media', []))} 个")

    for name, step in _registry.post_restore.items():
        say(f"恢复后步骤：{name}")
        step()
    return {"models": counts, "media": len(manifest.get("media", []))}
