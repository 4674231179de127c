"""What 公众账号 and 举报 plug in: the staff link to the review queue, the demo person, and
the reportable content of the existing areas (livelihood-project proposals)."""

from __future__ import annotations


def register() -> None:
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import NavLink, add_nav, staff_nav

    from . import moderation
    from .models import Proposal

    add_nav(staff_nav, NavLink("举报复核", "participation_staff:moderation", order=46))
    moderation.register(
        Proposal,
        site=lambda p: p.programme.site,
        author=lambda p: p.proposer,
        title=lambda p: f"项目建议：{p.title}",
        url=lambda p: "",
    )
    register_demo_loader(
        "participation_accounts", "gongkai.participation.plugin_accounts.load_demo", order=56
    )


DEMO_PHONE = "13800138000"


def load_demo() -> list[str]:
    """One verified person of the public, so the demo's public pages can be tried signed in
    (the sign-in code appears in the terminal: core.sms.console_sender). Idempotent."""
    from django.utils import timezone

    from gongkai.core.models import User

    from .models import PublicAccount

    if not PublicAccount.objects.filter(phone=DEMO_PHONE).exists():
        user = User.objects.create_user(username="demo-person", password=None)
        PublicAccount.objects.create(
            user=user, phone=DEMO_PHONE, phone_verified_at=timezone.now(), public_name="演示网友"
        )
    return [
        f"公众账号：在“公众登录”输入手机号 {DEMO_PHONE}（或任意新手机号注册），"
        "短信验证码显示在本终端；邮箱验证码写入 var/mail 目录。"
    ]
