"""Copies of faulty workbooks with the problems marked, to send back (``validate --annotate``).

Each bad cell is filled (red for an error, yellow for a warning) and carries a
comment saying what is wrong and how to fix it; a first sheet 问题清单 lists
every issue of the workbook.  The inputs are only ever read (issue 3, part 3).
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
    quote_sheetname,
)
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from .errors import Issue, Refused
from .ledger_template import save_workbook_atomic, write_text
from .ledgers import normalise_header
from .measure import lines
from .xlsxwrite import OWN_OUTPUT_PROPERTY

ISSUES_SHEET = "问题清单"
AUTHOR = "workreport"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's "bad" red
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")  # Excel's "neutral" yellow
ERROR_TAB, WARNING_TAB = "FF0000", "FFC000"
LIST_SUFFIX = ".问题清单.xlsx"  # for workbooks openpyxl cannot rewrite (.xls, .ods, broken)

_EDITABLE = {".xlsx": False, ".xlsm": True}  # suffix → keep_vba
# A file the loader refused (broken, encrypted, hostile, oversized) is never
# opened again here: it gets a 问题清单 of its own instead.
_REFUSED = {"E002", "E003", "E007"}
_MAX_UNPACKED = 200 * 1024 * 1024  # docs/rules.md (绝不允许): no unbounded zip expansion
_HEADER_ROWS = 10  # the header is searched in the first 10 rows (docs/rules.md, 输入约定)
_THEIR_NOTE = re.compile(r"\n\n原批注（(?P<author>[^）]*)）：(?P<text>.*)\Z", re.S)
_MARK = re.compile(r"\[[EW]\d{3}\] ")
_LIST_HEADERS = ("序号", "代码", "级别", "工作表", "行", "列", "问题", "建议")
_LIST_WIDTHS = (6, 8, 8, 14, 7, 18, 60, 44)


def annotate_workbooks(issues: list[Issue], sources: dict[str, Path], out_dir: Path) -> list[Path]:
    """Write a marked copy of every workbook in ``sources`` that has issues; return the paths.

    ``sources`` maps :attr:`Issue.file` (a workbook's display name) to its path;
    issues of other files (or of no file) are left out.  An ``.xlsx``/``.xlsm``
    is copied to ``out_dir`` under its own name with its bad cells marked; any
    other workbook gets ``<stem>.问题清单.xlsx``.  Inputs are never modified.
    """
    out_dir = Path(out_dir)
    by_file: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.file in sources:
            by_file[issue.file].append(issue)
    inputs = {Path(p).resolve() for p in sources.values()}
    resolved_out = out_dir.resolve()
    # Inside an input folder, a copy would overwrite its original or be read
    # again by the next validate, counting every row twice (docs/rules.md, 绝不允许).
    for folder in sorted({p.parent for p in inputs}):
        if resolved_out.is_relative_to(folder):
            raise Refused(
                f"批注副本不能写到台账所在的文件夹 {folder} 之内（会覆盖原文件，或在下次检查时被重复统计）；"
                "请另选一个文件夹，如与收文文件夹并列的「退回」"
            )

    names = _output_names({d: Path(sources[d]) for d in by_file})
    written: list[Path] = []
    for display in sorted(by_file):
        source = Path(sources[display])
        own = by_file[display]
        wb = _open_for_annotation(source, own)
        name = names[display]
        target = out_dir / (name if wb is not None else Path(name).stem + LIST_SUFFIX)
        if target.resolve() in inputs:  # pragma: no cover - excluded by the folder check
            raise Refused(f"拒绝覆盖原文件：{target}")
        if wb is None:
            wb = Workbook()
            wb.active.title = ISSUES_SHEET
            # not a ledger: skipped by the reader whatever it is renamed to (W203)
            wb.custom_doc_props.append(StringProperty(name=OWN_OUTPUT_PROPERTY, value="问题清单"))
            _write_issue_list(wb.active, display, own, places={}, whole_file=False)
        else:
            places = _mark_cells(wb, own)
            if ISSUES_SHEET in wb.sheetnames:  # left over from an earlier round
                del wb[ISSUES_SHEET]
            ws = wb.create_sheet(ISSUES_SHEET, 0)
            _write_issue_list(ws, display, own, places=places, whole_file=True)
            _select_first_sheet(wb)
            # openpyxl drops cached formula results: have Excel recompute them on opening
            # (a workbook written without calcPr, as ours are, has no calculation yet)
            if wb.calculation is None:
                wb.calculation = CalcProperties()
            wb.calculation.fullCalcOnLoad = True
        save_workbook_atomic(wb, target)
        written.append(target)
    return written


def _output_names(sources: dict[str, Path]) -> dict[str, str]:
    """Each workbook's own file name, unless two folders sent the same name:
    then the display name, with its folders joined by '_' (乡镇/城关镇纪委.xlsx → 乡镇_城关镇纪委.xlsx)."""
    counts = Counter(p.name for p in sources.values())
    return {
        d: p.name if counts[p.name] == 1 else d.replace("/", "_").replace("\\", "_")
        for d, p in sources.items()
    }


def _open_for_annotation(source: Path, issues: list[Issue]):
    """The workbook loaded for editing, or None when only a 问题清单 can be written."""
    keep_vba = _EDITABLE.get(source.suffix.lower())
    if keep_vba is None or any(_refused(i) for i in issues):
        return None
    if not _safe_to_open(source):
        return None
    try:
        with warnings.catch_warnings():  # "extension is not supported" etc.: not the user's concern
            warnings.simplefilter("ignore")
            # not data_only: formulas stay formulas; rich_text keeps in-cell formatting
            return load_workbook(source, keep_vba=keep_vba, rich_text=True)
    except Exception:  # noqa: BLE001 - any failure to parse: the 问题清单 alone still goes out
        return None


def _refused(issue: Issue) -> bool:
    # E001 on one sheet means the rest of the file was readable: still worth marking
    return issue.code in _REFUSED or (issue.code == "E001" and not issue.sheet)


def _safe_to_open(path: Path) -> bool:
    """A real zip whose declared unpacked size is bounded (the loader checks too)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(i.file_size for i in zf.infolist()) <= _MAX_UNPACKED
    except (OSError, zipfile.BadZipFile):
        return False


def _mark_cells(wb, issues: list[Issue]) -> dict[Issue, tuple[str, str]]:
    """Fill and comment each issue's cell; return where each issue was marked (sheet, cell)."""
    for ws in wb.worksheets:
        _clear_old_marks(ws)
    places: dict[Issue, tuple[str, str]] = {}
    for issue in issues:
        cell = _cell_for(wb, issue)
        if cell is not None:
            places[issue] = (cell.parent.title, cell.coordinate)
    at: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:  # in the caller's order, so comments read in that order
        if issue in places:
            at[places[issue]].append(issue)
    for (sheet, coord), hits in at.items():
        ws = wb[sheet]
        cell = ws[coord]
        error = any(i.is_error for i in hits)
        cell.fill = ERROR_FILL if error else WARNING_FILL
        text = "\n\n".join(_comment_line(i) for i in hits)
        if cell.comment is not None:  # the department's own note stays, below ours
            text += f"\n\n原批注（{cell.comment.author or ''}）：{cell.comment.text}"
        cell.comment = Comment(text, AUTHOR, width=320, height=_comment_height(text))
    for ws in wb.worksheets:
        hits = [i for i in issues if i.sheet == ws.title]
        if hits:
            ws.sheet_properties.tabColor = (
                ERROR_TAB if any(i.is_error for i in hits) else WARNING_TAB
            )
    return places


def _clear_old_marks(ws: Worksheet) -> None:
    """Undo the marks of an earlier round, so a fixed cell no longer shows red."""
    for cell in list(ws._cells.values()):  # only existing cells, never the full grid
        if cell.comment is not None and _is_our_mark(cell.comment):
            own = _THEIR_NOTE.search(cell.comment.text)
            cell.comment = Comment(own["text"], own["author"]) if own else None
            if _is_ours(cell.fill):
                cell.fill = PatternFill()
    tab = ws.sheet_properties.tabColor
    if tab is not None and (tab.rgb or "")[-6:] in (ERROR_TAB, WARNING_TAB):
        ws.sheet_properties.tabColor = None


def _is_our_mark(comment) -> bool:
    # a mark begins with its code (_comment_line); the template's header notes, by the same
    # author, are the column instructions a clerk needs when correcting: they stay
    return comment.author == AUTHOR and _MARK.match(comment.text or "") is not None


def _is_ours(fill) -> bool:
    # a loaded fill is a StyleProxy: compare colours, not objects
    ours = {ERROR_FILL.fgColor.rgb[-6:], WARNING_FILL.fgColor.rgb[-6:]}
    rgb = fill.fgColor.rgb if fill.fill_type == "solid" else None
    return isinstance(rgb, str) and rgb[-6:] in ours


def _cell_for(wb, issue: Issue):
    """The cell an issue points at; a row without a column marks the row's first cell."""
    if issue.row is None or issue.row < 1 or issue.sheet not in wb.sheetnames:
        return None
    ws = wb[issue.sheet]
    if not isinstance(ws, Worksheet):  # a chart sheet has no cells
        return None
    col = _column_index(ws, issue)
    if col is None:
        col = next(
            (c.column for c in ws[issue.row] if c.value not in (None, "")),
            1,
        )
    coord = f"{get_column_letter(col)}{issue.row}"
    for merged in ws.merged_cells.ranges:  # a merge shows its top-left cell only
        if coord in merged:
            return ws.cell(merged.min_row, merged.min_col)
    return ws.cell(issue.row, col)


def _column_index(ws: Worksheet, issue: Issue) -> int | None:
    if issue.column_letter:
        try:
            return column_index_from_string(issue.column_letter.strip().upper())
        except ValueError:
            pass
    if issue.column:
        wanted = normalise_header(issue.column)
        for row in ws.iter_rows(min_row=1, max_row=min(_HEADER_ROWS, ws.max_row)):
            for cell in row:
                if isinstance(cell.value, str) and normalise_header(cell.value) == wanted:
                    return cell.column
    return None


def _comment_line(issue: Issue) -> str:
    text = f"[{issue.code}] {issue.message}"
    return text + (f"\n建议：{issue.suggestion}" if issue.suggestion else "")


def _comment_height(text: str) -> int:
    return 20 + 16 * lines(text, 40)  # a 320 pt box holds about 20 CJK characters a line


def _column_label(issue: Issue) -> str:
    if issue.column_letter and issue.column:
        return f"{issue.column_letter}（{issue.column}）"
    return issue.column_letter or issue.column


def _write_issue_list(
    ws: Worksheet,
    display: str,
    issues: list[Issue],
    places: dict[Issue, tuple[str, str]],
    whole_file: bool,
) -> None:
    errors = sum(1 for i in issues if i.is_error)
    summary = f"「{display}」共有 {errors} 处错误、{len(issues) - errors} 处警告。"
    if whole_file:
        summary += "各工作表中红色底色的单元格有错误，黄色底色的有警告，鼠标移到单元格上可看批注。"
    else:
        summary += "该文件无法直接批注（不是 .xlsx 格式或无法打开），请对照本清单修改原文件。"
    summary += "改正后请重新报送（本工作表可保留，汇总时不统计）。"
    title = write_text(ws.cell(1, 1), summary)
    title.font = Font(bold=True)
    for i, header in enumerate(_LIST_HEADERS, start=1):
        cell = ws.cell(2, i, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = _LIST_WIDTHS[i - 1]

    sheets = set(ws.parent.sheetnames)
    order = {name: pos for pos, name in enumerate(dict.fromkeys(i.sheet for i in issues))}

    def key(issue: Issue):
        letter = issue.column_letter.strip().upper()
        if issue in places:  # where it was marked, also when found by its header
            letter = coordinate_from_string(places[issue][1])[0]
        col = column_index_from_string(letter) if letter.isalpha() and len(letter) <= 3 else 0
        return (order[issue.sheet], issue.row or 0, col)

    wrap = Alignment(wrap_text=True, vertical="top")
    for n, issue in enumerate(sorted(issues, key=key), start=1):
        r = n + 2
        values = (n, issue.code, issue.severity, issue.sheet, issue.row, _column_label(issue))
        for c, value in enumerate((*values, issue.message, issue.suggestion), start=1):
            cell = ws.cell(r, c)
            if isinstance(value, str):
                write_text(cell, value)  # input text such as '=cmd' must stay text
            else:
                cell.value = value
            cell.alignment = wrap
        ws.cell(r, 3).fill = ERROR_FILL if issue.is_error else WARNING_FILL
        if issue in places:  # jump from the list to the marked cell
            where = f"{quote_sheetname(places[issue][0])}!{places[issue][1]}"
        elif whole_file and issue.sheet in sheets:  # e.g. a missing column: to the sheet
            where = f"{quote_sheetname(issue.sheet)}!A1"
        else:
            where = ""
        if where:
            link = ws.cell(r, 4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=where, display=issue.sheet)
            link.font = Font(color="0563C1", underline="single")
        tallest = max(
            lines(issue.message, _LIST_WIDTHS[6]), lines(issue.suggestion, _LIST_WIDTHS[7])
        )
        ws.row_dimensions[r].height = 16 * tallest + 4
    last = len(issues) + 2
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(_LIST_HEADERS))}{last}"


def _select_first_sheet(wb) -> None:
    """Open on 问题清单; clear other tabs' selection, or Excel groups the sheets."""
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = False
    wb.active = 0
    wb.worksheets[0].sheet_view.tabSelected = True
