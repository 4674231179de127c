"""民生实事项目 implementation plugs in here: the workbench panel of the responsible
organisations (overdue milestones), the demo (order 59) and the guard that keeps a posted
progress update from being edited."""

from __future__ import annotations


def register() -> None:
    from django.db.models.signals import pre_save

    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import workbench_panels

    from .models import ProgressUpdate
    from .progress_staff_views import workbench_panel
    from .project_progress import refuse_edit

    if workbench_panel not in workbench_panels:
        workbench_panels.append(workbench_panel)
    pre_save.connect(refuse_edit, sender=ProgressUpdate, dispatch_uid="progress_update_immutable")
    register_demo_loader(
        "projects_progress",
        "gongkai.participation.demo_projects_progress.load_projects_progress_demo",
        order=59,
    )
