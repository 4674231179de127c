"""Rebuild the bundled font subsets: `python -m gongkai.core.fonts.build [NOTO_DIR]`.

NOTO_DIR holds the Noto CJK collections (Debian's fonts-noto-cjk puts them in
/usr/share/fonts/opentype/noto). The subset is GB 2312 (symbol rows, level 1 and level 2),
ASCII and Latin-1, general punctuation, CJK symbols and full-width forms, plus any other
character that the project's own source texts use. Each face is split into parts of at most
MAX_PART bytes so no tracked file is large; the parts share the family name and fontconfig
picks, character by character, the part that has the glyph."""

import io
import math
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

from . import FACES, FONT_DIR

MAX_PART = 2_000_000
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".csv", ".json", ".po"}
EXTRA_RANGES = [
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1
    (0x2000, 0x206F),  # general punctuation (— … ‘’ “”)
    (0x2100, 0x214F),  # letterlike (℃ №)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ)
    (0x2460, 0x24FF),  # enclosed (① ⑴ ⒈)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〔〕《》〇)
    (0xFE30, 0xFE4F),  # CJK compatibility forms (vertical punctuation)
    (0xFF00, 0xFFEF),  # full-width forms
]
# In every part: Pango keeps a run's font across spaces and punctuation, so a part that lacked
# them would draw .notdef for the space between two characters it holds.
SHARED = {*range(0x20, 0x7F), 0xA0, *range(0x2000, 0x2027), *range(0x3000, 0x3020)}


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def project_characters(root: Path) -> set[str]:
    """Characters outside ASCII in the package's own texts (demo data, templates, messages)."""
    chars = set()
    for path in root.rglob("*"):
        if path.suffix in SOURCE_SUFFIXES and path.is_file():
            chars.update(ch for ch in path.read_text("utf-8", errors="ignore") if ord(ch) > 0x7F)
    return chars


def wanted_characters() -> set[int]:
    chars = gb2312() | project_characters(FONT_DIR.parent.parent)
    codepoints = {ord(ch) for ch in chars}
    for start, end in EXTRA_RANGES:
        codepoints.update(range(start, end + 1))
    return codepoints


def _sc_face(collection: TTCollection):
    for font in collection.fonts:
        if font["name"].getDebugName(1).endswith("CJK SC"):
            return font
    raise SystemExit("no CJK SC face in the collection")


def _rename(font, family: str, prefix: str, part: int) -> None:
    """New names (the OFL asks Modified Versions to be told apart); copyright and licence stay."""
    style = prefix.rsplit("-", 1)[1]
    ps_name = f"{prefix}-{part}"
    name = font["name"]
    name.names = [n for n in name.names if n.nameID not in {1, 2, 3, 4, 6, 16, 17}]
    for name_id, value in (
        (1, family),
        (2, style),
        (3, f"gongkai subset of Noto CJK SC: {ps_name}"),
        (4, f"{family} {style}"),
        (6, ps_name),
    ):
        name.setName(value, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    top.FullName = f"{family} {style}"
    top.FamilyName = family


def _subset(source: Path, codepoints: list[int], family: str, prefix: str, part: int) -> bytes:
    font = _sc_face(TTCollection(str(source))) if source.suffix == ".ttc" else None
    options = subset.Options()
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 11, 13, 14]
    options.layout_features = [*subset.Options().layout_features, "vert", "vrt2", "palt", "halt"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    _rename(font, family, prefix, part)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def build(noto_dir: Path) -> None:
    codepoints = sorted(wanted_characters())
    for old in FONT_DIR.glob("*.otf"):
        old.unlink()
    for family, _weight, prefix, collection in FACES:
        source = noto_dir / collection
        parts = 3
        while True:
            size = math.ceil(len(codepoints) / parts)
            blobs = [
                _subset(
                    source,
                    sorted(SHARED.union(codepoints[i * size : (i + 1) * size])),
                    family,
                    prefix,
                    i + 1,
                )
                for i in range(parts)
            ]
            if max(len(b) for b in blobs) <= MAX_PART:
                break
            parts += 1
        for i, blob in enumerate(blobs, 1):
            path = FONT_DIR / f"{prefix}-{i}.otf"
            path.write_bytes(blob)
            print(f"{path.name}: {len(blob):,} bytes")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto"))
