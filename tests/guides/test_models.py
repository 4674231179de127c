"""The database keeps what the guides' rules rely on: one version number per item, one
statistic per item, window and month, and case counts that add up."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from gongkai.guides.models import CaseStatistic
from tests.conftest import org

from .factories import make_guide, make_item


@pytest.fixture
def item(yingjiang):
    return make_item(yingjiang, org(yingjiang, "区住房和城乡建设局"))


def test_a_guide_version_number_is_used_once_per_item(item):
    make_guide(item, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_guide(item, number=1)
    assert make_guide(item, number=2).number == 2


def test_case_counts_must_add_up(item):
    month = date(2026, 10, 1)
    CaseStatistic.objects.create(
        site=item.site, item=item, month=month, received=5, completed=4, approved=3, refused=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStatistic.objects.create(
            site=item.site, item=item, month=date(2026, 11, 1), completed=2, approved=2, refused=1
        )
    # One all-windows row per item and month, even though its window is NULL.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStatistic.objects.create(site=item.site, item=item, month=month, completed=1)
