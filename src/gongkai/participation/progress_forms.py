"""Forms of livelihood-project implementation (staff) and evaluation (public). The files are
judged by content in participation.project_progress.check_file, not here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation
from gongkai.foi.forms import DateInput, MultipleFileInput

from . import project_progress as progress
from .forms import HoneypotForm, _text

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class AssignForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择责任单位。"), "invalid_choice": _("请选择责任单位。")},
    )
    budget = forms.DecimalField(label=_("预算（万元）"), required=False, **MONEY)
    planned_completion_on = forms.DateField(
        label=_("计划完成日期"), required=False, widget=DateInput()
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            site=site, is_active=True
        ).order_by("path")


class MilestoneForm(forms.Form):
    title = _text(_("节点名称"), progress.MAX_TITLE)
    due_on = forms.DateField(label=_("计划完成日期"), widget=DateInput())
    weight = forms.IntegerField(
        label=_("权重"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("进度按已完成节点的权重之和占全部权重的比例计算。"),
    )


class MultipleFileField(forms.FileField):
    """Several files in one input (no JavaScript needed); their content is judged by the rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        items = [item for item in items if item]
        if len(items) > progress.MAX_FILES:
            raise forms.ValidationError(f"每次最多上传 {progress.MAX_FILES} 个照片或文件。")
        return [forms.FileField.clean(self, item, initial) for item in items]


class UpdateForm(forms.Form):
    text = _text(_("进展情况"), progress.MAX_UPDATE_TEXT, rows=5)
    milestone = forms.ModelChoiceField(
        label=_("本次完成的节点"),
        queryset=None,
        required=False,
        empty_label=_("（无）"),
    )
    done_on = forms.DateField(
        label=_("节点完成日期"),
        required=False,
        widget=DateInput(),
        help_text=_("不填为今天。"),
    )
    spent = forms.DecimalField(label=_("累计完成投资（万元）"), required=False, **MONEY)
    files = MultipleFileField(
        label=_("照片或文件"),
        required=False,
        help_text=_(
            "可多选，每次最多 10 个，单个不超过 10 MB；照片（JPEG、PNG、GIF）会清除拍摄位置等元数据。"
        ),
    )
    caption = _text(_("照片说明"), 200, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = project.milestones.filter(done_on__isnull=True)


class DeferForm(forms.Form):
    reason = _text(_("延期原因"), progress.MAX_REASON, rows=3)


class ResumeForm(forms.Form):
    text = _text(_("恢复实施情况"), progress.MAX_REASON, rows=3)


SCORES = [
    (5, _("5 分 非常满意")),
    (4, _("4 分 满意")),
    (3, _("3 分 一般")),
    (2, _("2 分 不满意")),
    (1, _("1 分 很不满意")),
]


class EvaluationForm(HoneypotForm):
    score = forms.TypedChoiceField(
        label=_("满意度"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度。"), "invalid_choice": _("请选择满意度。")},
    )
    comment = _text(_("意见建议（选填）"), progress.MAX_COMMENT, rows=4, required=False)
