"""The 案管室's checks across ledgers and workbooks (E140–E142, W240–W244), evaluated.

The rules are data (``ledgers.CROSS_RULES``: the sheet and column, the other sheet, the
relation, the code, the threshold); this is the one small engine that evaluates each
relation a column at a time over the typed ledgers of every workbook, and reports the
rows it finds through the :class:`~workreport.parse.Checker`, at their place.  Rows
against the reference date (W242–W244) are counted at the period's end, else at the
latest date in the ledgers (docs/rules.md, 交叉核对).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .config import Config
from .ledgers import (
    BEFORE,
    BLANK,
    CLUE_KEY,
    CROSS_RULES,
    DATE,
    FILE,
    GIVEN,
    IN,
    IS,
    LINKED_BLANK,
    NO_ROW,
    OVERDUE,
    SANCTIONS,
    TWO_FILES,
    CrossRule,
    SheetSpec,
    Where,
)
from .parse import Checker

CROSS_CODES = frozenset(rule.code for rule in CROSS_RULES)
# the rows an E142 message names in the other workbooks, at most
_NAMED_PLACES = 3


def latest_date(frames: dict[str, pd.DataFrame], specs: dict[str, SheetSpec]) -> date | None:
    """The latest date of any date column of any ledger: the reference date when a run
    has no period (docs/rules.md, 交叉核对)."""
    latest = None
    for key, spec in specs.items():
        for col in spec.columns:
            if col.kind != DATE or not len(frames[key]):
                continue
            values = frames[key][col.name].to_numpy()
            if np.isnat(values).all():
                continue
            top = values[~np.isnat(values)].max()
            latest = top if latest is None or top > latest else latest
    return None if latest is None else date.fromisoformat(_day(latest))


def check_cross(
    frames: dict[str, pd.DataFrame],
    specs: dict[str, SheetSpec],
    config: Config,
    check: Checker,
    reference: date | None,
) -> None:
    """Every rule of ``CROSS_RULES`` over ``frames``; ``reference``: the day W242–W244
    count to (None: no date anywhere, nothing is overdue)."""
    for rule in CROSS_RULES:
        frame = frames[rule.sheet]
        if not len(frame):
            continue
        about = _rows(frame, rule.where, config)
        if rule.relation == OVERDUE:
            if reference is not None:
                _overdue(rule, specs[rule.sheet], frame, about, config, check, reference)
        elif rule.relation == TWO_FILES:
            _two_files(rule, specs[rule.sheet], frame, about, check)
        else:
            other = frames[rule.other]
            _linked(rule, frame, about, other, specs, config, check)


def _rows(frame: pd.DataFrame, where: tuple[Where, ...], config: Config) -> np.ndarray:
    """The rows every ``Where`` holds for, as a boolean array."""
    keep = np.ones(len(frame), dtype=bool)
    for w in where:
        column = frame[w.column]
        if w.test == BLANK:
            keep &= column.isna().to_numpy()
        elif w.test == GIVEN:
            keep &= column.notna().to_numpy()
        elif w.test == IS:
            keep &= (column == w.value).to_numpy(dtype=bool, na_value=False)
        elif w.test == IN:
            values = {SANCTIONS: config.party_sanctions | config.gov_sanctions}[w.value]
            keep &= column.isin(values).to_numpy(dtype=bool)
        else:  # pragma: no cover - a rule declared with a test this engine does not know
            raise ValueError(w.test)
    return keep


def _linked(rule, frame, about, other, specs, config, check: Checker) -> None:
    """BEFORE, LINKED_BLANK and NO_ROW: the row against the rows of ``rule.other`` that
    share its 线索编号."""
    keys = frame[CLUE_KEY]
    given = keys.notna().to_numpy()
    spec = specs[rule.sheet]
    if rule.relation == NO_ROW:
        counted = other[CLUE_KEY][_rows(other, rule.other_where, config)].dropna()
        found = about & given & ~keys.isin(set(counted)).to_numpy()
        found |= about & ~given  # a clue has its number (E102): never reached in practice
        for i in np.flatnonzero(found).tolist():
            _report(rule, spec, frame, i, check, value=_text(frame[rule.column].iat[i]))
        return
    # each clue once: a number given twice is E107's, the first row stands for it
    ids = other[CLUE_KEY]
    first = ~ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
    at = pd.Index(ids[first]).get_indexer(keys.where(given, None))
    exists = at >= 0
    linked = np.full(len(frame), -1, dtype=np.intp)  # the linked row in ``other``, or -1
    linked[exists] = np.flatnonzero(first)[at[exists]]
    other_value = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    other_value[exists] = other[rule.other_column].to_numpy()[linked[exists]]
    if rule.relation == BEFORE:
        own = frame[rule.column].to_numpy()
        found = about & exists & (own < other_value)
    elif rule.relation == LINKED_BLANK:
        # a number not in 问题线索 at all is E109's
        found = about & (~given | (exists & np.isnat(other_value)))
    else:  # pragma: no cover - a rule declared with a relation this engine does not know
        raise ValueError(rule.relation)
    other_name = specs[rule.other].name
    for i in np.flatnonzero(found).tolist():
        j = int(linked[i])
        if not given[i]:
            missing = f"没有填写{CLUE_KEY}"
        else:
            missing = f"线索「{keys.iat[i]}」（{check.place(other, j)}）没有{rule.other_column}"
        _report(
            rule,
            spec,
            frame,
            i,
            check,
            value=_text(frame[rule.column].iat[i]),
            other_value=_text(other_value[i]),
            other_place=check.place(other, j) if j >= 0 else other_name,
            missing=missing,
        )


def _two_files(rule, spec, frame, about, check: Checker) -> None:
    """TWO_FILES: one person (the ``key`` columns, all given) in rows of two workbooks;
    each workbook is told once, at its first row of the person, naming the others."""
    keep = about.copy()
    for column in rule.key:
        keep &= frame[column].notna().to_numpy()
    rows = np.flatnonzero(keep)
    if not len(rows):
        return
    person = np.zeros(len(rows), dtype=np.int64)
    for column in rule.key:
        codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object)[rows])
        person = person * len(uniques) + codes
    person = pd.factorize(person)[0]
    files = pd.factorize(frame[FILE].to_numpy(dtype=object)[rows])[0]
    # the first row of each (person, workbook), in the ledger's order
    pair = person.astype(np.int64) * (int(files.max()) + 1) + files
    _, first = np.unique(pair, return_index=True)
    first.sort()
    in_files = np.bincount(person[first])
    shared = first[in_files[person[first]] > 1]
    if not len(shared):
        return
    by_person: dict[int, list[int]] = {}
    for k in shared.tolist():
        by_person.setdefault(int(person[k]), []).append(int(rows[k]))
    for places in by_person.values():
        for i in places:
            others = [check.place(frame, j) for j in places if j != i]
            named = "、".join(others[:_NAMED_PLACES])
            if len(others) > _NAMED_PLACES:
                named += f" 等 {len(others)} 个工作簿"
            _report(rule, spec, frame, i, check, others=named)


def _overdue(rule, spec, frame, about, config: Config, check: Checker, reference: date) -> None:
    """OVERDUE: more than ``[checks] threshold`` days from the first ``since`` date given
    to the reference date, and not ended (``until``) by it."""
    threshold = config.checks[rule.threshold]
    since = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    for column in reversed(rule.since):  # the first given wins
        dates = frame[column].to_numpy().astype("datetime64[D]")
        since = np.where(np.isnat(dates), since, dates)
    ref = np.datetime64(reference, "D")
    days = (ref - since).astype(np.int64)
    found = about & ~np.isnat(since) & (days > threshold)
    if rule.until:
        until = frame[rule.until].to_numpy().astype("datetime64[D]")
        found &= np.isnat(until) | (until > ref)
    for i in np.flatnonzero(found).tolist():
        _report(
            rule,
            spec,
            frame,
            i,
            check,
            since=_day(since[i]),
            days=int(days[i]),
            threshold=threshold,
            reference=reference.isoformat(),
        )


def _report(
    rule: CrossRule, spec: SheetSpec, frame: pd.DataFrame, i: int, check: Checker, **found
) -> None:
    """The rule's message for row ``i``, from what was found and the row's own columns."""
    message = rule.message.format_map(_Fields(spec, frame, i, found))
    check.add(rule.code, message, frame, i, rule.column, rule.sheet, rule.suggestion)


class _Fields(dict):
    """What a message may name: what the relation found, else a column of the row,
    never a personal one (docs/rules.md, 绝不允许): a rule naming 姓名 fails at once."""

    def __init__(self, spec: SheetSpec, frame: pd.DataFrame, i: int, found: dict):
        super().__init__(found)
        self.spec, self.frame, self.i = spec, frame, i

    def __missing__(self, name: str) -> str:
        if self.spec.column(name).personal:
            raise KeyError(f"{name} is personal data: never in a message")
        return _text(self.frame[name].iat[self.i])


def _text(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else _day(value)
    if isinstance(value, pd.Timestamp | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and np.isnan(value):
        return ""
    return str(value)


def _day(value) -> str:
    """A date as the clerk writes it, 2022-03-01 (docs/rules.md, 命令行)."""
    return str(np.datetime64(value, "D"))
