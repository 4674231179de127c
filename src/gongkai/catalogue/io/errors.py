"""Errors reported in Chinese with the sheet and row they concern."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”" if self.sheet else ""
        if self.row:
            where += f"第 {self.row} 行"
        return f"{where}：{self.message}" if where else self.message


class CatalogueFileError(ValueError):
    """A file that cannot be imported. `issues` lists every problem found, nothing was saved."""

    def __init__(self, message: str, issues: list[Issue] | None = None):
        self.issues = list(issues or [])
        self.summary = message
        lines = [message, *(str(i) for i in self.issues[:200])]
        if len(self.issues) > 200:
            lines.append(f"……另有 {len(self.issues) - 200} 处错误未列出")
        super().__init__("\n".join(lines))
