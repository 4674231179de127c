"""No lost updates on request cases (issue 10, point 5): every step moves the case's version;
a staff step is checked against the version its page showed, so two staff handling the same
case at once cannot both act on the same state."""

import html
import re
from datetime import date as D

import pytest
from django.test import Client, override_settings

from gongkai.core.versioning import VersionConflict
from gongkai.foi import workflow
from gongkai.foi.models import FoiRequest, State
from tests.conftest import user


def fresh(case):
    return FoiRequest.objects.get(pk=case.pk)


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


def test_every_step_moves_the_version_and_a_stale_step_is_refused(make_request):
    case = make_request(received=D(2026, 4, 30))
    loaded = case.version
    workflow.start_consultation(case, on=D(2026, 5, 8), party="某公司", actor=user("yj_editor"))
    assert fresh(case).version > loaded
    with pytest.raises(VersionConflict) as conflict:
        with workflow.handling(case, loaded):
            workflow.extend(case, on=D(2026, 5, 9), days=5, approver="主任", reason="多",
                            actor=user("yj_admin"))  # fmt: skip
    assert fresh(case).state == State.CONSULTING
    assert not fresh(case).events.filter(kind="extended").exists()
    assert "state" in {c.name for c in conflict.value.changes}


@override_settings(REQUIRE_2FA=False)
def test_two_staff_on_the_same_case_second_sees_the_conflict(make_request):
    case = make_request(received=D(2026, 4, 30))
    first, second = Client(), Client()
    first.force_login(user("yj_editor"))
    second.force_login(user("yj_admin"))
    url = f"/staff/foi/{case.pk}/"
    page_1, page_2 = first.get(url).content.decode(), second.get(url).content.decode()
    reply = first.post(
        f"/staff/foi/{case.pk}/act/reply/",
        {
            "reply-on": "2026-05-06",
            "reply-outcome": "1",
            "reply-version": hidden(page_1, "reply-version"),
            "reply-base": hidden(page_1, "reply-base"),
        },
    )
    assert reply.status_code == 302
    extend = second.post(
        f"/staff/foi/{case.pk}/act/extend/",
        {
            "extend-on": "2026-05-07",
            "extend-days": "10",
            "extend-approver": "主任",
            "extend-reason": "第二位填写的延期理由",
            "extend-version": hidden(page_2, "extend-version"),
            "extend-base": hidden(page_2, "extend-base"),
        },
    )
    text = extend.content.decode()
    assert extend.status_code == 409 and "保存冲突" in text
    assert "已答复" in text  # the other person's change: the case was replied
    assert "第二位填写的延期理由" in text  # kept in the form
    stored = fresh(case)
    assert stored.state == State.REPLIED and not stored.events.filter(kind="extended").exists()
