"""Forms for the editor, reviewer and subscription pages. Rules live in workflow.py."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from gongkai.core.versioning import VersionForm

from .models import (
    GENRES,
    SUBJECTS,
    Disclosure,
    InterpretationForm,
    Kind,
    Record,
    State,
    Validity,
)
from .workflow import KIND_FIELDS, KIND_REQUIRED, apply_kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def rich_text() -> forms.Textarea:
    """The body's textarea, which editor.js turns into the editor; pastes are cleaned at
    `clean-url` by the same sanitiser the save goes through."""
    return forms.Textarea(
        attrs={
            "rows": 14,
            "class": "rich-text",
            "data-clean-url": reverse_lazy("records_staff:clean_html"),
        }
    )


BODY_HELP = _(
    "回车另起一段；可设标题、列表、表格、链接和图片（图片须填写替代文本）。"
    "从 Word 粘贴时保留结构，去除字体和样式。"
)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱"), max_length=254)


class RecordForm(VersionForm):
    """The drafting fields. `catalogue_item` and `organisation` are chosen from what the
    user may publish under; the body comes from the editor or from a .docx. Editing an
    existing draft carries its version (`versioned`); a new draft has none."""

    organisation = forms.ModelChoiceField(label=_("发布机构"), queryset=None)
    catalogue_item = forms.ModelChoiceField(label=_("公开事项（目录末级）"), queryset=None)
    kind = forms.ChoiceField(label=_("信息类别"), choices=Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=300)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    written_on = forms.DateField(label=_("成文日期"), required=False, widget=DATE)
    formed_on = forms.DateField(
        label=_("形成/变更日期"),
        widget=DATE,
        help_text=_("公开时限自此日次日起算（《条例》第二十六条）"),
    )
    subject = forms.ChoiceField(label=_("主题分类"), choices=SUBJECTS)
    genre = forms.ChoiceField(label=_("体裁"), choices=GENRES)
    keywords = forms.CharField(label=_("主题词"), max_length=200, required=False)
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices, required=False)
    disclosure = forms.ChoiceField(label=_("公开属性"), choices=Disclosure.choices)
    disclosure_reason = forms.CharField(
        label=_("不予公开/依申请公开理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    policy = forms.ModelChoiceField(label=_("所解读的政策"), queryset=None, required=False)
    interpretation_form = forms.ChoiceField(
        label=_("解读形式"),
        choices=[("", "—"), *InterpretationForm.choices],
        required=False,
    )
    video_url = forms.URLField(label=_("视频链接"), required=False)
    meeting_on = forms.DateField(label=_("会议日期"), required=False, widget=DATE)
    public_attendance = forms.CharField(
        label=_("公众列席情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label=_("内容概述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=rich_text(),
        help_text=BODY_HELP,
    )
    docx = forms.FileField(
        label=_("或上传 Word 文档（.docx）作为正文"),
        required=False,
        help_text=_("上传后正文以 Word 文档内容为准，自动转换并清理格式"),
    )
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("PDF、Word、Excel、OFD、图片，单个不超过 20 MB，元数据会被清除"),
    )
    attachment_alt = forms.CharField(
        label=_("附件为图片时的替代文本"), max_length=200, required=False
    )

    def __init__(
        self, *args, organisations=None, items=None, site_ids=None, versioned=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if not versioned:
            for key in self.VERSION_KEYS:
                del self.fields[key]
        self.fields["organisation"].queryset = organisations
        self.fields["catalogue_item"].queryset = items
        self.fields["catalogue_item"].label_from_instance = lambda i: f"{i.domain.name} / {i.name}"
        self.fields["policy"].queryset = Record.objects.filter(
            kind=Kind.POLICY, site_id__in=site_ids or [], state__in=[
                State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED, State.PUBLISHED
            ]
        )  # fmt: skip
        self._mark_kind_fields()

    def _mark_kind_fields(self) -> None:
        """Say on each kind-dependent field which kinds it is for: as a hint everybody reads
        (without JavaScript every field is shown) and as `data-kinds`, by which editor.js
        hides the fields that do not apply to the chosen kind."""
        labels = dict(Kind.choices)
        for name, kinds in KIND_FIELDS.items():
            field = self.fields[name]
            ordered = [k for k in Kind.values if k in kinds]
            field.widget.attrs["data-kinds"] = " ".join(ordered)
            hint = _("适用于：%(kinds)s") % {"kinds": "、".join(str(labels[k]) for k in ordered)}
            required = [str(labels[k]) for k in Kind.values if name in KIND_REQUIRED.get(k, {})]
            if required:
                hint += _("；%(kinds)s必填") % {"kinds": "、".join(required)}
            field.help_text = f"{field.help_text}；{hint}" if field.help_text else hint

    def clean(self):
        """Fields that do not belong to the chosen kind are neither checked nor saved; what
        the kind requires is asked for beside its field (rules in workflow.apply_kind)."""
        data = super().clean()
        if "kind" not in data:
            return data
        for name in KIND_FIELDS:
            if data["kind"] not in KIND_FIELDS[name]:
                self._errors.pop(name, None)
        for name, message in apply_kind(data).items():
            self.add_error(name, message)
        return data

    def record_data(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("organisation", "catalogue_item", "docx", "attachment", "attachment_alt",
                    *self.VERSION_KEYS):  # fmt: skip
            data.pop(key, None)
        if not data.get("interpretation_form"):
            data["interpretation_form"] = ""
        return data


class RevisionForm(VersionForm):
    """A revision of published content; reworking a returned revision carries its version."""

    title = forms.CharField(label=_("标题"), max_length=300)
    summary = forms.CharField(
        label=_("内容概述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=rich_text(),
        help_text=BODY_HELP,
    )
    docx = forms.FileField(label=_("或上传 Word 文档（.docx）作为正文"), required=False)
    reason = forms.CharField(
        label=_("更新说明"),
        help_text=_("将显示在公开页面的“更新记录”中"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, versioned=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not versioned:
            for key in self.VERSION_KEYS:
                del self.fields[key]


class ReviewForm(forms.Form):
    no_state_secrets = forms.BooleanField(label=_("不涉及国家秘密"), required=False)
    no_personal_info = forms.BooleanField(label=_("不含个人隐私，或已依法处理"), required=False)
    no_business_secrets = forms.BooleanField(
        label=_("不含商业秘密，或已征得权利人同意"), required=False
    )
    no_stability_risk = forms.BooleanField(
        label=_("不危及国家安全、公共安全、经济安全和社会稳定"), required=False
    )
    note = forms.CharField(
        label=_("审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("退回意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    at = forms.DateTimeField(
        label=_("定时发布时间（留空为立即发布）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100)
