"""Forms of the event pages (public and staff). Size limits are the form's and the rules'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core import permissions

from . import events as rules
from .forms import HoneypotForm, _text
from .models import Event, EventKind, Selection


def _when(label):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"required": _("请填写此项。"), "invalid": _("请输入正确的日期和时间。")},
    )


class ApplyForm(HoneypotForm):
    statement = _text(
        _("报名说明（选填）"),
        rules.MAX_STATEMENT,
        rows=4,
        required=False,
        help_text=_(
            "简要说明您希望参加的原因或关心的问题，不超过 300 字；请勿填写身份证号等个人信息。"
        ),
    )


class EventForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("主办机构"), queryset=None, empty_label=_("请选择")
    )
    kind = forms.ChoiceField(label=_("类型"), choices=EventKind.choices)
    title = _text(_("名称"), 200)
    description = _text(_("活动说明"), 5000, rows=5, required=False)
    place = _text(_("地点"), 200)
    starts_at = _when(_("开始时间"))
    ends_at = _when(_("结束时间"))
    opens_at = _when(_("报名开始"))
    closes_at = _when(_("报名截止"))
    capacity = forms.IntegerField(label=_("总名额"), min_value=1, max_value=100000)
    reserved = forms.IntegerField(
        label=_("预留名额"),
        min_value=0,
        initial=0,
        help_text=_("留给人大代表、政协委员、媒体等，不向公众开放报名。"),
    )
    selection = forms.ChoiceField(
        label=_("确定方式"), choices=Selection.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, user=None, event: Event | None = None, **kwargs):
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": event.organisation_id,
                **{k: getattr(event, k) for k in rules.EDITABLE},
            }
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = permissions.organisations_for(
            user, rules.ORGANISER_ROLES
        ).order_by("path")
        if event is not None:
            self.fields["organisation"].disabled = True


class RejectForm(forms.Form):
    reason = _text(_("不通过的理由"), rules.MAX_REASON)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=20,
        help_text=_("输入参加人出示的签到码，或用手机扫描其二维码打开本页。"),
        error_messages={"required": _("请输入签到码。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        )


class MinutesForm(forms.Form):
    text = _text(_("纪要内容"), rules.MAX_MINUTES, rows=10)
    pdf = forms.FileField(label=_("纪要 PDF（选填）"), required=False)
