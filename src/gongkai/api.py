"""The JSON API at /api/v1/. Each app contributes a router; the OpenAPI document is generated."""

from ninja import NinjaAPI

from gongkai.catalogue.api import router as catalogue_router
from gongkai.core.api import router as core_router
from gongkai.foi.api import router as foi_router
from gongkai.records.api import router as records_router

api = NinjaAPI(
    title="gongkai 政务公开平台 API",
    version="1.0.0",
    description="站点、机构、工作日历等公开数据；后续加入标准目录、政府信息、依申请公开。",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", core_router)
api.add_router("/", catalogue_router)
api.add_router("/", foi_router)
api.add_router("/", records_router)
