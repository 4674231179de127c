"""满意度评价 and 我要纠错 (issue 14 point 7): from any public page, with the page address filled
in; they reach the page's organisation (a record's, else the site's office) and are answered
or closed with a note; public pages stay cacheable."""

import re
from urllib.parse import quote

import pytest

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.participation import rules, selectors
from gongkai.participation.models import ErrorReport, FeedbackState, Rating
from tests.conftest import org, user
from tests.records.conftest import published

pytestmark = pytest.mark.django_db

OFFICE = "区政务公开办公室"


@pytest.fixture
def record(editor, reviewer, housing, leaf):
    return published(editor, reviewer, housing, leaf, title="停水通知")


@pytest.fixture
def staff(client, settings):
    settings.REQUIRE_2FA = False

    def login(username):
        client.force_login(user(username))
        return client

    return login


def test_record_page_links_to_the_error_form_with_its_address(client, record):
    """Before: 我要纠错 on a record page went to an external site or a mailto: address."""
    html = client.get(record.get_absolute_url()).content.decode()
    link = f"/participate/report/?page={quote(record.get_absolute_url(), safe='')}"
    assert f'href="{link}"' in html
    form = client.get(link).content.decode()
    assert f'value="{record.get_absolute_url()}"' in form  # the address is filled in
    assert "停水通知" in form


def test_error_report_reaches_the_records_organisation(client, record, housing):
    response = client.post(
        "/participate/report/",
        {"page": record.get_absolute_url(), "description": "电话号码少一位", "website": ""},
    )
    assert response.status_code == 200 and "感谢您的纠错" in response.content.decode()
    report = ErrorReport.objects.get()
    assert report.organisation == housing and report.page_title == "停水通知"
    assert report.state == FeedbackState.OPEN


def test_other_pages_go_to_the_sites_office(client, yingjiang):
    client.post("/participate/report/", {"page": "/", "description": "首页链接打不开"})
    assert ErrorReport.objects.get().organisation == org(yingjiang, OFFICE)


def test_a_page_address_outside_the_platform_is_refused(client, yingjiang):
    for page in ("https://evil.example/x/", "/no/such/page/", "/staff/", "//evil.example/"):
        response = client.post("/participate/report/", {"page": page, "description": "x"})
        assert response.status_code == 400, page
        assert "页面地址不正确" in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_every_public_page_has_the_feedback_form_and_stays_cacheable(client, record):
    for url in ("/", record.get_absolute_url(), "/participate/messages/"):
        response = client.get(url)
        html = response.content.decode()
        assert 'action="/participate/rate/"' in html, url
        assert 'method="get" action="/participate/rate/"' in html
        # the page carries no CSRF token, so the page cache still serves it
        assert "csrfmiddlewaretoken" not in html, url
        assert "csrftoken" not in response.cookies, url


def test_rating_from_a_record_page(client, record, housing):
    page = client.get(f"/participate/rate/?page={record.get_absolute_url()}&score=4")
    assert page.status_code == 200
    assert re.search(r'value="4"[^>]*checked', page.content.decode())
    done = client.post(
        "/participate/rate/",
        {"page": record.get_absolute_url(), "score": "4", "comment": "希望附上电话"},
    )
    assert done.status_code == 200 and "感谢您的评价" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.organisation, rating.score, rating.state) == (housing, 4, FeedbackState.OPEN)


def test_a_good_rating_without_a_comment_needs_no_handling(yingjiang):
    assert rules.submit_rating(yingjiang, page="/", score=5).state == FeedbackState.CLOSED
    assert rules.submit_rating(yingjiang, page="/", score=1).state == FeedbackState.OPEN
    assert selectors.average_rating(yingjiang) == 3.0
    assert selectors.open_ratings(yingjiang).count() == 1


def test_score_must_be_1_to_5(client, yingjiang):
    for score in ("0", "6", "x"):
        response = client.post("/participate/rate/", {"page": "/", "score": score})
        assert response.status_code == 400
    with pytest.raises(rules.RuleError):
        rules.submit_rating(yingjiang, page="/", score=9)
    assert not Rating.objects.exists()


def test_honeypot_and_rate_limit(client, yingjiang):
    bot = client.post("/participate/report/", {"page": "/", "description": "x", "website": "y"})
    assert bot.status_code == 400 and not ErrorReport.objects.exists()
    codes = [
        client.post(
            "/participate/report/",
            {"page": "/", "description": f"第{i}条"},
            REMOTE_ADDR="198.51.100.4",
        ).status_code
        for i in range(11)
    ]
    assert codes == [200] * 10 + [429]
    assert ErrorReport.objects.count() == 10


def test_staff_answer_or_close_with_a_note(staff, record, housing):
    report = rules.submit_error_report(
        record.site, page=record.get_absolute_url(), description="错字", contact="13812345678"
    )
    rating = rules.submit_rating(record.site, page=record.get_absolute_url(), score=2)
    client = staff("yj_editor")
    listing = client.get("/staff/participation/feedback/").content.decode()
    assert "错字" in listing and "评价" in listing
    refused = client.post(
        f"/staff/participation/feedback/report/{report.pk}/", {"state": "answered", "note": ""}
    )
    assert refused.status_code == 302
    assert ErrorReport.objects.get(pk=report.pk).state == FeedbackState.OPEN
    client.post(
        f"/staff/participation/feedback/report/{report.pk}/",
        {"state": "answered", "note": "已更正"},
    )
    client.post(
        f"/staff/participation/feedback/rating/{rating.pk}/", {"state": "closed", "note": "已阅"}
    )
    report.refresh_from_db()
    assert (report.state, report.note, report.handled_by) == (
        "answered",
        "已更正",
        user("yj_editor"),
    )
    assert Rating.objects.get(pk=rating.pk).state == FeedbackState.CLOSED
    dumped = " ".join(
        f"{e.object_repr} {e.before} {e.after} {e.message}"
        for e in AuditEvent.objects.filter(object_type="participation.errorreport")
    )
    assert "13812345678" not in dumped and "错字" not in dumped


def test_another_organisation_cannot_handle(staff, record):
    report = rules.submit_error_report(
        record.site, page=record.get_absolute_url(), description="错字"
    )
    client = staff("yj_editor2")
    assert "错字" not in client.get("/staff/participation/feedback/").content.decode()
    response = client.post(
        f"/staff/participation/feedback/report/{report.pk}/",
        {"state": "closed", "note": "越权"},
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        rules.handle_feedback(report, state="closed", note="越权", actor=user("yj_editor2"))
    assert ErrorReport.objects.get(pk=report.pk).state == FeedbackState.OPEN


def test_workbench_panel_counts_open_feedback(staff, record):
    rules.submit_error_report(record.site, page=record.get_absolute_url(), description="错字")
    html = staff("yj_editor").get("/staff/").content.decode()
    assert "待处理纠错 <strong>1</strong>" in html


def test_rating_a_reply_goes_to_the_organisation_that_replied(client, yingjiang, housing):
    from gongkai.core.permissions import SYSTEM

    message = rules.submit_message(
        yingjiang,
        organisation=housing,
        subject="咨询",
        question="问题",
        name="张三",
        phone="13800000000",
        actor=SYSTEM,
    )
    rules.reply(message, "答复", actor=SYSTEM)
    page = f"/participate/messages/{message.pk}/"
    assert 'action="/participate/rate/"' in client.get(page).content.decode()
    rating = rules.submit_rating(yingjiang, page=page, score=1)
    assert rating.organisation == housing and rating.page_title.startswith("咨询留言答复")
