"""Report periods: ``2022-01-01..2022-06-30``, ``2022``, ``2022H1``, ``2022Q3``, ``2022-03``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import UsageError, reason

_RANGE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:\.\.|~|至)\s*(\d{4}-\d{1,2}-\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_HALF = re.compile(r"^\s*(\d{4})\s*[Hh]([12])\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]([1-4])\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise UsageError(f"统计期间的结束日期 {self.end} 早于开始日期 {self.start}")

    def previous_year(self) -> Period:
        """The same period one year earlier, for 同比 (docs/rules.md, 同比)."""
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1))

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _shift_year(d: date, years: int) -> date:
    y = d.year + years
    return d.replace(year=y, day=min(d.day, calendar.monthrange(y, d.month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """Parse every period form listed in docs/rules.md (命令行); a bad one is a usage error."""
    value = str(text)
    try:
        if m := _RANGE.match(value):
            return Period(date.fromisoformat(_pad(m[1])), date.fromisoformat(_pad(m[2])))
        if m := _YEAR.match(value):
            y = int(m[1])
            return Period(date(y, 1, 1), date(y, 12, 31))
        if m := _HALF.match(value):
            y, h = int(m[1]), int(m[2])
            return Period(date(y, 1 + 6 * (h - 1), 1), _month_end(y, 6 * h))
        if m := _QUARTER.match(value):
            y, q = int(m[1]), int(m[2])
            return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return Period(date(y, mo, 1), _month_end(y, mo))
    except ValueError as e:
        raise UsageError(f"统计期间「{value}」中的日期无效：{reason(e)}") from e
    raise UsageError(
        f"无法识别统计期间「{value}」。可用格式：2022-01-01..2022-06-30、2022、2022H1、2022Q3、2022-03"
    )


def _pad(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"
