"""Forms of 民生实事项目 (solicitation to results): the public's proposal, the office's settings,
screening, merging, candidates and roster, the deputy's ballot. The rules in
participation.projects check everything again; the forms give field-level messages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from . import projects
from .forms import HoneypotForm, _text
from .models import ProjectCategory, Proposal

REQUIRED = {"required": _("请填写此项。")}


def _cost_field(label=None):
    return forms.DecimalField(
        label=label or _("估算投资（万元，选填）"),
        required=False,
        min_value=Decimal("0"),
        max_value=projects.MAX_COST,
        max_digits=12,
        decimal_places=2,
        help_text=_("单位：万元，最多两位小数，例如 120 或 85.5。"),
        error_messages={
            "invalid": _("估算投资请填写数字（单位：万元）。"),
            "min_value": _("估算投资不能为负数。"),
            "max_value": _("估算投资过大，请核对单位（万元）。"),
            "max_decimal_places": _("估算投资最多保留两位小数。"),
            "max_digits": _("估算投资过大，请核对单位（万元）。"),
            "max_whole_digits": _("估算投资过大，请核对单位（万元）。"),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _category_field():
    return forms.ChoiceField(
        label=_("项目类别"),
        choices=[("", _("请选择")), *ProjectCategory.choices],
        error_messages={"required": _("请选择项目类别。"), "invalid_choice": _("请选择项目类别。")},
    )


class ProposalForm(HoneypotForm):
    title = _text(_("项目名称"), projects.MAX_TITLE)
    category = _category_field()
    place = _text(_("实施地点"), projects.MAX_PLACE, help_text=_("例如：菱湖街道某社区。"))
    estimated_cost = _cost_field()
    description = _text(
        _("建议内容"),
        projects.MAX_DESCRIPTION,
        rows=6,
        help_text=_("写明要解决的问题、受益群众和建议做法。请勿填写身份证号、电话等个人信息。"),
    )
    field_order = ["title", "category", "place", "estimated_cost", "description"]


# --------------------------------------------------------------------------- staff


class _Local(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            from django.utils import timezone

            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _datetime(label):
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=_Local(),
        error_messages={"invalid": _("请输入正确的时间，例如 2026-03-10 09:00。")},
    )


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入正确的日期，例如 2026-03-10。")},
    )


class ProgrammeCreateForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("请填写年度。"),
            "invalid": _("年度须为数字。"),
            "min_value": _("年度须在 2000 至 2100 之间。"),
            "max_value": _("年度须在 2000 至 2100 之间。"),
        },
    )
    title = forms.CharField(label=_("名称（选填）"), required=False, max_length=100)


class ProgrammeSettingsForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=100, error_messages=REQUIRED)
    introduction = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    solicitation_opens_on = _date(_("征集开始日期"))
    solicitation_closes_on = _date(_("征集截止日期"))
    vote_opens_at = _datetime(_("票决开始时间"))
    vote_closes_at = _datetime(_("票决截止时间"))
    choices_per_ballot = forms.IntegerField(
        label=_("每张选票可选项目数"), min_value=1, max_value=100, error_messages=REQUIRED
    )
    projects_to_select = forms.IntegerField(
        label=_("拟确定项目数"),
        min_value=1,
        max_value=100,
        error_messages=REQUIRED,
        help_text=_("得票排在前列的这么多个项目确定为正式项目；末位并列时由办公室研究调整。"),
    )
    evaluation_opens_on = _date(_("满意度测评开始日期"))
    evaluation_closes_on = _date(_("满意度测评截止日期"))


class ScreenForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("筛选结论"),
        choices=[("1", _("可行，列入候选")), ("0", _("暂不可行"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择筛选结论。")},
    )
    project = forms.ModelChoiceField(
        label=_("并入已有候选项目（选填）"),
        queryset=None,
        required=False,
        empty_label=_("新建候选项目"),
    )
    reason = _text(_("筛选意见"), projects.MAX_REASON, rows=2, help_text=_("将向社会公开。"))

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = programme.projects.filter(state="candidate")


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("合并至"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"required": _("请选择要合并到的建议。")},
    )

    def __init__(self, *args, programme=None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Proposal.objects.filter(programme=programme).exclude(
            state__in=["merged", "not_feasible"]
        )
        if exclude is not None:
            qs = qs.exclude(pk=exclude.pk)
        self.fields["into"].queryset = qs
        self.fields["into"].label_from_instance = lambda p: f"{p.pk}. {p.title}"


class CandidateForm(forms.Form):
    title = _text(_("项目名称"), 100)
    category = _category_field()
    place = forms.CharField(label=_("实施地点"), required=False, max_length=100)
    estimated_cost = _cost_field(_("估算投资（万元）"))
    description = _text(_("项目内容"), projects.MAX_DESCRIPTION, rows=4)


class RosterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("代表账号"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"required": _("请选择代表账号。"), "invalid_choice": _("请选择代表账号。")},
    )
    delegation = forms.CharField(label=_("代表团（选区，选填）"), required=False, max_length=50)

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        taken = programme.roster.values("user")
        self.fields["user"].queryset = projects.deputies_of(programme.site).exclude(pk__in=taken)
        self.fields["user"].label_from_instance = lambda u: f"{u} （{u.username}）"


class BallotForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("候选项目"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择 1 个候选项目。"),
            "invalid_choice": _("选票上有不属于本次票决的项目。"),
            "invalid_pk_value": _("选票上有不属于本次票决的项目。"),
        },
    )

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = programme.projects.filter(state="candidate")
        self.fields["projects"].label_from_instance = lambda p: p.title
