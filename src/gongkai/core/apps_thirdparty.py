"""Chinese names for the third-party apps the admin lists (INSTALLED_APPS names these classes;
labels are unchanged, so their migrations and tables stay as they are)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticDefault
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPDefault
from django_tasks_db.apps import TasksAppConfig


class OTPConfig(AppConfig):
    name = "django_otp"
    verbose_name = _("双因素认证")


class OTPTOTPConfig(OTPTOTPDefault):
    verbose_name = _("身份验证器")


class OTPStaticConfig(OTPStaticDefault):
    verbose_name = _("备用验证码")


class TasksDBConfig(TasksAppConfig):
    verbose_name = _("后台任务")
