"""``diff``: which figures, input files and periods differ between two drafts.

Read from what each draft recorded about itself (its stamp), so the ledgers are
not needed (docs/drafts.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config, resolve_config
from .errors import UsageError


@dataclass
class FigureDiff:
    id: str
    label: str
    unit: str
    old: object
    new: object


@dataclass
class DraftDiff:
    figures: list[FigureDiff]
    inputs: list[tuple[str, str | None, str | None]]  # (file, old hash, new hash)
    periods: tuple[str, str] | None

    def as_json(self) -> dict:
        return {
            "periods": None
            if self.periods is None
            else {"a": self.periods[0], "b": self.periods[1]},
            "figures": [vars(f) for f in self.figures],
            "inputs": [{"file": n, "a": a, "b": b} for n, a, b in self.inputs],
        }


def diff_drafts(
    a: str | Path, b: str | Path, *, config: Config | str | Path | None = None
) -> DraftDiff:
    """Which figures, inputs and periods differ between two drafts, from their stamps."""
    from .draft import Draft
    from .figures import figure_ids, figure_labels

    config = resolve_config(config)
    stamps = []
    for path in (Path(a), Path(b)):
        if not path.is_file():
            raise UsageError(f"稿件不存在：{path}")
        stamps.append(Draft.open(path).stamp)
    sa, sb = stamps
    labels, _ = figure_labels(config)
    units = {fid: unit for fid, _, unit, _ in figure_ids(config)}
    figures = [
        FigureDiff(
            fid, labels.get(fid, fid), units.get(fid, ""), sa.figures.get(fid), sb.figures.get(fid)
        )
        for fid in dict.fromkeys([*sa.figures, *sb.figures])
        if sa.figures.get(fid) != sb.figures.get(fid)
    ]
    names = sorted(set(sa.inputs) | set(sb.inputs))
    inputs = [
        (n, sa.inputs.get(n), sb.inputs.get(n))
        for n in names
        if sa.inputs.get(n) != sb.inputs.get(n)
    ]
    return DraftDiff(figures, inputs, None if sa.period == sb.period else (sa.period, sb.period))
