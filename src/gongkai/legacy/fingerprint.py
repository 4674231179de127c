"""A content fingerprint that finds the same document saved twice: under two URLs, with
different whitespace or in a different template.

A 64-bit simhash (Charikar 2002) over the document's normalised text: whitespace and
punctuation removed (full-width or half-width, a line break or none), then overlapping
character shingles, each hashed with BLAKE2b (stable across processes and versions, unlike
Python's salted `hash()`). Texts that share most shingles get fingerprints a few bits apart;
two different notices of one template share only the template's words and land far apart.

Written here rather than taken from PyPI: the `simhash` package has had no release since 2022
and pulls in numpy for what is thirty lines; this one counts the shingles' hash bits in C
(a Counter per digest byte, 32-bit counters packed in one integer) instead of a Python loop
over 64 bits per shingle.

`simhash(text) -> int` (signed 64-bit, for a BigIntegerField), `bands(fp)` (the four 16-bit
bands stored on LegacyPage: by the pigeonhole principle two fingerprints within NEAR = 3 bits
agree on at least one band, so an indexed lookup by band finds every near-duplicate),
`distance(a, b)` (Hamming), `NEAR` (bits that still count as the same document)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

NEAR = 3
#: characters per shingle: Chinese words are one to four characters, so 4 keeps word order
SHINGLE = 4
BITS = 64
_MASK = (1 << BITS) - 1
#: \w is a letter or digit (str.isalnum) or "_": everything else goes
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
#: each of the 64 bits gets its own 32-bit counter inside one big integer
_FIELD = 32
_FIELD_MASK = (1 << _FIELD) - 1
#: byte value → its 8 bits spread one per counter field (low bit first)
_SPREAD = [sum(((b >> i) & 1) << (_FIELD * i) for i in range(8)) for b in range(256)]


def normalise(text: str) -> str:
    """The letters and digits of `text`, case-folded and in NFKC (full-width Ａ１ → a1):
    whitespace, punctuation and symbols carry no content and vary between templates."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def simhash(text: str) -> int:
    """The signed 64-bit simhash of `text` (0 for a text with no letters or digits).

    Every shingle occurrence votes with its 64 hash bits; a bit of the result is set when
    more than half the votes set it. The votes are counted per byte of the digests (one
    `Counter` over a byte slice each, in C), then spread into 64 counters at once."""
    chars = normalise(text)
    if not chars:
        return 0
    if len(chars) <= SHINGLE:
        grams = [chars]
    else:
        grams = [chars[i : i + SHINGLE] for i in range(len(chars) - SHINGLE + 1)]
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(g.encode(), digest_size=8).digest() for g in grams])
    ones = 0  # 64 counters: how many votes set each bit
    for position in range(8):  # digest byte 0 is the most significant
        votes = 0  # this byte's 8 counters: small integers, added up before shifting
        for byte, count in Counter(digests[position::8]).items():
            votes += _SPREAD[byte] * count
        ones |= votes << (_FIELD * 8 * (7 - position))
    total = len(grams)
    value = 0
    for bit in range(BITS):
        if 2 * ((ones >> (_FIELD * bit)) & _FIELD_MASK) > total:
            value |= 1 << bit
    return to_signed(value)


def to_signed(value: int) -> int:
    value &= _MASK
    return value - (1 << BITS) if value >= 1 << (BITS - 1) else value


def bands(fingerprint: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands, high to low."""
    value = fingerprint & _MASK
    return tuple((value >> shift) & 0xFFFF for shift in (48, 32, 16, 0))  # type: ignore[return-value]


def distance(a: int, b: int) -> int:
    """Bits in which two fingerprints differ."""
    return ((a ^ b) & _MASK).bit_count()


#: share of shingles two texts near in fingerprint must have in common to be one document:
#: templated notices (two 停水通知 differing in street and date) come close in 64 bits
SAME_DOCUMENT = 0.8


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' shingle sets (normalised as for simhash)."""
    x, y = _shingle_set(a), _shingle_set(b)
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


def _shingle_set(text: str) -> set[str]:
    chars = normalise(text)
    if len(chars) <= SHINGLE:
        return {chars} if chars else set()
    return {chars[i : i + SHINGLE] for i in range(len(chars) - SHINGLE + 1)}
