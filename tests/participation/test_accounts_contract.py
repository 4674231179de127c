"""Who counts as a person of the public (participation.accounts), the rule every area calls."""

import pytest
from django.db import IntegrityError, transaction

from gongkai.core import permissions
from gongkai.core.models import Organisation, Role, Site
from gongkai.participation.accounts import account_of, require_person
from gongkai.participation.models import PublicAccount
from tests.participation.factories import make_person, make_staff

pytestmark = pytest.mark.django_db


def _org():
    site = Site.objects.create(slug="t", name="测试区人民政府")
    return Organisation.objects.add_root({"site": site, "name": "测试局", "code": "001"})


def test_a_verified_person_is_a_person_and_others_are_not():
    person = make_person("13900000001")
    assert account_of(person) is not None
    unverified = make_person("13900000002", verified=False)
    assert account_of(unverified) is None
    assert account_of(permissions.PUBLIC) is None
    staff = make_staff(_org(), Role.DEPUTY)
    PublicAccount.objects.create(user=staff, phone="13900000003", phone_verified_at=None)
    assert account_of(staff) is None


def test_require_person_says_what_to_do_first():
    with pytest.raises(
        permissions.PermissionDenied, match="请先登录并完成手机号或电子邮箱验证后再发表意见"
    ):
        require_person(permissions.PUBLIC, "发表意见")
    staff = make_staff(_org(), Role.EDITOR)
    with pytest.raises(permissions.PermissionDenied, match="工作人员账号不能以公众身份"):
        require_person(staff, "报名")


def test_one_phone_and_one_email_belong_to_one_account():
    make_person("13900000009")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person("13900000009")
    make_person(email="a@example.cn")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(email="A@Example.cn")
