"""Forms of the work plan pages and the acceptance package."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation
from gongkai.core.versioning import VersionForm

from .models import PlanStatus, PlanStep, PlanTask, WorkPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _record_by_index(site, value: str):
    from gongkai.records.models import Record

    value = (value or "").strip()
    if not value:
        return None
    record = Record.objects.filter(site=site, index_number=value).first()
    if record is None:
        raise forms.ValidationError(_("本站点没有索引号为“%(n)s”的信息。"), params={"n": value})
    return record


class _Versioned(VersionForm):
    """The version fields only when editing an existing row."""

    def __init__(self, *args, versioned: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not versioned:
            for key in self.VERSION_KEYS:
                del self.fields[key]


class PlanForm(_Versioned, forms.ModelForm):
    source_index = forms.CharField(
        label=_("来源文件索引号"),
        required=False,
        max_length=120,
        help_text=_("方案已在网站发布的，填写其索引号，可留空。"),
    )

    class Meta:
        model = WorkPlan
        fields = ["year", "title", "source_title", "is_public"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        if self.instance.pk and self.instance.source_record_id:
            self.initial.setdefault("source_index", self.instance.source_record.index_number)
        self.fields["year"].min_value = 2008

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2008 <= year <= timezone.localdate().year + 5:
            raise forms.ValidationError(_("年度不在合理范围内。"))
        return year

    def clean_source_index(self):
        return _record_by_index(self.site, self.cleaned_data.get("source_index"))

    def plan_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["source_record"] = self.cleaned_data.get("source_index")
        return data


class StepForm(forms.ModelForm):
    class Meta:
        model = PlanStep
        fields = ["title", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


class TaskForm(_Versioned, forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = [
            "step",
            "number",
            "text",
            "lead",
            "co_organisations",
            "deadline",
            "deadline_text",
            "status",
            "remark",
        ]
        widgets = {
            "deadline": DATE,
            "co_organisations": forms.CheckboxSelectMultiple,
            "text": forms.Textarea(attrs={"rows": 3}),
            "remark": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan: WorkPlan, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(site=plan.site, is_active=True).order_by("path")
        self.fields["step"].queryset = plan.steps.all()
        self.fields["step"].empty_label = None
        self.fields["lead"].queryset = organisations
        self.fields["co_organisations"].queryset = organisations
        self.fields["co_organisations"].required = False
        if self.instance.pk:
            # the status has its own steps (start, done, reopen, cancel) on the task page
            del self.fields["status"]
            self.fields["number"].required = True
        else:
            self.fields["number"].required = False
            self.fields["status"].initial = PlanStatus.NOT_STARTED

    def task_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.VERSION_KEYS}
        if data.get("number") is None:
            data.pop("number", None)
        data["co_organisations"] = list(data.get("co_organisations") or [])
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    evidence_index = forms.CharField(
        label=_("佐证材料索引号"),
        required=False,
        max_length=120,
        help_text=_("已在网站发布的佐证信息的索引号，可留空。"),
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site

    def clean_evidence_index(self):
        return _record_by_index(self.site, self.cleaned_data.get("evidence_index"))


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("start", "start"), ("done", "done"), ("reopen", "reopen"), ("cancel", "cancel")]
    )
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    completed_on = forms.DateField(label=_("完成日期"), required=False, widget=DATE)


class FilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + list(PlanStatus.choices), required=False
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            site=site, is_active=True
        ).order_by("path")
        self.fields["organisation"].empty_label = _("全部")


class AcceptanceForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2008, max_value=9999)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("年度不能晚于今年。"))
        return year
