"""The guides' workbench panel: guides waiting for my review, and guides returned to me."""

from gongkai.core.permissions import organisations_for

from . import workflow


def workbench_panel(request):
    user = request.user
    if not organisations_for(user, workflow.VIEW_ROLES).exists():
        return None
    waiting = [
        guide
        for guide in workflow.review_queue(user).order_by("submitted_at")[:200]
        if not workflow.approval_refusal(user, guide)  # 四眼原则: not my own work
    ]
    returned = list(workflow.returned_to(user).order_by("-updated_at")[:10])
    return (
        "guides/staff_panel.html",
        {"to_review": len(waiting), "waiting": waiting[:5], "returned": returned},
    )
