"""A small .xlsx writer for long tables: the 数据底稿 (docs/rules.md, 数据底稿).

Why our own: the 底稿 of a province-sized build holds ~270,000 rows × 12
columns.  On 2 cores openpyxl took ~28 s for it, xlsxwriter (constant_memory)
and pyexcelerate 17–20 s, the Rust bindings of rust_xlsxwriter 4–5 s fed from
Python rows; the budget is 1.5 s (issue 13, measured by
``benchmarks/compare_writers.py``).  A table is columns of one type each, so
the sheet XML can be built a column at a time with numpy string operations,
which is what this module does; everything else (styles, frozen header,
filter, widths) is a few fixed lines of SpreadsheetML.

Cell text is always a shared string (``t="s"``), never a formula, whatever it
starts with; characters XML 1.0 cannot carry are escaped as ``_xHHHH_`` the way
Excel does.
"""

from __future__ import annotations

import heapq
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

EXCEL_MAX_ROWS = 1_048_576  # rows in one Excel sheet
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (with the 1900 leap-year bug)
CHUNK = 20_000  # rows turned into XML at a time: bounds memory

# cellXfs indices of STYLES
PLAIN, BOLD, BANNER, DATE = 0, 1, 2, 3

TEXT, NUMBER, DATETIME, AUTO = "text", "number", "date", "auto"


@dataclass
class Column:
    """One column: a header and values of one kind.

    ``text``: str or None; ``number``: float/int, NaN for empty; ``date``:
    datetime64, NaT for empty; ``auto``: Python values, each written as what it is.
    """

    header: str
    values: Sequence | np.ndarray | pd.Series
    kind: str = TEXT


@dataclass
class Table:
    """A sheet: title rows (text, style) above a header row, then the columns."""

    name: str
    titles: list[tuple[str, int]]
    columns: list[Column]
    rows: int = field(init=False)

    def __post_init__(self):
        lengths = {len(c.values) for c in self.columns}
        if len(lengths) > 1:
            raise ValueError(f"{self.name}: columns of different lengths {sorted(lengths)}")
        self.rows = lengths.pop() if lengths else 0


def workbook_bytes(tables: list[Table], *, max_rows: int = EXCEL_MAX_ROWS) -> bytes:
    """The .xlsx file; a table longer than a sheet goes on in 「名（续）」, 「名（续2）」…"""
    strings = SharedStrings()
    out = io.BytesIO()
    sheets: list[tuple[str, str | None]] = []  # (name, filter range)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for table in tables:
            per_sheet = max_rows - len(table.titles) - 1
            if per_sheet < 1:
                raise ValueError(f"max_rows {max_rows} leaves no room for data")
            starts = range(0, max(table.rows, 1), per_sheet)
            for part, start in enumerate(starts):
                name = continued(table.name, part)
                stop = min(start + per_sheet, table.rows)
                index = len(sheets) + 1
                with zf.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as fh:
                    ref = _write_sheet(fh, table, start, stop, strings)
                sheets.append((name, ref))
        zf.writestr("xl/sharedStrings.xml", strings.xml())
        zf.writestr("xl/styles.xml", STYLES)
        zf.writestr("xl/workbook.xml", _workbook_xml(sheets))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        zf.writestr("[Content_Types].xml", _content_types(len(sheets)))
        zf.writestr("_rels/.rels", ROOT_RELS)
    return out.getvalue()


def continued(name: str, part: int) -> str:
    """The sheet name of a table's ``part``-th sheet: 问题线索, 问题线索（续）, 问题线索（续2）…"""
    return name if part == 0 else f"{name}（续{part if part > 1 else ''}）"


class SharedStrings:
    """Every distinct text once; cells refer to it by number."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def ids(self, uniques) -> np.ndarray:
        index = self.index
        return np.array([index.setdefault(s, len(index)) for s in uniques], dtype=np.int64)

    def xml(self) -> bytes:
        texts = list(self.index)
        if any(_ILLEGAL.search(t) for t in texts if "_" in t or not t.isprintable()):
            items = "".join(_si(t) for t in texts)
        else:  # the usual case, escaped in one go: \x01 cannot occur in a text here
            inner = escape("\x01".join(texts)).replace("\x01", f"</t></si><si>{T_OPEN}")
            items = f"<si>{T_OPEN}{inner}</t></si>" if texts else ""
        n = len(self.index)
        return (f'{XML_HEAD}<sst xmlns="{NS}" count="{n}" uniqueCount="{n}">{items}</sst>').encode()


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def _si(s: str) -> str:
    if _ILLEGAL.search(s):  # as Excel does: _xHHHH_ for what XML cannot hold, _x005F_ for "_"
        s = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
    return f"<si>{T_OPEN}{escape(s)}</t></si>"


T_OPEN = '<t xml:space="preserve">'  # spaces at either end of a text are kept


def column_letters(n: int) -> list[str]:
    out = []
    for j in range(n):
        s, k = "", j + 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


def _tails(column: Column, start: int, stop: int, strings: SharedStrings):
    """For each cell, its XML after the row number (``'" t="s"><v>7</v></c>'``), and which
    cells are empty."""
    values = column.values[start:stop]
    if column.kind == TEXT:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        ids = strings.ids(str(u) for u in uniques)
        table = np.array([f'" t="s"><v>{i}</v></c>' for i in ids] + [""], dtype=object)
        return table[codes], codes < 0
    if column.kind == NUMBER:
        arr = np.asarray(values, dtype=float)
        whole = np.isfinite(arr) & (arr == np.round(arr)) & (np.abs(arr) < 1e15)
        text = np.where(
            whole, np.where(whole, arr, 0).astype(np.int64).astype(str), arr.astype(str)
        )
        return '"><v>' + text.astype(object) + "</v></c>", np.isnan(arr)
    if column.kind == DATETIME:
        arr = np.asarray(values, dtype="datetime64[D]")
        empty = np.isnat(arr)
        days = (arr - EXCEL_EPOCH).astype(np.int64).astype(str).astype(object)
        return f'" s="{DATE}"><v>' + days + "</v></c>", empty
    tails = np.array([_auto_tail(v, strings) for v in values], dtype=object)
    return tails, tails == ""


def _number_tail(v: float) -> str:
    if v != v:  # NaN: empty
        return ""
    text = str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(float(v))
    return f'"><v>{text}</v></c>'


def _auto_tail(v, strings: SharedStrings) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, str):
        return f'" t="s"><v>{strings.ids([v])[0]}</v></c>'
    if isinstance(v, bool | np.bool_):
        return f'" t="s"><v>{strings.ids(["是" if v else "否"])[0]}</v></c>'
    return _number_tail(float(v))


def _write_sheet(fh, table: Table, start: int, stop: int, strings: SharedStrings) -> str | None:
    """Write one sheet's XML; returns the filter's range."""
    cols = table.columns
    letters = column_letters(max(len(cols), 1))
    head = len(table.titles) + 1  # the header's row number
    last_row = head + (stop - start)
    last = letters[len(cols) - 1] if cols else "A"
    widths = [_width(c) for c in cols]
    parts = [
        f'{XML_HEAD}<worksheet xmlns="{NS}" xmlns:r="{NS_R}">',
        f'<dimension ref="A1:{last}{last_row}"/>',
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{head}" topLeftCell="A{head + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{head + 1}" sqref="A{head + 1}"/>'
        "</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    if cols:
        parts.append(
            "<cols>"
            + "".join(
                f'<col min="{j}" max="{j}" width="{w:.1f}" customWidth="1"/>'
                for j, w in enumerate(widths, 1)
            )
            + "</cols>"
        )
    parts.append("<sheetData>")
    for r, (text, style) in enumerate(table.titles, 1):
        parts.append(f'<row r="{r}"><c r="A{r}" s="{style}"{_text_cell(text, strings)}</row>')
    header = "".join(
        f'<c r="{letters[j]}{head}" s="{BOLD}"{_text_cell(c.header, strings)}'
        for j, c in enumerate(cols)
    )
    parts.append(f'<row r="{head}">{header}</row>')
    fh.write("".join(parts).encode())
    for lo in range(start, stop, CHUNK):
        hi = min(lo + CHUNK, stop)
        numbers = np.arange(head + 1 + lo - start, head + 1 + hi - start).astype(str).astype(object)
        body = np.full(hi - lo, "", dtype=object)
        for j, c in enumerate(cols):
            tails, empty = _tails(c, lo, hi, strings)
            cells = f'<c r="{letters[j]}' + numbers + tails
            if empty.any():
                cells[empty] = ""
            body = body + cells
        rows = '<row r="' + numbers + '">' + body + "</row>"
        fh.write("".join(rows).encode())
    tail = "</sheetData>"
    ref = f"A{head}:{last}{last_row}" if cols else None
    if ref:
        tail += f'<autoFilter ref="{ref}"/>'
    fh.write(
        (
            tail + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            'header="0.3" footer="0.3"/></worksheet>'
        ).encode()
    )
    return ref


def _text_cell(text: str, strings: SharedStrings) -> str:
    return f' t="s"><v>{strings.ids([text])[0]}</v></c>'


def display_width(s: str) -> int:
    """Columns a text takes on screen: CJK and full-width characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _width(column: Column) -> float:
    """A width that fits the header and the longest values (Excel character units)."""
    widest = display_width(column.header) + 3  # room for the filter button
    if column.kind == DATETIME:
        widest = max(widest, 10)
    elif column.kind == NUMBER:
        arr = np.asarray(column.values, dtype=float)
        arr = arr[np.isfinite(arr)]
        if arr.size:
            widest = max(
                widest,
                *(len(_number_tail(v)) - len('"><v></v></c>') for v in (arr.min(), arr.max())),
            )
    else:
        texts = {v if isinstance(v, str) else str(v) for v in column.values if v is not None}
        texts.discard("nan")
        if texts:  # the display width of the 50 longest texts (CJK counts two)
            widest = max(widest, max(map(display_width, heapq.nlargest(50, texts, key=len))))
    return float(min(max(widest + 1, 6), 60))


XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFC00000"/><name val="等线"/><family val="2"/>'
    '<charset val="134"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

ROOT_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _workbook_xml(sheets: list[tuple[str, str | None]]) -> str:
    entries = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _) in enumerate(sheets, 1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(_absolute(name, ref))}</definedName>"
        for i, (name, ref) in enumerate(sheets)
        if ref
    )
    return (
        f'{XML_HEAD}<workbook xmlns="{NS}" xmlns:r="{NS_R}">'
        f"<bookViews><workbookView/></bookViews><sheets>{entries}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>"
    )


def _absolute(sheet: str, ref: str) -> str:
    first, last = ref.split(":")
    split = [re.match(r"([A-Z]+)(\d+)", x).groups() for x in (first, last)]
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!" + ":".join(f"${c}${r}" for c, r in split)


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    return (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">{rels}'
        f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )


def _content_types(n: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        f"{sheets}</Types>"
    )
