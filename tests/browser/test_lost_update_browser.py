"""No lost updates, in a real browser (issue 10, point 5): two staff sessions open the same
draft's edit page and both save. The first wins; the second sees the conflict with the other
person's change beside their own input, and the stored draft is the first save."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_records_browser import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft_record(transactional_db, settings, tmp_path):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation, User
    from tests.records.conftest import draft, make_leaf

    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    leaf = make_leaf(housing.site, organisations=[housing], channels=["政府网站"])
    for name in ("yj_editor", "yj_admin"):
        u = User.objects.get(username=name)
        u.set_password(PASSWORD)
        u.save()
    return draft(User.objects.get(username="yj_editor"), housing, leaf)


def test_two_sessions_save_the_same_draft_second_sees_the_conflict(
    draft_record, browser, live_server
):
    from gongkai.records.models import Record

    url = f"/staff/records/{draft_record.pk}/edit/"
    editor = login(browser, live_server, "yj_editor")
    admin = login(browser, live_server, "yj_admin")
    editor.goto(url)
    admin.goto(url)
    title = lambda page: page.get_by_role("textbox", name="标题", exact=True)  # noqa: E731
    title(editor).fill("关于城区停水的通知（经办人先保存）")
    title(admin).fill("关于城区停水的通知（管理员后保存）")
    admin.get_by_label("内容概述").fill("管理员补充的概述")

    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url(f"**/staff/records/{draft_record.pk}/")
    assert "已保存修改" in editor.content()

    admin.get_by_role("button", name="保存草稿").click()
    admin.wait_for_load_state()
    conflict = admin.get_by_role("alert").filter(has_text="保存冲突")
    assert conflict.count() == 1
    assert "已保存修改" not in admin.content()
    table = admin.locator("table.conflict-table")
    row = table.locator("tr", has=admin.get_by_role("rowheader", name="标题"))
    assert row.locator("td.theirs").inner_text() == "关于城区停水的通知（经办人先保存）"
    assert row.locator("td.yours").inner_text() == "关于城区停水的通知（管理员后保存）"
    # the admin's typed input is still in the form, nothing lost
    assert title(admin).input_value() == "关于城区停水的通知（管理员后保存）"
    assert admin.get_by_label("内容概述").input_value() == "管理员补充的概述"
    assert_accessible(admin, "conflict page")

    stored = Record.objects.get(pk=draft_record.pk)
    assert stored.title == "关于城区停水的通知（经办人先保存）"
    assert stored.summary == "" and stored.version == 2
    editor.context.close()
    admin.context.close()
