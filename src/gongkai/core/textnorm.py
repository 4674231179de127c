"""Text as it arrives from old sites and from copying on the web, made clean.

Copied government pages bring ruby-style pinyin (經(jīng)濟(jì)), traditional characters,
half-width punctuation in Chinese sentences, full-width digits, zero-width characters and hard
line wraps. Each rule below is a small function returning the new text and how many places it
changed; `normalize` applies them in an order that makes the whole idempotent (normalising
clean text changes nothing, so a re-import or a second click is stable).

Punctuation and digits follow GB/T 15834-2011 标点符号用法 and GB/T 9704-2012 党政机关公文格式:
Chinese sentences take full-width ，：；？！（）, numbers are written with half-width Arabic
digits, 文号 keep their 〔〕. Pinyin is recognised by the syllable inventory of pypinyin, never
guessed, so (2017), (一), (English), (PDF) and (a) stay as they are.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass, fields
from functools import lru_cache

#: Han characters (CJK unified ideographs, extension A, compatibility ideographs)
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: full-width punctuation only Chinese sentences use (GB/T 15834); “ ” — … serve English too
CJK_PUNCT = "，。、；：？！（）《》〈〉【】〔〕"
#: a line starting with one of these begins a numbered point and is never joined to the one before
ENUM_START = re.compile(
    r"^(?:\d+[.．、)）]|[（(][一二三四五六七八九十\d]+[)）]|[①-⑳]|[一二三四五六七八九十]+、|【)"
)
#: a line ending with one of these ends a sentence (or introduces what follows)
END_PUNCT = "。；;：:！!？?"

_HAN = re.compile(f"[{CJK}]")
_CHINESE = re.compile(f"[{CJK}{CJK_PUNCT}]")
_GLUE = f"{CJK}（）、，《》“”"
_GLUE_RE = re.compile(f"[{_GLUE}]")


# --------------------------------------------------------------------------- the record


@dataclass
class Changes:
    """How many places each rule changed: the staff message and the import report."""

    pinyin: int = 0  # 拼音注音 removed
    simplified: int = 0  # characters converted to simplified
    punctuation: int = 0  # half-width punctuation made full-width, quotes paired
    width: int = 0  # full-width digits and letters made half-width
    invisible: int = 0  # zero-width and control characters removed
    spaces: int = 0  # padding spaces made normal or removed
    lines: int = 0  # broken lines rejoined

    LABELS = (
        ("pinyin", "去除拼音注音 {} 处"),
        ("simplified", "繁体转简体 {} 字"),
        ("punctuation", "标点 {} 处"),
        ("width", "全角数字字母 {} 个"),
        ("invisible", "不可见字符 {} 个"),
        ("spaces", "空白 {} 处"),
        ("lines", "断行接续 {} 处"),
    )

    def __add__(self, other: Changes) -> Changes:
        return Changes(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def summary(self) -> str:
        """已清理：去除拼音注音 12 处，繁体转简体 340 字，标点 25 处 (only what changed)."""
        parts = [
            label.format(getattr(self, name)) for name, label in self.LABELS if getattr(self, name)
        ]
        return "已清理：" + "，".join(parts) if parts else "未发现需要清理的内容。"


# --------------------------------------------------------------------------- simplified


@lru_cache(maxsize=1)
def _opencc():
    from opencc import OpenCC

    converter = OpenCC("t2s")
    converter.convert("")  # loads the dictionaries
    return converter


@lru_cache(maxsize=1)
def traditional_chars() -> frozenset[str]:
    """Every character whose presence can make OpenCC change a text: the ones converted on
    their own, and in each converted phrase the ones that differ (回覆 → 回复: 覆 alone stays).
    Text without any of them is already simplified and skips OpenCC (slow in pure Python)."""
    chars: set[str] = set()
    for group in _opencc()._dict_chain_data:
        for _max, _min, table in group:
            for key, value in table.items():
                if key == value:
                    continue
                if len(key) == 1:
                    chars.add(key)
                elif len(key) == len(value):
                    chars.update(a for a, b in zip(key, value, strict=True) if a != b)
                else:
                    chars.update(set(key) - set(value) or set(key))
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s, phrases first: 乾隆 stays, 乾淨 → 干净).
    OpenCC matches within the pieces between its separators (punctuation, spaces), so only
    the pieces holding a traditional character go through it: the same result, faster."""
    trad = traditional_chars()
    if not text or trad.isdisjoint(text):
        return text
    converter = _opencc()
    pieces = converter.split_chars_re.split(text)  # odd indexes: the separators
    return "".join(
        piece if i % 2 or trad.isdisjoint(piece) else converter.convert(piece)
        for i, piece in enumerate(pieces)
    )


def convert_traditional(text: str) -> tuple[str, int]:
    """`to_simplified` and the number of characters it changed."""
    result = to_simplified(text)
    if result is text or result == text:
        return text, 0
    if len(result) == len(text):
        return result, sum(a != b for a, b in zip(text, result, strict=True))
    return result, sum(c in traditional_chars() for c in text)


# --------------------------------------------------------------------------- invisible


_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
#: zero-width space/non-joiner/joiner, word joiner, BOM, soft hyphen, and C0/C1 controls but
#: newline and tab
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def remove_invisible(text: str) -> tuple[str, int]:
    """Zero-width and control characters go; every kind of line break becomes a newline
    (Windows' CRLF is not counted as a change)."""
    crlf = text.count("\r\n")
    text, breaks = _LINE_BREAKS.subn("\n", text)
    text, removed = _INVISIBLE.subn("", text)
    return text, removed + breaks - crlf


# --------------------------------------------------------------------------- spaces


#: NBSP, en/em/thin spaces, narrow NBSP, medium mathematical space, ideographic space
_ODD_SPACES = re.compile(r"[\u00a0\u2002-\u200a\u202f\u205f\u3000]")
_SPACE_RUN = re.compile(r" {2,}")
_SPACE_BY_PUNCT = re.compile(rf" +(?=[{CJK_PUNCT}])|(?<=[{CJK_PUNCT}]) +")


def normalize_spaces(text: str, *, strip_lines: bool = True) -> tuple[str, int]:
    """Padding becomes normal spacing: NBSP and ideographic spaces are spaces, runs are one
    space, spaces beside full-width punctuation (、 区公开办) and at line ends go. Tabs stay
    (they separate table cells in pasted text)."""
    count = 0
    text, n = _ODD_SPACES.subn(" ", text)
    count += n
    text, n = _SPACE_RUN.subn(" ", text)
    count += n
    text, n = _SPACE_BY_PUNCT.subn("", text)
    count += n
    if strip_lines:
        lines = text.split("\n")
        stripped = [line.strip(" ") for line in lines]
        count += sum(a != b for a, b in zip(lines, stripped, strict=True))
        text = "\n".join(stripped)
        text, n = re.subn(r"\n{3,}", "\n\n", text.strip("\n"))
        count += n
    return text, count


# --------------------------------------------------------------------------- pinyin


_TONE_MARKS = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ\u0304\u0301\u030c\u0300")
#: a bracketed run of Latin letters (with tone marks) and syllable separators
#: what may stand before an orphan annotation (its character lost): a line start, a space,
#: punctuation of either width
_ORPHAN_AFTER = frozenset("\n\t ,.;:!?()、" + CJK_PUNCT)
_BRACKETED = re.compile(r"[(（]([A-Za-zÀ-ɏḀ-ỿ\u0300-\u036f' ]{1,40})[)）]")


@lru_cache(maxsize=1)
def _syllables() -> tuple[frozenset[str], frozenset[str]]:
    """The tone-marked syllables of pypinyin's dictionary, and the same without tone marks."""
    from pypinyin.pinyin_dict import pinyin_dict

    toned: set[str] = set()
    for readings in pinyin_dict.values():
        toned.update(unicodedata.normalize("NFC", r) for r in readings.split(","))
    plain = {_untoned(s) for s in toned}
    return frozenset(toned), frozenset(plain)


def _untoned(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("v", "ü")


def _segments(word: str, toned: frozenset[str], plain: frozenset[str]) -> bool:
    """`word` splits into dictionary syllables (北京 Běijīng → běi + jīng)."""
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            piece = word[start:end]
            if reachable[start] and (piece in toned or piece in plain):
                reachable[end] = True
                break
    return reachable[-1]


@lru_cache(maxsize=4096)
def is_pinyin(content: str) -> bool:
    """Tone-marked pinyin (or with ü): every part a syllable of the inventory. `jīng`,
    `Běijīng`, `xī'ān` are; `a`, `PDF`, `English`, `2017` are not (no tone mark, or no syllable)."""
    word = unicodedata.normalize("NFC", content.strip()).lower()
    if not word or not any(c in _TONE_MARKS for c in unicodedata.normalize("NFD", word) + word):
        return False
    toned, plain = _syllables()
    parts = [p for p in re.split(r"[ ']+", word) if p]
    return bool(parts) and all(p.isalpha() and _segments(p, toned, plain) for p in parts)


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove ruby-style annotations: 經(jīng) → 經, and an orphan whose character was lost,
    (guān)單位 at a line start or after punctuation. Adjacent annotations go or stay together.
    An annotation after a Latin word (Beijing (Běijīng) is…) is not ruby and stays."""
    runs: list[list[re.Match]] = []
    for match in _BRACKETED.finditer(text):
        if not is_pinyin(match.group(1)):
            continue
        if runs and runs[-1][-1].end() == match.start():
            runs[-1].append(match)
        else:
            runs.append([match])
    out: list[str] = []
    position = count = 0
    for run in runs:
        start, end = run[0].start(), run[-1].end()
        before = text[start - 1] if start else "\n"
        after = text[end] if end < len(text) else ""
        if _HAN.match(before) or (before in _ORPHAN_AFTER and _HAN.match(after)):
            out.append(text[position:start])
            position = end
            count += len(run)
    if not count:
        return text, 0
    out.append(text[position:])
    return "".join(out), count


# --------------------------------------------------------------------------- width


_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_NUMBER_SIGNS = re.compile(r"(?<=[0-9])．(?=[0-9])|(?<=[0-9])％")


def half_width_alnum(text: str) -> tuple[str, int]:
    """２０１７ → 2017, ＡＢＣ → ABC (GB/T 9704: numbers in Arabic digits); in numbers ． and
    ％ follow (１２．５％ → 12.5%)."""
    text, n = _FULLWIDTH_RE.subn(lambda m: m.group(0).translate(_FULLWIDTH), text)
    text, m = _NUMBER_SIGNS.subn(lambda x: "." if x.group(0) == "．" else "%", text)
    return text, n + m


# --------------------------------------------------------------------------- punctuation


_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_HALF_PUNCT = re.compile(r"[,:;?!]")
_LATIN = re.compile(r"[A-Za-z]")


def _neighbour(text: str | list[str], index: int, step: int) -> str:
    """The nearest character that is not a space, walking from `index` by `step`, on one line."""
    index += step
    while 0 <= index < len(text) and text[index] in " \t":
        index += step
    if 0 <= index < len(text) and text[index] != "\n":
        return text[index]
    return ""


def _chinese(char: str) -> bool:
    return bool(char) and bool(_CHINESE.match(char))


def full_width_punctuation(text: str) -> tuple[str, int]:
    """In Chinese sentences , : ; ? ! become ，：；？！ (管委会,各乡 → 管委会，各乡); between
    digits they stay (1,000.5, 10:30), after a Latin word too (ISO 9001:2015, index.php?id=1)."""
    if not _HALF_PUNCT.search(text):
        return text, 0
    chars = list(text)
    marks = [m.start() for m in _HALF_PUNCT.finditer(text)]
    count = 0
    # each decision is context for the next one (经,,, → 经，，，): both directions until stable
    for order in (marks, marks[::-1]) * len(marks):
        changed = 0
        for i in order:
            if chars[i] not in _TO_FULL:
                continue
            before, after = _neighbour(chars, i, -1), _neighbour(chars, i, 1)
            if _chinese(before):
                convert = True
            elif before.isalpha():
                convert = False  # after a Latin word: ISO 9001:2015, index.php?id=1
            else:
                convert = _chinese(after)  # after a digit, at a line start, after punctuation
            if convert:
                chars[i] = _TO_FULL[chars[i]]
                changed += 1
        count += changed
        if not changed:  # a whole pass changed nothing: stable
            break
    return "".join(chars), count


def full_width_brackets(text: str) -> tuple[str, int]:
    """Half-width ( ) pairs in Chinese text become （ ）: (一)任务 → （一）任务, 附件(PDF) →
    附件（PDF）. A pair stays when it holds only digits and Latin next to Latin text (ISO 9001
    (2017), (English)), or holds pinyin (a language lesson kept with strip_pinyin=False)."""
    if "(" not in text or ")" not in text:
        return text, 0
    chars = list(text)
    stack: list[int] = []
    count = 0
    for i, char in enumerate(text):
        if char == "\n":
            stack.clear()  # brackets pair within a line
        elif char == "(":
            stack.append(i)
        elif char == ")" and stack:
            start = stack.pop()
            content = text[start + 1 : i]
            if is_pinyin(content):
                continue
            before, after = _neighbour(text, start, -1), _neighbour(text, i, 1)
            if _HAN.search(content):
                convert = True
            elif before and (before.isalnum() or _LATIN.match(before)) and not _HAN.match(before):
                convert = False
            else:
                convert = _chinese(before) or _chinese(after)
            if convert:
                chars[start], chars[i] = "（", "）"
                count += 2
    return "".join(chars), count


def paired_quotes(text: str) -> tuple[str, int]:
    """Straight double quotes become “ ” only when clearly paired: an even number on the line
    and Chinese inside every pair (按照"应公开、尽公开"要求). Anything else is left alone."""
    if '"' not in text:
        return text, 0
    count = 0
    lines = text.split("\n")
    for n, line in enumerate(lines):
        parts = line.split('"')
        if len(parts) < 3 or len(parts) % 2 == 0:
            continue
        if not all(_HAN.search(parts[k]) for k in range(1, len(parts), 2)):
            continue
        out = parts[0]
        for k in range(1, len(parts), 2):
            out += "“" + parts[k] + "”" + parts[k + 1]
        lines[n] = out
        count += len(parts) - 1
    return "\n".join(lines), count


def punctuation(text: str) -> tuple[str, int]:
    """The punctuation rules until none applies: each one's result is context for the others
    (,(一) → ,（一） → ，（一）)."""
    total = 0
    for _ in range(16):
        text, a = full_width_brackets(text)
        text, b = full_width_punctuation(text)
        text, c = paired_quotes(text)
        if not a + b + c:
            break
        total += a + b + c
    return text, total


# --------------------------------------------------------------------------- lines


_DATE_LINE = re.compile(
    r"^[（(]?(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月"
    r"[一二三四五六七八九十]{1,3}日|\d{4}[-./]\d{1,2}[-./]\d{1,2})[)）]?$"
)


def join_line(before: str, after: str) -> str:
    """Two lines as one text: kept apart (a newline) when `after` starts a numbered point or
    `before` ends a sentence; glued without a space inside Chinese; with a space between
    Latin words. The catalogue's cell text and `rejoin_lines` share this rule."""
    if not before:
        return after
    if not after:
        return before
    if ENUM_START.match(after) or before[-1] in END_PUNCT:
        return f"{before}\n{after}"
    if before[-1] == ",":
        return before + after if _GLUE_RE.match(after[0]) else f"{before} {after}"
    if (
        _GLUE_RE.match(before[-1])
        or before[-1] == "("
        or _GLUE_RE.match(after[0])
        or after[0] in "),"
    ):
        return before + after
    return f"{before} {after}"


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def wrap_width(lines: list[str]) -> int | None:
    """The width a copied page was hard-wrapped at, if the text shows one: at least three
    lines, a quarter of them, reach (within a little) the longest line's width."""
    widths = [_display_width(line) for line in lines if line.strip()]
    if len(widths) < 3:
        return None
    longest = max(widths)
    if longest < 20:
        return None
    near = sum(w >= longest - _tolerance(longest) for w in widths)
    if near >= 3 and near * 4 >= len(widths):
        return longest
    return None


def _tolerance(width: int) -> int:
    # a line may end a character early (a closing mark cannot start the next line) or a
    # Latin word early (it did not fit)
    return max(4, width // 10)


def _joinable(line: str, following: str, width: int) -> bool:
    if not line or not following:
        return False
    if _display_width(line) < width - _tolerance(width):
        return False  # ended early: a title, a paragraph's last line, a table cell
    if _DATE_LINE.match(line.strip()) or _DATE_LINE.match(following.strip()):
        return False
    return join_line(line, following).count("\n") == 0


def rejoin_lines(text: str) -> tuple[str, int]:
    """Rejoin lines broken inside sentences by a hard wrap: only where the text shows a fixed
    wrap width, a line reaching it ends mid-sentence, and the next line is not a numbered
    point or a date (2017年9月20日). Repeated until nothing changes, so it is idempotent."""
    total = 0
    for _ in range(8):
        lines = text.split("\n")
        width = wrap_width(lines)
        if width is None:
            break
        out = [lines[0]]
        joined = 0
        for line in lines[1:]:
            if _joinable(out[-1], line, width):
                out[-1] = join_line(out[-1], line)
                joined += 1
            else:
                out.append(line)
        if not joined:
            break
        total += joined
        text = "\n".join(out)
    return text, total


# --------------------------------------------------------------------------- together


def _inline(text: str, changes: Changes, *, simplify_: bool, strip: bool, lines: bool) -> str:
    """The rules that work inside a line, in order: invisible characters first (they hide
    pinyin and punctuation from the patterns), pinyin before punctuation (its brackets are not
    punctuation), simplification before punctuation (which looks for Han characters)."""
    text, n = remove_invisible(text)
    changes.invisible += n
    text, n = normalize_spaces(text, strip_lines=lines)
    changes.spaces += n
    if strip:
        text, n = strip_pinyin(text)
        changes.pinyin += n
    text, n = half_width_alnum(text)
    changes.width += n
    if simplify_:
        text, n = convert_traditional(text)
        changes.simplified += n
    text, n = punctuation(text)
    changes.punctuation += n
    text, n = normalize_spaces(text, strip_lines=lines)
    changes.spaces += n
    return text


def normalize_report(
    text: str, *, simplify: bool = True, strip_pinyin: bool = True, rejoin: bool = True
) -> tuple[str, Changes]:
    """`normalize` and what it changed (for the staff message and the import report)."""
    changes = Changes()
    if not text:
        return text or "", changes
    text = _inline(text, changes, simplify_=simplify, strip=strip_pinyin, lines=True)
    if rejoin:
        text, n = rejoin_lines(text)
        if n:
            changes.lines += n
            # the seams may join a comma to Chinese text: the inline rules once more
            text = _inline(text, changes, simplify_=simplify, strip=strip_pinyin, lines=True)
    return text, changes


def normalize(text: str, *, simplify: bool = True, strip_pinyin: bool = True) -> str:
    """Clean plain text; idempotent."""
    return normalize_report(text, simplify=simplify, strip_pinyin=strip_pinyin)[0]


# --------------------------------------------------------------------------- HTML


#: elements whose text is code or preformatted, never touched
_VERBATIM = {"script", "style", "pre", "code", "textarea", "kbd", "samp"}
#: a line break inside a sentence (not after its end) in an HTML text node
_WRAP_IN_WORD = re.compile(rf"(?<=[{CJK}，、（《“])[ \t]*\n\s*(?=[{CJK}，。、；：？！）》”])")
_DOCUMENT = re.compile(r"^\s*(?:<!doctype|<html|<\?xml)", re.I)


def _text_node(text: str, changes: Changes, simplify_: bool, strip: bool) -> str:
    """An HTML text node: the inline rules, and a line break inside a sentence removed (城市供
    \n水 renders as 城市供 水), then the rules again for what the removal brought together."""
    text = _inline(text, changes, simplify_=simplify_, strip=strip, lines=False)
    for _ in range(4):
        text, n = _WRAP_IN_WORD.subn("", text)
        if not n:
            break
        changes.lines += n
        text = _inline(text, changes, simplify_=simplify_, strip=strip, lines=False)
    return text


def _ruby(root, changes: Changes) -> None:
    """<ruby>經<rp>(</rp><rt>jīng</rt><rp>)</rp></ruby> → 經, when the annotation is pinyin."""
    for ruby in list(root.iter("ruby")):
        annotations = ruby.findall(".//rt")
        if not annotations or not all(is_pinyin(rt.text_content()) for rt in annotations):
            continue
        for element in ruby.findall(".//rt") + ruby.findall(".//rp"):
            element.drop_tree()
        changes.pinyin += len(annotations)
        ruby.drop_tag()


def normalize_html_report(
    html: str, *, simplify: bool = True, strip_pinyin: bool = True
) -> tuple[str, Changes]:
    """`normalize_html` and what it changed. Unchanged input is returned as it came, byte for
    byte (no re-serialisation)."""
    from lxml import etree
    from lxml import html as lxml_html

    changes = Changes()
    if not html or not html.strip():
        return html or "", changes
    document = bool(_DOCUMENT.match(html))
    try:
        if document:
            root = lxml_html.document_fromstring(html)
        else:
            root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html, changes
    if strip_pinyin:
        _ruby(root, changes)
    for element in root.iter():
        if isinstance(element.tag, str) and element.text and not _verbatim(element):
            element.text = _text_node(element.text, changes, simplify, strip_pinyin)
        parent = element.getparent()
        if element.tail and parent is not None and not _verbatim(parent):
            element.tail = _text_node(element.tail, changes, simplify, strip_pinyin)
    if not changes:
        return html, changes
    if document:
        doctype = root.getroottree().docinfo.doctype
        out = lxml_html.tostring(root, encoding="unicode", doctype=doctype or None)
    else:
        out = html_lib.escape(root.text or "", quote=False) + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in root
        )
    return out, changes


def _verbatim(element) -> bool:
    return element.tag in _VERBATIM or any(a.tag in _VERBATIM for a in element.iterancestors())


def normalize_html(html: str, *, simplify: bool = True, strip_pinyin: bool = True) -> str:
    """Clean the text nodes of an HTML fragment, leaving its tags and attributes alone."""
    return normalize_html_report(html, simplify=simplify, strip_pinyin=strip_pinyin)[0]
