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

import numpy as np
import pandas as pd

from .measure import column_letter, width

EXCEL_MAX_ROWS = 1_048_576  # rows in one Excel sheet
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (with the 1900 leap-year bug)
CHUNK = 20_000  # rows turned into XML at a time: bounds memory

# cellXfs indices of STYLES
PLAIN, BOLD, BANNER, DATE, BOLD_WRAP = 0, 1, 2, 3, 4
WRAPPED_HEADER_WIDTH = 13  # a wrapping header's share of its column's width: 5 CJK a line

TEXT, NUMBER, DATETIME, AUTO = "text", "number", "date", "auto"

# A custom document property in the workbooks the tool writes for people, not as
# ledgers (the 底稿, a 问题清单): the reader skips a workbook holding it, whatever its
# name (W203, load.py).  Excel, WPS and LibreOffice keep it when the file is re-saved.
OWN_OUTPUT_PROPERTY = "workreport-output"


@dataclass
class Column:
    """One column: a header and values of one kind.

    ``text``: str or None; ``number``: float/int, NaN for empty; ``date``:
    datetime64, NaT for empty; ``auto``: Python values, each written as what it is.
    """

    header: str
    values: Sequence | np.ndarray | pd.Series
    kind: str = TEXT
    wrap: bool = False  # a long header wraps rather than widen a column of short values


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


def workbook_bytes(
    tables: list[Table],
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    own_output: str | None = None,
    properties: dict[str, str] | None = None,
) -> bytes:
    """The .xlsx file; a table longer than a sheet goes on in 「名（续）」, 「名（续2）」…
    ``own_output``: what the workbook is, kept as :data:`OWN_OUTPUT_PROPERTY`, with the
    custom ``properties`` beside it."""
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
        zf.writestr("[Content_Types].xml", _content_types(len(sheets), own_output is not None))
        if own_output is None:
            zf.writestr("_rels/.rels", ROOT_RELS)
        else:
            zf.writestr("_rels/.rels", ROOT_RELS.replace("</Relationships>", CUSTOM_REL))
            zf.writestr("docProps/custom.xml", _custom_xml(own_output, properties or {}))
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


def escape(text: str) -> str:
    """XML text: what xml.sax.saxutils.escape does, without importing its ~12 ms of
    urllib and email (benchmarks/README.md, 启动)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An XML attribute value in double quotes, as xml.sax.saxutils.quoteattr gives it."""
    text = escape(text)
    for ch, entity in (('"', "&quot;"), ("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;")):
        text = text.replace(ch, entity)
    return f'"{text}"'


def column_letters(n: int) -> list[str]:
    return [column_letter(j) for j in range(n)]


@dataclass
class _Encoded:
    """One column of a sheet, ready for XML: the XML of each distinct value after the row
    number (``'" t="s"><v>7</v></c>'``, the last one ``""`` for an empty cell), each
    cell's index into it, and the column's width.

    A column repeats its values (units, dates, figure lists), so each distinct value's
    XML is made once and the cells take theirs by index: no string is built per cell.
    """

    tails: np.ndarray
    codes: np.ndarray
    width: float


def _encode(column: Column, start: int, stop: int, strings: SharedStrings) -> _Encoded:
    values = column.values[start:stop]
    widest = width(column.header) + 3  # room for the filter button
    if column.wrap:
        widest = min(widest, WRAPPED_HEADER_WIDTH)
    if column.kind == TEXT:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        texts = [str(u) for u in uniques]
        tails = [f'" t="s"><v>{i}</v></c>' for i in strings.ids(texts)]
        # the display width of the 50 longest texts (CJK counts two)
        widest = max([widest, *map(width, heapq.nlargest(50, texts, key=len))])
    elif column.kind == NUMBER:
        codes, uniques = pd.factorize(np.asarray(values, dtype=float), use_na_sentinel=True)
        tails = [_number_tail(v) for v in uniques.tolist()]
        widest = max([widest, *(len(t) - len('"><v></v></c>') for t in tails)])
    elif column.kind == DATETIME:
        arr = np.asarray(values, dtype="datetime64[D]")
        days = (arr - EXCEL_EPOCH).astype(np.int64)
        codes, uniques = pd.factorize(days, use_na_sentinel=True)
        codes[np.isnat(arr)] = -1
        tails = [f'" s="{DATE}"><v>{d}</v></c>' for d in uniques.tolist()]
        widest = max(widest, 10)
    else:
        tails = [_auto_tail(v, strings) for v in values]
        codes = np.arange(len(tails))
        codes[[t == "" for t in tails]] = -1
        shown = [str(v) for v, t in zip(values, tails, strict=True) if t]
        widest = max([widest, *map(width, heapq.nlargest(50, shown, key=len))])
    lookup = np.empty(len(tails) + 1, dtype=object)
    lookup[:-1] = tails
    lookup[-1] = ""  # code -1: an empty cell
    return _Encoded(lookup, np.asarray(codes, dtype=np.intp), float(min(max(widest + 1, 6), 60)))


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
    encoded = [_encode(c, start, stop, strings) for c in cols]
    parts = [
        f'{XML_HEAD}<worksheet xmlns="{NS}" xmlns:r="{NS_R}">',
        # printed as a report: every column on the page's width (docs/rules.md, 数据底稿)
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
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
                for j, w in enumerate((e.width for e in encoded), 1)
            )
            + "</cols>"
        )
    parts.append("<sheetData>")
    for r, (text, style) in enumerate(table.titles, 1):
        parts.append(f'<row r="{r}"><c r="A{r}" s="{style}"{_text_cell(text, strings)}</row>')
    header = "".join(
        f'<c r="{letters[j]}{head}" s="{BOLD_WRAP if c.wrap else BOLD}"'
        f"{_text_cell(c.header, strings)}"
        for j, c in enumerate(cols)
    )
    parts.append(f'<row r="{head}">{header}</row>')
    fh.write("".join(parts).encode())
    with _Deflating(fh) as out:
        for lo in range(0, stop - start, CHUNK):
            hi = min(lo + CHUNK, stop - start)
            out.write(_rows_xml(encoded, letters, head + 1 + lo, lo, hi))
    tail = "</sheetData>"
    ref = f"A{head}:{last}{last_row}" if cols else None
    if ref:
        tail += f'<autoFilter ref="{ref}"/>'
    fh.write(
        (
            tail + '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" '
            'header="0.3" footer="0.3"/>' + PAGE_SETUP + "</worksheet>"
        ).encode()
    )
    return ref


def _rows_xml(encoded: list[_Encoded], letters, first: int, lo: int, hi: int) -> bytes:
    """Rows ``lo:hi`` of a sheet as ``<row>`` elements numbered from ``first``.

    Each row is laid out as pieces in one object array — ``<row r="``, its number,
    ``">``, then per cell ``<c r="B``, the number, the cell's tail — and the whole chunk
    is joined once: CPython builds no string per cell (benchmarks/README.md, 底稿).
    An empty cell's three pieces are empty strings.  Columns mostly empty (the 底稿's
    计入 columns: a row counts toward few figures) share one piece a row, built only
    for the cells that hold something: a row's empty cells cost nothing.
    """
    n = hi - lo
    numbers = np.arange(first, first + n).astype(str).astype(object)
    slots: list[tuple[int, ...] | int] = []  # a dense column's index, or a run of sparse ones
    for j, column in enumerate(encoded):
        if np.count_nonzero(column.codes[lo:hi] >= 0) * 2 < n:
            if slots and isinstance(slots[-1], tuple):
                slots[-1] += (j,)
            else:
                slots.append((j,))
        else:
            slots.append(j)
    width = 3 + sum(1 if isinstance(slot, tuple) else 3 for slot in slots) + 1
    pieces = np.empty((n, width), dtype=object)
    pieces[:, 0] = '<row r="'
    pieces[:, 1] = numbers
    pieces[:, 2] = '">'
    at = 3
    for slot in slots:
        if isinstance(slot, tuple):  # sparse: the text of the cells that hold something
            run = np.full(n, "", dtype=object)
            for j in slot:
                codes = encoded[j].codes[lo:hi]
                held = np.flatnonzero(codes >= 0)
                if len(held):
                    cells = f'<c r="{letters[j]}' + numbers[held] + encoded[j].tails[codes[held]]
                    run[held] = run[held] + cells
            pieces[:, at] = run
            at += 1
            continue
        column = encoded[slot]
        codes = column.codes[lo:hi]
        pieces[:, at] = f'<c r="{letters[slot]}'
        pieces[:, at + 1] = numbers
        pieces[:, at + 2] = column.tails[codes]
        empty = codes < 0
        if empty.any():
            pieces[empty, at : at + 3] = ""
        at += 3
    pieces[:, -1] = "</row>"
    return "".join(pieces.ravel().tolist()).encode()


class _Deflating:
    """Writes to a zip member from a thread: zlib and crc32 release the GIL, so one chunk
    is compressed while the next is built.  At most one chunk waits (memory stays bounded).
    """

    def __init__(self, fh):
        from concurrent.futures import ThreadPoolExecutor

        self.fh = fh
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending = None

    def __enter__(self):
        return self

    def write(self, data: bytes) -> None:
        if self.pending is not None:
            self.pending.result()  # in order, and an error is raised here
        self.pending = self.pool.submit(self.fh.write, data)

    def __exit__(self, *exc):
        try:
            if self.pending is not None:
                self.pending.result()
        finally:
            self.pool.shutdown()


# A4 landscape, all columns on a page's width, as many pages down as it takes; the
# title rows and the header repeat on every page (_xlnm.Print_Titles in workbook.xml)
PAGE_SETUP = (
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
)


def _text_cell(text: str, strings: SharedStrings) -> str:
    return f' t="s"><v>{strings.ids([text])[0]}</v></c>'


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
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'
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
    ) + "".join(  # the title rows and the header printed on every page
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
        f"{escape(_title_rows(name, ref))}</definedName>"
        for i, (name, ref) in enumerate(sheets)
        if ref
    )
    return (
        f'{XML_HEAD}<workbook xmlns="{NS}" xmlns:r="{NS_R}">'
        f"<bookViews><workbookView/></bookViews><sheets>{entries}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>"
    )


def _title_rows(sheet: str, ref: str) -> str:
    """Rows 1 to the header's (the first of ``ref``), absolute: 'name'!$1:$3."""
    head = re.match(r"[A-Z]+(\d+)", ref)[1]
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!$1:${head}"


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


CUSTOM_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>'
)


def _custom_xml(value: str, properties: dict[str, str]) -> str:
    ns = "http://schemas.openxmlformats.org/officeDocument/2006"
    items = {OWN_OUTPUT_PROPERTY: value, **properties}
    return (
        f'{XML_HEAD}<Properties xmlns="{ns}/custom-properties" xmlns:vt="{ns}/docPropsVTypes">'
        + "".join(
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
            f'pid="{pid}" name="{escape(name)}"><vt:lpwstr>{escape(text)}</vt:lpwstr></property>'
            for pid, (name, text) in enumerate(items.items(), start=2)
        )
        + "</Properties>"
    )


def _content_types(n: int, custom: bool = False) -> str:
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
        + (
            '<Override PartName="/docProps/custom.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.custom-properties+xml"/>'
            if custom
            else ""
        )
        + f"{sheets}</Types>"
    )
