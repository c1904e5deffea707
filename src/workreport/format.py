"""Plain-text tables for the terminal, aligned for Chinese (wide) characters."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

from .errors import Issue


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if right else text + gap


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Sequence[int] = ()
) -> str:
    cols = len(header)
    sizes = [max([width(str(header[c]))] + [width(str(r[c])) for r in rows]) for c in range(cols)]
    lines = ["  ".join(_pad(str(h), sizes[c]) for c, h in enumerate(header)).rstrip()]
    lines.append("  ".join("─" * s for s in sizes))
    for r in rows:
        lines.append(
            "  ".join(_pad(str(v), sizes[c], c in numeric) for c, v in enumerate(r)).rstrip()
        )
    return "\n".join(lines)


def issues_table(issues: Sequence[Issue]) -> str:
    rows = []
    for i in issues:
        column = (
            f"{i.column_letter}（{i.column}）"
            if i.column_letter and i.column
            else i.column or i.column_letter
        )
        rows.append(
            (
                i.file,
                i.sheet,
                "" if i.row is None else str(i.row),
                column,
                f"{i.code} {i.severity}：{i.message}",
                i.suggestion,
            )
        )
    return table(("文件", "工作表", "行", "列", "问题", "建议"), rows, numeric=(2,))


def issues_summary(issues: Sequence[Issue], files: int, rows: int) -> str:
    errors = sum(1 for i in issues if i.is_error)
    warnings = len(issues) - errors
    lines = [f"共检查 {files} 个文件、{rows} 行数据：{errors} 个错误，{warnings} 个警告。"]
    per_file: dict[str, Counter] = {}
    for i in issues:
        per_file.setdefault(i.file or "（全部）", Counter())[i.severity] += 1
    for name, c in sorted(per_file.items()):
        lines.append(f"  {name}：错误 {c['错误']}，警告 {c['警告']}")
    return "\n".join(lines)


def show_value(value) -> str:
    """A figure as the terminal shows it: missing is 「—」."""
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        from .render.sections import format_number

        return format_number(value)
    return str(value)


def figure_changes_table(changes, before: str, after: str) -> str:
    """The figures that differ between two drafts (FigureDiff records)."""
    rows = [(f.id, f.label, f.unit, show_value(f.old), show_value(f.new)) for f in changes]
    return table(("指标", "名称", "单位", before, after), rows, numeric=(3, 4))
