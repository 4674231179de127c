"""Issue 14 points 6 and 7 made whole: a rating or error report of a service guide reaches the
item's organisation (not the office) and is answered there with a note; 我要纠错 carries the
page's own address on every public page; a message past its deadline is overdue on the
organisation's workbench and in oversight."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core.permissions import SYSTEM
from gongkai.participation import rules
from gongkai.participation.models import ErrorReport, FeedbackState, Rating
from tests.conftest import org, user
from tests.guides.factories import make_item

pytestmark = pytest.mark.django_db

HOUSING = "区住房和城乡建设局"
CIVIL = "区民政局"
OFFICE = "区政务公开办公室"


@pytest.fixture
def staff(client, settings):
    settings.REQUIRE_2FA = False

    def login(username):
        client.force_login(user(username))
        return client

    return login


def test_rating_a_service_guide_goes_to_the_items_organisation(client, yingjiang, staff):
    item = make_item(yingjiang, org(yingjiang, HOUSING), code="MATRIX-GUIDE-1", name="物业备案")
    page = f"/services/items/{item.code}/"
    done = client.post("/participate/rate/", {"page": page, "score": "2", "comment": "材料不清楚"})
    assert done.status_code == 200
    rating = Rating.objects.get()
    assert rating.organisation == org(yingjiang, HOUSING)
    assert rating.page_title == "办事指南：物业备案"
    client.post("/participate/report/", {"page": page, "description": "电话号码错了"})
    report = ErrorReport.objects.get()
    assert report.organisation == org(yingjiang, HOUSING)
    # an organisation's service list goes to that organisation; the landing page to the office
    civil = org(yingjiang, CIVIL)
    assert (
        rules.page_target(yingjiang, f"/services/organisations/{civil.pk}/").organisation == civil
    )
    assert rules.page_target(yingjiang, "/services/").organisation == org(yingjiang, OFFICE)
    assert rules.page_target(yingjiang, "/services/items/NO-SUCH/").organisation == org(
        yingjiang, OFFICE
    )
    # both wait on 住建局's workbench and list, not 民政局's, and are answered with a note
    editor = staff("yj_editor")
    panel = editor.get("/staff/").content.decode()
    assert "待处理评价 <strong>1</strong>" in panel and "待处理纠错 <strong>1</strong>" in panel
    listing = editor.get("/staff/participation/feedback/").content.decode()
    assert "电话号码错了" in listing and "材料不清楚" in listing
    answer = editor.post(
        f"/staff/participation/feedback/report/{report.pk}/",
        {"state": "answered", "note": "已更正电话"},
    )
    assert answer.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.note) == (FeedbackState.ANSWERED, "已更正电话")
    close = editor.post(
        f"/staff/participation/feedback/rating/{rating.pk}/",
        {"state": "closed", "note": "已补充说明"},
    )
    assert close.status_code == 302 and Rating.objects.get().state == FeedbackState.CLOSED


def test_error_report_link_carries_the_page_address_on_public_pages(client, yingjiang):
    """Every page that extends base.html carries the strip (base.html includes it); the link
    names the page it is on."""
    for path in ("/", "/participate/messages/", "/services/", "/participate/account/login/"):
        html = client.get(path).content.decode()
        assert f'href="/participate/report/?page={quote(path, safe="/")}"' in html, path
    form = client.get("/participate/report/?page=/services/").content.decode()
    assert 'value="/services/"' in form


def test_a_message_past_its_deadline_is_overdue_on_the_workbench_and_in_oversight(yingjiang, staff):
    """Issue 14 acceptance: "A message unanswered past its deadline appears as overdue on the
    organisation's workbench and in oversight"."""
    from django.core.management import call_command

    from gongkai.oversight.models import Finding, Severity

    today = timezone.localdate()
    late = rules.submit_message(
        yingjiang,
        organisation=org(yingjiang, HOUSING),
        subject="加装电梯补贴",
        question="何时发放？",
        name="王芳",
        phone="13805561234",
        received_on=today - timedelta(days=21),
        actor=SYSTEM,
    )
    assert late.due_on < today and rules.urgency(late).level == "red"
    workbench = staff("yj_editor").get("/staff/").content.decode()
    assert 'data-testid="messages-overdue">1<' in workbench
    listing = staff("yj_editor").get("/staff/participation/?show=overdue").content.decode()
    assert late.serial in listing and "已超期" in listing
    civil = staff("yj_editor2").get("/staff/").content.decode()
    assert 'data-testid="messages-overdue">0<' in civil
    figure = staff("yj_admin").get(
        reverse("oversight_staff:figure", kwargs={"code": "messages"}) + "?part=overdue"
    )
    assert figure.status_code == 200 and late.serial in figure.content.decode()
    call_command("oversight", "check", "--site", "yingjiang", "--only", "messages")
    finding = Finding.objects.get(check_code="messages", key=f"message:{late.pk}")
    assert finding.is_open and finding.severity == Severity.DEDUCTION
    assert finding.organisation == org(yingjiang, HOUSING)
