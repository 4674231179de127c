"""Audit events for authentication, and cache invalidation for sites and the calendar."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import lockout  # noqa: F401 - connects the lockout's failure counting
from .audit import client_ip, record_event
from .models import AuditEventType, CalendarDay, Site, WorkCalendar
from .sites import forget_site_hosts


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event(
        AuditEventType.LOGIN, actor=user, obj=user, ip=client_ip(request) if request else None
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(
            AuditEventType.LOGOUT, actor=user, obj=user, ip=client_ip(request) if request else None
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record_event(
        AuditEventType.LOGIN_FAILED,
        message=f"账号 {credentials.get('username', '')} 登录失败",
        ip=client_ip(request) if request else None,
    )


@receiver([post_save, post_delete], sender=Site)
def _site_changed(sender, **kwargs):
    forget_site_hosts()


@receiver([post_save, post_delete], sender=WorkCalendar)
@receiver([post_save, post_delete], sender=CalendarDay)
def _calendar_changed(sender, **kwargs):
    from .workcalendar import forget_calendar

    forget_calendar()
