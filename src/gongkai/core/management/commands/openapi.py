"""`gongkai openapi [-o FILE] [--check]`: the OpenAPI document the site serves at
/api/v1/openapi.json, so it can be committed (docs/openapi.json, `make openapi`) and a change to
the API shows up in review. Read through the URL configuration, as a client would: core does
not import the apps that make up the API."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.urls import Resolver404, resolve

OPENAPI_PATH = "/api/v1/openapi.json"


def live_document() -> dict:
    try:
        match = resolve(OPENAPI_PATH)
    except Resolver404:
        raise CommandError(f"站点没有提供 {OPENAPI_PATH}。") from None
    response = match.func(RequestFactory().get(OPENAPI_PATH), *match.args, **match.kwargs)
    return json.loads(response.content)


def render(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = f"输出 {OPENAPI_PATH} 的 OpenAPI 文档；-o 写入文件，--check 检查文件是否与之一致。"

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="写入的文件（如 docs/openapi.json）；默认输出到屏幕"
        )
        parser.add_argument(
            "--check", action="store_true", help="不写文件，只检查 --output 文件是否为最新"
        )

    def handle(self, *args, output=None, check=False, **options):
        text = render(live_document())
        if check:
            if not output:
                raise CommandError("--check 需要同时给出 --output 文件。")
            path = Path(output)
            current = path.read_text("utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(
                    f"{path} 与当前接口不一致：请运行 make openapi（gongkai openapi -o {path}）并提交。"
                )
            self.stdout.write(f"{path} 是最新的。")
        elif output:
            path = Path(output)
            try:
                path.write_text(text, "utf-8")
            except OSError as exc:
                raise CommandError(
                    f"无法写入 {path}：目录不存在或没有写权限（{exc.errno}）。"
                ) from None
            self.stdout.write(f"已写入 {path}。")
        else:
            self.stdout.write(text, ending="")
