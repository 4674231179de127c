"""索引号: generated per site from a pattern, unique, never reused.

《政府信息公开条例》第十二条 asks for a 公开目录 with an index for every item. The default
pattern is organisation code - category (主题分类 code) - year - serial; the serial counts
separately for each distinct rest of the pattern. Serials come from the shared locked
sequence (`core.sequences`, also used for request serials), so concurrent publications
never collide, and a number is never given out twice, even when its record is later
withdrawn."""

from __future__ import annotations

import re
import string

from gongkai.core.sequences import next_value

from .models import IndexRule, Record

#: the core.Sequence namespace of index numbers
SEQUENCE = "records.index_number"

ALLOWED_FIELDS = {"org_code", "category", "year", "serial", "site_code", "item_id"}
#: characters allowed in an index number: it appears in the URL /records/<索引号>/
SAFE = re.compile(r"[^0-9A-Za-z\-_.]")


class IndexRuleError(ValueError):
    """A pattern that cannot produce unique, URL-safe index numbers."""


def validate_pattern(pattern: str) -> None:
    fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    unknown = set(fields) - ALLOWED_FIELDS
    if unknown:
        raise IndexRuleError(f"索引号规则含未知字段：{'、'.join(sorted(unknown))}")
    if fields.count("serial") != 1:
        raise IndexRuleError("索引号规则必须恰好包含一个 {serial}（序号）。")
    literal = "".join(text for text, _, _, _ in string.Formatter().parse(pattern))
    if SAFE.search(literal):
        raise IndexRuleError("索引号规则中的分隔符只能用字母、数字、- _ .（索引号出现在网址中）。")


def pattern_for(site) -> str:
    rule = IndexRule.objects.filter(site=site).first()
    return rule.pattern if rule else IndexRule.DEFAULT_PATTERN


def _values(record: Record, year: int) -> dict:
    org_code = SAFE.sub("", record.organisation.code) or f"ORG{record.organisation_id}"
    return {
        "org_code": org_code,
        "category": record.subject,
        "year": year,
        "site_code": SAFE.sub("", record.site.site_code) or record.site.slug,
        "item_id": record.catalogue_item_id,
    }


def next_index_number(record: Record, year: int) -> str:
    """Take the next serial for the record's scope and return the formatted number.

    Must run inside the publishing transaction: the sequence row stays locked until commit."""
    pattern = pattern_for(record.site)
    validate_pattern(pattern)
    values = _values(record, year)
    scope = re.sub(r"\{serial(?::[^}]*)?\}", "{{serial}}", pattern).format(**values)[:150]

    def is_free(serial: int) -> bool:
        # A number typed in by hand (legacy import) is skipped, never duplicated.
        number = pattern.format(serial=serial, **values)
        return not Record.objects.filter(site=record.site, index_number=number).exists()

    serial = next_value(record.site, SEQUENCE, scope, is_free=is_free)
    return pattern.format(serial=serial, **values)


# --------------------------------------------------------------------------- 文号

#: the core.Sequence namespace of 发文字号
DOCUMENT_SEQUENCE = "records.document_number"


def format_document_number(prefix: str, year: int, serial: int) -> str:
    """机关代字〔年份〕序号号 (GB/T 9704-2012 7.2.4: 六角括号, no leading zeros, no 第)."""
    return f"{prefix}〔{year}〕{serial}号"


def next_document_number(site, prefix: str, year: int) -> str:
    """The issuer's next 文号 of the year: one counter per 机关代字 and year, never a number
    already on one of the site's records. Run it in 成文日期 order for numbers that increase
    with the date, inside the transaction that saves the record."""

    def is_free(serial: int) -> bool:
        number = format_document_number(prefix, year, serial)
        return not Record.objects.filter(site=site, document_number=number).exists()

    serial = next_value(site, DOCUMENT_SEQUENCE, f"{prefix}〔{year}〕", is_free=is_free)
    return format_document_number(prefix, year, serial)
