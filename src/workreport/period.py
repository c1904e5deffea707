"""Report periods and the words that name them.

Forms: ``2022-01-01..2022-06-30``, ``2022``, ``2022H1``, ``2022Q3``, ``2022-03``,
``2022Q1-Q3``, ``2022-01..2022-09`` and the Chinese forms analysts write in folder
names: ``2022上半年``, ``2022年一季度``, ``2022年1-9月``, ``2022年度`` …  A period
knows its words (docs/templates.md, 统计期间用语): ``label`` (2022年上半年),
``phrase`` (上半年) and ``since(signing date)`` (今年以来 or the phrase).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import UsageError, reason

# A ledger date lies in 1954–2119 (parse.py, docs/rules.md 输入约定): a period outside
# those years counts nothing, and year 1 has no year before it for 同比
FIRST_DAY, LAST_DAY = date(1954, 1, 1), date(2119, 12, 31)

_RANGE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:\.\.|~|至)\s*(\d{4}-\d{1,2}-\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_HALF = re.compile(r"^\s*(\d{4})\s*[Hh]([12])\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]([1-4])\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTERS = re.compile(r"^\s*(\d{4})\s*[Qq]([1-4])\s*-\s*[Qq]?([1-4])\s*$")
_MONTHS = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*(?:\.\.|~|至)\s*(\d{4})-(\d{1,2})\s*$")
_CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4}
# the Chinese forms, also found inside a longer folder name (2022上半年汇报)
_CN_FORMS = (
    (re.compile(r"(\d{4})年?(上|下)半年"), lambda y, m: _half(y, 1 if m[2] == "上" else 2)),
    (re.compile(r"(\d{4})年?前三季度"), lambda y, m: (date(y, 1, 1), date(y, 9, 30))),
    (
        re.compile(r"(\d{4})年?第?([一二三四1-4])季度"),
        lambda y, m: _quarter(y, _CN_NUMERALS.get(m[2]) or int(m[2])),
    ),
    (
        re.compile(r"(\d{4})年(\d{1,2})\s*(?:-|—|－|至|到|~)\s*(\d{1,2})月"),
        lambda y, m: (date(y, int(m[2]), 1), _month_end(y, int(m[3]))),
    ),
    (
        re.compile(r"(\d{4})年(\d{1,2})月(?!\d)"),
        lambda y, m: (date(y, int(m[2]), 1), _month_end(y, int(m[2]))),
    ),
    (
        re.compile(r"(\d{4})年度?(?![\d上下前第一二三四])"),
        lambda y, m: (date(y, 1, 1), date(y, 12, 31)),
    ),
)
_QUARTER_WORDS = "一二三四"


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

    @property
    def year(self) -> int:
        """The year the period is reported for: the year of its last day."""
        return self.end.year

    @property
    def whole_year(self) -> bool:
        """1 January to 31 December of one year: 同比 then compares with 上年, not 上年同期."""
        return self.start == date(self.end.year, 1, 1) and self.end == date(self.end.year, 12, 31)

    @property
    def label(self) -> str:
        """2022年上半年, 2022年一季度, 2022年1至5月, 2022年3月, 2022年1月5日至3月20日."""
        return self._words()[0]

    @property
    def phrase(self) -> str:
        """上半年, 一季度, 1至5月, 3月份; for an odd range the label."""
        return self._words()[1]

    @property
    def bulletin(self) -> str:
        """The period as the bulletins name it (docs/templates.md, 模板集): 2023年第一季度, 2023年上半年,
        2023年1至9月, 2023年; otherwise the label."""
        s, e, y = self.start, self.end, self.end.year
        if s.day == 1 and e == _month_end(e.year, e.month) and s.year == e.year:
            m1, m2 = s.month, e.month
            if m2 - m1 == 2 and m1 % 3 == 1:
                return f"{y}年第{_QUARTER_WORDS[m1 // 3]}季度"
            if (m1, m2) == (1, 9):
                return f"{y}年1至9月"
        return self.label

    def since(self, signed: date) -> str:
        """How the report opens its account of the work.

        今年以来 only when the period runs from 1 January of the signing year up to
        a day no later than the signing date, and the report is signed within the
        month after the period ends (2022H1 signed 2022-07-05); otherwise the phrase,
        with the year in front when it is not the signing year (三季度, 2021年下半年).
        """
        if self.start == date(signed.year, 1, 1) and self.end <= signed <= _month_end(
            *_next_month(self.end.year, self.end.month)
        ):
            return "今年以来"
        label, phrase = self._words()
        if label == phrase:  # an odd range: its label already says everything
            return label
        return phrase if self.year == signed.year else f"{self.year}年{phrase}"

    def dates(self) -> str:
        """2022年1月1日—6月30日: the period on paper, under the appendix's title."""
        end = f"{self.end.month}月{self.end.day}日"
        if self.end.year != self.start.year:
            end = f"{self.end.year}年{end}"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日—{end}"

    def _words(self) -> tuple[str, str]:
        s, e, y = self.start, self.end, self.end.year
        whole_months = s.day == 1 and e == _month_end(e.year, e.month) and s.year == e.year
        if whole_months:
            m1, m2 = s.month, e.month
            if (m1, m2) == (1, 12):
                return f"{y}年", "全年"
            if (m1, m2) in ((1, 6), (7, 12)):
                phrase = "上半年" if m1 == 1 else "下半年"
                return f"{y}年{phrase}", phrase
            if m2 - m1 == 2 and m1 % 3 == 1:
                phrase = f"{_QUARTER_WORDS[m1 // 3]}季度"
                return f"{y}年{phrase}", phrase
            if (m1, m2) == (1, 9):
                return f"{y}年前三季度", "前三季度"
            if m1 == m2:
                return f"{y}年{m1}月", f"{m1}月份"
            phrase = f"{m1}至{m2}月"
            return f"{y}年{phrase}", phrase
        head = f"{s.year}年{s.month}月{s.day}日"
        tail = f"{e.month}月{e.day}日" if s.year == e.year else f"{e.year}年{e.month}月{e.day}日"
        return f"{head}至{tail}", f"{head}至{tail}"

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def chinese_date(d: date) -> str:
    """2022年7月5日: Arabic figures without leading zeros (GB/T 9704 §7.3.5.4)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _shift_year(d: date, years: int) -> date:
    y = d.year + years
    return d.replace(year=y, day=min(d.day, calendar.monthrange(y, d.month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _half(year: int, half: int) -> tuple[date, date]:
    return date(year, 1 + 6 * (half - 1), 1), _month_end(year, 6 * half)


def _quarter(year: int, quarter: int) -> tuple[date, date]:
    return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)


def find_period(text: str) -> Period | None:
    """The period a folder or file name speaks of (「2022上半年汇报」 → 2022H1), if any."""
    for pattern, bounds in _CN_FORMS:
        if m := pattern.search(text):
            try:
                return Period(*bounds(int(m[1]), m))
            except (ValueError, UsageError):
                return None
    if m := re.search(r"(?<!\d)(\d{4})\s*([HhQq])([1-4])(?![\d])", text):
        try:
            return parse_period(m[0])
        except UsageError:
            return None
    return None


def parse_period(text: str) -> Period:
    """Parse every period form listed in docs/rules.md (命令行); a bad one is a usage error."""
    period = _parse_period(str(text))
    if period.start < FIRST_DAY or period.end > LAST_DAY:
        raise UsageError(
            f"统计期间「{text}」不在 {FIRST_DAY.year} 年至 {LAST_DAY.year} 年之间"
            "（台账日期只能在这些年份中），请核对年份"
        )
    return period


def _parse_period(value: str) -> Period:
    try:
        if m := _RANGE.match(value):
            return Period(date.fromisoformat(_pad(m[1])), date.fromisoformat(_pad(m[2])))
        if m := _YEAR.match(value):
            y = int(m[1])
            return Period(date(y, 1, 1), date(y, 12, 31))
        if m := _HALF.match(value):
            return Period(*_half(int(m[1]), int(m[2])))
        if m := _QUARTER.match(value):
            return Period(*_quarter(int(m[1]), int(m[2])))
        if m := _QUARTERS.match(value):
            y, q1, q2 = int(m[1]), int(m[2]), int(m[3])
            return Period(_quarter(y, q1)[0], _quarter(y, q2)[1])
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return Period(date(y, mo, 1), _month_end(y, mo))
        if m := _MONTHS.match(value):
            return Period(date(int(m[1]), int(m[2]), 1), _month_end(int(m[3]), int(m[4])))
        for pattern, bounds in _CN_FORMS:
            if (m := pattern.fullmatch(value.strip())) is not None:
                return Period(*bounds(int(m[1]), m))
    except ValueError as e:
        raise UsageError(f"统计期间「{value}」中的日期无效：{reason(e)}") from e
    raise UsageError(
        f"无法识别统计期间「{value}」。可用格式：2022-01-01..2022-06-30、2022、2022H1、2022Q3、"
        "2022-03、2022Q1-Q3、2022-01..2022-09、2022上半年、2022年一季度、2022年1-9月、2022年度"
    )


def _pad(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"
