"""Events end to end: a person applies for an open day at 375 px and sees the check-in code and
its QR image; staff check the code in at the door (a second use is refused); a staff member
creates an event through the form; axe on every page."""

from datetime import timedelta

import pytest

from tests.browser.conftest import PHONE, assert_accessible, logged_in_context, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    from django.utils import timezone

    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from gongkai.core.permissions import SYSTEM
    from gongkai.participation import events as rules
    from tests.conftest import org

    settings.REQUIRE_2FA = False
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = org(site, "区住房和城乡建设局")
    now = timezone.now().replace(second=0, microsecond=0)
    event = rules.create_event(
        SYSTEM,
        organisation=housing,
        kind="open_day",
        title="住建局开放日：走进城建档案馆",
        description="参观城建档案馆，了解老旧小区改造档案。",
        place="城建档案馆",
        starts_at=now + timedelta(days=6),
        ends_at=now + timedelta(days=6, hours=2),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=4),
        capacity=12,
        reserved=2,
        selection="first_come",
    )
    rules.publish_event(SYSTEM, event)
    return {"site": site, "event": event, "housing": housing}


def test_a_person_applies_and_staff_check_the_code_in(world, browser, live_server):
    from gongkai.participation.models import Registration
    from tests.participation.factories import make_person

    event = world["event"]
    person = make_person(name="王女士")
    context, page = logged_in_context(browser, live_server, person, viewport=PHONE)
    page.goto("/participate/events/")
    assert_accessible(page, "活动列表 375px")
    page.get_by_role("link", name=event.title).click()
    assert "剩余名额：10" in page.get_by_test_id("places-left").inner_text()
    assert_accessible(page, "活动页面 375px")
    page.get_by_role("link", name="我要报名").click()
    page.get_by_label("报名说明（选填）").fill("想了解我家小区的改造档案。")
    assert_accessible(page, "报名页面 375px")
    page.get_by_role("button", name="提交报名").click()
    page.wait_for_url(f"**/participate/events/{event.pk}/mine/")
    assert page.get_by_test_id("registration-state").inner_text().startswith("已确认")
    code = page.get_by_test_id("checkin-code").inner_text().strip()
    registration = Registration.objects.get(event=event)
    assert code == registration.code_display
    qr = page.get_by_role("img", name=f"签到二维码，签到码 {code}")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    # nothing overflows the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "我的报名 375px")
    context.close()

    # --- at the door: the editor of 住建局 types the code in
    staff_context, staff = staff_login(browser, live_server, username="yj_editor")
    staff.goto(f"/staff/participation/events/{event.pk}/checkin/")
    assert_accessible(staff, "签到页面")
    staff.get_by_label("签到码").fill(code.lower())
    staff.get_by_role("button", name="签到").click()
    assert "签到成功" in staff.get_by_test_id("checkin-ok").inner_text()
    staff.get_by_label("签到码").fill(code)
    staff.get_by_role("button", name="签到").click()
    assert "不能重复使用" in staff.content()
    assert_accessible(staff, "签到页面（重复）")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    staff.goto(f"/staff/participation/events/{event.pk}/")
    assert_accessible(staff, "活动管理页面")
    assert "已签到 1" in staff.content()
    staff_context.close()


def test_staff_create_an_event_and_see_the_fill_warning(world, browser, live_server):
    from gongkai.participation import events as rules
    from gongkai.participation.models import Event
    from tests.participation.factories import make_person

    context, page = staff_login(browser, live_server, username="yj_editor")
    page.goto("/staff/participation/events/")
    page.get_by_role("link", name="新建活动").click()
    page.get_by_label("主办机构").select_option(label="区住房和城乡建设局")
    page.get_by_label("类型").select_option(label="听证会")
    page.get_by_label("名称").fill("物业服务收费标准听证会")
    page.get_by_label("地点").fill("区政府 2 楼")
    page.get_by_label("开始时间").fill("2030-03-10T09:00")
    page.get_by_label("结束时间").fill("2030-03-10T11:00")
    page.get_by_label("报名开始").fill("2030-03-01T09:00")
    page.locator("#id_closes_at").fill("2030-03-08T17:00")
    page.get_by_label("总名额").fill("4")
    page.get_by_label("预留名额").fill("2")
    page.get_by_label("报名截止后公开抽签").check()
    assert_accessible(page, "新建活动")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/staff/participation/events/*/")
    event = Event.objects.get(title="物业服务收费标准听证会")
    assert event.selection == "draw" and event.public_places == 2
    assert event.draw_seed_hash in page.content() and event.draw_seed not in page.content()
    # half the public places of the open day taken: the warning shows
    for _ in range(5):
        rules.apply(world["event"], make_person())
    page.goto(f"/staff/participation/events/{world['event'].pk}/")
    assert "公众名额已过半" in page.get_by_test_id("fill-warning").inner_text()
    assert_accessible(page, "活动管理页面（过半）")
    context.close()
