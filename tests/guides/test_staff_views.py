"""The staff guide pages: scoped list, new item, the editor with its row formsets and version
check, the refusal message shown on the page (never a 500), the versions and their diff, the
review queue and the workbench panel."""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongkai.guides import workflow
from gongkai.guides.models import Guide, ServiceItem
from gongkai.records.models import State
from tests.conftest import org, user

from .factories import make_certificate, make_guide, make_item


@pytest.fixture
def housing(yingjiang):
    return org(yingjiang, "区住房和城乡建设局")


@pytest.fixture
def item(yingjiang, housing):
    return make_item(yingjiang, housing)


@pytest.fixture
def login(settings):
    settings.REQUIRE_2FA = False

    def as_user(username):
        client = Client()
        client.force_login(user(username))
        return client

    return as_user


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match, f"no hidden {name} in the form"
    return html.unescape(match.group(1))


def edit_post(page: str, **values) -> dict:
    """What the edit page posts: the fields, one condition, one material, two steps, and the
    empty rows and management forms as the page renders them."""
    data = {
        "version": hidden(page, "version"),
        "base": hidden(page, "base"),
        "effective_from": "2026-01-01",
        "legal_basis": "《食品安全法》第三十五条",
        "applicant": "餐饮服务经营者",
        "statutory_limit_days": "20",
        "promised_limit_days": "5",
        "fee_free": "on",
        "address": "迎江区政务服务中心一楼",
        "hours": "工作日",
        "visits_required": "1",
        "consult_phone": "0556-5550001",
        "conditions-TOTAL_FORMS": "3",
        "conditions-INITIAL_FORMS": "0",
        "conditions-0-text": "有与经营项目相适应的经营场所",
        "materials-TOTAL_FORMS": "3",
        "materials-INITIAL_FORMS": "0",
        "materials-0-name": "食品经营许可申请书",
        "materials-0-source": "applicant",
        "materials-0-copies": "1",
        "materials-0-form": "original",
        "materials-0-required": "on",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-0-name": "受理",
        "steps-0-time_limit_days": "1",
        "steps-0-fee_text": "不收费",
        "steps-1-name": "决定",
        "steps-1-time_limit_days": "4",
    }
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_item_list_is_scoped_to_the_users_organisations(login, yingjiang, item):
    civil = make_item(yingjiang, org(yingjiang, "区民政局"), code="MZ-1", name="最低生活保障")
    editor_page = login("yj_editor").get("/staff/services/items/").content.decode()
    assert item.name in editor_page and civil.name not in editor_page
    admin_page = login("yj_admin").get("/staff/services/items/").content.decode()
    assert item.name in admin_page and civil.name in admin_page
    assert login("yj_editor").get(f"/staff/services/items/{civil.pk}/").status_code == 404
    assert login("oh_admin").get(f"/staff/services/items/{item.pk}/").status_code == 404


def test_new_item_creates_a_draft_version_one_and_opens_its_editor(login, housing):
    client = login("yj_editor")
    response = client.post(
        "/staff/services/items/new/",
        {
            "organisation": housing.pk,
            "code": "340802-XK-0099",
            "name": "城镇污水排入排水管网许可",
            "item_type": "licence",
            "audience": "enterprise",
            "effective_from": "2026-02-01",
        },
    )
    item = ServiceItem.objects.get(code="340802-XK-0099")
    guide = item.guides.get()
    assert guide.number == 1 and guide.state == State.DRAFT
    assert response.status_code == 302
    assert response["Location"] == f"/staff/services/items/{item.pk}/versions/1/edit/"
    again = client.post(
        "/staff/services/items/new/",
        {
            "organisation": housing.pk,
            "code": "340802-XK-0099",
            "name": "重复",
            "item_type": "licence",
            "audience": "person",
            "effective_from": "2026-02-01",
        },
    )
    assert again.status_code == 200 and "已被本站点的其他事项使用" in again.content.decode()


def test_edit_page_saves_fields_and_rows_in_one_post_then_submit_works(login, item):
    guide = workflow.create_guide(user("yj_editor"), item, {})
    client = login("yj_editor")
    url = f"/staff/services/items/{item.pk}/versions/1/edit/"
    page = client.get(url).content.decode()
    assert 'name="conditions-TOTAL_FORMS"' in page and "保存并增加空行" in page
    response = client.post(url, edit_post(page))
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Guide.objects.get(pk=guide.pk)
    assert [s.name for s in stored.steps.all()] == ["受理", "决定"]
    assert [m.name for m in stored.materials.all()] == ["食品经营许可申请书"]
    assert stored.conditions.count() == 1 and stored.version == 2
    submitted = client.post(f"/staff/services/items/{item.pk}/versions/1/do/submit/")
    assert submitted.status_code == 302
    assert Guide.objects.get(pk=guide.pk).state == State.SUBMITTED


def test_add_rows_saves_and_offers_more_empty_rows(login, item):
    workflow.create_guide(user("yj_editor"), item, {})
    client = login("yj_editor")
    url = f"/staff/services/items/{item.pk}/versions/1/edit/"
    response = client.post(url, edit_post(client.get(url).content.decode(), add_rows="1"))
    assert response.status_code == 302 and "rows=5" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    # the saved rows plus five empty ones
    assert 'name="steps-TOTAL_FORMS" value="7"' in page
    assert 'name="conditions-TOTAL_FORMS" value="6"' in page


def test_submit_with_a_missing_element_shows_the_message_on_the_page(login, item):
    guide = make_guide(item, consult_phone="")
    client = login("yj_editor")
    response = client.post(f"/staff/services/items/{item.pk}/versions/1/do/submit/", follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert "缺少关键要素，不能提交审核：咨询电话" in text
    assert Guide.objects.get(pk=guide.pk).state == State.DRAFT


def test_publish_refused_on_the_page_when_an_element_is_missing(login, item):
    guide = make_guide(item, state=State.APPROVED, address="")
    response = login("yj_reviewer").post(
        f"/staff/services/items/{item.pk}/versions/1/do/publish/", follow=True
    )
    assert "缺少关键要素，不能发布：办理地点" in response.content.decode()
    assert Guide.objects.get(pk=guide.pk).state == State.APPROVED


def test_the_edit_page_refuses_the_second_save_and_keeps_the_input(login, item):
    workflow.create_guide(user("yj_editor"), item, {})
    first, second = login("yj_admin"), login("yj_editor")
    url = f"/staff/services/items/{item.pk}/versions/1/edit/"
    page_1, page_2 = first.get(url).content.decode(), second.get(url).content.decode()
    assert first.post(url, edit_post(page_1, summary="管理员先保存")).status_code == 302
    refused = second.post(url, edit_post(page_2, summary="经办人的说明，不能丢"))
    text = refused.content.decode()
    assert refused.status_code == 409 and "保存冲突" in text
    assert "管理员先保存" in text and "经办人的说明，不能丢" in text
    assert Guide.objects.get(item=item).summary == "管理员先保存"
    again = second.post(url, edit_post(text, summary="经办人的说明，不能丢"))
    assert again.status_code == 302
    assert Guide.objects.get(item=item).summary == "经办人的说明，不能丢"


def test_another_organisations_editor_cannot_post_to_the_editor(login, item, yingjiang):
    workflow.create_guide(user("yj_editor"), item, {})
    url = f"/staff/services/items/{item.pk}/versions/1/edit/"
    page = login("yj_editor").get(url).content.decode()
    other = login("yj_editor2")
    assert other.post(url, edit_post(page, summary="越权")).status_code == 404
    # a reviewer of the organisation sees the page but the service refuses the save
    assert login("yj_reviewer").post(url, edit_post(page, summary="越权")).status_code == 403
    assert Guide.objects.get(item=item).summary == ""


def test_item_page_lists_versions_marks_the_one_in_force_and_diffs(login, item, yingjiang):
    today = timezone.localdate()
    editor, reviewer = user("yj_editor"), user("yj_reviewer")
    card = make_certificate(yingjiang)
    first = make_guide(
        item,
        effective_from=today - timedelta(days=100),
        materials=[{"name": "申请书"}, {"name": "身份证", "certificate": card}],
        created_by=editor,
    )
    workflow.submit(editor, first)
    workflow.approve(reviewer, Guide.objects.get(pk=first.pk))
    workflow.publish(reviewer, Guide.objects.get(pk=first.pk))
    second = workflow.new_version(
        editor,
        Guide.objects.get(pk=first.pk),
        effective_from=today + timedelta(days=30),
        change_reason="收费标准调整",
    )
    workflow.update_draft(
        editor,
        second,
        {"fee_free": False, "fee_text": "每件10元", "fee_basis": "价费字〔2026〕3号"},
        ["有与经营项目相适应的经营场所"],
        [{"name": "申请书"}],
        [{"name": "受理", "time_limit_days": 1}],
    )
    page = login("yj_editor").get(f"/staff/services/items/{item.pk}/?v=2").content.decode()
    assert "现行有效" in page and "第2版（草稿）" in page
    assert "与第1版相比的变化" in page
    assert "每件10元" in page and "收费标准" in page
    assert "− 身份证" in page  # the removed material
    assert "− 审查与决定" in page  # the removed step
    first_page = login("yj_editor").get(f"/staff/services/items/{item.pk}/?v=1").content.decode()
    assert "这是第一版" in first_page and "核验无误" in first_page


def test_review_queue_and_workbench_panel(login, item):
    editor = user("yj_editor")
    guide = workflow.create_guide(
        editor,
        item,
        {
            "legal_basis": "依据",
            "statutory_limit_days": 5,
            "address": "大厅",
            "consult_phone": "0556-1",
        },
        ["条件一"],
        [{"name": "申请书"}],
        [{"name": "受理"}],
    )
    workflow.submit(editor, guide)
    queue = login("yj_reviewer").get("/staff/services/review/").content.decode()
    assert item.name in queue and "?v=1#version-h" in queue
    own_queue = login("yj_admin").get("/staff/services/review/").content.decode()
    assert item.name in own_queue
    panel = login("yj_reviewer").get("/staff/").content.decode()
    assert "办事指南" in panel and "待我审核 1 份" in panel
    workflow.return_guide(user("yj_reviewer"), Guide.objects.get(pk=guide.pk), "请补充收费依据")
    panel = login("yj_editor").get("/staff/").content.decode()
    assert "退回给我 1 份" in panel and "请补充收费依据" in panel
    assert 'href="/staff/services/items/"' in panel  # the staff navigation link


def test_unknown_action_and_bad_new_version_form_are_not_500(login, item):
    guide = make_guide(item, state=State.PUBLISHED)
    client = login("yj_editor")
    assert client.post(f"/staff/services/items/{item.pk}/versions/1/do/explode/").status_code == 404
    response = client.post(
        f"/staff/services/items/{item.pk}/versions/1/do/new-version/",
        {"nv-effective_from": "not a date", "nv-change_reason": ""},
        follow=True,
    )
    assert response.status_code == 200 and "生效日期" in response.content.decode()
    assert Guide.objects.filter(item=item).count() == 1 and guide.number == 1
    assert client.get(f"/staff/services/items/{item.pk}/versions/1/edit/").status_code == 302


def test_item_page_of_a_withdrawn_only_version_renders_without_new_version(login, item):
    make_guide(item, state=State.WITHDRAWN)
    response = login("yj_editor").get(f"/staff/services/items/{item.pk}/")
    text = response.content.decode()
    assert response.status_code == 200 and "已撤回" in text
    assert "新建版本" not in text and "尚无施行中的版本" in text


def test_new_version_from_the_item_page_opens_the_new_draft(login, item):
    make_guide(item, state=State.PUBLISHED)
    client = login("yj_editor")
    page = client.get(f"/staff/services/items/{item.pk}/").content.decode()
    assert "在第1版基础上新建版本" in page
    response = client.post(
        f"/staff/services/items/{item.pk}/versions/1/do/new-version/",
        {"nv-effective_from": "2027-01-01", "nv-change_reason": "收费标准调整"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/services/items/{item.pk}/versions/2/edit/"
    draft = Guide.objects.get(item=item, number=2)
    assert draft.change_reason == "收费标准调整" and draft.state == State.DRAFT


def test_return_withdraw_and_verify_from_the_item_page(login, item):
    guide = make_guide(item, created_by=user("yj_editor"))
    workflow.submit(user("yj_editor"), guide)
    reviewer = login("yj_reviewer")
    base = f"/staff/services/items/{item.pk}/versions/1/do"
    empty = reviewer.post(f"{base}/return/", {"comment": ""}, follow=True)
    assert "退回时须填写退回意见" in empty.content.decode()
    reviewer.post(f"{base}/return/", {"comment": "请写明收费依据"})
    assert Guide.objects.get(pk=guide.pk).state == State.RETURNED
    editor = login("yj_editor")
    assert "请写明收费依据" in editor.get(f"/staff/services/items/{item.pk}/").content.decode()
    workflow.submit(user("yj_editor"), Guide.objects.get(pk=guide.pk))
    reviewer.post(f"{base}/approve/")
    reviewer.post(f"{base}/publish/")
    assert Guide.objects.get(pk=guide.pk).state == State.PUBLISHED
    editor.post(f"{base}/verify/")
    assert Guide.objects.get(pk=guide.pk).verified_on == timezone.localdate()
    # an editor may not withdraw (reviewers and the office do): 403, nothing changed
    assert editor.post(f"{base}/withdraw/", {"reason": "错误"}).status_code == 403
    reviewer.post(f"{base}/withdraw/", {"reason": "材料要求有误"})
    assert Guide.objects.get(pk=guide.pk).state == State.WITHDRAWN
