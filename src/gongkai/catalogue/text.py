"""Text clean-up for catalogues as counties publish them.

Real files carry traditional characters, full-width digits and letters, line breaks inside
words (a narrow Word column wraps 城市供水 into 城市供\\n水) and stray spaces. Every function
here is idempotent: cleaning clean text changes nothing, so export → import is stable."""

import re
from functools import lru_cache

from gongkai.core.textnorm import CJK, join_line, to_simplified

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({0xFF0F: ord("/"), 0x3000: ord(" "), 0xFF05: ord("%"), 0xFF0E: ord(".")})
_FULLWIDTH.update({0x2028: ord("\n"), 0x2029: ord("\n"), ord("\r"): None, ord("\x0b"): ord("\n")})

__all__ = ["CJK", "clean_name", "clean_text", "cn_to_int", "header_key", "to_simplified"]


def clean_text(value) -> str:
    if value is None:
        return ""
    return _clean_text(str(value))


@lru_cache(maxsize=65536)
def _clean_text(value: str) -> str:
    """A cell's text: simplified, half-width digits and letters, no stray spaces, line breaks
    inside words joined, line breaks before numbered points kept."""
    text = value
    if not text.strip():
        return ""
    text = to_simplified(text.translate(_FULLWIDTH))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    result = ""
    for line in lines:
        if line:
            result = join_line(result, line)
    # spaces between two CJK characters are layout, not content
    result = re.sub(rf"(?<=[{CJK}]) (?=[{CJK}])", "", result)
    return result


@lru_cache(maxsize=65536)
def _clean_name(value: str) -> str:
    """An item or header name: clean_text with every line break and space inside removed."""
    text = clean_text(value)
    text = re.sub(r"\s*\n\s*", "", text)
    return re.sub(rf"(?<=[{CJK}]) (?=[{CJK}])|(?<=[{CJK}]) | (?=[{CJK}])", "", text)


def clean_name(value) -> str:
    return "" if value is None else _clean_name(str(value))


@lru_cache(maxsize=65536)
def _header_key(value: str) -> str:
    text = clean_name(value)
    return re.sub(r"[\s（）()【】\[\]：:、，,·.*\-—/]", "", text)


CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int | None:
    """二十 → 20, 十五 → 15, 一百二十 → 120, 三 → 3; None if not a Chinese number."""
    if not text or any(c not in CN_DIGITS and c not in CN_UNITS for c in text):
        return None
    total, digit = 0, None
    for char in text:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * CN_UNITS[char]
            digit = None
    return total + (digit or 0)


#: bounded and anchored at the start of a run: an unbounded `[…]+` before a failing lookahead
#: backtracks quadratically (a 20,000-character run of numerals took ~1 minute)
_CN_NUMBER_BEFORE_UNIT = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千])([零〇一二两三四五六七八九十百千]{1,12})(?=\s*(?:个工作日|个自然日|个月|个小时|工作日|自然日|日|天|小时|周|年))"
)


def cn_numbers_to_digits(text: str) -> str:
    """Chinese numbers before a time unit become digits: 二十个工作日 → 20个工作日."""

    def repl(match: re.Match) -> str:
        value = cn_to_int(match.group(1))
        return str(value) if value is not None else match.group(1)

    return _CN_NUMBER_BEFORE_UNIT.sub(repl, text)


def header_key(value) -> str:
    """A header cell reduced for matching: no spaces, punctuation or brackets."""
    return "" if value is None else _header_key(str(value))
