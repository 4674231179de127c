"""No lost updates on drafts and revisions (issue 10, point 5): the second of two saves of the
same loaded version is refused with a conflict that shows the other person's change, and
nothing is overwritten — through the workflow, the staff pages, the API and in parallel."""

import html
import re
import threading

import pytest
from django.db import close_old_connections, connection

from gongkai.core.versioning import VersionConflict
from gongkai.records import workflow
from gongkai.records.models import Record, RecordRevision, RevisionState
from tests.conftest import user

from .conftest import data, draft, published
from .test_api import token_for


@pytest.fixture
def admin(demo):
    return user("yj_admin")


def fresh(record):
    return Record.objects.get(pk=record.pk)


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match, f"no hidden {name} in the form"
    return html.unescape(match.group(1))


def edit_post(page: str, **values) -> dict:
    base = {
        "kind": "notice",
        "title": "关于2026年城区供水管网改造停水的通知",
        "formed_on": "2026-09-30",
        "written_on": "2026-09-29",
        "subject": "09",
        "genre": "通知",
        "disclosure": "proactive",
        "body": "<p>因城区供水管网改造，10月8日8:00至18:00停水。</p>",
        "version": hidden(page, "version"),
        "base": hidden(page, "base"),
    }
    base.update(values)
    return base


def test_second_save_of_the_same_version_is_refused_and_overwrites_nothing(
    editor, admin, housing, leaf
):
    record = draft(editor, housing, leaf)
    assert record.version == 1
    mine, theirs = fresh(record), fresh(record)  # two people open the same draft
    workflow.update_draft(admin, theirs, data(title="关于停水的通知（管理员）"), version=1)
    assert fresh(record).version == 2
    with pytest.raises(VersionConflict) as conflict:
        workflow.update_draft(editor, mine, data(summary="经办人的概述"), version=1)
    stored = fresh(record)
    assert stored.title == "关于停水的通知（管理员）" and stored.summary == ""
    assert stored.version == 2
    assert "保存冲突" in str(conflict.value) and conflict.value.current == 2
    changes = {c.name: c for c in conflict.value.changes}
    assert changes["title"].theirs == "关于停水的通知（管理员）"
    assert changes["title"].yours == "关于2026年城区供水管网改造停水的通知"


def test_version_defaults_to_the_loaded_instance(editor, admin, housing, leaf):
    """Callers that pass no version still save conditionally: on the version they loaded."""
    record = draft(editor, housing, leaf)
    stale = fresh(record)
    workflow.update_draft(admin, fresh(record), data(title="第一次保存"))
    with pytest.raises(VersionConflict):
        workflow.update_draft(editor, stale, data(title="第二次保存"))
    assert fresh(record).title == "第一次保存"


def test_staff_edit_page_refuses_the_second_save_and_keeps_the_input(
    client, django_user_model, editor, admin, housing, leaf, settings
):
    from django.test import Client

    settings.REQUIRE_2FA = False
    record = draft(editor, housing, leaf)
    first, second = Client(), Client()
    first.force_login(admin)
    second.force_login(editor)
    url = f"/staff/records/{record.pk}/edit/"
    page_1 = first.get(url).content.decode()
    page_2 = second.get(url).content.decode()
    assert hidden(page_1, "version") == hidden(page_2, "version") == "1"

    saved = first.post(url, edit_post(page_1, title="关于停水的通知（第一位保存）"))
    assert saved.status_code == 302
    refused = second.post(url, edit_post(page_2, summary="第二位写的概述，不能丢"))
    text = refused.content.decode()
    assert refused.status_code == 409
    assert "保存冲突" in text and "已保存修改" not in text
    assert "关于停水的通知（第一位保存）" in text  # the other person's change, shown
    assert "第二位写的概述，不能丢" in text  # the user's input stays in the form
    assert hidden(text, "version") == "2"
    stored = fresh(record)
    assert stored.title == "关于停水的通知（第一位保存）" and stored.summary == ""

    # saving again after seeing the differences is a deliberate choice, and works
    again = second.post(url, edit_post(text, summary="第二位写的概述，不能丢"))
    assert again.status_code == 302
    assert fresh(record).summary == "第二位写的概述，不能丢" and fresh(record).version == 3


def test_edit_page_without_version_is_refused(staff, editor, housing, leaf):
    record = draft(editor, housing, leaf)
    client = staff(editor)
    url = f"/staff/records/{record.pk}/edit/"
    post = edit_post(client.get(url).content.decode(), title="无版本")
    del post["version"]
    response = client.post(url, post)
    assert response.status_code == 200 and "缺少版本信息" in response.content.decode()
    assert fresh(record).title != "无版本"


def test_returned_revision_saves_are_versioned(editor, reviewer, admin, housing, leaf, staff):
    record = published(editor, reviewer, housing, leaf)
    revision, _ = workflow.start_revision(editor, fresh(record), {"title": "更正一"}, "更正")
    workflow.return_revision(reviewer, revision, "请改")
    url = f"/staff/records/{record.pk}/revise/"
    client_1 = staff(editor)
    page_1 = client_1.get(url).content.decode()
    # someone else reworks the returned revision in between
    workflow.update_revision(
        admin, RecordRevision.objects.get(pk=revision.pk), {"title": "更正二（管理员）"}, "管理员"
    )
    workflow.return_revision(reviewer, RecordRevision.objects.get(pk=revision.pk), "再改")
    response = client_1.post(
        url,
        {
            "title": "更正三（经办人）",
            "summary": "",
            "body": "<p>x</p>",
            "reason": "经办人",
            "version": hidden(page_1, "version"),
            "base": hidden(page_1, "base"),
        },
    )
    text = response.content.decode()
    assert response.status_code == 409 and "保存冲突" in text and "更正二（管理员）" in text
    assert "更正三（经办人）" in text
    stored = RecordRevision.objects.get(pk=revision.pk)
    assert stored.content["title"] == "更正二（管理员）"
    assert stored.state == RevisionState.RETURNED


def test_staff_api_update_takes_the_version_and_answers_409(client, editor, housing, leaf):
    record = draft(editor, housing, leaf)
    headers = token_for(editor)
    url = f"/api/v1/staff/records/{record.pk}"
    payload = {"title": "接口修改一", "formed_on": "2026-09-30", "kind": "notice", "version": 1}
    ok = client.put(url, payload, content_type="application/json", **headers)
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2 and ok.json()["title"] == "接口修改一"
    stale = client.put(
        url, {**payload, "title": "接口修改二"}, content_type="application/json", **headers
    )
    assert stale.status_code == 409
    body = stale.json()
    assert "保存冲突" in body["detail"] and body["version"] == 2
    assert {"name": "title", "label": "标题", "theirs": "接口修改一", "yours": "接口修改二"} in (
        body["changes"]
    )
    assert fresh(record).title == "接口修改一"
    missing = client.put(url, {"title": "x", "formed_on": "2026-09-30"},
                         content_type="application/json", **headers)  # fmt: skip
    assert missing.status_code in (400, 422) and fresh(record).title == "接口修改一"


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_of_the_same_version_only_one_wins(transactional_db, settings):
    """Two requests at the same moment, each in its own thread and database connection: the
    conditional UPDATE lets exactly one through (PostgreSQL's row lock; SQLite's one writer)."""
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation
    from tests.records.conftest import make_leaf

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("内存中的 SQLite 测试库不支持多连接并发写；请在 PostgreSQL 上运行此测试")
    load_demo()
    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    leaf = make_leaf(housing.site, organisations=[housing])
    editor, admin = user("yj_editor"), user("yj_admin")
    record = draft(editor, housing, leaf)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(actor, title):
        try:
            instance = Record.objects.get(pk=record.pk)
            barrier.wait(timeout=10)
            workflow.update_draft(actor, instance, data(title=title), version=1)
            outcome[title] = "saved"
        except VersionConflict:
            outcome[title] = "conflict"
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=save, args=(editor, "并发保存甲")),
        threading.Thread(target=save, args=(admin, "并发保存乙")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcome.values()) == ["conflict", "saved"], outcome
    winner = next(title for title, result in outcome.items() if result == "saved")
    stored = fresh(record)
    assert stored.title == winner and stored.version == 2
