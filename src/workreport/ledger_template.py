"""The blank ledger workbook departments fill in (``workreport template``).

Every header, dropdown and note comes from :func:`ledger_specs`, the same
contracts the loader and the validator read, so a value picked from a dropdown
always passes validation (issue 3, part 4).
"""

from __future__ import annotations

import io
from copy import copy
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .config import Config, open_config
from .errors import OutputError, UsageError, reason
from .ledgers import BOOL, DATE, ENUM, INT, NUMBER, TEXT, Column, SheetSpec, ledger_specs
from .measure import lines, width
from .write import Written, ensure_not_open, refuse_existing, write_atomic

INSTRUCTIONS_SHEET = "填表说明"
CHOICES_SHEET = "选项"  # hidden: the dropdown lists too long to write inline
TEMPLATE_SHEETS = (INSTRUCTIONS_SHEET, CHOICES_SHEET)
"""Sheets of the template that are not ledgers: the loader may skip them quietly."""
LAST_ROW = 1000  # formats and dropdowns cover rows 2..LAST_ROW
YES_NO = ("是", "否")
DATE_FORMAT = "yyyy-mm-dd"

# Excel refuses an inline list formula longer than 255 characters; stay well
# below it so a project's longer vocabulary never produces a broken workbook.
_INLINE_LIMIT = 100
_DATE_MIN, _DATE_MAX = date(1990, 1, 1), date(2099, 12, 31)

_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: 必填
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue: 选填
_HEADING_FONT = Font(bold=True, size=12)
_WRAP = Alignment(wrap_text=True, vertical="top")

_KIND_LABELS = {
    TEXT: "文字",
    DATE: "日期（yyyy-mm-dd）",
    ENUM: "从下拉列表选择",
    BOOL: "是/否",
    INT: "整数",
    NUMBER: "数字",
}

_RULES = (
    "每个填报单位填一个工作簿，文件以单位名称命名，如「城关镇纪委.xlsx」：汇总时文件名就是填报单位。",
    "只填本单位有数据的工作表；没有数据的工作表保留表头、不填内容即可，不要删除或改名。",
    "表头文字不要修改，列的顺序可以调整；可在最右侧增加“备注”等列，汇总时不统计。",
    "表头为橙色底色的列为必填，浅蓝色底色的列为选填。鼠标移到表头上可看该列的说明。",
    "一行填一条记录，从第2行开始填写，不要合并单元格。",
    "不要加“合计”“小计”“总计”行：汇总时这些行会被跳过，不计入任何数字。",
    "日期请填成真正的日期，如 2022-03-05（输入 2022/3/5 也可），不要填“3月上旬”等文字。",
    "“是否”类的列从下拉列表选“是”或“否”；空白视为“否”。",
    "有下拉列表的列只能从列表中选择；没有合适选项的，请先与汇总部门联系，不要自行填写新名称。",
    "数字列只填阿拉伯数字，不带单位（填 5，不填“5个”）。",
    "线索编号全市唯一，不得重复；处分处理中的线索编号须在问题线索台账中存在，党纪政务处分对应的线索须已立案。",
    "被反映人、姓名等个人信息只用于核对数据，不会出现在汇总报告中。",
)


def write_ledger_template(
    output: str | Path, config: Config | str | Path | None = None, *, force: bool = False
) -> Written:
    """``template``: the blank ledger workbook the departments fill in, written to
    ``output`` atomically; an existing file (perhaps one filled in already) is replaced
    only with ``force``, after a backup.

    Example: ``write_ledger_template("台账模板.xlsx")``.
    """
    output, config = Path(output), open_config(config)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"台账模板应以 .xlsx 结尾：{output}")
    ensure_not_open(output)
    backup = refuse_existing(output, force=force, what="可能是已填好的台账")
    specs = list(ledger_specs(config).values())
    wb = Workbook()
    intro = wb.active
    intro.title = INSTRUCTIONS_SHEET
    choices = _ChoiceLists(wb)
    for spec in specs:
        _write_ledger_sheet(wb.create_sheet(spec.name), spec, choices)
    _write_instructions(intro, specs, config)
    choices.finish()
    wb.active = 0
    wb.properties.title = f"{config.title} 台账填报模板"
    wb.properties.creator = "workreport"
    save_workbook_atomic(wb, output)
    return Written(output, backup)


class _ChoiceLists:
    """The hidden 选项 sheet: one column per dropdown list too long to inline."""

    def __init__(self, wb: Workbook):
        self._wb = wb
        self._ws: Worksheet | None = None
        self._refs: dict[tuple[str, ...], str] = {}

    def formula(self, label: str, values: tuple[str, ...]) -> str:
        """The list-validation formula for ``values``: inline when short, else a range."""
        inline = ",".join(values)
        if len(inline) <= _INLINE_LIMIT and not any(c in v for v in values for c in ',"'):
            return f'"{inline}"'
        if values not in self._refs:
            if self._ws is None:
                self._ws = self._wb.create_sheet(CHOICES_SHEET)
            ws = self._ws
            col = len(self._refs) + 1
            letter = get_column_letter(col)
            ws.cell(1, col, label).font = Font(bold=True)
            for i, v in enumerate(values, start=2):
                write_text(ws.cell(i, col), v)
            ws.column_dimensions[letter].width = max(width(str(v)) for v in (label, *values)) + 2
            last = len(values) + 1
            self._refs[values] = f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${last}"
        return self._refs[values]

    def finish(self) -> None:
        if self._ws is not None:
            self._wb.move_sheet(self._ws, len(self._wb.sheetnames) - 1 - self._wb.index(self._ws))
            self._ws.sheet_state = "hidden"
            self._ws.protection.sheet = True  # guards against accidental edits only


def _write_ledger_sheet(ws: Worksheet, spec: SheetSpec, choices: _ChoiceLists) -> None:
    last_col = get_column_letter(len(spec.columns))
    for idx, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(idx)
        cell = ws.cell(1, idx, col.name)
        cell.font = Font(bold=col.required)
        cell.fill = _REQUIRED_FILL if col.required else _OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        text = _header_note(col)
        cell.comment = Comment(text, "workreport", width=260, height=24 + 18 * lines(text, 2 * 18))

        fmt = {DATE: DATE_FORMAT, TEXT: "@"}.get(col.kind)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt  # rows typed beyond LAST_ROW too
            # one cell formatted, the rest given its style (what setting the format on
            # each would give, without looking the format up a thousand times)
            first = ws.cell(2, idx)
            first.number_format = fmt
            for row in range(3, LAST_ROW + 1):
                ws.cell(row, idx)._style = copy(first._style)
        dv = _validation(col, spec, choices)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(dv)

        widths = [width(col.name) + 4]
        if col.kind == DATE:
            widths.append(13)
        widths += [width(v) + 3 for v in _choices(col)]
        ws.column_dimensions[letter].width = min(max(10, *widths), 30)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_col}{LAST_ROW}"


def _choices(col: Column) -> tuple[str, ...]:
    if col.kind == BOOL:
        return YES_NO
    return col.choices if col.kind == ENUM else ()


def _unlisted(col: Column) -> str:
    """The 可选值 cell of a column whose names the project has not listed yet (专项)."""
    return (
        f"本项目尚未设置（在 workreport.toml 的 {col.choices_from} 中列出）"
        if col.choices_from
        else ""
    )


def _validation(col: Column, spec: SheetSpec, choices: _ChoiceLists) -> DataValidation | None:
    common = {"allow_blank": True, "showErrorMessage": True, "errorStyle": "stop"}
    values = _choices(col)
    if values:
        return DataValidation(
            type="list",
            formula1=choices.formula(f"{spec.name}·{col.name}", values),
            errorTitle="请从下拉列表中选择",
            error=f"「{col.name}」只能从下拉列表中选择。没有合适的选项，请与汇总部门联系。",
            **common,
        )
    if col.kind == DATE:
        return DataValidation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(_DATE_MIN))),
            formula2=str(int(to_excel(_DATE_MAX))),
            errorTitle="请填写日期",
            error=f"「{col.name}」请填写日期，如 2022-03-05 或 2022/3/5。",
            **common,
        )
    if col.kind in (INT, NUMBER):
        minimum = col.minimum if col.minimum is not None else 0
        whole = col.kind == INT
        shown = f"{minimum:g}"
        return DataValidation(
            type="whole" if whole else "decimal",
            operator="greaterThanOrEqual",
            formula1=shown,
            errorTitle="请填写数字",
            error=f"「{col.name}」请填写不小于 {shown} 的{'整数' if whole else '数字'}，不带单位。",
            **common,
        )
    return None


def _format_label(col: Column) -> str:
    label = _KIND_LABELS[col.kind]
    if col.kind in (INT, NUMBER) and col.minimum is not None:
        label += f"，不小于 {col.minimum:g}"
    return label


def _header_note(col: Column) -> str:
    lines = [f"{col.name}（{'必填' if col.required else '选填'}）"]
    if col.note:
        lines.append(col.note)
    values = _choices(col)
    if not values:
        lines.append(f"格式：{_format_label(col)}")
    elif len(values) <= 10:
        lines.append(f"可选值（下拉列表）：{'、'.join(values)}")
    else:
        lines.append(f"可选值：共 {len(values)} 项，见下拉列表或「{INSTRUCTIONS_SHEET}」")
    return "\n".join(lines)


def _write_instructions(ws: Worksheet, specs: list[SheetSpec], config: Config) -> None:
    widths = {"A": 12, "B": 18, "C": 10, "D": 24, "E": 60, "F": 44}
    for letter, columns in widths.items():
        ws.column_dimensions[letter].width = columns
    per_line = sum(widths.values()) // 2 - 4
    row = 1

    def paragraph(text: str, font: Font | None = None) -> None:
        nonlocal row
        cell = write_text(ws.cell(row, 1), text)
        cell.alignment = _WRAP
        if font is not None:
            cell.font = font
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        ws.row_dimensions[row].height = 18 * lines(text, 2 * per_line) + 4
        row += 1

    def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        nonlocal row
        for i, h in enumerate(headers, start=1):
            cell = ws.cell(row, i, h)
            cell.font = Font(bold=True)
            cell.fill = _OPTIONAL_FILL
        row += 1
        for values in rows:
            for i, v in enumerate(values, start=1):
                write_text(ws.cell(row, i), v).alignment = _WRAP
            tallest = max(lines(v, widths[get_column_letter(i)]) for i, v in enumerate(values, 1))
            ws.row_dimensions[row].height = 16 * tallest + 4
            row += 1
        row += 1

    paragraph(f"《{config.title}》台账填报模板", Font(bold=True, size=16))
    paragraph(
        f"本工作簿是{config.organisation}汇总《{config.title}》所用的台账模板。"
        "各填报单位按下列工作表逐条登记本单位的工作，报告中的数字全部由这些台账自动统计，"
        "请如实、完整填写。"
    )
    row += 1
    paragraph("一、各工作表", _HEADING_FONT)
    for spec in specs:
        paragraph(f"「{spec.name}」：{spec.note}。必填列：{'、'.join(spec.required)}。")
    row += 1
    paragraph("二、填写规则", _HEADING_FONT)
    for i, rule in enumerate(_RULES, start=1):
        paragraph(f"{i}. {rule}")
    row += 1
    paragraph("三、各列说明", _HEADING_FONT)
    table(
        ("工作表", "列名", "是否必填", "格式", "可选值", "说明"),
        [
            (
                spec.name,
                c.name,
                "必填" if c.required else "选填",
                _format_label(c),
                "、".join(_choices(c)) or _unlisted(c),
                c.note,
            )
            for spec in specs
            for c in spec.columns
        ],
    )
    if config.activities:
        paragraph("四、监督活动类型及计量单位", _HEADING_FONT)
        paragraph("「监督活动」的计量单位如填写，须与下表一致。")
        table(("活动类型", "计量单位"), list(config.activities.items()))
    ws.sheet_view.showGridLines = False


def write_text(cell, value: str):
    """Write ``value`` as text even when it starts with '=' (never a formula: docs/rules.md (绝不允许))."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def save_workbook_atomic(wb: Workbook, path: Path) -> None:
    """Save ``wb`` through :func:`write_atomic`: a crash never leaves half a file (docs/rules.md, 绝不允许)."""
    path = Path(path)
    ensure_not_open(path)
    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        write_atomic(path, buffer.getvalue())
    except OSError as e:
        raise OutputError(f"无法写入 {path}：{reason(e)}（文件是否正在 Excel 中打开？）") from e
