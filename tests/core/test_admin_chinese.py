"""Issue 11 point 5: the admin is Chinese throughout. Before: AXES, OTP_STATIC, TASKS DATABASE
BACKEND, TOTP devices … as app and model headings."""

import ast
import gettext
import re
from pathlib import Path

import pytest

import gongkai
from gongkai.core.models import User
from tests.conftest import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_every_admin_heading_is_chinese(client):
    login_verified(client, User.objects.get(username="admin"))
    response = client.get("/admin/")
    assert response.status_code == 200
    app_list = response.context["app_list"]
    headings = [str(app["name"]) for app in app_list]
    headings += [str(model["name"]) for app in app_list for model in app["models"]]
    assert len(headings) > 5
    english = [h for h in headings if not re.search(r"[\u4e00-\u9fff]", h)]
    assert english == [], english
    html = response.content.decode()
    for old in (">Otp_Static<", "Tasks Database Backend", "TOTP device", "Static device"):
        assert old.lower() not in html.lower()


# Names, not English prose: the product, formats, standards, and keys on a keyboard.
NAMES = {"gongkai", "PDF", "ICP", "TOTP", "URL", "API", "HTML", "CSV", "JSON", "RSS", "ID"}
NAMES |= {"Unix", "Control", "Command", "Mac"}


def _visible_english(html):
    """English words a person reads on the page: tag contents outside scripts and styles."""
    html = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    # What people entered is data, not interface: list cells, read-only values, text areas,
    # the signed-in user's name; and codes or host names a help text gives as examples.
    html = re.sub(r"(?s)<td\b.*?</td>|<th class=\"field-.*?</th>", " ", html)
    html = re.sub(r"(?s)<div class=\"readonly\">.*?</div>|<textarea\b.*?</textarea>", " ", html)
    html = re.sub(r"(?s)<div id=\"user-tools\">.*?</div>|<bdi>.*?</bdi>", " ", html)
    html = re.sub(
        r"(?s)(<div class=\"help\"[^>]*>)(.*?)(</div>)",
        lambda m: m[1] + re.sub(r"\b[a-z][a-z0-9]*\b", " ", m[2]) + m[3],
        html,
    )
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    text = re.sub(r"\S*[A-Za-z0-9][./:_-][A-Za-z0-9]\S*", " ", text)  # hosts, paths, names
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return sorted(w for w in words if w not in NAMES)


def test_every_admin_page_reads_in_chinese(client):
    """Each model's list and add pages (headings, columns, fieldsets, field labels, help
    texts): before, the third-party models showed 'Select TOTP device to change', 'Identity',
    'Throttling', 'enqueued at' …"""
    from django.contrib import admin

    login_verified(client, User.objects.get(username="admin"))
    findings = {}
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages = [f"/admin/{info[0]}/{info[1]}/"]
        if model_admin.has_add_permission(
            type("R", (), {"user": User.objects.get(username="admin")})()
        ):
            pages.append(f"/admin/{info[0]}/{info[1]}/add/")
        first = model.objects.first()
        if first is not None:
            pages.append(f"/admin/{info[0]}/{info[1]}/{first.pk}/change/")
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            english = _visible_english(response.content.decode())
            if english:
                findings[url] = english
    assert findings == {}, findings


def _po_entries(path):
    """(context, msgid) → msgstr from a .po file of single-line or continued strings."""
    entries, current, key = {}, {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgctxt ", "msgid ", "msgstr ")):
            key, _sep, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() and "msgid" in current:
            if current["msgid"]:
                entries[(current.get("msgctxt"), current["msgid"])] = current["msgstr"]
            current, key = {}, None
    return entries


def test_compiled_catalogue_matches_its_source():
    """The .mo Django reads is the .po people edit: a msgid added without `msgfmt` fails here."""
    folder = Path(gongkai.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    source = _po_entries(folder / "django.po")
    assert len(source) > 20
    for (context, msgid), msgstr in source.items():
        if context:
            assert catalogue.pgettext(context, msgid) == msgstr, msgid
        else:
            assert catalogue.gettext(msgid) == msgstr, msgid
    compiled_ids = {k for k in catalogue._catalog if k}
    assert len(compiled_ids) == len(source)


def test_admin_strings_the_libraries_left_untranslated_read_in_chinese(client):
    login_verified(client, User.objects.get(username="admin"))
    page = client.get("/admin/").content.decode()
    assert "模型名称" in page and "Model name" not in page
    tasks = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "选择任务记录查看" in tasks and "优先级" in tasks and "priority" not in tasks
