"""``reconcile``: two sets of inputs held side by side (docs/sources.md, 与平台核对).

The analyst checks the departments' ledgers against the platform's export (or any
two sets of inputs): the case figures per unit, counted by the one figure engine
through a :class:`~workreport.run.Run` for each set; the clues (线索编号) found in one
set only; and the clues whose dates or outcome differ.  Names never appear: a clue
is told by its number, a measure by its 形态 and 处理方式.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .figures import flatten
from .format import show_value, table
from .period import Period
from .run import Request, Run

# the case figures compared (docs/sources.md): 受理, 处置, 立案, 结案, 处分 persons, 形态 人次
FIGURES = (
    ("clues", "受理线索"),
    ("clues_handled", "受理线索中已处置"),
    ("clues_disposed", "处置线索（按处置日期）"),
    ("cases_filed", "立案"),
    ("cases_closed", "结案"),
    ("sanctioned_persons", "党纪政务处分（人）"),
    ("forms_total", "四种形态（人次）"),
    ("forms_1", "第一种形态"),
    ("forms_2", "第二种形态"),
    ("forms_3", "第三种形态"),
    ("forms_4", "第四种形态"),
)
ALL_UNITS = "合计"
# a clue's own columns compared: its dates, and its outcome
CLUE_FIELDS = ("受理日期", "处置方式", "处置日期", "立案日期", "结案日期")
OUTCOME = "处理方式/形态"  # the measures taken on a clue, as 形态：处理方式, sorted
HERE, THERE = "本方", "对方"


@dataclass(frozen=True)
class FigureRow:
    unit: str
    id: str
    label: str
    here: float | None
    there: float | None

    @property
    def agrees(self) -> bool:
        return self.here == self.there


@dataclass(frozen=True)
class ClueDifference:
    clue: str
    unit: str
    field: str
    here: str | None
    there: str | None


@dataclass
class Reconciliation:
    """The two sets side by side; ``agrees`` when nothing differs."""

    period: Period
    figures: list[FigureRow]
    only_here: list[tuple[str, str]] = field(default_factory=list)  # (线索编号, 单位)
    only_there: list[tuple[str, str]] = field(default_factory=list)
    differences: list[ClueDifference] = field(default_factory=list)

    @property
    def differing_figures(self) -> list[FigureRow]:
        return [f for f in self.figures if not f.agrees]

    @property
    def agrees(self) -> bool:
        return not (self.differing_figures or self.only_here or self.only_there or self.differences)

    def summary(self) -> str:
        if self.agrees:
            return "两组数据一致。"
        parts = []
        if self.differing_figures:
            parts.append(f"{len(self.differing_figures)} 个指标不同")
        if self.only_here:
            parts.append(f"{len(self.only_here)} 条线索只在本方")
        if self.only_there:
            parts.append(f"{len(self.only_there)} 条线索只在对方")
        if self.differences:
            clues = len({d.clue for d in self.differences})
            parts.append(f"{clues} 条线索的日期或结果不同（{len(self.differences)} 处）")
        return "两组数据不一致：" + "，".join(parts) + "。"

    def as_json(self) -> dict:
        return {
            "period": self.period.as_dict(),
            "agrees": self.agrees,
            "figures": [
                {"unit": f.unit, "id": f.id, "label": f.label, "here": f.here, "there": f.there}
                for f in self.figures
            ],
            "only_here": [{"clue": c, "unit": u} for c, u in self.only_here],
            "only_there": [{"clue": c, "unit": u} for c, u in self.only_there],
            "differences": [
                {"clue": d.clue, "unit": d.unit, "field": d.field, "here": d.here, "there": d.there}
                for d in self.differences
            ],
        }

    def as_csv(self) -> str:
        # a byte-order mark, so that Excel on Chinese Windows opens the file as UTF-8
        out = io.StringIO("\ufeff")
        out.seek(0, io.SEEK_END)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["类别", "单位", "指标或线索", "项目", HERE, THERE, "一致"])
        for f in self.figures:
            writer.writerow(
                ["指标", f.unit, f.label, f.id, _csv(f.here), _csv(f.there), _yes(f.agrees)]
            )
        for clue, unit in self.only_here:
            writer.writerow(["线索只在一方", unit, clue, "线索编号", "有", "无", "否"])
        for clue, unit in self.only_there:
            writer.writerow(["线索只在一方", unit, clue, "线索编号", "无", "有", "否"])
        for d in self.differences:
            writer.writerow(
                ["线索不一致", d.unit, d.clue, d.field, d.here or "", d.there or "", "否"]
            )
        return out.getvalue()

    def as_table(self, max_width: int | None = None) -> str:
        """Chinese, within 80 columns: the figures that differ first, then the clues."""
        lines = [f"统计期间：{self.period.start} 至 {self.period.end}（“—”表示缺少数据）"]
        rows = [
            (f.unit, f.label, show_value(f.here), show_value(f.there), "" if f.agrees else "不同")
            for f in self.figures
        ]
        lines.append(
            table(("单位", "指标", HERE, THERE, "核对"), rows, numeric=(2, 3), max_width=max_width)
        )
        if self.only_here or self.only_there:
            lines.append("")
            lines.append("只在一方的线索：")
            only = [(c, u, HERE) for c, u in self.only_here] + [
                (c, u, THERE) for c, u in self.only_there
            ]
            lines.append(table(("线索编号", "单位", "只在"), only, max_width=max_width))
        if self.differences:
            lines.append("")
            lines.append("日期或结果不同的线索：")
            diffs = [
                (d.clue, d.unit, d.field, d.here or "—", d.there or "—") for d in self.differences
            ]
            lines.append(
                table(("线索编号", "单位", "项目", HERE, THERE), diffs, max_width=max_width)
            )
        lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)


def _with_handled(values: dict) -> dict:
    """``clues_handled``: the clues received in the period that have a 处置方式, read off
    the registry's own figures (clues less clues_by_disposal.未处置): 处置 compared even
    where no 处置日期 column is kept."""
    from .ledgers import UNDISPOSED

    clues, undisposed = values.get("clues"), values.get(f"clues_by_disposal.{UNDISPOSED}")
    handled = None if clues is None or undisposed is None else clues - undisposed
    return {**values, "clues_handled": handled}


def _csv(value) -> str:
    from .render.values import format_number

    return "" if value is None else format_number(value)


def _yes(ok: bool) -> str:
    return "是" if ok else "否"


def reconcile_inputs(
    paths: list[str | Path],
    against: list[str | Path],
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    cache: bool = False,
) -> Reconciliation:
    """``reconcile``: the case figures per unit, the clues of one set only, and the clues
    whose dates or outcome differ, between the inputs at ``paths`` and at ``against``.
    Invalid ledgers in either set raise InvalidData, as ``stats`` does.

    Example: ``reconcile_inputs(["收文"], ["平台导出"], period="2022H1").agrees``.
    """
    request = Request.of(period=period, cache=cache)
    here = Run.open(paths, config=config, request=request)
    # one project for both sets: one vocabulary, one set of source profiles
    there = Run([Path(p) for p in against], here.config, request)
    span = here.require_period()
    ours, theirs = here.stats(by_unit=True), there.stats(by_unit=True)
    units = sorted(set(ours.by_unit) | set(theirs.by_unit))
    rows = []
    for unit, a, b in [
        (ALL_UNITS, ours.values, theirs.values),
        *((u, ours.by_unit.get(u, {}), theirs.by_unit.get(u, {})) for u in units),
    ]:
        a, b = _with_handled(flatten(a)), _with_handled(flatten(b))
        rows.extend(FigureRow(unit, fid, label, a.get(fid), b.get(fid)) for fid, label in FIGURES)
    result = Reconciliation(span, rows)
    _compare_clues(here, there, span, result)
    return result


def _compare_clues(here: Run, there: Run, span: Period, result: Reconciliation) -> None:
    a, b = (_clues(run, span) for run in (here, there))
    in_period = sorted(
        {c for c, rec in a.items() if rec[IN]} | {c for c, rec in b.items() if rec[IN]}
    )
    for clue in in_period:
        if clue not in b:
            result.only_here.append((clue, a[clue][UNIT_KEY]))
            continue
        if clue not in a:
            result.only_there.append((clue, b[clue][UNIT_KEY]))
            continue
        for column in (*CLUE_FIELDS, OUTCOME):
            x, y = a[clue].get(column), b[clue].get(column)
            if column == "处置日期" and (x is None or y is None):
                continue  # a partial column (docs/figures.md): compared where both report it
            if x != y:
                result.differences.append(ClueDifference(clue, a[clue][UNIT_KEY], column, x, y))


IN, UNIT_KEY = "_in", "_unit"


def _clues(run: Run, span: Period) -> dict[str, dict]:
    """线索编号 → its unit, its dates and outcome as text, whether any of its dates falls
    in the period, and the measures taken on it (形态：处理方式)."""
    from .ledgers import UNIT

    ledgers = run.checked().ledgers
    clues, measures = ledgers.frames["clues"], ledgers.frames["measures"]
    first, last = np.datetime64(span.start), np.datetime64(span.end)
    within = np.zeros(len(clues), dtype=bool)
    for c in ("受理日期", "立案日期", "结案日期"):
        d = clues[c].to_numpy(dtype="datetime64[D]")
        within |= (d >= first) & (d <= last)
    taken: dict[str, list[str]] = {}
    for clue, form, kind in zip(
        measures["线索编号"].tolist(),
        measures["形态"].tolist(),
        measures["处理方式"].tolist(),
        strict=True,
    ):
        if isinstance(clue, str) and clue:
            taken.setdefault(clue, []).append(f"{form}：{kind}")
    out: dict[str, dict] = {}
    columns = {c: clues[c].tolist() for c in CLUE_FIELDS if c in clues.columns}
    for i, (clue, unit) in enumerate(
        zip(clues["线索编号"].tolist(), clues[UNIT].tolist(), strict=True)
    ):
        record = {c: _text(values[i]) for c, values in columns.items()}
        record.update({IN: bool(within[i]), UNIT_KEY: str(unit)})
        record[OUTCOME] = "；".join(sorted(taken.get(clue, []))) or None
        out.setdefault(str(clue), record)
    return out


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64 | pd.Timestamp):
        return str(np.datetime64(value, "D")) if not pd.isna(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text or None
