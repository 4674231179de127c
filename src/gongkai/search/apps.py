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
