"""Source profiles: workbooks in a department's or the platform's own layout, read as ledgers.

Departments keep their own sheets, and the 监督执纪执法一体化平台 exports one flat sheet
in its own words.  A profile in workreport.toml (``[sources."名称"]``, docs/sources.md)
says which file names it reads, which of their sheets feeds which ledger, which of
their headers is which of our columns and which of their values is which of ours.
The workbook's rows are turned into our ledgers' raw rows here, *before* our parsing,
so that the workbook is then validated, counted, cached, annotated and traced like
any ledger, and every problem keeps the workbook's own sheet, row and header.

A flat export repeats a clue's columns on the row of each measure taken on it: ``key``
makes those rows one clue (a blank takes the value of the clue's other rows; two
different values are E170), and ``rows_with`` picks the rows that belong to a ledger.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from fnmatch import fnmatchcase
from pathlib import Path

import numpy as np

from .config import Config
from .errors import ConfigError, Issue
from .ledgers import BOOL, ENUM, EXTRA_COLUMNS, SheetSpec, ledger_specs, normalise_header
from .load import HEADER_SCAN_ROWS, OWN_SHEETS, TOTAL_WORDS, unit_of
from .measure import column_letter
from .parse import RawSheet, parse_bool, parse_date

FORM, MEASURE = "形态", "处理方式"  # 形态 follows from 处理方式 when a profile leaves it out
_WILDCARDS = re.compile(r"\*|\?|\[[^\]]*\]")


@dataclass(frozen=True)
class SheetMap:
    """One ``[[sources."名称".sheets]]`` block: one of their sheets feeding one ledger."""

    sheet: str  # their sheet's name
    ledger: str  # our ledger's key (clues, measures …)
    columns: dict[str, str]  # their header (as normalise_header reads it) → our column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # their header → map
    key: str = ""  # our column whose repeated rows are one row
    rows_with: str = ""  # their header: the rows where it is filled belong to this ledger
    forms: dict[str, str] = field(default_factory=dict)  # 处理方式 → 形态, when 形态 unmapped

    @property
    def wanted(self) -> set[str]:
        """Their headers this block reads."""
        return {*self.columns, *([self.rows_with] if self.rows_with else [])}


@dataclass(frozen=True)
class Profile:
    """``[sources."名称"]``: the file names it reads and how their sheets map onto ours."""

    name: str
    match: str
    unit: str = ""  # their header naming the 填报单位; else the file name says it
    sheets: tuple[SheetMap, ...] = ()

    def matches(self, name: str) -> bool:
        """Whether the workbook (its display name) is read through this profile."""
        return fnmatchcase(Path(name).name.casefold(), self.match.casefold())

    def unit_of(self, name: str) -> str:
        """填报单位 from the file name: the name without the literal text of ``match``
        (第一室平台导出.xlsx under *平台导出*.xlsx → 第一室), docs/sources.md."""
        left = Path(name).name
        for piece in _WILDCARDS.split(self.match):
            if piece:
                at = left.casefold().find(piece.casefold())
                if at >= 0:
                    left = left[:at] + left[at + len(piece) :]
        left = left.strip(" _-—.")
        stem = unit_of(left) if left else ""
        return stem if stem and not stem.startswith(".") else unit_of(name)

    def read(
        self,
        sheets: list[str],
        rows_of: Callable[[str], tuple[list | None, list[Issue]]],
        file: str,
        specs: dict[str, SheetSpec],
    ) -> tuple[dict, dict, dict, dict, str, list[Issue]]:
        """The workbook's sheets → (RawSheets, letters, headers, sheet names, each by
        ledger key; the unit; issues), for load.py to parse as any ledger."""
        unit = self.unit_of(file)
        issues: list[Issue] = []
        frames: dict[str, RawSheet] = {}
        letters: dict[str, dict[str, str]] = {}
        headers: dict[str, dict[str, str]] = {}
        chosen: dict[str, str] = {}
        theirs = {normalise_header(s): s for s in sheets}
        named = list(dict.fromkeys(block.sheet for block in self.sheets))
        found = [s for s in named if normalise_header(s) in theirs]
        where = f'[sources."{self.name}"]'
        for sheet in sheets:
            if sheet in OWN_SHEETS:
                continue  # our template's 填表说明 and an annotated copy's 问题清单
            if normalise_header(sheet) not in {normalise_header(s) for s in named}:
                issues.append(
                    Issue("W202", f"工作表「{sheet}」不在 {where} 中，已忽略", file, sheet)
                )
        if not found:
            have = "、".join(f"「{s}」" for s in sheets) or "（无）"
            issues.append(
                Issue(
                    "E172",
                    f"按 {where} 读取，但没有其中的工作表"
                    f"（{'、'.join(f'「{s}」' for s in named)}）。现有工作表：{have}",
                    file,
                    suggestion="核对文件是否是这种格式的导出，或修改配置中的 sheet",
                )
            )
            return {}, {}, {}, {}, unit, issues
        for sheet in named:
            if sheet not in found:
                issues.append(
                    Issue(
                        "W271",
                        f"{where} 中的工作表「{sheet}」在这个工作簿中没有，相应台账按未报送处理",
                        file,
                    )
                )
        for sheet in found:
            actual = theirs[normalise_header(sheet)]
            blocks = [b for b in self.sheets if b.sheet == sheet]
            rows, sheet_issues = rows_of(actual)
            issues.extend(sheet_issues)
            if rows is None:
                continue
            read = _SheetReader(self, blocks, rows, file, actual, unit, issues)
            if not read.found_header():
                continue
            for block in blocks:
                raw, block_letters, block_headers = read.ledger(block, specs[block.ledger])
                frames[block.ledger] = raw
                letters[block.ledger] = block_letters
                headers[block.ledger] = block_headers
                chosen[block.ledger] = actual
        return frames, letters, headers, chosen, unit, issues


class _SheetReader:
    """One of their sheets: its header found once, its rows read once, for every block."""

    def __init__(self, profile, blocks, rows, file, sheet, unit, issues):
        self.profile, self.blocks, self.rows = profile, blocks, rows
        self.file, self.sheet, self.unit, self.issues = file, sheet, unit, issues
        self.wanted = set().union(*(b.wanted for b in blocks))
        if profile.unit:
            self.wanted.add(profile.unit)

    def found_header(self) -> bool:
        need = min(2, len(self.wanted))
        for i, row in enumerate(self.rows[:HEADER_SCAN_ROWS]):
            at: dict[str, int] = {}
            for j, cell in enumerate(row):
                h = normalise_header(cell) if isinstance(cell, str) else ""
                if h and h not in at:
                    at[h] = j
            if len(self.wanted & set(at)) >= max(need, 1):
                self.header_at, self.at, self.header = i, at, row
                break
        else:
            self.issues.append(
                Issue(
                    "E114",
                    f'前 {HEADER_SCAN_ROWS} 行中没有找到 [sources."{self.profile.name}"] '
                    "所说的表头行",
                    self.file,
                    self.sheet,
                    suggestion="表头应包含：" + "、".join(sorted(self.wanted)),
                )
            )
            return False
        for h, j in self.at.items():
            if h not in self.wanted and h not in EXTRA_COLUMNS:
                # a ledger read through a profile gets only the columns it maps (docs/sources.md)
                self.issues.append(
                    Issue(
                        "W206",
                        f'列「{h}」不在 [sources."{self.profile.name}"] 的 columns 中，已忽略',
                        self.file,
                        self.sheet,
                        self.header_at + 1,
                        h,
                        column_letter(j),
                        "如该列应计入统计，请在配置的 columns 中写明它对应的台账列",
                    )
                )
        self.data = list(self._data_rows())
        if self.profile.unit and self.profile.unit not in self.at:
            self._missing(self.profile.unit, "unit", required=True)
        return True

    def _data_rows(self):
        """(Excel row, cells) of each row below the header: blank rows skipped, a 合计
        row skipped with a warning and never counted (docs/rules.md, 绝不允许)."""
        for offset, row in enumerate(self.rows[self.header_at + 1 :]):
            filled = [v for v in row if _filled(v)]
            if not filled:
                continue
            excel_row = self.header_at + 2 + offset
            first = filled[0]
            if isinstance(first, str) and "".join(first.split()) in TOTAL_WORDS:
                self.issues.append(
                    Issue(
                        "W201",
                        f"跳过合计行（「{first.strip()}」），不计入统计",
                        self.file,
                        self.sheet,
                        excel_row,
                    )
                )
                continue
            yield excel_row, row

    def _missing(self, header: str, what: str, required: bool) -> None:
        code = "E171" if required else "W270"
        tail = "" if required else "，该列按空白处理"
        self.issues.append(
            Issue(
                code,
                f'工作表中没有 [sources."{self.profile.name}"] 的 {what} 所说的列「{header}」{tail}',
                self.file,
                self.sheet,
                self.header_at + 1,
                header,
                suggestion="核对表头，或修改配置",
            )
        )

    def _unmapped(self, block: SheetMap, spec: SheetSpec) -> None:
        """W207, as for a ledger in our layout: a column that feeds figures which the
        profile maps to nothing is blank on every row, so its figures count nothing
        (a 立案 count of 0 would read as true)."""
        mapped = set(block.columns.values()) | ({FORM} if block.forms else set())
        for col in spec.columns:
            if col.required or not col.counted or col.partial or col.name in mapped:
                continue
            self.issues.append(
                Issue(
                    "W207",
                    f'[sources."{self.profile.name}"] 没有对应「{spec.name}」的「{col.name}」列，'
                    "每一行都按此项空白（默认值）统计",
                    self.file,
                    self.sheet,
                    self.header_at + 1,
                    col.name,
                    suggestion=f"如工作表中有此项数据，请在来源配置的 columns 中对应到「{col.name}」",
                )
            )

    def _cell(self, row: list, header: str):
        j = self.at.get(header)
        return row[j] if j is not None and j < len(row) else None

    def ledger(self, block: SheetMap, spec: SheetSpec):
        """Their rows of ``block`` → our ledger's raw rows, letters and their headers."""
        for their, ours in block.columns.items():
            if their not in self.at:
                self._missing(their, f"columns（{ours}）", spec.column(ours).required)
        self._unmapped(block, spec)
        rows = self.data
        if block.rows_with:
            if block.rows_with not in self.at:
                self._missing(block.rows_with, "rows_with", required=True)
                rows = []
            else:
                rows = [(r, row) for r, row in rows if _filled(self._cell(row, block.rows_with))]
        records = [(r, self._record(block, row)) for r, row in rows]
        # a row with none of the block's columns filled is not a row of its ledger (a
        # measure with no clue on a flat sheet: not an empty clue), as load.py skips one
        kept = [any(_filled(v) for v in rec.values()) for _, rec in records]
        records = [rec for rec, keep in zip(records, kept, strict=True) if keep]
        rows = [row for row, keep in zip(rows, kept, strict=True) if keep]
        if block.key:
            records = self._merged(block, records)
        units = (
            [_text_or(self._cell(row, self.profile.unit), self.unit) for _, row in rows]
            if self.profile.unit and self.profile.unit in self.at
            else self.unit
        )
        if block.key and not isinstance(units, str):
            first_rows = {r for r, _ in records}
            units = [u for (r, _), u in zip(rows, units, strict=True) if r in first_rows]
        cells = {}
        for col in spec.columns:
            values = np.empty(len(records), dtype=object)
            values[:] = [rec.get(col.name) for _, rec in records]
            cells[col.name] = values
        excel_rows = np.asarray([r for r, _ in records], dtype=np.int64)
        raw = RawSheet(self.file, self.sheet, excel_rows, units, cells)
        letters = {
            ours: column_letter(self.at[their])
            for their, ours in block.columns.items()
            if their in self.at
        }
        headers = {
            ours: str(self.header[self.at[their]]).strip() if their in self.at else their
            for their, ours in block.columns.items()
        }
        return raw, letters, headers

    def _record(self, block: SheetMap, row: list) -> dict:
        """One of their rows as our columns, their values read as ours."""
        record = {}
        for their, ours in block.columns.items():
            value = self._cell(row, their)
            if value == "":
                value = None
            mapping = block.values.get(their)
            if mapping and value is not None:
                value = mapping.get("".join(str(value).split()), value)
            record[ours] = value
        if block.forms and FORM not in record:
            measure = record.get(MEASURE)
            record[FORM] = block.forms.get("".join(str(measure).split())) if measure else None
        return record

    def _merged(self, block: SheetMap, records: list[tuple[int, dict]]):
        """Rows with one ``key`` → one row (docs/sources.md): a blank takes the value of
        the key's other rows; two different values are E170, naming both rows."""
        merged: dict[str, tuple[int, dict, dict]] = {}  # key → (first row, record, rows)
        out: list[tuple[int, dict]] = []
        for r, rec in records:
            k = rec.get(block.key)
            k = "".join(str(k).split()) if _filled(k) else ""
            if not k:
                out.append((r, rec))
                continue
            if k not in merged:
                merged[k] = (r, dict(rec), {c: r for c, v in rec.items() if _filled(v)})
                out.append((r, merged[k][1]))
                continue
            first, kept, seen = merged[k]
            for column, value in rec.items():
                if not _filled(value):
                    continue
                if column not in seen:
                    kept[column], seen[column] = value, r
                elif _same(kept[column], value) is False:
                    self._disagree(block, k, column, seen[column], r, kept[column], value)
        return out

    def _disagree(self, block, key, column, first, row, a, b) -> None:
        their = next((t for t, o in block.columns.items() if o == column), column)
        header = str(self.header[self.at[their]]).strip() if their in self.at else their
        # a name is never shown (docs/rules.md, 绝不允许): only that the two rows differ
        personal = column in _PERSONAL
        shown = "" if personal else f"：「{_shown(a)}」与「{_shown(b)}」"
        self.issues.append(
            Issue(
                "E170",
                f"线索「{key}」的第{first}行和第{row}行「{header}」不一致{shown}",
                self.file,
                self.sheet,
                row,
                header,
                column_letter(self.at[their]) if their in self.at else "",
                f"同一线索的各行应填写相同的「{header}」：改正其中一行，或把不同的行留空",
            )
        )


# the personal columns of every ledger (docs/rules.md, 绝不允许): never in a message
_PERSONAL = frozenset(
    c.name for spec in ledger_specs(Config()).values() for c in spec.columns if c.personal
)


def _filled(v) -> bool:
    return not (v is None or v == "" or (isinstance(v, str) and not v.strip()))


def _text_or(value, default: str) -> str:
    text = str(value).strip() if value is not None else ""
    return text or default


def _normal(v):
    """A cell as compared across a clue's rows: 2022-01-10 typed as text and as an Excel
    date are one date, 「初 核」 and 「初核」 one value."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        text = "".join(v.split())
        as_date = parse_date(text) if text[:1].isdigit() else None
        return as_date if isinstance(as_date, date) else text
    return v


def _same(a, b) -> bool:
    return _normal(a) == _normal(b)


def _shown(v) -> str:
    v = _normal(v)
    return v.isoformat() if isinstance(v, date) else str(v)


# ---- the profiles of workreport.toml, checked against the ledgers ---------------------------


def read_profiles(config: Config) -> tuple[Profile, ...]:
    """``[sources."名称"]`` of ``config`` → profiles; a profile that names a ledger, a column
    or a value we do not have is a configuration error (exit 2) naming its key and line."""
    specs = ledger_specs(config)
    by_name = {spec.name: key for key, spec in specs.items()}
    profiles = []
    for name, raw in config.sources.items():
        where = _Where(config.source, name)
        if not isinstance(raw, dict):
            raise where.error('应为一个配置节，如 match = "*平台导出*.xlsx"')
        match = raw.get("match")
        if not isinstance(match, str) or not match.strip():
            raise where.error('缺少 match（读取哪些文件，如 match = "*平台导出*.xlsx"）', "match")
        unit = raw.get("unit", "")
        if not isinstance(unit, str):
            raise where.error("unit 应为对方表头的列名（文字）", "unit")
        blocks = raw.get("sheets")
        if (
            not isinstance(blocks, list)
            or not blocks
            or not all(isinstance(b, dict) for b in blocks)
        ):
            raise where.error(f'缺少 [[sources."{name}".sheets]]（哪张工作表对应哪张台账）')
        sheets = tuple(
            _sheet_map(block, n, where, specs, by_name, config) for n, block in enumerate(blocks, 1)
        )
        ledgers = [s.ledger for s in sheets]
        for key in ledgers:
            if ledgers.count(key) > 1:
                raise where.error(f"有两块都对应台账「{specs[key].name}」，一张台账只能有一块")
        profiles.append(Profile(name, match.strip(), normalise_header(unit), sheets))
    return tuple(profiles)


class _Where:
    """A profile's place in workreport.toml, for its errors: the key, and the line."""

    def __init__(self, path: Path | None, name: str):
        self.path, self.name = path, name
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines() if path else []
        except (OSError, UnicodeError):
            self.lines = []

    def error(self, message: str, needle: str = "", block: int = 0) -> ConfigError:
        place = (
            f'[sources."{self.name}"]'
            if not block
            else f'[[sources."{self.name}".sheets]] 第 {block} 块'
        )
        line = self._line(needle, block)
        at = f"第 {line} 行 " if line else ""
        return ConfigError(f"{at}{place}：{message}", self.path)

    def _line(self, needle: str, block: int) -> int | None:
        """The line of ``needle`` inside the profile's table (or its ``block``-th sheets
        block): the first line of that table when the needle is not found."""
        quoted = re.escape(self.name)
        table = re.compile(rf'^\s*\[\s*sources\s*\.\s*"?{quoted}"?\s*\]')
        sheets = re.compile(rf'^\s*\[\[\s*sources\s*\.\s*"?{quoted}"?\s*\.\s*sheets\s*\]\]')
        inside, seen, start = False, 0, None
        for n, text in enumerate(self.lines, 1):
            stripped = text.strip()
            if stripped.startswith("["):
                if block and sheets.match(text):
                    seen += 1
                    inside = seen == block
                elif not block and table.match(text):
                    inside = True
                else:
                    inside = False
                if inside:
                    start = n
                continue
            if inside and needle and needle in text:
                return n
        return start


def _sheet_map(block, n, where: _Where, specs, by_name, config: Config) -> SheetMap:
    def fail(message: str, needle: str = "") -> ConfigError:
        return where.error(message, needle, n)

    sheet = block.get("sheet")
    if not isinstance(sheet, str) or not sheet.strip():
        raise fail("缺少 sheet（对方的工作表名）", "sheet")
    ledger = block.get("ledger")
    if ledger not in by_name:
        raise fail(
            f"ledger「{ledger}」不是台账；可以写：{'、'.join(by_name)}",
            f"{ledger}" if isinstance(ledger, str) else "ledger",
        )
    spec = specs[by_name[ledger]]
    ours = {c.name: c for c in spec.columns}
    columns_raw = block.get("columns")
    if not isinstance(columns_raw, dict) or not columns_raw:
        raise fail('缺少 columns（对方表头 → 台账列，如 { "收件日期" = "受理日期" }）', "columns")
    columns: dict[str, str] = {}
    for their, our in columns_raw.items():
        if not isinstance(our, str) or our.strip() not in ours:
            from difflib import get_close_matches

            spellings = {a: c.name for c in spec.columns for a in (c.name, *c.aliases)}
            near = get_close_matches(str(our), list(spellings), n=1, cutoff=0.6)
            hint = (
                f"，是否应为「{spellings[near[0]]}」？" if near else f"；可以写：{'、'.join(ours)}"
            )
            raise fail(
                f"columns 中「{their}」对应的「{our}」不是「{ledger}」台账的列{hint}", str(our)
            )
        our = our.strip()
        if our in columns.values():
            raise fail(f"columns 中有两列都对应「{our}」", our)
        columns[normalise_header(their)] = our
    derive_forms = FORM not in columns.values() and MEASURE in columns.values() and FORM in ours
    for col in spec.columns:
        if (
            col.required
            and col.name not in columns.values()
            and not (derive_forms and col.name == FORM)
        ):
            raise fail(f"columns 中没有台账「{ledger}」的必填列「{col.name}」", "columns")
    key = block.get("key", "")
    if key and (not isinstance(key, str) or key not in columns.values()):
        raise fail(f"key「{key}」应为 columns 中映射到的台账列（如 线索编号）", str(key))
    rows_with = block.get("rows_with", "")
    if not isinstance(rows_with, str):
        raise fail("rows_with 应为对方表头的列名（文字）", "rows_with")
    values_raw = block.get("values", {})
    if not isinstance(values_raw, dict):
        raise fail('values 应为 { "对方表头" = { "对方的值" = "台账的值" } }', "values")
    values: dict[str, dict[str, str]] = {}
    for their, mapping in values_raw.items():
        header = normalise_header(their)
        if header not in columns:
            raise fail(f"values 中的「{their}」不在 columns 中", str(their))
        col = ours[columns[header]]
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise fail(f'values 中「{their}」应为 {{ "对方的值" = "台账的值" }}', str(their))
        for theirs, value in mapping.items():
            value = value.strip()
            if col.kind == ENUM:
                allowed = {*col.choices, *(a for a, _ in col.readings)}
                ok = value in allowed
            elif col.kind == BOOL:
                ok = isinstance(parse_bool(value), bool)
            else:
                ok = False
            if not ok:
                if col.kind not in (ENUM, BOOL):
                    message = f"values 中「{their}」对应的「{col.name}」不是选项列，不能写取值对照"
                else:
                    choices = "是、否" if col.kind == BOOL else "、".join(col.choices)
                    message = (
                        f"values 中「{their}」的「{theirs}」对应的「{value}」不是「{col.name}」"
                        f"的可选值；可以写：{choices}"
                    )
                raise fail(message, value)
        values[header] = {"".join(str(k).split()): v.strip() for k, v in mapping.items()}
    return SheetMap(
        sheet=sheet.strip(),
        ledger=by_name[ledger],
        columns=columns,
        values=values,
        key=key,
        rows_with=normalise_header(rows_with),
        forms=dict(config.forms) if derive_forms else {},
    )
