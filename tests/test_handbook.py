"""The staff handbook (docs/handbook/) stays whole: every image it shows is committed, is a
1280 px PNG and is one the screenshot test takes (tests/browser/handbook_shots.SHOTS), no shot
is taken for nothing, every link between its pages (and to their headings) resolves, and the
page names and labels it quotes are ones the pages have."""

import re
import shutil
from pathlib import Path

from PIL import Image

from tests.browser.handbook_shots import HANDBOOK, IMAGES, REPO, SHOTS, WIDTH

IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
QUOTED = re.compile(r"“([^”]+)”")
#: stand-ins the handbook writes for what a page fills in (a count, a date, an index number)
PLACEHOLDER = re.compile(r"N|……|年-月-日 时:分")
#: quoted text that is not a page's: examples of what staff type, and the phone's own setting
EXAMPLES = {"迎建〔2026〕12号", "按2026年版标准调整", "公开领域 / 事项", "自动设置"}


def anchor(heading: str) -> str:
    """The anchor GitHub (and most Markdown renderers) give a heading: lower case, punctuation
    dropped (Chinese full-width punctuation too), spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {anchor(h) for h in HEADING.findall(text)}


def problems(handbook: Path, images: Path) -> list[str]:
    """Everything wrong with the handbook under `handbook`, whose images are in `images`."""
    found: list[str] = []
    pages = sorted(handbook.glob("*.md"))
    shown: set[str] = set()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for alt, target in IMAGE.findall(text):
            where = f"{page.name}: ![{alt}]({target})"
            name = Path(target).stem
            if not alt.strip():
                found.append(f"{where}: 没有替代文本")
            if (handbook / target).resolve() != (images / f"{name}.png").resolve():
                found.append(f"{where}: 图片应在 img/ 下且为 .png")
                continue
            if name not in SHOTS:
                found.append(f"{where}: 截图测试不产生这张图（不在 handbook_shots.SHOTS 中）")
            path = images / f"{name}.png"
            if not path.is_file():
                found.append(f"{where}: 图片文件不存在")
                continue
            try:
                with Image.open(path) as image:
                    image.verify()
                with Image.open(path) as image:
                    if image.format != "PNG" or image.width != WIDTH:
                        found.append(f"{where}: 应为 {WIDTH} 像素宽的 PNG，实为 {image.size}")
            except Exception as exc:  # noqa: BLE001 - any unreadable file is the finding
                found.append(f"{where}: 不是有效的 PNG（{exc}）")
            shown.add(name)
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: outside the handbook
            path_part, _hash, fragment = target.partition("#")
            linked = (page.parent / path_part).resolve() if path_part else page
            if not linked.exists():
                found.append(f"{page.name}: 链接 {target} 指向的文件不存在")
            elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
                found.append(f"{page.name}: 链接 {target} 指向的标题不存在")
    for name in sorted(set(SHOTS) - shown):
        found.append(f"截图 {name} 没有被手册引用")
    for path in sorted(images.glob("*")):
        if path.stem not in SHOTS or path.suffix != ".png":
            found.append(f"img/{path.name} 不是截图测试产生的图片")
    index = (handbook / "README.md").read_text(encoding="utf-8")
    for page in pages:
        if page.name != "README.md" and f"]({page.name})" not in index:
            found.append(f"目录 README.md 没有列出 {page.name}")
    return found


def interface_text() -> str:
    """Every string the staff pages can show: templates and Python (forms, views, models), not
    the fixture pages of old sites the importer ships for its tests and demo."""
    src = REPO / "src" / "gongkai"
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted(src.rglob("*"))
        if p.suffix in (".html", ".py", ".js") and "fixtures" not in p.relative_to(src).parts
    )


def unknown_labels(handbook: Path, interface: str) -> list[str]:
    """Quoted page names, button and field labels (“审核通过”, “系统配置 › 用户”) that no
    template or Python source contains: the page was renamed and the handbook not."""
    headings = {h for page in handbook.glob("*.md") for h in HEADING.findall(page.read_text())}
    found = []
    for page in sorted(handbook.glob("*.md")):
        for phrase in QUOTED.findall(page.read_text(encoding="utf-8")):
            if phrase in EXAMPLES or phrase in headings:
                continue
            for part in phrase.split(" › "):
                fragments = [f.strip() for f in PLACEHOLDER.split(part) if len(f.strip()) > 1]
                if not all(f in interface for f in fragments):
                    found.append(f"{page.name}: “{part}”")
    return found


def test_handbook_quotes_the_pages_own_labels(tmp_path):
    interface = interface_text()
    assert unknown_labels(HANDBOOK, interface) == []
    # a label the pages do not have is reported, also inside a 系统配置 › … path
    copy = tmp_path / "handbook"
    shutil.copytree(HANDBOOK, copy, ignore=shutil.ignore_patterns("img"))
    with (copy / "reviewer.md").open("a", encoding="utf-8") as fh:
        fh.write("\n点“一键发布”，或在“系统配置 › 发布总开关”中设置。\n")
    assert unknown_labels(copy, interface) == [
        "reviewer.md: “一键发布”",
        "reviewer.md: “发布总开关”",
    ]


def test_handbook_images_and_links_are_whole():
    assert sorted(p.name for p in HANDBOOK.glob("*.md")) == [
        "README.md", "editor.md", "faq.md", "foi.md", "legacy.md", "office-admin.md",
        "oversight.md", "overview.md", "participation.md", "reviewer.md", "services.md",
    ]  # fmt: skip
    assert problems(HANDBOOK, IMAGES) == []


def test_checker_finds_missing_images_stale_shots_and_broken_links(tmp_path):
    """The check above can fail: on a copy with a dangling image, an unknown one, an orphan file,
    a broken link and a wrong heading anchor it reports each."""
    copy = tmp_path / "handbook"
    shutil.copytree(HANDBOOK, copy)
    (copy / "img" / "login.png").unlink()
    (copy / "img" / "old-page.png").write_bytes((copy / "img" / "workbench.png").read_bytes())
    with (copy / "faq.md").open("a", encoding="utf-8") as fh:
        fh.write("\n![旧截图](img/not-taken.png)\n[审核](reviewr.md) [保密](reviewer.md#保密)\n")
    found = problems(copy, copy / "img")
    assert any("![工作人员登录](img/login.png): 图片文件不存在" in p for p in found), found
    assert any("not-taken.png" in p and "不在 handbook_shots.SHOTS" in p for p in found), found
    assert "img/old-page.png 不是截图测试产生的图片" in found
    assert "faq.md: 链接 reviewr.md 指向的文件不存在" in found
    assert "faq.md: 链接 reviewer.md#保密 指向的标题不存在" in found


def test_readme_links_the_handbook():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/handbook/README.md)" in readme
