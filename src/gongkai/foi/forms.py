"""Forms for applying, registering and handling requests. They check input; the rules are in
foi.rules and foi.workflow."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import FOI_RECIPIENT_TYPES, Organisation
from gongkai.core.versioning import VersionForm

from .models import (
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    Delivery,
    FeeMode,
    IdType,
    OrgCategory,
    Outcome,
    WantedForm,
)
from .rules import (
    MAX_CORRECTION_FILES,
    MAX_EXTENSION_DAYS,
    MAX_UPLOAD_BYTES,
    RELEASED_KINDS,
    RuleError,
    check_upload,
)


class CheckedFileField(forms.FileField):
    """A request's file (ID copy, licence, scan), checked by its whole content when the form
    is validated, as record attachments are (foi.rules.check_upload → core.uploads), so the
    applicant sees the reason next to the field."""

    kinds = None

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def check(self, uploaded) -> None:
        uploaded.seek(0)
        content = uploaded.read(MAX_UPLOAD_BYTES + 1)
        uploaded.seek(0)
        try:
            check_upload(content, max(uploaded.size or 0, len(content)), kinds=self.kinds)
        except RuleError as exc:
            name = getattr(uploaded, "name", "")
            raise forms.ValidationError(f"{name}：{exc}" if name else str(exc)) from None

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            self.check(uploaded)
        return uploaded


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CheckedFilesField(CheckedFileField):
    """Several files in one input (no JavaScript needed), each checked as CheckedFileField."""

    def __init__(self, *args, max_files: int = 10, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)
        self.max_files = max_files

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        items = [item for item in items if item]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(items) > self.max_files:
            raise forms.ValidationError(f"一次最多上传 {self.max_files} 个文件。")
        cleaned = [forms.FileField.clean(self, item, initial) for item in items]
        for uploaded in cleaned:
            self.check(uploaded)
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, required=True, initial_today=True, **kwargs):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        initial=timezone.localdate if initial_today else None,
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD。"), "required": _("请填写日期。")},
        **kwargs,
    )


PHONE_RE = re.compile(r"^\+?[\d\s\-]{7,20}$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_resident_id(value: str) -> bool:
    """18-digit 居民身份证号码 with its check digit (GB 11643)."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17]


def public_organisations(site):
    """Organs that can be asked: active administrative organs and authorised organisations
    (《条例》第二条、第五十四条; core.models.FOI_RECIPIENT_TYPES)."""
    return Organisation.objects.foi_recipients().filter(site=site, is_active=True).order_by("path")


class ApplicantFields(forms.Form):
    """The content of a request (《条例》第二十九条)."""

    applicant_kind = forms.ChoiceField(
        label=_("申请人类型"),
        choices=ApplicantKind.choices,
        widget=forms.RadioSelect,
        initial=ApplicantKind.NATURAL,
    )
    org_category = forms.ChoiceField(
        label=_("组织类别"),
        choices=[("", _("（自然人不填）"))] + list(OrgCategory.choices),
        required=False,
        help_text=_("法人或其他组织必填。"),
    )
    org_name = forms.CharField(label=_("法人或其他组织名称"), max_length=200, required=False)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("法人或其他组织必填，18 位。"),
    )
    name = forms.CharField(
        label=_("姓名"),
        max_length=100,
        help_text=_("法人或其他组织请填写经办人姓名。"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        help_text=_("查询办理进度时需要输入这个号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        error_messages={"invalid": _("请输入有效的电子邮箱地址。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("通信地址"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("邮政编码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    description = forms.CharField(
        label=_("所需信息的内容描述"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请尽量写明文件名称、文号或其他便于查找的特征。"),
    )
    document_title = forms.CharField(label=_("文件名称（选填）"), max_length=200, required=False)
    document_number = forms.CharField(label=_("文号（选填）"), max_length=100, required=False)
    purpose = forms.CharField(label=_("其他特征描述（选填）"), max_length=200, required=False)
    wanted_form = forms.ChoiceField(
        label=_("获取信息的载体形式"),
        choices=WantedForm.choices,
        widget=forms.RadioSelect,
        initial=WantedForm.ELECTRONIC,
    )
    delivery = forms.ChoiceField(
        label=_("获取信息的方式"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        initial=Delivery.EMAIL,
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_RE.match(phone) or len(re.sub(r"\D", "", phone)) < 7:
            raise forms.ValidationError(_("请输入有效的电话号码，例如 13800000000。"))
        return phone

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_kind")
        if kind == ApplicantKind.LEGAL:
            if not data.get("org_category"):
                self.add_error("org_category", _("请选择法人或其他组织的类别。"))
            if not data.get("org_name", "").strip():
                self.add_error("org_name", _("请填写法人或其他组织名称。"))
            code = data.get("credit_code", "")
            if not CREDIT_CODE_RE.match(code):
                self.add_error("credit_code", _("统一社会信用代码应为 18 位数字或大写字母。"))
        id_number = data.get("id_number", "").strip().upper()
        if (
            data.get("id_type") == IdType.RESIDENT_ID
            and id_number
            and not valid_resident_id(id_number)
        ):
            self.add_error(
                "id_number", _("居民身份证号码不正确，请检查（18 位，最后一位可能是 X）。")
            )
        data["id_number"] = id_number
        if data.get("delivery") == Delivery.EMAIL and not data.get("email"):
            self.add_error("email", _("选择电子邮件方式获取时，请填写电子邮箱。"))
        if data.get("delivery") == Delivery.POST and not data.get("address", "").strip():
            self.add_error("address", _("选择邮寄方式获取时，请填写通信地址。"))
        return data


class PublicApplyForm(ApplicantFields):
    organisation = forms.ModelChoiceField(
        label=_("向哪个机关申请"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请选择机关。")},
    )
    id_copy = CheckedFileField(
        label=_("身份证明（复印件或照片）"),
        help_text=_("PDF、JPG 或 PNG，不超过 10 MB。只有办理机关能看到。"),
    )
    licence = CheckedFileField(
        label=_("营业执照或登记证书（法人或其他组织）"),
        required=False,
        help_text=_("PDF、JPG 或 PNG，不超过 10 MB。"),
    )
    website = forms.CharField(label=_("请勿填写此项"), required=False)

    field_order = ["organisation", "applicant_kind"]

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = public_organisations(site)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("提交未成功，请稍后重试。"))
        if data.get("applicant_kind") == ApplicantKind.LEGAL and not data.get("licence"):
            self.add_error("licence", _("法人或其他组织请上传营业执照或登记证书。"))
        return data


class StaffRegisterForm(ApplicantFields):
    """Staff registration of a letter, a visit, a fax or an email (《条例》第二十九条、第三十一条)."""

    organisation = forms.ModelChoiceField(
        label=_("被申请机关"), queryset=Organisation.objects.none()
    )
    channel = forms.ChoiceField(
        label=_("申请渠道"),
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
    )
    submitted_on = date_field(_("提交（寄出、发送）日期"))
    mail_signed = forms.BooleanField(
        label=_("需要签收的邮件（挂号信、快递）"),
        required=False,
    )
    signed_on = date_field(_("签收日期"), required=False, initial_today=False)
    confirmed_on = date_field(
        _("与申请人确认的日期"),
        required=False,
        initial_today=False,
        help_text=_("平常信函、传真、电子邮件：以双方确认之日为收到申请之日。"),
    )
    scan = CheckedFileField(
        label=_("申请原件扫描件"), required=False, help_text=_("PDF、JPG 或 PNG，不超过 10 MB。")
    )
    id_copy = CheckedFileField(label=_("身份证明"), required=False)

    field_order = [
        "organisation",
        "channel",
        "submitted_on",
        "mail_signed",
        "signed_on",
        "confirmed_on",
        "scan",
    ]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the organs the user may act for, of those a request can be addressed to
        self.fields["organisation"].queryset = organisations.filter(
            legal_type__in=FOI_RECIPIENT_TYPES
        )


class ActionForm(VersionForm):
    """A step on a case; it carries the case version the page showed (no lost updates)."""

    on = date_field(_("日期"))


class CorrectionForm(ActionForm):
    what = forms.CharField(label=_("需要补正的事项"), widget=forms.Textarea(attrs={"rows": 3}))
    correct_by = date_field(
        _("补正期限"),
        required=False,
        initial_today=False,
        help_text=_("不填则为通知后 15 个工作日。"),
    )


class NoteForm(ActionForm):
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class CorrectionReceivedForm(NoteForm):
    file = CheckedFileField(label=_("补正材料（选填）"), required=False)


class ConsultForm(ActionForm):
    party = forms.CharField(
        label=_("征求意见对象"), max_length=200, help_text=_("第三方或其他机关的名称。")
    )


class ExtendForm(ActionForm):
    days = forms.IntegerField(
        label=_("延长的工作日数"),
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        initial=20,
        error_messages={
            "min_value": _("至少延长 1 个工作日。"),
            "max_value": _("最多延长 20 个工作日（《条例》第三十三条）。"),
        },
    )
    approver = forms.CharField(label=_("批准人（公开工作机构负责人）"), max_length=100)
    reason = forms.CharField(label=_("延期理由"), max_length=300)


class FeeForm(ActionForm):
    mode = forms.ChoiceField(label=_("计收方式"), choices=FeeMode.choices, widget=forms.RadioSelect)
    monthly_count = forms.IntegerField(
        label=_("本月第几件申请（按件）"), min_value=1, required=False
    )
    pages = forms.IntegerField(label=_("页数（按量）"), min_value=1, required=False)

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if data.get("monthly_count") and data.get("pages"):
            raise forms.ValidationError(_("按件计收和按量计收只能选择一种，不能同时填写。"))
        if mode == FeeMode.PER_REQUEST and not data.get("monthly_count"):
            self.add_error("monthly_count", _("按件计收时，请填写本月第几件申请。"))
        if mode == FeeMode.PER_PAGE and not data.get("pages"):
            self.add_error("pages", _("按量计收时，请填写页数。"))
        return data


def outcome_choices():
    groups: dict[str, list] = {}
    for value, label in Outcome.choices:
        head, _sep, rest = str(label).partition("：")
        groups.setdefault(head, []).append((value, rest or head))
    return [("", _("请选择"))] + [
        (head, items) if len(items) > 1 else items[0] for head, items in groups.items()
    ]


class ReplyForm(ActionForm):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=outcome_choices)
    reason = forms.CharField(
        label=_("理由或说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("部分公开、不予公开、无法提供、不予处理时必填。"),
    )
    released = CheckedFilesField(
        label=_("公开的政府信息（选填）"),
        required=False,
        kinds=RELEASED_KINDS,
        help_text=_(
            "予以公开或部分公开时，附上提供给申请人的文件（PDF、Word、Excel、OFD、图片，"
            "每个不超过 10 MB，可多选）；申请人可在查询页面下载，选择电子邮件的随邮件发送。"
        ),
    )


class CloseForm(ActionForm):
    reason = forms.CharField(
        label=_("原因"), max_length=200, help_text=_("例如：办结归档；误登记（重复录入）。")
    )


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=AppealKind.choices)
    filed_on = date_field(_("受理日期"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class AppealResultForm(forms.Form):
    appeal = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("结果"), choices=AppealResult.choices)
    decided_on = date_field(_("审结日期"), required=False, initial_today=False)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("提交申请后得到的 12 位查询码，例如 ABCD-EFGH-JKLM。"),
    )
    phone = forms.CharField(
        label=_("申请时填写的联系电话"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class CorrectionSubmitForm(forms.Form):
    """The applicant's online correction (《条例》第三十条), from the tracking page."""

    text = forms.CharField(
        label=_("补正说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("按补正通知写明需要补充或更正的内容。"),
    )
    files = CheckedFilesField(
        label=_("补正材料（选填）"),
        required=False,
        max_files=MAX_CORRECTION_FILES,
        help_text=_("PDF、JPG、PNG 格式，每个不超过 10 MB，最多 5 个，可多选。"),
    )


class StaffFilterForm(forms.Form):
    DUE = [
        ("", _("全部")),
        ("week", _("本周到期")),
        ("overdue", _("已逾期")),
        ("open", _("未办结")),
    ]
    q = forms.CharField(label=_("编号或申请人"), required=False)
    due = forms.ChoiceField(label=_("期限"), choices=DUE, required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("机关"), queryset=Organisation.objects.none(), required=False, empty_label=_("全部")
    )

    def __init__(self, *args, organisations=None, **kwargs):
        from .models import State

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部"))] + list(State.choices)
        self.fields["organisation"].queryset = organisations
