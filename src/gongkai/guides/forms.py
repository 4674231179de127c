"""Forms of the staff guide pages. They only parse what people type; the rules (what a draft may
hold, what a guide needs before it is submitted) are in guides.workflow and guides.rules.

The rows of a guide (conditions, materials, steps) are plain formsets with a few empty rows
and an "add rows" button, so the page works without JavaScript; an empty row is ignored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.versioning import VersionForm

from .models import (
    Audience,
    CertificateType,
    ItemType,
    MaterialForm,
    MaterialSource,
    Window,
)
from .workflow import GUIDE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})
#: empty rows offered below the filled ones, and how many more "add rows" gives
EXTRA_ROWS = 2
MORE_ROWS = 3
MAX_ROWS = 60


class ItemForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("实施机构"), queryset=None)
    code = forms.CharField(
        label=_("事项编码"), max_length=80, help_text=_("政务服务事项编码，如 340802-XK-0001")
    )
    name = forms.CharField(label=_("事项名称"), max_length=200)
    item_type = forms.ChoiceField(label=_("事项类型"), choices=ItemType.choices)
    audience = forms.ChoiceField(label=_("服务对象"), choices=Audience.choices)
    catalogue_item = forms.ModelChoiceField(
        label=_("标准目录事项（服务）"), queryset=None, required=False
    )
    effective_from = forms.DateField(
        label=_("指南生效日期"), widget=DATE, help_text=_("第1版办事指南自此日起施行")
    )

    def __init__(self, *args, organisations=None, catalogue_items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["catalogue_item"].queryset = catalogue_items
        self.fields["catalogue_item"].label_from_instance = lambda i: f"{i.domain.name} / {i.name}"


class GuideForm(VersionForm):
    """The guide's own fields, with the version it was loaded at (core.versioning)."""

    effective_from = forms.DateField(
        label=_("生效日期"), widget=DATE, help_text=_("本版自此日起施行；早于此日仍适用上一版")
    )
    change_reason = forms.CharField(
        label=_("变更说明"),
        required=False,
        widget=SHORT_TEXT,
        help_text=_("第2版起必填：改了什么、为什么（如收费标准调整）"),
    )
    summary = forms.CharField(label=_("简版说明"), required=False, widget=SHORT_TEXT)
    legal_basis = forms.CharField(label=_("设定依据"), required=False, widget=SHORT_TEXT)
    applicant = forms.CharField(label=_("申请对象"), required=False, widget=SHORT_TEXT)
    statutory_limit_days = forms.IntegerField(
        label=_("法定办结时限（工作日）"), required=False, min_value=0, max_value=3650
    )
    promised_limit_days = forms.IntegerField(
        label=_("承诺办结时限（工作日）"), required=False, min_value=0, max_value=3650
    )
    fee_free = forms.BooleanField(label=_("不收费"), required=False)
    fee_text = forms.CharField(label=_("收费标准"), required=False, widget=SHORT_TEXT)
    fee_basis = forms.CharField(label=_("收费依据"), required=False, widget=SHORT_TEXT)
    address = forms.CharField(label=_("办理地点"), required=False, max_length=300)
    hours = forms.CharField(label=_("办理时间"), required=False, max_length=300)
    windows = forms.ModelMultipleChoiceField(
        label=_("受理窗口"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    online_url = forms.URLField(label=_("网上办理地址"), required=False, assume_scheme="https")
    visits_required = forms.IntegerField(
        label=_("到现场次数"), min_value=0, max_value=20, initial=1
    )
    consult_phone = forms.CharField(label=_("咨询电话"), required=False, max_length=100)
    complaint_phone = forms.CharField(label=_("监督投诉电话"), required=False, max_length=100)
    most_once = forms.BooleanField(label=_("最多跑一次"), required=False)

    FIELDS = GUIDE_FIELDS

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["windows"].queryset = Window.objects.filter(site=site, is_active=True)

    def guide_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}


class ConditionRow(forms.Form):
    text = forms.CharField(label=_("受理条件"), required=False, widget=SHORT_TEXT)


class MaterialRow(forms.Form):
    name = forms.CharField(label=_("材料名称"), required=False, max_length=200)
    source = forms.ChoiceField(
        label=_("来源渠道"),
        choices=MaterialSource.choices,
        initial=MaterialSource.APPLICANT,
        required=False,
    )
    copies = forms.IntegerField(
        label=_("份数"), min_value=1, max_value=99, initial=1, required=False
    )
    form = forms.ChoiceField(
        label=_("材料形式"),
        choices=MaterialForm.choices,
        initial=MaterialForm.ORIGINAL,
        required=False,
    )
    required = forms.BooleanField(label=_("必要"), required=False, initial=True)
    legal_basis = forms.CharField(label=_("设定依据"), required=False, widget=SHORT_TEXT)
    notes = forms.CharField(label=_("填报须知"), required=False, widget=SHORT_TEXT)
    certificate = forms.ModelChoiceField(
        label=_("可替代的电子证照或共享数据"),
        queryset=CertificateType.objects.none(),
        required=False,
        empty_label=_("（无，须申请人提供）"),
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = CertificateType.objects.filter(site=site)


class StepRow(forms.Form):
    name = forms.CharField(label=_("环节名称"), required=False, max_length=100)
    description = forms.CharField(label=_("办理内容"), required=False, widget=SHORT_TEXT)
    time_limit_days = forms.IntegerField(
        label=_("环节时限（工作日）"), required=False, min_value=0, max_value=3650
    )
    fee_text = forms.CharField(
        label=_("环节收费"), required=False, max_length=200, initial="不收费"
    )


class RowFormSet(forms.BaseFormSet):
    """Rows in the order shown; a row whose main text is empty is left out (not an error)."""

    main_field = "name"

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and (form.cleaned_data.get(self.main_field) or "").strip()
        ]


class ConditionFormSet(RowFormSet):
    main_field = "text"


def row_formsets(data=None, *, site, guide=None, extra=EXTRA_ROWS) -> dict:
    """The three row formsets of the edit page, filled from `guide` when unbound."""
    extra = max(0, min(extra, MAX_ROWS))
    make = forms.formset_factory
    conditions = make(ConditionRow, formset=ConditionFormSet, extra=extra, max_num=MAX_ROWS)
    materials = make(MaterialRow, formset=RowFormSet, extra=extra, max_num=MAX_ROWS)
    steps = make(StepRow, formset=RowFormSet, extra=extra, max_num=MAX_ROWS)
    initial = {"conditions": None, "materials": None, "steps": None}
    if guide is not None and data is None:
        initial["conditions"] = [{"text": c.text} for c in guide.conditions.all()]
        initial["materials"] = [
            {
                "name": m.name,
                "source": m.source,
                "copies": m.copies,
                "form": m.form,
                "required": m.required,
                "legal_basis": m.legal_basis,
                "notes": m.notes,
                "certificate": m.certificate_id,
            }
            for m in guide.materials.all()
        ]
        initial["steps"] = [
            {
                "name": s.name,
                "description": s.description,
                "time_limit_days": s.time_limit_days,
                "fee_text": s.fee_text,
            }
            for s in guide.steps.all()
        ]
    return {
        "conditions": conditions(data, prefix="conditions", initial=initial["conditions"]),
        "materials": materials(
            data,
            prefix="materials",
            initial=initial["materials"],
            form_kwargs={"site": site},
        ),
        "steps": steps(data, prefix="steps", initial=initial["steps"]),
    }


class NewVersionForm(forms.Form):
    effective_from = forms.DateField(
        label=_("新版本生效日期"), widget=DATE, help_text=_("到此日前，公开页面仍显示现行版本")
    )
    change_reason = forms.CharField(
        label=_("变更说明"), widget=SHORT_TEXT, help_text=_("如：收费标准调整、申请材料精简")
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("退回意见"), widget=SHORT_TEXT)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), widget=SHORT_TEXT)
