"""Only 行政机关 and 法律、法规授权的组织 receive requests (《条例》第二条、第五十四条): the apply
form, staff registration, the workflow and the statistics follow one rule
(Organisation.objects.foi_recipients / Organisation.receives_requests)."""

import importlib
from datetime import date

import pytest
from django.urls import reverse

from gongkai.core.models import LegalType, Organisation
from gongkai.core.permissions import SYSTEM
from gongkai.foi import statistics, workflow
from gongkai.foi.forms import PublicApplyForm, StaffRegisterForm
from gongkai.foi.models import Channel, FoiRequest
from tests.conftest import org
from tests.foi.conftest import applicant

pytestmark = pytest.mark.django_db

NOT_RECIPIENTS = ["宜城路社区", "龙狮桥村", "安庆市迎江区自来水公司", "安庆港华燃气有限公司"]


def test_demo_types(yingjiang, ouhai):
    assert org(yingjiang, "安庆市迎江区自来水公司").legal_type == LegalType.ENTERPRISE
    assert org(yingjiang, "安庆港华燃气有限公司").legal_type == LegalType.ENTERPRISE
    assert org(yingjiang, "宜城路社区").legal_type == LegalType.SELF_GOVERNING
    assert org(yingjiang, "龙狮桥村").legal_type == LegalType.SELF_GOVERNING
    assert org(yingjiang, "区民政局").legal_type == LegalType.ADMINISTRATIVE
    assert org(ouhai, "区残疾人联合会").legal_type == LegalType.AUTHORISED


def test_apply_form_offers_only_recipients(client, yingjiang):
    page = client.get(reverse("foi:apply")).content.decode()
    assert "区民政局" in page
    assert "龙狮桥乡人民政府" in page
    for name in NOT_RECIPIENTS:
        assert name not in page, name
    offered = set(PublicApplyForm(site=yingjiang).fields["organisation"].queryset)
    assert org(yingjiang, "区民政局") in offered
    assert not any(o.name in NOT_RECIPIENTS for o in offered)


def test_authorised_organisation_is_offered(ouhai):
    offered = PublicApplyForm(site=ouhai).fields["organisation"].queryset
    assert org(ouhai, "区残疾人联合会") in offered
    assert not offered.filter(name="娄桥社区").exists()


@pytest.mark.parametrize("name", ["宜城路社区", "安庆市迎江区自来水公司"])
def test_posting_a_non_recipient_is_refused_by_the_form(yingjiang, name):
    form = PublicApplyForm(
        data={**applicant(), "organisation": org(yingjiang, name).pk}, site=yingjiang
    )
    assert not form.is_valid()
    assert "请选择机关。" in form.errors["organisation"]
    staff_orgs = Organisation.objects.filter(site=yingjiang)
    staff_form = StaffRegisterForm(
        data={**applicant(), "organisation": org(yingjiang, name).pk, "channel": "in_person"},
        organisations=staff_orgs,
    )
    assert not staff_form.is_valid()
    assert "organisation" in staff_form.errors


@pytest.mark.parametrize("name", NOT_RECIPIENTS)
def test_workflow_register_refuses_non_recipients(yingjiang, name):
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.register(
            organisation=org(yingjiang, name),
            applicant=applicant(),
            channel=Channel.IN_PERSON,
            submitted_on=date.today(),
            actor=SYSTEM,
        )
    assert "不受理政府信息公开申请" in str(exc.value)
    assert "第五十四条" in str(exc.value)
    assert not FoiRequest.objects.exists()


def test_statistics_exclude_non_recipients(yingjiang, make_request):
    kept = make_request(received=date(2026, 3, 2))
    # a case registered for the gas company before the rule existed (e.g. imported data)
    stray = make_request(received=date(2026, 3, 3))
    FoiRequest.objects.filter(pk=stray.pk).update(
        organisation=org(yingjiang, "安庆港华燃气有限公司")
    )
    scope = statistics.requests_in_scope(site=yingjiang)
    assert list(scope) == [kept]
    table = statistics.table_three(scope, 2026)
    assert table.row("new").values["total"] == 1
    every = Organisation.objects.filter(site=yingjiang)
    assert statistics.requests_in_scope(organisations=every).count() == 1


def test_api_says_who_receives_requests(client, yingjiang):
    data = client.get(f"/api/v1/sites/{yingjiang.slug}/organisations").json()
    by_name = {o["name"]: o for o in data}
    assert by_name["区民政局"]["receives_requests"] is True
    assert by_name["龙狮桥村"]["receives_requests"] is False
    assert by_name["安庆市迎江区自来水公司"]["legal_type"] == "enterprise"


def test_organisations_page_shows_the_type(client, yingjiang):
    page = client.get(reverse("portal:organisations")).content.decode()
    assert "机构性质" in page
    assert "村（居）民委员会（不受理政府信息公开申请）" in page


def test_migration_derives_legal_type_from_kind():
    migration = importlib.import_module("gongkai.core.migrations.0010_organisation_legal_type")
    derive = migration.derive
    assert derive("government", "某区人民政府") == "administrative"
    assert derive("office", "区政务公开办公室") == "administrative"
    assert derive("department", "区民政局") == "administrative"
    assert derive("town", "某街道办事处") == "administrative"
    assert derive("village", "宜城路社区") == "self_governing"
    assert derive("institution", "安庆市迎江区自来水公司") == "enterprise"
    assert derive("institution", "区疾病预防控制中心") == "public_institution"
    assert derive("third_party", "某服务中心") == "other"


def test_migration_fills_existing_rows(transactional_db):
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("core", "0009_jobrun")], [("core", "0010_organisation_legal_type")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldSite = old.get_model("core", "Site")
    OldOrg = old.get_model("core", "Organisation")
    site = OldSite.objects.create(slug="t", name="测试区人民政府", site_code="1")
    rows = {
        "测试区民政局": "department",
        "某村": "village",
        "某县自来水公司": "institution",
        "某学校": "institution",
        "某协会": "third_party",
    }
    for i, (name, kind) in enumerate(rows.items()):
        OldOrg.objects.create(
            site=site, name=name, kind=kind, code=str(i), path=f"000{i + 1}", depth=1
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("core", "Organisation")
    found = dict(new.objects.values_list("name", "legal_type"))
    assert found == {
        "测试区民政局": "administrative",
        "某村": "self_governing",
        "某县自来水公司": "enterprise",
        "某学校": "public_institution",
        "某协会": "other",
    }
    call_command("migrate", verbosity=0)
