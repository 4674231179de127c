"""Search benchmark: a synthetic corpus of Chinese government documents, both backends, LIKE.

`run_search_bench(n)` is what `gongkai bench` (owned by the bench command) calls for its
"search" and "like_p95_ms" keys; `gongkai search bench --records N` runs it alone. Everything
happens in a temporary directory: a separate SQLite file for FTS5 (same backend code on a plain
sqlite3 connection) and a separate tantivy directory, so the site's own index is untouched.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gongkai.core.bench import BenchOptions, register

from .backends.base import SearchDocument, SearchQuery

REGIONS = ["迎江区", "瓯海区", "宜秀区", "大观区", "怀宁县", "潜山市", "太湖县", "望江县"]
TOWNS = [
    "宜城路街道",
    "新河路街道",
    "华中路街道",
    "人民路街道",
    "孝肃路街道",
    "龙狮桥乡",
    "长风乡",
    "新洲乡",
    "娄桥街道",
    "潘桥街道",
    "郭溪街道",
    "瞿溪街道",
    "泽雅镇",
]
ORGANISATIONS = [
    "区人民政府办公室",
    "区发展和改革委员会",
    "区教育体育局",
    "区民政局",
    "区财政局",
    "区人力资源和社会保障局",
    "区住房和城乡建设局",
    "区城市管理局",
    "区卫生健康委员会",
    "区市场监督管理局",
    "区应急管理局",
    "区数据资源管理局",
    "区自然资源和规划分局",
    "区生态环境分局",
    "区农业农村水利局",
    "区退役军人事务局",
    "区医疗保障局",
    "区司法局",
    "区统计局",
    "区审计局",
    "区交通运输局",
    "区文化旅游体育局",
]
TOPICS = [
    "城镇燃气",
    "占道挖掘",
    "义务教育",
    "社会救助",
    "最低生活保障",
    "政务公开",
    "乡村振兴",
    "安全生产",
    "食品安全",
    "老旧小区改造",
    "棚户区改造",
    "保障性住房",
    "公共租赁住房",
    "基本医疗保险",
    "城乡居民养老保险",
    "学前教育",
    "防汛抗旱",
    "森林防火",
    "环境保护",
    "大气污染防治",
    "河长制",
    "垃圾分类",
    "农村人居环境整治",
    "就业创业",
    "稳岗补贴",
    "残疾人补贴",
    "特困人员供养",
    "临时救助",
    "医疗救助",
    "优化营商环境",
    "双随机一公开",
    "行政许可",
    "行政处罚",
    "政府采购",
    "财政预决算",
    "三公经费",
    "公共资源交易",
    "民生实事",
    "重大行政决策",
    "规范性文件",
    "政府信息公开",
    "依申请公开",
    "12345热线",
    "疫苗接种",
    "家庭医生签约",
    "高龄津贴",
    "退役军人优待",
    "耕地保护",
    "高标准农田",
    "房屋征收",
    "道路交通安全",
    "消防安全",
    "校园安全",
    "停车管理",
    "供水管网改造",
]
TITLE_TEMPLATES = [
    "关于印发{region}{year}年{topic}工作要点的通知",
    "关于印发{region}{topic}实施方案的通知",
    "{org}关于开展{topic}专项整治行动的通知",
    "{region}关于进一步加强{topic}工作的实施意见",
    "《{region}{topic}管理办法》政策解读",
    "一图读懂：{region}{topic}政策",
    "{org}{year}年{topic}工作总结",
    "{org}关于{topic}有关情况的公告",
    "{town}停水通知",
    "{town}{topic}工作动态",
    "关于{topic}资金分配情况的公示",
    "{org}{year}年部门预算公开",
    "关于征求《{region}{topic}三年行动计划（征求意见稿）》意见的公告",
    "{region}{year}年政府信息公开工作年度报告",
    "{org}关于{topic}的答复",
]
SENTENCES = [
    "为深入贯彻落实党中央、国务院关于{topic}的决策部署，切实做好{region}{topic}工作，结合本区实际，制定本方案。",
    "坚持以人民为中心的发展思想，围绕{topic}重点任务，压实属地责任和部门监管责任。",
    "{org}牵头负责{topic}的组织协调工作，{town}等乡镇街道按照职责分工抓好落实。",
    "到{year}年底，{topic}工作机制基本健全，群众满意度明显提升，形成一批可复制可推广的经验做法。",
    "因{topic}施工需要，{town}部分区域将于{month}月{day}日8:00至18:00暂停供水，请居民提前做好储水准备。",
    "申请人可通过政务服务网、综合窗口或“皖事通”办理，承诺办理时限为{days}个工作日，实行“最多跑一次”。",
    "联系单位：{org}，联系电话：0556-55{phone}，办公地址：{region}人民路{num}号。",
    "本通知自印发之日起施行，有效期{years}年。此前规定与本通知不一致的，以本通知为准。",
    "加强资金监管，确保专款专用，严禁截留、挤占、挪用，主动接受审计监督和社会监督。",
    "各单位要建立工作台账，每月{day}日前将工作进展情况报送{org}。",
    "对工作不力、推诿扯皮造成不良影响的，依规依纪依法严肃追究相关人员责任。",
    "公众可通过政府网站“我为政府网站找错”栏目或12345政务服务便民热线反映问题。",
    "做好宣传引导和舆情回应，及时回应社会关切，营造良好舆论氛围。",
]
# Sentences that belong to one subject only, so its words are as rare as the subject.
TOPIC_SENTENCES = {
    "社会救助": "对符合条件的困难群众，按照规定及时纳入社会救助范围，做到应保尽保、应救尽救。",
    "最低生活保障": "最低生活保障标准按照城乡居民基本生活需要确定，实行动态管理，做到应保尽保。",
    "城镇燃气": "城镇燃气经营企业应当建立健全安全生产责任制，定期开展管道巡查和隐患排查整治。",
    "占道挖掘": "占道挖掘城市道路的，应当向城市管理部门提出申请，经批准后方可施工，并在规定期限内恢复原状。",
    "义务教育": "义务教育阶段学校招生坚持免试就近入学原则，严禁以各类考试、竞赛成绩作为招生依据。",
    "学前教育": "扩大普惠性学前教育资源供给，公办幼儿园在园幼儿占比逐年提高。",
    "安全生产": "严格落实安全生产责任制，开展重点行业领域安全隐患排查整治，坚决遏制重特大事故发生。",
    "垃圾分类": "生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，居民应当分类投放。",
    "供水管网改造": "供水管网改造期间，自来水公司将提前在小区公告栏张贴停水通知。",
    "防汛抗旱": "汛期实行24小时值班制度，各地要备足防汛物资，落实转移避险预案。",
    "政府信息公开": "公民、法人或者其他组织可以向行政机关申请获取相关政府信息，行政机关应当在20个工作日内予以答复。",
    "优化营商环境": "推行企业开办“一网通办”，企业开办时间压缩至1个工作日以内。",
}
# Sentences that belong to one kind of document.
KIND_SENTENCES = {
    "policy": "各乡镇人民政府、街道办事处，区政府各部门：现将《{region}{topic}实施方案》印发给你们，请认真贯彻执行。",
    "interpretation": "本政策解读从出台背景、主要内容、适用范围和咨询方式四个方面进行说明。",
    "report": "{year}年，全区共受理政府信息公开申请{num}件，均在法定期限内予以答复。",
}
KINDS = ["policy", "notice", "interpretation", "news", "guide", "report", "response"]
VALIDITY = ["valid", "valid", "valid", "expired", "repealed"]


def _fill(template: str, rng: random.Random, topic: str, org: str) -> str:
    return template.format(
        region=rng.choice(REGIONS),
        town=rng.choice(TOWNS),
        topic=topic,
        org=org,
        year=rng.randint(2018, 2026),
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        days=rng.choice([1, 3, 5, 7, 10, 15, 20]),
        phone=rng.randint(10, 99),
        num=rng.randint(1, 999),
        years=rng.choice([2, 3, 5]),
    )


def iter_corpus(n: int, seed: int = 1, sites: int = 4) -> Iterator[SearchDocument]:
    """n documents, the same for the same seed: titles and ~600-character bodies."""
    rng = random.Random(seed)
    start = datetime(2018, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        topic = rng.choice(TOPICS)
        org_index = rng.randrange(len(ORGANISATIONS))
        org = ORGANISATIONS[org_index]
        title = _fill(rng.choice(TITLE_TEMPLATES), rng, topic, org)
        body_parts: list[str] = []
        kind = rng.choice(KINDS)
        if kind in KIND_SENTENCES:
            body_parts.append(_fill(KIND_SENTENCES[kind], rng, topic, org))
        if topic in TOPIC_SENTENCES:
            body_parts.append(TOPIC_SENTENCES[topic])
        while sum(map(len, body_parts)) < 560:
            other = topic if rng.random() < 0.9 else rng.choice(TOPICS)
            body_parts.append(_fill(rng.choice(SENTENCES), rng, other, org))
        published = start + timedelta(minutes=rng.randrange(9 * 365 * 24 * 60))
        site_id = 1 + i % sites
        yield SearchDocument(
            doc_id=f"bench:{i}",
            site_id=site_id,
            title=title,
            body="".join(body_parts),
            url=f"/records/bench-{i}/",
            kind=kind,
            organisation_id=site_id * 100 + org_index,
            organisation_name=org,
            domain_id=1 + TOPICS.index(topic) % 26,
            year=published.year,
            validity=rng.choice(VALIDITY),
            published_at=published,
            extra={
                "index_number": f"BENCH{site_id:02d}-{published.year}-{i:06d}",
                "document_number": (
                    document_number(i, site_id, published.year) if kind == "policy" else ""
                ),
            },
        )


def generate_corpus(n: int, seed: int = 1) -> list[SearchDocument]:
    return list(iter_corpus(n, seed))


#: The speed benchmark's query classes, as in the relevance suite (search.relevance.queries):
#: at least half several words typed together; shares per 20 queries.
QUERY_CLASS_SHARES = {
    "run_together": 10,
    "single_word": 3,
    "spaced": 1,
    "pinyin": 2,
    "document_number": 2,
    "function_words": 2,
}
DOC_NUMBER_PREFIXES = {1: "迎政", 2: "瓯政", 3: "宜政", 4: "观政"}
DOC_NUMBER_FORMS = ("{p}〔{y}〕{n}号", "{p}[{y}]{n}号", "{p}（{y}）{n}号", "{p}〔{y}〕第{n}号")


def _vocabulary() -> list[str]:
    words = TOPICS + ["通知", "公告", "实施方案", "政策解读", "停水", "工作要点", "预算", "补贴"]
    words += TOWNS + REGIONS + ["年度报告", "管理办法", "应保尽保", "隐患排查", "就近入学"]
    words += ["幼儿园", "自来水", "厨余垃圾", "一网通办", "防汛物资", "征求意见稿"]
    return words


def document_number(i: int, site_id: int, year: int) -> str:
    """The 文号 of bench document i when it is a policy (standard 〔〕 form)."""
    return f"{DOC_NUMBER_PREFIXES.get(site_id, '区政')}〔{year}〕{i % 97 + 1}号"


def _pinyin(text: str, initials: bool) -> str:
    from pypinyin import Style, lazy_pinyin

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    return "".join(lazy_pinyin(text, style=style))


def make_query_set(count: int, seed: int = 2) -> list[tuple[str, str]]:
    """(query class, text) pairs in the relevance suite's classes: two vocabulary words run
    together without a space (half), one word, two words with a space, pinyin or initials of a
    topic, a 文号 of a bench policy in one of the bracket forms people type, and queries with
    function words (关于…的通知)."""
    rng = random.Random(seed)
    words = _vocabulary()
    cycle = [cls for cls, share in QUERY_CLASS_SHARES.items() for _ in range(share)]
    out: list[tuple[str, str]] = []
    for i in range(count):
        if i % len(cycle) == 0:
            rng.shuffle(cycle)
        cls = cycle[i % len(cycle)]
        if cls == "run_together":
            text = "".join(rng.sample(words, 2))
        elif cls == "single_word":
            text = rng.choice(words)
        elif cls == "spaced":
            text = " ".join(rng.sample(words, 2))
        elif cls == "pinyin":
            text = _pinyin(rng.choice(TOPICS), initials=rng.random() < 0.5)
        elif cls == "document_number":
            form = rng.choice(DOC_NUMBER_FORMS)
            n = rng.randrange(97) + 1
            text = form.format(
                p=rng.choice(list(DOC_NUMBER_PREFIXES.values())), y=rng.randint(2018, 2026), n=n
            )
        else:
            topic, other = rng.sample(TOPICS, 2)
            text = rng.choice(
                [f"关于{topic}的通知", f"{topic}和{other}", f"关于{rng.choice(TOWNS)}停水的通知"]
            )
        out.append((cls, text))
    return out


def make_queries(count: int, seed: int = 2) -> list[str]:
    """The texts of make_query_set."""
    return [text for _cls, text in make_query_set(count, seed)]


def _batches(n: int, seed: int, size: int = 1000):
    batch: list[SearchDocument] = []
    for doc in iter_corpus(n, seed):
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(min(round(pct / 100 * (len(ordered) - 1)), len(ordered) - 1), 0)
    return ordered[k]


def _figures(timings: list[float], hits: list[int]) -> dict:
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 95), 2),
        "queries": len(timings),
        "mean_total": round(statistics.mean(hits), 1),
        "zero_hit_queries": sum(1 for h in hits if h == 0),
    }


def _measure(backend, n: int, seed: int, queries: list) -> dict:
    """Index, then time each query (top 20 with the total count). `queries` are texts or
    (class, text) pairs; with classes, "classes" gives the same figures per class."""
    pairs = [q if isinstance(q, tuple) else ("", q) for q in queries]
    started = time.perf_counter()
    indexed = backend.replace_all(_batches(n, seed))
    index_s = time.perf_counter() - started
    for _cls, text in pairs[:10]:  # warm caches
        backend.search(SearchQuery(text=text, facets=False, synonyms={}))
    timings, hits = [], []
    by_class: dict[str, tuple[list[float], list[int]]] = {}
    for cls, text in pairs:
        t0 = time.perf_counter()
        result = backend.search(SearchQuery(text=text, page_size=20, facets=False, synonyms={}))
        elapsed = (time.perf_counter() - t0) * 1000
        timings.append(elapsed)
        hits.append(result.total)
        if cls:
            class_timings, class_hits = by_class.setdefault(cls, ([], []))
            class_timings.append(elapsed)
            class_hits.append(result.total)
    figures = _figures(timings, hits)
    out = {
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
        "index_docs_per_s": round(indexed / index_s, 1),
        "index_s": round(index_s, 1),
        "queries": figures["queries"],
        "mean_total": figures["mean_total"],
        "zero_hit_queries": figures["zero_hit_queries"],
    }
    if by_class:
        out["classes"] = {cls: _figures(*values) for cls, values in by_class.items()}
    return out


@contextlib.contextmanager
def temporary_backends(workdir=None, prefix: str = "gongkai-bench-"):
    """Both engines on their own files in a temporary directory, removed on exit: a plain
    SQLite file with the FTS5 schema and a tantivy directory, so the site's index is untouched.
    Yields (sqlite3 connection, {"fts5": backend, "tantivy": backend}); used by the speed
    benchmark and the relevance suite (search.relevance.runner)."""
    from .backends.fts5 import Fts5Backend, create_schema
    from .backends.tantivy_backend import TantivyBackend, forget_indexes

    with tempfile.TemporaryDirectory(prefix=prefix, dir=workdir) as tmp:
        conn = sqlite3.connect(Path(tmp) / "bench.sqlite3", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.isolation_level = ""  # back to implicit transactions for `with conn`
        create_schema(conn)
        backends = {
            "fts5": Fts5Backend(connection=conn),
            "tantivy": TantivyBackend(path=Path(tmp) / "tantivy"),
        }
        try:
            yield conn, backends
        finally:
            conn.close()
            backends["tantivy"].close()
            forget_indexes()


def run_search_bench(
    n: int, queries: int = 200, seed: int = 1, like_queries: int = 20, workdir=None
) -> dict:
    """Index n synthetic records into both backends and time top-20 searches with counts.

    The queries come in the relevance suite's classes (make_query_set), timed per class too.
    like_p95_ms is a `LIKE '%词%'` COUNT over the same titles and bodies in the FTS5 file (the
    first `like_queries` one-word queries; each scans the whole table)."""
    query_set = make_query_set(queries)
    with temporary_backends(workdir) as (conn, backends):
        fts5 = _measure(backends["fts5"], n, seed, query_set)
        tantivy = _measure(backends["tantivy"], n, seed, query_set)
        like_timings = []
        for text in [t for cls, t in query_set if cls == "single_word"][:like_queries]:
            pattern = f"%{text}%"
            t0 = time.perf_counter()
            conn.execute(
                "SELECT count(*) FROM search_searchentry WHERE title LIKE ? OR body LIKE ?",
                (pattern, pattern),
            ).fetchone()
            like_timings.append((time.perf_counter() - t0) * 1000)
    like_p95 = round(_percentile(like_timings, 95), 2)
    return {
        "records": n,
        "search": {"fts5": fts5, "tantivy": tantivy},
        "like_p95_ms": like_p95,
        "like_queries": len(like_timings),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


@register(
    "search-quality",
    "检索质量：相关性测试集在 FTS5 与 tantivy 上的 recall@3、MRR@10、nDCG@10（按查询类别）与首条一致率",
)
def search_quality_bench(options: BenchOptions, say) -> dict:
    """The relevance suite (search.relevance) on both engines; figures, not a pass/fail."""
    from .relevance import runner

    results = runner.evaluate_all()
    for line in runner.format_table(results):
        say(line)
    for name in ("fts5", "tantivy"):
        failing = results[name]["failing"]
        say(f"{name}：未达标的查询 {len(failing)} 条（recall@3 < 1）")
        if options.progress and failing:
            say(runner.format_failures(results[name], limit=30))
    return results
