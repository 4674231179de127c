"""The JSON API at /api/v1/. Each app contributes a router; the OpenAPI document is generated.

Lists page through core.pagination.Paging (bounded limit and offset); invalid parameters get
a 422 whose `message` says in Chinese what is wrong, beside pydantic's `detail`."""

import copy

from ninja import NinjaAPI
from ninja.errors import ValidationError

from gongkai.catalogue.api import router as catalogue_router
from gongkai.core.api import router as core_router
from gongkai.foi.api import router as foi_router
from gongkai.guides.api import router as guides_router
from gongkai.oversight.api import router as oversight_router
from gongkai.participation.api import router as participation_router
from gongkai.records.api import router as records_router

#: the bodies every operation may answer with besides its own (django-ninja does not list them)
_ERROR = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}
_INVALID = {
    "title": "InvalidOut",
    "type": "object",
    "properties": {
        "message": {"title": "Message", "type": "string", "description": "中文说明"},
        "detail": {"title": "Detail", "type": "array", "items": {"type": "object"}},
    },
    "required": ["message", "detail"],
}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class GongkaiAPI(NinjaAPI):
    """NinjaAPI whose document also lists what each operation really answers besides its own
    responses (schemathesis checks every status and body against it, tests/hostile): 422 for
    invalid parameters, 404 for an unknown object or site, 401 without valid credentials, 400
    for a body that is not JSON or a NUL character anywhere (core.nulbytes);
    and the exports (`….csv`, `….json` returning a file) with their real media type."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                # django-ninja keys responses by int and may share them: edit a copy, str keys
                responses = {str(k): copy.deepcopy(v) for k, v in operation["responses"].items()}
                operation["responses"] = responses
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault("404", _json("Not Found", _ERROR))
                    responses.setdefault("422", _json("Unprocessable Content", _INVALID))
                # a body that is not JSON, or a NUL anywhere (core.nulbytes): any operation
                responses.setdefault("400", _json("Bad Request", _ERROR))
                if operation.get("security"):
                    responses.setdefault("401", _json("Unauthorized", _ERROR))
                ok = responses.get("200", {}).get("content", {}).get("application/json", {})
                if ok.get("schema", {}).get("type") == "string":  # response={200: str}: a file
                    if path.endswith(".csv"):
                        responses["200"]["content"] = {"text/csv": {"schema": {"type": "string"}}}
                    elif path.endswith(".json"):
                        responses["200"]["content"] = {"application/json": {"schema": {}}}
        return schema


api = GongkaiAPI(
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
api.add_router("/", oversight_router)
api.add_router("/", guides_router)
api.add_router("/", participation_router)


def _explain(error: dict) -> str:
    where = str(error.get("loc", ["", "参数"])[-1])
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "less_than_equal":
        return f"{where} 不能大于 {ctx.get('le')}"
    if kind == "greater_than_equal":
        return f"{where} 不能小于 {ctx.get('ge')}"
    if kind in ("int_parsing", "int_from_float"):
        return f"{where} 应为整数"
    if kind == "out_of_range":  # raised by a view, its `msg` already in Chinese
        return f"{where} {error.get('msg', '')}".rstrip("。")
    if kind == "missing":
        return f"缺少 {where}"
    return f"{where} 无效"


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    message = "请求参数无效：" + "；".join(_explain(e) for e in exc.errors[:5]) + "。"
    return api.create_response(request, {"message": message, "detail": exc.errors}, status=422)
