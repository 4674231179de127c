"""Query semantics shared by both engines: run-together words, function words, the relaxed
fallback, adjacency and exact-title ranking, 文号 in any bracket form, 索引号, numerals."""

from datetime import UTC, datetime

import pytest

from gongkai.search import tokenize as T
from gongkai.search.backends.base import SearchQuery

from .conftest import make_doc

NOTICE = "关于2026年城区供水管网改造停水的通知"
DOCS = [
    make_doc(1, NOTICE, "因供水管网改造，城区部分区域暂停供水。", kind="notice"),
    make_doc(2, "城区供水管网改造工程进展", "管网改造完成过半，停水安排另行通知。", kind="news"),
    make_doc(3, "燃气经营许可证核发结果公示", "经审查，准予燃气经营许可。", kind="notice"),
    make_doc(4, "关于开展冬季城镇燃气安全隐患排查整治的通知", "燃气企业开展隐患排查。"),
    make_doc(
        5,
        "区人民政府关于印发2026年政务公开工作要点的通知",
        "现将《2026年政务公开工作要点》印发给你们。",
        kind="policy",
        extra={"document_number": "迎政〔2026〕12号", "index_number": "340802-009-01-2026-00001"},
    ),
    make_doc(
        6,
        "《2026年政务公开工作要点》政策解读",
        "迎政〔2026〕12号文件明确了全年任务。",
        kind="interpretation",
    ),
    make_doc(
        7, "政务公开工作要点", "历年要点汇编。", published_at=datetime(2020, 1, 1, tzinfo=UTC)
    ),
    make_doc(8, "户外广告设置审批结果公示", "准予设置户外广告。", kind="notice"),
]


def hits(backend, text, **kw):
    return backend.search(SearchQuery(text=text, **kw))


def first_ids(results, n=3):
    return [h.doc_id for h in results.hits[:n]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("停水通知", "test:1"),
        ("通知停水", "test:1"),  # another order
        ("关于停水的通知", "test:1"),  # function words are not required
        ("燃气许可", "test:3"),
        ("燃气隐患排查", "test:4"),
        ("户外广告审批", "test:8"),
        ("政务公开要点", "test:7"),  # the exact title outranks longer ones
        ("燃氣許可", "test:3"),  # traditional characters
    ],
)
def test_run_together_words_are_found(backend, text, expected):
    backend.index(DOCS)
    results = hits(backend, text)
    assert results.strict_total >= 1 and not results.hits[0].partial, text
    assert results.hits[0].doc_id == expected, (text, first_ids(results))


def test_exact_title_first_then_adjacency_then_recency(backend):
    backend.index(DOCS)
    order = first_ids(hits(backend, "政务公开工作要点"))
    assert order[0] == "test:7"  # title equals the query, though it is the oldest
    assert set(order[1:3]) == {"test:5", "test:6"}
    # adjacency: both contain 停水 and 通知, only the notice has them as one phrase
    assert first_ids(hits(backend, "停水的通知"))[0] == "test:1"


def test_relaxed_fallback_requires_most_words_and_says_so(backend):
    backend.index(DOCS)
    results = hits(backend, "燃气 许可 停水")
    assert results.strict_total == 0 and results.relaxed
    assert results.hits[0].doc_id == "test:3" and results.hits[0].partial  # 2 of 3 words
    assert "test:8" not in first_ids(results, 20)  # none of the words: never shown
    enough = hits(backend, "通知")
    assert not enough.relaxed


@pytest.mark.parametrize(
    "text",
    [
        "迎政〔2026〕12号",
        "迎政[2026]12号",
        "迎政（2026）12号",
        "迎政〔2026〕第12号",
        "政〔２０２６〕12号",
        "迎政〔二〇二六〕12号",
    ],
)
def test_document_numbers_in_any_bracket_form(backend, text):
    backend.index(DOCS)
    results = hits(backend, text)
    assert first_ids(results, 2) == ["test:5", "test:6"], (
        text
    )  # its own 文号 ranks above a citation


def test_index_number_and_numerals(backend):
    backend.index(DOCS)
    assert first_ids(hits(backend, "340802-009-01-2026-00001")) == ["test:5"]
    assert hits(backend, "340802-009-01-2026-00002").total == 0
    assert T.normalize("二〇二六年") == "2026年"
    assert first_ids(hits(backend, "二〇二六年政务公开"))[0] in {"test:5", "test:6"}


def test_parse_query_structure():
    parsed = T.parse_query("关于停水的通知")
    assert [t[0].text for t in parsed.terms] == ["停水", "通知"]
    assert parsed.dropped == ["关于", "的"] and parsed.boosts[0].implies == (0, 1)
    assert [t[0].text for t in T.parse_query("计划停气通知").terms] == ["计划", "停气", "通知"]
    assert T.parse_query("的").terms  # only function words: they are searched
    doc_number = T.parse_query("政(2026)第12号")
    assert doc_number.only_identifiers and doc_number.identifiers == ["政〔2026〕12号"]
    assert [T.parse_query("a b c d e f g h").min_should, T.parse_query("停水 通知").min_should] == [
        6,
        1,
    ]
