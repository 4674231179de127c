"""Staff forms of fund supervision. They only shape input; participation.funds decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation, OrganisationKind

from .forms import _text
from .models import FundKind, LivelihoodProject, RecipientCategory

DATE = forms.DateInput(attrs={"type": "date"})


def _date(label):
    return forms.DateField(
        label=label,
        widget=DATE,
        error_messages={"required": _("请填写日期。"), "invalid": _("日期格式不正确。")},
    )


def _amount(label):
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages={
            "required": _("请填写金额。"),
            "invalid": _("金额格式不正确，请填写数字（单位：元）。"),
            "max_decimal_places": _("金额最多保留两位小数（精确到分）。"),
            "max_digits": _("金额过大，请核对。"),
            "min_value": _("金额不能为负数。"),
        },
    )


class FundForm(forms.Form):
    name = _text(_("资金（项目）名称"), 100)
    kind = forms.ChoiceField(label=_("资金类别"), choices=FundKind.choices)
    administering_organisation = forms.ModelChoiceField(
        label=_("资金管理单位"), queryset=Organisation.objects.none()
    )
    supervisor = forms.ModelChoiceField(
        label=_("第三方监管机构"), queryset=Organisation.objects.none()
    )
    total_amount = _amount(_("资金总额（元）"))
    period_start = _date(_("使用期间起"))
    period_end = _date(_("使用期间止"))
    description = _text(_("资金说明"), 2000, rows=4, required=False)
    project = forms.ModelChoiceField(
        label=_("关联民生实事项目"), queryset=LivelihoodProject.objects.none(), required=False
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = LivelihoodProject.objects.filter(
            programme__site=site
        ).order_by("-programme__year", "title")
        orgs = Organisation.objects.filter(site=site, is_active=True).order_by("path")
        self.fields["administering_organisation"].queryset = orgs.exclude(
            kind=OrganisationKind.THIRD_PARTY
        )
        self.fields["supervisor"].queryset = orgs.filter(kind=OrganisationKind.THIRD_PARTY)


class AssignForm(forms.Form):
    supervisor = forms.ModelChoiceField(
        label=_("第三方监管机构"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = Organisation.objects.filter(
            site=site, is_active=True, kind=OrganisationKind.THIRD_PARTY
        )


class DisbursementForm(forms.Form):
    paid_on = _date(_("拨付日期"))
    amount = _amount(_("金额（元）"))
    purpose = _text(_("用途"), 300)
    recipient_category = forms.ChoiceField(
        label=_("收款对象类别"), choices=RecipientCategory.choices
    )
    area = _text(_("地区（乡镇、村）"), 100)
    recipient = _text(
        _("收款单位或对象"),
        100,
        required=False,
        help_text=_("个人在网站上只显示脱敏姓名或户数；请勿填写身份证号码。"),
    )
    recipients_count = forms.IntegerField(label=_("受益户数（人数）"), min_value=1, initial=1)
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)
    correction_reason = _text(_("更正原因"), 300, required=False)


class ReportForm(forms.Form):
    title = _text(_("报告标题"), 150)
    period_start = _date(_("监管期间起"))
    period_end = _date(_("监管期间止"))
    summary = _text(_("监管结论"), 5000, rows=5)
    findings = _text(
        _("发现的问题"),
        10000,
        rows=5,
        required=False,
        help_text=_("每行一个问题；没有问题可留空。资金管理单位须逐条回应。"),
    )
    file = forms.FileField(
        label=_("报告文件（PDF）"), error_messages={"required": _("请上传报告 PDF 文件。")}
    )
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)
    correction_reason = _text(_("更正原因"), 300, required=False)

    def finding_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("findings", "").splitlines() if line.strip()]


class ResponseForm(forms.Form):
    text = _text(_("回应内容"), 2000, rows=3)
