"""The same contract for every backend (parametrised over fts5 and tantivy in conftest)."""

from datetime import UTC, datetime

from gongkai.search.backends.base import SearchQuery

from .conftest import CORPUS, make_doc


def titles(results):
    return [hit.title for hit in results.hits]


def test_index_count_and_two_character_substrings(backend):
    assert backend.index(CORPUS) == len(CORPUS)
    assert backend.count() == 5
    assert backend.count([1]) == 4
    for text, expected in [
        ("政务", "关于印发迎江区2024年政务公开工作要点的通知"),
        ("务公", "关于印发迎江区2024年政务公开工作要点的通知"),  # not a word, still found
        ("停水", "宜城路街道停水通知"),
        ("天然气", "城镇燃气安全专项整治工作方案"),  # in the body only
    ]:
        results = backend.search(SearchQuery(text=text))
        assert titles(results) == [expected], text
        assert results.total == 1
    assert backend.search(SearchQuery(text="务开")).total == 0  # characters apart do not match


def test_pinyin_and_traditional_queries(backend):
    backend.index(CORPUS)
    for text in ("zwgk", "zhengwu", "zhengwu gongkai", "政務公開"):
        results = backend.search(SearchQuery(text=text))
        assert titles(results) == ["关于印发迎江区2024年政务公开工作要点的通知"], text
    assert "<mark>政务公开</mark>" in backend.search(SearchQuery(text="zwgk")).hits[0].title_html


def test_terms_are_anded_and_synonyms_ored(backend):
    backend.index(CORPUS)
    both = backend.search(SearchQuery(text="燃气 停水"))
    assert both.strict_total == 0  # no document has both words
    assert both.relaxed and both.hits and all(hit.partial for hit in both.hits)
    assert backend.search(SearchQuery(text="停水 宜城路")).total == 1
    expanded = backend.search(SearchQuery(text="煤气", synonyms={"煤气": ["燃气"]}))
    assert titles(expanded) == ["城镇燃气安全专项整治工作方案"]


def test_filters_and_site_scoping(backend):
    backend.index(CORPUS)
    assert backend.search(SearchQuery(text="占道挖掘", site_ids=[1])).total == 0
    assert backend.search(SearchQuery(text="占道挖掘", site_ids=[1, 2])).total == 1
    everything = SearchQuery(site_ids=[1])
    assert backend.search(everything).total == 4
    cases = [
        ({"organisation": 11}, {"城镇燃气安全专项整治工作方案"}),
        ({"kind": "policy"}, {CORPUS[0].title, CORPUS[1].title}),
        ({"kind": ["notice", "interpretation"]}, {CORPUS[2].title, CORPUS[3].title}),
        ({"domain": 2}, {CORPUS[1].title, CORPUS[2].title}),
        ({"year": 2023}, {CORPUS[1].title}),
        ({"validity": "valid", "domain": 1}, {CORPUS[0].title}),
    ]
    for filters, expected in cases:
        results = backend.search(SearchQuery(site_ids=[1], filters=filters))
        assert set(titles(results)) == expected, filters
        assert results.total == len(expected)


def test_sort_by_date_and_paging(backend):
    backend.index(CORPUS)
    results = backend.search(SearchQuery(site_ids=[1, 2], sort="date", page_size=2))
    assert titles(results) == [CORPUS[3].title, CORPUS[2].title]
    assert results.total == 5 and results.pages == 3
    page3 = backend.search(SearchQuery(site_ids=[1, 2], sort="date", page_size=2, page=3))
    assert titles(page3) == [CORPUS[4].title]


def test_title_matches_rank_above_body_matches(backend):
    backend.index(
        [
            make_doc(1, "关于天气的通知", "社会救助资金已发放。" * 3),
            make_doc(2, "社会救助审批办法", "办法全文。"),
        ]
    )
    assert titles(backend.search(SearchQuery(text="社会救助")))[0] == "社会救助审批办法"


def test_highlight_is_escaped(backend):
    backend.index([make_doc(9, "<script>alert(1)</script>停水通知", "<b>停水</b>时间 & 范围")])
    hit = backend.search(SearchQuery(text="停水")).hits[0]
    assert hit.title == "<script>alert(1)</script>停水通知"
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<mark>停水</mark>" in hit.title_html
    assert "&lt;b&gt;<mark>停水</mark>&lt;/b&gt;" in hit.snippet
    assert "&amp;" in hit.snippet


def test_reindex_replaces_and_delete_removes_at_once(backend):
    backend.index(CORPUS)
    backend.index([make_doc(3, "宜城路街道恢复供水通知", "管网改造完成。", organisation_id=12)])
    assert backend.count() == 5
    assert backend.search(SearchQuery(text="停水")).total == 0
    assert backend.search(SearchQuery(text="供水")).total == 1
    assert backend.delete(["test:3", "test:404"]) == 1
    assert backend.search(SearchQuery(text="供水")).total == 0
    assert backend.count() == 4
    twice = [[make_doc(7, "新文件", "正文")], [make_doc(7, "新文件修订", "正文")]]
    assert backend.replace_all(twice) == 2
    assert backend.count() == 1
    assert [h.title for h in backend.search(SearchQuery(text="新文件")).hits] == ["新文件修订"]
    backend.clear()
    assert backend.count() == 0


def test_facets_count_the_whole_match(backend):
    backend.index(CORPUS)
    results = backend.search(SearchQuery(text="", site_ids=[1], page_size=1))
    kinds = {f.value: f.count for f in results.facets["kind"]}
    assert kinds == {"policy": 2, "notice": 1, "interpretation": 1}
    orgs = {f.label: f.count for f in results.facets["organisation"]}
    assert orgs["区住房和城乡建设局"] == 1 and len(orgs) == 4
    assert [f.value for f in results.facets["year"]] == ["2024", "2023"]
    assert len(results.hits) == 1 and results.total == 4


def test_did_you_mean_for_a_homophone(backend):
    backend.index(CORPUS)
    results = backend.search(SearchQuery(text="政务公楷"))
    assert results.strict_total == 1 and results.corrected == "政务公开"
    assert results.suggestion == "政务公开"
    assert titles(results) == ["关于印发迎江区2024年政务公开工作要点的通知"]
    assert backend.search(SearchQuery(text="政务公开")).suggestion == ""


def test_suggest_from_titles_by_characters_and_pinyin(backend):
    backend.index(CORPUS)
    for prefix in ("政务公", "zwg", "zhengw", "停"):
        found = [s["title"] for s in backend.suggest(prefix, [1])]
        assert found, prefix
    assert backend.suggest("zwg", [1])[0]["url"] == "/r/1/"
    assert backend.suggest("占道", [1]) == []
    assert backend.suggest("占道", [2])[0]["title"] == "瓯海区占道挖掘审批办事指南"


def test_documents_without_optional_fields(backend):
    backend.index([make_doc(1, "简单文件", "", published_at=None)])
    hit = backend.search(SearchQuery(text="简单")).hits[0]
    assert hit.published_at is None and hit.organisation_name == ""
    assert backend.search(SearchQuery(sort="date")).total == 1


def test_published_at_round_trips(backend):
    when = datetime(2024, 2, 29, 8, 30, tzinfo=UTC)
    backend.index([make_doc(1, "闰年通知", published_at=when)])
    assert backend.search(SearchQuery(text="闰年")).hits[0].published_at == when
