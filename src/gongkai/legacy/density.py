"""The main content of a Chinese government page by text density, for the pages the
maintained extractor reads badly (layout tables, text straight in <td> with <br>).

The rule is readability's, weighted by punctuation as in the text-and-symbol density method
that GNE (GeneralNewsExtractor) implements for Chinese news pages: every block of at least `MIN_BLOCK` characters of its own text scores
1 + its Chinese and Latin punctuation + one point per 100 characters (at most 3); the score goes
to the block itself when it is a container, in full to its parent and in half to its
grandparent; a candidate's score is then cut by its link density (navigation is mostly links).
GNE itself was not taken: it needs BeautifulSoup, PyYAML, json_repair and an LLM client, and
runs an XPath per node; this is one pass over the tree."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html

#: blocks whose own text scores
TEXT_BLOCKS = {"p", "pre", "td", "div", "li", "blockquote", "section", "article", "dd", "font"}
#: containers that can be the content root
CONTAINERS = {"div", "td", "section", "article", "main", "body", "blockquote", "dd", "font"}
#: inline elements whose text is part of their parent's own text
INLINE = {"a", "span", "font", "strong", "b", "em", "i", "u", "sub", "sup", "br", "img", "small"}
INLINE |= {"big", "ins", "del", "s", "strike", "mark", "abbr", "code", "label", "o:p"}
PUNCTUATION = set("，。；：、！？,.;:!?“”《》（）")
MIN_BLOCK = 10
#: the best-scored elements whose link density is looked at
CANDIDATES = 12
#: widening: a parent with at most this much more text is a wrapper
WRAPPER_GROWTH = 1.1
#: widening: siblings of this much text, and they and the rest make this share of the parent
MIN_SIBLING = 25
SIBLING_SHARE = 0.8
#: no widening into an element that is this much links
MAX_LINK_DENSITY = 0.3


@dataclass
class Density:
    text: int  # characters that are not white space
    link_text: int  # of them, inside links
    links: int


def _own_text(element) -> tuple[str, int]:
    """The element's text outside child blocks, and how much of it is link text."""
    parts = [element.text or ""]
    link = 0
    for child in element:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag in INLINE:
            inner = child.text_content()
            parts.append(inner)
            if child.tag == "a":
                link += len("".join(inner.split()))
        parts.append(child.tail or "")
    return "".join(parts), link


def measure(element) -> Density:
    """Text, link text and link count under an element (white space not counted)."""
    text = len("".join(element.text_content().split()))
    links = element.findall(".//a")
    link_text = sum(len("".join(a.text_content().split())) for a in links)
    return Density(text, link_text, len(links))


def content_root(tree: lxml_html.HtmlElement):
    """The element that holds the page's main text, or None when no block has any."""
    scores: dict = {}
    for element in tree.iter(*TEXT_BLOCKS):
        text, link = _own_text(element)
        compact = "".join(text.split())
        own = len(compact) - link
        if own < MIN_BLOCK:
            continue
        score = 1 + sum(1 for char in compact if char in PUNCTUATION) + min(own // 100, 3)
        if element.tag in CONTAINERS:
            scores[element] = scores.get(element, 0) + score
        parent = element.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + score
            grandparent = parent.getparent()
            if grandparent is not None:
                scores[grandparent] = scores.get(grandparent, 0) + score / 2
    best, best_score = None, 0.0
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    for element, score in ranked[:CANDIDATES]:
        density = measure(element)
        if density.text == 0:
            continue
        final = score * (1 - density.link_text / density.text)
        if final > best_score:
            best, best_score = element, final
    return _widen(best) if best is not None else None


def _own(density: Density) -> int:
    return density.text - density.link_text


def _widen(best):
    """Climb from the best block to the element that holds all of the text: through wrappers
    that add (almost) nothing, and to a parent whose other children are more blocks of the
    same kind (content split over several <div>s, Word's WordSection1, WordSection2 …); never
    to <body>, and never from a table cell (a layout table is no body)."""
    while True:
        parent = best.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return best
        mine, theirs = measure(best), measure(parent)
        if theirs.text == 0 or theirs.link_text / theirs.text >= MAX_LINK_DENSITY:
            return best
        if _own(theirs) <= WRAPPER_GROWTH * _own(mine):
            best = parent
            continue
        if best.tag not in ("div", "p", "section", "article"):
            return best
        similar = 0
        for sibling in parent:
            if sibling is best or sibling.tag != best.tag:
                continue
            density = measure(sibling)
            if _own(density) >= MIN_SIBLING and density.link_text / density.text < MAX_LINK_DENSITY:
                similar += _own(density)
        if not similar or _own(mine) + similar < SIBLING_SHARE * _own(theirs):
            return best
        best = parent
