import pytest

from gongkai.search import tokenize as T
from gongkai.search.bench import generate_corpus


def test_normalize_folds_width_case_and_traditional():
    assert T.normalize("政務公開 ＡＢＣ１２３") == "政务公开 abc123"
    assert T.normalize("") == ""


def test_text_tokens_contain_words_and_every_bigram():
    tokens = T.text_tokens("关于印发政务公开工作要点的通知").split()
    assert "政务公开" in tokens  # the user dictionary keeps the term whole
    for i in range(len("政务公开工作要点") - 1):
        assert "政务公开工作要点"[i : i + 2] in tokens
    assert tokens[-1] == "知"  # a run ends with its last character, so "知" is a prefix


def test_pinyin_tokens_allow_full_and_initial_prefixes():
    tokens = T.pinyin_tokens("迎江区政务公开工作要点").split()
    assert any(t.startswith("zwgk") for t in tokens)
    assert any(t.startswith("zhengwu") for t in tokens)
    assert not any(t.startswith("gkzw") for t in tokens)


def test_parse_query_terms_and_synonyms():
    parsed = T.parse_query("燃气  政務公開", {"燃气": ["天然气"]})
    assert [a.text for a in parsed.terms[0]] == ["燃气", "天然气"]
    assert parsed.terms[1][0].pieces[0].grams == ("政务", "务公", "公开")
    assert parsed.terms[1][0].word == "政务公开"
    assert not T.parse_query("，。！")
    assert T.parse_query("zwgk").terms[0][0].pieces[0].pinyin


def test_highlight_escapes_everything_but_marks():
    out = T.highlight("<script>alert(1)</script>政務公開", ["政务公开"])
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>政務公開</mark>"


def test_snippet_centres_on_the_first_match():
    text = "甲" * 300 + "城镇燃气" + "乙" * 300
    out = T.snippet(text, ["燃气"], length=60)
    assert "<mark>燃气</mark>" in out
    assert out.startswith("…") and out.endswith("…")
    assert len(out) < 100


def test_runtime_words_join_the_dictionary():
    assert "鹭栖湾社区" not in T.words("鹭栖湾社区居委会")
    T.add_words(["鹭栖湾社区"])
    assert "鹭栖湾社区" in T.words("鹭栖湾社区居委会")


def _pieces(cut):
    return [piece for word in cut for piece in T.PIECE_RE.findall(word)]


def test_rjieba_cuts_like_jieba_with_the_same_dictionary():
    """rjieba keeps "0556-5517" whole where jieba splits it; both become the same pieces, and
    on Chinese text the words are identical."""
    jieba = pytest.importorskip("jieba")
    jieba.setLogLevel(60)
    reference = jieba.Tokenizer()
    for line in T.USERDICT.read_text(encoding="utf-8").splitlines():
        word, freq, _ = line.split()
        reference.add_word(word, int(freq))
    for word in T._runtime_words:
        reference.add_word(word)
    seg = T.segmenter()
    assert seg.name == "rjieba"
    for doc in generate_corpus(40, seed=7):
        for text in (doc.title, doc.body):
            norm = T.normalize(text)
            assert _pieces(seg.cut(norm)) == _pieces(reference.cut(norm))
