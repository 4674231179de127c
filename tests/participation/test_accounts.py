"""公众账号 (issue 14 point 8): sign-in / registration by a code sent to a phone (SMS through
core.sms) or an e-mail address; codes hashed, expiring, with limited tries and a resend pause;
rate limits per IP and per address; a honeypot; the same answer whether or not an address has
an account; no way in for a staff member's phone or address; `next` stays on this site; one
account per phone even when two first sign-ins race."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from gongkai.core import sms
from gongkai.core.models import AuditEvent, Membership, Role, User
from gongkai.participation import accounts
from gongkai.participation.models import PublicAccount, VerificationCode
from tests.conftest import org
from tests.participation.factories import make_person, make_staff

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.SMS_SENDER = "gongkai.core.sms.outbox_sender"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def last_code(outbox, phone=PHONE) -> str:
    sent = [text for to, text in outbox if to == phone]
    assert sent, f"no SMS to {phone}"
    return re.search(r"\b(\d{6})\b", sent[-1]).group(1)


def sign_in(client, address=PHONE, code=None, outbox=None, next_url=""):
    response = client.post("/participate/account/login/", {"address": address, "next": next_url})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == "/participate/account/login/code/"
    if code is None:
        code = last_code(outbox, address) if "@" not in address else _mail_code(address)
    return client.post("/participate/account/login/code/", {"code": code})


def _mail_code(address):
    body = [m.body for m in mail.outbox if m.to == [address.lower()]][-1]
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_register_by_phone_sign_out_and_in_again(client, yingjiang, outbox):
    done = sign_in(client, outbox=outbox)
    assert done.status_code == 302 and done.url == "/participate/account/"
    account = PublicAccount.objects.get(phone=PHONE)
    assert account.is_verified and account.phone_verified_at is not None
    home = client.get("/participate/account/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "139****5678" in html and PHONE not in html
    assert "我的参与" in html
    assert client.get("/participate/account/logout/").status_code == 405
    client.post("/participate/account/logout/")
    assert client.get("/participate/account/").status_code == 302
    past_the_pause()
    done = sign_in(client, outbox=outbox)
    assert done.status_code == 302
    assert PublicAccount.objects.filter(phone=PHONE).count() == 1
    assert User.objects.filter(public_account__phone=PHONE).count() == 1
    events = AuditEvent.objects.filter(message__in=["公众账号注册", "公众账号验证码登录"])
    assert events.count() == 3
    assert all(PHONE not in str(e.before) + str(e.after) + e.object_repr for e in events)


def past_the_pause():
    """The resend pause of the same address is not what this part tests."""
    VerificationCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))


def test_register_by_email_goes_through_django_mail(client, yingjiang):
    done = sign_in(client, address="Li.Ming@Example.cn")
    assert done.status_code == 302
    account = PublicAccount.objects.get(email="li.ming@example.cn")
    assert account.email_verified_at is not None and account.phone is None
    assert "登录验证码" in mail.outbox[-1].subject
    assert "l***@example.cn" in client.get("/participate/account/").content.decode()


def test_codes_are_stored_hashed_and_used_once(client, yingjiang, outbox):
    client.post("/participate/account/login/", {"address": PHONE})
    code = last_code(outbox)
    stored = VerificationCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert client.post("/participate/account/login/code/", {"code": code}).status_code == 302
    other = type(client)()
    session = other.session
    session["participation_signin"] = {"channel": "phone", "address": PHONE, "next": ""}
    session.save()
    again = other.post("/participate/account/login/code/", {"code": code})
    assert again.status_code == 400 and "验证码不正确或已过期" in again.content.decode()


def test_five_wrong_codes_and_the_right_one_no_longer_works(client, yingjiang, outbox):
    client.post("/participate/account/login/", {"address": PHONE})
    code = last_code(outbox)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for left in (4, 3, 2, 1):
        page = client.post("/participate/account/login/code/", {"code": wrong})
        assert page.status_code == 400 and f"还可尝试 {left} 次" in page.content.decode()
    page = client.post("/participate/account/login/code/", {"code": wrong})
    assert "错误次数过多" in page.content.decode()
    page = client.post("/participate/account/login/code/", {"code": code})
    assert page.status_code == 400 and "错误次数过多" in page.content.decode()
    assert not PublicAccount.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_code_expires_after_ten_minutes(client, yingjiang, outbox):
    client.post("/participate/account/login/", {"address": PHONE})
    code = last_code(outbox)
    stored = VerificationCode.objects.get()
    assert abs(stored.expires_at - stored.created_at - timedelta(minutes=10)) < timedelta(seconds=1)
    VerificationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.post("/participate/account/login/code/", {"code": code})
    assert page.status_code == 400 and "已过期" in page.content.decode()


def test_a_new_code_only_after_the_pause_and_it_replaces_the_old(client, yingjiang, outbox):
    client.post("/participate/account/login/", {"address": PHONE})
    first = last_code(outbox)
    page = client.post("/participate/account/login/", {"address": PHONE})
    assert page.status_code == 400 and "秒后再重新获取" in page.content.decode()
    assert len(outbox) == 1
    VerificationCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    client.post("/participate/account/login/code/", {"resend": "1"})
    second = last_code(outbox)
    assert len(outbox) == 2 and VerificationCode.objects.count() == 1
    if first != second:
        page = client.post("/participate/account/login/code/", {"code": first})
        assert page.status_code == 400
    assert client.post("/participate/account/login/code/", {"code": second}).status_code == 302


def test_the_answer_does_not_say_whether_an_account_exists(client, yingjiang, outbox):
    make_person("13900000001")
    known = client.post("/participate/account/login/", {"address": "13900000001"})
    page_known = client.get(known.url).content.decode()
    other = type(client)()
    new = other.post("/participate/account/login/", {"address": "13900000002"})
    page_new = other.get(new.url).content.decode()
    assert known.status_code == new.status_code == 302 and known.url == new.url
    strip = lambda html: re.sub(r"139\*\*\*\*000\d|csrfmiddlewaretoken\" value=\"\w+", "", html)  # noqa: E731
    assert strip(page_known) == strip(page_new)
    assert len(outbox) == 2


@pytest.mark.parametrize("field", ["phone", "email"])
def test_a_staff_members_phone_or_email_cannot_sign_in_here(client, yingjiang, outbox, field):
    """Staff sign in with a password and a second factor; a code to their phone or address
    must not let them (or someone holding their phone) in through the public entrance."""
    staff = make_staff(org(yingjiang, "区住房和城乡建设局"), Role.EDITOR)
    staff.phone, staff.email = "139-1234-5678", "Staff@Example.cn"
    staff.save()
    address = PHONE if field == "phone" else "staff@example.cn"
    page = client.post("/participate/account/login/", {"address": address})
    html = page.content.decode()
    assert page.status_code == 400
    assert "工作人员登录" in html and 'href="/staff/login/"' in html
    assert outbox == [] and mail.outbox == []
    assert "participation_signin" not in client.session
    assert not PublicAccount.objects.exists()


def test_a_public_account_that_became_staff_cannot_use_the_code(client, yingjiang, outbox):
    person = make_person(PHONE)
    client.post("/participate/account/login/", {"address": PHONE})
    code = last_code(outbox)
    Membership.objects.create(
        user=person, organisation=org(yingjiang, "区住房和城乡建设局"), role=Role.DEPUTY
    )
    page = client.post("/participate/account/login/code/", {"code": code})
    assert page.status_code == 400 and "工作人员登录" in page.content.decode()
    assert "_auth_user_id" not in client.session
    past_the_pause()
    assert client.post("/participate/account/login/", {"address": PHONE}).status_code == 400


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/participate/messages/", "/participate/messages/"),
        ("https://evil.example/x", "/participate/account/"),
        ("//evil.example/x", "/participate/account/"),
        ("/\\evil.example", "/participate/account/"),
        ("javascript:alert(1)", "/participate/account/"),
    ],
)
def test_next_goes_only_to_a_path_of_this_site(client, yingjiang, outbox, next_url, expected):
    done = sign_in(client, outbox=outbox, next_url=next_url)
    assert done.url == expected


def test_honeypot_sends_nothing(client, yingjiang, outbox):
    page = client.post("/participate/account/login/", {"address": PHONE, "website": "x"})
    assert page.status_code == 400 and "提交未成功" in page.content.decode()
    assert outbox == [] and not VerificationCode.objects.exists()


def test_bad_address_is_a_clear_message(client, yingjiang, outbox):
    for value in ("12345", "1391234567a", "not-an-email@", ""):
        page = client.post("/participate/account/login/", {"address": value})
        assert page.status_code == 400
        assert "请输入" in page.content.decode(), value
    assert outbox == []


def test_rate_limit_per_address_across_ips(client, yingjiang, outbox):
    for n in range(5):
        VerificationCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
        page = client.post(
            "/participate/account/login/", {"address": PHONE}, REMOTE_ADDR=f"10.0.0.{n + 1}"
        )
        assert page.status_code == 302
    page = client.post("/participate/account/login/", {"address": PHONE}, REMOTE_ADDR="10.0.0.9")
    assert page.status_code == 429
    assert len(outbox) == 5


def test_resending_counts_towards_the_limit_of_the_address(client, yingjiang, outbox):
    client.post("/participate/account/login/", {"address": PHONE})
    for _ in range(4):
        VerificationCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
        assert client.post("/participate/account/login/code/", {"resend": "1"}).status_code == 302
    VerificationCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert client.post("/participate/account/login/code/", {"resend": "1"}).status_code == 429
    assert len(outbox) == 5


def test_rate_limit_per_ip_across_addresses(client, yingjiang, outbox):
    for n in range(10):
        page = client.post("/participate/account/login/", {"address": f"1390000{n:04d}"})
        assert page.status_code == 302
    page = client.post("/participate/account/login/", {"address": "13900009999"})
    assert page.status_code == 429 and len(outbox) == 10


def test_without_an_sms_gateway_phone_sign_in_is_not_offered(client, yingjiang, settings):
    settings.SMS_SENDER = ""
    settings.FOI_SMS_SENDER = ""
    page = client.post("/participate/account/login/", {"address": PHONE})
    assert page.status_code == 400 and "暂未开通短信验证" in page.content.decode()


def test_public_name_is_editable_but_not_a_phone_number(client, yingjiang):
    person = make_person(PHONE)
    client.force_login(person)
    assert client.post("/participate/account/", {"public_name": "菱湖居民"}).status_code == 302
    assert PublicAccount.objects.get(user=person).public_name == "菱湖居民"
    page = client.post("/participate/account/", {"public_name": "王13912345678"})
    assert page.status_code == 400 and "个人信息" in page.content.decode()
    assert PublicAccount.objects.get(user=person).public_name == "菱湖居民"
    event = AuditEvent.objects.get(message="修改公开称呼")
    assert "菱湖居民" not in str(event.before) + str(event.after)


def test_my_participation_lists_what_areas_register(client, yingjiang):
    person = make_person(PHONE)
    section = accounts.MySection(
        key="test",
        title="测试区块",
        items=lambda user, site: (
            [accounts.MyItem("我的一条", "/participate/messages/", "已答复")]
            if user.pk == person.pk
            else []
        ),
    )
    accounts.add_my_section(section)
    try:
        client.force_login(person)
        html = client.get("/participate/account/").content.decode()
        assert "测试区块" in html and "我的一条" in html and "已答复" in html
    finally:
        accounts.my_sections.remove(section)


def test_public_pages_link_to_the_public_sign_in(client, yingjiang):
    html = client.get("/").content.decode()
    assert 'href="/participate/account/login/"' in html and "公众登录" in html


def test_a_first_sign_in_that_loses_the_race_finds_the_winners_account(yingjiang, monkeypatch):
    """The insert refused by the unique constraint (another sign-in created the account after
    this one looked) ends in that account, not in an error or a second account."""
    real = accounts._find_account
    calls = []

    def find_after_the_other_committed(lookup):
        calls.append(lookup)
        if len(calls) == 1:  # this sign-in looked and found nothing; then the other one won
            winner = User.objects.create_user(username="winner", password=None)
            PublicAccount.objects.create(user=winner, phone=PHONE, phone_verified_at=timezone.now())
            return None
        return real(lookup)

    monkeypatch.setattr(accounts, "_find_account", find_after_the_other_committed)
    account = accounts.account_for_address("phone", PHONE)
    assert account.user.username == "winner"
    assert PublicAccount.objects.count() == 1
    assert not User.objects.exclude(username="winner").filter(username__startswith="p").exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_first_sign_ins_of_one_phone_give_one_account():
    if connection.vendor != "postgresql":
        pytest.skip(
            "需要 PostgreSQL：SQLite 的测试库是共享缓存的内存库，并发写入的线程立即得到"
            "“database table is locked”而不是等待（唯一约束的并发在 PostgreSQL 上验证）。"
        )
    parallel = 8
    barrier = threading.Barrier(parallel)
    users, errors = [], []

    def first_sign_in():
        try:
            barrier.wait()
            users.append(accounts.account_for_address("phone", PHONE).user_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_sign_in) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(users) == parallel and len(set(users)) == 1
    assert PublicAccount.objects.filter(phone=PHONE).count() == 1
    assert User.objects.filter(public_account__isnull=True, username__startswith="p").count() == 0


def test_the_demo_has_one_verified_person_who_can_sign_in(client, yingjiang, outbox):
    from gongkai.core.demo import DEMO_LOADERS
    from gongkai.participation.plugin_accounts import DEMO_PHONE, load_demo

    assert (56, "participation_accounts", "gongkai.participation.plugin_accounts.load_demo") in (
        DEMO_LOADERS
    )
    lines = load_demo()
    assert DEMO_PHONE in lines[0] and "终端" in lines[0]
    load_demo()
    account = PublicAccount.objects.get(phone=DEMO_PHONE)
    assert account.is_verified and accounts.is_person(account.user)
    done = sign_in(client, address=DEMO_PHONE, outbox=outbox)
    assert done.status_code == 302 and client.session["_auth_user_id"] == str(account.user_id)
