"""Plain-text tables for the terminal, aligned for Chinese (wide) characters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from .errors import Issue
from .measure import width


def _pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if right else text + gap


_NO_LINE_START = "，。、；：？！）》」』】〕…％,.;:?!)]"


def _tokens(text: str) -> list[str]:
    """A wide character alone, a run of other non-blank characters (a word, a path), or
    a run of blanks: the pieces a line may break between."""
    tokens: list[str] = []
    kind_before = None
    for ch in text:
        kind = "blank" if ch.isspace() else "wide" if width(ch) == 2 else "narrow"
        if tokens and kind == kind_before and kind != "wide":
            tokens[-1] += ch
        else:
            tokens.append(ch)
        kind_before = kind
    return tokens


def wrap(text: str, size: int) -> list[str]:
    """``text`` cut into lines of at most ``size`` columns, Chinese characters counted as two.

    Lines break between Chinese characters or at a blank, never before 。，、 and the like
    (the word before them goes along); a word or path longer than a line is cut where
    the line ends.
    """
    size = max(size, 2)
    lines: list[str] = []
    for para in str(text).split("\n"):
        line: list[str] = []  # the tokens of the line being filled
        used = 0
        for token in _tokens(para):
            w = width(token)
            if token.isspace():
                if line and used + w <= size:
                    line.append(token)
                    used += w
                continue
            if used + w > size and line:
                carried: list[str] = []
                last = line[-1]
                if token[0] in _NO_LINE_START and len(line) > 1 and width(last) + w <= size:
                    carried = [line.pop()]
                lines.append("".join(line).rstrip())
                line, used = carried, sum(width(t) for t in carried)
            while w > size - used:  # longer than what is left of a whole line: cut it
                head, head_w = "", 0
                for ch in token:
                    if head_w + width(ch) > size - used:
                        break
                    head, head_w = head + ch, head_w + width(ch)
                if not head:
                    break
                lines.append("".join(line) + head)
                line, used, token = [], 0, token[len(head) :]
                w = width(token)
            line.append(token)
            used += w
        lines.append("".join(line).rstrip())
    return lines


@lru_cache(maxsize=1 << 12)
def _wrapped(text: str, size: int) -> tuple[str, ...]:
    """``wrap`` once per cell text: a long list repeats its suggestions row after row."""
    return tuple(wrap(text, size))


def _fit(sizes: list[int], floors: list[int], total: int) -> list[int]:
    """Narrow the widest columns, one column at a time, until the table is ``total`` wide."""
    sizes = list(sizes)
    excess = sum(sizes) + 2 * (len(sizes) - 1) - total
    while excess > 0:
        c = max(range(len(sizes)), key=lambda k: sizes[k] - floors[k])
        if sizes[c] <= floors[c]:
            break  # every column at its narrowest: the terminal is too narrow for the table
        sizes[c] -= 1
        excess -= 1
    return sizes


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    max_width: int | None = None,
) -> str:
    """Aligned columns.  With ``max_width`` (a terminal's width), long cells wrap so that
    every line fits; without it (a file, a pipe) every row stays on one line
    (docs/rules.md, 命令行)."""
    cols = len(header)
    header = [str(h) for h in header]
    rows = [[str(v) for v in r] for r in rows]
    sizes = [max([width(header[c])] + [width(r[c]) for r in rows]) for c in range(cols)]
    if max_width is not None:
        floors = [min(sizes[c], max(width(header[c]), 8)) for c in range(cols)]
        sizes = _fit(sizes, floors, max_width)
    lines = ["  ".join(_pad(h, sizes[c]) for c, h in enumerate(header)).rstrip()]
    lines.append("  ".join("─" * s for s in sizes))
    if max_width is None:  # into a file or a pipe: a row a line
        for r in rows:
            cells = []
            for c, v in enumerate(r):
                gap = " " * max(sizes[c] - width(v), 0)
                cells.append(gap + v if c in numeric else v + gap)
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)
    for r in rows:
        cells = [_wrapped(v, sizes[c]) if width(v) > sizes[c] else [v] for c, v in enumerate(r)]
        for k in range(max(len(c) for c in cells) if cells else 0):
            lines.append(
                "  ".join(
                    _pad(cell[k] if k < len(cell) else "", sizes[c], c in numeric)
                    for c, cell in enumerate(cells)
                ).rstrip()
            )
    return "\n".join(lines)


def issues_table(issues: Sequence[Issue], max_width: int | None = None) -> str:
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
    return table(
        ("文件", "工作表", "行", "列", "问题", "建议"), rows, numeric=(2,), max_width=max_width
    )


def issue_line(issue: Issue) -> str:
    """A warning not at a place in a workbook, on a line of its own: «W204 警告：…»."""
    where = f"{issue.location()}：" if issue.file else ""
    return f"{issue.code} {issue.severity}：{where}{issue.message}"


def issues_summary(issues: Sequence[Issue], files: int, rows: int) -> str:
    errors = sum(1 for i in issues if i.is_error)
    warnings = len(issues) - errors
    lines = [f"共检查 {files} 个文件、{rows} 行数据：{errors} 个错误，{warnings} 个警告。"]
    per_file: dict[str, Counter] = {}
    for i in issues:
        per_file.setdefault(i.file or "（全部）", Counter())[i.severity] += 1
    for name, c in per_file.items():  # in the order of the list above
        lines.append(f"  {name}：错误 {c['错误']}，警告 {c['警告']}")
    return "\n".join(lines)


def show_value(value) -> str:
    """A figure as the terminal shows it: missing is 「—」."""
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        from .render.values import format_number

        return format_number(value)
    return str(value)


def figure_changes_table(changes, before: str, after: str, max_width: int | None = None) -> str:
    """The figures that differ between two drafts (FigureDiff records)."""
    rows = [(f.id, f.label, f.unit, show_value(f.old), show_value(f.new)) for f in changes]
    return table(("指标", "名称", "单位", before, after), rows, numeric=(3, 4), max_width=max_width)


def text_change_lines(changes, max_width: int | None = None) -> list[str]:
    """``diff --text``: a line per change (TextChange records), each shown once: a changed
    paragraph as its opening and the changes inside it («…立案【23→25】件，结案…»), a cell
    of the appendix table as «附件表格 城关镇纪委 · 立案：3 → 4».  With ``max_width`` (a
    terminal's width) long lines wrap, indented under their mark."""
    kinds = {"added": "【增加】", "removed": "【删除】", "changed": "【改动】"}
    lines = []
    for change in changes:
        if change.label:  # a cell of the appendix table
            old = "（无）" if change.a is None else change.a or "（空）"
            new = "（无）" if change.b is None else change.b or "（空）"
            text = f"{change.label}：{old} → {new}"
        elif change.kind == "changed":
            text = kinds["changed"] + change.excerpt
        else:
            text = kinds[change.kind] + (change.b if change.kind == "added" else change.a)
        if max_width is None or width(text) <= max_width:
            lines.append(text)
            continue
        wrapped = wrap(text, max(max_width - 2, 10))
        lines += [wrapped[0], *(f"  {line}" for line in wrapped[1:])]
    return lines
