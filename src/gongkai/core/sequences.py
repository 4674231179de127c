"""Numbers that must never collide or be reused (索引号, 申请编号): one locked row per scope.

Every caller takes its next number through `next_value` inside its own transaction; the
sequence row stays locked (select_for_update) until that transaction commits, so two
concurrent publications or registrations wait for each other instead of reading the same
maximum."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import Sequence, Site


def next_value(
    site: Site,
    namespace: str,
    scope: str,
    *,
    is_free: Callable[[int], bool] | None = None,
    seed: Callable[[], int] | None = None,
) -> int:
    """The next number of (site, namespace, scope).

    `seed` gives the last number already used when the scope's row is created (numbers that
    existed before the sequence did); `is_free` lets the caller skip numbers taken by hand
    (a legacy import), which are then never given out."""
    scope = scope[:150]
    with transaction.atomic():
        row = (
            Sequence.objects.select_for_update()
            .filter(site=site, namespace=namespace, scope=scope)
            .first()
        )
        if row is None:
            start = seed() if seed is not None else 0
            try:
                with transaction.atomic():
                    row = Sequence.objects.create(
                        site=site, namespace=namespace, scope=scope, last_value=start
                    )
            except IntegrityError:
                # Another transaction created it first; wait for its lock and continue.
                pass
            row = Sequence.objects.select_for_update().get(
                site=site, namespace=namespace, scope=scope
            )
        while True:
            row.last_value += 1
            if is_free is None or is_free(row.last_value):
                break
        row.save(update_fields=["last_value"])
    return row.last_value
