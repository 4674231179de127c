"""Online Q&A (issue 13 point 6): guides and FAQ are search sources, the FAQ page searches
them, and the question box shows answers first and then turns a question into a message to
the item's organisation."""

import pytest
from django.urls import reverse

from gongkai.guides.indexing import FAQ_KIND, GUIDE_KIND
from gongkai.guides.models import Faq, LifeEvent
from gongkai.participation.models import Message
from gongkai.records.models import State
from gongkai.search import service
from tests.conftest import org

from .factories import make_guide, make_item


@pytest.fixture
def housing(yingjiang):
    return org(yingjiang, "区住房和城乡建设局")


@pytest.fixture
def catering(yingjiang, housing):
    item = make_item(yingjiang, housing)  # 餐饮服务食品经营许可
    make_guide(item, state=State.PUBLISHED, most_once=True)
    return item


@pytest.fixture
def indexed(catering, yingjiang, housing):
    """Both sources rebuilt the way `gongkai search reindex` does it."""
    draft = make_item(yingjiang, housing, code="330302-XK-0002", name="燃气经营许可证核发")
    make_guide(draft)  # a draft: never in search
    event = LifeEvent.objects.create(site=yingjiang, name="开办企业", slug="kaiban")
    Faq.objects.create(
        site=yingjiang, item=catering, question="餐饮许可证要跑几次？", answer="最多跑一次。"
    )
    Faq.objects.create(
        site=yingjiang, life_event=event, question="开办企业要多久？", answer="一个工作日内。"
    )
    Faq.objects.create(site=yingjiang, item=draft, question="燃气许可要几天？", answer="二十天。")
    service.reindex([GUIDE_KIND, FAQ_KIND], progress=False)
    return catering


def _titles(client, url):
    return client.get(url).content.decode()


def test_guides_and_faq_are_search_sources_with_their_own_labels(client, indexed):
    assert service.KIND_LABELS[GUIDE_KIND] == "办事指南（办事服务）"
    assert service.KIND_LABELS[FAQ_KIND] == "办事问答"
    page = client.get("/search/?q=餐饮").content.decode()
    assert "/services/items/330302-XK-0001/" in page
    assert "办事问答" in page and "办事指南（办事服务）" in page  # the kinds group the results
    # a draft guide and the FAQ of an item without a guide in force stay out
    assert "/services/items/330302-XK-0002/" not in client.get("/search/?q=燃气").content.decode()
    from gongkai.guides import faq

    assert faq.search(indexed.site, "燃气").hits == []


def test_a_guide_is_found_by_a_run_together_query_and_by_pinyin(yingjiang, indexed):
    from gongkai.guides import faq

    for query in ("餐饮食品经营许可", "canyin", "cyfw"):
        hits = faq.search(yingjiang, query, kinds=(GUIDE_KIND,)).hits
        assert [h.url for h in hits] == ["/services/items/330302-XK-0001/"], query


def test_the_faq_page_lists_and_searches(client, indexed):
    listed = client.get("/services/faq/").content.decode()
    assert "餐饮许可证要跑几次？" in listed and "开办企业要多久？" in listed
    assert "燃气许可要几天？" not in listed
    found = client.get("/services/faq/?q=开办企业").content.decode()
    assert "找到 1 条相关问答" in found and "/services/topics/kaiban/#faq-" in found
    assert "没有找到相关问答" in client.get("/services/faq/?q=养老保险").content.decode()


def test_the_item_and_topic_pages_show_their_faq(client, indexed):
    assert "餐饮许可证要跑几次？" in client.get(f"/services/items/{indexed.code}/").content.decode()
    assert "开办企业要多久？" in client.get("/services/topics/kaiban/").content.decode()


def test_a_faq_change_reaches_the_index_on_commit(
    yingjiang, catering, django_capture_on_commit_callbacks
):
    from gongkai.guides import faq

    with django_capture_on_commit_callbacks(execute=True):
        answer = Faq.objects.create(
            site=yingjiang, item=catering, question="夜市摊点需要许可吗？", answer="需要备案。"
        )
    assert [h.title for h in faq.search(yingjiang, "夜市摊点").hits] == [answer.question]
    with django_capture_on_commit_callbacks(execute=True):
        answer.is_published = False
        answer.save()
    assert faq.search(yingjiang, "夜市摊点").hits == []


def test_the_question_box_suggests_answers_then_creates_a_message(client, indexed, housing):
    first = client.get("/services/ask/", {"q": "餐饮许可证要跑几次", "item": indexed.code})
    page = first.content.decode()
    assert 'data-testid="suggestions"' in page and "餐饮许可证要跑几次？" in page
    assert 'name="name"' not in page  # no form before "仍要提问"
    second = client.get(
        "/services/ask/", {"q": "夜里能办吗", "item": indexed.code, "ask": "1"}
    ).content.decode()
    assert 'name="name"' in second and "夜里能办吗</textarea>" in second

    before = Message.objects.count()
    response = client.post(
        "/services/ask/",
        {
            "item": indexed.code,
            "question": "夜里能办吗？",
            "name": "张三",
            "phone": "13800000000",
            "publish": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("participation:receipt")
    message = Message.objects.get()
    assert Message.objects.count() == before + 1
    assert message.organisation == housing
    assert message.subject == "办事咨询：餐饮服务食品经营许可"
    assert message.question == "夜里能办吗？"
    receipt = client.get(reverse("participation:receipt")).content.decode()
    assert message.tracking_code_display in receipt


def test_the_question_box_refuses_bad_input_in_chinese(client, indexed):
    response = client.post("/services/ask/", {"question": "", "name": "", "publish": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写您的问题。" in page and "请选择要咨询的办事事项，或选择咨询的机构。" in page
    response = client.post(
        "/services/ask/",
        {"item": indexed.code, "question": "问题", "name": "李四", "publish": "1"},
    )
    assert response.status_code == 400
    assert "请至少填写联系电话或电子邮箱中的一项" in response.content.decode()
    assert Message.objects.count() == 0


def test_the_demo_faq_builds_on_the_guides_present_and_skips_cleanly(yingjiang, housing):
    from gongkai.guides.demo_faq import load_faq_demo

    assert load_faq_demo() == []  # no demo guides yet: nothing made, no error
    assert Faq.objects.count() == 0
    item = make_item(yingjiang, housing)
    make_guide(item, state=State.PUBLISHED, online_url="https://zwfw.example.cn/1")
    LifeEvent.objects.create(site=yingjiang, name="开办企业", slug="kaiban")
    assert load_faq_demo() == ["办事问答：迎江区人民政府 4 条"]
    questions = list(Faq.objects.filter(item=item).values_list("question", "answer"))
    assert ("“餐饮服务食品经营许可”多久能办好？", "自受理之日起 5 个工作日内办结。") in questions
    assert Faq.objects.filter(life_event__slug="kaiban").count() == 1
    assert load_faq_demo() == []  # a second run adds nothing
    from gongkai.guides import faq

    assert faq.search(yingjiang, "多久能办好").hits  # indexed with the guides
