"""The audit workbook (数据底稿: docs/rules.md): where each number comes from.

One sheet lists every figure with its 口径, value and number of source rows;
one sheet per ledger lists every counted row with its file, sheet and Excel
row, and the figures it counts toward.  Personal names are not copied: a
reviewer follows file / sheet / row back to the department's own workbook, and
persons counted by 党纪政务处分 are told apart by a neutral number.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .figures import FIGURES, SHARES_ID, Figure, figure_ids, flatten
from .ledgers import FILE, ROW, SHEET, UNIT, ledger_specs
from .period import Period
from .validate import Ledgers

BANNER = "内部资料 注意保密"
PERSON_KEY = "人员序号"


def audit_path(draft: Path) -> Path:
    return draft.with_name(f"{draft.stem}.底稿.xlsx")


def figure_rows(figure: Figure, frame: pd.DataFrame, period: Period, config: Config) -> pd.Series:
    """For each counted row, the figure id it counts toward (``id.category`` when grouped)."""
    mask = figure.rows(frame, period, config)
    selected = frame.loc[mask]
    if not figure.grouped:
        return pd.Series(figure.id, index=selected.index)
    cats = selected[figure.by].where(selected[figure.by].notna(), figure.blank)
    return figure.id + "." + cats.astype(str)


def audit_tables(ledgers: Ledgers, values: dict, period: Period, config: Config):
    """(summary rows, {ledger name: DataFrame of counted rows}) — pure, for tests too."""
    specs = ledger_specs(config)
    flat = flatten(values)
    counts: dict[str, int] = {}
    sheets: dict[str, pd.DataFrame] = {}
    for key, spec in specs.items():
        frame = ledgers.frames[key]
        if not ledgers.present.get(key):
            continue
        hits: dict[int, list[str]] = {}
        for figure in (f for f in FIGURES if f.sheet == key):
            # a bulletin figure counts only the units that report its column (docs/figures.md)
            counted = frame if figure.column is None else ledgers.counted(key, figure.column)
            ids = figure_rows(figure, counted, period, config)
            for idx, fid in ids.items():
                hits.setdefault(idx, []).append(fid)
            for fid, n in ids.value_counts().items():
                counts[fid] = int(n)
            if not figure.grouped:
                counts.setdefault(figure.id, 0)
        if not hits:
            sheets[spec.name] = pd.DataFrame(columns=["文件", "工作表", "行号", "计入指标"])
            continue
        rows = frame.loc[sorted(hits)]
        table = pd.DataFrame(
            {
                "填报单位": rows[UNIT].to_numpy(),
                "文件": rows[FILE].to_numpy(),
                "工作表": rows[SHEET].to_numpy(),
                "行号": rows[ROW].to_numpy(),
                "计入指标": ["，".join(hits[i]) for i in rows.index],
            }
        )
        for col in spec.columns:
            if col.personal:
                continue
            table[col.name] = [_show(v) for v in rows[col.name].to_numpy()]
        if key == "measures":
            # tell persons apart without their names (docs/rules.md, 绝不允许)
            persons = [f"{c}\x1f{n}" for c, n in zip(rows["线索编号"], rows["姓名"], strict=True)]
            table[PERSON_KEY] = ["P" + str(n + 1) for n in pd.factorize(pd.Series(persons))[0]]
        sheets[spec.name] = table
    summary = []
    for fid, value in flat.items():
        if fid.startswith(SHARES_ID):
            n = counts.get("forms_total")
        else:
            n = counts.get(fid, 0 if value is not None else None)
        summary.append((fid, value, n))
    return summary, sheets


def _show(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else str(v.astype("datetime64[D]"))
    if isinstance(v, np.bool_ | bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def audit_bytes(ledgers: Ledgers, values: dict, period: Period, config: Config) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    described = {fid: (label, unit, basis) for fid, label, unit, basis in figure_ids(config)}
    summary, sheets = audit_tables(ledgers, values, period, config)

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    red = Font(bold=True, color="C00000")

    def text_cell(ws, value, font=None):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # input text stays text, '=…' never a formula: docs/rules.md
        if font is not None:
            cell.font = font
        return cell

    def banner(ws, title: str):
        ws.append([text_cell(ws, BANNER, red)])
        ws.append([text_cell(ws, f"{title}（统计期间 {period.start} 至 {period.end}）", bold)])

    ws = wb.create_sheet("指标汇总")
    banner(ws, "指标汇总")
    ws.append(
        [text_cell(ws, h, bold) for h in ("标识", "指标", "单位", "口径", "数值", "来源行数")]
    )
    for fid, value, n in summary:
        label, unit, basis = described.get(fid, (fid, "", ""))
        ws.append(
            [
                text_cell(ws, fid),
                text_cell(ws, label),
                text_cell(ws, unit),
                text_cell(ws, basis),
                text_cell(ws, "缺少数据" if value is None else value),
                text_cell(ws, n),
            ]
        )
    for name, table in sheets.items():
        ws = wb.create_sheet(name)
        banner(ws, f"{name}：计入指标的行")
        ws.append([text_cell(ws, h, bold) for h in table.columns])
        for row in table.itertuples(index=False):
            ws.append([text_cell(ws, _show(v)) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
