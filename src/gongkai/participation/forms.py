"""Forms of the public pages and the staff pages. Size limits are the form's maxlength and
the rules' (which refuse, not cut); `website` is a honeypot a person never sees or fills."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation

from . import rules
from .models import FeedbackState

HONEYPOT_ERROR = _("提交未成功，请稍后重试。")


class HoneypotForm(forms.Form):
    website = forms.CharField(label=_("请勿填写此项"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(HONEYPOT_ERROR, code="honeypot")
        return data

    @property
    def caught(self) -> bool:
        return any(e.code == "honeypot" for e in self.non_field_errors().as_data())


def _text(label, limit, *, rows=None, required=True, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows, "maxlength": limit}) if rows else None
    field = forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        error_messages={
            "required": _("请填写此项。"),
            "max_length": _("内容过长，请不超过 %(limit_value)d 字。"),
        },
        **({"widget": widget} if widget else {}),
    )
    return field


class MessageForm(HoneypotForm):
    organisation = forms.ModelChoiceField(
        label=_("向哪个机构留言"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择机构。"), "invalid_choice": _("请选择机构。")},
    )
    subject = _text(_("标题"), rules.MAX_SUBJECT)
    question = _text(_("留言内容"), rules.MAX_QUESTION, rows=8)
    name = _text(_("姓名"), 50)
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        help_text=_("联系电话和电子邮箱至少填写一项，查询答复时需要输入。"),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        error_messages={"invalid": _("请输入正确的电子邮箱。")},
    )
    publish = forms.TypedChoiceField(
        label=_("是否公开"),
        choices=[("1", _("同意公开（姓名和联系方式不公开）")), ("0", _("不公开"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    field_order = ["organisation", "subject", "question", "name", "phone", "email", "publish"]

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = rules.message_organisations(site)
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("phone", "").strip() and not data.get("email"):
            self.add_error("phone", _("联系电话和电子邮箱至少填写一项。"))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)
    contact = forms.CharField(label=_("留言时填写的联系电话或电子邮箱"), max_length=254)


class RatingForm(HoneypotForm):
    page = forms.CharField(widget=forms.HiddenInput, max_length=300)
    score = forms.TypedChoiceField(
        label=_("您对本页的满意程度"),
        choices=[
            ("5", _("5 分 非常满意")),
            ("4", _("4 分 满意")),
            ("3", _("3 分 一般")),
            ("2", _("2 分 不满意")),
            ("1", _("1 分 非常不满意")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评分。")},
    )
    comment = _text(_("意见或建议（选填）"), rules.MAX_COMMENT, rows=3, required=False)


class ErrorReportForm(HoneypotForm):
    page = forms.CharField(
        label=_("出错的页面"),
        max_length=300,
        help_text=_("从页面上的“我要纠错”进入时已自动填写。"),
        error_messages={"required": _("请填写出错页面的地址。")},
    )
    description = _text(_("错误描述"), rules.MAX_DESCRIPTION, rows=5)
    contact = forms.CharField(
        label=_("联系方式（选填）"),
        required=False,
        max_length=100,
        help_text=_("如需告知处理结果，请留下电话或电子邮箱；不会公开。"),
    )


# --------------------------------------------------------------------------- staff


class ReplyForm(forms.Form):
    text = _text(_("答复内容"), 5000, rows=8)
    published = forms.BooleanField(
        label=_("在网站公开（留言人同意公开时）"), required=False, initial=True
    )


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("转办给"), queryset=Organisation.objects.none(), empty_label=_("请选择")
    )
    reason = _text(_("转办理由"), 300)

    def __init__(self, *args, site=None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = rules.message_organisations(site)
        if exclude is not None:
            qs = qs.exclude(pk=exclude.pk)
        self.fields["to"].queryset = qs


class CloseForm(forms.Form):
    note = _text(_("关闭说明"), 500, help_text=_("例如：重复留言、与政务无关的广告。"))


class HandleForm(forms.Form):
    state = forms.ChoiceField(
        label=_("处理结果"),
        choices=[(FeedbackState.ANSWERED, _("已答复")), (FeedbackState.CLOSED, _("关闭"))],
        widget=forms.RadioSelect,
        initial=FeedbackState.ANSWERED,
    )
    note = _text(_("处理说明"), 1000, rows=3)
