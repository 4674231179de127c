"""Plugs `gongkai bench legacy` into core's benchmark registry (legacy/apps.py PLUGINS)."""

from __future__ import annotations


def register() -> None:
    from gongkai.core.bench import BENCHMARKS, register

    from .bench import bench_legacy

    if "legacy" not in BENCHMARKS:
        register(
            "legacy",
            "旧站迁移：在临时新数据库中导入生成的 5000 个旧站页面，对照只读取同样文件的速度",
        )(bench_legacy)
