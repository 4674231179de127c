"""Old addresses keep working: once a page is published its old URL answers 301 to the new
page; a pending page stays 404; a duplicate's old URL leads to the original's record; an old
attachment URL to the new file; a list page to its column's catalogue page."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from gongkai.core.permissions import SYSTEM
from gongkai.legacy.middleware import new_address
from gongkai.legacy.models import LegacyFile, PageStatus
from gongkai.legacy.publishing import publish_page
from gongkai.records import workflow
from gongkai.records.models import State
from tests.legacy.factories import make_page, responsible_pair
from tests.records.files import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(demo):
    return responsible_pair(demo)


def publish(page, pair):
    organisation, leaf = pair
    return publish_page(SYSTEM, page, catalogue_item=leaf, organisation=organisation)


def test_old_url_answers_301_to_the_new_page_once_published(demo, pair, client):
    page = make_page(demo, old_url="http://www.old.gov.cn/art/2017/10/25/art_1229_7.html")
    old = "/art/2017/10/25/art_1229_7.html"
    assert client.get(old).status_code == 404  # pending: nothing public yet
    record = publish(page, pair)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == record.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    assert client.head(old).status_code == 301
    assert client.post(old).status_code != 301  # only reading requests are redirected


def test_a_404_seen_before_the_import_does_not_hide_the_redirect(demo, pair, client, settings):
    settings.PAGE_CACHE_SECONDS = 300  # the page cache on, as in production
    page = make_page(demo, old_url="http://www.old.gov.cn/content.jsp?id=12&cat=3")
    assert client.get("/content.jsp?id=12&cat=3").status_code == 404
    record = publish(page, pair)
    response = client.get("/content.jsp?id=12&cat=3")
    assert response.status_code == 301 and response["Location"] == record.get_absolute_url()
    assert client.get("/content.jsp?id=13&cat=3").status_code == 404


def test_percent_encoded_and_index_addresses(demo, pair, client):
    page = make_page(demo, old_url="http://www.old.gov.cn/xxgk/通知/index.html")
    record = publish(page, pair)
    for asked in ("/xxgk/%E9%80%9A%E7%9F%A5/", "/xxgk/%E9%80%9A%E7%9F%A5/index.html"):
        response = client.get(asked)
        assert response.status_code == 301, asked
        assert response["Location"] == record.get_absolute_url()


def test_a_pending_page_and_an_unknown_path_stay_404(demo, pair, client):
    make_page(demo, old_url="http://www.old.gov.cn/art/pending.html")
    make_page(demo, old_url="http://www.old.gov.cn/art/failed.html", status=PageStatus.FAILED)
    for path in ("/art/pending.html", "/art/failed.html", "/art/never-imported.html"):
        assert client.get(path).status_code == 404


def test_a_withdrawn_record_still_answers(demo, pair, client):
    """Nothing published silently vanishes: the old address leads to the withdrawal notice."""
    page = make_page(demo, old_url="http://www.old.gov.cn/art/withdrawn.html")
    record = publish(page, pair)
    workflow.withdraw(SYSTEM, record, "政策已废止")
    record.refresh_from_db()
    assert record.state == State.WITHDRAWN
    response = client.get("/art/withdrawn.html")
    assert response.status_code == 301 and response["Location"] == record.get_absolute_url()


def test_a_duplicate_leads_to_the_original(demo, pair, client):
    original = make_page(demo, old_url="http://www.old.gov.cn/art/original.html")
    duplicate = make_page(
        demo,
        old_url="http://www.old.gov.cn/wap/original.html",
        status=PageStatus.DUPLICATE,
        duplicate_of=original,
    )
    assert client.get("/wap/original.html").status_code == 404
    record = publish(original, pair)
    duplicate.refresh_from_db()
    assert duplicate.record == record  # publishing points the duplicates at it too
    response = client.get("/wap/original.html")
    assert response.status_code == 301 and response["Location"] == record.get_absolute_url()
    # a duplicate whose own record field is empty still finds the original's
    duplicate.record = None
    duplicate.save()
    assert client.get("/wap/original.html")["Location"] == record.get_absolute_url()


def test_an_old_attachment_url_leads_to_the_new_file(demo, pair, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = make_page(demo, old_url="http://www.old.gov.cn/art/with-file.html")
    data = pdf_bytes()
    legacy_file = LegacyFile(
        site=demo,
        page=page,
        old_path="/uploads/2017/P020171025.pdf",
        name="停水区域图.pdf",
        kind="pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    legacy_file.file.save("a.pdf", ContentFile(data), save=False)
    legacy_file.save()
    assert client.get("/uploads/2017/P020171025.pdf").status_code == 404
    record = publish(page, pair)
    attachment = record.attachments.get()
    response = client.get("/uploads/2017/P020171025.pdf")
    assert response.status_code == 301
    assert response["Location"] == reverse(
        "records:attachment", args=[record.index_number, attachment.pk]
    )
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data


def test_a_list_page_leads_to_its_column(demo, pair, client):
    organisation, leaf = pair
    for n in range(2):
        page = make_page(demo, column_name="通知公告", old_url=f"http://www.old.gov.cn/tz/{n}.html")
        publish(page, pair)
    make_page(
        demo,
        column_name="通知公告",
        status=PageStatus.LISTING,
        old_url="http://www.old.gov.cn/col/col1229/index.html",
    )
    make_page(
        demo,
        column_name="领导讲话",
        status=PageStatus.LISTING,
        old_url="http://www.old.gov.cn/col/col1230/index.html",
    )
    response = client.get("/col/col1229/")
    assert response.status_code == 301
    assert response["Location"] == reverse("catalogue:item", args=[leaf.pk])
    assert client.get(response["Location"]).status_code == 200
    # a column none of whose pages is published yet: the 信息公开 home
    response = client.get("/col/col1230/index.html")
    assert response.status_code == 301 and response["Location"] == reverse("portal:disclosure")


def test_each_site_answers_only_its_own_old_addresses(demo, ouhai, pair, client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ouhai.localhost"]
    page = make_page(demo, old_url="http://www.old.gov.cn/art/only-yingjiang.html")
    publish(page, pair)
    assert client.get("/art/only-yingjiang.html").status_code == 301
    assert client.get("/art/only-yingjiang.html", HTTP_HOST="ouhai.localhost").status_code == 404


def test_the_lookup_is_one_query(demo, pair, django_assert_num_queries):
    page = make_page(demo, old_url="http://www.old.gov.cn/art/one-query.html")
    publish(page, pair)
    with django_assert_num_queries(1):
        assert new_address(demo, "/art/one-query.html")
    with django_assert_num_queries(1):
        assert new_address(demo, "/art/not-there.html") is None
    with django_assert_num_queries(1):
        assert new_address(demo, "/uploads/not-there.pdf") is None
