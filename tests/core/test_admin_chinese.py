"""Issue 11 point 5: the admin is Chinese throughout. Before: AXES, OTP_STATIC, TASKS DATABASE
BACKEND, TOTP devices … as app and model headings."""

import re

import pytest

from gongkai.core.models import User
from tests.conftest import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_every_admin_heading_is_chinese(client):
    login_verified(client, User.objects.get(username="admin"))
    response = client.get("/admin/")
    assert response.status_code == 200
    app_list = response.context["app_list"]
    headings = [str(app["name"]) for app in app_list]
    headings += [str(model["name"]) for app in app_list for model in app["models"]]
    assert len(headings) > 5
    english = [h for h in headings if not re.search(r"[\u4e00-\u9fff]", h)]
    assert english == [], english
    html = response.content.decode()
    for old in (">Otp_Static<", "Tasks Database Backend", "TOTP device", "Static device"):
        assert old.lower() not in html.lower()
