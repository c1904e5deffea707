"""Cell rules: each cell of a ledger column as a person reads it (E102–E106).

A date may be an Excel date, a serial number or text; a yes/no may be 是/Y/√/1; a
number may be written in full-width digits.  A cell that cannot be read for sure
is an Issue at its place, never a guess and never a 0.  Parsing works on each
column's distinct values (a ledger repeats its dates and enum values many times),
so a large pile of workbooks is parsed in time proportional to its distinct cells.

:func:`parse_workbook` runs inside the loader's worker processes, one workbook at a
time.  Where the other rules live: reading and sheet structure in ``load.py``,
rules across rows and workbooks in ``validate.py``, hostile files in ``safety.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from .errors import Issue, clip
from .ledgers import (
    BOOL,
    DATE,
    ENUM,
    FILE,
    INT,
    NUMBER,
    ROW,
    SHEET,
    TEXT,
    UNIT,
    Column,
    SheetSpec,
    SourceFile,
)
from .packed import TEXT as PACKED_TEXT
from .packed import (
    PackedColumn,
    PackedFrame,
    from_array,
    from_values,
    text_dtype,
    unpack,
)
from .period import FIRST_DAY, LAST_DAY


class _Bad:
    """A cell that could not be read; carries the reason."""

    __slots__ = ("reason", "code", "suggestion")

    def __init__(self, code: str, reason: str, suggestion: str = ""):
        self.code, self.reason, self.suggestion = code, reason, suggestion


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／：，", "0123456789.-/:,")
# digits 0-9 only: \d would take Arabic-Indic and other digits too
_DATE_TEXT = re.compile(
    r"^([0-9]{4})\s*(?:[-/.]|年)\s*([0-9]{1,2})\s*(?:[-/.]|月)\s*([0-9]{1,2})\s*日?"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)
# a number as people write it: no exponent (1E5), no underscore (1_000), no other digits
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_EXCEL_EPOCH = date(1899, 12, 30)
# A ledger date lies in 1954–2119, whether an Excel date, a serial number or text: any
# other is a typo or a number formatted as a date (serial 60 is Excel's phantom
# 1900-02-29), and would fall outside every period unseen (docs/rules.md, 输入约定).
_FIRST_DAY, _LAST_DAY = FIRST_DAY, LAST_DAY
_SERIAL_MIN = (_FIRST_DAY - _EXCEL_EPOCH).days
_SERIAL_MAX = (_LAST_DAY - _EXCEL_EPOCH).days + 1
_OUT_OF_RANGE = "请核对年份；如是数字被设成了日期格式，请改回数字或重新填写日期"
_YES = {"是", "Y", "YES", "√", "✓", "✔", "TRUE", "1", "对"}
_NO = {"否", "N", "NO", "×", "✗", "✘", "FALSE", "0", "错"}


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _in_range(d: date):
    if _FIRST_DAY <= d <= _LAST_DAY:
        return d
    return _Bad(
        "E103",
        f"日期 {d.isoformat()} 不在 {_FIRST_DAY.year} 年至 {_LAST_DAY.year} 年之间",
        _OUT_OF_RANGE,
    )


def parse_date(v):
    """A cell as a person reads a date: Excel date, serial number or text (docs/rules.md, 输入约定)."""
    if isinstance(v, datetime):
        return _in_range(v.date())  # a time of day counts by its date (docs/rules.md, 统计口径)
    if isinstance(v, date):
        return _in_range(v)
    if isinstance(v, bool):
        return _Bad("E103", "单元格是逻辑值（是/否），不是日期")
    if isinstance(v, int | float):
        if _SERIAL_MIN <= v < _SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=int(v))
        return _Bad("E103", f"数字 {_text(v)} 不是有效的日期", "请填写日期，如 2022-03-05")
    if isinstance(v, timedelta):
        return _Bad("E103", "单元格是时间而不是日期", "请填写日期，如 2022-03-05")
    s = str(v).strip().translate(_FULLWIDTH)
    m = _DATE_TEXT.match(s)
    if m:
        try:
            return _in_range(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return _Bad("E103", f"「{clip(s)}」不是存在的日期", "请检查月份和日期")
    return _Bad(
        "E103",
        f"无法识别日期「{clip(s)}」",
        "日期请写成 2022-03-05、2022/3/5、2022.3.5 或 2022年3月5日",
    )


def parse_bool(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return bool(v)
    s = "".join(str(v).split()).translate(_FULLWIDTH).upper()
    if s in _YES:
        return True
    if s in _NO:
        return False
    return _Bad("E105", f"无法识别「{clip(_text(v))}」是「是」还是「否」", "请填写 是 或 否")


def _parse_number(v, integer: bool, minimum: float | None, maximum: float | None = None):
    if isinstance(v, bool):
        return _Bad("E106", "单元格是逻辑值（是/否），不是数字")
    if isinstance(v, int | float):
        x = float(v)
    else:
        s = "".join(str(v).split()).translate(_FULLWIDTH).replace(",", "")
        if not _NUMBER_TEXT.fullmatch(s):
            return _Bad(
                "E106",
                f"「{clip(_text(v))}」不是数字",
                "请只用数字 0-9 填写，如 1200 或 1,200（不用科学计数法 1E5，不用下划线）",
            )
        x = float(s)
    if x != x or x in (float("inf"), float("-inf")):
        return _Bad("E106", f"「{_text(v)}」不是数字")
    if integer and not x.is_integer():
        return _Bad("E106", f"「{_text(v)}」应为整数")
    if minimum is not None and x < minimum:
        return _Bad("E106", f"「{_text(v)}」小于 {minimum:g}", f"应不小于 {minimum:g}")
    if maximum is not None and x > maximum:
        shown = _text(v) if x < 1e15 else f"{x:.6g}"  # never a 301-digit message
        return _Bad("E106", f"「{shown}」超过上限 {maximum:,.0f}", "请核对是否多输了数字")
    return int(x) if integer else x


def _parse_enum(
    choices: tuple[str, ...], readings: tuple[tuple[str, str], ...] = (), choices_from: str = ""
) -> Callable:
    valid = set(choices)
    read = dict(readings)

    def parse(v):
        s = "".join(_text(v).split())
        if s in valid:
            return s
        if s in read:  # 处级 is 县处级 to anyone who reads it (docs/figures.md)
            return read[s]
        from difflib import get_close_matches  # only for a value that is not in the list

        near = get_close_matches(s, choices, n=1, cutoff=0.4)
        hint = (
            f"是否应为「{near[0]}」？"
            if near
            else "可选值：" + "、".join(choices[:12]) + ("…" if len(choices) > 12 else "")
        )
        if choices_from:  # the project's own list (专项): where to add a name it lacks
            hint = (
                hint + "；" if choices else ""
            ) + f"名称须先在 workreport.toml 的 {choices_from} 中列出"
        return _Bad("E104", f"「{clip(s)}」不是有效的取值", hint)

    return parse


def _parser(col: Column) -> Callable:
    if col.kind == DATE:
        return parse_date
    if col.kind == BOOL:
        return parse_bool
    if col.kind == INT:
        return lambda v: _parse_number(v, True, col.minimum, col.maximum)
    if col.kind == NUMBER:
        return lambda v: _parse_number(v, False, col.minimum, col.maximum)
    if col.kind == ENUM:
        return _parse_enum(col.choices, col.readings, col.choices_from)
    return _text


@dataclass
class RawSheet:
    """One ledger sheet as read, before its cells are parsed: each ledger column's
    cells (object arrays, in sheet order), and where each row came from."""

    file: str
    sheet: str
    rows: np.ndarray  # the Excel row number of each row (int64)
    units: str | list[str]  # 填报单位: one for the whole sheet, or one per row
    cells: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.rows)

    def place(self, i: int) -> tuple[str, str, int]:
        return self.file, self.sheet, int(self.rows[i])


def _place(frame, i: int) -> tuple[str, str, int]:
    """(file, sheet, Excel row) of row ``i`` of a raw sheet or of a typed ledger frame."""
    if isinstance(frame, RawSheet):
        return frame.place(i)
    return frame[FILE].iat[i], frame[SHEET].iat[i], int(frame[ROW].iat[i])


class Checker:
    """Collects issues at a ledger row's place; knows each file's column letters.

    Both the cell rules here and the row rules in ``validate.py`` report through it.
    """

    def __init__(self, sources: list[SourceFile]):
        self.issues: list[Issue] = []
        self._sources = {f.name: f for f in sources}

    def add(self, code, message, frame, i, column="", key="", suggestion=""):
        file, sheet, row = _place(frame, i)
        source = self._sources.get(file)
        letter = source.letter(key, column) if source and column else ""
        self.issues.append(
            Issue(
                code,
                message,
                file=file,
                sheet=sheet,
                row=row,
                column=source.header(key, column) if source and column else column,
                column_letter=letter,
                suggestion=suggestion,
            )
        )

    def add_rows(self, code, messages, frame, rows, column="", key="", suggestion=""):
        """``add`` for many rows of a typed ledger at once (``rows``: positions, one
        message each): the places are read a column at a time, not a cell at a time."""
        places = zip(
            frame[FILE].to_numpy(dtype=object)[rows].tolist(),
            frame[SHEET].to_numpy(dtype=object)[rows].tolist(),
            frame[ROW].to_numpy(dtype=np.int64)[rows].tolist(),
            strict=True,
        )
        letters: dict[str, tuple[str, str]] = {}  # file → (letter, header)
        for message, (file, sheet, row) in zip(messages, places, strict=True):
            if file not in letters:
                source = self._sources.get(file)
                letters[file] = (
                    (source.letter(key, column), source.header(key, column))
                    if source and column
                    else ("", column)
                )
            letter, header = letters[file]
            self.issues.append(Issue(code, message, file, sheet, row, header, letter, suggestion))

    def places(self, frame, rows) -> list[str]:
        """``place`` of many rows of a typed ledger at once."""
        return [
            f"{file} / {sheet} / 第{row}行"
            for file, sheet, row in zip(
                frame[FILE].to_numpy(dtype=object)[rows].tolist(),
                frame[SHEET].to_numpy(dtype=object)[rows].tolist(),
                frame[ROW].to_numpy(dtype=np.int64)[rows].tolist(),
                strict=True,
            )
        ]

    def has_column(self, file: str, key: str, column: str) -> bool:
        source = self._sources.get(file)
        return source is None or column in source.letters.get(key, {})

    def place(self, frame, i) -> str:
        file, sheet, row = _place(frame, i)
        return f"{file} / {sheet} / 第{row}行"


def parse_workbook(
    source: SourceFile, frames: dict[str, RawSheet], specs: dict[str, SheetSpec]
) -> tuple[dict[str, PackedFrame], list[Issue]]:
    """One workbook's sheets as read → its typed ledgers, packed (packed.py), and its
    cell-level issues.

    Runs inside the loader's worker processes, so the cells of many workbooks are
    parsed in parallel; rules that span rows and workbooks run later in ``validate.validate``.
    """
    check = Checker([source])
    typed = {key: _parse_sheet(frame, specs[key], check) for key, frame in frames.items()}
    return typed, check.issues


def _parse_sheet(raw: RawSheet, spec: SheetSpec, check: Checker) -> PackedFrame:
    # packed as parsed: each column from its distinct values and a code per row, so no
    # frame is built per sheet (benchmarks/README.md, 读取)
    n = len(raw)
    text = text_dtype()
    one = np.zeros(n, dtype=np.int32)
    if isinstance(raw.units, str):
        units = PackedColumn(UNIT, text, PACKED_TEXT, one, [raw.units])
    elif n:
        codes, uniques = _factorize(np.asarray(raw.units, dtype=object))
        units = from_values(UNIT, uniques, codes)
    else:
        units = from_array(UNIT, np.zeros(0))  # as pandas types an empty list: float
    provenance = [
        PackedColumn(FILE, text, PACKED_TEXT, one, [raw.file]),
        PackedColumn(SHEET, text, PACKED_TEXT, one, [raw.sheet]),
        from_array(ROW, np.asarray(raw.rows, dtype=np.int64)),
        units,
    ]
    columns = [_parse_column(raw, col, spec, check) for col in spec.columns]
    return PackedFrame(n, [*provenance, *columns])


def empty_ledger(spec: SheetSpec) -> pd.DataFrame:
    """A typed ledger with no rows (no workbook supplied the sheet)."""
    none = np.zeros(0, dtype=object)
    raw = RawSheet("", "", np.zeros(0, dtype=np.int64), [], {c.name: none for c in spec.columns})
    frame = unpack([_parse_sheet(raw, spec, Checker([]))])
    # no source: the provenance columns hold nothing, typed as nothing in particular
    return frame.astype(dict.fromkeys((FILE, SHEET, ROW, UNIT), object))


_EMPTY = object()  # a blank cell (None or only spaces)
# a cell whose stored value is NaN: written by some other program, never typed by a
# person, and not a blank either (docs/rules.md, 输入约定); reported in each column's terms
_NAN_CODES = {DATE: "E103", BOOL: "E105", INT: "E106", NUMBER: "E106", ENUM: "E104"}
_NAN_REASON = "单元格中存的是 NaN（非数字），既不是空白，也不是有效的值"
_NAN_HINT = "请删除该单元格的内容后重新填写（NaN 通常是别的软件导出时写入的）"


def _parse_column(raw: RawSheet, col: Column, spec: SheetSpec, check: Checker) -> PackedColumn:
    """Parse each distinct value once, then spread the results by index (docs/rules.md (输入约定) rules)."""
    values = raw.cells[col.name]
    missing = pd.isna(values)
    nan = missing & (values != None)  # noqa: E711 - elementwise: NaN, not a blank None
    if nan.any():
        values = values.copy()
        values[nan] = _Bad(_NAN_CODES.get(col.kind, "E117"), _NAN_REASON, _NAN_HINT)
    elif not col.required and missing.all():
        # an optional column the sheet leaves out (most leave out the bulletin ones):
        # every row at its default, with nothing to parse or report
        return _packed(col, [col.default], np.zeros(len(values), dtype=np.intp))
    parse = _parser(col)
    if col.kind != BOOL and bool in set(map(type, values)):
        # True and 1 hash alike: keep them apart by parsing cell by cell
        codes = np.arange(len(values))
        uniques = values
    else:
        codes, uniques = _factorize(values)
    if col.identifier:  # 「王  五」 and 「王五」 are one person, 「AG１」 and 「AG1」 one clue
        results = [
            (_identifier(u) or _EMPTY)
            if type(u) is str
            else _EMPTY
            if _blank(u)
            else _identifier(_text(u))
            for u in uniques
        ]
    elif col.kind == TEXT:  # the common case, kept cheap: most text cells are plain strings
        results = [
            (u.strip() or _EMPTY) if type(u) is str else _EMPTY if _blank(u) else parse(u)
            for u in uniques
        ]
    elif col.kind == DATE:  # most date cells are real Excel dates
        results = [
            u
            if type(u) is date and _FIRST_DAY <= u <= _LAST_DAY
            else _EMPTY
            if _blank(u)
            else parse(u)
            for u in uniques
        ]
    else:
        results = [_EMPTY if _blank(u) else parse(u) for u in uniques]
    if nan.any():  # the NaN cells: one bad value of their own
        results = [u if isinstance(u, _Bad) else r for u, r in zip(uniques, results, strict=True)]
    results.append(_EMPTY)  # code -1: a cell pandas already saw as empty

    bad = [k for k, r in enumerate(results) if isinstance(r, _Bad)]
    empty = [k for k, r in enumerate(results) if r is _EMPTY]
    codes = np.where(codes < 0, len(results) - 1, codes)
    for k in bad:
        for i in np.flatnonzero(codes == k):
            r = results[k]
            check.add(r.code, r.reason, raw, int(i), col.name, spec.key, r.suggestion)
    if col.required and empty:
        is_empty = np.zeros(len(results), dtype=bool)
        is_empty[empty] = True
        for i in np.flatnonzero(is_empty[codes]):
            # a column missing from the header is reported once (E101), not per row
            if check.has_column(raw.file, spec.key, col.name):
                check.add("E102", f"必填项「{col.name}」为空", raw, int(i), col.name, spec.key)
    typed = [col.default if r is _EMPTY else None if isinstance(r, _Bad) else r for r in results]
    return _packed(col, typed, codes)


def _packed(col: Column, typed: list, codes: np.ndarray) -> PackedColumn:
    """The parsed column: its distinct typed values spread by code."""
    if col.kind in (DATE, INT, NUMBER) or (col.kind == BOOL and col.default is not None):
        return from_array(col.name, _typed(typed, col)[codes])
    return from_values(col.name, typed, codes)


SMALL_COLUMN = 512  # below this many cells, a dict factorizes faster than pandas


def _factorize(values: np.ndarray) -> tuple[np.ndarray, list]:
    """(a code per cell, the distinct values in order of first appearance).  A short
    column — every column of a 100-row workbook, a thousand of them in a pile — is
    factorized with a dict: pandas' call costs more than the work (benchmarks/README.md,
    读取).  Values equal in Python are one value either way (1 and 1.0);
    blanks get a code of their own, which the parser reads as blank."""
    if len(values) >= SMALL_COLUMN:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes, list(uniques)
    index: dict = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in values.tolist()), dtype=np.intp, count=len(values)
    )
    return codes, list(index)


_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def _identifier(text: str) -> str:
    if not text.isascii() and _WIDE.search(text):
        text = text.translate(_HALF_WIDTH)
    return "".join(text.split())


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _typed(values: list, col: Column) -> np.ndarray:
    if col.kind == DATE:
        return np.array(values, dtype="datetime64[D]")
    if col.kind == BOOL and col.default is None:
        # blank stays blank: whether a workbook reports the column is read from it
        out = np.empty(len(values), dtype=object)
        out[:] = [None if v is None else bool(v) for v in values]
        return out
    if col.kind == BOOL:
        return np.array([bool(v) for v in values], dtype=bool)
    if col.kind in (INT, NUMBER):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
