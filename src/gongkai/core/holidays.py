"""Statutory public holidays (法定节假日) for a year whose holiday notice is not loaded.

The State Council publishes each year's schedule (国务院办公厅关于某年部分节假日安排的通知),
with adjusted weekend workdays (调休). Until that notice is loaded as a `WorkCalendar`, working
days are computed provisionally from weekends plus the statutory days fixed by
《全国年节及纪念日放假办法》 (see core.workcalendar and regulations.md, "Counting working days").

Which revision applies depends on the year:

* from 2025 (国务院令第795号, 2024 revision, in force 2025-01-01): 元旦 1 day (1 January);
  春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (农历清明当日); 劳动节 2 days
  (5月1日、2日); 端午节 1 day (农历端午当日); 中秋节 1 day (农历中秋当日); 国庆节 3 days
  (10月1日至3日) — 13 days in all;
* 2014–2024 (国务院令第644号, 2013 revision): as above but 春节 is 正月初一至初三 and
  劳动节 is 5月1日 only (11 days);
* 2008–2013 (国务院令第513号, 2007 revision): 春节 is 除夕、正月初一、初二, 劳动节 5月1日;
* before 2008 (国务院令第270号, 1999 revision, used for every earlier year): 元旦, 春节
  正月初一至初三, 劳动节 5月1日至3日, 国庆节 10月1日至3日; no 清明/端午/中秋 holiday.

Lunar dates come from `lunardate` (which covers lunar years 1900–2099); 清明 comes from
`chinese_calendar.get_solar_terms` (1900–2100) with the 寿星 formula as a fallback. For years
outside those ranges the lunar holidays cannot be placed and are left out; nothing here raises.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
TOMB_SWEEPING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"

#: The revisions of 《全国年节及纪念日放假办法》: (first year in force, State Council order).
REVISIONS = (
    (2025, "国务院令第795号（2024年修订）"),
    (2014, "国务院令第644号（2013年修订）"),
    (2008, "国务院令第513号（2007年修订）"),
    (1, "国务院令第270号（1999年修订）"),
)


def revision_for(year: int) -> str:
    """The revision of 《全国年节及纪念日放假办法》 that governs `year`."""
    for first_year, order in REVISIONS:
        if year >= first_year:
            return order
    return REVISIONS[-1][1]


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory days off of `year` per 《全国年节及纪念日放假办法》, as {date: 名称}.

    For 2025 on (2024 revision, 第二条): 元旦 1月1日; 春节 除夕至正月初三 (4 days);
    清明节 农历清明当日; 劳动节 5月1日、2日; 端午节 农历五月初五; 中秋节 农历八月十五;
    国庆节 10月1日至3日. Earlier years use the revision then in force (see the module
    docstring). Two holidays on one date (e.g. 中秋 on 3 October 2028) give one entry named
    "国庆节、中秋节". Adjusted workdays (调休) are not statutory and come only from the yearly
    notice. Never raises: holidays that cannot be placed for a far year are left out.
    """
    return dict(_statutory(year))


@lru_cache(maxsize=512)
def _statutory(year: int) -> tuple[tuple[date, str], ...]:
    days: dict[date, str] = {}

    def add(d: date | None, name: str) -> None:
        if d is None or d.year != year:
            return
        if d in days and name not in days[d].split("、"):
            days[d] = f"{days[d]}、{name}"
        else:
            days.setdefault(d, name)

    if not 1 <= year <= 9999:
        return ()
    add(date(year, 1, 1), NEW_YEAR)

    new_year = _lunar_to_solar(year, 1, 1)
    if new_year is not None:
        if year >= 2025:
            spring = [
                new_year - timedelta(days=1),
                *(new_year + timedelta(days=i) for i in range(3)),
            ]
        elif year >= 2014:
            spring = [new_year + timedelta(days=i) for i in range(3)]
        elif year >= 2008:
            spring = [new_year - timedelta(days=1), new_year, new_year + timedelta(days=1)]
        else:
            spring = [new_year + timedelta(days=i) for i in range(3)]
        for d in spring:
            add(d, SPRING_FESTIVAL)

    if year >= 2008:
        add(qingming(year), TOMB_SWEEPING)

    if year >= 2025:
        labour = [date(year, 5, 1), date(year, 5, 2)]
    elif year >= 2008:
        labour = [date(year, 5, 1)]
    else:
        labour = [date(year, 5, d) for d in (1, 2, 3)]
    for d in labour:
        add(d, LABOUR_DAY)

    for day in (1, 2, 3):
        add(date(year, 10, day), NATIONAL_DAY)

    if year >= 2008:
        add(_lunar_to_solar(year, 5, 5), DRAGON_BOAT)
        add(_lunar_to_solar(year, 8, 15), MID_AUTUMN)
    return tuple(sorted(days.items()))


def _lunar_to_solar(year: int, month: int, day: int) -> date | None:
    """The Gregorian date of a lunar date (non-leap month), or None outside lunardate's range."""
    try:
        from lunardate import LunarDate

        return LunarDate(year, month, day).to_solar_date()
    except (ValueError, OverflowError, ImportError):
        return None


def qingming(year: int) -> date | None:
    """The date of 清明 (the Pure Brightness solar term) in `year`.

    Uses chinese_calendar.get_solar_terms (1900–2100); outside that range, the 寿星 formula
    [Y×0.2422+C]−L with Y = year % 100, L = Y // 4 and C = 5.59 (20th-century constant, for
    years before 1900) or 4.81 (21st-century constant, for years after 2100) — an approximation
    accurate to about a day.
    """
    try:
        from chinese_calendar import get_solar_terms

        for d, name in get_solar_terms(date(year, 4, 1), date(year, 4, 30)):
            if name == "清明":
                return d
    except (NotImplementedError, ValueError, ImportError, OverflowError):
        pass
    if not 1 <= year <= 9999:
        return None
    y = year % 100
    c = 5.59 if year < 1900 else 4.81
    day = int(y * 0.2422 + c) - y // 4
    return date(year, 4, min(max(day, 3), 6))
