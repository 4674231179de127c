"""The acceptance package (验收材料, seed 000's last step): one .zip for the higher level's
inspection. Each part is a file contributed by the module that owns its data, registered with
`register_package_part`; a part builds its bytes from the site and the year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gongkai.core.models import Site


@dataclass(frozen=True)
class PackagePart:
    filename: str  # e.g. "02-标准目录.xlsx"; the leading number orders the index
    title: str
    build: Callable[[Site, int], bytes]
    order: int = 100


PACKAGE_PARTS: dict[str, PackagePart] = {}


def register_package_part(
    filename: str, title: str, build: Callable[[Site, int], bytes], *, order: int = 100
) -> PackagePart:
    part = PackagePart(filename, title, build, order)
    PACKAGE_PARTS[filename] = part
    return part


def registered_parts() -> list[PackagePart]:
    return sorted(PACKAGE_PARTS.values(), key=lambda p: (p.order, p.filename))
