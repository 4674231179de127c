"""征求意见 end to end at 375 px: a person comments on a passage (selecting it: the script fills
the quote and range) and another on the whole draft; staff are refused the close while
comments wait, moderate and dispose of every comment, close; the reviewer publishes the
report and links the final policy; the public sees the report, the differences and the link
from the record page. axe on every page."""

import re

import pytest

from gongkai.records.models import Kind
from tests.browser.conftest import PHONE, assert_accessible, logged_in_context, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT = (
    "第一条 为规范城区停车管理，制定本办法。\n"
    "第二条 停车泊位实行分时段差别化收费。\n"
    "第三条 本办法自发布之日起施行。"
)


@pytest.fixture
def world(transactional_db, settings):
    from django.utils import timezone

    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site
    from gongkai.participation import consultations as rules
    from tests.conftest import org, user
    from tests.records.conftest import make_leaf, published

    settings.REQUIRE_2FA = False
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = org(site, "区住房和城乡建设局")
    today = timezone.localdate()
    c = rules.create_consultation(
        user("yj_editor"), organisation=housing, title="测试停车管理办法（征求意见稿）",
        purpose="欢迎提出意见。", opens_on=today, closes_on=today, text=DRAFT,
    )  # fmt: skip
    rules.submit(user("yj_editor"), c)
    rules.publish(user("yj_reviewer"), c)
    leaf = make_leaf(site, "规范性文件", organisations=[housing], channels=["政府网站"])
    final = published(
        user("yj_editor"), user("yj_reviewer"), housing, leaf, kind=Kind.POLICY, document_number="迎建〔2026〕1号", title="测试停车管理办法",
        body="<p>第一条 为规范城区停车管理，制定本办法。</p>"
        "<p>第二条 停车泊位实行分时段差别化收费，夜间免费。</p>"
        "<p>第三条 本办法自发布之日起施行。</p>",
    )  # fmt: skip
    return {"consultation": c, "final": final}


def test_comment_moderate_dispose_close_and_publish_the_report(world, browser, live_server):
    from gongkai.participation.models import ConsultationComment
    from tests.participation.factories import make_person

    c = world["consultation"]
    detail_url = f"/participate/consultations/{c.pk}/"

    # --- a person comments on a passage of the second paragraph, on a phone
    context, page = logged_in_context(browser, live_server, make_person(), viewport=PHONE)
    page.goto(detail_url)
    assert "还剩 1 天" in page.get_by_test_id("status").inner_text()
    assert_accessible(page, "consultation page")
    page.get_by_role("link", name=re.compile(r"对本段提意见\s*（第 2 段）")).click()
    page.wait_for_url(re.compile(r"comment/\?p=1$"))
    assert_accessible(page, "comment form")
    page.evaluate(
        """() => {
            const p = document.querySelector('.quote-source');
            const range = document.createRange();
            range.setStart(p.firstChild, 4);
            range.setEnd(p.firstChild, 8);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            p.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }"""
    )
    assert page.get_by_label("引用原文（选填）").input_value() == "停车泊位"
    page.get_by_label("意见内容").fill("建议夜间免费停放。")
    page.get_by_role("button", name="提交意见").click()
    page.get_by_role("heading", name="意见已提交").wait_for()
    context.close()
    passage = ConsultationComment.objects.get()
    assert (passage.paragraph, passage.start, passage.end, passage.quote) == (1, 4, 8, "停车泊位")

    # --- another comments on the whole draft, without JavaScript
    other = make_person()
    context, page = logged_in_context(browser, live_server, other, viewport=PHONE)
    page.goto(f"{detail_url}comment/")
    page.get_by_label("意见内容").fill("希望延长征求意见时间。")
    page.get_by_role("button", name="提交意见").click()
    page.get_by_role("heading", name="意见已提交").wait_for()
    context.close()
    whole = ConsultationComment.objects.exclude(pk=passage.pk).get()

    # --- staff: the close is refused while comments wait, then every comment is disposed of
    context, staff = staff_login(browser, live_server, viewport=PHONE, username="yj_editor")
    staff.goto("/staff/participation/consultations/")
    staff.get_by_role("link", name=c.title).click()
    assert_accessible(staff, "staff consultation page")
    staff.get_by_role("button", name="结束征求意见").click()
    assert "还有 2 条意见未处理" in staff.content()
    first = staff.locator(f"#comment-{passage.pk}")
    first.get_by_label("公开", exact=True).check()
    first.get_by_role("button", name="保存审核结果").click()
    first = staff.locator(f"#comment-{passage.pk}")
    first.get_by_label("采纳", exact=True).check()
    first.get_by_role("button", name="保存采纳情况").click()
    second = staff.locator(f"#comment-{whole.pk}")
    second.get_by_label("未采纳", exact=True).check()
    second.get_by_role("button", name="保存采纳情况").click()
    assert "须说明理由" in staff.content()  # 未采纳 without a reason is refused
    second = staff.locator(f"#comment-{whole.pk}")
    second.get_by_label("未采纳", exact=True).check()
    second.get_by_label("理由（部分采纳或未采纳须填写）").fill("征求意见期限符合规定。")
    second.get_by_role("button", name="保存采纳情况").click()
    assert staff.get_by_test_id("missing").inner_text() == "0 条"
    staff.get_by_role("button", name="结束征求意见").click()
    assert "已结束" in staff.get_by_test_id("state").inner_text()
    context.close()

    # --- the reviewer publishes the report and links the final policy
    context, reviewer = staff_login(browser, live_server, viewport=PHONE, username="yj_reviewer")
    reviewer.goto(f"/staff/participation/consultations/{c.pk}/")
    reviewer.get_by_role("button", name="发布意见采纳情况").click()
    reviewer.get_by_label("正式文件（已发布的信息）").select_option(label=world["final"].title)
    reviewer.get_by_role("button", name="关联正式文件").click()
    assert "已关联正式文件" in reviewer.content()
    context.close()

    # --- the public: the report, the differences, the link from the final policy
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    public = context.new_page()
    public.goto(world["final"].get_absolute_url())
    public.get_by_test_id("record-consultations").get_by_role("link", name="意见采纳情况").click()
    counts = public.get_by_test_id("counts").inner_text()
    assert re.search(r"采纳\s+1", counts) and re.search(r"未采纳\s+1", counts)
    assert "征求意见期限符合规定" in public.content()
    assert_accessible(public, "feedback report")
    public.goto(detail_url)
    diff = public.get_by_test_id("diff").inner_text()
    assert "［删除］第二条 停车泊位实行分时段差别化收费。" in diff
    assert "［新增］第二条 停车泊位实行分时段差别化收费，夜间免费。" in diff
    assert "建议夜间免费停放" in public.get_by_test_id("comments").inner_text()
    assert_accessible(public, "closed consultation page")
    width = public.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page scrolls sideways at 375 px ({width})"
    context.close()
