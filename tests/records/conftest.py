from datetime import date

import pytest

from gongkai.catalogue.models import CatalogueItem, Channel, Domain
from gongkai.core.models import Membership, Role, User
from gongkai.records import workflow
from gongkai.records.models import InterpretationRule, ItemPublishing, Kind
from tests.conftest import org, user

PASS_CHECKS = {
    "no_state_secrets": True,
    "no_personal_info": True,
    "no_business_secrets": True,
    "no_stability_risk": True,
}


def make_leaf(site, name="城区供水停水公告", *, organisations=(), deadline=None, channels=()):
    domain, _ = Domain.objects.get_or_create(site=site, name="市政服务")
    parent = CatalogueItem.objects.add_root(
        {"site": site, "domain": domain, "name": f"{name}（一级）"}
    )
    leaf = CatalogueItem.objects.add_child(
        parent,
        {
            "site": site,
            "domain": domain,
            "name": name,
            "deadline": deadline or {"kind": "working_days", "days": 20},
            "deadline_text": "信息形成或者变更之日起20个工作日内",
            "deadline_parsed": True,
            "mode_proactive": True,
        },
    )
    leaf.organisations.set(organisations)
    leaf.channels.set(Channel.objects.filter(site__isnull=True, name__in=channels))
    return CatalogueItem.objects.get(pk=leaf.pk)


@pytest.fixture
def housing(yingjiang):
    return org(yingjiang, "区住房和城乡建设局")


@pytest.fixture
def editor(demo):
    return user("yj_editor")


@pytest.fixture
def reviewer(demo):
    return user("yj_reviewer")


@pytest.fixture
def leaf(yingjiang, housing):
    return make_leaf(yingjiang, organisations=[housing], channels=["政府网站", "两微一端"])


@pytest.fixture
def policy_leaf(yingjiang, housing):
    item = make_leaf(yingjiang, "规范性文件", organisations=[housing])
    ItemPublishing.objects.create(catalogue_item=item, interpretation_rule=InterpretationRule.BLOCK)
    return item


def data(**overrides):
    values = {
        "title": "关于2026年城区供水管网改造停水的通知",
        "kind": Kind.NOTICE,
        "formed_on": date(2026, 9, 30),
        "written_on": date(2026, 9, 29),
        "subject": "09",
        "genre": "通知",
        "body": "<p>因城区供水管网改造，10月8日8:00至18:00停水。</p>",
    }
    values.update(overrides)
    return values


def draft(editor, housing, leaf, **overrides):
    record, _ = workflow.create_draft(
        editor, organisation=housing, catalogue_item=leaf, data=data(**overrides)
    )
    return record


def approved(editor, reviewer, housing, leaf, **overrides):
    record = draft(editor, housing, leaf, **overrides)
    workflow.submit(editor, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, record)
    return record


def published(editor, reviewer, housing, leaf, **overrides):
    record = approved(editor, reviewer, housing, leaf, **overrides)
    workflow.publish(reviewer, record)
    return record


def new_staff(username, organisation, role=Role.EDITOR, email=""):
    u = User.objects.create_user(username, email or f"{username}@example.gov.cn", "x" * 12)
    Membership.objects.create(user=u, organisation=organisation, role=role)
    return u


@pytest.fixture
def staff(client, settings):
    """A client logging in as a given staff user (the second factor is not what is tested)."""
    settings.REQUIRE_2FA = False

    def login(u):
        client.force_login(u)
        return client

    return login
