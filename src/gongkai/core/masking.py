"""Masking personal data in free text before it is shown to the public.

《个人信息保护法》第二十八条 (identity numbers and financial accounts are sensitive) and
website-indicators.md ("leaked privacy" is a veto item): text the public wrote — a message, a
comment — may hold the writer's or someone else's numbers, so what a public page shows is
masked. Masking errs on the side of hiding: any 18-character identity-number shape is masked,
checksum or not."""

from __future__ import annotations

import re

# Order matters: the longer shapes first, so an ID number is not taken for a phone number.
_PATTERNS = [
    # 18-digit resident identity numbers (last character may be X)
    (re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])"), r"\1********\2"),
    # bank cards: 16 to 19 digits, optionally grouped by spaces or dashes
    (re.compile(r"(?<![\d*])\d(?:[ -]?\d){15,18}(?![\d*])"), lambda m: _mask_card(m.group(0))),
    # mainland mobile numbers, optionally with +86 / 86 and separators
    (
        re.compile(r"(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)"),
        r"\1****\2",
    ),
    # landlines with an area code: 0556-1234567
    (re.compile(r"(?<!\d)(0\d{2,3})[ -]?\d{3,4}(\d{4})(?!\d)"), r"\1-****\2"),
    # e-mail addresses: keep the first character and the domain
    (
        re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})"),
        r"\1***@\2",
    ),
]


def _mask_card(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[:4] + " **** **** " + digits[-4:]


def mask_personal_text(text: str) -> str:
    """The text with identity numbers, bank cards, phone numbers and e-mail addresses masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text or "")
    return text
