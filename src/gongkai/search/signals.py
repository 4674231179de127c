"""Synonym changes take effect on the next query: the cached map is dropped."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Synonym


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def _forget_synonyms(**kwargs) -> None:
    from .service import forget_synonyms

    forget_synonyms()


def rebuild_empty_index(sender, verbosity=1, using="default", **kwargs) -> None:
    """After `migrate`: an index a schema change emptied (or a new tantivy directory) is rebuilt
    from the sources, so an upgraded site is not left with a search that finds nothing. Only on a
    fully migrated database: the sources read today's models."""
    import sys

    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    from .service import count, reindex, sources

    if using != DEFAULT_DB_ALIAS:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    try:
        if count() > 0 or not any(s.count and s.count() for s in sources().values()):
            return
        total = reindex(progress=False)
    except Exception:  # noqa: BLE001 - never fail a migration over the index
        sys.stderr.write("检索索引未能自动重建，请运行：gongkai search reindex\n")
        return
    if verbosity:
        sys.stdout.write(f"检索索引为空，已从数据源重建：{total} 篇。\n")
