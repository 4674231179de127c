"""The rules of third-party fund supervision (扶贫救灾资金第三方监管, seed 001) as plain
functions; views, the API and the demo call these.

Who does what, checked here through core.permissions:
- the office admin registers a fund and assigns its supervisor (an organisation of kind
  第三方机构 of the same site);
- only the supervisor's own staff (its editors and reviewers) record disbursements and
  publish reports. The office admin's site-wide role deliberately does not count: the point
  of a third party is that the government side cannot write what the supervisor says;
- the administering organisation reads and responds to the findings.

Nothing published is edited: a correction is a new entry referencing the old one, and every
step writes an audit event without personal data (recipients' names are PERSONAL_FIELDS)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Organisation, OrganisationKind, Role, Site
from gongkai.core.sites import touch_site
from gongkai.core.uploads import SuspiciousFile, accept_by_content

from .models import (
    Disbursement,
    FindingResponse,
    FindingReview,
    RecipientCategory,
    RectificationStatus,
    SupervisedFund,
    SupervisionFinding,
    SupervisionReport,
)
from .models.funds import PERSON_CATEGORIES
from .rules import RuleError, plain_text, public_name, public_text

#: Staff of the supervising organisation who may write for it (not the office admin).
SUPERVISOR_ROLES = (Role.EDITOR, Role.REVIEWER)
#: Staff who answer for the administering organisation.
RESPONDER_ROLES = permissions.WRITE_ROLES
#: The office registers funds and assigns supervisors.
OFFICE_ROLES = (Role.OFFICE_ADMIN,)
MAX_REPORT_BYTES = 20 * 1024 * 1024
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- helpers


def parse_amount(value) -> Decimal:
    """An amount in 元 as an exact decimal with two places; refuses what is not one."""
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except (InvalidOperation, ValueError):
        raise RuleError("金额格式不正确，请填写数字（单位：元）。") from None
    if not amount.is_finite():
        raise RuleError("金额格式不正确，请填写数字（单位：元）。")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise RuleError("金额最多保留两位小数（精确到分）。")
    if amount.copy_abs() >= Decimal(10) ** 12:
        raise RuleError("金额过大，请核对。")
    return amount.quantize(CENT)


def current_disbursements(fund: SupervisedFund) -> QuerySet[Disbursement]:
    """The entries that stand: those nobody has corrected (a correction replaces its entry)."""
    return fund.disbursements.filter(correction__isnull=True)


def current_reports(fund: SupervisedFund) -> QuerySet[SupervisionReport]:
    return fund.reports.filter(correction__isnull=True)


@dataclass(frozen=True)
class Totals:
    allocated: Decimal
    disbursed: Decimal
    balance: Decimal

    @property
    def percent(self) -> int:
        if not self.allocated:
            return 0
        return int(self.disbursed * 100 / self.allocated)


def totals(fund: SupervisedFund) -> Totals:
    """Allocated, disbursed and balance, computed from the entries that stand."""
    disbursed = current_disbursements(fund).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    disbursed = disbursed.quantize(CENT)
    return Totals(fund.total_amount, disbursed, (fund.total_amount - disbursed).quantize(CENT))


def public_recipient(d: Disbursement) -> str:
    """What the public sees of who received a payment: a person's name only masked, and a
    group of households only counted (never a name or an ID number)."""
    if d.recipient_category in PERSON_CATEGORIES:
        if d.recipients_count > 1 or not d.recipient:
            return f"{d.get_recipient_category_display()} {d.recipients_count} 户"
        return public_name(d.recipient)
    return public_text(d.recipient) or d.get_recipient_category_display()


def public_funds(site: Site) -> QuerySet[SupervisedFund]:
    return SupervisedFund.objects.filter(site=site, published=True).select_related(
        "administering_organisation", "supervisor", "project"
    )


def supervised_by(user) -> QuerySet[SupervisedFund]:
    """The funds whose supervisor the user writes for."""
    return SupervisedFund.objects.filter(
        supervisor__in=permissions.organisations_for(user, SUPERVISOR_ROLES)
    )


def administered_by(user) -> QuerySet[SupervisedFund]:
    return SupervisedFund.objects.filter(
        administering_organisation__in=permissions.organisations_for(user, RESPONDER_ROLES)
    )


def can_supervise(user, fund: SupervisedFund) -> bool:
    return permissions.allows(user, fund.supervisor, SUPERVISOR_ROLES)


def can_respond(user, fund: SupervisedFund) -> bool:
    return permissions.allows(user, fund.administering_organisation, RESPONDER_ROLES)


def awaiting_response(funds: QuerySet[SupervisedFund]) -> QuerySet[SupervisionFinding]:
    """Findings of standing reports that the administering organisation has not answered."""
    return (
        SupervisionFinding.objects.filter(
            report__fund__in=funds, report__correction__isnull=True, report__fund__published=True
        )
        .exclude(Exists(FindingResponse.objects.filter(finding=OuterRef("pk"))))
        .select_related("report", "report__fund")
    )


def _fund_values(fund: SupervisedFund) -> dict:
    return {
        "name": fund.name,
        "kind": fund.kind,
        "administering_organisation": fund.administering_organisation_id,
        "supervisor": fund.supervisor_id,
        "total_amount": str(fund.total_amount),
        "period_start": fund.period_start.isoformat(),
        "period_end": fund.period_end.isoformat(),
        "published": fund.published,
    }


def _check_supervisor(site: Site, supervisor: Organisation, administering: Organisation):
    if supervisor.site_id != site.pk or administering.site_id != site.pk:
        raise RuleError("资金管理单位和监管机构须为本站点的机构。")
    if supervisor.kind != OrganisationKind.THIRD_PARTY:
        raise RuleError(f"“{supervisor.name}”不是第三方机构，不能担任资金监管机构。")
    if supervisor.pk == administering.pk:
        raise RuleError("监管机构不能是资金管理单位本身。")


# --------------------------------------------------------------------------- the office


def create_fund(
    actor,
    site: Site,
    *,
    name: str,
    kind: str,
    administering_organisation: Organisation,
    supervisor: Organisation,
    total_amount,
    period_start: date,
    period_end: date,
    description: str = "",
    project=None,
    published: bool = True,
) -> SupervisedFund:
    permissions.require(actor, "登记监管资金", site, OFFICE_ROLES)
    _check_supervisor(site, supervisor, administering_organisation)
    amount = parse_amount(total_amount)
    if amount <= 0:
        raise RuleError("资金总额须大于 0 元。")
    if period_end < period_start:
        raise RuleError("使用期间的结束日期不能早于开始日期。")
    name = plain_text(name, limit=100, multiline=False)
    if not name:
        raise RuleError("请填写资金名称。")
    if project is not None and project.programme.site_id != site.pk:
        raise RuleError("关联的民生实事项目不属于本站点。")
    fund = SupervisedFund.objects.create(
        site=site,
        name=name,
        kind=kind,
        administering_organisation=administering_organisation,
        supervisor=supervisor,
        total_amount=amount,
        period_start=period_start,
        period_end=period_end,
        description=plain_text(description, limit=2000),
        project=project,
        published=published,
        created_by=permissions.user_of(actor),
    )
    record_event(AuditEventType.OBJECT_CREATED, actor=actor, obj=fund, after=_fund_values(fund))
    touch_site(site)
    return fund


def assign_supervisor(actor, fund: SupervisedFund, supervisor: Organisation) -> SupervisedFund:
    """Change the third party supervising a fund; its earlier entries stay as they were."""
    permissions.require(actor, "指定监管机构", fund.site, OFFICE_ROLES)
    _check_supervisor(fund.site, supervisor, fund.administering_organisation)
    with transaction.atomic():
        fund = SupervisedFund.objects.select_for_update().get(pk=fund.pk)
        before = _fund_values(fund)
        fund.supervisor = supervisor
        fund.save(update_fields=["supervisor"])
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=fund,
            before=before,
            after=_fund_values(fund),
            message="指定第三方监管机构",
        )
        touch_site(fund.site)
    return fund


def set_published(actor, fund: SupervisedFund, published: bool) -> SupervisedFund:
    """Show or withdraw a fund's public page (and its open data) as a whole."""
    permissions.require(actor, "设置资金公开", fund.site, OFFICE_ROLES)
    with transaction.atomic():
        fund = SupervisedFund.objects.select_for_update().get(pk=fund.pk)
        before = _fund_values(fund)
        fund.published = bool(published)
        fund.save(update_fields=["published"])
        record_event(
            AuditEventType.STATE_CHANGED, actor=actor, obj=fund, before=before,
            after=_fund_values(fund), message="公开" if published else "撤回公开",
        )  # fmt: skip
        touch_site(fund.site)
    return fund


# --------------------------------------------------------------------------- the supervisor


def _corrected(model, fund: SupervisedFund, corrects, reason: str):
    """The entry being corrected (locked), checked to be this fund's and still standing."""
    if corrects is None:
        return None, ""
    old = model.objects.select_for_update().filter(pk=getattr(corrects, "pk", corrects)).first()
    if old is None or old.fund_id != fund.pk:
        raise RuleError("要更正的记录不属于该资金。")
    if model.objects.filter(corrects=old).exists():
        raise RuleError("该记录已被更正，请更正最新的一条。")
    reason = plain_text(reason, limit=300, multiline=False)
    if not reason:
        raise RuleError("更正须写明原因。")
    return old, reason


def record_disbursement(
    actor,
    fund: SupervisedFund,
    *,
    paid_on: date,
    amount,
    purpose: str,
    recipient_category: str,
    area: str,
    recipient: str = "",
    recipients_count: int = 1,
    corrects: Disbursement | None = None,
    correction_reason: str = "",
) -> Disbursement:
    """A payment as the supervisor verified it; with `corrects`, a new entry replacing an old
    one (the old stays visible, marked 已更正). The fund row is locked so two supervisors
    recording at once cannot together pay out more than the allocation."""
    permissions.require(
        actor, "登记资金拨付（仅限该资金的第三方监管机构）", fund.supervisor, SUPERVISOR_ROLES
    )
    amount = parse_amount(amount)
    if amount < 0 or (amount == 0 and corrects is None):
        raise RuleError("拨付金额须大于 0 元。")
    if recipient_category not in RecipientCategory.values:
        raise RuleError("请选择收款对象类别。")
    purpose = plain_text(purpose, limit=300, multiline=False)
    area = plain_text(area, limit=100, multiline=False)
    recipient = plain_text(recipient, limit=100, multiline=False)
    if not purpose or not area:
        raise RuleError("请填写用途和地区。")
    if recipients_count is None or int(recipients_count) < 1:
        raise RuleError("受益户数至少为 1。")
    with transaction.atomic():
        fund = SupervisedFund.objects.select_for_update().get(pk=fund.pk)
        old, reason = _corrected(Disbursement, fund, corrects, correction_reason)
        standing = totals(fund).disbursed - (old.amount if old else Decimal("0"))
        if standing + amount > fund.total_amount:
            raise RuleError(
                f"累计拨付将达 {standing + amount} 元，超过资金总额 {fund.total_amount} 元，请核对。"
            )
        entry = Disbursement.objects.create(
            fund=fund,
            paid_on=paid_on,
            amount=amount,
            purpose=purpose,
            recipient_category=recipient_category,
            area=area,
            recipient=recipient,
            recipients_count=int(recipients_count),
            corrects=old,
            correction_reason=reason,
            recorded_by=permissions.user_of(actor),
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=entry,
            site=fund.site,
            after={
                "fund": fund.pk,
                "paid_on": paid_on.isoformat(),
                "amount": str(amount),
                "recipient_category": recipient_category,
                "corrects": old.pk if old else None,
                "recipient": recipient,  # redacted by record_event (PERSONAL_FIELDS)
            },
            message="更正拨付记录" if old else "登记拨付记录",
        )
        touch_site(fund.site)
    return entry


def publish_report(
    actor,
    fund: SupervisedFund,
    *,
    title: str,
    period_start: date,
    period_end: date,
    summary: str,
    findings: list[str],
    file_name: str,
    data: bytes,
    corrects: SupervisionReport | None = None,
    correction_reason: str = "",
) -> SupervisionReport:
    """Publish a supervision report with its PDF (judged by content) and its findings, one
    per entry; with `corrects`, a corrected report replacing an earlier one."""
    permissions.require(
        actor, "发布监管报告（仅限该资金的第三方监管机构）", fund.supervisor, SUPERVISOR_ROLES
    )
    title = plain_text(title, limit=150, multiline=False)
    summary = plain_text(summary, limit=5000)
    if not title or not summary:
        raise RuleError("请填写报告标题和监管结论。")
    if period_end < period_start:
        raise RuleError("监管期间的结束日期不能早于开始日期。")
    findings = [plain_text(f, limit=1000) for f in findings]
    findings = [f for f in findings if f]
    try:
        accept_by_content(
            file_name, data, kinds=("pdf",), purpose="监管报告", max_bytes=MAX_REPORT_BYTES
        )
    except SuspiciousFile as exc:
        raise RuleError(str(exc)) from None
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        fund = SupervisedFund.objects.select_for_update().get(pk=fund.pk)
        old, reason = _corrected(SupervisionReport, fund, corrects, correction_reason)
        report = SupervisionReport(
            fund=fund,
            title=title,
            period_start=period_start,
            period_end=period_end,
            summary=summary,
            file_name=plain_text(file_name, limit=150, multiline=False) or "report.pdf",
            file_size=len(data),
            corrects=old,
            correction_reason=reason,
            published_by=permissions.user_of(actor),
        )
        report.file.save(f"{digest[:16]}.pdf", ContentFile(data), save=False)
        try:
            report.save()
        except IntegrityError:
            raise RuleError("该报告已被更正，请更正最新的一份。") from None
        for number, text in enumerate(findings, start=1):
            SupervisionFinding.objects.create(report=report, number=number, text=text)
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=report,
            site=fund.site,
            after={
                "fund": fund.pk,
                "title": title,
                "findings": len(findings),
                "sha256": digest,
                "corrects": old.pk if old else None,
            },
            message="更正监管报告" if old else "发布监管报告",
        )
        touch_site(fund.site)
    return report


def review_finding(
    actor, finding: SupervisionFinding, status: str, note: str = ""
) -> FindingReview:
    """The supervisor's judgement of how a finding was rectified (a new row each time)."""
    fund = finding.report.fund
    permissions.require(
        actor, "核实整改情况（仅限该资金的第三方监管机构）", fund.supervisor, SUPERVISOR_ROLES
    )
    if status not in RectificationStatus.values:
        raise RuleError("请选择整改状态。")
    note = plain_text(note, limit=500, multiline=False)
    with transaction.atomic():
        review = FindingReview.objects.create(
            finding=finding, status=status, note=note, reviewed_by=permissions.user_of(actor)
        )
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=review,
            site=fund.site,
            after={"finding": finding.pk, "status": status},
            message="核实整改情况",
        )
        touch_site(fund.site)
    return review


def rectification(finding: SupervisionFinding) -> FindingReview | None:
    """The latest judgement of a finding (None: 待整改, nobody has judged it yet)."""
    return finding.current_review


# --------------------------------------------------------------------------- the administrator


def respond(actor, finding: SupervisionFinding, text: str) -> FindingResponse:
    """The administering organisation's response to a finding (what it did or will do)."""
    fund = finding.report.fund
    permissions.require(
        actor, "回应监管发现的问题", fund.administering_organisation, RESPONDER_ROLES
    )
    text = plain_text(text, limit=2000)
    if not text:
        raise RuleError("请填写回应内容。")
    with transaction.atomic():
        response = FindingResponse.objects.create(
            finding=finding,
            organisation=fund.administering_organisation,
            text=text,
            responded_by=permissions.user_of(actor),
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=response,
            site=fund.site,
            after={"finding": finding.pk, "report": finding.report_id, "fund": fund.pk},
            message="回应监管发现",
        )
        touch_site(fund.site)
    return response


def visible_to_staff(user) -> QuerySet[SupervisedFund]:
    """The funds a staff member works on: as supervisor, as administering organisation, or
    the whole site's as office admin."""
    from django.db.models import Q

    admin_sites = (
        permissions.memberships_of(user).filter(role=Role.OFFICE_ADMIN).values("organisation__site")
    )
    if getattr(user, "is_superuser", False):
        return SupervisedFund.objects.all()
    return SupervisedFund.objects.filter(
        Q(supervisor__in=permissions.organisations_for(user, SUPERVISOR_ROLES))
        | Q(administering_organisation__in=permissions.organisations_for(user, RESPONDER_ROLES))
        | Q(site__in=admin_sites)
    ).distinct()
