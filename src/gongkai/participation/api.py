"""/api/v1/participation/…: open data of participation, only what is published (CSV and JSON).
Each area adds its router here."""

from ninja import Router

router = Router(tags=["公众参与"])

from .api_consultations import router as _consultations_router  # noqa: E402

router.add_router("", _consultations_router)

from .api_events import router as events_router  # noqa: E402

router.add_router("", events_router)

from .api_projects import router as projects_router  # noqa: E402

router.add_router("", projects_router)

from .api_progress import router as progress_router  # noqa: E402

router.add_router("", progress_router)

from .api_funds import router as funds_router  # noqa: E402

router.add_router("", funds_router)
