"""The figure registry (docs/figures.md): one definition per figure, and nothing else.

Each :class:`Figure` holds its id, Chinese label, unit, 口径 and the rule that
selects and aggregates its source rows.  The same rule computes the value, the
per-unit breakdown, the previous year's value for 同比 and the audit rows, so
those can never disagree.  Pure: ledgers and a period in, numbers out.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .config import FORM_NAMES, Config
from .ledgers import (
    ACCUSATIONS,
    CLUE_CATEGORY,
    CLUE_KEY,
    CLUE_SOURCES,
    DISPOSALS,
    FILE,
    JOINED_COLUMNS,
    LEADERS,
    LOSSES,
    NON_MEMBER,
    ORGANISATIONS,
    PETITION_CATEGORIES,
    PETITION_FORMS,
    RANKS,
    SPECIAL,
    UNDISPOSED,
    UNIT,
    UNRANKED,
    ledger_specs,
)
from .loaded import Ledgers
from .period import Period

COUNT = "count"
MONEY = "money"  # a sum of amounts, rounded half up to two decimals (万元)


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    unit: str
    basis: str  # 口径: one sentence a reviewer can check the number against
    sheet: str  # the ledger it counts
    # the date that must fall in the period: the sheet's own (SheetSpec.date_column),
    # unless the figure counts an event with a date of its own (立案 by 立案日期)
    date_column: str | None = None
    where: Callable[[pd.DataFrame, Config], np.ndarray] | None = None
    agg: str | tuple[str, ...] = COUNT  # "count", ("sum", column) or ("distinct", columns…)
    by: str | None = None  # grouped figure: the category column
    categories: Callable[[Config], tuple[str, ...]] | None = None
    units: Callable[[Config], dict[str, str]] | None = None  # per-category unit
    blank: str = UNDISPOSED  # the category of a row whose ``by`` column is blank
    # the bulletin column it needs: only the units that report it count, and with none
    # the figure is missing (docs/figures.md, 部分单位报送的列)
    column: str | None = None
    # a 四种形态 figure: it counts 人次, one person in one matter, not rows (§14 of the
    # 上级's 口径: docs/figures.md, 四种形态), unless [report] forms_count = "处理"
    person_times: bool = False
    top: bool = False  # only what concerns 一把手/班子 (for a 人次: any of its rows)
    basis_per_row: str = ""  # the 口径 under forms_count = "处理"

    @property
    def grouped(self) -> bool:
        return self.by is not None

    def category_unit(self, config: Config, category: str) -> str:
        return self.units(config).get(category, self.unit) if self.units else self.unit

    def basis_for(self, config: Config) -> str:
        """The 口径 under the project's rules: which 人次 rule counted a 四种形态 figure."""
        if self.person_times and config.forms_count == PER_MEASURE:
            return self.basis_per_row
        return self.basis

    def dated_by(self, config: Config) -> str:
        """The column whose date must fall in the period."""
        return self.date_column or ledger_specs(config)[self.sheet].date_column

    def rows(
        self, frame: pd.DataFrame, period: Period, config: Config, unit: str | None = None
    ) -> np.ndarray:
        """Boolean mask of the rows this figure counts (with ``unit``: of that 填报单位).
        A 人次 is one row, the one that decides its 形态, in that row's unit."""
        mask = _dated_in(frame, self.dated_by(config), period)
        top = None
        if self.person_times and config.forms_count == PER_PERSON_TIME:
            mask, top = person_times(frame, mask, period)
        if self.where is not None:
            mask &= self.where(frame, config)
        if self.top:
            mask &= _top(frame, config) if top is None else top
        if unit is not None:
            mask &= frame[UNIT].to_numpy(dtype=object) == unit
        return mask

    def needed(self) -> list[str]:
        """The columns its aggregate and grouping read: the only ones its counted rows
        are copied with (copying every column of a 100,000-row ledger per figure cost
        more than counting; benchmarks/README.md)."""
        columns = [UNIT, *([self.by] if self.by else [])]
        if self.agg != COUNT:
            columns += self.agg[1:]
        return list(dict.fromkeys(columns))

    def counted(
        self, frame: pd.DataFrame, period: Period, config: Config, unit: str | None = None
    ) -> pd.DataFrame:
        """The rows it counts, with the columns it reads (columns first, then rows: half
        the time of one ``.loc`` with both, for a build's hundred figures)."""
        return frame[self.needed()][self.rows(frame, period, config, unit)]

    def aggregate(self, frame: pd.DataFrame):
        if self.agg == COUNT:
            return len(frame)
        kind, *columns = self.agg
        if kind == MONEY:
            return _money(frame[columns[0]].to_numpy(dtype=float))
        if kind == "sum":
            return _number(frame[columns[0]].sum())
        # distinct persons: 线索编号 + 姓名 (docs/figures.md)
        return int(len(frame[columns].drop_duplicates()))

    def aggregate_by(self, frame: pd.DataFrame, keys: list) -> pd.Series:
        """The aggregate per group of ``keys`` (column names or Series), as one Series."""
        if self.agg == COUNT:
            return frame.groupby(keys, sort=False, dropna=False).size()
        kind, *columns = self.agg
        if kind == MONEY:
            return frame.groupby(keys, sort=False, dropna=False)[columns[0]].agg(
                lambda amounts: _money(amounts.to_numpy(dtype=float))
            )
        if kind == "sum":
            return frame.groupby(keys, sort=False, dropna=False)[columns[0]].sum()
        # distinct persons per group: drop repeats of (group, 线索编号, 姓名) first
        names = [k if isinstance(k, str) else k.name for k in keys]
        keyed = frame.assign(
            **{n: k for n, k in zip(names, keys, strict=True) if not isinstance(k, str)}
        )
        return (
            keyed.drop_duplicates([*names, *columns])
            .groupby(names, sort=False, dropna=False)
            .size()
        )

    def compute_by_unit(
        self, frame: pd.DataFrame, period: Period, config: Config, units: list[str]
    ) -> dict:
        """The figure for every 填报单位 at once (one group-by instead of one pass per unit)."""
        if self.agg == COUNT:
            # a count needs only its rows' units (and categories), not a copy of the rows:
            # the same numbers as the group-by, a fraction of the time for a build's table
            mask = self.rows(frame, period, config)
            of_unit = frame[UNIT].to_numpy(dtype=object)[mask]
            if not self.grouped:
                counts = Counter(of_unit)
                return {u: counts.get(u, 0) for u in units}
            cats = self.categories(config)
            result = {u: dict.fromkeys(cats, 0) for u in units}
            of_cat = frame[self.by].to_numpy(dtype=object)[mask]
            of_cat = np.where(pd.isna(of_cat), self.blank, of_cat)  # as the group-by's .where
            for (unit, cat), n in Counter(zip(of_unit, of_cat, strict=True)).items():
                if unit in result and cat in result[unit]:
                    result[unit][cat] = n
            return result
        selected = self.counted(frame, period, config)
        if not self.grouped:
            totals = (
                self.aggregate_by(selected, [UNIT]) if len(selected) else pd.Series(dtype=float)
            )
            return {u: _number(totals.get(u, 0)) for u in units}
        cats = self.categories(config)
        result = {u: dict.fromkeys(cats, 0) for u in units}
        if len(selected):
            category = (
                selected[self.by].where(selected[self.by].notna(), self.blank).rename("_category")
            )
            for (unit, cat), value in self.aggregate_by(selected, [UNIT, category]).items():
                if unit in result and cat in result[unit]:
                    result[unit][cat] = _number(value)
        return result

    def compute(self, frame: pd.DataFrame, period: Period, config: Config, unit=None):
        if self.agg == COUNT:
            return self._count(frame, period, config, unit)
        selected = self.counted(frame, period, config, unit)
        if not self.grouped:
            return self.aggregate(selected)
        cats = self.categories(config)
        result = {c: 0 for c in cats}
        if len(selected):
            for cat, part in selected.groupby(self.by, sort=False, dropna=False):
                key = self.blank if cat is None or cat != cat else cat
                if key in result:
                    result[key] = self.aggregate(part)
        return result

    def _count(self, frame: pd.DataFrame, period: Period, config: Config, unit=None):
        """``compute`` of a count: the rows' mask counted, by category for a grouped
        figure, with no copy of the rows (what ``aggregate`` of them would give: a
        build computes some thirty counts three times over)."""
        mask = self.rows(frame, period, config, unit)
        if not self.grouped:
            return int(np.count_nonzero(mask))
        result = {c: 0 for c in self.categories(config)}
        values = frame[self.by].to_numpy(dtype=object)[mask]
        # a blank cell counts toward the figure's blank category (未处置, 未填), as in
        # compute_by_unit: the total is the sum of the units
        values = np.where(pd.isna(values), self.blank, values)
        for cat, n in Counter(values.tolist()).items():
            if cat in result:
                result[cat] = n
        return result


def _dated_in(frame: pd.DataFrame, date_column: str, period: Period) -> np.ndarray:
    """Boolean mask of the rows whose ``date_column`` is in ``period``, both ends included."""
    dates = frame[date_column].to_numpy()
    return (dates >= np.datetime64(period.start)) & (dates <= np.datetime64(period.end))


def _number(x):
    x = float(x)
    return int(x) if x.is_integer() else round(x, 4)


def _money(amounts: np.ndarray):
    """万元 to two decimals, half up, summed exactly (docs/figures.md: 挽回经济损失)."""
    total = sum((Decimal(repr(float(a))) for a in amounts if a == a), Decimal(0))
    return _number(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# the 人次 of a period, worked out once per ledger frame and period: six figures, last
# year's and the per-unit pass all ask for the same (dropped with the frame)
_PERSON_TIMES: dict[int, dict] = {}


def person_time_codes(frame: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """For each row in ``mask``, the number of its 人次 (0, 1 …, in ledger order of each
    人次's first row); -1 outside ``mask``.  A 人次 is one person (姓名) in one matter:
    the row's 线索编号, or without one, the workbook and the 处理日期 (docs/figures.md,
    四种形态).  Names are compared, never shown: in the cache they are keyed hashes.
    Worked out on integer codes, a column at a time (benchmarks/README.md, 底稿)."""
    codes = np.full(len(frame), -1, dtype=np.int64)
    at = np.flatnonzero(mask)
    if not len(at):
        return codes

    def coded(column: str) -> np.ndarray:
        return pd.factorize(frame[column].to_numpy()[at], use_na_sentinel=True)[0]

    clue, name, file = coded("线索编号"), coded("姓名"), coded(FILE)
    day = pd.factorize(frame["处理日期"].to_numpy()[at])[0]
    # a row without 线索编号 is a matter of its workbook and its day, numbered after the clues
    own = file * (day.max() + 1) + day + clue.max() + 1
    matter = np.where(clue < 0, own, clue)
    codes[at] = pd.factorize(matter * (name.max() + 2) + name + 1)[0]
    return codes


def _person_times_of(frame: pd.DataFrame, mask: np.ndarray, period: Period) -> tuple:
    """(人次 codes, chosen rows, top rows) of ``frame`` in ``period``, worked out once."""
    memo = _PERSON_TIMES.get(id(frame))
    if memo is None:
        memo = _PERSON_TIMES[id(frame)] = {}
        weakref.finalize(frame, _PERSON_TIMES.pop, id(frame), None)
    key = (period.start, period.end)
    if key not in memo:
        codes = person_time_codes(frame, mask)
        at = np.flatnonzero(codes >= 0)
        chosen = np.zeros(len(frame), dtype=bool)
        top = np.zeros(len(frame), dtype=bool)
        if len(at):
            group = codes[at]
            rank = _form_rank(frame["形态"].to_numpy(dtype=object)[at])
            order = np.lexsort((at, -rank, group))  # by 人次, heaviest first, then ledger order
            first = np.ones(len(order), dtype=bool)
            first[1:] = group[order][1:] != group[order][:-1]
            heads = at[order[first]]
            chosen[heads] = True
            any_top = np.bincount(group, weights=_top(frame, None)[at]) > 0
            top[heads] = any_top[codes[heads]]
        memo[key] = (codes, chosen, top)
    return memo[key]


def person_times(frame: pd.DataFrame, mask: np.ndarray, period: Period):
    """(the row that stands for each 人次 among the rows in ``mask`` — the heaviest
    形态, the first such row on a tie —, whether any row of that 人次 is 一把手/班子,
    on the same row).  ``mask``: the rows dated in ``period``."""
    _, chosen, top = _person_times_of(frame, mask, period)
    return chosen & mask, top.copy()


def person_time_numbers_of(frame: pd.DataFrame, mask: np.ndarray, period: Period) -> np.ndarray:
    """The 人次 codes of the rows dated in ``period`` (``mask``), as the figures found them."""
    return _person_times_of(frame, mask, period)[0]


def _form_rank(forms: np.ndarray) -> np.ndarray:
    """第一种形态 → 1 … 第四种形态 → 4 (a heavier form outranks a lighter one)."""
    rank = np.zeros(len(forms), dtype=np.int64)
    for n, name in enumerate(FORM_NAMES, start=1):
        rank[forms == name] = n
    return rank


def _top(frame: pd.DataFrame, config: Config) -> np.ndarray:
    return (frame["是否一把手"].to_numpy(dtype=bool)) | (
        frame["是否领导班子成员"].to_numpy(dtype=bool)
    )


def _is_form(n: int):
    name = FORM_NAMES[n - 1]
    return lambda frame, config: (frame["形态"] == name).to_numpy(dtype=bool)


def _measure_in(kind: str):
    def where(frame: pd.DataFrame, config: Config) -> np.ndarray:
        allowed = {
            "any": config.party_sanctions | config.gov_sanctions,
            "party": config.party_sanctions,
            "gov": config.gov_sanctions,
        }[kind]
        return frame["处理方式"].isin(allowed).to_numpy(dtype=bool)

    return where


def _both(*wheres):
    def where(frame, config):
        mask = np.ones(len(frame), dtype=bool)
        for w in wheres:
            mask &= w(frame, config)
        return mask

    return where


def _top_leader_talks(frame: pd.DataFrame, config: Config) -> np.ndarray:
    # 一把手 only, not 班子 (docs/figures.md: the seed's 约谈…"一把手"3人)
    return (frame["对象类别"] == "一把手").to_numpy(dtype=bool)


def _new_accusations(frame: pd.DataFrame, config: Config) -> np.ndarray:
    # 检举控告类, a repeated one (是否重复件) counted once: the 件 of the 信访 statistics
    accusation = (frame["信访类别"] == ACCUSATIONS).to_numpy(dtype=bool)
    return accusation & ~frame["是否重复件"].to_numpy(dtype=bool)


def _accountable(whom: str) -> Callable[[pd.DataFrame, Config], np.ndarray]:
    def rows(frame: pd.DataFrame, config: Config) -> np.ndarray:
        return (frame["问责对象"] == whom).to_numpy(dtype=bool)

    rows.__name__ = f"_accountable_{whom}"
    return rows


def _eight_rules(frame: pd.DataFrame, config: Config) -> np.ndarray:
    # the clue's 问题类别 among [categories] eight_rules (docs/figures.md)
    return frame[CLUE_CATEGORY].isin(config.eight_rules).to_numpy(dtype=bool)


def _non_member(frame: pd.DataFrame, config: Config) -> np.ndarray:
    return (frame["政治面貌"] == NON_MEMBER).to_numpy(dtype=bool)


def _surrendered(frame: pd.DataFrame, config: Config) -> np.ndarray:
    # blank within a reporting workbook is 否 (docs/figures.md)
    return (frame["主动投案"] == True).to_numpy(dtype=bool)  # noqa: E712 - an object column


def _fixed(values: tuple[str, ...]):
    return lambda config: values


PERSONS = ("distinct", "线索编号", "姓名")
# §14 (docs/figures.md, 四种形态): the bulletins count each form 不重不漏
_PERSON_TIMES_BASIS = (
    "处理日期在统计期间内的人次数：一人在一件问题线索中计 1 人次（无线索编号的，"
    "同一工作簿中同一姓名、同一处理日期为一件），按其在期间内各条记录中最重的形态计入"
)
PER_PERSON_TIME = "人次"  # [report] forms_count: the 上级's rule, the default
PER_MEASURE = "处理"  # one 人次 per 处分处理 row: a local practice some offices keep
_SANCTION_BASIS = (
    "处理日期在统计期间内、处理方式为{kind}的人数，同一人（线索编号＋姓名）多次处分只计一人"
)

FIGURES: tuple[Figure, ...] = (
    Figure("clues", "受理问题线索", "件", "受理日期在统计期间内的问题线索条数", "clues"),
    Figure(
        "clues_by_source",
        "按来源受理问题线索",
        "件",
        "受理日期在统计期间内的问题线索，按线索来源分类计数",
        "clues",
        by="线索来源",
        categories=_fixed(CLUE_SOURCES),
    ),
    Figure(
        "clues_by_disposal",
        "按处置方式受理问题线索",
        "件",
        "受理日期在统计期间内的问题线索，按处置方式分类计数，未填处置方式的计入「未处置」",
        "clues",
        by="处置方式",
        categories=_fixed((*DISPOSALS, UNDISPOSED)),
    ),
    Figure(
        "cases_filed",
        "立案",
        "件",
        "立案日期在统计期间内的线索条数",
        "clues",
        date_column="立案日期",
    ),
    Figure(
        "cases_filed_by_category",
        "立案按问题类别",
        "件",
        "立案日期在统计期间内的线索条数，按问题类别分类，未填问题类别的计入「未填」"
        "（只计报送问题类别列的单位）",
        "clues",
        date_column="立案日期",
        by="问题类别",
        categories=lambda config: (*config.categories, UNRANKED),
        blank=UNRANKED,
        column="问题类别",
    ),
    Figure(
        "cases_filed_by_rank",
        "立案按职级",
        "件",
        "立案日期在统计期间内的线索条数，按被反映人的职级分类，未填职级的计入「未填」"
        "（只计报送职级列的单位）",
        "clues",
        date_column="立案日期",
        by="职级",
        categories=_fixed((*RANKS, UNRANKED)),
        blank=UNRANKED,
        column="职级",
    ),
    Figure(
        "cases_closed",
        "结案",
        "件",
        "结案日期在统计期间内的线索条数",
        "clues",
        date_column="结案日期",
    ),
    Figure(
        "top_clues",
        "涉及“一把手”和领导班子问题线索",
        "件",
        "受理日期在统计期间内、被反映人是一把手或领导班子成员的问题线索条数",
        "clues",
        where=_top,
    ),
    Figure(
        "top_cases_filed",
        "涉及“一把手”和领导班子问题线索中立案",
        "件",
        "立案日期在统计期间内、被反映人是一把手或领导班子成员的线索条数",
        "clues",
        date_column="立案日期",
        where=_top,
    ),
    Figure(
        "forms_total",
        "运用“四种形态”处理",
        "人次",
        _PERSON_TIMES_BASIS,
        "measures",
        person_times=True,
        basis_per_row="处理日期在统计期间内的处分处理记录条数（按处理计，每条记录为 1 人次）",
    ),
    *(
        Figure(
            f"forms_{n}",
            FORM_NAMES[n - 1],
            "人次",
            f"运用“四种形态”处理的人次中，按其在期间内最重的形态计为{FORM_NAMES[n - 1]}的人次数",
            "measures",
            where=_is_form(n),
            person_times=True,
            basis_per_row=f"处理日期在统计期间内、形态为{FORM_NAMES[n - 1]}的记录条数（按处理计）",
        )
        for n in (1, 2, 3, 4)
    ),
    Figure(
        "sanctioned_persons",
        "党纪政务处分",
        "人",
        _SANCTION_BASIS.format(kind="党纪处分或政务处分"),
        "measures",
        where=_measure_in("any"),
        agg=PERSONS,
    ),
    Figure(
        "party_sanctioned_persons",
        "党纪处分",
        "人",
        _SANCTION_BASIS.format(kind="党纪处分"),
        "measures",
        where=_measure_in("party"),
        agg=PERSONS,
    ),
    Figure(
        "gov_sanctioned_persons",
        "政务处分",
        "人",
        _SANCTION_BASIS.format(kind="政务处分"),
        "measures",
        where=_measure_in("gov"),
        agg=PERSONS,
    ),
    Figure(
        "top_sanctioned_persons",
        "“一把手”和领导班子党纪政务处分",
        "人",
        "党纪政务处分人数中，该条记录标为一把手或领导班子成员的人数",
        "measures",
        where=_both(_measure_in("any"), _top),
        agg=PERSONS,
    ),
    Figure(
        "top_forms_1",
        "“一把手”和领导班子第一种形态",
        "人次",
        "第一种形态的人次中，该人次有一条记录标为一把手或领导班子成员的人次数",
        "measures",
        where=_is_form(1),
        top=True,
        person_times=True,
        basis_per_row="第一种形态记录中，该条记录标为一把手或领导班子成员的条数（按处理计）",
    ),
    Figure(
        "talks",
        "谈话",
        "人次",
        "日期在统计期间内的谈话，按谈话类型合计人数（空白按 1 人）",
        "talks",
        agg=("sum", "人数"),
        by="谈话类型",
        categories=lambda config: config.talk_types,
    ),
    Figure(
        "talks_total",
        "谈话合计",
        "人次",
        "日期在统计期间内的谈话人数合计",
        "talks",
        agg=("sum", "人数"),
    ),
    Figure(
        "talks_top_leaders",
        "对“一把手”谈话",
        "人次",
        "日期在统计期间内、对象类别为一把手的谈话，按谈话类型合计人数",
        "talks",
        where=_top_leader_talks,
        agg=("sum", "人数"),
        by="谈话类型",
        categories=lambda config: config.talk_types,
    ),
    Figure(
        "letters",
        "制发文书",
        "份",
        "印发日期在统计期间内的文书，按文书类型计数",
        "letters",
        by="文书类型",
        categories=lambda config: config.letter_types,
    ),
    Figure(
        "letters_total",
        "制发文书合计",
        "份",
        "印发日期在统计期间内的文书份数",
        "letters",
    ),
    Figure(
        "letters_rectified_issues",
        "督促整改问题",
        "个",
        "印发日期在统计期间内的文书所列督促整改问题数之和",
        "letters",
        agg=("sum", "督促整改问题数"),
    ),
    # 信访举报 (docs/figures.md): an optional sheet; no workbook sending it, the figures are missing
    Figure(
        "petitions",
        "接收信访举报",
        "件次",
        "收到日期在统计期间内的信访举报（每行一件次，重复件也计）",
        "petitions",
    ),
    Figure(
        "petitions_by_form",
        "信访举报按信访形式",
        "件次",
        "收到日期在统计期间内的信访举报，按信访形式计数",
        "petitions",
        by="信访形式",
        categories=lambda config: PETITION_FORMS,
    ),
    Figure(
        "petitions_by_category",
        "信访举报按信访类别",
        "件次",
        "收到日期在统计期间内的信访举报，按信访类别计数",
        "petitions",
        by="信访类别",
        categories=lambda config: PETITION_CATEGORIES,
    ),
    Figure(
        "petitions_accusations",
        "检举控告类信访举报",
        "件",
        "收到日期在统计期间内、信访类别为检举控告类且不是重复件的信访举报",
        "petitions",
        where=_new_accusations,
    ),
    # 八项规定 (docs/figures.md): 处分处理 rows by their clue's 问题类别, as the CCDI's monthly
    # figures add 违反中央八项规定精神 and 形式主义官僚主义 ([categories] eight_rules)
    Figure(
        "eight_rules_problems",
        "查处八项规定问题",
        "起",
        "处理日期在统计期间内的处分处理所涉线索中，问题类别属于八项规定类别（[categories] "
        "eight_rules）的线索数，一条线索计一起（只计报送问题类别列的单位）",
        "measures",
        where=_eight_rules,
        agg=("distinct", CLUE_KEY),
        column=CLUE_CATEGORY,
    ),
    Figure(
        "eight_rules_persons",
        "八项规定问题批评教育帮助和处理",
        "人",
        "处理日期在统计期间内、线索的问题类别属于八项规定类别的处分处理人数，"
        "同一人（线索编号＋姓名）只计一次（只计报送问题类别列的单位）",
        "measures",
        where=_eight_rules,
        agg=PERSONS,
        column=CLUE_CATEGORY,
    ),
    Figure(
        "eight_rules_sanctioned",
        "八项规定问题党纪政务处分",
        "人",
        "处理日期在统计期间内、线索的问题类别属于八项规定类别的党纪政务处分人数，"
        "同一人只计一次（只计报送问题类别列的单位）",
        "measures",
        where=_both(_eight_rules, _measure_in("any")),
        agg=PERSONS,
        column=CLUE_CATEGORY,
    ),
    # 问责 (docs/figures.md): an optional sheet, like 信访举报
    Figure(
        "accountability_orgs",
        "问责党组织",
        "个",
        "问责日期在统计期间内、问责对象为党组织的问责，数量之和",
        "accountability",
        where=_accountable(ORGANISATIONS),
        agg=("sum", "数量"),
    ),
    Figure(
        "accountability_persons",
        "问责党员领导干部",
        "人",
        "问责日期在统计期间内、问责对象为党员领导干部的问责，数量之和",
        "accountability",
        where=_accountable(LEADERS),
        agg=("sum", "数量"),
    ),
    Figure(
        "activities",
        "监督活动",
        "",
        "日期在统计期间内的监督活动，按活动类型合计数量",
        "activities",
        agg=("sum", "数量"),
        by="活动类型",
        categories=lambda config: tuple(config.activities),
        units=lambda config: dict(config.activities),
    ),
    # the bulletin figures (docs/figures.md, 通报口径): each needs an optional column
    Figure(
        "clues_disposed",
        "处置问题线索",
        "件",
        "处置日期在统计期间内的问题线索条数（只计报送处置日期列的单位）",
        "clues",
        date_column="处置日期",
        column="处置日期",
    ),
    Figure(
        "clues_disposed_by_method",
        "按处置方式处置问题线索",
        "件",
        "处置日期在统计期间内的问题线索，按处置方式分类计数（只计报送处置日期列的单位）",
        "clues",
        date_column="处置日期",
        by="处置方式",
        categories=_fixed(DISPOSALS),
        column="处置日期",
    ),
    Figure(
        "detained_persons",
        "留置",
        "人",
        "留置日期在统计期间内的问题线索条数，一条线索为一人（只计报送留置日期列的单位）",
        "clues",
        date_column="留置日期",
        column="留置日期",
    ),
    Figure(
        "transferred_persons",
        "移送检察机关",
        "人",
        "移送检察机关日期在统计期间内的问题线索条数，一条线索为一人"
        "（只计报送移送检察机关日期列的单位）",
        "clues",
        date_column="移送检察机关日期",
        column="移送检察机关日期",
    ),
    Figure(
        "losses_recovered",
        "挽回经济损失",
        "万元",
        "结案日期在统计期间内的线索所填挽回经济损失之和，四舍五入保留两位小数"
        "（只计报送该列的单位）",
        "clues",
        date_column="结案日期",
        agg=(MONEY, LOSSES),
        column=LOSSES,
    ),
    Figure(
        "sanctioned_by_rank",
        "处分人员按职级",
        "人",
        "党纪政务处分人数按职级分类，同一人只计一次、职级取此人所填，未填职级的计入「未填」"
        "（只计报送职级列的单位）",
        "measures",
        where=_measure_in("any"),
        agg=PERSONS,
        by="职级",
        categories=_fixed((*RANKS, UNRANKED)),
        blank=UNRANKED,
        column="职级",
    ),
    Figure(
        "gov_sanctioned_by_rank",
        "政务处分人员按职级",
        "人",
        "处理日期在统计期间内受政务处分的人数按职级分类，同一人只计一次、职级取此人所填，"
        "未填职级的计入「未填」（只计报送职级列的单位）",
        "measures",
        where=_measure_in("gov"),
        agg=PERSONS,
        by="职级",
        categories=_fixed((*RANKS, UNRANKED)),
        blank=UNRANKED,
        column="职级",
    ),
    Figure(
        "sanctioned_non_party_persons",
        "处分非中共党员公职人员",
        "人",
        _SANCTION_BASIS.format(kind="党纪处分或政务处分") + "，限该条记录政治面貌为非中共党员"
        "（只计报送政治面貌列的单位）",
        "measures",
        where=_both(_measure_in("any"), _non_member),
        agg=PERSONS,
        column="政治面貌",
    ),
    Figure(
        "voluntary_surrender_persons",
        "主动投案",
        "人",
        "处理日期在统计期间内、主动投案为是的人数，同一人（线索编号＋姓名）只计一人"
        "（只计报送主动投案列的单位）",
        "measures",
        where=_surrendered,
        agg=PERSONS,
        column="主动投案",
    ),
)

SHARES_ID = "forms_shares"
SHARES_LABEL = "“四种形态”占比"
SHARES_BASIS = (
    "各形态人次占运用“四种形态”处理总人次的百分比，保留一位小数，最大余数法使合计为100.0%"
)


@cache
def registry() -> dict[str, Figure]:
    return {f.id: f for f in FIGURES}


def figure_labels(config: Config) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Labels by id (grouped ones as ``id.category``) and the categories of grouped figures."""
    labels: dict[str, str] = {SHARES_ID: SHARES_LABEL}
    groups: dict[str, tuple[str, ...]] = {SHARES_ID: FORM_NAMES}
    for f in FIGURES:
        labels[f.id] = f.label
        if f.grouped:
            groups[f.id] = f.categories(config)
            for cat in groups[f.id]:
                labels[f"{f.id}.{cat}"] = f"{f.label}（{cat}）" if f.id != "activities" else cat
    for form in FORM_NAMES:
        labels[f"{SHARES_ID}.{form}"] = f"{form}占比"
    return labels, groups


def figure_ids(config: Config) -> list[tuple[str, str, str, str]]:
    """Every addressable id with label, unit and 口径: ``stats --list``, the audit workbook."""
    labels, _ = figure_labels(config)
    out = []
    for f in FIGURES:
        out.append((f.id, f.label, f.unit or "按活动类型", f.basis_for(config)))
        if f.grouped:
            for cat in f.categories(config):
                out.append(
                    (
                        f"{f.id}.{cat}",
                        labels[f"{f.id}.{cat}"],
                        f.category_unit(config, cat),
                        f.basis_for(config),
                    )
                )
        if f.id == "forms_4":
            out.append((SHARES_ID, SHARES_LABEL, "%", SHARES_BASIS))
            for form in FORM_NAMES:
                out.append(
                    (f"{SHARES_ID}.{form}", labels[f"{SHARES_ID}.{form}"], "%", SHARES_BASIS)
                )
    return out


@dataclass(frozen=True)
class FigureInfo:
    """One addressable figure as ``stats --list`` shows it to a template's author."""

    id: str
    label: str
    unit: str
    basis: str  # 口径


def list_figures(config: Config | str | Path | None = None) -> list[FigureInfo]:
    """``stats --list``: every figure a template can name, with its label, unit and 口径
    under the project's vocabularies (``config``, found as the command line finds it)."""
    from .config import open_config

    return [FigureInfo(*row) for row in figure_ids(open_config(config))]


def shares(parts: list[int | None]) -> list[float] | None:
    """Percent shares to one decimal that sum to exactly 100.0 (largest remainder)."""
    if any(p is None for p in parts):
        return None
    total = sum(parts)
    if total == 0:
        return [0.0 for _ in parts]
    raw = [p * 1000 / total for p in parts]  # in tenths of a percent
    floors = [int(r) for r in raw]
    left = 1000 - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (raw[i] - floors[i], parts[i]), reverse=True)
    for i in order[:left]:
        floors[i] += 1
    return [f / 10 for f in floors]


def compute_figures(
    ledgers: Ledgers, period: Period, config: Config, unit: str | None = None
) -> dict:
    """Every figure for ``period``: a number, a {category: number} dict, or None (missing).

    A figure whose ledger no workbook supplies is missing (None), not 0 (docs/rules.md, 缺少数据不是 0).
    With ``unit``, only that 填报单位's rows count, and a figure is missing when
    that unit's workbook lacks the ledger.
    """
    values: dict = {}
    for f in FIGURES:
        frame = ledgers.counted(f.sheet, f.column)
        supplied = ledgers.reporting(f.sheet, f.column)
        if not supplied or (unit is not None and unit not in supplied):
            values[f.id] = None
            continue
        # a 人次 is found among every unit's rows, then counted in its own unit's (§14)
        values[f.id] = f.compute(frame, period, config, unit)
    parts = [values[f"forms_{n}"] for n in (1, 2, 3, 4)]
    pct = shares(parts)
    values[SHARES_ID] = None if pct is None else dict(zip(FORM_NAMES, pct, strict=True))
    return values


def compute_figures_by_unit(ledgers: Ledgers, period: Period, config: Config) -> dict[str, dict]:
    """{填报单位: figures} — the same values as ``compute_figures(unit=…)`` for each unit,
    with a figure missing (None) for a unit whose workbook lacks its ledger (docs/rules.md, 缺少数据不是 0)."""
    units = ledgers.units
    out: dict[str, dict] = {u: {} for u in units}
    for f in FIGURES:
        values = f.compute_by_unit(ledgers.counted(f.sheet, f.column), period, config, units)
        supplied = ledgers.reporting(f.sheet, f.column)
        for u in units:
            out[u][f.id] = values[u] if u in supplied else None
    for u in units:
        pct = shares([out[u][f"forms_{n}"] for n in (1, 2, 3, 4)])
        out[u][SHARES_ID] = None if pct is None else dict(zip(FORM_NAMES, pct, strict=True))
    return out


def special_ledgers(ledgers: Ledgers, name: str) -> Ledgers:
    """The ledgers cut to the rows whose own 专项 cell names ``name`` (docs/figures.md: a 处分处理
    row belongs to a 专项 by its own cell, not by its clue's).  A sheet supplies the 专项's
    figures from the units that keep the 专项 column on it: where one does but no row names
    ``name``, the figures are true zeros; where none does, they are missing, not 0."""
    frames, present = {}, {}
    for key, frame in ledgers.frames.items():
        frames[key] = frame[(frame[SPECIAL] == name).to_numpy(dtype=bool)]
        present[key] = ledgers.reporting(key, SPECIAL)
    return replace(ledgers, frames=frames, present=present, _counted={})


def dated_in(ledgers: Ledgers, sheet: str, period: Period) -> np.ndarray:
    """Which rows of ``sheet`` have their own date (受理日期, 处理日期, 日期 …) in ``period``."""
    return _dated_in(ledgers.frames[sheet], ledgers.specs[sheet].date_column, period)


def units_reporting(
    ledgers: Ledgers, sheet: str, period: Period, column: str | None = None
) -> set[str]:
    """The 填报单位 with at least one row of ``sheet`` dated in ``period`` (with ``column``:
    one whose ``column`` is not blank, from a unit that reports that column)."""
    frame = ledgers.frames[sheet]
    rows = dated_in(ledgers, sheet, period)
    if column is not None:
        rows &= frame[column].notna().to_numpy()
        rows &= frame[UNIT].isin(ledgers.reporting(sheet, column)).to_numpy()
    return set(pd.unique(frame[UNIT].to_numpy()[rows]))


def compute_previous(ledgers: Ledgers, period: Period, config: Config) -> dict:
    """The same period of the previous year, for 同比 (docs/rules.md, 同比).

    A figure's previous value is known only when every unit that reports its ledger
    this period also reported rows then: a unit whose last year's rows were not sent
    would otherwise turn into a growth that never happened.  A bulletin figure asks
    the same of its column: last year's rows must have it filled in (docs/figures.md).
    """
    prev = period.previous_year()
    values = compute_figures(ledgers, prev, config)
    known: dict[tuple[str, str | None], bool] = {}
    for f in FIGURES:
        key = (f.sheet, f.column)
        if key not in known:
            before = units_reporting(ledgers, f.sheet, prev, f.column)
            now = units_reporting(ledgers, f.sheet, period) & ledgers.reporting(*key)
            known[key] = bool(before) and now <= before
        if not known[key]:
            values[f.id] = None
    if any(values[f"forms_{n}"] is None for n in (1, 2, 3, 4)):
        values[SHARES_ID] = None
    return values


def partial_figures(ledgers: Ledgers) -> dict[str, tuple[str, ...]]:
    """The bulletin figures counted from only some units (docs/figures.md, 部分单位报送的列):
    figure id → the units that send its sheet but do not report its column."""
    found = {}
    for f in FIGURES:
        if f.column is not None:
            reporting = ledgers.reporting(f.sheet, f.column)
            silent = tuple(sorted(ledgers.present.get(f.sheet, set()) - reporting))
            if reporting and silent:
                found[f.id] = silent
    return found


PARTIAL = tuple(f for f in FIGURES if f.column is not None)  # the bulletin columns' figures
PARTIAL_CAPABLE = tuple(f.id for f in PARTIAL)  # [figures] partial_ok


def partial_notices(ledgers: Ledgers, config: Config, shown: set[str] | None = None) -> list:
    """W230: a bulletin column some units report and others do not; its figures count
    only the units that do (docs/figures.md, 部分单位报送的列).  ``shown``: only the
    figures a draft shows are named (build, refresh); None: every one (stats)."""
    from .errors import Issue

    def filled_in(f: Figure) -> tuple[str, str]:
        # a joined column (八项规定's clue category) is filled in on the ledger it comes from
        return JOINED_COLUMNS.get(f.column, (f.sheet, f.column))

    labels: dict[tuple[str, str], list[str]] = {}
    for f in FIGURES:
        if f.column is not None and (shown is None or f.id in shown):
            labels.setdefault(filled_in(f), []).append(f.label)
    # 职级 is kept on 问题线索 and on 处分处理: there the notice names its ledger
    twice = {c for c, n in Counter(c for _, c in set(map(filled_in, PARTIAL))).items() if n > 1}
    notices = []
    for f in FIGURES:
        if f.column is None or filled_in(f) not in labels:
            continue
        sheet, column = filled_in(f)
        reporting = ledgers.reporting(f.sheet, f.column)
        silent = sorted(ledgers.present.get(f.sheet, set()) - reporting)
        figures = "、".join(labels.pop((sheet, column)))
        name = ledgers.specs[sheet].name
        where = f"「{name}」台账的「{column}」列" if column in twice else f"「{column}」列"
        if reporting and silent:
            notices.append(
                Issue(
                    "W230",
                    f"{where}只有 {len(reporting)} 个单位报送，{figures}只统计了这些单位；"
                    f"未报送的单位：{'、'.join(silent)}",
                    suggestion=f"请这些单位在「{name}」台账中补填「{column}」列",
                )
            )
    return notices


def points_phrase(current, previous, whole_year: bool = False) -> str | None:
    """A share's change in 个百分点, not as a percentage of a percentage."""
    if current is None or previous is None:
        return None
    change = round(current - previous, 1)
    if change == 0:
        return "与上年持平" if whole_year else "与上年同期持平"
    return f"同比{'上升' if change > 0 else '下降'}{abs(change):.1f}个百分点"


def yoy_phrase(current, previous, whole_year: bool = False) -> str | None:
    """同比 the way bulletins phrase it (docs/rules.md, 同比); None when either side is unknown.
    Over a whole year the other side is 上年, not 上年同期 (与上年持平)."""
    if current is None or previous is None:
        return None
    before = "上年" if whole_year else "上年同期"
    if current == previous:
        return f"与{before}持平"
    if previous == 0:
        return f"{before}为零"
    change = (current - previous) * 100 / previous
    rounded = round(abs(change), 1)
    if rounded == 0:
        return f"与{before}基本持平"
    word = "增长" if change > 0 else "下降"
    return f"同比{word}{rounded:.1f}%"


def change_phrase(figure_id: str, current, previous, whole_year: bool = False) -> str | None:
    """同比 for any figure id: shares change in 个百分点, counts in percent."""
    phrase = points_phrase if figure_id.startswith(SHARES_ID) else yoy_phrase
    return phrase(current, previous, whole_year)


def flatten(values: dict) -> dict[str, object]:
    """{id: value} with grouped figures spread as ``id.category``."""
    out: dict[str, object] = {}
    for key, v in values.items():
        if isinstance(v, dict):
            for cat, x in v.items():
                out[f"{key}.{cat}"] = x
        else:
            out[key] = v
    return out
