"""Staff pages of service items and their guides under /staff/services/: the item list scoped to
the user's organisations, a new item, an item's versions with the changes between them, the
guide editor, the review steps and the review queue. Thin: the rules are in guides.workflow;
a refused step is shown as a message on the page, never a 500."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.catalogue.models import CatalogueItem, FiveStage
from gongkai.core.models import AuditEvent
from gongkai.core.permissions import organisations_for
from gongkai.core.versioning import VersionConflict, VersionForm
from gongkai.core.views import staff_required
from gongkai.records.models import State

from . import rules, workflow
from .forms import (
    EXTRA_ROWS,
    MORE_ROWS,
    CommentForm,
    GuideForm,
    ItemForm,
    NewVersionForm,
    ReasonForm,
    row_formsets,
)
from .models import Guide, ServiceItem
from .workflow import EDIT_ROLES, PUBLISH_ROLES, REVIEW_ROLES, VERIFY_ROLES, WorkflowError


def _item(request, pk: int) -> ServiceItem:
    """An item of the user's organisations (404 otherwise: another organisation's items are
    not even named)."""
    return get_object_or_404(
        workflow.items_for(request.user).select_related("organisation", "site", "catalogue_item"),
        pk=pk,
    )


def _guide(request, pk: int, number: int) -> Guide:
    return get_object_or_404(
        Guide.objects.select_related("item"), item=_item(request, pk), number=number
    )


def _rules(view):
    """Workflow refusals become a message on the item's page; permission refusals a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            url = reverse("guides_staff:item", args=[kwargs["pk"]])
            number = kwargs.get("number")
            return redirect(f"{url}?v={number}#version-h" if number else url)

    return wrapper


@staff_required
def item_list(request: HttpRequest) -> HttpResponse:
    """办事事项: the items of the user's organisations (the office admin: the whole site), with
    the state of each one's latest version and the version in force."""
    items = workflow.items_for(request.user).select_related("organisation").order_by("code")
    query = request.GET.get("q", "").strip()[:50]
    if query:
        items = items.filter(name__icontains=query) | items.filter(code__icontains=query)
    items = list(items[:500])
    latest = {}
    for guide in Guide.objects.filter(item__in=items).order_by("item_id", "-number"):
        latest.setdefault(guide.item_id, guide)
    today = timezone.localdate()
    in_force = {
        g.item_id: g
        for g in rules.published_guides(items)
        .filter(effective_from__lte=today)
        .order_by("item_id", "effective_from", "number")
    }  # the last one per item wins: the latest effective date, then the highest number
    rows = [(item, latest.get(item.pk), in_force.get(item.pk)) for item in items]
    return render(
        request,
        "guides/staff_items.html",
        {
            "rows": rows,
            "query": query,
            "can_create": organisations_for(request.user, EDIT_ROLES).exists(),
            "to_review": workflow.review_queue(request.user).count(),
        },
    )


def _item_form(request, data=None):
    orgs = organisations_for(request.user, EDIT_ROLES).order_by("site_id", "path")
    leaves = (
        CatalogueItem.objects.filter(
            site__in=orgs.values("site"),
            numchild=0,
            is_retired=False,
            five_stage__in=["", FiveStage.SERVICE],
        )
        .select_related("domain")
        .order_by("domain__sort_order", "path")
    )
    initial = {"effective_from": timezone.localdate()}
    if orgs.count() == 1:
        initial["organisation"] = orgs.first()
    return ItemForm(data, initial=initial, organisations=orgs, catalogue_items=leaves)


@staff_required
def item_new(request: HttpRequest) -> HttpResponse:
    """A new item, with its first guide version as an empty draft to fill in."""
    form = _item_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                item = workflow.create_item(
                    request.user,
                    organisation=data["organisation"],
                    code=data["code"],
                    name=data["name"],
                    item_type=data["item_type"],
                    audience=data["audience"],
                    catalogue_item=data["catalogue_item"],
                )
                guide = workflow.create_guide(
                    request.user, item, {"effective_from": data["effective_from"]}
                )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("事项已新增，请填写第1版办事指南。"))
            return redirect("guides_staff:guide_edit", item.pk, guide.number)
    return render(request, "guides/staff_item_form.html", {"form": form})


@staff_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's versions (state, effective date, which is in force), one version's content and
    what it changed from the previous one, and the steps the user may take on it."""
    item = _item(request, pk)
    user = request.user
    versions = list(item.guides.order_by("-number").prefetch_related("windows"))
    in_force = rules.guide_in_force(item)
    selected = None
    if request.GET.get("v", "").isdigit():
        selected = next((g for g in versions if g.number == int(request.GET["v"])), None)
    if selected is None and versions:
        selected = versions[0]
    previous = workflow.previous_version(selected) if selected else None
    # a new version starts from the latest published one
    source = next((g for g in versions if g.state == State.PUBLISHED), None)
    can = {
        "edit": workflow.can_act(user, item.organisation, EDIT_ROLES),
        "review": workflow.can_act(user, item.organisation, REVIEW_ROLES),
        "publish": workflow.can_act(user, item.organisation, PUBLISH_ROLES),
        "verify": workflow.can_act(user, item.organisation, VERIFY_ROLES),
    }
    context = {
        "item": item,
        "versions": versions,
        "in_force": in_force,
        "selected": selected,
        "previous": previous,
        "changes": workflow.version_changes(previous, selected) if selected else [],
        "missing": rules.missing_elements(selected) if selected else [],
        "needs": rules.material_needs(selected) if selected else [],
        "can": can,
        "approval_refusal": workflow.approval_refusal(user, selected)
        if selected is not None and can["review"]
        else "",
        "new_version_form": NewVersionForm(
            initial={"effective_from": timezone.localdate()}, prefix="nv"
        )
        if source is not None and can["edit"] and workflow.open_version(item) is None
        else None,
        "source": source,
        "comment_form": CommentForm(),
        "reason_form": ReasonForm(),
        "today": timezone.localdate(),
        "events": AuditEvent.objects.filter(
            object_type="guides.guide", object_id__in=[str(g.pk) for g in versions]
        ).order_by("-created_at", "-id")[:30],
        "public_url": reverse("guides:item", args=[item.code]) if in_force else "",
    }
    return render(request, "guides/staff_item.html", context)


@staff_required
def guide_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The guide editor: the fields and all rows saved in one step, conditional on the version
    the page was loaded with. 增加空行 saves too, then shows more empty rows."""
    guide = _guide(request, pk, number)
    item = guide.item
    if guide.state not in workflow.EDITABLE_STATES:
        messages.error(request, _("只有草稿或已退回的指南可以修改；已发布的指南请新建版本。"))
        return redirect(f"{reverse('guides_staff:item', args=[pk])}?v={number}")
    try:
        extra = int(request.GET.get("rows", EXTRA_ROWS))
    except ValueError:
        extra = EXTRA_ROWS
    site = item.site
    initial = {name: getattr(guide, name) for name in GuideForm.FIELDS}
    initial["windows"] = list(guide.windows.all())
    data = request.POST if request.method == "POST" else None
    form = GuideForm(data, initial=initial, site=site)
    formsets = row_formsets(data, site=site, guide=guide, extra=extra)
    form.load(guide.version, workflow.content_values(guide))
    conflict = None
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in formsets.values())
    ):
        version, base = form.version_data()
        try:
            workflow.update_draft(
                request.user,
                guide,
                form.guide_data(),
                [row["text"] for row in formsets["conditions"].rows()],
                formsets["materials"].rows(),
                formsets["steps"].rows(),
                windows=form.cleaned_data["windows"],
                version=version,
                base=base,
            )
        except VersionConflict as exc:
            # Nothing was saved; the user's input stays in the form beside the differences.
            conflict = exc
            form = GuideForm(VersionForm.after_conflict(request.POST, exc), site=site)
            form.is_valid()
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            url = reverse("guides_staff:guide_edit", args=[pk, number])
            if "add_rows" in request.POST:
                messages.success(request, _("已保存，并增加了空行。"))
                return redirect(f"{url}?rows={extra + MORE_ROWS}#rows-h")
            missing = rules.missing_elements(Guide.objects.get(pk=guide.pk))
            messages.success(request, _("已保存指南草稿。"))
            if missing:
                messages.warning(
                    request,
                    _("提交审核前还须补充：%(missing)s。") % {"missing": "、".join(missing)},
                )
            return redirect(f"{reverse('guides_staff:item', args=[pk])}?v={number}")
    return render(
        request,
        "guides/staff_guide_form.html",
        {
            "item": item,
            "guide": guide,
            "form": form,
            "formsets": formsets,
            "conflict": conflict,
            "missing": rules.missing_elements(guide),
            "rows": extra,
        },
        status=409 if conflict else 200,
    )


@staff_required
@require_POST
@_rules
def guide_act(request: HttpRequest, pk: int, number: int, action: str) -> HttpResponse:
    """One workflow step on a guide version, posted from the item's page."""
    guide = _guide(request, pk, number)
    user, post = request.user, request.POST
    if action == "submit":
        workflow.submit(user, guide)
        messages.success(request, _("已提交审核。"))
    elif action == "approve":
        workflow.approve(user, guide)
        messages.success(request, _("审核通过。"))
    elif action == "return":
        workflow.return_guide(user, guide, post.get("comment", ""))
        messages.success(request, _("已退回经办人修改。"))
    elif action == "publish":
        workflow.publish(user, guide)
        guide.refresh_from_db()
        if guide.effective_from > timezone.localdate():
            messages.success(
                request,
                _("已发布；本版自 %(date)s 起施行，此前公开页面仍显示现行版本。")
                % {"date": f"{guide.effective_from:%Y-%m-%d}"},
            )
        else:
            messages.success(request, _("已发布，公开页面显示本版。"))
    elif action == "withdraw":
        workflow.withdraw(user, guide, post.get("reason", ""))
        messages.success(request, _("已撤回。"))
    elif action == "verify":
        workflow.mark_verified(user, guide)
        messages.success(request, _("已记录核验日期。"))
    elif action == "new-version":
        form = NewVersionForm(post, prefix="nv")
        if not form.is_valid():
            raise WorkflowError(_("请填写新版本的生效日期（年-月-日）和变更说明。"))
        draft = workflow.new_version(
            user,
            guide,
            effective_from=form.cleaned_data["effective_from"],
            change_reason=form.cleaned_data["change_reason"],
        )
        messages.success(request, _("已新建第%(n)s版草稿。") % {"n": draft.number})
        return redirect("guides_staff:guide_edit", pk, draft.number)
    else:
        raise Http404
    return redirect(f"{reverse('guides_staff:item', args=[pk])}?v={number}#version-h")


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """审核: guides waiting for the user's review, and approved ones waiting for publication."""
    waiting = list(workflow.review_queue(request.user).order_by("submitted_at"))
    for guide in waiting:
        # 四眼原则: the queue offers approval only to reviewers who did not handle the content.
        guide.approval_refusal = workflow.approval_refusal(request.user, guide)
    approved = (
        workflow.guides_for(request.user, PUBLISH_ROLES)
        .filter(state=State.APPROVED)
        .select_related("item", "item__organisation")
    )
    return render(
        request,
        "guides/staff_review.html",
        {
            "waiting": waiting,
            "approved": approved,
            "returned": workflow.returned_to(request.user),
        },
    )
