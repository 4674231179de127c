"""Forms of 征求意见 and 参政智囊团 (public and staff)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import consultations as rules
from .forms import HoneypotForm, _text
from .models import Disposition, RejectionReason


class CommentForm(HoneypotForm):
    """Without JavaScript the paragraph is chosen from the list (or comes from the paragraph's
    own link) and the passage is copied into `quote`; the script fills start and end from a
    text selection."""

    paragraph = forms.TypedChoiceField(
        label=_("针对的段落"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("不选择则为对全文的意见。"),
    )
    quote = _text(
        _("引用原文（选填）"),
        500,
        required=False,
        help_text=_("可从所选段落中复制要提意见的文字。"),
    )
    text = _text(_("意见内容"), rules.MAX_COMMENT, rows=6)
    name_consent = forms.BooleanField(
        label=_("智囊团成员：同意以本人姓名公开此意见"), required=False
    )
    start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    field_order = ["paragraph", "quote", "text", "name_consent"]

    def __init__(self, *args, version=None, advisory=False, **kwargs):
        super().__init__(*args, **kwargs)
        paragraphs = version.paragraphs if version is not None else []
        self.fields["paragraph"].choices = [("", _("对全文提意见"))] + [
            (i, f"第 {i + 1} 段：{p[:30]}{'…' if len(p) > 30 else ''}")
            for i, p in enumerate(paragraphs)
        ]
        if not advisory:
            del self.fields["name_consent"]


class ConsultationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("征求意见机构"), queryset=None)
    title = _text(_("标题"), rules.MAX_TITLE)
    purpose = _text(_("征求意见说明"), rules.MAX_PURPOSE, rows=4, required=False)
    opens_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    text = _text(
        _("草案正文"),
        rules.MAX_DRAFT,
        rows=12,
        required=False,
        help_text=_("每段一行。也可以改为选择已发布的信息或上传 Word 文档。"),
    )
    record = forms.ModelChoiceField(
        label=_("或：已发布的信息"), queryset=None, required=False, empty_label=_("不选择")
    )
    document = forms.FileField(label=_("或：上传 Word 文档（.docx）"), required=False)

    def __init__(self, *args, organisations=None, records=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["record"].queryset = records


class VersionForm(forms.Form):
    text = _text(_("新版草案正文"), rules.MAX_DRAFT, rows=12)
    changelog = _text(_("修改说明"), rules.MAX_REASON, rows=3)


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("publish", _("公开")), ("reject", _("不予采用（不公开）"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("不予采用的理由"),
        choices=[("", _("请选择"))] + list(RejectionReason.choices),
        required=False,
    )


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("采纳情况"), choices=Disposition.choices, widget=forms.RadioSelect
    )
    reason = _text(
        _("理由"), rules.MAX_REASON, rows=3, required=False, help_text=_("部分采纳或未采纳须填写。")
    )


class FinalForm(forms.Form):
    record = forms.ModelChoiceField(label=_("正式文件（已发布的信息）"), queryset=None)

    def __init__(self, *args, records=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = records


class MemberForm(forms.Form):
    name = _text(_("姓名"), 50)
    expertise = _text(_("专业领域"), 200, help_text=_("多个领域用顿号分隔。"))
    bio = _text(_("简介"), 500, rows=3, required=False)
    phone = forms.CharField(
        label=_("公众账号手机号（选填）"),
        max_length=30,
        required=False,
        help_text=_("成员已注册公众账号时填写，便于其在线提出意见。"),
    )
    public_consent = forms.BooleanField(label=_("成员同意公开姓名和简介"), required=False)


class InviteForm(forms.Form):
    member = forms.ModelChoiceField(label=_("智囊团成员"), queryset=None)
    note = _text(_("邀请说明"), 300, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
