"""The authorisation matrix: every staff URL (walked from the URL configuration) and every staff
API operation (walked from the OpenAPI document) × every role × own/other site, against the rule
table below, for GET and POST.

Each URL name and each operation must have a rule: one without fails with "new endpoint without
a rule: …". A refused POST must leave the database as it was (audit events, counts, states); an
allowed POST marked `changes` must change it, which proves its payload would have done harm.

The actors are the demo's yingjiang staff (see core/demo.py: yj_editor and yj_reviewer of 住建局,
yj_admin of the office, yj_evaluator, yj_deputy) and the superuser. Object-level URLs run
against three objects: "own" (yingjiang 住建局's), "other_org" (yingjiang 民政局's) and
"other_site" (ouhai 住建局's).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.api import api
from gongkai.catalogue.models import (
    CatalogueChange,
    CatalogueItem,
    CatalogueVersion,
    ListedItem,
)
from gongkai.core.demo import load_demo
from gongkai.core.models import AuditEvent, Membership, Organisation, Site, User
from gongkai.core.permissions import SYSTEM
from gongkai.foi import workflow as foi_workflow
from gongkai.foi.models import Appeal, AttachmentKind, Channel, FoiEvent, FoiRequest
from gongkai.foi.models import Outcome as FoiOutcome
from gongkai.guides.models import Guide, ServiceItem
from gongkai.oversight import plan as plan_rules
from gongkai.oversight.models import (
    AnnualReport,
    AnnualReportDraft,
    CheckRun,
    EvaluationSheet,
    ExpressionRule,
    Finding,
    Inspection,
    InspectionItem,
    PlanNote,
    PlanStep,
    PlanTask,
    RectificationEvidence,
    SheetRow,
    WorkPlan,
)
from gongkai.participation import rules as participation_rules
from gongkai.participation.models import ErrorReport, Message
from gongkai.portal.models import DisclosurePage
from gongkai.records import workflow as records_workflow
from gongkai.records.models import (
    ApiToken,
    ChannelDelivery,
    ConfidentialityReview,
    Record,
    RecordRevision,
)
from tests.conftest import org
from tests.foi.conftest import PNG, applicant
from tests.records.conftest import PASS_CHECKS, data, make_leaf
from tests.records.files import pdf_bytes, png_bytes

ACTORS = {
    "superuser": "admin",
    "office_admin": "yj_admin",
    "editor": "yj_editor",
    "reviewer": "yj_reviewer",
    "evaluator": "yj_evaluator",
    "deputy": "yj_deputy",
    "anonymous": None,
}
TARGETS = ("own", "other_org", "other_site")

STAFF = frozenset(a for a in ACTORS if a != "anonymous")
WRITE = frozenset({"superuser", "office_admin", "editor", "reviewer"})
EDIT = frozenset({"superuser", "office_admin", "editor"})
REVIEW = frozenset({"superuser", "office_admin", "reviewer"})
ADMIN = frozenset({"superuser", "office_admin"})
SUPERUSER = frozenset({"superuser"})
#: oversight: the office and the evaluator read the whole site; the organisation's own staff
#: (editor, reviewer) its items; only they rectify and only the evaluator scores
SITE_READERS = frozenset({"superuser", "office_admin", "evaluator"})
INSPECTION_READERS = SITE_READERS | {"editor", "reviewer"}
RECTIFIERS = frozenset({"superuser", "editor", "reviewer"})
EVALUATORS = frozenset({"superuser", "evaluator"})


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    name: str
    statuses: frozenset
    refused: bool


OK = Outcome("allowed", frozenset({200, 201, 302, 400, 409}), refused=False)
DENIED = Outcome("denied", frozenset({403, 404}), refused=True)
FORBIDDEN = Outcome("forbidden", frozenset({403}), refused=True)
FORM_REFUSED = Outcome("refused by the form", frozenset({200, 400}), refused=True)
REFUSED = Outcome("refused", DENIED.statuses | FORM_REFUSED.statuses, refused=True)
LOGIN = Outcome("sent to log in", frozenset({302, 401}), refused=True)
NO_METHOD = Outcome("method not allowed", frozenset({405}), refused=True)
PAST_ADMIN_GUARD = Outcome(
    "past the admin site's guard", frozenset({200, 302, 400, 403, 404, 405}), refused=False
)
NOTHING_PENDING = Outcome("allowed, nothing pending", frozenset({404}), refused=False)

Rule = Callable[[str, str], Outcome]


def allow(roles, other_org=ADMIN, other_site=SUPERUSER, refused: Outcome = DENIED) -> Rule:
    """`roles` may act on their own organisation's object; of them, those in `other_org` also
    on another organisation's of the same site (the office admin covers the site) and those in
    `other_site` on the other site's (the superuser). Everyone else is refused; anonymous
    visitors are sent to log in."""

    def rule(actor: str, target: str) -> Outcome:
        if actor == "anonymous":
            return LOGIN
        scope = {"own": STAFF, "other_org": other_org, "other_site": other_site}[target]
        return OK if actor in frozenset(roles) & frozenset(scope) else refused

    return rule


def post_only(actor: str, target: str) -> Outcome:
    return LOGIN if actor == "anonymous" else NO_METHOD


def logged_in(actor: str, target: str) -> Outcome:
    return LOGIN if actor == "anonymous" else OK


def superuser_only(actor: str, target: str) -> Outcome:
    """The admin site: everyone but the superuser is sent to the admin's login. What a model
    admin then allows the superuser (read-only audit log: 403 on add) is not this matrix's."""
    return PAST_ADMIN_GUARD if actor == "superuser" else LOGIN


def admin_import_step(actor: str, target: str) -> Outcome:
    if actor == "anonymous":
        return LOGIN
    return NOTHING_PENDING if actor in ADMIN else FORBIDDEN


ANY_STAFF = allow(STAFF)
# catalogue pages work on the staff member's own site (the superuser's: the host's)
SITE_BOUND = allow(STAFF, other_org=STAFF, other_site=())


@dataclass
class Entry:
    get: Rule | None  # None: a public URL, not part of the matrix
    post: Rule | None = None  # the writing method: POST, or an API operation's PUT/DELETE
    kwargs: Callable | None = None  # bundle -> URL kwargs
    data: Callable | None = None  # bundle -> POST data
    per_target: bool = False  # object-level: run against own and other site's objects
    per_target_get: bool | None = None  # default: as per_target (False: the page has no object)
    changes: bool = False  # an allowed POST with this payload must change the database
    query: str = ""

    def __post_init__(self):
        if self.post is None:
            self.post = self.get


PUBLIC = Entry(get=None)


# --------------------------------------------------------------------------- the rule table

STAFF_URLS: dict[str, Entry] = {
    # core
    "core:login": PUBLIC,
    "core:logout": PUBLIC,
    "core:two_factor": Entry(logged_in),
    "core:workbench": Entry(ANY_STAFF),
    "core:audit_log": Entry(ANY_STAFF),
    # catalogue: everyone reads the standard of their site; office admins change it
    "catalogue_staff:index": Entry(ANY_STAFF),
    "catalogue_staff:domain": Entry(
        SITE_BOUND, kwargs=lambda b: {"pk": b.leaf.domain_id}, per_target=True
    ),
    "catalogue_staff:item_add": Entry(
        allow(ADMIN, other_site=()),
        kwargs=lambda b: {"pk": b.leaf.domain_id},
        data=lambda b: {"name": "矩阵新增事项", "deadline_text": "实时", "reason": "测试"},
        per_target=True,
        changes=True,
    ),
    "catalogue_staff:item_edit": Entry(
        SITE_BOUND,
        post=allow(WRITE, other_site=()),  # admins, and the leaf's organisation
        kwargs=lambda b: {"pk": b.leaf.pk},
        data=lambda b: {
            "name": b.leaf.name,
            "content": "矩阵修改",
            "reason": "测试",
            "version": type(b.leaf).objects.get(pk=b.leaf.pk).version,
        },
        per_target=True,
        changes=True,
    ),
    "catalogue_staff:item_move": Entry(
        allow(ADMIN, other_site=()),
        kwargs=lambda b: {"pk": b.leaf.pk},
        data=lambda b: {"direction": "into", "target": b.other_root.pk, "reason": "测试"},
        per_target=True,
        changes=True,
    ),
    "catalogue_staff:item_assign": Entry(
        allow(ADMIN, other_site=()),
        kwargs=lambda b: {"pk": b.leaf.pk},
        data=lambda b: {"organisations": [b.organisation.pk, b.second.pk], "reason": "测试"},
        per_target=True,
        changes=True,
    ),
    "catalogue_staff:import": Entry(allow(ADMIN)),
    "catalogue_staff:import_preview": Entry(admin_import_step),
    "catalogue_staff:import_confirm": Entry(post_only, post=admin_import_step),
    "catalogue_staff:export": Entry(ANY_STAFF),
    "catalogue_staff:deadlines": Entry(allow(ADMIN)),
    "catalogue_staff:duties": Entry(ANY_STAFF),
    "catalogue_staff:versions": Entry(
        ANY_STAFF,
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"note": "矩阵发布"},
        changes=True,
    ),
    "catalogue_staff:compare": Entry(ANY_STAFF, query="a=current&b=current"),
    # requests: the organisation's handlers; the office admin for the whole site
    "foi_staff:list": Entry(ANY_STAFF),
    "foi_staff:statistics": Entry(ANY_STAFF),
    "foi_staff:register": Entry(
        ANY_STAFF,
        post=allow(WRITE, refused=FORM_REFUSED),
        data=lambda b: applicant(
            organisation=b.organisation.pk, channel="in_person", submitted_on=b.today.isoformat()
        ),
        per_target=True,
        per_target_get=False,
        changes=True,
    ),
    "foi_staff:case": Entry(allow(WRITE), kwargs=lambda b: {"pk": b.case.pk}, per_target=True),
    "foi_staff:action": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.case.pk, "slug": "consult"},
        data=lambda b: {
            "consult-on": b.today.isoformat(),
            "consult-party": "某公司",
            "consult-version": FoiRequest.objects.get(pk=b.case.pk).version,
        },
        per_target=True,
        changes=True,
    ),
    "foi_staff:appeal_add": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.replied.pk},
        data=lambda b: {
            "appeal-kind": "reconsideration",
            "appeal-filed_on": b.today.isoformat(),
        },
        per_target=True,
        changes=True,
    ),
    "foi_staff:appeal_result": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.replied.pk},
        data=lambda b: {
            "appeal": b.appeal.pk,
            "result": "maintained",
            "decided_on": b.today.isoformat(),
        },
        per_target=True,
        changes=True,
    ),
    "foi_staff:attachment": Entry(
        allow(WRITE),
        kwargs=lambda b: {"pk": b.case.pk, "attachment_id": b.case_file.pk},
        per_target=True,
    ),
    "foi_staff:letter": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": b.replied.pk, "fmt": "docx"}, per_target=True
    ),
    "foi_staff:correction_letter": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": b.asked.pk, "fmt": "docx"}, per_target=True
    ),
    # records: drafting by editors, review by reviewers, both see their organisation's records
    "records_staff:index": Entry(ANY_STAFF),
    "records_staff:review_queue": Entry(ANY_STAFF),
    "records_staff:duties": Entry(ANY_STAFF),
    "records_staff:tokens": Entry(
        allow(WRITE, refused=FORBIDDEN),  # not bound to an organisation
        data=lambda b: {"name": "矩阵令牌"},
        changes=True,
    ),
    "records_staff:clean_html": Entry(
        post_only,  # the editor's paste: POST only, for those who may edit a body
        post=allow(EDIT, other_org=EDIT, refused=FORBIDDEN),  # not bound to an organisation
        data=lambda b: {"html": "<div>粘贴</div>"},
    ),
    "records_staff:new": Entry(
        ANY_STAFF,
        post=allow(EDIT, refused=FORM_REFUSED),
        data=lambda b: {
            "organisation": b.organisation.pk,
            "catalogue_item": b.leaf.pk,
            "kind": "notice",
            "title": "矩阵测试草稿",
            "formed_on": b.today.isoformat(),
            "subject": "08",
            "genre": "公示",
            "disclosure": "proactive",
            "body": "<p>正文</p>",
        },
        per_target=True,
        per_target_get=False,
        changes=True,
    ),
    "records_staff:detail": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": b.draft.pk}, per_target=True
    ),
    "records_staff:edit": Entry(
        allow(WRITE),
        post=allow(EDIT, refused=REFUSED),  # reviewers: the form offers no organisation
        kwargs=lambda b: {"pk": b.draft.pk},
        data=lambda b: {
            "kind": "notice",
            "title": "矩阵修改后的标题",
            "formed_on": b.today.isoformat(),
            "subject": "08",
            "genre": "通知",
            "disclosure": "proactive",
            "body": "<p>改</p>",
            "version": Record.objects.get(pk=b.draft.pk).version,
        },
        per_target=True,
        changes=True,
    ),
    "records_staff:revise": Entry(
        allow(WRITE),
        post=allow(EDIT),
        kwargs=lambda b: {"pk": b.published.pk},
        data=lambda b: {
            "title": "矩阵修订",
            "summary": "补充",
            "body": "<p>x</p>",
            "reason": "补充",
        },
        per_target=True,
        changes=True,
    ),
    "records_staff:act": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": b.draft.pk, "action": "submit"},
        per_target=True,
        changes=True,
    ),
    "records_staff:revision_act": Entry(
        post_only,
        post=allow(REVIEW),
        kwargs=lambda b: {"pk": b.revised.pk, "number": b.revision.number, "action": "return"},
        data=lambda b: {"comment": "请补充"},
        per_target=True,
        changes=True,
    ),
    "records_staff:delivery": Entry(
        allow(WRITE),
        kwargs=lambda b: {"pk": b.revised.pk, "delivery_pk": b.delivery.pk},
        data=lambda b: {"note": "已在公众号推送"},
        per_target=True,
        changes=True,
    ),
    "records_staff:attachment": Entry(
        allow(WRITE),
        kwargs=lambda b: {"pk": b.draft.pk, "attachment_pk": b.draft_file.pk},
        per_target=True,
    ),
    # 公开年报: an organisation's editors and the office admin upload its reports; the page
    # works on the staff member's own site, so another site's organisation is not offered
    "oversight_staff:reports": Entry(
        ANY_STAFF,
        post=allow(EDIT, other_site=(), refused=FORM_REFUSED),
        data=lambda b: {
            "organisation": b.organisation.pk,
            "year": b.today.year - 1,
            "file": SimpleUploadedFile("年报.pdf", pdf_bytes()),
        },
        per_target=True,
        per_target_get=False,
        changes=True,
    ),
    # --- work plan: every staff member of the site reads it; the office admin edits it; the
    # staff of a task's responsible organisation post progress and mark it done
    "oversight_staff:plan_list": Entry(
        ANY_STAFF,
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"year": b.today.year, "title": "矩阵新建方案"},
        changes=True,
    ),
    "oversight_staff:plan_detail": Entry(
        allow(STAFF, other_org=STAFF), kwargs=lambda b: {"pk": b.extra["plan"].pk}, per_target=True
    ),
    "oversight_staff:plan_edit": Entry(
        allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["plan"].pk},
        data=lambda b: {
            "year": b.today.year,
            "title": "矩阵修改方案",
            "version": WorkPlan.objects.get(pk=b.extra["plan"].pk).version,
        },
        per_target=True,
        changes=True,
    ),
    "oversight_staff:plan_step_add": Entry(
        allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["plan"].pk},
        data=lambda b: {"title": "矩阵阶段"},
        per_target=True,
        changes=True,
    ),
    "oversight_staff:plan_task_add": Entry(
        allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["plan"].pk},
        data=lambda b: {
            "step": b.extra["task"].step_id,
            "text": "矩阵任务",
            "lead": b.organisation.pk,
            "deadline": b.today.isoformat(),
            "status": "not_started",
        },
        per_target=True,
        changes=True,
    ),
    "oversight_staff:plan_export": Entry(
        allow(STAFF, other_org=STAFF), kwargs=lambda b: {"pk": b.extra["plan"].pk}, per_target=True
    ),
    "oversight_staff:plan_task": Entry(
        allow(STAFF, other_org=STAFF),
        post=allow(WRITE),  # the task's organisation (住建局's editor and reviewer), the office
        kwargs=lambda b: {"pk": b.extra["task"].pk},
        data=lambda b: {"text": "矩阵进展"},
        per_target=True,
        changes=True,
    ),
    "oversight_staff:plan_task_edit": Entry(
        allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["task"].pk},
        data=lambda b: {
            "step": b.extra["task"].step_id,
            "number": 1,
            "text": "矩阵修改任务",
            "lead": b.organisation.pk,
            "deadline": b.today.isoformat(),
            "version": PlanTask.objects.get(pk=b.extra["task"].pk).version,
        },
        per_target=True,
        changes=True,
    ),
    "oversight_staff:plan_task_status": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["task"].pk},
        data=lambda b: {
            "action": "done",
            "version": PlanTask.objects.get(pk=b.extra["task"].pk).version,
        },
        per_target=True,
        changes=True,
    ),
    # the acceptance package: the office admin of the site
    "oversight_staff:acceptance": Entry(allow(ADMIN, refused=FORBIDDEN)),
    # 自查督查: the office admin manages its site's inspections; the third-party evaluator
    # reads them; an organisation's editor and reviewer see and rectify their own items only
    "oversight_staff:inspection_list": Entry(
        ANY_STAFF,
        post=allow(ADMIN, other_site=(), refused=FORBIDDEN),
        data=lambda b: {
            "kind": "self",
            "title": "矩阵自查",
            "period": "2026年",
            "held_on": b.today.isoformat(),
        },
        changes=True,
    ),
    "oversight_staff:inspection_detail": Entry(
        allow(INSPECTION_READERS, other_org=SITE_READERS),
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["inspection"].pk},
        data=lambda b: {
            "action": "add_item",
            "item-indicator": "发布解读",
            "item-description": "矩阵问题",
            "item-severity": "deduction",
            "item-points": "1",
        },
        per_target=True,
        changes=True,
    ),
    "oversight_staff:inspection_report": Entry(
        allow(SITE_READERS, other_org=SITE_READERS),
        kwargs=lambda b: {"pk": b.extra["inspection"].pk},
        per_target=True,
    ),
    "oversight_staff:inspection_item": Entry(
        allow(INSPECTION_READERS, other_org=SITE_READERS),
        post=allow(RECTIFIERS, other_org=SUPERUSER),
        kwargs=lambda b: {"pk": b.extra["inspection_item"].pk},
        data=lambda b: {
            "action": "rectify",
            "rectify-text": "矩阵整改",
            "rectify-submit": "on",
            "rectify-version": InspectionItem.objects.get(pk=b.extra["inspection_item"].pk).version,
        },
        per_target=True,
        changes=True,
    ),
    "oversight_staff:inspection_evidence": Entry(
        allow(INSPECTION_READERS, other_org=SITE_READERS),
        kwargs=lambda b: {
            "pk": b.extra["inspection_item"].pk,
            "evidence_pk": b.extra["inspection_evidence"].pk,
        },
        per_target=True,
    ),
    # 第三方评估: the office admin defines and creates sheets, the evaluator fills them in;
    # the office does not score (evaluation.py), editors do not see evaluation
    "oversight_staff:evaluation_index": Entry(
        allow(SITE_READERS, refused=FORBIDDEN),
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {
            "year": b.today.year,
            "organisation": b.second.pk,
            "template": b.extra["evaluation_template"].pk,
        },
        changes=True,
    ),
    "oversight_staff:evaluation_templates": Entry(
        allow(SITE_READERS, refused=FORBIDDEN),
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"name": "矩阵模板", "lines": "发布解读|100"},
        changes=True,
    ),
    "oversight_staff:evaluation_sheet": Entry(
        allow(SITE_READERS, other_org=SITE_READERS),
        post=allow(EVALUATORS, other_org=EVALUATORS),
        kwargs=lambda b: {"pk": b.extra["evaluation_sheet"].pk},
        data=lambda b: {
            "action": "save",
            "version": EvaluationSheet.objects.get(pk=b.extra["evaluation_sheet"].pk).version,
            f"score_{b.extra['evaluation_sheet'].rows.first().pk}": "10",
        },
        per_target=True,
        changes=True,
    ),
    "oversight_staff:evaluation_export": Entry(allow(SITE_READERS, refused=FORBIDDEN)),
    # 检查发现的问题: every staff member sees what they are to fix (the office admin and the
    # evaluator the whole site); only the office admin runs the checks (立即检查)
    "oversight_staff:findings": Entry(
        ANY_STAFF, post=allow(ADMIN, other_site=(), refused=FORBIDDEN), changes=True
    ),
    # the expression list the checks use: the office admin of the site
    "oversight_staff:expressions": Entry(
        allow(ADMIN, other_site=(), refused=FORBIDDEN),
        data=lambda b: {"action": "add", "kind": "misused", "wrong": "矩阵错词", "correct": "对"},
        changes=True,
    ),
    # 咨询留言, 满意度评价, 网站纠错: the organisation's editors and reviewers answer its own,
    # the office admin the whole site's; other staff see an empty list
    "participation_staff:messages": Entry(ANY_STAFF),
    "participation_staff:message": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": b.extra["message"].pk}, per_target=True
    ),
    "participation_staff:action": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["message"].pk, "action": "close"},
        data=lambda b: {"note": "矩阵关闭"},
        per_target=True,
        changes=True,
    ),
    "participation_staff:feedback": Entry(ANY_STAFF),
    "participation_staff:handle": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"kind": "report", "pk": b.extra["report"].pk},
        data=lambda b: {"state": "closed", "note": "矩阵处理"},
        per_target=True,
        changes=True,
    ),
    # 征求意见: the organisation's editors and reviewers (the office admin: the whole site)
    # draft, moderate, dispose and close; the advisory group is the office admin's
    "consultations_staff:list": Entry(ANY_STAFF),
    "consultations_staff:create": Entry(
        ANY_STAFF,
        post=allow(WRITE, refused=FORM_REFUSED),
        data=lambda b: {
            "organisation": b.organisation.pk,
            "title": "矩阵征求意见",
            "opens_on": b.today.isoformat(),
            "closes_on": b.today.isoformat(),
            "text": "第一条 矩阵。",
        },
        per_target=True,
        per_target_get=False,
        changes=True,
    ),
    "consultations_staff:detail": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": b.extra["consultation"].pk}, per_target=True
    ),
    "consultations_staff:action": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["consultation_draft"].pk, "action": "submit"},
        per_target=True,
        changes=True,
    ),
    "consultations_staff:comment": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {
            "pk": b.extra["consultation"].pk,
            "comment_pk": b.extra["consultation_comment"].pk,
            "action": "dispose",
        },
        data=lambda b: {"disposition": "adopted"},
        per_target=True,
        changes=True,
    ),
    "advisory_staff:members": Entry(
        ANY_STAFF,
        post=allow(ADMIN, other_site=(), refused=FORBIDDEN),
        data=lambda b: {"name": "矩阵成员", "expertise": "矩阵领域"},
        changes=True,
    ),
    # 开放日、公众列席、听证: the organising organisation's editors and reviewers, the office
    # admin for the whole site; other staff see an empty list and no event
    "events_staff:list": Entry(ANY_STAFF),
    "events_staff:new": Entry(
        ANY_STAFF,
        post=allow(WRITE, refused=FORM_REFUSED),
        data=lambda b: {"organisation": b.organisation.pk, **_event_form(b.extra["event_draft"])},
        per_target=True,
        per_target_get=False,
        changes=True,
    ),
    "events_staff:detail": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": b.extra["event_draft"].pk}, per_target=True
    ),
    "events_staff:edit": Entry(
        allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["event_draft"].pk},
        data=lambda b: {**_event_form(b.extra["event_draft"]), "title": "矩阵修改的活动"},
        per_target=True,
        changes=True,
    ),
    "events_staff:publish": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["event_draft"].pk},
        per_target=True,
        changes=True,
    ),
    "events_staff:draw": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["event_draw"].pk},
        per_target=True,
        changes=True,
    ),
    "events_staff:registration": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {
            "pk": b.extra["event_approval"].pk,
            "rid": b.extra["event_pending"].pk,
            "action": "reject",
        },
        data=lambda b: {"reason": "矩阵不通过"},
        per_target=True,
        changes=True,
    ),
    "events_staff:checkin": Entry(
        allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["event_held"].pk},
        data=lambda b: {"code": b.extra["event_confirmed"].code},
        per_target=True,
        changes=True,
    ),
    "events_staff:minutes": Entry(
        allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["event_held"].pk},
        data=lambda b: {"text": "矩阵纪要"},
        per_target=True,
        changes=True,
    ),
    # 资金第三方监管: the office admin registers funds and assigns supervisors; only the
    # supervising third party's own staff record disbursements and publish reports (no demo
    # role is one: only the superuser, and the office admin is refused on purpose); the
    # administering organisation's staff (and the office admin) read and respond to findings
    "funds_staff:index": Entry(ANY_STAFF),
    "funds_staff:create": Entry(
        allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {
            "name": "矩阵资金",
            "kind": "relief",
            "administering_organisation": b.organisation.pk,
            "supervisor": b.extra["fund"].supervisor_id,
            "total_amount": "100.00",
            "period_start": b.today.isoformat(),
            "period_end": b.today.isoformat(),
        },
        changes=True,
    ),
    "funds_staff:fund": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": b.extra["fund"].pk}, per_target=True
    ),
    "funds_staff:assign": Entry(
        post_only,
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["fund"].pk},
        data=lambda b: {"a-supervisor": b.extra["other_supervisor"].pk},
        per_target=True,
        changes=True,
    ),
    "funds_staff:disburse": Entry(
        post_only,
        post=allow(SUPERUSER, other_org=SUPERUSER),
        kwargs=lambda b: {"pk": b.extra["fund"].pk},
        data=lambda b: {
            "d-paid_on": b.today.isoformat(),
            "d-amount": "10.00",
            "d-purpose": "矩阵拨付",
            "d-recipient_category": "village",
            "d-area": "矩阵村",
            "d-recipients_count": "1",
        },
        per_target=True,
        changes=True,
    ),
    "funds_staff:report": Entry(
        post_only,
        post=allow(SUPERUSER, other_org=SUPERUSER),
        kwargs=lambda b: {"pk": b.extra["fund"].pk},
        data=lambda b: {
            "r-title": "矩阵报告",
            "r-period_start": b.today.isoformat(),
            "r-period_end": b.today.isoformat(),
            "r-summary": "矩阵结论",
            "r-file": SimpleUploadedFile("监管报告.pdf", pdf_bytes()),
        },
        per_target=True,
        changes=True,
    ),
    "funds_staff:publish": Entry(
        post_only,
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["fund"].pk},
        data=lambda b: {"published": "0"},
        per_target=True,
        changes=True,
    ),
    "funds_staff:review": Entry(
        post_only,
        post=allow(SUPERUSER, other_org=SUPERUSER),
        kwargs=lambda b: {"pk": b.extra["finding"].pk},
        data=lambda b: {"status": "done", "note": "矩阵核实"},
        per_target=True,
        changes=True,
    ),
    "funds_staff:respond": Entry(
        post_only,
        post=allow(WRITE),
        kwargs=lambda b: {"pk": b.extra["finding"].pk},
        data=lambda b: {"text": "矩阵回应"},
        per_target=True,
        changes=True,
    ),
    # 公开工作监测: every staff member sees it (the office admin and evaluator the whole site,
    # the others their own organisations: tests/oversight/test_dashboard.py); read-only
    "oversight_staff:dashboard": Entry(ANY_STAFF, post=post_only),
    "oversight_staff:figure": Entry(
        ANY_STAFF, post=post_only, kwargs=lambda b: {"code": "coverage"}
    ),
    # the computed annual report: an organ's editors and the office admin write it; only the
    # office re-opens a final one
    "oversight_staff:annual_list": Entry(
        ANY_STAFF,
        post=allow(EDIT, other_site=(), refused=FORM_REFUSED),
        data=lambda b: {"organisation": b.organisation.pk, "year": b.today.year - 1},
        per_target=True,
        per_target_get=False,
        changes=True,
    ),
    "oversight_staff:annual_detail": Entry(
        allow(EDIT), kwargs=lambda b: {"pk": _annual(b).pk}, per_target=True
    ),
    "oversight_staff:annual_sections": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _annual(b).pk},
        data=lambda b: {"version": _annual(b).version, "section_five": "矩阵"},
        per_target=True,
        changes=True,
    ),
    "oversight_staff:annual_cell": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _annual(b).pk},
        data=lambda b: {
            "version": _annual(b).version,
            "key": "t2.permit.decisions",
            "value": "3",
            "reason": "矩阵",
        },
        per_target=True,
        changes=True,
    ),
    "oversight_staff:annual_final": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _annual(b).pk},
        data=lambda b: {"version": _annual(b).version},
        per_target=True,
    ),
    "oversight_staff:annual_reopen": Entry(
        post_only,
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": _annual(b).pk},
        data=lambda b: {"version": _annual(b).version, "reason": "矩阵"},
        per_target=True,
    ),
    "oversight_staff:annual_publish": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _annual(b).pk},
        data=lambda b: {"version": _annual(b).version},
        per_target=True,
    ),
    "oversight_staff:annual_file": Entry(
        allow(EDIT), kwargs=lambda b: {"pk": _annual(b).pk, "kind": "docx"}, per_target=True
    ),
    # the 政府信息公开指南 and 制度: the office admin of the site
    "portal_staff:disclosure_edit": Entry(
        allow(ADMIN, refused=FORBIDDEN),
        kwargs=lambda b: {"kind": "guide"},
        data=lambda b: {"title": "矩阵指南", "body": "<p>矩阵</p>"},
        changes=True,
    ),
    # 办事指南: an organisation's editors draft its items' guides, its reviewers approve them,
    # the office admin acts for the whole site; everyone else sees an empty list
    "guides_staff:items": Entry(ANY_STAFF),
    "guides_staff:review": Entry(ANY_STAFF),
    "guides_staff:item_new": Entry(
        ANY_STAFF,
        post=allow(EDIT, refused=FORM_REFUSED),  # the form offers only the user's organisations
        data=lambda b: {
            "organisation": b.organisation.pk,
            "code": f"MATRIX-NEW-{b.organisation.pk}",
            "name": "矩阵新增事项",
            "item_type": "licence",
            "audience": "person",
            "effective_from": b.today.isoformat(),
        },
        per_target=True,
        per_target_get=False,
        changes=True,
    ),
    "guides_staff:item": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": _guide(b).item_id}, per_target=True
    ),
    "guides_staff:guide_edit": Entry(
        allow(WRITE),
        post=allow(EDIT, refused=REFUSED),  # reviewers see the page; the service refuses them
        kwargs=lambda b: {"pk": _guide(b).item_id, "number": 1},
        data=lambda b: {
            "version": _guide(b).version,
            "effective_from": b.today.isoformat(),
            "summary": "矩阵修改",
            "visits_required": "1",
            **{
                f"{p}-{k}": "0"
                for p in ("conditions", "materials", "steps")
                for k in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },  # fmt: skip
        per_target=True,
        changes=True,
    ),
    "guides_staff:guide_act": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _guide(b).item_id, "number": 1, "action": "submit"},
        per_target=True,
        changes=True,
    ),
    # 办事指南 import/export and the three lists: every staff member of the site sees the pages
    # and downloads the export; the office admin imports
    "guides_staff:io_import": Entry(
        ANY_STAFF,
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"file": SimpleUploadedFile("guides.xlsx", _guides_xlsx())},
        changes=True,
    ),
    "guides_staff:io_export": Entry(ANY_STAFF, post=post_only),
    "guides_staff:io_lists": Entry(
        ANY_STAFF,
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {
            "list_type": "power",
            "file": SimpleUploadedFile("list.xlsx", _list_xlsx()),
        },
        changes=True,
    ),
    # 情景导航: every staff member of the site reads the flows; the office admin manages them
    "guides_staff:scenarios": Entry(
        ANY_STAFF,
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"title": "矩阵情景", "slug": "matrix-new"},
        changes=True,
    ),
    "guides_staff:scenario": Entry(
        SITE_BOUND, post=post_only, kwargs=lambda b: {"pk": _scenario(b).pk}, per_target=True
    ),
    "guides_staff:scenario_action": Entry(
        post_only,
        post=allow(ADMIN, other_site=()),
        kwargs=lambda b: {"pk": _scenario(b).pk, "action": "edit"},
        data=lambda b: {"s-title": "矩阵修改情景", "s-slug": _scenario(b).slug},
        per_target=True,
        changes=True,
    ),
    # the service hall (综合窗口, 一库共享, 办件统计): the office admin of the site only
    "guides_staff:hall_windows": Entry(
        allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"number": "M99", "name": "矩阵窗口", "kind": "comprehensive"},
        changes=True,
    ),
    "guides_staff:hall_window": Entry(
        allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["window"].pk},
        data=lambda b: {
            "number": b.extra["window"].number,
            "name": "矩阵修改窗口",
            "kind": "comprehensive",
            "items": [b.extra["service_item"].pk],
        },
        per_target=True,
        changes=True,
    ),
    "guides_staff:hall_window_delete": Entry(
        post_only,
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["window"].pk},
        per_target=True,
        changes=True,
    ),
    "guides_staff:hall_certificates": Entry(
        allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"name": "矩阵新证照", "kind": "certificate", "trust_level": "A"},
        changes=True,
    ),
    "guides_staff:hall_certificate": Entry(
        allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["certificate"].pk},
        data=lambda b: {
            "name": b.extra["certificate"].name,
            "kind": "data",
            "trust_level": "B",
        },
        per_target=True,
        changes=True,
    ),
    "guides_staff:hall_certificate_delete": Entry(
        post_only,
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["certificate"].pk},
        per_target=True,
        changes=True,
    ),
    "guides_staff:hall_statistics": Entry(
        allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"file": SimpleUploadedFile("办件统计.xlsx", _case_xlsx(b))},
        changes=True,
    ),
    "guides_staff:hall_statistics_template": Entry(allow(ADMIN, refused=FORBIDDEN)),
    # 举报复核: the site's office admin restores or keeps hidden what repeated reports hid;
    # other staff see an empty queue
    "participation_staff:moderation": Entry(ANY_STAFF),
    "participation_staff:moderation_decide": Entry(
        post_only,
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": b.extra["moderation_case"].pk},
        data=lambda b: {"decision": "restore", "note": "矩阵复核"},
        per_target=True,
        changes=True,
    ),
    # 民生实事项目 up to the vote: the office admin of the site runs the year (the pages work on
    # the staff member's own site); only a deputy on the year's roster gets the ballot
    "projects_staff:index": Entry(
        ANY_STAFF,
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {"year": 2040},
        changes=True,
    ),
    "projects_staff:programme": Entry(
        allow(ADMIN, refused=FORBIDDEN), kwargs=lambda b: {"year": _vote_programme(b).year}
    ),
    "projects_staff:programme_action": Entry(
        post_only,
        post=allow(ADMIN, refused=FORBIDDEN),
        kwargs=lambda b: {"year": _vote_programme(b).year, "action": "close_vote"},
        changes=True,
    ),
    "projects_staff:proposal_action": Entry(
        post_only,
        post=allow(ADMIN, refused=FORBIDDEN),
        kwargs=lambda b: {
            "year": _screening(b)[0].year,
            "pk": _screening(b)[1].pk,
            "action": "screen",
        },
        data=lambda b: {
            f"s{_screening(b)[1].pk}-feasible": "0",
            f"s{_screening(b)[1].pk}-reason": "矩阵筛选",
        },
        changes=True,
    ),
    "projects_staff:candidate": Entry(
        allow(ADMIN, refused=FORBIDDEN),
        kwargs=lambda b: {"year": _screening(b)[0].year, "pk": _screening(b)[2].pk},
        data=lambda b: {"title": "矩阵候选", "category": "housing", "description": "矩阵"},
        changes=True,
    ),
    "projects_staff:vote": Entry(
        allow({"deputy"}, refused=FORBIDDEN),
        kwargs=lambda b: {"year": _vote_programme(b).year},
        data=lambda b: {"projects": [_vote_programme(b).projects.first().pk]},
        changes=True,
    ),
    # 民生实事项目实施: the responsible organisation's staff see their project, its editors report
    # on it; the office assigns organisation and budget and publishes the year's report
    "projects_staff:progress_list": Entry(ANY_STAFF),
    "projects_staff:progress_project": Entry(
        allow(WRITE), kwargs=lambda b: {"pk": _progress_project(b).pk}, per_target=True
    ),
    "projects_staff:progress_assign": Entry(
        post_only,
        post=allow(ADMIN),
        kwargs=lambda b: {"pk": _progress_project(b).pk},
        data=lambda b: {"organisation": b.organisation.pk, "budget": "100"},
        per_target=True,
        changes=True,
    ),
    "projects_staff:progress_milestone": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _progress_project(b).pk},
        data=lambda b: {"title": "矩阵节点", "due_on": b.today.isoformat(), "weight": "1"},
        per_target=True,
        changes=True,
    ),
    "projects_staff:progress_update": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _progress_project(b).pk},
        data=lambda b: {"text": "矩阵进展"},
        per_target=True,
        changes=True,
    ),
    "projects_staff:progress_defer": Entry(
        post_only,
        post=allow(EDIT),
        kwargs=lambda b: {"pk": _progress_project(b).pk},
        data=lambda b: {"reason": "矩阵延期"},
        per_target=True,
        changes=True,
    ),
    "projects_staff:progress_resume": Entry(
        post_only,
        post=allow(EDIT),  # allowed, then refused by the rule: the project is not deferred
        kwargs=lambda b: {"pk": _progress_project(b).pk},
        data=lambda b: {"text": "矩阵恢复"},
        per_target=True,
    ),
    "projects_staff:progress_report": Entry(
        allow(ADMIN, refused=FORBIDDEN),  # the office of the staff member's own site
        kwargs=lambda b: {"year": _progress_project(b).programme.year},
    ),
    # 旧站迁移: publishing staff of the site read the overview and the queue and confirm pages
    # for their organisations (the office admin for all); only office admins edit the rules.
    # Site-bound (the superuser's: the host's); another site's pages and rules are not found.
    "legacy_staff:index": Entry(allow(WRITE, refused=FORBIDDEN)),
    "legacy_staff:report_csv": Entry(allow(WRITE, refused=FORBIDDEN)),
    "legacy_staff:queue": Entry(allow(WRITE, refused=FORBIDDEN)),
    "legacy_staff:column_confirm": Entry(
        post_only,
        post=allow(WRITE, refused=FORBIDDEN),
        data=lambda b: {"column": b.extra["legacy_page"].column_name},
        changes=True,
    ),
    "legacy_staff:page": Entry(
        allow(WRITE, other_org=WRITE, other_site=()),
        kwargs=lambda b: {"pk": b.extra["legacy_page"].pk},
        per_target=True,
    ),
    "legacy_staff:confirm": Entry(
        post_only,
        post=allow(WRITE, other_site=(), refused=REFUSED),  # others' organisations: the form
        kwargs=lambda b: {"pk": b.extra["legacy_page"].pk},
        data=lambda b: {
            "catalogue_item": b.leaf.pk,
            "organisation": b.organisation.pk,
            "version": type(b.extra["legacy_page"])
            .objects.get(pk=b.extra["legacy_page"].pk)
            .version,
        },
        per_target=True,
        changes=True,
    ),
    "legacy_staff:reject": Entry(
        post_only,
        post=allow(WRITE, other_site=()),
        kwargs=lambda b: {"pk": b.extra["legacy_page"].pk},
        data=lambda b: {
            "reason": "矩阵不予迁移",
            "version": type(b.extra["legacy_page"])
            .objects.get(pk=b.extra["legacy_page"].pk)
            .version,
        },
        per_target=True,
        changes=True,
    ),
    "legacy_staff:rules": Entry(
        allow(WRITE, refused=FORBIDDEN),
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {
            "field": "title",
            "contains": "矩阵规则",
            "catalogue_item": b.leaf.pk,
            "weight": "0.7",
            "position": "0",
            "active": "on",
        },
        changes=True,
    ),
    "legacy_staff:rule_edit": Entry(
        allow(ADMIN, other_org=ADMIN, other_site=()),
        kwargs=lambda b: {"pk": b.extra["legacy_rule"].pk},
        data=lambda b: {
            "field": "column",
            "contains": "矩阵修改",
            "organisation": b.organisation.pk,
            "weight": "0.6",
            "position": "1",
        },
        per_target=True,
        changes=True,
    ),
    "legacy_staff:rule_delete": Entry(
        post_only,
        post=allow(ADMIN, other_org=ADMIN, other_site=()),
        kwargs=lambda b: {"pk": b.extra["legacy_rule"].pk},
        per_target=True,
        changes=True,
    ),
    "legacy_staff:repropose": Entry(post_only, post=allow(ADMIN, refused=FORBIDDEN), changes=True),
}


def _vote_programme(b: Bundle):
    """The bundle site's programme of 2039 with its vote open, two candidates and yj_deputy on
    the roster (made on first use, inside the cell's savepoint)."""
    from datetime import timedelta

    from gongkai.participation.models import DeputyRosterEntry, LivelihoodProgramme
    from tests.participation.factories import make_programme, make_project

    programme = LivelihoodProgramme.objects.filter(site=b.site, year=2039).first()
    if programme is None:
        now = timezone.now()
        programme = make_programme(
            b.organisation, 2039, phase="voting", candidates_published_at=now,
            vote_opens_at=now - timedelta(hours=1), vote_closes_at=now + timedelta(days=1),
        )  # fmt: skip
        make_project(programme, "矩阵候选甲")
        make_project(programme, "矩阵候选乙")
        deputy = User.objects.get(
            username="yj_deputy" if b.site.slug == "yingjiang" else "oh_deputy"
        )
        DeputyRosterEntry.objects.create(programme=programme, user=deputy)
    return programme


def _screening(b: Bundle):
    """(programme of 2038 in screening, a proposal to screen, a candidate) of the bundle site."""
    from gongkai.participation.models import LivelihoodProgramme, Proposal
    from tests.participation.factories import make_person, make_programme, make_project

    programme = LivelihoodProgramme.objects.filter(site=b.site, year=2038).first()
    if programme is None:
        programme = make_programme(b.organisation, 2038, phase="screening")
        Proposal.objects.create(
            programme=programme, proposer=make_person(), title="矩阵建议", category="housing",
            place="某街道", description="矩阵",
        )  # fmt: skip
        make_project(programme, "矩阵候选")
    return programme, programme.proposals.first(), programme.projects.first()


def _progress_project(b: Bundle):
    """A project of the bundle's organisation chosen by a vote whose results are published (made
    on first use; the programme is written directly, as the vote's rules would leave it)."""
    from gongkai.participation.models import LivelihoodProgramme, LivelihoodProject

    programme, _ = LivelihoodProgramme.objects.get_or_create(
        site=b.site,
        year=2019,
        defaults={
            "title": "矩阵民生实事项目",
            "organisation": b.organisation,
            "phase": "implementation",
            "results_published_at": timezone.now(),
        },
    )
    project, _ = LivelihoodProject.objects.get_or_create(
        programme=programme,
        title=f"矩阵项目{b.organisation.pk}",
        defaults={
            "category": "housing",
            "description": "矩阵",
            "state": "selected",
            "organisation": b.organisation,
        },
    )
    return project


def _guide(b: Bundle):
    """A complete draft guide (version 1) of an item of the bundle's organisation (made on first
    use, inside the cell's savepoint)."""
    from gongkai.guides.models import Guide
    from tests.guides.factories import make_guide, make_item

    guide = Guide.objects.filter(item__code=f"MATRIX-G-{b.organisation.pk}").first()
    if guide is None:
        item = make_item(b.site, b.organisation, code=f"MATRIX-G-{b.organisation.pk}")
        guide = make_guide(item)
    return guide


def _xlsx(rows) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _guides_xlsx() -> bytes:
    """One new item of 住建局 (a draft guide): what an allowed import would create."""
    return _xlsx(
        [
            ["事项编码", "事项名称", "事项类型", "实施机构", "生效日期"],
            ["MATRIX-XK-0001", "矩阵测试事项", "行政许可", "区住房和城乡建设局", "2026-01-01"],
        ]
    )


def _list_xlsx() -> bytes:
    return _xlsx(
        [["序号", "事项编码", "事项名称", "实施机构"], [1, "MATRIX-1", "矩阵事项", "某局"]]
    )


def _scenario(b: Bundle):
    """A scenario of the bundle's site, one per target (made on first use)."""
    from gongkai.guides.models import Scenario

    scenario, _ = Scenario.objects.get_or_create(
        site=b.site, slug=f"matrix-{b.organisation.pk}", defaults={"title": "矩阵情景"}
    )
    return scenario


def _case_xlsx(b: Bundle) -> bytes:
    """One month of the bundle's service item at its window, as the acceptance system sends."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["统计月份", "事项编码", "窗口号", "受理件数", "办结件数", "准予件数",
                        "不予件数", "按时办结件数"])  # fmt: skip
    book.active.append(
        [f"{b.today:%Y-%m}", b.extra["service_item"].code, b.extra["window"].number, 3, 2, 2, 0, 2]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _annual(b: Bundle):
    """The bundle organisation's computed annual report of last year (made on first use)."""
    draft, _ = AnnualReportDraft.objects.get_or_create(
        site=b.site, organisation=b.organisation, year=b.today.year - 1
    )
    return draft


# The admin site is for superusers only (Django's is_staff; no demo role has it). Every model
# registered there is listed, so registering a new one needs a line here.
ADMIN_MODELS = {
    "auth_group",
    "core_auditevent",
    "core_loginfailure",
    "core_organisation",
    "core_sentmail",
    "core_site",
    "core_user",
    "core_workcalendar",
    "django_tasks_database_dbtaskresult",
    "foi_foisettings",
    "oversight_expressionrule",
    "otp_static_staticdevice",
    "participation_errorreport",
    "participation_message",
    "participation_participationsettings",
    "participation_rating",
    "otp_totp_totpdevice",
    "oversight_linkstatus",
    "oversight_suspiciousdomain",
    "portal_column",
    "portal_disclosurepage",
    "portal_gazetteissue",
    "portal_readingpoint",
    "records_apitoken",
    "records_indexrule",
    "records_itempublishing",
    "legacy_classificationrule",
    "legacy_importrun",
    "legacy_legacypage",
    "search_synonym",
}
ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")
ADMIN_URLS: dict[str, Entry] = {
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
    "admin:index": Entry(superuser_only),
    "admin:app_list": Entry(superuser_only),
    "admin:password_change": Entry(superuser_only),
    "admin:password_change_done": Entry(superuser_only),
    "admin:autocomplete": Entry(superuser_only),
    "admin:jsi18n": Entry(superuser_only),
    "admin:view_on_site": Entry(superuser_only),
    "admin:auth_user_password_change": Entry(superuser_only),
    "admin:javascript-catalog": PUBLIC,  # treebeard's translation strings for its tree widget
    "admin:otp_totp_totpdevice_config": Entry(superuser_only),
    "admin:otp_totp_totpdevice_qrcode": Entry(superuser_only),
    **{f"admin:{m}_{v}": Entry(superuser_only) for m in sorted(ADMIN_MODELS) for v in ADMIN_VIEWS},
}

# The JSON API, by OpenAPI operationId. Staff operations need a session (foi) or a token
# (records); the others are public and not part of the matrix.
API_OPERATIONS: dict[str, Entry] = {
    "gongkai_core_api_list_sites": PUBLIC,
    "gongkai_core_api_get_site": PUBLIC,
    "gongkai_core_api_list_organisations": PUBLIC,
    "gongkai_core_api_calendar_due": PUBLIC,
    "gongkai_catalogue_api_catalogue": PUBLIC,
    "gongkai_catalogue_api_catalogue_csv": PUBLIC,
    "gongkai_catalogue_api_catalogue_json": PUBLIC,
    "gongkai_foi_api_track": PUBLIC,
    "gongkai_records_api_list_records": PUBLIC,
    "gongkai_records_api_get_record": PUBLIC,
    "gongkai_guides_hall_api_list_service_guides": PUBLIC,
    "gongkai_guides_hall_api_get_service_guide": PUBLIC,
    "gongkai_guides_hall_api_list_service_windows": PUBLIC,
    "gongkai_guides_hall_api_list_certificate_types": PUBLIC,
    "gongkai_guides_hall_api_list_service_scenarios": PUBLIC,
    "gongkai_participation_api_consultations_consultations_json": PUBLIC,
    "gongkai_participation_api_consultations_consultations_csv": PUBLIC,
    "gongkai_participation_api_events_event_figures_json": PUBLIC,
    "gongkai_participation_api_events_event_figures_csv": PUBLIC,
    "gongkai_participation_api_projects_candidates_json": PUBLIC,
    "gongkai_participation_api_projects_candidates_csv": PUBLIC,
    "gongkai_participation_api_projects_results_json": PUBLIC,
    "gongkai_participation_api_projects_results_csv": PUBLIC,
    "gongkai_participation_api_funds_funds_json": PUBLIC,
    "gongkai_participation_api_funds_funds_csv": PUBLIC,
    "gongkai_participation_api_funds_disbursements_json": PUBLIC,
    "gongkai_participation_api_funds_disbursements_csv": PUBLIC,
    "gongkai_participation_api_funds_reports_json": PUBLIC,
    "gongkai_participation_api_funds_reports_csv": PUBLIC,
    "gongkai_foi_api_list_cases": Entry(ANY_STAFF),
    "gongkai_oversight_api_list_figures": Entry(ANY_STAFF),
    "gongkai_oversight_api_site_overview": PUBLIC,  # public aggregates of /xxgk/sites/
    "gongkai_oversight_api_figure_items": Entry(ANY_STAFF, kwargs=lambda b: {"code": "coverage"}),
    "gongkai_foi_api_get_case": Entry(
        allow(WRITE), kwargs=lambda b: {"case_id": b.case.pk}, per_target=True
    ),
    "gongkai_foi_api_list_events": Entry(
        allow(WRITE), kwargs=lambda b: {"case_id": b.case.pk}, per_target=True
    ),
    "gongkai_foi_api_add_event": Entry(
        None,
        post=allow(WRITE),
        kwargs=lambda b: {"case_id": b.case.pk},
        data=lambda b: {
            "action": "consultation_started",
            "date": b.today.isoformat(),
            "party": "某公司",
        },
        per_target=True,
        changes=True,
    ),
    "gongkai_records_api_create_draft": Entry(
        None,
        post=allow(EDIT),
        data=lambda b: {
            "organisation_id": b.organisation.pk,
            "catalogue_item_id": b.leaf.pk,
            "title": "接口矩阵草稿",
            "formed_on": b.today.isoformat(),
        },
        per_target=True,
        changes=True,
    ),
    "gongkai_records_api_get_draft": Entry(
        allow(WRITE), kwargs=lambda b: {"record_id": b.draft.pk}, per_target=True
    ),
    "gongkai_records_api_update_draft": Entry(
        None,
        post=allow(EDIT),
        kwargs=lambda b: {"record_id": b.draft.pk},
        data=lambda b: {
            "version": Record.objects.get(pk=b.draft.pk).version,
            "title": "接口矩阵修改",
            "formed_on": b.today.isoformat(),
        },
        per_target=True,
        changes=True,
    ),
    "gongkai_records_api_submit_draft": Entry(
        None,
        post=allow(EDIT),
        kwargs=lambda b: {"record_id": b.draft.pk},
        per_target=True,
        changes=True,
    ),
    # 办件统计 from the acceptance system: the office admin (session here; a token works too)
    "gongkai_guides_hall_api_post_case_statistics": Entry(
        None,
        post=allow(ADMIN, refused=FORBIDDEN),
        data=lambda b: {
            "rows": [
                {
                    "month": f"{b.today:%Y-%m}",
                    "item_code": b.extra["service_item"].code,
                    "window_number": b.extra["window"].number,
                    "received": 4,
                    "completed": 4,
                    "approved": 4,
                    "on_time": 4,
                }
            ]
        },
        changes=True,
    ),
    "gongkai_participation_api_progress_progress_json": PUBLIC,
    "gongkai_participation_api_progress_progress_csv": PUBLIC,
    "gongkai_participation_api_progress_milestones_csv": PUBLIC,
}


# --------------------------------------------------------------------------- walking


def walk_urls(resolver=None, prefix="", namespace=None):
    """(route, URL name) of every pattern in the URL configuration."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns:
                ns = f"{namespace}:{ns}" if namespace else ns
            else:
                ns = namespace
            yield from walk_urls(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def staff_url_names() -> list[str]:
    names = []
    for route, name in walk_urls():
        if not (route.startswith("staff/") or route.startswith("admin/")):
            continue
        if name is None:  # admin's catch-all redirects and object shortcuts without a name
            continue
        if name not in names:
            names.append(name)
    return names


def api_operations() -> dict[str, tuple[str, str, bool]]:
    """operationId -> (method, path, needs auth) from the OpenAPI document."""
    schema = api.get_openapi_schema()
    ops = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            ops[op["operationId"]] = (method.upper(), path, bool(op.get("security")))
    return ops


RULES = {**STAFF_URLS, **ADMIN_URLS}


def test_every_staff_url_and_operation_has_a_rule():
    missing = [n for n in staff_url_names() if n not in RULES]
    assert not missing, "new endpoint without a rule: " + ", ".join(missing)
    ops = api_operations()
    missing_ops = [op for op in ops if op not in API_OPERATIONS]
    assert not missing_ops, "new endpoint without a rule: " + ", ".join(missing_ops)
    for op, (_method, path, secured) in ops.items():
        if API_OPERATIONS[op] is PUBLIC:
            assert not secured, f"{op} ({path}) needs a login but its rule says public"
        else:
            assert secured, f"{op} ({path}) is a staff endpoint without authentication"
    stale = [n for n in RULES if n not in staff_url_names()]
    assert not stale, "rules for URLs that no longer exist: " + ", ".join(stale)


def _cells(table: dict[str, Entry], methods=("GET", "POST")):
    for name, entry in table.items():
        if entry is PUBLIC:
            continue
        for method in methods:
            if (entry.get if method == "GET" else entry.post) is None:
                continue
            per_target = entry.per_target
            if method == "GET" and entry.per_target_get is not None:
                per_target = entry.per_target_get
            for target in TARGETS if per_target else ("own",):
                for actor in ACTORS:
                    yield pytest.param(
                        name, method, target, actor, id=f"{name}-{method}-{target}-{actor}"
                    )


# --------------------------------------------------------------------------- the world


@dataclass
class Bundle:
    """One organisation's objects: yingjiang 住建局's ("own"), yingjiang 民政局's ("other_org"),
    ouhai 住建局's ("other_site"). `second` is another organisation of the same site."""

    site: Site
    today: object
    organisation: Organisation
    second: Organisation
    leaf: CatalogueItem
    other_root: CatalogueItem
    draft: Record
    draft_file: object
    published: Record
    revised: Record
    revision: RecordRevision
    delivery: ChannelDelivery
    case: FoiRequest
    case_file: object
    replied: FoiRequest
    appeal: Appeal
    asked: FoiRequest | None = None  # a 补正 notice was issued
    extra: dict = field(default_factory=dict)


def _bundle(slug: str, name: str, second: str, editor: str, reviewer: str) -> Bundle:
    site = Site.objects.get(slug=slug)
    today = timezone.localdate()
    housing = org(site, name)
    civil = org(site, second)
    editor = User.objects.get(username=editor)
    reviewer = User.objects.get(username=reviewer)
    leaf = make_leaf(
        site, f"{name}的事项", organisations=[housing], channels=["政府网站", "两微一端"]
    )
    other_root = CatalogueItem.objects.get_parent(make_leaf(site, "另一事项"))

    def new_draft(**overrides):
        record, _ = records_workflow.create_draft(
            editor, organisation=housing, catalogue_item=leaf, data=data(**overrides)
        )
        return record

    def publish(record):
        records_workflow.submit(editor, record)
        records_workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
        records_workflow.approve(reviewer, record)
        records_workflow.publish(reviewer, record)
        return Record.objects.get(pk=record.pk)

    draft = new_draft()
    records_workflow.add_attachments(editor, draft, [("附件.png", png_bytes(), "示意图")])
    published = publish(new_draft(title="已发布的通知"))
    revised = publish(new_draft(title="有修订的通知"))
    revision, _ = records_workflow.start_revision(
        editor, revised, {"title": "有修订的通知（修订）"}, "更正"
    )
    delivery = revised.deliveries.filter(delivered_at__isnull=True).first()

    def register(**files):
        return foi_workflow.register(
            organisation=housing,
            applicant=applicant(),
            channel=Channel.IN_PERSON,
            submitted_on=today,
            files=list(files.items()),
            actor=SYSTEM,
        )

    case = register(**{AttachmentKind.ID_COPY: SimpleUploadedFile("id.png", PNG)})
    replied = foi_workflow.reply(
        register(), on=today, outcome=FoiOutcome.DISCLOSED, reason="", actor=SYSTEM
    )
    appeal = foi_workflow.add_appeal(replied, kind="reconsideration", filed_on=today, actor=SYSTEM)
    return Bundle(
        site=site,
        today=today,
        organisation=housing,
        second=civil,
        leaf=leaf,
        other_root=other_root,
        draft=Record.objects.get(pk=draft.pk),
        draft_file=draft.attachments.get(),
        published=published,
        revised=Record.objects.get(pk=revised.pk),
        revision=revision,
        delivery=delivery,
        case=case,
        case_file=case.attachments.get(),
        replied=FoiRequest.objects.get(pk=replied.pk),
        appeal=appeal,
        asked=foi_workflow.ask_correction(register(), on=today, what="写明文号", actor=SYSTEM),
        extra={
            "message": participation_rules.submit_message(
                site,
                organisation=housing,
                subject="矩阵留言",
                question="问题",
                name="张三",
                phone="13800000000",
                actor=SYSTEM,
            ),
            "report": participation_rules.submit_error_report(
                site, page=published.get_absolute_url(), description="矩阵纠错"
            ),
        },
    )


def _event_objects(bundle: Bundle) -> dict:
    """Events of the bundle's organisation, made through participation.events: a draft, an
    approval event with a pending application, a closed draw and a held event with a confirmed
    registration (for check-in and minutes)."""
    from datetime import timedelta

    from gongkai.participation import events as event_rules
    from gongkai.participation.models import Event
    from tests.participation.factories import make_person

    now = timezone.now().replace(second=0, microsecond=0)

    def make(selection, publish=True):
        event = event_rules.create_event(
            SYSTEM,
            organisation=bundle.organisation,
            kind="open_day",
            title="矩阵活动",
            place="会议室",
            starts_at=now + timedelta(days=5),
            ends_at=now + timedelta(days=5, hours=2),
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=3),
            capacity=10,
            reserved=2,
            selection=selection,
        )
        return event_rules.publish_event(SYSTEM, event) if publish else event

    def held(event):
        Event.objects.filter(pk=event.pk).update(
            opens_at=now - timedelta(days=9),
            closes_at=now - timedelta(days=8),
            starts_at=now - timedelta(days=7),
            ends_at=now - timedelta(days=7) + timedelta(hours=2),
        )
        return Event.objects.get(pk=event.pk)

    approval, draw, first_come = make("approval"), make("draw"), make("first_come")
    pending = event_rules.apply(approval, make_person())
    event_rules.apply(draw, make_person())
    confirmed = event_rules.apply(first_come, make_person())
    return {
        "event_draft": make("approval", publish=False),
        "event_approval": approval,
        "event_pending": pending,
        "event_draw": held(draw),
        "event_held": held(first_come),
        "event_confirmed": confirmed,
    }


def _event_form(event) -> dict:
    when = lambda dt: timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    return {
        "kind": event.kind,
        "title": event.title,
        "description": "",
        "place": event.place,
        "starts_at": when(event.starts_at),
        "ends_at": when(event.ends_at),
        "opens_at": when(event.opens_at),
        "closes_at": when(event.closes_at),
        "capacity": event.capacity,
        "reserved": event.reserved,
        "selection": event.selection,
    }


def _oversight_objects(bundle: Bundle) -> dict:
    """An inspection with an item assigned to the bundle's organisation (with one evidence
    file), and an evaluation sheet of the organisation, made through the services."""
    from gongkai.oversight import evaluation, inspections

    inspection = inspections.open_inspection(
        SYSTEM, bundle.site, kind="self", title="矩阵检查", period="本年", held_on=bundle.today
    )
    item = inspections.add_item(
        SYSTEM, inspection, indicator="发布解读", description="栏目未更新", severity="deduction"
    )
    item = inspections.assign(SYSTEM, item, organisation=bundle.organisation, working_days=5)
    item = inspections.rectify(
        SYSTEM, item, text="初稿", files=[("截图.pdf", pdf_bytes())], submit=False
    )
    template = evaluation.ensure_default_template(bundle.site)
    sheet = evaluation.create_sheet(
        SYSTEM, bundle.site, year=bundle.today.year - 1, template=template,
        organisation=bundle.organisation,
    )  # fmt: skip
    return {
        "inspection": inspection,
        "inspection_item": item,
        "inspection_evidence": item.evidence.get(),
        "evaluation_template": template,
        "evaluation_sheet": sheet,
    }


def _consultation_objects(bundle: Bundle) -> dict:
    """A consultation of the bundle's organisation open for comment with one comment, and a
    draft one (its 提交审核 is the writing step of the action URL)."""
    from gongkai.participation import consultations
    from tests.participation.factories import make_person

    def new(title):
        return consultations.create_consultation(
            SYSTEM, organisation=bundle.organisation, title=title, purpose="",
            opens_on=bundle.today, closes_on=bundle.today, text="第一条 矩阵条款。",
        )  # fmt: skip

    published = new("矩阵征求意见")
    consultations.submit(SYSTEM, published)
    consultations.publish(SYSTEM, published)
    comment = consultations.submit_comment(make_person(), published, text="矩阵意见")
    return {
        "consultation": published,
        "consultation_draft": new("矩阵征求意见草稿"),
        "consultation_comment": comment,
    }


def _hall_objects(bundle: Bundle) -> dict:
    """A service item of the bundle's organisation, a window accepting it and a library entry
    of the bundle's site (the hall belongs to the site: "other_org" has its own of the same)."""
    from gongkai.guides.models import CertificateType, ServiceItem, Window

    key = bundle.organisation.pk
    item = ServiceItem.objects.create(
        site=bundle.site,
        organisation=bundle.organisation,
        code=f"MATRIX-{key}",
        name="矩阵事项",
        item_type="licence",
    )
    window = Window.objects.create(site=bundle.site, number=f"M{key}", name="矩阵窗口")
    window.items.set([item])
    certificate = CertificateType.objects.create(
        site=bundle.site, name=f"矩阵证照{key}", trust_level="A"
    )
    return {"service_item": item, "window": window, "certificate": certificate}


def _moderation_objects(bundle: Bundle) -> dict:
    """A proposal of the bundle's organisation hidden by three people's reports."""
    from gongkai.participation import moderation
    from gongkai.participation.models import Proposal
    from tests.participation.factories import make_person, make_programme

    programme = make_programme(bundle.organisation, year=1900 + bundle.organisation.pk)
    proposal = Proposal.objects.create(
        programme=programme,
        proposer=make_person(),
        title="矩阵建议",
        category="housing",
        place="矩阵",
        description="矩阵",
    )
    for _ in range(moderation.threshold()):
        moderation.flag(proposal, make_person(), "spam")
    case = moderation.ModerationCase.objects.get(object_id=proposal.pk)
    return {"moderation_case": case}


def _legacy_objects(bundle: Bundle) -> dict:
    """An imported page of the old site waiting for review, proposed for the bundle's
    organisation and leaf (its own old column), and a classification rule of the site."""
    from gongkai.legacy.models import ClassificationRule
    from tests.legacy.factories import make_page

    page = make_page(
        bundle.site,
        column_name=f"矩阵栏目{bundle.organisation.pk}",
        proposed_item=bundle.leaf,
        proposed_organisation=bundle.organisation,
        confidence=0.9,
    )
    rule = ClassificationRule.objects.create(
        site=bundle.site, field="title", contains="矩阵", catalogue_item=bundle.leaf
    )
    return {"legacy_page": page, "legacy_rule": rule}


def _fund_objects(bundle: Bundle) -> dict:
    """A fund of the bundle's organisation supervised by a third party of its site, with a
    published report and its finding, and a second third party to reassign it to."""
    from gongkai.participation import funds
    from gongkai.participation.demo_funds import ensure_firm

    firm = ensure_firm(bundle.site)
    other = Organisation.objects.filter(site=bundle.site, kind="third_party").exclude(pk=firm.pk)
    fund = funds.create_fund(
        SYSTEM, bundle.site, name="矩阵监管资金", kind="relief",
        administering_organisation=bundle.organisation, supervisor=firm,
        total_amount="1000.00", period_start=bundle.today, period_end=bundle.today,
    )  # fmt: skip
    report = funds.publish_report(
        SYSTEM, fund, title="矩阵报告", period_start=bundle.today, period_end=bundle.today,
        summary="结论", findings=["矩阵问题"], file_name="r.pdf", data=pdf_bytes(),
    )  # fmt: skip
    return {"fund": fund, "finding": report.findings.get(), "other_supervisor": other.first()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each
    test runs in a savepoint inside it (as Django's TestCase.setUpTestData does)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo()
            housing, civil = "区住房和城乡建设局", "区民政局"
            bundles = {
                "own": _bundle("yingjiang", housing, civil, "yj_editor", "yj_reviewer"),
                # 民政局 has an editor and no reviewer: the office admin reviews
                "other_org": _bundle("yingjiang", civil, housing, "yj_editor2", "yj_admin"),
                "other_site": _bundle("ouhai", housing, civil, "oh_editor", "oh_reviewer"),
            }
            for bundle in bundles.values():
                plan = plan_rules.create_plan(
                    SYSTEM, bundle.site, year=bundle.today.year, title="矩阵工作方案"
                )
                step = plan_rules.add_step(SYSTEM, plan, title="矩阵阶段")
                bundle.extra["plan"] = plan
                bundle.extra["task"] = plan_rules.add_task(
                    SYSTEM,
                    plan,
                    step=step,
                    text="矩阵任务",
                    lead=bundle.organisation,
                    deadline=bundle.today,
                )
            for bundle in bundles.values():
                bundle.extra.update(_oversight_objects(bundle))
            for bundle in bundles.values():
                bundle.extra.update(_hall_objects(bundle))
            for bundle in bundles.values():
                bundle.extra.update(_moderation_objects(bundle))
            for bundle in bundles.values():
                bundle.extra.update(_consultation_objects(bundle))
            for bundle in bundles.values():
                bundle.extra.update(_event_objects(bundle))
            for bundle in bundles.values():
                bundle.extra.update(_fund_objects(bundle))
            for bundle in bundles.values():
                bundle.extra.update(_legacy_objects(bundle))
            users = {
                actor: User.objects.get(username=name) if name else None
                for actor, name in ACTORS.items()
            }
            tokens = {}
            for actor, u in users.items():
                if u is not None:
                    key = f"gk_matrix_{actor}"
                    ApiToken.objects.create(
                        user=u,
                        name="矩阵",
                        prefix=key[:10],
                        key_hash=hashlib.sha256(key.encode()).hexdigest(),
                    )
                    tokens[actor] = key
            sessions = {}
            for actor, u in users.items():
                if u is not None:
                    browser = Client()
                    browser.force_login(u)
                    sessions[actor] = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
            device = TOTPDevice.objects.create(user=users["superuser"], name="t", confirmed=False)
            yield {
                "bundles": bundles,
                "users": users,
                "tokens": tokens,
                "sessions": sessions,
                "device": device,
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _event_models():
    from gongkai.participation.models import Event, Registration

    return [Event, Registration]


def _projects_models():
    from gongkai.participation.models import (
        Ballot,
        DeputyRosterEntry,
        LivelihoodProgramme,
        LivelihoodProject,
        Proposal,
    )

    return [LivelihoodProgramme, Proposal, LivelihoodProject, DeputyRosterEntry, Ballot]


def _fund_models():
    from gongkai.participation import models as p

    return [
        p.SupervisedFund,
        p.Disbursement,
        p.SupervisionReport,
        p.FindingResponse,
        p.FindingReview,
    ]


def _guides_models():
    from gongkai.guides.models import CaseStatistic, CertificateType, Material, Window

    return [Window, CertificateType, CaseStatistic, Material]


WATCHED = [
    AuditEvent,
    *_projects_models(),
    *_fund_models(),
    *_guides_models(),
    Message,
    ErrorReport,
    *_event_models(),
    AnnualReport,
    WorkPlan,
    PlanStep,
    PlanTask,
    PlanNote,
    Inspection,
    InspectionItem,
    RectificationEvidence,
    EvaluationSheet,
    SheetRow,
    CheckRun,
    ExpressionRule,
    Finding,
    DisclosurePage,
    Record,
    RecordRevision,
    ConfidentialityReview,
    ChannelDelivery,
    ApiToken,
    FoiRequest,
    FoiEvent,
    Appeal,
    CatalogueItem,
    CatalogueChange,
    CatalogueVersion,
    ListedItem,
    ServiceItem,
    Guide,
    Membership,
    User,
    Organisation,
    Site,
]


def fingerprint() -> tuple:
    """What a refused request must not change: row counts, the latest change times, deliveries,
    appeal results, revision states and accounts (three queries, so every POST cell can afford
    it)."""
    qn = connection.ops.quote_name

    def table(model):
        return qn(model._meta.db_table)

    parts = [f"(SELECT COUNT(*) FROM {table(m)})" for m in WATCHED]
    parts += [
        f"(SELECT MAX({qn('updated_at')}) FROM {table(m)})"
        for m in (Record, FoiRequest, CatalogueItem)
    ]
    parts.append(f"(SELECT COUNT({qn('delivered_at')}) FROM {table(ChannelDelivery)})")
    parts += [f"(SELECT MAX({qn('updated_at')}) FROM {table(m)})" for m in (WorkPlan, PlanTask)]
    parts.append(f"(SELECT COUNT(*) FROM {table(Appeal)} WHERE {qn('result')} <> 'pending')")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = tuple(str(v) for v in cursor.fetchone())
    return (
        row,
        tuple(RecordRevision.objects.order_by("pk").values_list("pk", "state")),
        tuple(User.objects.order_by("pk").values_list("pk", "password", "is_active")),
    )


def _check(response, outcome: Outcome, before, after, entry: Entry, method: str, login_urls):
    status = response.status_code
    where = response.get("Location", "")
    detail = f"got {status} {where}".strip()
    assert status in outcome.statuses, f"expected {outcome.name}, {detail}"
    to_login = status == 302 and any(where.startswith(u) for u in login_urls)
    if outcome is LOGIN:
        assert status == 401 or to_login, f"expected {outcome.name}, {detail}"
    elif status == 302:
        assert not to_login, f"expected {outcome.name}, {detail}"
    if method != "GET" and outcome.refused:
        assert after == before, (
            f"a refused {method} ({outcome.name}, {status}) changed the database"
        )
    if method != "GET" and outcome is OK and entry.changes:
        assert after != before, f"an allowed {method} ({status}) changed nothing: check the payload"


LOGIN_URLS = ("/staff/login/", "/admin/login/")


def after(method: str):
    """The database's fingerprint, taken for writing cells only (GET cells check the status)."""
    return fingerprint() if method != "GET" else None


def _login(client, world, actor):
    """Use the actor's session, made once for the module (a login per cell is slow)."""
    if actor in world["sessions"]:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world["sessions"][actor]


@pytest.fixture
def matrix_client(client, settings, world, db):
    settings.REQUIRE_2FA = False  # the second factor is tested on its own
    return client


@pytest.mark.parametrize(("name", "method", "target", "actor"), list(_cells(STAFF_URLS)))
def test_staff_url(matrix_client, world, name, method, target, actor):
    entry = STAFF_URLS[name]
    bundle = world["bundles"][target]
    url = reverse(name, kwargs=entry.kwargs(bundle) if entry.kwargs else None)
    if entry.query:
        url = f"{url}?{entry.query}"
    outcome = (entry.get if method == "GET" else entry.post)(actor, target)
    _login(matrix_client, world, actor)
    before = after(method)
    if method == "GET":
        response = matrix_client.get(url)
    else:
        response = matrix_client.post(url, entry.data(bundle) if entry.data else {})
    _check(response, outcome, before, after(method), entry, method, LOGIN_URLS)


def _admin_kwargs(name: str, world) -> dict | None:
    registry = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    superuser = world["users"]["superuser"]
    if name == "admin:app_list":
        return {"app_label": "core"}
    if name == "admin:view_on_site":
        site = world["bundles"]["own"].site
        return {"content_type_id": ContentType.objects.get_for_model(Site).pk, "object_id": site.pk}
    if name == "admin:auth_user_password_change":
        return {"id": superuser.pk}
    if name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        return {"pk": world["device"].pk}
    for view in ("history", "delete", "change"):
        model_key = name.removeprefix("admin:").removesuffix(f"_{view}")
        if name.endswith(f"_{view}") and model_key in registry:
            obj = registry[model_key].objects.order_by("pk").first()
            return {"object_id": obj.pk if obj else 1}
    return None


def _admin_names():
    return [name for name, entry in ADMIN_URLS.items() if entry is not PUBLIC]


@pytest.mark.parametrize("name", _admin_names())
def test_admin_url(matrix_client, world, name):
    """One admin URL × every actor × GET and POST. The admin site has one guard for all its
    URLs, so its cells are grouped per URL (a test per cell would double the module's time);
    the failure message names each failing cell."""
    entry = ADMIN_URLS[name]
    url = reverse(name, kwargs=_admin_kwargs(name, world))
    failures = []
    for method in ("GET", "POST"):
        for actor in ACTORS:
            if method == "POST" and actor == "superuser":
                continue  # the superuser's POSTs are the admin's own CRUD, not authorisation
            outcome = (entry.get if method == "GET" else entry.post)(actor, "own")
            matrix_client.cookies.clear()
            _login(matrix_client, world, actor)
            before = after(method)
            response = matrix_client.get(url) if method == "GET" else matrix_client.post(url, {})
            try:
                _check(response, outcome, before, after(method), entry, method, LOGIN_URLS)
            except AssertionError as exc:
                failures.append(f"{name}-{method}-{actor}: {str(exc).splitlines()[0]}")
    assert not failures, "\n".join(failures)


OPERATIONS = api_operations()


def _api_cells():
    for op, entry in API_OPERATIONS.items():
        if entry is PUBLIC:
            continue
        method = OPERATIONS[op][0]
        for target in TARGETS if entry.per_target else ("own",):
            for actor in ACTORS:
                yield pytest.param(op, method, target, actor, id=f"{op}-{method}-{target}-{actor}")


@pytest.mark.parametrize(("op", "method", "target", "actor"), list(_api_cells()))
def test_api_operation(matrix_client, world, op, method, target, actor):
    entry = API_OPERATIONS[op]
    bundle = world["bundles"][target]
    _method, path, _secured = OPERATIONS[op]
    path = path.format(**(entry.kwargs(bundle) if entry.kwargs else {}))
    outcome = (entry.get if method == "GET" else entry.post)(actor, target)
    headers = {}
    if op.startswith("gongkai_records_api") and actor in world["tokens"]:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world['tokens'][actor]}"
    else:
        _login(matrix_client, world, actor)
    before = after(method)
    if method == "GET":
        response = matrix_client.get(path, **headers)
    else:
        payload = entry.data(bundle) if entry.data else {}
        response = matrix_client.generic(
            method, path, json.dumps(payload), content_type="application/json", **headers
        )
    _check(response, outcome, before, after(method), entry, method, LOGIN_URLS)


def test_the_matrix_covers_every_role_and_both_sites():
    cells = [p.values for p in _cells(STAFF_URLS)] + [p.values for p in _api_cells()]
    assert {c[3] for c in cells} == set(ACTORS)
    assert {c[2] for c in cells} == set(TARGETS)
