"""Fixtures of the annual report tests: a year of cases and some policies."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from gongkai.core.permissions import SYSTEM
from gongkai.foi import workflow
from gongkai.foi.demo import load_foi_demo
from gongkai.oversight import annual
from gongkai.records import workflow as records_workflow
from gongkai.records.models import Kind, Record, State, Validity
from tests.conftest import org
from tests.foi.conftest import applicant
from tests.records.conftest import make_leaf

YEAR = 2025
TODAY = date(2026, 11, 20)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cases(yingjiang, monkeypatch):
    """The demo's cases over 2025-2026, plus two received in 2024: one concluded in 2025
    (carried into the year) and one still open (carried through it)."""
    monkeypatch.setattr(workflow, "today", lambda: TODAY)
    assert load_foi_demo(today=TODAY, slugs=["yingjiang"]) > 90
    housing = org(yingjiang, "区住房和城乡建设局")
    old = [
        workflow.register(
            organisation=housing,
            applicant=applicant(),
            channel="in_person",
            submitted_on=date(2024, 12, 16),
            actor=SYSTEM,
        )
        for _ in range(2)
    ]
    workflow.reply(old[0], on=date(2025, 1, 6), outcome="1", reason="", actor=SYSTEM)
    return old


def _policy(site, organisation, leaf, n, written_on, published_on, **extra):
    return Record.objects.create(
        site=site,
        organisation=organisation,
        catalogue_item=leaf,
        kind=Kind.POLICY,
        index_number=f"{organisation.code}-annual-{n}",
        title=f"规范性文件{n}",
        state=State.PUBLISHED,
        validity=Validity.VALID,
        published_at=timezone.make_aware(datetime.combine(published_on, datetime.min.time())),
        written_on=written_on,
        formed_on=written_on or published_on,
        **extra,
    )


@pytest.fixture
def policies(yingjiang):
    """Policies of 住建局 issued before, in and after 2025 (by 成文日期), one withdrawn, and one
    repealed now (its 废止 date, kept by records.workflow.expire, is this year)."""
    housing = org(yingjiang, "区住房和城乡建设局")
    leaf = make_leaf(yingjiang, "规范性文件", organisations=[housing])
    made = [
        _policy(yingjiang, housing, leaf, 1, date(2024, 6, 1), date(2024, 6, 3)),
        _policy(yingjiang, housing, leaf, 2, date(2025, 3, 1), date(2025, 3, 5)),
        _policy(yingjiang, housing, leaf, 3, date(2025, 12, 30), date(2026, 1, 4)),
        _policy(yingjiang, housing, leaf, 4, None, date(2025, 8, 8)),  # no 成文日期: published
        _policy(yingjiang, housing, leaf, 5, date(2026, 2, 1), date(2026, 2, 2)),
    ]
    withdrawn = _policy(yingjiang, housing, leaf, 6, date(2025, 4, 1), date(2025, 4, 2))
    Record.objects.filter(pk=withdrawn.pk).update(state=State.WITHDRAWN)
    records_workflow.expire(SYSTEM, made[1], Validity.REPEALED, "被新文件代替")
    return made


def fill_entered(draft, value="0", source="本机关无此类事项"):
    """Enter every figure the platform does not hold, as staff would before 定稿."""
    for key in annual.entered_keys():
        draft.refresh_from_db()
        annual.set_cell(SYSTEM, draft, draft.version, key, value, source)
    draft.refresh_from_db()
    return draft
