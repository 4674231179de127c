"""XSS and SQL/FTS5-injection payloads through every public form and the search (issue 16).

Each form is read from its own page (every text field and textarea gets the payload, selects
their first choice), posted with Django's test client and followed to where it lands: no 5xx,
the payload never comes back unescaped, and the database still has its tables afterwards."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gongkai.participation import consultations as rules
from tests.foi.test_views import apply_data
from tests.participation.factories import make_person
from tests.records.conftest import editor, housing, reviewer  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "'><svg/onload=alert(1)>",
    "{{7*7}}{% debug %}${7*7}",
]
SQL = [
    "' OR 1=1--",
    '"; DROP TABLE foi_foirequest; --',
    "1 UNION SELECT username, password FROM auth_user--",
    "NEAR(公开 目录",
    '"*"',
    "^公开 OR * AND NOT",
    "title:x {title body}: -",
]
PAYLOADS = XSS + SQL


class _Form(HTMLParser):
    """The fields of the page's forms that post to `action` (or every form)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, dict]] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").lower(), a.get("action") or "", {}))
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input":
            kind, fields = (a.get("type") or "text").lower(), self.forms[-1][2]
            if kind in ("text", "search", "email", "tel", "url", "number", "date"):
                fields[a["name"]] = "TEXT"
            elif kind in ("hidden", "radio", "checkbox") and a["name"] not in fields:
                fields[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self.forms[-1][2][a["name"]] = "TEXT"
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and self._select not in self.forms[-1][2]:
            if a.get("value"):
                self.forms[-1][2][self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    parser = _Form()
    parser.feed(page.content.decode())
    return [
        (method, action or url, fields)
        for method, action, fields in parser.forms
        if "TEXT" in fields.values()
    ]


def _dangerous(payload: str) -> bool:
    return bool(re.search(r"[<>\"']", payload))


def _check(response, payload, where):
    assert response.status_code < 500, (where, payload, response.status_code)
    if "html" not in response.get("Content-Type", ""):
        return  # JSON (the suggestions) may carry the query as data; only HTML is rendered
    body = response.content.decode(errors="replace")
    if _dangerous(payload):
        assert payload not in body, f"{where} echoes {payload!r} unescaped"
    for live in ("<script>alert(1)", "<img src=x onerror", "<svg onload", "<svg/onload"):
        assert live not in body, f"{where} renders live markup {live!r}"


def _send(client, method, url, fields, payload, extra=None):
    data = {k: (payload if v == "TEXT" else v) for k, v in fields.items()}
    data.pop("website", None)  # the honeypot: a filled one is refused before any rendering
    data.update(extra or {})
    cache.clear()  # the forms are rate limited per address; here every post must get through
    if method == "post":
        return client.post(url, data, follow=True)
    return client.get(url, data, follow=True)


def _tables():
    return set(connection.introspection.table_names())


@pytest.fixture
def consultation(housing, editor, reviewer):  # noqa: F811
    today = timezone.localdate()
    c = rules.create_consultation(
        editor, organisation=housing, title="停车管理办法（征求意见稿）", purpose="请提意见",
        opens_on=today, closes_on=today, text="第一条 总则。\n第二条 收费。",
    )  # fmt: skip
    rules.submit(editor, c)
    return rules.publish(reviewer, c)


def test_search_survives_every_payload(client, demo):
    tables = _tables()
    for payload in PAYLOADS + ["1" * 20_000, "\x00\x0c"]:
        for url in (reverse("search:results"), reverse("search:suggest")):
            cache.clear()
            _check(client.get(url, {"q": payload}), payload[:100], url)
    assert _tables() == tables


def test_public_forms_survive_every_payload(client, demo, housing, consultation):  # noqa: F811
    tables = _tables()
    client.force_login(make_person())
    pages = [
        reverse("foi:apply"),
        reverse("foi:track"),
        reverse("participation:ask"),
        reverse("participation:track"),
        reverse("participation:report") + "?page=/records/",
        reverse("participation:rate") + "?page=/records/",
        reverse("consultations:detail", args=[consultation.pk]),
        reverse("guides:ask") if _has("guides:ask") else None,
    ]
    sent = 0
    for url in filter(None, pages):
        forms = _forms(client, url)
        for method, action, fields in forms:
            for payload in PAYLOADS:
                _check(_send(client, method, action, fields, payload), payload, action)
                sent += 1
    assert sent >= 5 * len(PAYLOADS), "fewer forms found than the public site has"
    assert _tables() == tables


def test_a_stored_foi_application_shows_the_payload_escaped(client, demo, housing):  # noqa: F811
    for payload in XSS:
        cache.clear()
        response = client.post(
            reverse("foi:apply"),
            apply_data(housing, description=payload, address=payload, purpose=payload),
            follow=True,
        )
        _check(response, payload, "foi:apply")
    from gongkai.foi.models import FoiRequest

    assert FoiRequest.objects.filter(description__contains="<script>").exists()


def _has(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True
