"""The messy-workbook writer: a department's ledger sheets as it really keeps them.

Title rows, 合计 rows, empty rows, extra columns (序号, 备注), header variants,
text dates, √/× and Y/N, a merged cell in the data area: docs/rules.md (输入约定)'s mess, as each
workbook's layout in ``scenario.WORKBOOKS`` asks.  The columns and their kinds
come from the ledger contract (``workreport.ledgers.ledger_specs``).
"""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from workreport.config import load_config
from workreport.ledgers import BOOL, DATE, ledger_specs

from .scenario import NOTES

SHEETS = {spec.name: spec for spec in ledger_specs(load_config(None)).values()}
DATE_COLS = {c.name for spec in SHEETS.values() for c in spec.columns if c.kind == DATE}
BOOL_COLS = {c.name for spec in SHEETS.values() for c in spec.columns if c.kind == BOOL}
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# the workbooks' created and modified date, and their zip entries': byte-stable output
STAMP = datetime(2022, 10, 10, 9, 0, 0)

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTH = {"线索编号": 13, "单位职务": 30, "收文单位": 18, "文号": 18, "活动类型": 22, "备注": 18}


def text_date(d: date, fmt: str) -> str:
    return {
        "cn": f"{d.year}年{d.month}月{d.day}日",
        "slash": f"{d.year}/{d.month}/{d.day}",
        "dot": f"{d.year}.{d.month}.{d.day}",
    }[fmt]


@dataclass
class Layout:
    """How one unit lays out one ledger sheet (its own kind of mess)."""

    columns: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)  # canonical → as written
    titles: tuple[str, ...] = ()
    blank_after: tuple[int, ...] = ()  # empty row after these data rows (0-based)
    total: str | None = None  # label of a 合计 row at the bottom
    total_col: str | None = None
    yes_no: tuple[str, str | None] = ("是", "否")
    text_dates: dict[str, tuple[str, int, int]] = field(
        default_factory=dict
    )  # col → fmt, every, offset
    date_format: str = "yyyy-mm-dd"

    @classmethod
    def of(cls, sheet: str, serial=True, remark=True, order=None, **mess) -> Layout:
        """The layout ``scenario.WORKBOOKS`` describes: the contract's columns (or
        ``order``), with 序号 in front and 备注 at the end unless told otherwise."""
        ledger = tuple(c.name for c in SHEETS[sheet].columns)
        if order is not None and sorted(order) != sorted(ledger):
            raise ValueError(f"{sheet}: order {order} is not the ledger's columns {ledger}")
        columns = ("序号",) * serial + tuple(order or ledger) + ("备注",) * remark
        return cls(columns, **mess)


def write_sheet(wb: Workbook, name: str, layout: Layout, rows: list[dict]) -> None:
    """One ledger sheet: title rows, the header as written, the rows with their mess."""
    ws = wb.create_sheet(name)
    ncol = len(layout.columns)
    r = 1
    for i, title in enumerate(layout.titles):
        ws.cell(r, 1, title)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        ws.cell(r, 1).font = Font(bold=i == 0, size=14 if i == 0 else 10)
        ws.cell(r, 1).alignment = Alignment(horizontal="center" if i == 0 else "left")
        r += 1
    for j, col in enumerate(layout.columns, 1):
        c = ws.cell(r, j, layout.headers.get(col, col))
        c.font, c.fill, c.border = Font(bold=True), HEADER_FILL, BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = WIDTH.get(col, 12)
    header_row = r
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    r += 1
    merges = []
    date_count: Counter = Counter()
    for i, row in enumerate(rows):
        for j, col in enumerate(layout.columns, 1):
            value = i + 1 if col == "序号" else row.get(col)
            if col in BOOL_COLS:
                value = layout.yes_no[0] if value else layout.yes_no[1]
            if col in DATE_COLS and value is not None:
                date_count[col] += 1
                rule = layout.text_dates.get(col)
                if rule and date_count[col] % rule[1] == rule[2]:
                    value = text_date(value, rule[0])
            cell = ws.cell(r, j, value)
            cell.border = BOX
            if isinstance(value, date):
                cell.number_format = layout.date_format
        if row.get("_merge") and i + 1 < len(rows) and rows[i + 1].get("_merge") and not merges:
            merges.append(r)
        r += 1
        if i in layout.blank_after:
            r += 1
    for top in merges:
        j = layout.columns.index("活动类型") + 1
        ws.merge_cells(start_row=top, start_column=j, end_row=top + 1, end_column=j)
        ws.cell(top, j).alignment = Alignment(vertical="center")
    if layout.total:
        j = layout.columns.index(layout.total_col) + 1
        total = sum(int(str(row.get(layout.total_col) or 0).translate(FULLWIDTH)) for row in rows)
        ws.cell(r, 1, layout.total).font = Font(bold=True)
        ws.cell(r, j, total).font = Font(bold=True)


def note_sheet(wb: Workbook, unit: str) -> None:
    ws = wb.create_sheet("填表说明")
    for i, line in enumerate((f"{unit}台账填表说明", *NOTES), 1):
        ws.cell(i, 1, line)
    ws.column_dimensions["A"].width = 60


def write_workbook(path: Path, unit: str, sheets: list[tuple[str, dict | None, list[dict]]]):
    """A department's workbook: its sheets in order, ``None`` layout for 填表说明."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, layout, rows in sheets:
        if layout is None:
            note_sheet(wb, unit)
        else:
            write_sheet(wb, name, Layout.of(name, **layout), rows)
    wb.properties.creator = unit
    wb.properties.title = f"{unit}工作台账"
    wb.properties.created = wb.properties.modified = STAMP
    # openpyxl's save() stamps the time of saving; ExcelWriter with fixed zip dates does not
    with _StampedZip(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()


class _StampedZip(zipfile.ZipFile):
    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=STAMP.timetuple()[:6])
            name.compress_type = self.compression
            name.external_attr = 0o600 << 16
        super().writestr(name, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes the worksheets to a temporary file first: not its date either
        self.writestr(arcname or str(filename), Path(filename).read_bytes(), compress_type)
