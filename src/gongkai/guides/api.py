"""/api/v1/services/…: guides, windows, certificate types, scenarios and case statistics."""

from ninja import Router

router = Router(tags=["办事服务"])


# 综合窗口、一库共享、办件公示 and the HSDS-style open data: guides.hall_api
from .hall_api import router as _hall_router  # noqa: E402

router.add_router("", _hall_router)
