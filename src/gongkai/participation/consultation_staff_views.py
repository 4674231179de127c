"""Staff pages of 征求意见 (/staff/participation/consultations/) and 参政智囊团: create,
submit, publish, moderate and dispose of comments, close, publish the report, link the final
policy, invite advisory members. Querysets are scoped through core.permissions; the rules
check the actor again."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required
from gongkai.records.models import Kind
from gongkai.records.selectors import published_records

from . import consultation_forms as forms
from . import consultations as rules
from .models import AdvisoryMember, Consultation, PublicAccount
from .rules import RuleError


def scoped(user):
    return permissions.scope_to_organisations(
        Consultation.objects.select_related("organisation", "site"), user, rules.EDIT_ROLES
    )


def _records(user, **filters):
    return (
        published_records()
        .filter(**filters)
        .filter(organisation__in=permissions.organisations_for(user, rules.EDIT_ROLES))
    )


@staff_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    rows = [(c, rules.undisposed(c).count()) for c in scoped(request.user)[:200]]
    return render(request, "participation/consultations/staff/list.html", {"rows": rows})


@staff_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    organisations = permissions.organisations_for(request.user, rules.EDIT_ROLES)
    form = forms.ConsultationForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations.order_by("path"),
        records=_records(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("document")
        try:
            consultation = rules.create_consultation(
                request.user,
                organisation=data["organisation"],
                title=data["title"],
                purpose=data.get("purpose", ""),
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                text=data.get("text", ""),
                record=data.get("record"),
                document=(upload.name, upload.read()) if upload else None,
            )
        except RuleError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "已创建征求意见稿。")
            return redirect("consultations_staff:detail", consultation.pk)
    status = 400 if form.errors else 200
    return render(
        request, "participation/consultations/staff/create.html", {"form": form}, status=status
    )


def _consultation(request, pk) -> Consultation:
    return get_object_or_404(scoped(request.user), pk=pk)


def _detail(request, consultation, status=200, **overrides):
    comments = consultation.comments.select_related("advisory_member").order_by("created_at")
    context = {
        "c": consultation,
        "version": rules.latest_version(consultation),
        "versions": consultation.versions.order_by("number"),
        "comments": [
            (c, rules.author_label(c), rules.paragraph_label(c.paragraph)) for c in comments
        ],
        "missing": rules.undisposed(consultation).count(),
        "days_left": rules.days_left(consultation),
        "publish_refusal": rules.publish_refusal(request.user, consultation),
        "version_form": forms.VersionForm(),
        "final_form": forms.FinalForm(records=_records(request.user, kind=Kind.POLICY)),
        "invite_form": forms.InviteForm(
            members=AdvisoryMember.objects.filter(site=consultation.site, is_active=True)
        ),
        "invitations": consultation.invitations.select_related("member"),
        "moderate_form": forms.ModerateForm(),
        "dispose_form": forms.DisposeForm(),
        "report": rules.feedback_report(consultation),
    }
    context.update(overrides)
    return render(request, "participation/consultations/staff/detail.html", context, status=status)


@staff_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _consultation(request, pk))


SIMPLE_ACTIONS = {
    "submit": (rules.submit, "已提交审核。"),
    "publish": (rules.publish, "已发布，公众可以提出意见。"),
    "return": (rules.return_to_draft, "已退回修改。"),
    "close": (rules.close, "征求意见已结束。"),
    "report": (rules.publish_report, "意见采纳情况已发布。"),
}


@staff_required
@require_POST
def consultation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    consultation = _consultation(request, pk)
    try:
        if action in SIMPLE_ACTIONS:
            step, done = SIMPLE_ACTIONS[action]
            step(request.user, consultation)
        elif action == "version":
            form = forms.VersionForm(request.POST)
            if not form.is_valid():
                return _detail(request, consultation, status=400, version_form=form)
            rules.add_version(
                request.user,
                consultation,
                form.cleaned_data["text"],
                form.cleaned_data["changelog"],
            )
            done = "已保存新版本。"
        elif action == "final":
            form = forms.FinalForm(request.POST, records=_records(request.user, kind=Kind.POLICY))
            if not form.is_valid():
                return _detail(request, consultation, status=400, final_form=form)
            rules.link_final(request.user, consultation, form.cleaned_data["record"])
            done = "已关联正式文件。"
        elif action == "invite":
            members = AdvisoryMember.objects.filter(site=consultation.site, is_active=True)
            form = forms.InviteForm(request.POST, members=members)
            if not form.is_valid():
                return _detail(request, consultation, status=400, invite_form=form)
            rules.invite(
                request.user, form.cleaned_data["member"], consultation, form.cleaned_data["note"]
            )
            done = "已邀请。"
        else:
            raise Http404
    except RuleError as exc:
        flash.error(request, str(exc))
        return _detail(request, consultation, status=409)
    flash.success(request, done)
    return redirect("consultations_staff:detail", consultation.pk)


@staff_required
@require_POST
def comment_action(request: HttpRequest, pk: int, comment_pk: int, action: str) -> HttpResponse:
    consultation = _consultation(request, pk)
    comment = get_object_or_404(consultation.comments, pk=comment_pk)
    try:
        if action == "moderate":
            form = forms.ModerateForm(request.POST)
            if not form.is_valid():
                return _detail(request, consultation, status=400, moderate_form=form)
            rules.moderate(
                request.user,
                comment,
                publish=form.cleaned_data["decision"] == "publish",
                reason=form.cleaned_data["reason"],
            )
            done = "已审核。"
        elif action == "dispose":
            form = forms.DisposeForm(request.POST)
            if not form.is_valid():
                return _detail(request, consultation, status=400, dispose_form=form)
            rules.dispose(
                request.user, comment, form.cleaned_data["disposition"], form.cleaned_data["reason"]
            )
            done = "已保存采纳情况。"
        else:
            raise Http404
    except RuleError as exc:
        flash.error(request, str(exc))
        return _detail(request, consultation, status=409)
    flash.success(request, done)
    url = reverse("consultations_staff:detail", args=[consultation.pk])
    return redirect(f"{url}#comment-{comment.pk}")


# --------------------------------------------------------------------------- advisory


@staff_required
def advisory_members(request: HttpRequest) -> HttpResponse:
    """The site's advisory group; the office admin (or a reviewer) adds members."""
    site = permissions.staff_site(request)
    if site is None:
        raise Http404
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "管理智囊团成员", site, rules.ADVISORY_ROLES)
        if form.is_valid():
            data = form.cleaned_data
            account = None
            if data.get("phone"):
                account = PublicAccount.objects.filter(phone=data["phone"].strip()).first()
                if account is None or not account.is_verified:
                    form.add_error("phone", "没有该手机号的已验证公众账号。")
            if not form.errors:
                try:
                    rules.add_member(
                        request.user,
                        site,
                        name=data["name"],
                        expertise=data["expertise"],
                        bio=data.get("bio", ""),
                        account=account,
                        public_consent=data["public_consent"],
                    )
                except RuleError as exc:
                    form.add_error(None, str(exc))
                else:
                    flash.success(request, "已添加成员。")
                    return redirect("advisory_staff:members")
    members = AdvisoryMember.objects.filter(site=site).select_related("account")
    return render(
        request,
        "participation/advisory/staff/members.html",
        {"members": members, "form": form, "site": site},
        status=400 if form.errors else 200,
    )
