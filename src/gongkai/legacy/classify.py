"""Which catalogue leaf and organisation an imported page belongs to, proposed from its old
column, title, publisher and text by the site's editable ClassificationRule rows (and the
names of the site's own organisations and leaves); a weak match goes to the review queue.

CONTRACT (legacy-review): `propose(site, page: ExtractedPage) -> Proposal` with
`Proposal(catalogue_item, organisation, confidence: float 0..1, note: str)`;
`REVIEW_BELOW` (confidence under it needs a person's look even with --publish)."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import Organisation, Site

from .extract import ExtractedPage

#: a proposal below this confidence waits for a person, --publish or not
REVIEW_BELOW = 0.6


@dataclass
class Proposal:
    catalogue_item: CatalogueItem | None = None
    organisation: Organisation | None = None
    confidence: float = 0.0
    note: str = ""


def propose(site: Site, page: ExtractedPage) -> Proposal:
    """SKELETON: proposes nothing; legacy-review replaces it with the rules."""
    return Proposal()
