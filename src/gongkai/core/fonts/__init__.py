"""Chinese fonts shipped with the package, so PDFs render on a server without system CJK fonts.

Subsets of Noto Serif CJK SC and Noto Sans CJK SC (SIL Open Font License 1.1, see OFL.txt),
cut to GB 2312 (both levels and its symbol rows) plus punctuation and every character the
project's own texts use, and split into files under 2 MB each (`build.py` makes them). The
official-document format (GB/T 9704) wants a 仿宋-like serif for body text and a 黑体-like sans
for headings; core/pdf.py names the official fonts first and these as the fallback."""

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent

# (CSS family, CSS weight, file prefix, source collection holding the "CJK SC" face)
FACES = [
    ("Gongkai Serif SC", 400, "GongkaiSerifSC-Regular", "NotoSerifCJK-Regular.ttc"),
    ("Gongkai Serif SC", 700, "GongkaiSerifSC-Bold", "NotoSerifCJK-Bold.ttc"),
    ("Gongkai Sans SC", 700, "GongkaiSansSC-Bold", "NotoSansCJK-Bold.ttc"),
]
SERIF = "Gongkai Serif SC"
SANS = "Gongkai Sans SC"


def font_files(prefix: str) -> list[Path]:
    """The parts of one face, in order (each part covers some of the characters)."""
    return sorted(FONT_DIR.glob(f"{prefix}-*.otf"))
