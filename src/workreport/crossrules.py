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
from string import Formatter

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
    joins: dict[tuple[str, str], np.ndarray] = {}  # each pair of sheets joined once
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
            if rule.relation != NO_ROW and (rule.sheet, rule.other) not in joins:
                joins[rule.sheet, rule.other] = _join(frame, other)
            linked = joins.get((rule.sheet, rule.other))
            _linked(rule, frame, about, other, linked, specs, config, check)


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


def _join(frame: pd.DataFrame, other: pd.DataFrame) -> np.ndarray:
    """For each row of ``frame``, the row of ``other`` with its 线索编号, or -1.  Each
    clue once: a number given twice is E107's, and its first row stands for it."""
    keys, ids = frame[CLUE_KEY], other[CLUE_KEY]
    first = ~ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
    at = pd.Index(ids[first]).get_indexer(keys.where(keys.notna(), None))
    linked = np.full(len(frame), -1, dtype=np.intp)
    linked[at >= 0] = np.flatnonzero(first)[at[at >= 0]]
    return linked


def _linked(rule, frame, about, other, linked, specs, config, check: Checker) -> None:
    """BEFORE, LINKED_BLANK and NO_ROW: the row against the rows of ``rule.other`` that
    share its 线索编号 (``linked``: _join's, for the first two)."""
    keys = frame[CLUE_KEY]
    given = keys.notna().to_numpy()
    spec = specs[rule.sheet]
    if rule.relation == NO_ROW:
        counted = other[CLUE_KEY][_rows(other, rule.other_where, config)].dropna()
        # a clue always has its number (E102): a blank one has no row anywhere either
        found = np.flatnonzero(about & ~(given & keys.isin(counted.unique()).to_numpy()))
        _report(rule, spec, frame, found, check, value=_texts(frame[rule.column], found))
        return
    exists = linked >= 0
    other_value = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    other_value[exists] = other[rule.other_column].to_numpy()[linked[exists]]
    if rule.relation == BEFORE:
        own = frame[rule.column].to_numpy().astype("datetime64[D]")
        found = about & exists & (own < other_value)
    elif rule.relation == LINKED_BLANK:
        # a number not in 问题线索 at all is E109's
        found = about & (~given | (exists & np.isnat(other_value)))
    else:  # pragma: no cover - a rule declared with a relation this engine does not know
        raise ValueError(rule.relation)
    rows = np.flatnonzero(found)
    there = linked[rows]
    named = there >= 0
    places = np.full(len(rows), specs[rule.other].name, dtype=object)
    places[named] = check.places(other, there[named])
    clues = _texts(keys, rows)
    missing = [
        f"线索「{clue}」（{place}）没有{rule.other_column}" if clue else f"没有填写{CLUE_KEY}"
        for clue, place in zip(clues, places.tolist(), strict=True)
    ]
    _report(
        rule,
        spec,
        frame,
        rows,
        check,
        value=_texts(frame[rule.column], rows),
        other_value=_day_texts(other_value[rows]),
        other_place=places.tolist(),
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
    found, others = [], []
    for places in by_person.values():
        for i in places:
            named = [check.place(frame, j) for j in places if j != i]
            text = "、".join(named[:_NAMED_PLACES])
            if len(named) > _NAMED_PLACES:
                text += f" 等 {len(named)} 个工作簿"
            found.append(i)
            others.append(text)
    _report(rule, spec, frame, np.array(found, dtype=np.intp), check, others=others)


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
    rows = np.flatnonzero(found)
    _report(
        rule,
        spec,
        frame,
        rows,
        check,
        since=_day_texts(since[rows]),
        days=days[rows].tolist(),
        threshold=[threshold] * len(rows),
        reference=[reference.isoformat()] * len(rows),
    )


def _report(rule: CrossRule, spec: SheetSpec, frame, rows: np.ndarray, check: Checker, **found):
    """The rule's message for each of ``rows``, from what was found (a list per field,
    one value a row) and the rows' own columns: never a personal one, so a rule that
    would name 姓名 fails at once (docs/rules.md, 绝不允许)."""
    if not len(rows):
        return
    fields = dict(found)
    for _, name, _, _ in Formatter().parse(rule.message):
        if name and name not in fields:
            if spec.column(name).personal:
                raise KeyError(f"{name} is personal data: never in a message")
            fields[name] = _texts(frame[name], rows)
    names = list(fields)
    messages = [
        rule.message.format(**dict(zip(names, values, strict=True)))
        for values in zip(*fields.values(), strict=True)
    ]
    check.add_rows(rule.code, messages, frame, rows, rule.column, rule.sheet, rule.suggestion)


def _texts(column: pd.Series, rows: np.ndarray) -> list[str]:
    """The cells of ``rows`` as a message shows them; a date as 2022-03-01."""
    values = column.to_numpy()[rows]
    if np.issubdtype(values.dtype, np.datetime64):
        return _day_texts(values)
    return ["" if v is None or v is pd.NA or v != v else str(v) for v in values.tolist()]


def _day_texts(values: np.ndarray) -> list[str]:
    """Dates as the clerk writes them, 2022-03-01 (docs/rules.md, 命令行); NaT as ""."""
    days = values.astype("datetime64[D]")
    return np.where(np.isnat(days), "", np.datetime_as_string(days, unit="D")).tolist()


def _day(value) -> str:
    return str(np.datetime64(value, "D"))
