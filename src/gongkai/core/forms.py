from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import AuditEventType


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("账号或密码不正确。连续多次失败后账号将被暂时锁定。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("账号")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})

    def clean(self):
        """A locked account or address gets the lock message (core/lockout.py), not "wrong
        password", so the owner knows to wait or use a browser they logged in with before."""
        try:
            return super().clean()
        except forms.ValidationError:
            refusal = getattr(self.request, "login_refusal", None)
            if refusal is not None:
                raise forms.ValidationError(refusal.message, code="locked") from None
            raise


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6位验证码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("请输入验证器应用显示的6位数字。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )


class AuditFilterForm(forms.Form):
    event_type = forms.ChoiceField(
        label=_("事件类型"),
        required=False,
        choices=[("", _("全部"))] + list(AuditEventType.choices),
    )
    actor = forms.CharField(label=_("操作人账号"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, events):
        data = self.cleaned_data
        if data.get("event_type"):
            events = events.filter(event_type=data["event_type"])
        if data.get("actor"):
            events = events.filter(actor_username=data["actor"])
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("date_from"):
            events = events.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(created_at__date__lte=data["date_to"])
        return events
