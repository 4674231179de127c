"""Forms of the public sign-in (phone or e-mail, then the code), the account page and the
report (举报) button."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .accounts import CODE_LENGTH
from .forms import HoneypotForm, _text
from .models import FlagReason


class AddressForm(HoneypotForm):
    address = forms.CharField(
        label=_("手机号或电子邮箱"),
        max_length=254,
        help_text=_("我们会向该手机号或邮箱发送 6 位验证码；首次使用即完成注册。"),
        error_messages={"required": _("请输入手机号或电子邮箱。")},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)

    field_order = ["address", "website", "next"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("验证码"),
        regex=rf"^\s*\d{{{CODE_LENGTH}}}\s*$",
        max_length=12,
        error_messages={
            "required": _("请输入收到的 6 位验证码。"),
            "invalid": _("验证码是 6 位数字。"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"\d{6}"}
        )


class PublicNameForm(forms.Form):
    public_name = _text(
        _("公开显示的称呼"),
        30,
        required=False,
        help_text=_(
            "发表意见、提出建议时显示；不填则显示为“网友”加编号。请勿填写真实姓名、手机号。"
        ),
    )


class FlagForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput, max_length=120)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    reason = forms.ChoiceField(
        label=_("举报理由"),
        choices=FlagReason.choices,
        error_messages={"required": _("请选择举报理由。"), "invalid_choice": _("请选择举报理由。")},
    )
