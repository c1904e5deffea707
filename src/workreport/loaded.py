"""The ledgers as the loader hands them on: :class:`Loaded` as read (typed frames, the
problems of each file) and :class:`Ledgers` once checked across rows and workbooks,
what the figures, the 底稿 and the checks count from.

A small module of data, below the reader (load.py), the checker (validate.py) and
every module that counts: none of them needs another to know the ledgers' shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import Issue
from .ledgers import UNIT, SheetSpec, SourceFile


@dataclass
class Loaded:
    """What the loader read: typed frames keyed by ledger, and what went wrong."""

    frames: dict[str, pd.DataFrame]
    files: list[SourceFile] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    # every file found, the refused ones included: what validate and build both report
    # as 共检查 N 个文件 (docs/rules.md, 命令行)
    found: int = 0
    # workbooks ``set_aside`` claimed, unread: the 上报文件 of lower levels (export.py)
    set_aside: list[tuple[Path, str]] = field(default_factory=list)
    exports: list = field(default_factory=list)  # those read, by the run (run.py)


@dataclass
class Ledgers:
    """Validated, typed ledgers: dates are ``datetime64[D]``, yes/no are bool."""

    frames: dict[str, pd.DataFrame]
    present: dict[str, set[str]]  # ledger key → 填报单位 that supply it (docs/rules.md)
    specs: dict[str, SheetSpec]  # ledger key → its contract (columns, date column)
    files: list[SourceFile] = field(default_factory=list)
    # (ledger key, column) → 填报单位 whose rows hold at least one non-blank cell of that
    # bulletin column (docs/figures.md, 部分单位报送的列)
    reported: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # the day the 案管室's checks counted to (docs/rules.md, 交叉核对); None: no date at all
    reference: date | None = None

    def reporting(self, key: str, column: str | None) -> set[str]:
        """The units a figure counting ``column`` of ledger ``key`` can count."""
        supplied = self.present.get(key, set())
        if column is None:
            return supplied
        return supplied & self.reported.get((key, column), set())

    _counted: dict = field(default_factory=dict, repr=False, compare=False)

    def counted(self, key: str, column: str | None) -> pd.DataFrame:
        """The rows of ledger ``key`` from the units that report ``column`` (made once:
        every figure of that column asks for them, this year and last)."""
        frame = self.frames[key]
        if column is None:
            return frame
        if (key, column) not in self._counted:
            reporting = frame[UNIT].isin(self.reporting(key, column)).to_numpy()
            self._counted[key, column] = frame[reporting]
        return self._counted[key, column]

    @property
    def units(self) -> list[str]:
        units: set[str] = set()
        for s in self.present.values():
            units |= s
        return sorted(units)
