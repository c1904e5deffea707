"""The audit workbook (数据底稿: docs/rules.md): where each number comes from.

One sheet lists every figure with its 口径, value and number of source rows;
one sheet per ledger lists every counted row with its file, sheet and Excel
row, and the figures it counts toward; a last one, 交叉核对, what the 案管室's
checks found (W240–W244).  Personal names are not copied: a
reviewer follows file / sheet / row back to the department's own workbook, and
persons counted by 党纪政务处分 are told apart by a neutral number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .errors import CODES, Issue
from .figures import (
    FIGURES,
    PER_MEASURE,
    SHARES_ID,
    Figure,
    dated_in,
    figure_ids,
    flatten,
    person_time_numbers_of,
)
from .ledgers import FILE, ROW, SHEET, UNIT, ledger_specs
from .loaded import Ledgers
from .period import Period
from .xlsxwrite import (
    AUTO,
    BOLD,
    DATETIME,
    EXCEL_MAX_ROWS,
    NUMBER,
    TEXT,
    Column,
    Table,
    workbook_bytes,
)
from .xlsxwrite import BANNER as BANNER_STYLE

BANNER = "内部资料 注意保密"
PERSON_KEY = "人员序号"
FIGURE_PREFIX = "计入："  # the header of a figure's column: 计入：受理问题线索
YES = "是"  # a row counted toward an ungrouped figure
PERSON_TIME_KEY = "人次序号"  # the 人次 a 处分处理 row is counted in (docs/figures.md, 四种形态)


def figure_column(label: str) -> str:
    """The header of the 底稿 column telling which rows count toward the figure ``label``."""
    return f"{FIGURE_PREFIX}{label}"


def audit_path(draft: Path) -> Path:
    return draft.with_name(f"{draft.stem}.底稿.xlsx")


def person_time_numbers(ledgers: Ledgers, period: Period, config: Config) -> np.ndarray:
    """For each 处分处理 row dated in ``period``, the number of the 人次 it belongs to
    (-1 for the others): one per person and matter, or one per row under
    ``forms_count = "处理"``."""
    dated = dated_in(ledgers, "measures", period)
    if config.forms_count == PER_MEASURE:
        return np.where(dated, np.cumsum(dated) - 1, -1)
    return person_time_numbers_of(ledgers.frames["measures"], dated, period)


def figure_rows(figure: Figure, frame: pd.DataFrame, period: Period, config: Config, within=None):
    """(positions of the rows counted, for each a code into the figure ids it counts
    toward — ``id.category`` when grouped — and those ids); ``within`` limits the rows
    to the units that report the figure's column."""
    mask = figure.rows(frame, period, config)
    at = np.flatnonzero(mask if within is None else mask & within)
    if not figure.grouped:
        return at, np.zeros(len(at), dtype=np.intp), [figure.id]
    cats = frame[figure.by].to_numpy(dtype=object, na_value=None)[at]
    codes, uniques = pd.factorize(cats, use_na_sentinel=True)
    ids = [f"{figure.id}.{c}" for c in uniques]
    if (codes < 0).any():  # a blank category counts under the figure's own word for it
        codes = np.where(codes < 0, len(ids), codes)
        ids.append(f"{figure.id}.{figure.blank}")
    return at, codes, ids


@dataclass
class LedgerTable:
    """The counted rows of one ledger, as typed columns (header → (kind, values))."""

    name: str
    columns: dict[str, tuple[str, object]]

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()))[1]) if self.columns else 0


def audit_tables(ledgers: Ledgers, values: dict, period: Period, config: Config):
    """(summary rows, {ledger name: LedgerTable of counted rows}) — pure, for tests too."""
    specs = ledger_specs(config)
    flat = flatten(values)
    counts: dict[str, int] = {}
    sheets: dict[str, LedgerTable] = {}
    for key, spec in specs.items():
        frame = ledgers.frames[key]
        if not ledgers.present.get(key):
            continue
        # 计入指标: a column per figure, headed by its label; a cell holds 是 (or, for a grouped
        # figure, the category the row counts toward): an Excel filter on one value of one
        # column selects exactly the rows of one figure (docs/rules.md, 数据底稿)
        counted_in: dict[str, np.ndarray] = {}
        listed = np.zeros(len(frame), dtype=bool)
        for figure in (f for f in FIGURES if f.sheet == key):
            # a bulletin figure counts only the units that report its column (docs/figures.md)
            reporting = None
            if figure.column is not None:
                units = ledgers.reporting(key, figure.column)
                reporting = frame[UNIT].isin(units).to_numpy()
            at, codes, ids = figure_rows(figure, frame, period, config, reporting)
            shown = [YES] if not figure.grouped else [i.partition(".")[2] for i in ids]
            cells = np.full(len(frame), None, dtype=object)
            cells[at] = np.array(shown + [None], dtype=object)[codes]
            counted_in[figure_column(figure.label)] = cells
            listed[at] = True
            for fid, n in zip(ids, np.bincount(codes, minlength=len(ids)), strict=True):
                if n:
                    counts[fid] = counts.get(fid, 0) + int(n)
            if not figure.grouped:
                counts.setdefault(figure.id, 0)
        if key == "measures":
            # every row of a 人次 is listed, the ones merged into it too (docs/figures.md)
            times = person_time_numbers(ledgers, period, config)
            listed |= times >= 0
        counted = np.flatnonzero(listed)  # in the ledger's own order
        rows = frame.iloc[counted]
        columns: dict[str, tuple[str, object]] = {
            "填报单位": (TEXT, rows[UNIT].to_numpy(dtype=object)),
            "文件": (TEXT, rows[FILE].to_numpy(dtype=object)),
            "工作表": (TEXT, rows[SHEET].to_numpy(dtype=object)),
            "行号": (NUMBER, rows[ROW].to_numpy(dtype=float)),
        }
        columns.update((h, (TEXT, cells[counted])) for h, cells in counted_in.items())
        for col in spec.columns:
            if not col.personal:  # names never leave the ledgers (docs/rules.md, 绝不允许)
                columns[col.name] = _typed(rows[col.name])
        if key == "measures":
            # tell persons apart without their names (docs/rules.md, 绝不允许)
            clue, name = (
                rows[c].astype(object).fillna("").astype(str) for c in ("线索编号", "姓名")
            )
            codes = pd.factorize(clue + "\x1f" + name)[0]
            numbered = np.array([f"P{c + 1}" for c in codes.tolist()], dtype=object)
            columns[PERSON_KEY] = (TEXT, numbered)
            columns[PERSON_TIME_KEY] = (
                TEXT,
                np.array(
                    [f"R{c + 1}" if c >= 0 else "" for c in times[counted].tolist()], dtype=object
                ),
            )
        sheets[spec.name] = LedgerTable(spec.name, columns)
    summary = []
    for fid, value in flat.items():
        if fid.startswith(SHARES_ID):
            n = counts.get("forms_total")
        else:
            n = counts.get(fid, 0 if value is not None else None)
        summary.append((fid, value, n))
    return summary, sheets


def _typed(column: pd.Series) -> tuple[str, object]:
    """A ledger column as the 底稿 shows it: dates as Excel dates, yes/no as 是/否."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return DATETIME, column.to_numpy().astype("datetime64[D]")
    if pd.api.types.is_bool_dtype(column):
        return TEXT, np.where(column.to_numpy(dtype=bool), "是", "否").astype(object)
    if pd.api.types.is_numeric_dtype(column):
        return NUMBER, column.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_string_dtype(column) and pd.api.types.infer_dtype(column) in (
        "string",
        "empty",
    ):
        return TEXT, column.to_numpy(dtype=object, na_value=None)
    return AUTO, [_show(v) for v in column.to_numpy(dtype=object)]


def _show(v):
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, np.bool_ | bool):
        return "是" if v else "否"
    return v


CHECKS_SHEET = "交叉核对"
CHECKS_HEADER = ("代码", "问题类型", "文件", "工作表", "行号", "列", "问题", "建议")


def checks_table(findings: Sequence[Issue], reference: date | None) -> Table:
    """The 案管室's findings (W240–W244: a build has no error) where each one is, in the
    order validate lists them (docs/rules.md, 交叉核对)."""
    columns = (
        [i.code for i in findings],
        [CODES[i.code] for i in findings],
        [i.file for i in findings],
        [i.sheet for i in findings],
        [float(i.row) if i.row is not None else None for i in findings],
        [f"{i.column_letter}（{i.column}）" if i.column_letter else i.column for i in findings],
        [i.message for i in findings],
        [i.suggestion for i in findings],
    )
    kinds = (TEXT, TEXT, TEXT, TEXT, AUTO, TEXT, TEXT, TEXT)
    when = f"基准日 {reference}" if reference else "台账中没有日期"
    titles = [
        (BANNER, BANNER_STYLE),
        (f"{CHECKS_SHEET}：案管室关注的问题（{when}，共 {len(findings)} 处）", BOLD),
    ]
    return Table(
        CHECKS_SHEET,
        titles,
        [Column(h, v, k) for h, v, k in zip(CHECKS_HEADER, columns, kinds, strict=True)],
    )


def audit_bytes(
    ledgers: Ledgers,
    values: dict,
    period: Period,
    config: Config,
    *,
    checks: Sequence[Issue] | None = None,
    pairing: str = "",
    max_rows=EXCEL_MAX_ROWS,
    exports=(),
) -> bytes:
    """The 数据底稿 as an .xlsx file; ``checks``: the 案管室's findings, listed on a sheet
    of their own after the ledgers'; ``pairing`` names the draft written with it
    (``Draft.pairing``); ``max_rows`` (rows a sheet) is there for tests."""
    described = {fid: (label, unit, basis) for fid, label, unit, basis in figure_ids(config)}
    summary, sheets = audit_tables(ledgers, values, period, config)

    def titles(title: str) -> list[tuple[str, int]]:
        return [
            (BANNER, BANNER_STYLE),
            (f"{title}（统计期间 {period.start} 至 {period.end}）", BOLD),
        ]

    # a 上报文件's figure is one source row of the sum (docs/rules.md, 上报文件)
    from .export import EXPORTS_SHEET, export_rows

    sent = export_rows(list(exports))
    from_exports: dict[str, int] = {}
    for *_, fid, value in sent:
        if value is not None:
            from_exports[fid] = from_exports.get(fid, 0) + 1
    summary = [
        (fid, v, n + from_exports.get(fid, 0) if n is not None else from_exports.get(fid))
        for fid, v, n in summary
    ]
    described_rows = [(fid, *described.get(fid, (fid, "", "")), v, n) for fid, v, n in summary]
    header = ("标识", "指标", "单位", "口径")
    tables = [
        Table(
            "指标汇总",
            titles("指标汇总"),
            [Column(h, [r[j] for r in described_rows]) for j, h in enumerate(header)]
            + [
                Column(
                    "数值", ["缺少数据" if r[4] is None else r[4] for r in described_rows], AUTO
                ),
                Column("来源行数", [r[5] for r in described_rows], AUTO),
            ],
        )
    ]
    for name, table in sheets.items():
        tables.append(
            Table(
                name,
                titles(f"{name}：计入指标的行"),
                [
                    Column(h, v, kind, wrap=h.startswith(FIGURE_PREFIX))
                    for h, (kind, v) in table.columns.items()
                ],
            )
        )
    if sent:
        header = ("上报单位", "文件", "工作表", "标识", "指标", "数值")
        rows = [
            (*r[:4], described.get(r[3], (r[3],))[0], "缺少数据" if r[4] is None else r[4])
            for r in sent
        ]
        kinds = (TEXT, TEXT, TEXT, TEXT, TEXT, AUTO)
        tables.append(
            Table(
                EXPORTS_SHEET,
                titles(f"{EXPORTS_SHEET}：下级报来的指标"),
                [Column(h, [r[j] for r in rows], kinds[j]) for j, h in enumerate(header)],
            )
        )
    if checks is not None:
        tables.append(checks_table(checks, ledgers.reference))
    return workbook_bytes(
        tables,
        max_rows=max_rows,
        own_output="数据底稿",
        properties={PAIRING_PROPERTY: pairing} if pairing else None,
    )


# the draft a 数据底稿 was written with (docs/drafts.md, 数据底稿与稿件)
PAIRING_PROPERTY = "workreport-draft"
_PAIRING = re.compile(
    rb"""\bname\s*=\s*["']""" + PAIRING_PROPERTY.encode() + rb"""["'][^>]*>\s*"""
    rb"<vt:lpwstr>\s*([0-9a-f]{32})\s*</vt:lpwstr>"
)
_MAX_PROPERTIES = 1 << 20  # bytes of docProps/custom.xml read, at most


def recorded_pairing(path: Path) -> str | None:
    """The draft the 数据底稿 at ``path`` says it was written with; None when it says
    none (a 底稿 of an earlier version) or cannot be read."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/custom.xml")
            if info.file_size > _MAX_PROPERTIES:
                return None
            found = _PAIRING.search(z.read(info))
    except (KeyError, OSError, ValueError, zipfile.BadZipFile):
        return None
    return found[1].decode() if found else None


def out_of_step(draft_path: Path, pairing: str) -> Path | None:
    """The 数据底稿 beside the draft at ``draft_path`` when it names another draft: a write
    stopped between the two renames, or a 底稿 copied from elsewhere (docs/drafts.md,
    数据底稿与稿件).  A 底稿 that names none (an earlier version's) cannot tell."""
    audit = audit_path(draft_path)
    if not audit.is_file():
        return None
    recorded = recorded_pairing(audit)
    return audit if recorded is not None and recorded != pairing else None
