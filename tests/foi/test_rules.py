"""Due dates across real holidays, corrections, pauses and extensions; receipt dates; fees."""

from datetime import date
from decimal import Decimal

import pytest

from gongkai.foi import rules
from gongkai.foi.models import Channel, FeeMode, Outcome
from tests.records.files import jpeg_with_exif, pdf_bytes


class E:
    """A stand-in for FoiEvent: rules.due_from_events reads kind, date and days."""

    def __init__(self, kind, on, days=0):
        self.kind, self.date, self.days = kind, on, days


D = date

DUE_CASES = [
    # (name, events, expected due, provisional)
    (
        "labour day 2026 with the adjusted Saturday 05-09 counted",
        [E("received", D(2026, 4, 30))],
        D(2026, 6, 1),
        False,
    ),
    (
        "spring festival 2026: 02-15..02-23 off, 02-14 and 02-28 worked",
        [E("received", D(2026, 2, 10))],
        D(2026, 3, 16),
        False,
    ),
    (
        "correction restarts the clock from the day it arrives; 清明 04-06 skipped",
        [
            E("received", D(2026, 3, 2)),
            E("correction_asked", D(2026, 3, 4)),
            E("correction_received", D(2026, 3, 20)),
        ],
        D(2026, 4, 20),
        False,
    ),
    (
        "third-party consultation pauses the clock",
        [
            E("received", D(2026, 4, 30)),
            E("consultation_started", D(2026, 5, 8)),
            E("consultation_answered", D(2026, 5, 20)),
        ],
        D(2026, 6, 12),
        False,
    ),
    (
        "pause then a 10-day extension; 端午 06-19 skipped",
        [
            E("received", D(2026, 4, 30)),
            E("consultation_started", D(2026, 5, 8)),
            E("consultation_answered", D(2026, 5, 20)),
            E("extended", D(2026, 6, 1), 10),
        ],
        D(2026, 6, 29),
        False,
    ),
    (
        "fee notice pauses like a consultation",
        [
            E("received", D(2026, 4, 30)),
            E("fee_notice", D(2026, 5, 8)),
            E("fee_paid", D(2026, 5, 20)),
        ],
        D(2026, 6, 12),
        False,
    ),
    (
        "full 20-day extension",
        [E("received", D(2026, 4, 30)), E("extended", D(2026, 5, 25), 20)],
        D(2026, 6, 30),
        False,
    ),
    (
        "December 2026 runs into 2027: provisional, no error",
        [E("received", D(2026, 12, 15))],
        D(2027, 1, 13),
        True,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,events,expected,provisional", DUE_CASES, ids=[c[0] for c in DUE_CASES]
)
def test_due_dates(name, events, expected, provisional):
    due = rules.due_from_events(events)
    assert due.date == expected, due.explain()
    assert due.provisional is provisional
    assert expected.isoformat() in due.explain()
    if provisional:
        assert "暂定" in due.explain()


@pytest.mark.django_db
def test_waiting_for_correction_has_no_due_date():
    due = rules.due_from_events(
        [E("received", D(2026, 3, 2)), E("correction_asked", D(2026, 3, 4))]
    )
    assert due.date is None and due.paused
    assert "暂停" in due.explain()


@pytest.mark.django_db
def test_correction_notice_deadline_is_seven_working_days():
    # received Thu 2026-04-30; 05-01..05-05 off, Sat 05-09 worked
    assert rules.correction_notice_deadline(D(2026, 4, 30)).date == D(2026, 5, 13)
    assert rules.consultation_deadline(D(2026, 5, 8)).date == D(2026, 5, 28)


@pytest.mark.django_db
def test_handling_days_leave_out_pauses():
    events = [
        E("received", D(2026, 4, 30)),
        E("consultation_started", D(2026, 5, 8)),
        E("consultation_answered", D(2026, 5, 20)),
    ]
    assert rules.handling_working_days(events, D(2026, 5, 22)) == 5


def test_receipt_date_rules():
    r = rules.receipt_date
    assert r(Channel.IN_PERSON, submitted_on=D(2026, 5, 6))[0] == D(2026, 5, 6)
    signed, basis = r(
        Channel.LETTER, submitted_on=D(2026, 5, 1), signed_on=D(2026, 5, 7), mail_signed=True
    )
    assert signed == D(2026, 5, 7) and "签收" in basis
    assert r(Channel.LETTER, confirmed_on=D(2026, 5, 8))[0] == D(2026, 5, 8)
    assert r(Channel.FAX, submitted_on=D(2026, 5, 6), confirmed_on=D(2026, 5, 7))[0] == D(
        2026, 5, 7
    )
    assert r(Channel.EMAIL, submitted_on=D(2026, 5, 6), confirmed_on=D(2026, 5, 6))[0] == D(
        2026, 5, 6
    )
    online, basis = r(Channel.ONLINE, submitted_on=D(2026, 5, 6))
    assert online == D(2026, 5, 6) and "双方确认" in basis
    for kwargs in (
        {"channel": Channel.LETTER, "mail_signed": True},
        {"channel": Channel.LETTER},
        {"channel": Channel.FAX, "submitted_on": D(2026, 5, 6)},
        {"channel": Channel.EMAIL, "submitted_on": D(2026, 5, 6), "confirmed_on": D(2026, 5, 5)},
        {"channel": Channel.IN_PERSON},
        {"channel": "pigeon", "submitted_on": D(2026, 5, 6)},
    ):
        with pytest.raises(rules.RuleError):
            r(**kwargs)


@pytest.mark.parametrize(
    "count,fee", [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (55, 400)]
)
def test_per_request_fee(count, fee):
    assert rules.fee_amount(FeeMode.PER_REQUEST, monthly_count=count) == Decimal(fee)


@pytest.mark.parametrize(
    "pages,fee",
    [
        (0, 0),
        (30, 0),
        (31, 10),
        (100, 700),
        (101, 720),
        (150, 1700),
        (200, 2700),
        (201, 2740),
        (250, 4700),
    ],
)
def test_per_page_fee(pages, fee):
    assert rules.fee_amount(FeeMode.PER_PAGE, pages=pages) == Decimal(fee)


def test_fee_never_both_ways():
    with pytest.raises(rules.RuleError, match="只能选择一种"):
        rules.fee_amount(FeeMode.PER_PAGE, monthly_count=12, pages=50)
    with pytest.raises(rules.RuleError):
        rules.fee_amount(FeeMode.PER_REQUEST)


def test_outcome_rows_cover_every_outcome_once():
    rows = rules.outcome_rows()
    leaves = [
        code for row in rows if row.level == 2 or row.key in ("1", "2") for code in row.outcomes
    ]
    assert sorted(leaves) == sorted(Outcome.values)
    assert [r.key for r in rows if r.level == 1] == ["1", "2", "3", "4", "5", "6"]
    assert len([r for r in rows if r.key.startswith("3.")]) == 8


def test_tracking_codes_and_uploads():
    code = rules.new_tracking_code()
    assert len(code) == 12 and not set(code) & set("01OI")
    assert rules.normalise_code(" abcd-efgh-jkmn ") == "ABCDEFGHJKMN"
    assert rules.same_phone("138 0013 8000", "13800138000")
    assert not rules.same_phone("", "")
    assert rules.mask_name("欧阳娜娜") == "欧***"
    assert rules.check_upload(pdf_bytes())[0] == "application/pdf"
    assert rules.check_upload(jpeg_with_exif())[0] == "image/jpeg"
    with pytest.raises(rules.RuleError, match="PDF"):
        rules.check_upload(b"MZ\x90\x00")
    with pytest.raises(rules.RuleError, match="10 MB"):
        rules.check_upload(b"%PDF-", 11 * 1024 * 1024)
