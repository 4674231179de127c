"""No lost updates on catalogue items (issue 10, point 5): two people editing the same local
item — the second save is refused, shows what the first changed, and overwrites nothing."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalogue import services
from gongkai.catalogue.demo import load_catalogue_demo
from gongkai.catalogue.models import CatalogueItem, Domain
from gongkai.core.versioning import VersionConflict
from tests.conftest import org, user


@pytest.fixture
def local_item(demo):
    load_catalogue_demo()
    domain = Domain.objects.get(site=demo, name="市政服务")
    parent = CatalogueItem.objects.get(domain=domain, name="政策文件")
    return services.add_item(
        demo,
        domain,
        parent,
        {"name": "老旧小区改造计划", "content": "改造计划"},
        None,
        [org(demo, "区住房和城乡建设局")],
        "新增",
        user("yj_admin"),
    )


def fresh(item):
    return CatalogueItem.objects.get(pk=item.pk)


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


@pytest.mark.django_db
def test_update_item_is_conditional_on_the_loaded_version(local_item):
    admin, editor = user("yj_admin"), user("yj_editor")
    mine, theirs = fresh(local_item), fresh(local_item)
    services.update_item(theirs, {"content": "改造小区名单"}, None, "补充", admin)
    assert fresh(local_item).version == local_item.version + 1
    with pytest.raises(VersionConflict) as conflict:
        services.update_item(mine, {"basis": "《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》"},
                             None, "补充依据", editor)  # fmt: skip
    stored = fresh(local_item)
    assert stored.content == "改造小区名单" and stored.basis == ""
    changes = {c.name: c for c in conflict.value.changes}
    assert changes["content"].theirs == "改造小区名单"
    assert changes["content"].label == "公开内容（要素）"


@pytest.mark.django_db
def test_two_staff_pages_second_save_gets_the_conflict(local_item, settings):
    settings.REQUIRE_2FA = False
    first, second = Client(), Client()
    first.force_login(user("yj_admin"))
    second.force_login(user("yj_editor"))
    url = reverse("catalogue_staff:item_edit", args=[local_item.pk])
    page_1, page_2 = first.get(url).content.decode(), second.get(url).content.decode()

    def post(page, **values):
        return {
            "name": "老旧小区改造计划",
            "content": "改造计划",
            "deadline_text": "每年",
            "reason": "调整",
            "version": hidden(page, "version"),
            "base": hidden(page, "base"),
            **values,
        }

    assert first.post(url, post(page_1, content="第一位：改造小区名单")).status_code == 302
    refused = second.post(url, post(page_2, responsible_text="第二位：区住建局"))
    text = refused.content.decode()
    assert refused.status_code == 409 and "保存冲突" in text
    assert "第一位：改造小区名单" in text and "第二位：区住建局" in text
    stored = fresh(local_item)
    assert stored.content == "第一位：改造小区名单" and stored.responsible_text == ""
