"""检查发现的问题 (/staff/oversight/findings/) and the expression list
(/staff/oversight/expressions/). Thin: the rules are in oversight.findings."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongkai.core import permissions
from gongkai.core.models import Organisation
from gongkai.core.views import staff_required

from . import findings
from .checks import registered_checks
from .models import ExpressionKind, ExpressionRule, Severity


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied(_("您在任何站点都没有岗位。"))
    return site


@staff_required
def findings_list(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    can_run = permissions.can_act_on_site(request.user, site, findings.MANAGE_ROLES)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied(_("只有公开办管理员可以立即检查。"))
        result = findings.run_now(request.user, site)
        if result.failed:
            messages.error(
                request,
                _("检查完成，但有 %(n)s 项检查出错：%(codes)s。")
                % {"n": len(result.failed), "codes": "、".join(o.code for o in result.failed)},
            )
        else:
            messages.success(
                request,
                _("检查完成：新发现 %(new)s 项，已消除 %(resolved)s 项。")
                % {"new": result.new, "resolved": result.resolved},
            )
        return redirect("oversight_staff:findings")
    filters = findings.parse_filters(request.GET)
    qs = findings.open_findings(request.user, site, filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    visible = findings.visible_findings(request.user, site).filter(resolved_at__isnull=True)
    organisations = Organisation.objects.filter(
        pk__in=visible.exclude(organisation=None).values("organisation")
    ).order_by("path")
    query = urlencode({k: v for k, v in vars(filters).items() if v})
    context = {
        "site": site,
        "page": page,
        "filters": filters,
        "query": query,
        "severities": Severity.choices,
        "checks": registered_checks(),
        "organisations": organisations,
        "can_run": can_run,
        "whole_site": findings.sees_whole_site(request.user, site),
        "summary": findings.findings_summary(site),
    }
    return render(request, "oversight/findings_list.html", context)


@staff_required
def expressions(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    permissions.require(request.user, "维护错敏词规则", site, findings.MANAGE_ROLES)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                rule = findings.add_rule(
                    request.user,
                    site,
                    kind=request.POST.get("kind", ""),
                    wrong=request.POST.get("wrong", ""),
                    correct=request.POST.get("correct", ""),
                )
                messages.success(request, _("已添加“%(w)s”。") % {"w": rule.wrong})
                return redirect("oversight_staff:expressions")
            if action in ("enable", "disable"):
                pk = request.POST.get("rule", "")
                rule = get_object_or_404(
                    ExpressionRule, pk=int(pk) if pk.isdigit() and len(pk) < 12 else 0, site=site
                )
                findings.set_rule_active(request.user, rule, action == "enable")
                messages.success(request, _("已更新“%(w)s”。") % {"w": rule.wrong})
                return redirect("oversight_staff:expressions")
            if action == "seed":
                added = findings.seed_rules(request.user, site)
                messages.success(request, _("已载入默认规则 %(n)s 条。") % {"n": added})
                return redirect("oversight_staff:expressions")
            error = _("无法识别的操作。")
        except findings.RuleRejected as exc:
            error = str(exc)
    context = {
        "site": site,
        "rules": ExpressionRule.objects.filter(site=site),
        "kinds": ExpressionKind.choices,
        "error": error,
        "posted": request.POST if error else {},
    }
    return render(
        request, "oversight/findings_expressions.html", context, status=400 if error else 200
    )
