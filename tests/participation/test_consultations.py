"""征求意见 (issue 14 point 1) and 参政智囊团 (point 4): the draft in versions, comments anchored
to a passage, moderation, dispositions before closing, the feedback report computed from the
comments (page, .docx, open data), the final text's differences."""

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gongkai.core.permissions import PermissionDenied
from gongkai.participation import consultations as rules
from gongkai.participation.models import (
    CommentState,
    Consultation,
    ConsultationComment,
    ConsultationState,
    Disposition,
    DraftVersion,
)
from gongkai.participation.rules import RuleError
from gongkai.records.models import Kind
from tests.conftest import org, user
from tests.participation.factories import make_person, make_staff
from tests.records.conftest import published
from tests.records.files import docx_bytes

pytestmark = pytest.mark.django_db

#: the last day of comment of `open_consultation`
LAST = timezone.localdate() + timedelta(days=9)

DRAFT = (
    "第一条 为规范城区停车管理，制定本办法。\n"
    "第二条 本办法适用于本区城市道路范围内的停车泊位。\n"
    "第三条 停车收费标准由区发展改革委会同有关部门制定。"
)


def open_consultation(housing, editor, reviewer, *, text=DRAFT, **fields):
    today = timezone.localdate()
    fields.setdefault("opens_on", today - timedelta(days=2))
    fields.setdefault("closes_on", today + timedelta(days=9))
    c = rules.create_consultation(
        editor, organisation=housing, title="城区停车管理办法（征求意见稿）",
        purpose="请提出意见。", text=text, **fields,
    )  # fmt: skip
    rules.submit(editor, c)
    return rules.publish(reviewer, c)


@pytest.fixture
def consultation(housing, editor, reviewer):
    return open_consultation(housing, editor, reviewer)


def test_the_draft_is_version_one_split_in_paragraphs(consultation):
    version = rules.latest_version(consultation)
    assert version.number == 1
    assert len(version.paragraphs) == 3
    assert version.paragraphs[1].startswith("第二条")
    assert rules.days_left(consultation) == 10


def test_the_drafter_cannot_publish_their_own_draft(housing, editor, reviewer):
    """四眼原则: the reviewer who drafted it does not publish it."""
    today = timezone.localdate()
    c = rules.create_consultation(
        reviewer, organisation=housing, title="草案", purpose="", text=DRAFT,
        opens_on=today, closes_on=today,
    )  # fmt: skip
    rules.submit(reviewer, c)
    with pytest.raises(PermissionDenied, match="四眼原则"):
        rules.publish(reviewer, c)
    with pytest.raises(PermissionDenied):
        rules.publish(editor, c)  # an editor does not publish at all
    assert rules.publish(user("yj_admin"), c).state == ConsultationState.PUBLISHED


def test_a_docx_draft_is_checked_by_content_and_converted(housing, editor):
    today = timezone.localdate()
    c = rules.create_consultation(
        editor, organisation=housing, title="草案", purpose="", opens_on=today, closes_on=today,
        document=("草案.docx", docx_bytes("第一条 文档里的条款。")),
    )  # fmt: skip
    assert "文档里的条款" in rules.latest_version(c).paragraphs[0]
    with pytest.raises(RuleError, match="不是"):
        rules.create_consultation(
            editor, organisation=housing, title="草案", purpose="", opens_on=today,
            closes_on=today, document=("草案.docx", b"%PDF-1.4 not a docx"),
        )  # fmt: skip


def test_a_comment_on_a_passage_is_anchored_to_the_version(consultation):
    person = make_person()
    comment = rules.submit_comment(
        person, consultation, text="建议增加夜间免费停车。", paragraph=2, start=0, end=3
    )
    assert comment.version.number == 1
    assert (comment.paragraph, comment.start, comment.end) == (2, 0, 3)
    assert comment.quote == "第三条"
    # a quote without a range is found in the paragraph; one not in it is refused
    found = rules.submit_comment(person, consultation, text="意见", paragraph=1, quote="停车泊位")
    assert found.start == DRAFT.split("\n")[1].index("停车泊位")
    with pytest.raises(RuleError, match="不在所选段落"):
        rules.submit_comment(person, consultation, text="意见", paragraph=1, quote="不存在")
    with pytest.raises(RuleError, match="超出"):
        rules.submit_comment(person, consultation, text="意见", paragraph=0, start=0, end=999)


def test_only_verified_people_comment_and_only_while_open(housing, editor, reviewer, consultation):
    with pytest.raises(PermissionDenied, match="验证"):
        rules.submit_comment(make_person(verified=False), consultation, text="意见")
    with pytest.raises(PermissionDenied, match="工作人员"):
        rules.submit_comment(editor, consultation, text="意见")
    past = consultation.closes_on + timedelta(days=1)
    with pytest.raises(RuleError, match="截止"):
        rules.submit_comment(make_person(), consultation, text="意见", today=past)


def test_a_consultation_cannot_close_while_a_comment_has_no_disposition(consultation, editor):
    a = rules.submit_comment(make_person(), consultation, text="意见一", paragraph=0)
    b = rules.submit_comment(make_person(), consultation, text="意见二")
    spam = rules.submit_comment(make_person(), consultation, text="广告")
    rules.moderate(editor, spam, publish=False, reason="off_topic")
    with pytest.raises(RuleError, match="还有 2 条意见未处理"):
        rules.close(editor, consultation, today=LAST)
    rules.dispose(editor, a, Disposition.ADOPTED)
    with pytest.raises(RuleError, match="还有 1 条"):
        rules.close(editor, consultation, today=LAST)
    with pytest.raises(RuleError, match="说明理由"):
        rules.dispose(editor, b, Disposition.NOT_ADOPTED, "")
    rules.dispose(editor, b, Disposition.NOT_ADOPTED, "与上位法规定不一致。")
    with pytest.raises(RuleError, match="期满前"):
        rules.close(editor, consultation)
    closed = rules.close(editor, consultation, today=LAST)
    assert closed.state == ConsultationState.CLOSED
    with pytest.raises(RuleError, match="已结束"):
        rules.submit_comment(make_person(), closed, text="迟到的意见")


def test_the_database_refuses_a_non_adoption_without_reason(consultation):
    comment = rules.submit_comment(make_person(), consultation, text="意见")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationComment.objects.filter(pk=comment.pk).update(
            state=CommentState.PUBLISHED, disposition=Disposition.PARTLY, disposition_reason=""
        )


def test_the_report_counts_match_the_comments(consultation, editor, reviewer):
    choices = [Disposition.ADOPTED] * 3 + [Disposition.PARTLY] * 2 + [Disposition.NOT_ADOPTED]
    for i, choice in enumerate(choices):
        c = rules.submit_comment(make_person(), consultation, text=f"意见{i}", paragraph=i % 2)
        rules.dispose(editor, c, choice, "" if choice == Disposition.ADOPTED else "理由")
    rules.moderate(
        editor, rules.submit_comment(make_person(), consultation, text="x"), publish=False,
        reason="illegal",
    )  # fmt: skip
    report = rules.feedback_report(consultation)
    comments = ConsultationComment.objects.filter(consultation=consultation)
    assert report.total == comments.count() == 7
    assert report.rejected == comments.filter(state=CommentState.REJECTED).count() == 1
    for value, label in Disposition.choices:
        assert report.counts[str(label)] == comments.filter(disposition=value).count()
    assert sum(n for _p, n, _c in report.per_paragraph) == report.considered == 6
    assert [p for p, _n, _c in report.per_paragraph] == ["第 1 段", "第 2 段"]

    rules.close(editor, consultation, today=LAST)
    rules.publish_report(reviewer, consultation)
    from docx import Document

    doc = Document(io.BytesIO(rules.report_docx(Consultation.objects.get(pk=consultation.pk))))
    assert "征求意见采纳情况" in doc.paragraphs[0].text
    assert doc.paragraphs[0].style.name == "标题"
    counts = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows[1:]}
    assert counts == {"采纳": "3", "部分采纳": "2", "未采纳": "1"}
    assert len(doc.tables[2].rows) == 1 + 6

    rows = list(csv.DictReader(io.StringIO(rules.open_data_csv().lstrip("\ufeff"))))
    row = next(r for r in rows if r["id"] == str(consultation.pk))
    assert (row["comments"], row["adopted"], row["partly_adopted"], row["not_adopted"]) == (
        "7", "3", "2", "1",
    )  # fmt: skip


def test_open_data_lists_only_published_consultations(housing, editor, reviewer, consultation):
    today = timezone.localdate()
    hidden = rules.create_consultation(
        editor, organisation=housing, title="内部草稿", purpose="", text=DRAFT,
        opens_on=today, closes_on=today,
    )  # fmt: skip
    ids = {r["id"] for r in rules.open_data_rows()}
    assert consultation.pk in ids and hidden.pk not in ids
    row = next(r for r in rules.open_data_rows() if r["id"] == consultation.pk)
    assert row["comments"] is None  # no counts before the report is out


def test_the_final_text_differences_are_paragraph_level(
    consultation, editor, reviewer, housing, leaf
):
    rules.close(editor, consultation, today=LAST)
    final = published(
        editor, reviewer, housing, leaf, kind=Kind.POLICY, document_number="迎建〔2026〕1号", title="城区停车管理办法",
        body="<p>第一条 为规范城区停车管理，制定本办法。</p>"
        "<p>第二条 本办法适用于本区城市道路和公共停车场。</p>"
        "<p>第三条 停车收费标准由区发展改革委会同有关部门制定。</p>",
    )  # fmt: skip
    rules.link_final(editor, consultation, final)
    diff = rules.final_diff(consultation)
    assert [d.op for d in diff] == ["same", "del", "ins", "same"]
    assert "公共停车场" in diff[2].text
    rules.publish_report(reviewer, consultation)
    assert list(rules.consultations_of_record(final)) == [consultation]


def test_advisory_opinions_are_named_only_with_consent(yingjiang, consultation, editor, reviewer):
    admin = user("yj_admin")
    named_person, shy_person = make_person(), make_person()
    named = rules.add_member(
        admin, yingjiang, name="王教授", expertise="交通规划、城市管理",
        account=named_person.public_account, public_consent=True,
    )  # fmt: skip
    shy = rules.add_member(
        admin, yingjiang, name="李律师", expertise="行政法", account=shy_person.public_account
    )
    with pytest.raises(PermissionDenied):
        rules.add_member(editor, yingjiang, name="某", expertise="某")
    rules.invite(editor, named, consultation)
    rules.invite(editor, shy, consultation)
    with pytest.raises(RuleError, match="已邀请"):
        rules.invite(editor, shy, consultation)
    assert list(rules.invitations_of(named_person.public_account))[0].consultation == consultation
    a = rules.submit_comment(named_person, consultation, text="专家意见", name_consent=True)
    b = rules.submit_comment(shy_person, consultation, text="专家意见二", name_consent=True)
    assert a.is_advisory and b.is_advisory
    assert rules.author_label(a) == "智囊团成员 王教授"
    assert rules.author_label(b) == "智囊团成员（匿名）"  # the member did not consent to the list
    assert list(rules.public_members(yingjiang)) == [named]
    for c in (a, b):
        rules.dispose(editor, c, Disposition.ADOPTED)
    assert rules.feedback_report(consultation).advisory == 2


def test_other_organisations_staff_cannot_moderate(yingjiang, consultation):
    outsider = make_staff(org(yingjiang, "区民政局"))
    comment = rules.submit_comment(make_person(), consultation, text="意见")
    with pytest.raises(PermissionDenied):
        rules.dispose(outsider, comment, Disposition.ADOPTED)
    with pytest.raises(PermissionDenied):
        rules.close(outsider, consultation)


@pytest.mark.django_db(transaction=True)
def test_a_comment_racing_the_close_cannot_slip_through(housing, editor, reviewer):
    """PostgreSQL: a comment and the close run at once; either the close is refused (the
    comment came first and has no disposition) or the comment is refused (closed first) —
    never a closed consultation with a comment without disposition."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    consultation = open_consultation(housing, editor, reviewer)
    person = make_person()
    barrier = threading.Barrier(2)
    outcome = {}

    def comment():
        barrier.wait()
        try:
            rules.submit_comment(person, consultation, text="并发意见")
            outcome["comment"] = "ok"
        except RuleError:
            outcome["comment"] = "refused"
        finally:
            connection.close()

    def close():
        barrier.wait()
        try:
            rules.close(editor, consultation, today=consultation.closes_on)
            outcome["close"] = "ok"
        except RuleError:
            outcome["close"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=comment), threading.Thread(target=close)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c = Consultation.objects.get(pk=consultation.pk)
    assert sorted(outcome.values()) == ["ok", "refused"]
    if c.state == ConsultationState.CLOSED:
        assert rules.undisposed(c).count() == 0
    assert DraftVersion.objects.filter(consultation=c).count() == 1
