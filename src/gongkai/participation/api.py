"""/api/v1/participation/…: open data of participation, only what is published (CSV and JSON).
Each area adds its router here."""

from ninja import Router

router = Router(tags=["公众参与"])

from .api_funds import router as funds_router  # noqa: E402

router.add_router("", funds_router)
