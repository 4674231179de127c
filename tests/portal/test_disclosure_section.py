"""The 政府信息公开 section complete (issue 11 point 4): /xxgk/ lists the five parts the
政府网站发展指引 prescribes, each answers 200 with its content; the guide and the rules are
kept by the office admin; every organisation has a page with its duties and its records."""

import re

import pytest
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.oversight import services as oversight
from gongkai.portal.demo import load_portal_demo
from gongkai.portal.models import DisclosurePage
from tests.conftest import org, user
from tests.records.files import pdf_bytes

pytestmark = pytest.mark.django_db

PARTS = [
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "依申请公开",
    "政府信息公开年报",
]


def _nav(html):
    nav = html.split('<ol class="disclosure-nav">')[1].split("</ol>")[0]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_xxgk_lists_the_five_parts_in_order_and_each_answers(client, demo, settings, tmp_path):
    """Before: /xxgk/ had no 法定主动公开内容, 依申请公开 or 年报 and /xxgk/report/ was a 404."""
    settings.MEDIA_ROOT = tmp_path
    oversight.upload_report(
        user("yj_admin"),
        organisation=org(demo, "迎江区人民政府"),
        year=timezone.localdate().year - 1,
        name="年报.pdf",
        data=pdf_bytes(),
    )
    response = client.get("/xxgk/")
    assert response.status_code == 200
    links = _nav(response.content.decode())
    assert [title for _url, title in links] == PARTS
    expected = {
        "政府信息公开指南": "政府信息公开工作机构",
        "政府信息公开制度": "保密审查",
        "法定主动公开内容": "标准目录",
        "依申请公开": "申请",
        "政府信息公开年报": "迎江区人民政府",
    }
    for url, title in links:
        page = client.get(url)
        assert page.status_code == 200, f"{title} {url} → {page.status_code}"
        assert expected[title] in page.content.decode(), title
    assert client.get("/xxgk/report/").status_code == 200


def test_guide_has_a_default_made_from_the_sites_data(client, demo):
    """No stored page yet (a new site): the guide still answers, with the office's contacts
    (《条例》第十二条 lists what it must say)."""
    assert not DisclosurePage.objects.exists()
    html = client.get("/xxgk/guide/").content.decode()
    assert "区政务公开办公室" in html and demo.phone in html
    for item in ("办公地址", "办公时间", "联系电话", "传真", "电子邮箱"):
        assert item in html
    assert client.get("/xxgk/rules/").status_code == 200
    assert client.get("/xxgk/nothing/").status_code == 404


@pytest.fixture
def logged_in(client, settings, demo):
    settings.REQUIRE_2FA = False

    def login(username):
        client.force_login(user(username))
        return client

    return login


def test_office_admin_edits_the_guide(logged_in, demo):
    client = logged_in("yj_admin")
    workbench = client.get("/staff/").content.decode()
    assert 'href="/staff/xxgk/guide/"' in workbench
    form = client.get("/staff/xxgk/guide/")
    assert form.status_code == 200 and "区政务公开办公室" in form.content.decode()
    response = client.post(
        "/staff/xxgk/guide/",
        {
            "title": "迎江区政府信息公开指南（2026年版）",
            "body": "<p>新指南</p><script>x()</script>",
        },
    )
    assert response.status_code == 302
    page = DisclosurePage.objects.get(site=demo, kind="guide")
    assert page.body == "<p>新指南</p>"
    event = AuditEvent.objects.get(object_type="portal.disclosurepage")
    assert event.event_type == "object.created" and event.actor_username == "yj_admin"
    client.logout()
    html = client.get("/xxgk/guide/").content.decode()
    assert "迎江区政府信息公开指南（2026年版）" in html and "新指南" in html
    assert "更新于" in html


@pytest.mark.parametrize("username", ["yj_editor", "yj_reviewer", "yj_evaluator"])
def test_other_staff_cannot_edit_the_guide(logged_in, load_portal, username):
    client = logged_in(username)
    assert client.get("/staff/xxgk/guide/").status_code == 403
    response = client.post("/staff/xxgk/guide/", {"title": "改", "body": "<p>改</p>"})
    assert response.status_code == 403
    assert (
        DisclosurePage.objects.get(site__slug="yingjiang", kind="guide").title == "政府信息公开指南"
    )
    assert not AuditEvent.objects.filter(object_type="portal.disclosurepage").exists()


@pytest.fixture
def load_portal(demo):
    load_portal_demo()
    return demo
