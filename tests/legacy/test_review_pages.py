"""The review queue's staff pages (issue 15, point 5): they render, filter, post the confirm
and reject forms, bulk-confirm a column, edit rules, and the per-column CSV reads back."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from gongkai.core.extensions import staff_nav, workbench_panels
from gongkai.legacy.models import ClassificationRule, LegacyFile, PageStatus, ReviewState
from gongkai.legacy.plugin_staff import workbench_panel
from gongkai.records.models import Record
from tests.conftest import login_verified, org, user
from tests.records.conftest import make_leaf

from .factories import make_page, responsible_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing_leaf(demo):
    return responsible_pair(demo)


def as_user(client, name):
    return login_verified(client, user(name))


def proposed(site, organisation, leaf, confidence=0.9, **fields):
    return make_page(
        site,
        proposed_item=leaf,
        proposed_organisation=organisation,
        confidence=confidence,
        classification_note=f"{confidence:.2f} 原栏目“通知公告”与事项同名",
        **fields,
    )


def test_plugged_into_navigation_and_workbench(demo, client, housing_leaf):
    assert "legacy_staff:index" in [link.url_name for link in staff_nav]
    assert workbench_panel in workbench_panels
    housing, leaf = housing_leaf
    proposed(demo, housing, leaf)
    proposed(demo, housing, leaf, 0.3)
    page = as_user(client, "yj_editor").get(reverse("core:workbench")).content.decode()
    assert "旧站迁移：2 条待确认" in page and "其中可信度低 1 条" in page


def test_no_panel_on_a_site_without_imported_pages(demo, client):
    page = as_user(client, "yj_editor").get(reverse("core:workbench")).content.decode()
    assert "条待确认" not in page


def test_queue_lists_pages_with_proposal_and_filters(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    sure = proposed(demo, housing, leaf, 0.9, title="城区停水通知", column_name="通知公告")
    unsure = proposed(demo, housing, leaf, 0.4, title="道路改造公示", column_name="城建")
    as_user(client, "yj_editor")
    url = reverse("legacy_staff:queue")
    page = client.get(url).content.decode()
    assert "城区停水通知" in page and "道路改造公示" in page
    assert sure.old_url in page and "2017-10-25" in page
    assert "原栏目“通知公告”与事项同名" in page and leaf.name in page
    low = client.get(url, {"low": "1"}).content.decode()
    assert "道路改造公示" in low and "城区停水通知" not in low
    column = client.get(url, {"column": "通知公告"}).content.decode()
    assert "城区停水通知" in column and "道路改造公示" not in column
    assert "按建议确认本栏目" in column
    make_page(demo, title="无栏目的旧页面", column_name="")
    none = client.get(url, {"column": "-"}).content.decode()
    assert "无栏目的旧页面" in none and "城区停水通知" not in none
    assert "按建议确认本栏目" in none
    assert unsure.pk != sure.pk


def test_detail_shows_metadata_sanitised_body_and_refused_files(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    page = proposed(
        demo,
        housing,
        leaf,
        body_html='<p>正文第一段</p><script>alert(1)</script><p onclick="x()">第二段</p>',
        metadata={
            "index_number": "003151900/2017-00123",
            "document_number": "迎政办〔2017〕12号",
            "evidence": {"index_number": "table"},
        },
    )
    LegacyFile.objects.create(
        site=demo, page=page, old_path="/u/a.exe", name="a.exe", refused="文件类型不允许"
    )
    html = as_user(client, "yj_editor").get(reverse("legacy_staff:page", args=[page.pk]))
    text = html.content.decode()
    assert html.status_code == 200
    assert "003151900/2017-00123" in text and "信息公开元数据表" in text
    assert "迎政办〔2017〕12号" in text
    assert "正文第一段" in text and "<script>alert" not in text and "onclick" not in text
    assert "文件类型不允许" in text
    # the selects offer what 住建局's editor may use: their organisation, not 民政局
    assert f'<option value="{housing.pk}" selected>' in text
    assert f'<option value="{org(demo, "区民政局").pk}"' not in text
    assert f'<option value="{leaf.pk}" selected>' in text


def test_confirm_form_publishes_and_the_public_sees_the_record(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    page = proposed(demo, housing, leaf, title="迁移来的停水通知")
    as_user(client, "yj_editor")
    response = client.post(
        reverse("legacy_staff:confirm", args=[page.pk]),
        {"catalogue_item": leaf.pk, "organisation": housing.pk, "version": page.version},
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    assert "已发布为“迁移来的停水通知”" in response.content.decode()
    page.refresh_from_db()
    assert page.review_state == ReviewState.CONFIRMED
    record = page.record
    client.logout()
    public = client.get(record.get_absolute_url())
    assert public.status_code == 200 and "迁移来的停水通知" in public.content.decode()
    # the same form again (a second tab): refused, nothing published twice
    as_user(client, "yj_editor")
    again = client.post(
        reverse("legacy_staff:confirm", args=[page.pk]),
        {"catalogue_item": leaf.pk, "organisation": housing.pk, "version": 1},
        follow=True,
    )
    assert "已被他人处理" in again.content.decode()
    assert Record.objects.filter(legacy_pages=page).count() == 1


def test_confirm_form_refuses_other_organisations_and_wrong_leaves(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    civil = org(demo, "区民政局")
    civil_leaf = make_leaf(demo, "低保公示", organisations=[civil])
    page = proposed(demo, housing, leaf)
    as_user(client, "yj_editor")
    url = reverse("legacy_staff:confirm", args=[page.pk])
    other = client.post(url, {"catalogue_item": leaf.pk, "organisation": civil.pk, "version": 1})
    assert other.status_code == 400 and "选择一个有效的选项" in other.content.decode()
    as_user(client, "yj_admin")
    wrong = client.post(
        url, {"catalogue_item": civil_leaf.pk, "organisation": housing.pk, "version": 1}
    )
    assert wrong.status_code == 400 and "不是“低保公示”的公开主体" in wrong.content.decode()
    assert Record.objects.count() == 0


def test_reject_form(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    page = proposed(demo, housing, leaf)
    as_user(client, "yj_reviewer")
    url = reverse("legacy_staff:reject", args=[page.pk])
    empty = client.post(url, {"reason": "", "version": 1})
    assert empty.status_code == 400
    done = client.post(url, {"reason": "内容已过时", "version": 1})
    assert done.status_code == 302
    page.refresh_from_db()
    assert page.review_state == ReviewState.REJECTED and page.reason == "内容已过时"


def test_column_confirm_page(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    pages = [proposed(demo, housing, leaf, 0.9, column_name="城建") for _ in range(2)]
    weak = proposed(demo, housing, leaf, 0.3, column_name="城建")
    as_user(client, "yj_editor")
    response = client.post(reverse("legacy_staff:column_confirm"), {"column": "城建"}, follow=True)
    text = response.content.decode()
    assert "已确认发布 2 条，留待逐条确认 1 条" in text and "匹配可信度低" in text
    for page in pages:
        page.refresh_from_db()
        assert page.record is not None
    weak.refresh_from_db()
    assert weak.record is None


def test_rules_editor_add_edit_delete_and_repropose(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    waiting = make_page(demo, title="棚户区改造补偿方案", column_name="杂项")
    as_user(client, "yj_admin")
    url = reverse("legacy_staff:rules")
    assert client.get(url).status_code == 200
    values = {
        "field": "title",
        "contains": "棚户区",
        "catalogue_item": leaf.pk,
        "organisation": housing.pk,
        "weight": "0.8",
        "position": "0",
        "active": "on",
    }
    bad = client.post(url, {**values, "catalogue_item": "", "organisation": ""})
    assert bad.status_code == 400 and "至少要指定" in bad.content.decode()
    assert client.post(url, values).status_code == 302
    rule = ClassificationRule.objects.get()
    assert rule.site == demo and rule.catalogue_item == leaf
    listing = client.get(url).content.decode()
    assert "棚户区" in listing and "重新归类" in listing
    edit = reverse("legacy_staff:rule_edit", args=[rule.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**values, "weight": "0.7"}).status_code == 302
    rule.refresh_from_db()
    assert rule.weight == 0.7
    followed = client.post(reverse("legacy_staff:repropose"), follow=True).content.decode()
    assert "1 条的建议有变化" in followed
    waiting.refresh_from_db()
    assert waiting.proposed_item == leaf
    assert client.post(reverse("legacy_staff:rule_delete", args=[rule.pk])).status_code == 302
    assert not ClassificationRule.objects.exists()


def test_rules_are_read_only_for_editors(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    ClassificationRule.objects.create(
        site=demo, field="title", contains="公告", catalogue_item=leaf
    )
    as_user(client, "yj_editor")
    page = client.get(reverse("legacy_staff:rules")).content.decode()
    assert "公告" in page and "新增规则" not in page
    refused = client.post(
        reverse("legacy_staff:rules"),
        {"field": "title", "contains": "x", "catalogue_item": leaf.pk, "weight": "0.5",
         "position": "0"},
    )  # fmt: skip
    assert refused.status_code == 403
    assert ClassificationRule.objects.count() == 1


def test_overview_and_csv_read_back(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    editor = user("yj_editor")
    from gongkai.legacy.publishing import publish_page

    published = proposed(demo, housing, leaf, column_name="通知公告")
    publish_page(editor, published, catalogue_item=leaf, organisation=housing)
    proposed(demo, housing, leaf, column_name="通知公告")
    rejected = proposed(demo, housing, leaf, column_name="通知公告")
    rejected.review_state = ReviewState.REJECTED
    rejected.save()
    make_page(demo, column_name="通知公告", status=PageStatus.DUPLICATE)
    make_page(demo, column_name="政策文件", status=PageStatus.FAILED, reason="页面没有正文。")
    make_page(demo, column_name="政策文件", status=PageStatus.LISTING)
    as_user(client, "yj_admin")
    overview = client.get(reverse("legacy_staff:index"))
    assert overview.status_code == 200 and "栏目对照" in overview.content.decode()
    response = client.get(reverse("legacy_staff:report_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    by_column = {row["原栏目"]: row for row in rows}
    notice = by_column["通知公告"]
    assert notice["迁移前页面数"] == "4" and notice["已发布"] == "1"
    assert notice["待确认"] == "1" and notice["不予迁移"] == "1" and notice["重复跳过"] == "1"
    assert notice["缺失"] == "0"
    policy = by_column["政策文件"]  # the listing page is not a document
    assert policy["迁移前页面数"] == "1" and policy["导入失败"] == "1" and policy["缺失"] == "1"
    assert by_column["合计"]["迁移前页面数"] == "5" and by_column["合计"]["缺失"] == "1"


def test_other_sites_staff_and_the_public_are_refused(demo, client, housing_leaf):
    housing, leaf = housing_leaf
    page = proposed(demo, housing, leaf)
    detail = reverse("legacy_staff:page", args=[page.pk])
    anonymous = client.get(reverse("legacy_staff:queue"))
    assert anonymous.status_code == 302 and "/staff/login/" in anonymous["Location"]
    as_user(client, "oh_admin")
    assert client.get(detail).status_code == 404  # ouhai's admin works on ouhai
    assert (
        client.post(
            reverse("legacy_staff:confirm", args=[page.pk]),
            {"catalogue_item": leaf.pk, "organisation": housing.pk, "version": 1},
        ).status_code
        == 404
    )
    as_user(client, "yj_evaluator")
    assert client.get(reverse("legacy_staff:queue")).status_code == 403
    page.refresh_from_db()
    assert page.record is None
