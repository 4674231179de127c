"""The inspection indicators the platform measures itself (网站检查指标,
reference/website-indicators.md), one module per family. `register_all()` is called from
OversightConfig.ready(); each module's `register()` adds its checks to oversight.checks.

Severities and points follow 国办秘函〔2019〕19号 where it gives them (veto items; "政策文件
栏目6个月未更新 −5"); where the national sheet gives no figure, the points below are the
platform's own weighting, kept in one table so an office can align them with its province's
sheet. Later apps (participation's messages, guides' key elements) register their checks the
same way from their own oversight modules."""

from __future__ import annotations

from decimal import Decimal

#: indicator names (the scoring sheet's wording) and the points a deduction costs
STALE_COLUMNS = "栏目不更新"
EMPTY_COLUMNS = "空白栏目"
HOME_STALE = "首页不更新"
NO_PUBLICATION_TIME = "信息无发布时间"
EXPRESSIONS = "错敏词与严重表述错误"
PERSONAL_DATA = "泄露个人隐私"
DISCLOSURE_GUIDE = "政府信息公开指南未及时更新"
CATALOGUE = "政府信息公开目录未及时更新"
GUIDE_ELEMENTS = "办事指南要素缺失"
SERVICE_STATISTICS = "服务统计未及时更新"

POINTS = {
    STALE_COLUMNS: Decimal(5),  # 国办秘函〔2019〕19号: 政策文件栏目6个月未更新 −5
    EMPTY_COLUMNS: Decimal(5),
    NO_PUBLICATION_TIME: Decimal(2),
    EXPRESSIONS: Decimal(1),  # misused words; wrong leader names and sensitive wording are vetoes
    DISCLOSURE_GUIDE: Decimal(2),
    CATALOGUE: Decimal(2),
    SERVICE_STATISTICS: Decimal(2),  # 国办秘函〔2019〕19号: 服务统计3个月内未更新 −2
}

#: 国办秘函〔2019〕19号: ≥5 stale columns, or ≥5 empty columns, fail the site
STALE_COLUMNS_VETO = 5
EMPTY_COLUMNS_VETO = 5
#: a warning this many days before a rule is broken (at most half the rule's period, so a
#: two-week news column is not always "about to go stale")
WARNING_DAYS = 30


def warning_window(days: int) -> int:
    return max(1, min(WARNING_DAYS, days // 2))


def period_text(days: int) -> str:
    """14 → "2 周", 180 → "6 个月", 365 → "1 年": how the indicators word their periods."""
    if days % 365 == 0:
        return f"{days // 365} 年"
    if days % 30 == 0:
        return f"{days // 30} 个月"
    if days % 7 == 0:
        return f"{days // 7} 周"
    return f"{days} 天"


def organisations_by_id(site) -> dict:
    from gongkai.core.models import Organisation

    return {o.pk: o for o in Organisation.objects.filter(site=site)}


def record_texts(site, states, fields=("summary", "body")):
    """(pk, title, organisation_id, text) of the site's records in `states`, oldest first:
    plain rows, not model instances (a Record instance with deferred fields reads its state
    back one query each; 20,000 records took 18 s that way, 0.2 s as rows)."""
    from gongkai.core.html import html_to_text
    from gongkai.records.models import Record

    rows = (
        Record.objects.filter(site=site, state__in=list(states))
        .order_by("id")
        .values_list("id", "title", "organisation_id", *fields)
    )
    for pk, title, organisation_id, *values in rows.iterator(chunk_size=500):
        parts = [title] + [
            html_to_text(v) if f == "body" else v for f, v in zip(fields, values, strict=True)
        ]
        yield pk, title, organisation_id, "\n".join(filter(None, parts))


def register_all() -> None:
    from . import columns, disclosure, expressions, guides, personal_data, records

    for module in (columns, records, expressions, personal_data, disclosure, guides):
        module.register()
