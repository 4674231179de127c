"""Forms of the inspection and evaluation pages; the rules are in inspections.py and
evaluation.py, which check everything again."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.versioning import VersionForm

from .inspections import MAX_DEADLINE_DAYS
from .models import InspectionKind, Severity


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=InspectionKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    period = forms.CharField(
        label=_("检查期间"), max_length=100, help_text=_("例如：2026年第四季度")
    )
    held_on = forms.DateField(label=_("检查日期"), widget=DateInput())
    summary = forms.CharField(
        label=_("基本情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReportTextsForm(forms.Form):
    summary = forms.CharField(
        label=_("基本情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    next_steps = forms.CharField(
        label=_("下一步工作"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ItemForm(forms.Form):
    indicator = forms.CharField(label=_("指标"), max_length=100)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(
        label=_("性质"), choices=Severity.choices, initial=Severity.DEDUCTION
    )
    points = forms.DecimalField(
        label=_("扣分"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2, initial=0
    )


class FindingsForm(forms.Form):
    findings = forms.ModelMultipleChoiceField(
        label=_("自动检查发现的问题"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = findings
        self.fields["findings"].label_from_instance = lambda f: (
            f"{f.title}（{f.indicator}，{f.get_severity_display()}）"
        )


class AssignForm(VersionForm):
    organisation = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    working_days = forms.IntegerField(
        label=_("整改期限（工作日）"),
        min_value=1,
        max_value=MAX_DEADLINE_DAYS,
        required=False,
        help_text=_("填写工作日数或截止日期，二选一；工作日按国务院节假日安排计算。"),
    )
    on = forms.DateField(label=_("整改截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if (data.get("working_days") is None) == (data.get("on") is None):
            raise forms.ValidationError(_("请填写整改期限：工作日数或截止日期，二选一。"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class RectifyForm(VersionForm):
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片、Word 或 Excel，每个不超过 20 MB；按文件内容检查格式。"),
    )
    record = forms.ModelChoiceField(label=_("相关信息（可选）"), queryset=None, required=False)
    submit = forms.BooleanField(
        label=_("提交公开办验收"),
        required=False,
        initial=True,
        help_text=_("不勾选则只保存，稍后再提交。"),
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = records


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AcceptForm(VersionForm):
    pass


class CloseInspectionForm(forms.Form):
    note = forms.CharField(
        label=_("结束说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


# --------------------------------------------------------------------------- evaluation


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=200)
    lines = forms.CharField(
        label=_("指标"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一个指标：指标|分值|评分说明，例如“发布解读|30|栏目按时更新”。"),
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SheetCreateForm(forms.Form):
    year = forms.TypedChoiceField(label=_("评估年度"), coerce=int)
    organisation = forms.ModelChoiceField(
        label=_("被评估单位"), queryset=None, required=False, empty_label=_("整个站点")
    )
    template = forms.ModelChoiceField(label=_("指标模板"), queryset=None)

    def __init__(self, *args, years, organisations, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
        self.fields["organisation"].queryset = organisations
        self.fields["template"].queryset = templates


def score_form(sheet, rows, data=None):
    """One score, evidence link and note per row, each checked against the row's weight."""
    fields = {}
    for row in rows:
        fields[f"score_{row.pk}"] = forms.DecimalField(
            label=_("%(indicator)s 得分（满分 %(weight)s）")
            % {"indicator": row.indicator, "weight": f"{row.weight.normalize():f}"},
            min_value=Decimal(0),
            max_value=row.weight,
            decimal_places=2,
            required=False,
            initial=row.score,
            error_messages={
                "max_value": _("得分不能超过该指标的分值 %(weight)s 分。")
                % {"weight": f"{row.weight.normalize():f}"},
                "min_value": _("得分不能为负数。"),
            },
        )
        fields[f"evidence_{row.pk}"] = forms.URLField(
            label=_("%(indicator)s 佐证链接") % {"indicator": row.indicator},
            required=False,
            max_length=500,
            initial=row.evidence_url,
            assume_scheme="https",
        )
        fields[f"note_{row.pk}"] = forms.CharField(
            label=_("%(indicator)s 备注") % {"indicator": row.indicator},
            required=False,
            max_length=2000,
            initial=row.note,
        )
    form_class = type("ScoreForm", (VersionForm,), fields)
    form = form_class(data)
    if data is None:
        form.initial["version"] = sheet.version
    return form
