"""民生实事项目 implementation plugs in here: the workbench panel of the responsible
organisations (overdue milestones), the demo (order 59), the sitemap of the project pages and
the guard that keeps a posted progress update from being edited."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class ProjectProgressSitemap(Sitemap):
    """Each year's overview and published report, and the page of every selected project."""

    changefreq = "weekly"
    priority = 0.5
    limit = 5000

    def __init__(self, site):
        self.site = site

    def items(self):
        from .models import LivelihoodProgramme
        from .project_progress import public_projects

        pages = []
        for programme in LivelihoodProgramme.objects.filter(
            site=self.site, results_published_at__isnull=False
        ):
            pages.append(reverse("projects:overview", args=[programme.year]))
            if programme.report_published_at:
                pages.append(reverse("projects:year_report", args=[programme.year]))
        projects = public_projects(self.site).select_related(None).only("pk")
        return pages + [reverse("projects:project", args=[p.pk]) for p in projects]

    def location(self, path):
        return path


def register() -> None:
    from django.db.models.signals import pre_save

    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import register_sitemap, workbench_panels

    from .models import ProgressUpdate
    from .progress_staff_views import workbench_panel
    from .project_progress import refuse_edit

    if workbench_panel not in workbench_panels:
        workbench_panels.append(workbench_panel)
    pre_save.connect(refuse_edit, sender=ProgressUpdate, dispatch_uid="progress_update_immutable")
    register_sitemap("livelihood_projects", ProjectProgressSitemap)
    register_demo_loader(
        "projects_progress",
        "gongkai.participation.demo_projects_progress.load_projects_progress_demo",
        order=59,
    )
