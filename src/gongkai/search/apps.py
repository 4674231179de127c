from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("站内检索")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals

        post_migrate.connect(signals.rebuild_empty_index, sender=self)

        # Backup/restore (core.backup): the index is derived data, rebuilt after a restore.
        from gongkai.core import backup

        from .service import reindex

        backup.register_derived("search.SearchEntry", "search.IndexChange", "search.SearchNode")
        backup.register_post_restore("search-reindex", lambda: reindex(progress=False))
