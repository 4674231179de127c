from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OK, CAUTION, BROKEN, DANGER = "ok", "caution", "broken", "danger"


@dataclass
class LinkResult:
    """One link's state: status is ok / caution / broken / danger; reason says why in Chinese."""

    url: str
    status: str
    http_status: int | None = None
    final_url: str = ""
    reason: str = ""
    checked_at: datetime | None = None
