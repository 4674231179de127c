"""No lost updates: optimistic locking for content people edit in forms.

A versioned row carries an integer `version`. An edit form carries the version it was loaded
with, and a fingerprint of the values it showed. Saving moves the row from that version to the
next with one conditional ``UPDATE … SET version = version + 1 WHERE id = … AND version =
loaded`` inside the transaction that writes the change, so the database itself guarantees
that of two people who loaded the same version only the first save wins (PostgreSQL blocks the
second UPDATE on the row lock and then finds the version changed; SQLite runs write
transactions one at a time). The second save raises `VersionConflict`, which lists field by
field what the other person changed, their stored value beside the user's own, so the page can
show it and keep the user's input.

Domain apps call `claim` from their edit paths; core knows no domain model."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

MISSING = object()


@dataclass(frozen=True)
class FieldChange:
    """One field the other person changed: their stored value and what this user sent."""

    name: str
    label: str
    theirs: str
    yours: str


@dataclass(eq=False)
class VersionConflict(Exception):
    """The row is no longer at the version the user loaded; nothing was written."""

    loaded: int
    current: int
    changes: list[FieldChange] = field(default_factory=list)
    base: str = ""  # fingerprint of the stored values, for the re-shown form
    by: str = ""
    at: datetime | None = None

    def __post_init__(self):
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        who = f"{self.by}" if self.by else _gettext("其他人")
        return _gettext(
            "保存冲突：您打开页面后，%(who)s已修改并保存了这条内容（您打开的是第 %(loaded)s 版，"
            "现在是第 %(current)s 版）。您的修改没有保存，也没有覆盖对方的内容；"
            "您填写的内容仍保留在表单中，请对照差异后再保存。"
        ) % {"who": who, "loaded": self.loaded, "current": self.current}


def parse_version(value) -> int | None:
    """The version a form or API call sent: a positive integer, else None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


# --------------------------------------------------------------------------- values


def normalise(value: Any) -> Any:
    """A comparable, JSON-safe form of a value from a model or a form: related objects become
    their keys, dates ISO strings, None the empty string."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return sorted((normalise(v) for v in value), key=str)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def model_values(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The stored values of `names` (concrete or many-to-many fields), normalised."""
    values = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            value = list(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
        elif model_field.is_relation:
            value = getattr(obj, model_field.attname)
        else:
            value = getattr(obj, name)
        values[name] = normalise(value)
    return values


def _digest(value: Any) -> str:
    text = json.dumps(normalise(value), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fingerprint(values: dict[str, Any]) -> str:
    """What a form showed, compactly: a short digest per field (no content, no personal data)."""
    return json.dumps({k: _digest(v) for k, v in values.items()}, separators=(",", ":"))


def _parse_fingerprint(base: str | None) -> dict[str, str] | None:
    try:
        data = json.loads(base or "")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def describe(model, name: str, value: Any) -> tuple[str, str]:
    """(label, text) for showing a value of `model.name` to a person; `model` may be a tuple
    of models tried in turn (e.g. for the keys of a JSON content)."""
    candidates = model if isinstance(model, tuple) else (model,)
    for candidate in candidates:
        try:
            model_field = candidate._meta.get_field(name)
            break
        except FieldDoesNotExist:
            continue
    else:
        return name, _show(value)
    label = str(getattr(model_field, "verbose_name", name))
    if model_field.is_relation:
        related = model_field.related_model
        keys = value if isinstance(value, list) else [value]
        keys = [normalise(k) for k in keys if k not in ("", None)]
        names = [str(o) for o in related._base_manager.filter(pk__in=keys)] if keys else []
        return label, "、".join(names) or _gettext("（空）")
    if getattr(model_field, "flatchoices", None):
        choices = {str(k): str(v) for k, v in model_field.flatchoices}
        return label, choices.get(str(normalise(value)), _show(value))
    return label, _show(value)


def _show(value: Any) -> str:
    value = normalise(value)
    if value == "" or value == []:
        return _gettext("（空）")
    if isinstance(value, bool):
        return _gettext("是") if value else _gettext("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return Truncator(strip_tags(str(value)).strip()).chars(400) or _gettext("（空）")


def field_changes(
    model,
    theirs: dict[str, Any],
    yours: dict[str, Any] | None,
    base: str | None,
) -> list[FieldChange]:
    """Fields the other person changed since `base` (a `fingerprint`), with their value and
    this user's. Without a usable fingerprint: the fields where the stored value and the
    user's differ."""
    loaded = _parse_fingerprint(base)
    changes = []
    for name, value in theirs.items():
        mine = MISSING if yours is None else yours.get(name, MISSING)
        if loaded is not None and name in loaded:
            if _digest(value) == loaded[name]:
                continue  # the other person left this field alone
        elif mine is MISSING:
            continue
        if mine is not MISSING and normalise(mine) == normalise(value):
            continue  # both arrived at the same value: nothing to reconcile
        label, their_text = describe(model, name, value)
        your_text = "—" if mine is MISSING else describe(model, name, mine)[1]
        changes.append(FieldChange(name, label, their_text, your_text))
    return changes


# --------------------------------------------------------------------------- saving


def _last_change(obj: models.Model) -> tuple[str, datetime | None]:
    from .models import AuditEvent

    event = (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-created_at", "-id")
        .values("actor_name", "created_at")
        .first()
    )
    return (event["actor_name"], event["created_at"]) if event else ("", None)


def claim(
    obj: models.Model,
    expected: int | None,
    *,
    fields: Iterable[str] = (),
    yours: dict[str, Any] | None = None,
    base: str | None = None,
    read: Callable[[models.Model], dict[str, Any]] | None = None,
    describe_as=None,
) -> None:
    """Move `obj`'s row from version `expected` (the instance's own version when None) to the
    next one, or raise `VersionConflict` describing what the other person changed. Call it
    inside the transaction that then writes the change, before writing; `obj.version` is the
    new version afterwards.

    `fields` are the edited fields the conflict compares (`read` returns them from a fresh
    row instead, e.g. the keys of a JSON content; `describe_as` is the model whose field
    labels and choices describe them). `base` is the fingerprint of what the user saw; None
    means the values of `obj` as the caller loaded it, "" that it is unknown (then the
    fields where the stored value and `yours` differ are listed)."""
    model = type(obj)
    expected = obj.version if expected is None else expected
    updated = model._base_manager.filter(pk=obj.pk, version=expected).update(
        version=F("version") + 1
    )
    if updated:
        obj.version = expected + 1
        return
    if base is None:  # the caller's instance is what they loaded
        base = fingerprint(read(obj) if read else model_values(obj, fields))
    fresh = model._base_manager.get(pk=obj.pk)
    raise _conflict(fresh, expected, fields, yours, base, read, describe_as)


def expect(
    obj: models.Model,
    expected: int,
    *,
    fields: Iterable[str] = (),
    yours: dict[str, Any] | None = None,
    base: str | None = None,
) -> None:
    """Lock `obj`'s row (SELECT … FOR UPDATE) and raise `VersionConflict` unless it is still
    at `expected`; for edit paths that move the version themselves. Call inside the
    transaction of the change: the lock holds a second writer until it commits."""
    model = type(obj)
    fresh = model._base_manager.select_for_update().get(pk=obj.pk)
    if fresh.version != expected:
        if base is None:
            base = fingerprint(model_values(obj, fields))
        raise _conflict(fresh, expected, fields, yours, base)


def _conflict(fresh, expected, fields, yours, base, read=None, describe_as=None):
    theirs = read(fresh) if read else model_values(fresh, fields)
    by, at = _last_change(fresh)
    return VersionConflict(
        loaded=expected,
        current=fresh.version,
        changes=field_changes(describe_as or type(fresh), theirs, yours, base),
        base=fingerprint(theirs),
        by=by,
        at=at,
    )


# --------------------------------------------------------------------------- forms


class VersionForm(forms.Form):
    """Hidden fields an edit form carries: the version it was loaded with and what it showed.
    Mix it into the edit form; `load` fills them, `after_conflict` moves them on so the page
    can be saved again deliberately after the user has looked at the differences."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": _("页面缺少版本信息，请重新打开后再保存。"),
            "invalid": _("页面的版本信息无效，请重新打开后再保存。"),
        },
    )
    base = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    VERSION_KEYS = ("version", "base")

    def full_clean(self):
        """A hidden field's error is shown at the top of the form, where people see it."""
        super().full_clean()
        for key in self.VERSION_KEYS:
            for error in (self._errors or {}).pop(key, []):
                self.add_error(None, error)

    def load(self, version: int, values: dict[str, Any]) -> None:
        """Unbound form: carry the version and fingerprint of what it shows."""
        self.initial["version"] = version
        self.initial["base"] = fingerprint(values)

    @classmethod
    def after_conflict(cls, data, conflict: VersionConflict, prefix: str | None = None):
        """The user's submitted data, with the version and fingerprint moved to the stored
        row's: saving again is then a deliberate choice made after seeing the differences."""
        data = data.copy()
        key = (lambda name: f"{prefix}-{name}") if prefix else (lambda name: name)
        data[key("version")] = str(conflict.current)
        data[key("base")] = conflict.base
        return data

    def version_data(self) -> tuple[int | None, str]:
        return self.cleaned_data.get("version"), self.cleaned_data.get("base") or ""
