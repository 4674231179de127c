"""Staff pages under /staff/records/: drafting, review, publication, revisions, withdrawal,
channel versions, duties and API tokens. Thin: the rules are in workflow.py."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.html import sanitize_html
from gongkai.core.models import AuditEvent
from gongkai.core.permissions import organisations_for
from gongkai.core.versioning import VersionConflict, VersionForm, model_values
from gongkai.core.views import staff_required

from . import channels, deadlines, paste, workflow
from . import tokens as api_tokens
from .content import UploadRejected
from .forms import (
    CommentForm,
    PublishForm,
    ReasonForm,
    RecordForm,
    ReviewForm,
    RevisionForm,
    TokenForm,
)
from .models import (
    ApiToken,
    ChannelDelivery,
    ExpectedSlot,
    Record,
    RecordRevision,
    RevisionState,
    State,
)
from .workflow import EDIT_ROLES, REVIEW_ROLES, WorkflowError

RULE_ERRORS = (WorkflowError, UploadRejected)


def _rules(view):
    """Workflow refusals become a message on the same page; permission refusals a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RULE_ERRORS as exc:
            messages.error(request, str(exc))
            return redirect("records_staff:detail", kwargs["pk"])

    return wrapper


def _record(request, pk: int) -> Record:
    return get_object_or_404(
        workflow.records_for(request.user).select_related(
            "organisation", "catalogue_item", "catalogue_item__domain", "policy"
        ),
        pk=pk,
    )


def _files(request, field="attachment", alt_field="attachment_alt"):
    upload = request.FILES.get(field)
    if upload is None:
        return []
    return [(upload.name, upload.read(), request.POST.get(alt_field, ""))]


def _docx(request) -> bytes | None:
    upload = request.FILES.get("docx")
    return upload.read() if upload is not None else None


def _cleaning(request) -> bool:
    """The 清理粘贴文本 button was pressed (it posts the form under its own name)."""
    return request.method == "POST" and paste.CLEAN_BUTTON in request.POST


def _cleaned_form(request, organisation, build):
    """清理粘贴文本: the same form again with its title, summary and body normalised, not
    checked and not saved (the editor saves it after reading it), and what changed."""
    data, changes = paste.clean_text_fields(request.user, organisation, request.POST)
    form = build(data)
    form._errors = ErrorDict()  # a cleanup is not a save: no field is reported missing
    messages.info(request, paste.message(changes))
    if request.FILES:
        messages.warning(request, "清理文本时未上传所选文件，请在保存前重新选择。")
    return form


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """My drafts and the organisation's records, by state."""
    records = workflow.records_for(request.user).select_related("organisation", "catalogue_item")
    state = request.GET.get("state", "")
    if state in State.values:
        records = records.filter(state=state)
    mine = records.filter(created_by=request.user, state__in=[State.DRAFT, State.RETURNED])
    return render(
        request,
        "records/staff/index.html",
        {
            "mine": mine.order_by("-updated_at")[:50],
            "records": records.order_by("-updated_at")[:100],
            "states": State.choices,
            "state": state,
            "can_edit": organisations_for(request.user, EDIT_ROLES).exists(),
        },
    )


def _form(request, data=None, files=None, initial=None, versioned=False):
    orgs = organisations_for(request.user, EDIT_ROLES).order_by("path")
    items = workflow.leaf_items_for(request.user).order_by("domain__sort_order", "path")
    return RecordForm(
        data,
        files,
        initial=initial,
        organisations=orgs,
        items=items,
        site_ids=list(orgs.values_list("site_id", flat=True)),
        versioned=versioned,
    )


def _editor_images(record: Record | None) -> list[dict]:
    """The record's image attachments, which the editor offers for the body, at the address
    that works before and after publication (records.views.attachment_address)."""
    if record is None:
        return []
    return [
        {
            "name": item.name,
            "alt": item.alt_text,
            "url": reverse("records:attachment_address", args=[item.pk]),
        }
        for item in record.attachments.order_by("pk")
        if item.is_image
    ]


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    initial = {"formed_on": timezone.localdate(), "written_on": timezone.localdate()}
    orgs = organisations_for(request.user, EDIT_ROLES)
    if orgs.count() == 1:
        initial["organisation"] = orgs.first()
    if request.GET.get("item", "").isdigit():
        initial["catalogue_item"] = request.GET["item"]
    slot = None
    if request.GET.get("slot", "").isdigit():
        slot = ExpectedSlot.objects.filter(pk=request.GET["slot"], organisation__in=orgs).first()
        if slot:
            initial["organisation"] = slot.organisation
            initial["formed_on"] = slot.period_end
    if _cleaning(request):
        form = _cleaned_form(request, None, lambda data: _form(request, data, None, initial))
        return render(request, "records/staff/form.html", {"form": form, "record": None})
    form = _form(request, request.POST or None, request.FILES or None, initial)
    if request.method == "POST" and form.is_valid():
        try:
            record, notes = workflow.create_draft(
                request.user,
                organisation=form.cleaned_data["organisation"],
                catalogue_item=form.cleaned_data["catalogue_item"],
                data=form.record_data(),
                docx=_docx(request),
                files=_files(request),
                slot=slot,
            )
        except RULE_ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            for note in notes:
                messages.warning(request, note)
            messages.success(request, "草稿已保存。")
            return redirect("records_staff:detail", record.pk)
    return render(request, "records/staff/form.html", {"form": form, "record": None})


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    if record.state not in (State.DRAFT, State.RETURNED):
        messages.error(request, "只有草稿或已退回的信息可以直接修改；已发布的信息请提交修订。")
        return redirect("records_staff:detail", pk)
    initial = {f: getattr(record, f) for f in [*workflow.DRAFT_FIELDS, "body"]}
    initial.update(
        organisation=record.organisation, catalogue_item=record.catalogue_item, policy=record.policy
    )

    def edit_form(data, files):
        form = _form(request, data, files, initial, versioned=True)
        form.fields["organisation"].disabled = True
        form.fields["catalogue_item"].disabled = True
        return form

    if _cleaning(request):
        form = _cleaned_form(request, record.organisation, lambda data: edit_form(data, None))
    else:
        form = edit_form(request.POST or None, request.FILES or None)
    form.load(record.version, model_values(record, workflow.EDIT_COMPARE))
    conflict = None
    if request.method == "POST" and not _cleaning(request) and form.is_valid():
        version, base = form.version_data()
        try:
            notes = workflow.update_draft(
                request.user,
                record,
                form.record_data(),
                _docx(request),
                _files(request),
                version=version,
                base=base,
            )
        except VersionConflict as exc:
            # Nothing was saved; the user's input stays in the form beside the differences.
            conflict = exc
            form = edit_form(VersionForm.after_conflict(request.POST, exc), None)
        except RULE_ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            for note in notes:
                messages.warning(request, note)
            messages.success(request, "已保存修改。")
            return redirect("records_staff:detail", pk)
    return render(
        request,
        "records/staff/form.html",
        {
            "form": form,
            "record": record,
            "conflict": conflict,
            "editor_images": _editor_images(record),
        },
        status=409 if conflict else 200,
    )


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    user = request.user
    can_edit = workflow.can_act(user, record.organisation, EDIT_ROLES)
    can_review = workflow.can_act(user, record.organisation, REVIEW_ROLES)
    events = AuditEvent.objects.filter(object_type="records.record", object_id=str(record.pk))
    open_revision = record.revisions.exclude(state=RevisionState.PUBLISHED).first()
    context = {
        "record": record,
        "can_edit": can_edit,
        "can_review": can_review,
        "approval_refusal": workflow.approval_refusal(user, record) if can_review else "",
        "revision_refusal": workflow.approval_refusal(user, open_revision)
        if can_review and open_revision
        else "",
        "attachments": record.attachments.all(),
        "reviews": record.reviews.select_related("reviewer", "revision")[:10],
        "revisions": record.revisions.order_by("number"),
        "open_revision": open_revision,
        "deliveries": record.deliveries.select_related("channel"),
        "events": events.order_by("created_at", "id"),
        "review_form": ReviewForm(),
        "comment_form": CommentForm(),
        "reason_form": ReasonForm(),
        "publish_form": PublishForm(),
        "timeliness": deadlines.timeliness_label(record),
    }
    return render(request, "records/staff/detail.html", context)


@staff_required
@require_POST
@_rules
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step on a record, posted from its staff page."""
    record = _record(request, pk)
    user, post = request.user, request.POST
    if action == "submit":
        workflow.submit(user, record)
        messages.success(request, "已提交审核。")
    elif action == "review":
        form = ReviewForm(post)
        form.is_valid()
        review = workflow.review_confidentiality(
            user, record, form.cleaned_data, form.cleaned_data.get("note", "")
        )
        if review.passed:
            messages.success(request, "保密审查已记录：通过。")
        else:
            messages.warning(request, "保密审查已记录：未通过（须逐项确认后才能审核通过）。")
    elif action == "approve":
        workflow.approve(user, record)
        messages.success(request, "审核通过。")
    elif action == "return":
        workflow.return_record(user, record, post.get("comment", ""))
        messages.success(request, "已退回经办人。")
    elif action == "publish":
        form = PublishForm(post)
        if not form.is_valid():
            raise WorkflowError("定时发布时间格式不正确。")
        workflow.publish(user, record, form.cleaned_data.get("at"))
        record = Record.objects.get(pk=record.pk)
        if record.state == State.PUBLISHED:
            messages.success(request, f"已发布，索引号 {record.index_number}。")
        else:
            messages.success(request, "已设置定时发布。")
    elif action == "withdraw":
        workflow.withdraw(user, record, post.get("reason", ""))
        messages.success(request, "已撤回；原网址将显示撤回说明。")
    elif action == "expire":
        workflow.expire(user, record, post.get("validity") or "invalid", post.get("reason", ""))
        messages.success(request, "已标记失效。")
    elif action == "attach":
        workflow.add_attachments(user, record, _files(request))
        messages.success(request, "附件已上传。")
    else:
        raise Http404
    return redirect("records_staff:detail", pk)


@staff_required
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    revision = record.revisions.filter(state=RevisionState.RETURNED).first()
    source = revision.content if revision else record.content()
    initial = {
        "title": source["title"],
        "summary": source["summary"],
        "body": source["body"],
        "reason": revision.reason if revision else "",
    }
    if _cleaning(request):
        form = _cleaned_form(
            request,
            record.organisation,
            lambda data: RevisionForm(data, initial=initial, versioned=bool(revision)),
        )
    else:
        form = RevisionForm(
            request.POST or None, request.FILES or None, initial=initial, versioned=bool(revision)
        )
    if revision:
        form.load(revision.version, workflow.revision_form_values(revision))
    conflict = None
    if request.method == "POST" and not _cleaning(request) and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("title", "summary", "body")}
        try:
            if revision:
                version, base = form.version_data()
                notes = workflow.update_revision(
                    request.user,
                    revision,
                    data,
                    form.cleaned_data["reason"],
                    _docx(request),
                    version=version,
                    base=base,
                )
            else:
                _, notes = workflow.start_revision(
                    request.user, record, data, form.cleaned_data["reason"], _docx(request)
                )
        except VersionConflict as exc:
            conflict = exc
            form = RevisionForm(
                VersionForm.after_conflict(request.POST, exc), initial=initial, versioned=True
            )
        except RULE_ERRORS as exc:
            form.add_error(None, str(exc))
        except PermissionDenied:
            raise
        else:
            for note in notes:
                messages.warning(request, note)
            messages.success(request, "修订已提交审核；审核发布前，公开页面保持原内容。")
            return redirect("records_staff:detail", pk)
    return render(
        request,
        "records/staff/revise.html",
        {
            "form": form,
            "record": record,
            "revision": revision,
            "conflict": conflict,
            "editor_images": _editor_images(record),
        },
        status=409 if conflict else 200,
    )


@staff_required
@require_POST
@_rules
def revision_act(request: HttpRequest, pk: int, number: int, action: str) -> HttpResponse:
    record = _record(request, pk)
    revision = get_object_or_404(RecordRevision, record=record, number=number)
    user = request.user
    if action == "review":
        form = ReviewForm(request.POST)
        form.is_valid()
        review = workflow.review_confidentiality(
            user, record, form.cleaned_data, form.cleaned_data.get("note", ""), revision
        )
        messages.success(request, f"保密审查已记录：{'通过' if review.passed else '未通过'}。")
    elif action == "approve":
        workflow.approve_revision(user, revision)
        messages.success(request, "修订审核通过。")
    elif action == "return":
        workflow.return_revision(user, revision, request.POST.get("comment", ""))
        messages.success(request, "修订已退回。")
    elif action == "publish":
        workflow.publish_revision(user, revision)
        messages.success(request, "修订已发布，公开页面的更新记录已增加一条。")
    else:
        raise Http404
    return redirect("records_staff:detail", pk)


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """审核: records and revisions waiting for the user's review."""
    orgs = organisations_for(request.user, REVIEW_ROLES)
    records = Record.objects.filter(organisation__in=orgs, state=State.SUBMITTED)
    revisions = RecordRevision.objects.filter(
        record__organisation__in=orgs, state=RevisionState.SUBMITTED
    ).select_related("record")
    approved = Record.objects.filter(organisation__in=orgs, state=State.APPROVED)
    records = list(records.select_related("organisation", "submitted_by"))
    revisions = list(revisions)
    for item in [*records, *revisions]:
        # 四眼原则: the queue offers approval only to reviewers who did not handle the content.
        item.approval_refusal = workflow.approval_refusal(request.user, item)
    return render(
        request,
        "records/staff/review_queue.html",
        {
            "records": records,
            "revisions": revisions,
            "approved": approved.select_related("organisation"),
        },
    )


@staff_required
def duties(request: HttpRequest) -> HttpResponse:
    """Due and overdue duties of the user's organisations (《条例》第二十六条)."""
    orgs = organisations_for(request.user)
    items = deadlines.duties_for(orgs, horizon_days=20)
    missed = ChannelDelivery.objects.filter(
        record__organisation__in=orgs, record__state=State.PUBLISHED, delivered_at__isnull=True
    ).select_related("record", "channel")
    return render(
        request,
        "records/staff/duties.html",
        {"duties": items, "missed": missed, "today": timezone.localdate()},
    )


@staff_required
def delivery(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """A channel version: preview/copy it, download the notice-board PDF, mark it sent."""
    record = _record(request, pk)
    item = get_object_or_404(ChannelDelivery, pk=delivery_pk, record=record)
    if request.method == "POST":
        try:
            channels.mark_delivered(request.user, item, request.POST.get("note", ""))
        except PermissionDenied:
            raise
        messages.success(request, f"已登记通过“{item.channel.name}”发布。")
        return redirect("records_staff:detail", pk)
    if request.GET.get("download") == "pdf":
        try:
            pdf = channels.notice_pdf(record)
        except RuntimeError as exc:
            messages.error(request, str(exc))
            return redirect("records_staff:delivery", pk, delivery_pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="notice-{record.pk}.pdf"'
        return response
    wechat, _, short = item.content.partition("\n<!-- 短文本 -->\n")
    return render(
        request,
        "records/staff/delivery.html",
        {"record": record, "delivery": item, "wechat": wechat, "short": short},
    )


@staff_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    record = _record(request, pk)
    item = get_object_or_404(record.attachments, pk=attachment_pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


#: a paste larger than this is refused with a message (a .docx upload is the way for it)
PASTE_LIMIT = 2_000_000


@staff_required
@require_POST
def clean_pasted_html(request: HttpRequest) -> JsonResponse:
    """The editor's paste: clipboard HTML (Word's included) through the same sanitiser the
    save goes through, so what the editor sees after pasting is what will be stored."""
    permissions.require(request.user, "编辑信息正文", None, EDIT_ROLES)
    html = request.POST.get("html", "")
    if len(html) > PASTE_LIMIT:
        return JsonResponse(
            {"error": "粘贴的内容过大，请分段粘贴，或将 Word 文档作为正文上传。"}, status=413
        )
    clean = sanitize_html(html)
    return JsonResponse({"html": clean.html, "removed": clean.removed})


@staff_required
def tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens for other systems to feed drafts (shown once, stored hashed)."""
    if request.method == "POST" and request.POST.get("revoke", "").isdigit():
        token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
        api_tokens.revoke_token(request.user, token)
        messages.success(request, "令牌已吊销。")
        return redirect("records_staff:tokens")
    permissions.require(request.user, "使用接口令牌", None, workflow.PUBLISH_ROLES)
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        _token, created = api_tokens.issue_token(request.user, form.cleaned_data["name"])
        form = TokenForm()
    items = ApiToken.objects.filter(user=request.user)
    return render(
        request, "records/staff/tokens.html", {"form": form, "created": created, "tokens": items}
    )


def workbench_panel(request):
    """信息发布 on the workbench: drafts, reviews waiting, due and overdue duties."""
    user = request.user
    orgs = organisations_for(user)
    if not orgs.exists():
        return None
    review_orgs = organisations_for(user, REVIEW_ROLES)
    today = timezone.localdate()
    duty_list = deadlines.duties_for(orgs, today, horizon_days=10)
    context = {
        "drafts": Record.objects.filter(
            created_by=user, state__in=[State.DRAFT, State.RETURNED]
        ).count(),
        "to_review": Record.objects.filter(
            organisation__in=review_orgs, state=State.SUBMITTED
        ).count()
        + RecordRevision.objects.filter(
            record__organisation__in=review_orgs, state=RevisionState.SUBMITTED
        ).count(),
        "duties": duty_list[:8],
        "overdue": sum(1 for d in duty_list if d.overdue),
        "due": sum(1 for d in duty_list if not d.overdue),
        "new_url": reverse("records_staff:new"),
    }
    return "records/staff/_panel.html", context
