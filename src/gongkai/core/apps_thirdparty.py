"""Chinese names for the third-party apps the admin lists (INSTALLED_APPS names these classes;
labels are unchanged, so their migrations and tables stay as they are).

django-otp leaves its model and field names untranslated (plain English strings, no gettext),
so no catalogue can reach them; they are renamed here when the app is ready. Only the names
the migration state does not hold are set: a model's `verbose_name` (migrations read
`_meta.original_attrs`) and a field's `verbose_name` (migrations read `_verbose_name`). Help
texts are part of the migration state; the admin (core/admin.py) gives those in Chinese.
Strings the libraries do mark for translation are in the project catalogue, locale/."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticDefault
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPDefault
from django_tasks_db.apps import TasksAppConfig

# The fields every django-otp device has (django_otp.models.Device and its mixins).
DEVICE_FIELD_NAMES = {
    "user": _("用户"),
    "name": _("名称"),
    "confirmed": _("已启用"),
    "created_at": _("创建时间"),
    "last_used_at": _("最近使用时间"),
    "throttling_failure_timestamp": _("最近一次验证失败时间"),
    "throttling_failure_count": _("连续验证失败次数"),
}

TOTP_FIELD_NAMES = {
    "key": _("密钥"),
    "step": _("时间步长"),
    "t0": _("起算时间"),
    "digits": _("验证码位数"),
    "tolerance": _("容差"),
    "drift": _("时钟偏差"),
    "last_t": _("最近验证的时间步"),
}


def name_in_chinese(model, verbose_name, field_names):
    """Give a third-party model its Chinese names without touching its migration state."""
    model._meta.verbose_name = verbose_name
    model._meta.verbose_name_plural = verbose_name
    for field in model._meta.fields:
        if field.name in field_names:
            field.verbose_name = field_names[field.name]


class OTPConfig(AppConfig):
    name = "django_otp"
    verbose_name = _("双因素认证")


class OTPTOTPConfig(OTPTOTPDefault):
    verbose_name = _("身份验证器")

    def ready(self):
        super().ready()
        name_in_chinese(
            self.get_model("TOTPDevice"),
            _("身份验证器"),
            DEVICE_FIELD_NAMES | TOTP_FIELD_NAMES,
        )


class OTPStaticConfig(OTPStaticDefault):
    verbose_name = _("备用验证码")

    def ready(self):
        super().ready()
        name_in_chinese(self.get_model("StaticDevice"), _("备用验证码设备"), DEVICE_FIELD_NAMES)
        name_in_chinese(
            self.get_model("StaticToken"),
            _("备用验证码"),
            {"device": _("所属设备"), "token": _("验证码")},
        )


class TasksDBConfig(TasksAppConfig):
    verbose_name = _("后台任务")
