"""清理粘贴文本: the editor's button that cleans text pasted from old pages and the web.

The title, summary and body of the submitted form go through core.textnorm (the rules the
importer and `gongkai text normalize` use) and come back into the form, not saved: the editor
checks the result and saves it as usual, with the version the form was loaded at."""

from __future__ import annotations

import re

from gongkai.core import permissions
from gongkai.core.textnorm import Changes, join_line, normalize_html_report, normalize_report

from .workflow import EDIT_ROLES

#: the name of the button's submit value in the draft and revision forms
CLEAN_BUTTON = "clean_text"
TEXT_FIELDS = ("title", "summary", "body")
_TAG = re.compile(r"<[A-Za-z!/]")


def clean_text_fields(actor, organisation, data) -> tuple[dict, Changes]:
    """The form data with its text fields normalised, and what changed. `organisation` is
    the record's (None for a new draft: an editing role anywhere is enough, as for pasting);
    the check is the editor's own (EDIT_ROLES)."""
    permissions.require(actor, "清理信息正文", organisation, EDIT_ROLES)
    data = data.copy()
    total = Changes()
    for name in TEXT_FIELDS:
        value = data.get(name)
        if not value:
            continue
        if name == "body" and _TAG.search(value):
            value, changes = normalize_html_report(value)
        else:
            value, changes = normalize_report(value)
        if name == "title" and "\n" in value:
            # a title copied across two lines is one line
            first, *rest = value.split("\n")
            for line in rest:
                first = join_line(first, line).replace("\n", "")
            value = first
            changes.lines += len(rest)
        data[name] = value
        total += changes
    return data, total


def message(changes: Changes) -> str:
    """What the editor is told after the button: what changed, and that nothing is saved."""
    if not changes:
        return changes.summary()
    return f"{changes.summary()}。内容尚未保存，请核对后保存。"
