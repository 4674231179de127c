"""互动交流 on the compliance dashboard: messages unanswered (past the site's reply deadline,
and over 3 months — the veto item of website-indicators.md), ratings and error reports waiting
for the responsible organisation. Read from the participation domain; it never imports this."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from gongkai.participation.models import ErrorReport, FeedbackState, Message, MessageState, Rating
from gongkai.participation.rules import VETO_MONTHS, months_ago

from .figures import Figure, Part, Scope, per_organisation, register_figure

MESSAGE_COLUMNS = ["留言编号", "答复机构", "收到日期", "答复期限"]
FEEDBACK_COLUMNS = ["页面", "责任机构", "提交时间"]


def _message_cells(message) -> list:
    return [message.serial, message.organisation.name, message.received_on, message.due_on]


def _feedback_cells(item) -> list:
    return [item.page_title or item.page_path, item.organisation.name, item.created_at.date()]


def messages(scope: Scope) -> Figure:
    """Messages waiting for an answer: all, past their reply deadline, over 3 months."""
    pending = scope.filter(Message.objects.filter(site=scope.site, state=MessageState.PENDING))
    conditions = {
        "pending": Q(),
        "overdue": Q(due_on__lt=scope.today),
        "veto": Q(received_on__lt=months_ago(scope.today, VETO_MONTHS)),
    }
    labels = {"pending": "待答复", "overdue": "超过答复期限", "veto": "超过 3 个月未答复"}

    def part(key):
        return Part(
            key,
            labels[key],
            0,
            pending.filter(conditions[key]).select_related("organisation").order_by("received_on"),
            MESSAGE_COLUMNS,
            _message_cells,
            lambda m: reverse("participation_staff:message", args=[m.pk]),
            {"organisation": "organisation_id"},
        )

    return per_organisation(
        Figure(
            "messages",
            "咨询留言答复",
            "participation",
            [part(key) for key in conditions],
            note="有效留言超过 3 个月未答复为网站检查的单项否决项。",
        ),
        pending,
        conditions,
    )


def feedback(scope: Scope) -> Figure:
    """Ratings and error reports the responsible organisation has not yet answered or closed."""
    figure = Figure("feedback", "评价和纠错待处理", "participation", [])
    figure.headers = ["类别", "待处理"]
    for key, label, model in (
        ("ratings", "满意度评价", Rating),
        ("errors", "我要纠错", ErrorReport),
    ):
        items = scope.filter(model.objects.filter(site=scope.site, state=FeedbackState.OPEN))
        part = Part(
            key,
            label,
            items.count(),
            items.select_related("organisation").order_by("created_at"),
            FEEDBACK_COLUMNS,
            _feedback_cells,
            lambda item: reverse("participation_staff:feedback"),
            {"organisation": "organisation_id"},
        )
        figure.parts.append(part)
        figure.rows.append([label, part.count])
        figure.cell_links[(len(figure.rows) - 1, 1)] = f"part={key}"
    return figure


def register() -> None:
    register_figure("messages", messages, "participation", order=60)
    register_figure("feedback", feedback, "participation", order=61)
