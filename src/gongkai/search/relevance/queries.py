"""Queries as citizens type them, with graded judgments over the relevance corpus.

Grades: 3 = the document the person wants, 2 = also right, 1 = acceptable (on topic, not what
was asked). Every query has at least one document graded 2 or more. Judgments name records by
their corpus key, so they survive additions to the corpus.

A synonym query depends on a pair listed in SUITE_SYNONYMS, which the runner passes as
SearchQuery.synonyms: the suite does not depend on the Synonym table or a built-in list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from . import corpus

CLASSES = (
    "run_together",
    "word_order",
    "partial_name",
    "pinyin",
    "traditional",
    "synonym",
    "typo",
    "document_number",
    "index_number",
    "catalogue",
    "organisation",
    "function_words",
)

SUITE_SYNONYMS: dict[str, list[str]] = {
    "低保": ["最低生活保障"],
    "煤气": ["燃气"],
    "断水": ["停水"],
    "马路": ["道路"],
    "开挖": ["挖掘"],
    "年报": ["年度报告"],
    "住建局": ["住房和城乡建设局"],
}


@dataclass(frozen=True)
class Query:
    text: str
    query_class: str
    judgments: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _j(*pairs: tuple[str, int], **keys: int) -> dict[str, int]:
    """Judgments from record keys (keyword arguments) and (doc_id, grade) pairs."""
    out = {corpus.doc_id(key): grade for key, grade in keys.items()}
    out.update(pairs)
    return out


def _cat(name: str, grade: int, site_id: int | None = None) -> tuple[str, int]:
    return corpus.catalogue_doc_id(name, site_id), grade


def _org(key: str, grade: int) -> tuple[str, int]:
    return corpus.organisation_doc_id(key), grade


def _index_number(key: str) -> str:
    target = corpus.doc_id(key)
    return next(d.extra["index_number"] for d in corpus.records() if d.doc_id == target)


_WATER_STOPS = [
    "water_yicheng_2025",
    "water_xinhe_2026",
    "water_huazhong_2025",
    "water_louqiao_2026",
    "water_zeya_2025",
    *(f"water_stop_{n}" for n in range(8)),
]
STOP_WATER = _j(
    _cat("停水停气通知", 2),
    water_2026=3,
    water_restore_2026=1,
    foi_ouhai_reply_2026=1,
    **dict.fromkeys(_WATER_STOPS, 2),
)
ROAD_DIG = _j(
    _cat("占用、挖掘城市道路审批", 2),
    road_rule_2026=3,
    road_interp_2026=2,
    road_guide=2,
    road_ouhai_guide=2,
    road_ouhai_permit_2026=2,
    road_emergency_2026=2,
    penalty_2=1,
    traffic_renmin_2026=1,
    **{f"road_permit_2026_{m}": 2 for m in (3, 5, 7, 9, 10)},
)
GAS_LICENCE = _j(
    _cat("燃气经营许可证核发", 3),
    gas_license_guide=3,
    gas_license_2026=2,
    gas_license_ouhai_2025=2,
    gas_license_change_2026=2,
)
LIGHTS = _j(
    light_plan_2026=3,
    light_done_2026=2,
    light_bid_2026=2,
    light_ouhai_2025=2,
    news_0=1,
)
ADS = _j(
    _cat("户外广告设置审批", 2),
    ad_result_2026=3,
    ad_guide=3,
    ad_plan_2025=1,
    ad_clean_2026=1,
)
TRAFFIC = _j(
    traffic_renmin_2026=3,
    traffic_marathon_2026=2,
    traffic_ouhai_2025=2,
    traffic_spring_2026=2,
)
GAS_HAZARD = _j(
    gas_hazard_2026=3,
    gas_hazard_ouhai_2025=2,
    gas_summary_2025=1,
    safety_ouhai_news_2025=1,
)
OPENNESS_POINTS = _j(
    ("gazette:1-2026-1", 1),
    gk_points_2026=3,
    gk_points_2025=2,
    gk_points_ouhai_2026=2,
    gk_interp_2026=2,
)
ENROLMENT = _j(
    _cat("招生政策", 2),
    _cat("招生结果", 2),
    edu_plan_2026=3,
    edu_policy_ouhai_2026=3,
    edu_plan_2025=2,
    edu_interp_ouhai_2026=2,
    edu_result_ouhai_2026=2,
    edu_zones_2026=1,
)
OPENNESS_TITLES = _j(
    gk_points_2026=3,
    gk_points_2025=2,
    gk_points_ouhai_2026=2,
    gk_interp_2026=2,
    gk_training_2025=2,
    gk_standard_2025=2,
    gk_assess_2026=2,
)
DIBAO_STANDARD = _j(
    dibao_standard_2026=3,
    interp_dibao_standard_2026=2,
    tekun_2026=1,
    dibao_rule_2025=1,
)
ANNUAL_REPORTS = _j(
    ("guide_page:annual-1", 2),
    gk_report_2025=3,
    gk_report_ouhai_2025=2,
    gk_report_2024=2,
)
BUSINESS = _j(("gazette:1-2026-2", 1), business_2026=3)


def _q(text, query_class, judgments, note=""):
    return Query(text, query_class, dict(judgments), note)


QUERIES: list[Query] = [
    # --- several words typed together without a space (the first examples) ---------
    _q("停水通知", "run_together", STOP_WATER, "issue 9: 共 0 条 today"),
    _q("道路挖掘", "run_together", ROAD_DIG, "titles say 道路占用挖掘 / 挖掘城市道路"),
    _q("燃气许可", "run_together", GAS_LICENCE, "titles say 燃气经营许可证"),
    _q("路灯改造", "run_together", LIGHTS),
    _q("户外广告审批", "run_together", ADS, "titles say 户外广告设置审批"),
    _q("交通管制通告", "run_together", TRAFFIC, "titles say 交通管制的通告"),
    _q("燃气隐患排查", "run_together", GAS_HAZARD, "title says 燃气安全隐患排查"),
    _q("政务公开要点", "run_together", OPENNESS_POINTS, "titles say 政务公开工作要点"),
    _q("义务教育招生", "run_together", ENROLMENT),
    _q(
        "财政局2026年部门预算",
        "run_together",
        _j(**{"dept_部门预算_2026_yj.cz": 3, "dept_部门预算_2025_yj.cz": 1}),
        "one department's budget among 33 budget documents",
    ),
    _q(
        "教育局决算",
        "run_together",
        _j(**{"dept_部门决算_2025_oh.edu": 3, "dept_部门决算_2025_yj.edu": 1}),
        "迎江区's is 区教育体育局: acceptable only",
    ),
    _q("安全生产月", "run_together", _j(safety_month_2026=3, safety_news_2026=1)),
    _q("城乡规划听证", "run_together", _j(plan_hearing_2025=3)),
    _q(
        "建设项目计划",
        "run_together",
        _j(projects_2026=3, projects_ouhai_2026=1, projects_progress_2026=1),
    ),
    _q(
        "职务任免通知",
        "run_together",
        _j(
            appoint_2026=3,
            appoint_2025=2,
            appoint_more_0=2,
            appoint_more_1=2,
            appoint_ouhai_2026=1,
            appoint_more_2=1,
        ),
    ),
    _q(
        "政府信息公开年度报告",
        "run_together",
        _j(
            ("guide_page:annual-1", 2),
            gk_report_2025=3,
            gk_report_ouhai_2025=2,
            gk_report_2024=2,
        ),
    ),
    _q("稳岗返还", "run_together", _j(jobs_2026=3, jobs_interp_2026=2)),
    _q("招聘教师公告", "run_together", _j(teacher_recruit_ouhai_2026=3)),
    _q(
        "桥梁检测结果",
        "run_together",
        _j(_cat("城市桥梁安全检测信息", 2), bridge_check_2026=3, bridge_repair_2025=1),
    ),
    _q(
        "老旧小区改造计划",
        "run_together",
        _j(
            old_community_2026=3,
            interp_old_community_2026=2,
            old_community_ouhai_2025=1,
            news_7=1,
        ),
    ),
    _q("防汛工作通知", "run_together", _j(flood_ouhai_2026=3)),
    _q("垃圾分类办法", "run_together", _j(garbage_ouhai_2025=3)),
    _q("调整用水价格", "run_together", _j(_cat("供水价格", 1), water_price_2025=3)),
    _q("天然气价格", "run_together", _j(_cat("燃气价格及收费标准", 1), gas_price_2025=3)),
    _q("食品抽检", "run_together", _j(food_2026=3)),
    _q("养老金调整", "run_together", _j(pension_2026=3)),
    _q("城东安置房", "run_together", _j(projects_approval_2026=3, plan_permit_2026=3)),
    _q(
        "安全生产行政处罚",
        "run_together",
        _j(safety_penalty_2026=3, penalty_3=2),
    ),
    _q(
        "停水公告",
        "run_together",
        {
            **{doc: min(grade, 1) for doc, grade in STOP_WATER.items()},
            **_j(water_huazhong_2025=3, water_stop_2=3),
        },
        "the 停水 notices titled 通知 are acceptable only",
    ),
    # --- the same words in another order -------------------------------------------------
    _q("通知停水", "word_order", STOP_WATER),
    _q(
        "许可燃气经营",
        "word_order",
        {**GAS_LICENCE, **_j(gas_license_2026=3)},
    ),
    _q("改造路灯", "word_order", LIGHTS),
    _q("审批户外广告", "word_order", ADS),
    _q("排查燃气隐患", "word_order", GAS_HAZARD),
    _q("招生义务教育", "word_order", ENROLMENT),
    _q("通告交通管制", "word_order", TRAFFIC),
    # --- part of a long title ----------------------------------------------------------------
    _q(
        "供水管网改造停水",
        "partial_name",
        _j(water_2026=3, water_restore_2026=1, water_pipe_bid_2026=1),
    ),
    _q("营商环境若干措施", "partial_name", {**BUSINESS, **_j(business_interp_2026=2)}),
    _q("城东片区控制性详细规划", "partial_name", _j(plan_detail_2026=3, plan_news_2026=2)),
    _q(
        "重度残疾人护理补贴",
        "partial_name",
        _j(_cat("困难残疾人生活补贴和重度残疾人护理补贴", 2), disabled_ouhai_2026=3),
    ),
    _q("公开招聘社区工作者", "partial_name", _j(recruit_community_2026=3)),
    _q(
        "迎江区二〇二六年政务公开工作要点",
        "partial_name",
        _j(("gazette:1-2026-1", 1), gk_points_2026=3, gk_interp_2026=2, gk_points_2025=1),
        "the year in Chinese numerals, as in 成文日期",
    ),
    _q("马拉松交通管制", "partial_name", _j(traffic_marathon_2026=3)),
    _q("施教区划分", "partial_name", _j(edu_zones_2026=3)),
    _q("二次供水水箱清洗", "partial_name", _j(water_huazhong_2025=3)),
    _q(
        "安全生产责任制规定",
        "partial_name",
        _j(("gazette:1-2025-4", 1), safety_duty_2025=3),
    ),
    # --- pinyin and initials (titles) ------------------------------------------------------
    _q(
        "tingshui",
        "pinyin",
        _j(
            _cat("停水停气通知", 2),
            water_2026=3,
            foi_ouhai_reply_2026=2,
            **dict.fromkeys(_WATER_STOPS, 2),
        ),
    ),
    _q("zwgk", "pinyin", OPENNESS_TITLES, "initials of 政务公开"),
    _q("jiaotongguanzhi", "pinyin", TRAFFIC),
    _q(
        "ldgz",
        "pinyin",
        _j(light_plan_2026=3, light_ouhai_2025=2, light_done_2026=1, light_bid_2026=1),
        "initials of 路灯改造",
    ),
    _q(
        "zhaosheng",
        "pinyin",
        _j(
            _cat("招生政策", 2),
            _cat("招生结果", 2),
            edu_plan_2026=3,
            edu_policy_ouhai_2026=3,
            edu_plan_2025=2,
            edu_interp_ouhai_2026=2,
            edu_result_ouhai_2026=2,
            kindergarten_2026=2,
        ),
    ),
    _q("dibao", "pinyin", _j(_cat("低保审批", 3), _cat("低保对象公示", 3))),
    _q(
        "gkzn",
        "pinyin",
        _j(("guide_page:guide-1", 3), ("guide_page:guide-2", 3)),
        "initials of 公开指南",
    ),
    # --- traditional characters ------------------------------------------------------------
    _q("燃氣許可", "traditional", GAS_LICENCE),
    _q("政務公開要點", "traditional", OPENNESS_POINTS),
    _q("戶外廣告審批", "traditional", ADS),
    _q("義務教育招生", "traditional", ENROLMENT),
    _q("路燈改造", "traditional", LIGHTS),
    _q("燃氣隱患排查", "traditional", GAS_HAZARD),
    _q("最低生活保障標準", "traditional", DIBAO_STANDARD),
    # --- near-synonyms (pairs in SUITE_SYNONYMS) ------------------------------------------------
    _q("低保标准", "synonym", DIBAO_STANDARD, "低保 = 最低生活保障"),
    _q(
        "低保申请",
        "synonym",
        _j(
            _cat("低保审批", 2),
            dibao_guide_ouhai=3,
            dibao_rule_2025=2,
            dibao_interp_2025=2,
        ),
        "低保 = 最低生活保障",
    ),
    _q("煤气隐患排查", "synonym", GAS_HAZARD, "煤气 = 燃气"),
    _q("断水通知", "synonym", STOP_WATER, "断水 = 停水"),
    _q(
        "马路开挖审批",
        "synonym",
        _j(
            _cat("占用、挖掘城市道路审批", 3),
            road_guide=3,
            road_ouhai_guide=2,
            road_rule_2026=2,
            road_ouhai_permit_2026=2,
            traffic_renmin_2026=1,
        ),
        "马路 = 道路, 开挖 = 挖掘",
    ),
    _q("信息公开年报", "synonym", ANNUAL_REPORTS, "年报 = 年度报告"),
    # --- a wrong character of the same sound (judged on results) ---------------------------
    _q("政务公楷", "typo", OPENNESS_TITLES, "楷 for 开"),
    _q("燃汽隐患排查", "typo", GAS_HAZARD, "汽 for 气"),
    _q("交通管治通告", "typo", TRAFFIC, "治 for 制"),
    _q("停水通之", "typo", STOP_WATER, "之 for 知"),
    _q("义务教育招声", "typo", ENROLMENT, "声 for 生"),
    _q("路登改造", "typo", LIGHTS, "登 for 灯"),
    _q("户外广告申批", "typo", ADS, "申 for 审"),
    # --- 文号 in the forms people type ----------------------------------------------------------
    _q("迎政〔2026〕12号", "document_number", BUSINESS, "迎政〔2025〕12号 is another document"),
    _q("政〔2026〕12号", "document_number", BUSINESS, "without the issuer's first character"),
    _q("迎政[2026]12号", "document_number", BUSINESS, "square brackets"),
    _q("迎政（2026）12号", "document_number", BUSINESS, "full-width parentheses"),
    _q("迎政〔2026〕第12号", "document_number", BUSINESS, "with 第"),
    _q("迎政〔２０２６〕１２号", "document_number", BUSINESS, "full-width digits"),
    _q("迎政办〔2026〕3号", "document_number", _j(gk_points_2026=3)),
    _q("迎住建[2026]7号", "document_number", _j(old_community_2026=3)),
    _q(
        "瓯政办（二〇二六）9号",
        "document_number",
        _j(gk_points_ouhai_2026=3),
        "year in Chinese numerals",
    ),
    _q("迎民〔2026〕4号", "document_number", _j(dibao_standard_2026=3)),
    _q("瓯教〔2026〕22号", "document_number", _j(edu_policy_ouhai_2026=3)),
    # --- 索引号 pasted from a page or a letter ---------------------------------------------------
    _q(_index_number("gas_license_2026"), "index_number", _j(gas_license_2026=3)),
    _q(_index_number("water_2026"), "index_number", _j(water_2026=3)),
    _q(_index_number("dibao_list_3"), "index_number", _j(dibao_list_3=3), "瓯海区 pattern"),
    _q(_index_number("edu_policy_ouhai_2026"), "index_number", _j(edu_policy_ouhai_2026=3)),
    _q(
        f" {_index_number('dept_部门预算_2026_yj.cz')} ",
        "index_number",
        _j(**{"dept_部门预算_2026_yj.cz": 3}),
        "pasted with spaces around",
    ),
    # --- the standard catalogue's items ----------------------------------------------------
    _q(
        "计划停气通知",
        "catalogue",
        _j(_cat("计划停气通知", 3), _cat("停水停气通知", 1), gas_stop_2026=2),
        "issue 9: a catalogue item cannot be found today",
    ),
    _q(
        "城市桥梁安全检测",
        "catalogue",
        _j(_cat("城市桥梁安全检测信息", 3), bridge_check_2026=2),
        "issue 9",
    ),
    _q(
        "排水许可",
        "catalogue",
        _j(_cat("排水许可", 3), _cat("拆除、改动城镇排水与污水处理设施审核", 1), sewer_2026=2),
    ),
    _q(
        "户外广告设置审批",
        "catalogue",
        _j(_cat("户外广告设置审批", 3), ad_result_2026=3, ad_guide=2, ad_plan_2025=1),
    ),
    _q(
        "低保对象公示",
        "catalogue",
        _j(_cat("低保对象公示", 3), **{f"dibao_list_{n}": 2 for n in range(4)}),
    ),
    _q(
        "招生政策",
        "catalogue",
        _j(
            _cat("招生政策", 3),
            edu_policy_ouhai_2026=2,
            edu_plan_2026=1,
            edu_interp_ouhai_2026=1,
        ),
    ),
    _q("公园名录", "catalogue", _j(_cat("公园名录及开放信息", 3))),
    _q(
        "救灾款物管理使用",
        "catalogue",
        _j(_cat("救灾款物管理使用", 3), disaster_ouhai_2025=2),
    ),
    _q("市政工程档案查询", "catalogue", _j(_cat("市政工程档案查询", 3))),
    _q("燃气安全常识", "catalogue", _j(_cat("燃气安全常识", 3), gas_tips_2025=1)),
    _q(
        "城市道路照明",
        "catalogue",
        _j(_cat("城市道路照明", 3), light_plan_2026=1, light_done_2026=1),
    ),
    # --- organisations and their functions (机构职能) -------------------------------------------
    _q(
        "住建局职能",
        "organisation",
        _j(_org("yj.zjj", 3), _org("oh.zjj", 3)),
        "住建局 = 住房和城乡建设局 (SUITE_SYNONYMS)",
    ),
    _q("民政局职能", "organisation", _j(_org("yj.mz", 3), _org("oh.mz", 3))),
    _q("城市管理局职能", "organisation", _j(_org("yj.cg", 3))),
    _q("应急管理局职能", "organisation", _j(_org("yj.yj", 3), _org("oh.yj", 3))),
    _q("教育局机构职能", "organisation", _j(_org("oh.edu", 3), _org("yj.edu", 1))),
    _q("发展和改革委员会职能", "organisation", _j(_org("yj.fgw", 3))),
    # --- function words (的 关于 和 及 对) ---------------------------------------------------------
    _q("关于停水的通知", "function_words", STOP_WATER),
    _q(
        "关于燃气经营许可的公示",
        "function_words",
        _j(
            _cat("燃气经营许可证核发", 1),
            gas_license_2026=3,
            gas_license_ouhai_2025=2,
            gas_license_guide=1,
        ),
    ),
    _q("关于交通管制的通告", "function_words", TRAFFIC),
    _q(
        "关于低保标准的通知",
        "function_words",
        _j(dibao_standard_2026=3, interp_dibao_standard_2026=1, tekun_2026=1),
        "also needs 低保 = 最低生活保障",
    ),
    _q(
        "对老旧小区燃气管道改造的建议答复",
        "function_words",
        _j(npc_reply_2026=3, old_community_2026=1, gas_more_0=1),
    ),
    _q(
        "义务教育的招生政策",
        "function_words",
        _j(
            _cat("招生政策", 2),
            edu_policy_ouhai_2026=3,
            edu_plan_2026=1,
            edu_plan_2025=1,
            edu_interp_ouhai_2026=2,
        ),
    ),
    _q(
        "路灯改造的通知",
        "function_words",
        _j(light_plan_2026=3, light_done_2026=1, light_bid_2026=1, light_ouhai_2025=1),
    ),
    _q(
        "关于印发政务公开工作要点的通知",
        "function_words",
        _j(gk_points_2026=3, gk_points_2025=2, gk_points_ouhai_2026=1, gk_interp_2026=1),
    ),
    _q(
        "户外广告审批的结果",
        "function_words",
        _j(_cat("户外广告设置审批", 2), ad_result_2026=3, ad_guide=1),
    ),
    _q(
        "政府信息公开指南和制度",
        "function_words",
        _j(("guide_page:guide-1", 3), ("guide_page:rules-1", 3), ("guide_page:guide-2", 2)),
    ),
]


def queries() -> list[Query]:
    return list(QUERIES)


@functools.cache
def _plain_cut():
    """jieba's own dictionary, without the government words the index adds (停水通知 is one
    word there): what counts as several words typed together should not depend on that list."""
    try:
        import rjieba

        return rjieba.Jieba().cut
    except ImportError:  # pragma: no cover - rjieba is a dependency; jieba is the fallback
        import jieba

        plain = jieba.Tokenizer()
        return lambda text: list(plain.cut(text))


def is_run_together(text: str) -> bool:
    """Several words typed without a space: a CJK text that segments into two or more words."""
    from .. import tokenize

    norm = tokenize.normalize(text).strip()
    if not norm or any(ch.isspace() for ch in norm) or not tokenize.CJK_RUN_RE.search(norm):
        return False
    words = [piece for word in _plain_cut()(norm) for piece in tokenize.PIECE_RE.findall(word)]
    return len(words) >= 2
