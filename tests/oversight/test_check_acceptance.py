"""Issue 12's acceptance for the checks, in one run of the real command over the demo: a stale
column, an unanswered old message, a broken link and an ID number inside an attached PDF each
show up as open findings after `gongkai oversight check --site yingjiang`."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.core.permissions import SYSTEM
from gongkai.oversight.models import Finding, Severity
from gongkai.participation import rules as participation
from gongkai.portal.models import ColumnKind
from tests.conftest import org
from tests.oversight.checks_helpers import column, published
from tests.oversight.test_checks_personal_data import pdf_with

pytestmark = pytest.mark.django_db

VALID_ID = "340802199003071230"  # GB 11643 check digit 0


def test_one_check_run_finds_the_four_kinds_of_problem(demo, settings, tmp_path):
    from gongkai.records import workflow
    from tests.conftest import user
    from tests.records.conftest import PASS_CHECKS, data, make_leaf

    settings.MEDIA_ROOT = tmp_path / "media"
    site = demo
    housing = org(site, "区住房和城乡建设局")
    # 1. a column whose newest record is 200 days old (notices: 6 months)
    column(site, "meetings", "会议公告", ColumnKind.NOTICE, ["meeting"])
    published(site, housing, days_ago=200, kind="meeting", title="旧会议")
    # 2. a message unanswered for 100 days
    message = participation.submit_message(
        site,
        organisation=housing,
        subject="咨询",
        question="问题",
        name="张三",
        phone="13800000000",
        received_on=timezone.localdate() - timedelta(days=100),
        actor=SYSTEM,
    )
    # 3 and 4. a record published through the workflow, linking to a record that does not
    # exist, with an ID number inside its attached PDF
    editor, reviewer = user("yj_editor"), user("yj_reviewer")
    leaf = make_leaf(site, "住房保障对象公示", organisations=[housing])
    record, _ = workflow.create_draft(
        editor,
        organisation=housing,
        catalogue_item=leaf,
        data=data(title="保障对象公示", body='<p>详见<a href="/records/987654/">名单</a></p>'),
    )
    workflow.add_attachments(
        editor, record, [("名单.pdf", pdf_with(f"张三 身份证号码 {VALID_ID}"), "")]
    )
    workflow.submit(editor, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, record)
    workflow.publish(reviewer, record)

    call_command("oversight", "check", "--site", "yingjiang")

    found = Finding.objects.filter(site=site, resolved_at__isnull=True)
    stale = found.get(check_code="columns", key__endswith=":stale", title__contains="会议公告")
    assert stale.severity == Severity.DEDUCTION
    old = found.get(check_code="messages", key=f"message:{message.pk}")
    assert old.severity == Severity.VETO
    link = found.get(
        check_code="links",
        key__startswith=f"record:{record.pk}:link:",
        key__endswith="/records/987654/",
    )
    assert link.severity == Severity.DEDUCTION and link.item_url.endswith(f"/{record.pk}/")
    pdf = found.get(
        check_code="personal_data", key__startswith="attachment:", title__contains="名单.pdf"
    )
    assert pdf.severity == Severity.VETO and VALID_ID not in pdf.detail
