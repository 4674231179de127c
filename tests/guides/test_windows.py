"""综合窗口: the counts (N 类综合窗口、N 项业务) equal the rows, the public page shows which
window takes what, and only the office admin changes windows (audited)."""

import pytest

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.guides import windows
from gongkai.guides.models import CaseStatistic, ItemStatus, Window, WindowKind
from tests.conftest import login_verified, org, user

from .factories import make_item


@pytest.fixture
def items(yingjiang):
    housing = org(yingjiang, "区住房和城乡建设局")
    civil = org(yingjiang, "区民政局")
    return [
        make_item(yingjiang, housing, code="YJ-001", name="建筑工程施工许可"),
        make_item(yingjiang, housing, code="YJ-002", name="房屋租赁登记备案"),
        make_item(yingjiang, civil, code="YJ-003", name="最低生活保障审批"),
        make_item(
            yingjiang, civil, code="YJ-004", name="已取消的事项", status=ItemStatus.CANCELLED
        ),
    ]


def _window(site, number, items, **fields):
    window = Window.objects.create(site=site, number=number, name=f"{number}号窗口", **fields)
    window.items.set(items)
    return window


def test_counts_are_the_open_comprehensive_windows_and_the_distinct_items(yingjiang, ouhai, items):
    a, b, c, cancelled = items
    _window(yingjiang, "A01", [a, b])
    _window(yingjiang, "A02", [b, c, cancelled])  # b twice: one kind of business
    _window(yingjiang, "A03", [a], is_active=False)  # closed
    _window(yingjiang, "B01", [a], kind=WindowKind.SPECIALISED)  # not comprehensive
    other = make_item(ouhai, org(ouhai, "区住房和城乡建设局"), code="OH-001")
    _window(ouhai, "1", [other])
    counts = windows.window_counts(yingjiang)
    assert (counts.windows, counts.business) == (2, 3)
    assert counts.sentence() == "2 类综合窗口、3 项业务纳入“一窗受理”"
    assert windows.window_counts(ouhai) == windows.WindowCounts(1, 1)


def test_the_public_page_shows_which_window_takes_what(client, yingjiang, items):
    _window(yingjiang, "A01", items[:2], hours="工作日 9:00-17:00")
    _window(yingjiang, "A02", [items[2]], is_active=False)
    page = client.get("/services/windows/").content.decode()
    assert "建筑工程施工许可" in page and "房屋租赁登记备案" in page
    assert "工作日 9:00-17:00" in page
    assert "最低生活保障审批" not in page  # only at a closed window
    assert "<strong>1</strong>类综合窗口" in page
    assert "<strong>2</strong>项业务" in page


def test_only_the_office_admin_manages_windows_and_it_is_audited(yingjiang, ouhai, items):
    data = {"number": "A09", "name": "综合窗口", "kind": WindowKind.COMPREHENSIVE}
    with pytest.raises(PermissionDenied):
        windows.save_window(user("yj_editor"), yingjiang, data, items[:1])
    with pytest.raises(PermissionDenied):
        windows.save_window(user("oh_admin"), yingjiang, data, items[:1])
    window = windows.save_window(user("yj_admin"), yingjiang, data, items[:2])
    assert sorted(window.items.values_list("code", flat=True)) == ["YJ-001", "YJ-002"]
    event = AuditEvent.objects.get(object_type="guides.window", object_id=str(window.pk))
    assert event.after["items"] == sorted(i.pk for i in items[:2])
    foreign = make_item(ouhai, org(ouhai, "区住房和城乡建设局"), code="OH-9")
    with pytest.raises(windows.WindowError, match="本站点"):
        windows.save_window(user("yj_admin"), yingjiang, data, [foreign], window=window)
    with pytest.raises(windows.WindowError, match="已被使用"):
        windows.save_window(user("yj_admin"), yingjiang, data, [])


def test_a_window_with_statistics_is_closed_not_deleted(yingjiang, items):
    window = _window(yingjiang, "A01", items[:1])
    CaseStatistic.objects.create(site=yingjiang, item=items[0], window=window, month="2026-10-01")
    with pytest.raises(windows.WindowError, match="停用"):
        windows.delete_window(user("yj_admin"), window)
    assert Window.objects.filter(pk=window.pk).exists()


def test_the_staff_page_adds_a_window_with_its_items(client, yingjiang, items, settings):
    login_verified(client, user("yj_admin"))
    response = client.post(
        "/staff/services/hall/windows/",
        {
            "number": "A01",
            "name": "商事登记综合窗口",
            "kind": "comprehensive",
            "hours": "工作日",
            "is_active": "on",
            "items": [items[0].pk, items[2].pk],
        },
    )
    assert response.status_code == 302
    window = Window.objects.get(site=yingjiang, number="A01")
    assert set(window.items.all()) == {items[0], items[2]}
    page = client.get("/staff/services/hall/windows/").content.decode()
    assert "1 类综合窗口、2 项业务" in page
    login_verified(client, user("yj_editor"))
    assert client.get("/staff/services/hall/windows/").status_code == 403
