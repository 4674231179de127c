"""The suspicious-domain list (可疑域名): links to gambling, porn or fraud sites injected into old
government pages (暗链) are a veto item (国办秘函〔2019〕19号, "prohibited content or links").

Two kinds of entry, both matched on the link's host name (and on every host a redirect passes):

- a domain matches itself and all its subdomains: ``bet365.com`` matches ``bet365.com`` and
  ``www.bet365.com``, never ``notbet365.com`` or ``bet365.com.cn``;
- a keyword matches inside a label of the host name. A keyword of 4 letters or more (or any
  Chinese keyword, for IDN hosts) matches anywhere in a label (``casino`` in
  ``royalcasino88.net``); a shorter one only as a whole word between digits, hyphens or dots,
  so ``bet`` matches ``bet365.com``, ``188bet.com`` and ``win.bet`` but not ``alphabet.com``,
  ``tibet.cn``, ``better.com`` or ``diabetes.org``. Legal lottery words (彩票, lottery, 体彩,
  福彩) are deliberately not in the default list: 中国福利彩票 and 中国体育彩票 are state sites."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "data" / "suspicious_domains.csv"
#: keywords shorter than this match only as a whole word of a label
WHOLE_WORD_BELOW = 4
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9\u0080-\uffff-]{1,63}\.)*[a-z0-9\u0080-\uffff-]{1,63}$")
_WORDS = re.compile(r"[^a-z]+")


def unicode_label(label: str) -> str:
    """A label as people read it: ``xn--…`` (punycode) decoded, so Chinese keywords match."""
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def normalise_host(host: str) -> str:
    return (host or "").strip().strip(".").lower()


def normalise_pattern(value: str, kind: str) -> str:
    """The stored form of an entry; ValueError (in Chinese) when it cannot match anything."""
    value = normalise_host(value)
    if kind == "domain":
        value = value.removeprefix("*.")
        if not _HOST.match(value) or "." not in value:
            raise ValueError("请填写域名，例如 example.com（不含 http:// 和路径）")
        return value
    if not value or any(c in value for c in "./:") or " " in value:
        raise ValueError("关键词只能是主机名中的一个词，不能含点、斜杠或空格")
    if value.isascii() and len(value) < 3:
        raise ValueError("英文关键词至少 3 个字母，否则误判太多")
    return value


@dataclass(frozen=True)
class Match:
    pattern: str
    kind: str
    category: str
    category_label: str


class DomainMatcher:
    """Matches host names against a list of (pattern, kind, category, label) entries."""

    def __init__(self, entries):
        self.domains: dict[str, Match] = {}
        self.keywords: list[Match] = []
        for pattern, kind, category, label in entries:
            match = Match(pattern, kind, category, label)
            if kind == "domain":
                self.domains[pattern] = match
            else:
                self.keywords.append(match)

    def match(self, host: str) -> Match | None:
        host = normalise_host(host)
        if not host:
            return None
        labels = host.split(".")
        for i in range(len(labels)):  # the host itself, then each parent domain
            found = self.domains.get(".".join(labels[i:]))
            if found:
                return found
        for label in labels:
            readable = unicode_label(label)
            words = set(_WORDS.split(readable)) if readable.isascii() else set()
            for keyword in self.keywords:
                if keyword.pattern.isascii() and len(keyword.pattern) < WHOLE_WORD_BELOW:
                    if keyword.pattern in words:
                        return keyword
                elif keyword.pattern in readable:
                    return keyword
        return None


def default_entries() -> list[dict]:
    with DEFAULTS_FILE.open(encoding="utf-8", newline="") as f:
        return [
            {
                "domain": normalise_pattern(row["pattern"], row["kind"]),
                "kind": row["kind"],
                "category": row["category"],
                "note": row["note"],
            }
            for row in csv.DictReader(f)
        ]


def seed_default_domains(model) -> int:
    """Add the default entries that are missing (switched-off ones stay off)."""
    existing = set(model.objects.values_list("domain", flat=True))
    new = [model(**row) for row in default_entries() if row["domain"] not in existing]
    model.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def seed_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    """post_migrate: the defaults of the data file, as contenttypes adds its rows (no data
    migration, so a new default reaches every deployment at its next migrate)."""
    from django.db import DEFAULT_DB_ALIAS

    if using != DEFAULT_DB_ALIAS or apps is None:
        return
    try:
        model = apps.get_model("oversight", "SuspiciousDomain")
    except LookupError:  # migrated back before the table existed
        return
    seed_default_domains(model)


def active_matcher() -> DomainMatcher:
    from gongkai.oversight.models import SuspiciousCategory, SuspiciousDomain

    labels = dict(SuspiciousCategory.choices)
    rows = SuspiciousDomain.objects.filter(is_active=True).values_list("domain", "kind", "category")
    return DomainMatcher((p, k, c, str(labels.get(c, c))) for p, k, c in rows)
