"""公开渠道和载体: the national checklist and reading the channel cell of a catalogue.

The national template writes channels as a checklist, ■ chosen and □ not chosen, at least one
chosen (catalogue-format.md; 《政府信息公开条例》第二十三条、第二十四条、第二十五条 name the
channels). Some catalogues write prose ("政府公报、政府网站、新闻发布会、报刊…") or add local
platforms; prose names that match nothing become local channels of the site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: (name, aliases) in checklist order; seeded into Channel rows by migration 0002.
NATIONAL_CHANNELS: list[tuple[str, list[str]]] = [
    ("政府网站", ["政府门户网站", "门户网站", "网站", "政府信息公开网站", "政府信息公开专栏"]),
    ("政府公报", ["公报"]),
    (
        "两微一端",
        ["政务微博", "政务微信", "微博", "微信", "客户端", "政务新媒体", "新媒体", "微信公众号"],
    ),
    ("发布会/听证会", ["新闻发布会", "发布会", "听证会", "发布会听证会"]),
    ("广播电视", ["广播", "电视", "电视台", "广播电台"]),
    ("纸质媒体", ["纸质载体", "报刊", "报纸", "纸媒", "宣传册", "宣传资料"]),
    ("公开查阅点", ["查阅点", "政府信息公开查阅点", "档案馆", "图书馆"]),
    ("政务服务中心", ["政务服务大厅", "政务大厅", "行政服务中心", "办事大厅"]),
    ("便民服务站", ["便民服务点", "便民服务中心", "便民服务大厅"]),
    ("入户/现场", ["入户", "现场", "入户现场"]),
    (
        "社区/企事业单位/村公示栏（电子屏）",
        [
            "社区/企事业单位/村公示栏",
            "社区企事业单位村公示栏电子屏",
            "社区企事业单位村公示栏",
            "公示栏",
            "公示栏（电子屏）",
            "村务公开栏",
            "公开栏",
            "电子屏",
            "村（居）务公开栏",
            "宣传栏",
        ],
    ),
    ("精准推送", ["短信推送", "推送"]),
    ("12345政务服务热线", ["12345热线", "政务服务热线", "12345"]),
    ("其他", ["其它"]),
]

#: written names ending like this are the national 公示栏 channel (社区公示栏, 村务公示栏 …)
SUFFIX_RULES = [
    ("公示栏", "社区/企事业单位/村公示栏（电子屏）"),
    ("公开栏", "社区/企事业单位/村公示栏（电子屏）"),
    ("电子屏", "社区/企事业单位/村公示栏（电子屏）"),
    ("热线", "12345政务服务热线"),
]

CHOSEN = "■☑✔✓√"
NOT_CHOSEN = "□☐"
#: shapes people type as marks; any of them that is not ■/□ is an unknown mark
MARK_LIKE = "▲△◆◇●○★☆▪▫◼◻◾◽▣▢※×✗✘◎⊙●◯▶►▷"
_MARK_SPLIT = re.compile(rf"([{CHOSEN}{NOT_CHOSEN}{MARK_LIKE}])")
_PROSE_SPLIT = re.compile(r"[、，,；;。\n]+|\s{1,}|及|和|以及")
_FILLER = re.compile(r"[_＿\s:：（）()]+")


def channel_key(name: str) -> str:
    """A name reduced for matching: no brackets, slashes, spaces or punctuation."""
    return re.sub(r"[\s（）()【】\[\]/／、，,·:：_＿\-—]", "", name)


@dataclass
class ChannelCell:
    """The channels read from one cell: canonical names chosen, new local names, problems."""

    chosen: list[str] = field(default_factory=list)
    new_local: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class ChannelResolver:
    """Maps a written channel name to a canonical Channel name (national or the site's own)."""

    def __init__(self, channels: list[tuple[str, list[str]]]):
        self.order: list[str] = []
        self._by_key: dict[str, str] = {}
        for name, aliases in channels:
            self.order.append(name)
            for alias in [name, *aliases]:
                self._by_key.setdefault(channel_key(alias), name)

    @classmethod
    def for_site(cls, site) -> ChannelResolver:
        from .models import Channel

        rows = Channel.objects.filter(site__isnull=True) | Channel.objects.filter(site=site)
        return cls([(c.name, c.alias_list()) for c in rows.order_by("site_id", "order", "id")])

    def resolve(self, written: str) -> str | None:
        key = channel_key(written)
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        for suffix, name in SUFFIX_RULES:
            if key.endswith(suffix) and name in self.order:
                return name
        if key.startswith("其他") or key.startswith("其它"):
            rest = key[2:]
            return self._by_key.get(rest) or ("其他" if not rest else None)
        return None


def _clean_written(text: str) -> str:
    text = text.strip().strip("、，,；;。")
    return _FILLER.sub(lambda m: "" if set(m.group(0)) <= set("_＿ ") else m.group(0), text).strip()


def parse_channel_cell(text: str, resolver: ChannelResolver) -> ChannelCell:
    """Read a 公开渠道和载体 cell: a ■/□ checklist, or prose separated by 、，；."""
    result = ChannelCell()
    text = (text or "").strip()
    if not text:
        return result
    if any(c in text for c in CHOSEN + NOT_CHOSEN + MARK_LIKE):
        parts = _MARK_SPLIT.split(text)
        if parts[0].strip():
            result.errors.append(f"公开渠道“{parts[0].strip()}”前缺少■或□标记")
        for mark, written in zip(parts[1::2], parts[2::2], strict=False):
            written = _clean_written(written)
            if mark in MARK_LIKE:
                result.errors.append(
                    f"公开渠道“{mark}{written}”的标记“{mark}”无法识别，应为■（选中）或□（未选中）"
                )
                continue
            if mark in NOT_CHOSEN or not written:
                continue
            _add(result, written, resolver)
        if not result.chosen and not result.new_local and not result.errors:
            result.errors.append("公开渠道一项也未选中（至少应有一个■）")
        return result
    for written in _PROSE_SPLIT.split(text):
        written = re.sub(r"等$", "", _clean_written(written))
        if written:
            _add(result, written, resolver)
    return result


def _add(result: ChannelCell, written: str, resolver: ChannelResolver) -> None:
    name = resolver.resolve(written)
    if name is None and "/" in written:
        for piece in written.split("/"):
            _add(result, piece, resolver)
        return
    if name is None:
        name = re.sub(r"^其[他它][:：]?", "", written) or written
        if name not in result.new_local:
            result.new_local.append(name)
        return
    if name not in result.chosen:
        result.chosen.append(name)
