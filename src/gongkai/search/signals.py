"""Synonym changes take effect on the next query: the cached map is dropped."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Synonym


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def _forget_synonyms(**kwargs) -> None:
    from .service import forget_synonyms

    forget_synonyms()
