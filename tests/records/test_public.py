"""The public page, lists, feeds (parsed with feedparser) and the sitemap (validated against
the sitemaps.org 0.9 schema)."""

import re
from pathlib import Path

import feedparser
import pytest
import xmlschema

from gongkai.records import workflow
from gongkai.records.models import InterpretationRule, ItemPublishing, Kind
from gongkai.records.selectors import published_records_for_item
from tests.conftest import user

from .conftest import PASS_CHECKS, approved, draft, published

XSD = Path(__file__).with_name("sitemap.xsd")


@pytest.fixture
def two(editor, reviewer, housing, leaf):
    first = published(editor, reviewer, housing, leaf, title="第一条通知")
    second = published(editor, reviewer, housing, leaf, title="第二条通知")
    return first, second


def test_detail_page_shows_the_metadata_block(client, editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf, document_number="迎建〔2026〕12号")
    html = client.get(f"/records/{record.index_number}/").content.decode()
    for label in ("索引号", "发布机构", "成文日期", "发布日期", "文号", "主题分类", "有效性"):
        assert f'<th scope="row">{label}</th>' in html
    assert record.index_number in html and "区住房和城乡建设局" in html
    assert "迎建〔2026〕12号" in html and "城乡建设、环境保护" in html
    assert "10月8日8:00至18:00停水" in html
    assert "我要纠错" in html and 'href="https://zfwzzc.www.gov.cn/"' in html
    assert f"/records/{record.index_number}/qr.svg" in html
    assert "打印本页" in html
    assert 'name="font" value="l"' in html  # 字号 大/中/小 from base.html


def test_detail_page_shows_only_the_properties_of_its_kind(client, editor, reviewer, housing, leaf):
    """Before: a news item showed 文号, 成文日期 and 有效性 as three empty "—" cells."""
    news = published(editor, reviewer, housing, leaf, kind="general", title="工作动态一则")
    html = client.get(f"/records/{news.index_number}/").content.decode()
    table = html[html.index('class="record-meta-table"') : html.index("</table>")]
    for label in ("索引号", "发布机构", "发布日期", "主题分类", "公开事项"):
        assert f'<th scope="row">{label}</th>' in table
    for label in ("文号", "成文日期", "有效性"):
        assert f'<th scope="row">{label}</th>' not in table
    cells = re.findall(r'<th scope="row">([^<]+)</th><td[^>]*>([^<]*)</td>', table)
    assert [label for label, value in cells if value == "—"] == ["主题词"]  # none typed


def test_unpublished_record_is_not_public(client, editor, housing, leaf):
    record = draft(editor, housing, leaf)
    assert client.get(f"/records/{record.pk}/").status_code == 404
    assert client.get("/records/").content.decode().count(record.title) == 0


def test_withdrawn_record_shows_notice_at_same_url(client, editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    workflow.withdraw(reviewer, record, "停水计划取消")
    response = client.get(f"/records/{record.index_number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "该信息已撤回" in html and "停水计划取消" in html
    assert "10月8日8:00至18:00停水" not in html
    assert record.title not in client.get("/records/").content.decode()


def test_withdrawn_records_attachment_is_410_gone(client, editor, reviewer, housing, leaf):
    """Issue 11 point 5. Before: 404, as if the address had never existed."""
    record = published(editor, reviewer, housing, leaf)
    workflow.withdraw(reviewer, record, "停水计划取消")
    response = client.get(f"/records/{record.index_number}/attachments/1/")
    html = response.content.decode()
    assert response.status_code == 410
    assert "信息已撤回" in html and 'class="site-header"' in html and 'role="search"' in html


def test_revision_shows_in_update_history(client, editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    revision, _ = workflow.start_revision(
        editor, record, {"body": "<p>改为10月9日停水。</p>"}, "更正停水日期"
    )
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS, revision=revision)
    workflow.approve_revision(reviewer, revision)
    workflow.publish_revision(reviewer, revision)
    html = client.get(f"/records/{record.index_number}/").content.decode()
    assert "更新记录" in html and "更正停水日期" in html and "改为10月9日停水" in html


def test_previous_and_next_in_the_column(client, two):
    first, second = two
    html = client.get(f"/records/{first.index_number}/").content.decode()
    assert "上一篇" in html and second.title in html
    html = client.get(f"/records/{second.index_number}/").content.decode()
    assert "下一篇" in html and first.title in html
    assert [r.pk for r in published_records_for_item(first.catalogue_item)] == [
        second.pk,
        first.pk,
    ]


def test_interpretation_pending_notice(client, editor, reviewer, housing, policy_leaf):
    ItemPublishing.objects.filter(catalogue_item=policy_leaf).update(
        interpretation_rule=InterpretationRule.NOTICE
    )
    policy = published(
        editor,
        reviewer,
        housing,
        policy_leaf,
        kind=Kind.POLICY,
        title="迎江区物业管理办法",
        document_number="宜政规〔2026〕1号",
    )
    assert "解读待发布" in client.get(f"/records/{policy.index_number}/").content.decode()
    interpretation = approved(
        editor, reviewer, housing, policy_leaf, kind=Kind.INTERPRETATION,
        title="《迎江区物业管理办法》解读", policy=policy,
    )  # fmt: skip
    workflow.publish(reviewer, interpretation)
    html = client.get(f"/records/{policy.index_number}/").content.decode()
    assert "解读待发布" not in html and "《迎江区物业管理办法》解读" in html


def test_qr_code_images(client, editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    svg = client.get(f"/records/{record.index_number}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(f"/records/{record.index_number}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_other_site_does_not_see_the_record(
    client, settings, ouhai, editor, reviewer, housing, leaf
):
    settings.ALLOWED_HOSTS = ["testserver", "ouhai.localhost"]
    record = published(editor, reviewer, housing, leaf)
    response = client.get(f"/records/{record.index_number}/", HTTP_HOST="ouhai.localhost")
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_feeds_parse_without_errors(client, two, leaf, suffix):
    first, second = two
    for url in (
        f"/feeds/records.{suffix}",
        f"/feeds/domains/{leaf.domain_id}.{suffix}",
        f"/feeds/items/{leaf.pk}.{suffix}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        titles = [e.title for e in feed.entries]
        assert titles[:2] == ["第二条通知", "第一条通知"], url
        assert feed.entries[0].link.endswith(f"/records/{second.index_number}/")
        assert feed.feed.title


def test_sitemap_validates_against_the_schema(client, two):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(response.content.decode())
    text = response.content.decode()
    for record in two:
        assert f"http://testserver/records/{record.index_number}/" in text


def test_subscription_double_opt_in_and_unsubscribe(
    client, mailoutbox, django_capture_on_commit_callbacks, editor, reviewer, housing, leaf
):
    from django.core import mail

    from gongkai.records import notify
    from gongkai.records.models import Subscription

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/records/subscribe/{leaf.pk}/", {"email": "Reader@Example.com"})
    assert response.status_code == 302
    sub = Subscription.objects.get()
    assert sub.email == "reader@example.com" and not sub.active
    # a request may rebind mail.outbox, so read it from the module, not the fixture's list
    assert len(mail.outbox) == 1 and "请确认订阅" in mail.outbox[0].subject
    link = next(w for w in mail.outbox[0].body.split() if "/confirm/" in w)
    path = link.split("localhost", 1)[1]
    assert "确认订阅" in client.get(path).content.decode()
    client.post(path)
    assert Subscription.objects.get().active
    record = published(editor, reviewer, housing, leaf)
    assert notify.email_subscribers(record.pk) == 1
    message = mail.outbox[-1]
    assert record.title in message.body
    leave = next(w for w in message.body.split() if "/leave/" in w).split("localhost", 1)[1]
    client.post(leave)
    assert not Subscription.objects.get().active
    assert notify.email_subscribers(record.pk) == 0
    assert client.get("/records/subscription/forged-token/leave/").status_code == 400


def test_list_page(client, two):
    html = client.get("/records/").content.decode()
    assert "第一条通知" in html and "第二条通知" in html
    assert "/feeds/records.rss" in html  # feeds mounted at /feeds/
    assert user("yj_editor")  # the demo is loaded
