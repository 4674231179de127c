"""One SMS sender for the platform (core.sms): the dotted path in settings.SMS_SENDER, the
older FOI_SMS_SENDER as a fallback, the console sender of the demo and the tests' outbox."""

import os
import subprocess
import sys

from gongkai.core import sms
from gongkai.foi import notify

SENT: list = []


def fake(phone, text):
    SENT.append((phone, text))


def test_the_configured_sender_is_called(settings):
    SENT.clear()
    settings.SMS_SENDER = "tests.core.test_sms.fake"
    sms.send_sms("13800138000", "验证码 123456")
    assert SENT == [("13800138000", "验证码 123456")]


def test_foi_notices_use_the_same_sender_and_the_old_name_still_works(settings):
    SENT.clear()
    settings.SMS_SENDER = ""
    settings.FOI_SMS_SENDER = "tests.core.test_sms.fake"
    notify.send_sms("13800138000", "已收到申请")
    assert SENT == [("13800138000", "已收到申请")] and sms.can_send()
    settings.SMS_SENDER = "gongkai.core.sms.outbox_sender"
    sms.outbox.clear()
    notify.send_sms("13800138001", "已答复")
    assert sms.outbox == [("13800138001", "已答复")] and len(SENT) == 1
    sms.outbox.clear()


def test_without_a_sender_nothing_is_sent_and_the_number_is_masked(settings, caplog):
    settings.SMS_SENDER = settings.FOI_SMS_SENDER = ""
    caplog.set_level("INFO", logger="gongkai.core.sms")
    sms.send_sms("13800138000", "验证码 654321")
    assert not sms.can_send()
    assert "138****8000" in caplog.text and "654321" not in caplog.text


def test_the_console_sender_prints_the_text_in_the_terminal(capsys):
    sms.console_sender("13800138000", "您的登录验证码是 246810")
    assert "246810" in capsys.readouterr().err


def test_the_demo_uses_the_console_sender(tmp_path):
    """`make run` sets GONGKAI_DEMO=1: the code for a new registration is printed there."""
    env = {**os.environ, "GONGKAI_DEMO": "1", "GONGKAI_VAR_DIR": str(tmp_path)}
    env.pop("GONGKAI_SMS_SENDER", None)
    code = "from django.conf import settings; print(settings.SMS_SENDER)"
    out = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
         f"'gongkai.settings'; django.setup(); {code}"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "gongkai.core.sms.console_sender"
    env.pop("GONGKAI_DEMO")
    out = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
         f"'gongkai.settings'; django.setup(); {code}"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == ""
