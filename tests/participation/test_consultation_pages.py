"""征求意见 pages through the test client: the no-JavaScript comment path (the paragraph's own
link), honeypot and rate limit, staff moderation and disposition, the close refused while a
comment has no disposition, the report page and .docx, the record page's link, open data."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.participation import consultations as rules
from gongkai.participation.consultation_demo import load_consultations_demo
from gongkai.participation.models import (
    CommentState,
    Consultation,
    ConsultationComment,
    ConsultationState,
)
from gongkai.records.models import Kind
from tests.conftest import user
from tests.participation.factories import make_person
from tests.records.conftest import published

pytestmark = pytest.mark.django_db

DRAFT = "第一条 总则。\n第二条 停车泊位实行分时段收费。\n第三条 本办法自发布之日起施行。"


@pytest.fixture
def consultation(housing, editor, reviewer):
    today = timezone.localdate()
    c = rules.create_consultation(
        editor, organisation=housing, title="停车管理办法（征求意见稿）", purpose="请提意见",
        opens_on=today, closes_on=today, text=DRAFT,
    )  # fmt: skip
    rules.submit(editor, c)
    return rules.publish(reviewer, c)


def test_a_person_comments_on_a_paragraph_without_javascript(client, consultation):
    detail = client.get(reverse("consultations:detail", args=[consultation.pk]))
    html = detail.content.decode()
    assert "还剩 1 天" in html
    link = reverse("consultations:comment", args=[consultation.pk]) + "?p=1"
    assert link in html and "对本段提意见" in html
    # (not logged in: person_required sends to accounts:login, which the accounts area adds)
    client.force_login(make_person())
    page = client.get(link).content.decode()
    assert "第二条 停车泊位实行分时段收费。" in page
    assert 'value="1" selected' in page
    response = client.post(
        link, {"paragraph": "1", "quote": "分时段收费", "text": "建议夜间免费。", "website": ""}
    )
    assert response.status_code == 200, response.content.decode()[:500]
    comment = ConsultationComment.objects.get(consultation=consultation)
    assert (comment.paragraph, comment.quote, comment.state) == (1, "分时段收费", "pending")
    assert comment.start == DRAFT.split("\n")[1].index("分时段收费")


def test_the_honeypot_refuses_and_stores_nothing(client, consultation):
    client.force_login(make_person())
    url = reverse("consultations:comment", args=[consultation.pk])
    response = client.post(url, {"text": "意见", "website": "http://spam.example"})
    assert response.status_code == 400
    assert not ConsultationComment.objects.exists()


def test_comments_are_rate_limited(client, consultation):
    client.force_login(make_person())
    url = reverse("consultations:comment", args=[consultation.pk])
    statuses = [client.post(url, {"text": f"意见{i}"}).status_code for i in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


def test_staff_cannot_close_until_every_comment_is_disposed(client, consultation, settings):
    settings.REQUIRE_2FA = False
    comment = rules.submit_comment(make_person(), consultation, text="意见")
    client.force_login(user("yj_editor"))
    close = reverse("consultations_staff:action", args=[consultation.pk, "close"])
    response = client.post(close)
    assert response.status_code == 409
    assert "还有 1 条意见未处理" in response.content.decode()
    dispose = reverse("consultations_staff:comment", args=[consultation.pk, comment.pk, "dispose"])
    response = client.post(dispose, {"disposition": "not_adopted", "reason": ""})
    assert response.status_code == 409 and "须说明理由" in response.content.decode()
    client.post(dispose, {"disposition": "not_adopted", "reason": "与上位法不一致"})
    assert client.post(close).status_code == 302
    assert Consultation.objects.get(pk=consultation.pk).state == ConsultationState.CLOSED


def test_moderation_rejects_with_a_reason(client, consultation, settings):
    settings.REQUIRE_2FA = False
    comment = rules.submit_comment(make_person(), consultation, text="无关广告")
    client.force_login(user("yj_editor"))
    url = reverse("consultations_staff:comment", args=[consultation.pk, comment.pk, "moderate"])
    assert client.post(url, {"decision": "reject", "reason": ""}).status_code == 409
    assert client.post(url, {"decision": "reject", "reason": "off_topic"}).status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.REJECTED and comment.rejection_reason == "off_topic"
    public = client.get(reverse("consultations:detail", args=[consultation.pk]))
    assert "无关广告" not in public.content.decode()


def test_the_report_is_public_linked_from_the_final_policy(
    client, consultation, editor, reviewer, housing, leaf
):
    comment = rules.submit_comment(make_person(), consultation, text="意见甲", paragraph=1)
    report_url = reverse("consultations:report", args=[consultation.pk])
    assert client.get(report_url).status_code == 404  # not before it is published
    rules.dispose(editor, comment, "partly", "部分内容已吸收")
    rules.close(editor, consultation)
    rules.publish_report(reviewer, consultation)
    final = published(
        editor, reviewer, housing, leaf, kind=Kind.POLICY, document_number="迎建〔2026〕1号", title="停车管理办法",
        body="<p>第一条 总则。</p><p>第二条 停车泊位实行分时段收费，夜间免费。</p>"
        "<p>第三条 本办法自发布之日起施行。</p>",
    )  # fmt: skip
    rules.link_final(editor, consultation, final)
    page = client.get(report_url).content.decode()
    assert "部分采纳" in page and "部分内容已吸收" in page
    record_page = client.get(final.get_absolute_url()).content.decode()
    assert report_url in record_page
    detail = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "［删除］" in detail and "［新增］" in detail and "夜间免费" in detail
    docx = client.get(reverse("consultations:report_docx", args=[consultation.pk]))
    assert docx.status_code == 200
    from docx import Document

    doc = Document(io.BytesIO(docx.content))
    assert {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows[1:]} == {
        "采纳": "0", "部分采纳": "1", "未采纳": "0",
    }  # fmt: skip


def test_open_data_csv_and_json_through_the_api(client, yingjiang):
    load_consultations_demo()
    response = client.get("/api/v1/participation/consultations.csv?site=yingjiang")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == Consultation.objects.filter(site=yingjiang).count() == 2
    closed = next(r for r in rows if r["state"] == "closed")
    c = Consultation.objects.get(pk=closed["id"])
    counted = c.comments.count()
    assert closed["comments"] == str(counted) == "4"
    assert (closed["adopted"], closed["partly_adopted"], closed["not_adopted"]) == ("1", "1", "1")
    data = client.get("/api/v1/participation/consultations.json").json()
    assert {r["id"] for r in data["consultations"]} >= {int(r["id"]) for r in rows}
    # an unpublished draft is not open data
    draft = rules.create_consultation(
        user("yj_editor"), organisation=c.organisation, title="未发布", purpose="",
        opens_on=timezone.localdate(), closes_on=timezone.localdate() + timedelta(days=1),
        text="正文",
    )  # fmt: skip
    data = client.get("/api/v1/participation/consultations.json").json()
    assert draft.pk not in {r["id"] for r in data["consultations"]}


def test_the_hub_section_lists_the_open_consultation(yingjiang):
    """The hub page itself is another area's; the section registered here carries the items."""
    from gongkai.participation.hub import hub_sections

    load_consultations_demo()
    section = next(s for s in hub_sections if s.key == "consultations")
    items = section.items(yingjiang)
    assert [i.title for i in items] == ["迎江区城区道路停车管理办法（征求意见稿）"]
    assert items[0].note.startswith("征求意见截止")
    assert reverse(section.url_name) == "/participate/consultations/"


def test_the_advisory_list_shows_only_consenting_members(client, yingjiang, settings):
    settings.REQUIRE_2FA = False
    admin = user("yj_admin")
    rules.add_member(
        admin, yingjiang, name="公开的专家", expertise="城市规划、交通", public_consent=True
    )
    rules.add_member(admin, yingjiang, name="不公开的专家", expertise="法律")
    page = client.get(reverse("advisory:members")).content.decode()
    assert "公开的专家" in page and "城市规划、交通" in page
    assert "不公开的专家" not in page
    # staff: an editor may not add members; the office admin may, with a verified account
    client.force_login(user("yj_editor"))
    url = reverse("advisory_staff:members")
    assert client.post(url, {"name": "某", "expertise": "某"}).status_code == 403
    person = make_person("13900001111")
    client.force_login(admin)
    response = client.post(
        url, {"name": "有账号的专家", "expertise": "财政", "phone": "13900001111"}
    )
    assert response.status_code == 302
    member = yingjiang.advisory_members.get(name="有账号的专家")
    assert member.account == person.public_account and not member.public_consent
    response = client.post(url, {"name": "无此账号", "expertise": "财政", "phone": "13900009999"})
    assert response.status_code == 400 and "没有该手机号" in response.content.decode()


def test_an_invited_member_sees_the_invitation_and_comments_as_advisory(
    client, yingjiang, consultation, editor
):
    person = make_person()
    member = rules.add_member(
        user("yj_admin"), yingjiang, name="王教授", expertise="交通",
        account=person.public_account, public_consent=True,
    )  # fmt: skip
    rules.invite(editor, member, consultation, "请提意见")
    client.force_login(person)
    page = client.get(reverse("advisory:invitations")).content.decode()
    assert consultation.title in page and "请提意见" in page
    url = reverse("consultations:comment", args=[consultation.pk])
    assert "同意以本人姓名公开" in client.get(url).content.decode()
    client.post(url, {"text": "专家意见", "name_consent": "on"})
    comment = ConsultationComment.objects.get(consultation=consultation)
    assert comment.advisory_member == member and comment.name_consent
    rules.moderate(editor, comment, publish=True)
    detail = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "智囊团成员 王教授" in detail


def test_cached_public_pages_follow_the_report(
    client, consultation, editor, reviewer, housing, leaf
):
    """Anonymous pages are cached per site version (portal.caching): publishing the report
    must show its link on the final policy's page at once."""
    final = published(
        editor, reviewer, housing, leaf, kind=Kind.POLICY, document_number="迎建〔2026〕2号",
        title="停车管理办法", body="<p>第一条 总则。</p>",
    )  # fmt: skip
    rules.close(editor, consultation)
    rules.link_final(editor, consultation, final)
    report_url = reverse("consultations:report", args=[consultation.pk])
    assert report_url not in client.get(final.get_absolute_url()).content.decode()
    rules.publish_report(reviewer, consultation)
    assert report_url in client.get(final.get_absolute_url()).content.decode()


def test_the_sitemap_lists_public_consultations_and_reports(client, yingjiang):
    load_consultations_demo()
    xml = client.get("/sitemap.xml").content.decode()
    for c in Consultation.objects.filter(site=yingjiang):
        assert reverse("consultations:detail", args=[c.pk]) in xml
    closed = Consultation.objects.get(site=yingjiang, state="closed")
    assert reverse("consultations:report", args=[closed.pk]) in xml
