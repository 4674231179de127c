"""The office admin edits the 政府信息公开指南 and 政府信息公开制度 (《条例》第十二条)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import disclosure
from .models import DisclosurePageKind


class DisclosurePageForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_("可使用简单 HTML（段落、标题、列表、链接），保存时会清理不安全内容。"),
    )


@staff_required
def edit_page(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in DisclosurePageKind.values:
        raise Http404
    site = permissions.staff_site(request)
    if site is None or not permissions.allows(request.user, site, disclosure.EDIT_ROLES):
        raise PermissionDenied("只有公开办管理员可以修改政府信息公开指南和制度。")
    page = disclosure.page_for(site, kind)
    form = DisclosurePageForm(
        request.POST or None, initial={"title": page.title, "body": page.body}
    )
    if request.method == "POST" and form.is_valid():
        disclosure.save_page(request.user, site, kind, **form.cleaned_data)
        messages.success(request, f"{form.cleaned_data['title']}已保存并在网站上更新。")
        return redirect("portal_staff:disclosure_edit", kind=kind)
    return render(
        request,
        "portal/staff/disclosure_edit.html",
        {"form": form, "page": page, "site": site, "kind": kind},
    )


def workbench_panel(request):
    """政府信息公开专栏 on the office admin's workbench."""
    site = (
        permissions.staff_site(request)
        if getattr(request.user, "is_authenticated", False)
        else None
    )
    if site is None or not permissions.allows(request.user, site, disclosure.EDIT_ROLES):
        return None
    return "portal/staff/panel.html", {"site": site, "kinds": DisclosurePageKind.choices}
