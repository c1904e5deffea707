"""Typed ledgers → the rules across rows and workbooks, as Issues (E107–E113, E118, E119,
and the 案管室's checks E140–E142, W240–W244 of crossrules.py).

A clue numbered twice, dates out of order, a 处分 whose clue is missing or not
filed, a 形态 or 计量单位 that contradicts the vocabulary, a workbook sent twice:
rules that need more than one cell.  Each cell was already read by ``parse.py``
in the loader's workers; sheet structure is the reader's (``load.py``), hostile
files are ``safety.py``'s.  Nothing here stops at the first problem: every rule
is checked, and all findings, the loader's included, come back together in the
order a person reads the workbooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .config import Config
from .crossrules import check_cross, latest_date
from .errors import Issue
from .ledgers import (
    CLUE_CATEGORY,
    CLUE_KEY,
    FILE,
    LOSSES,
    NON_MEMBER,
    UNIT,
    SheetSpec,
    SourceFile,
    ledger_specs,
)
from .load import Loaded
from .parse import Checker


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


def validate(
    loaded: Loaded, config: Config, reference: date | None = None
) -> tuple[Ledgers, list[Issue]]:
    """Check the rules that span rows and workbooks; returns typed ledgers and ALL issues.
    ``reference``: the day the 案管室's checks count to (the period's end), else the
    latest date in the ledgers (docs/rules.md, 交叉核对)."""
    specs = ledger_specs(config)
    check = Checker(loaded.files)
    typed = loaded.frames  # cells were parsed per workbook by the loader (parse_workbook)
    # read before a blank 职级 takes the person's other value: a blank is not reporting
    reported = {
        (key, col.name): set(typed[key][UNIT][typed[key][col.name].notna().to_numpy()].unique())
        for key, spec in specs.items()
        for col in spec.columns
        if col.partial
    }
    _check_clues(typed["clues"], check)
    _check_bulletin_clues(typed["clues"], check)
    _check_measures(typed["measures"], typed["clues"], config, check)
    _check_persons(typed["measures"], config, check)
    _check_letters(typed["letters"], check)
    _check_activities(typed["activities"], config, check)
    reference = reference or latest_date(typed, specs)
    check_cross(typed, specs, config, check, reference)
    typed = {**typed, "measures": _with_clue_category(typed["measures"], typed["clues"])}
    # a unit reports its measures' clue categories when its clues carry the column
    reported[("measures", CLUE_CATEGORY)] = reported.get(("clues", "问题类别"), set())
    present: dict[str, set[str]] = {}
    for key in specs:
        frame = typed[key]
        # a unit supplies a ledger through its rows (a 填报单位 column may name several),
        # or through an empty sheet, which is a true 0 (docs/rules.md, 缺少数据不是 0)
        with_rows = set(frame[FILE].unique())
        present[key] = set(frame[UNIT].unique()) | {
            f.unit for f in loaded.files if key in f.sheets and f.name not in with_rows
        }
    found = loaded.issues + _check_resubmissions(loaded.files) + check.issues
    issues = in_reading_order(found, loaded.files)
    ledgers = Ledgers(
        frames=typed,
        present=present,
        specs=specs,
        files=loaded.files,
        reported=reported,
        reference=reference,
    )
    return ledgers, issues


def _with_clue_category(measures: pd.DataFrame, clues: pd.DataFrame) -> pd.DataFrame:
    """处分处理 with each row's clue's 问题类别 (blank without a clue or a category)."""
    known = clues.drop_duplicates(CLUE_KEY)
    category = pd.Series(known["问题类别"].to_numpy(dtype=object), index=known[CLUE_KEY])
    joined = measures[CLUE_KEY].map(category).to_numpy(dtype=object)
    return measures.assign(**{CLUE_CATEGORY: joined})


def in_reading_order(issues: list[Issue], files: list[SourceFile]) -> list[Issue]:
    """Issues as a person reads the workbooks (docs/rules.md, 命令行): files by path, then
    sheets in each workbook's own order (not by name), then rows, then columns."""
    rank: dict[str, dict[str, int]] = {f.name: {} for f in files}
    for f in files:
        for sheet in f.all_sheets:
            rank[f.name].setdefault(sheet, len(rank[f.name]))
    for i in issues:  # a refused workbook: its sheets in the order the reader met them
        if i.sheet:
            rank.setdefault(i.file, {}).setdefault(i.sheet, len(rank[i.file]))
    return sorted(
        issues,
        key=lambda i: (
            tuple(i.file.split("/")),
            rank[i.file][i.sheet] if i.sheet else -1,
            -1 if i.row is None else i.row,
            len(i.column_letter),
            i.column_letter,
        ),
    )


def _day(value: np.datetime64) -> str:
    """A date as the clerk writes it, 2022-03-01, never with a time of day (docs/rules.md, 命令行)."""
    return str(np.datetime64(value, "D"))


def _check_clues(clues: pd.DataFrame, check: Checker) -> None:
    ids = clues["线索编号"]
    dup = ids.notna() & ids.duplicated(keep=False)
    if dup.any():
        first_at: dict[str, int] = {}
        for i in np.flatnonzero(dup.to_numpy()):
            clue = ids.iat[i]
            if clue not in first_at:
                first_at[clue] = i
                continue
            # a clue reported twice would be counted twice (docs/rules.md, 输入约定)
            check.add(
                "E107",
                f"线索编号「{clue}」重复，首次出现在 {check.place(clues, first_at[clue])}",
                clues,
                i,
                "线索编号",
                "clues",
                "同一线索只能登记一次；如是不同线索，请更正编号",
            )
    received, filed, closed = (clues[c].to_numpy() for c in ("受理日期", "立案日期", "结案日期"))
    for i in np.flatnonzero(~np.isnat(closed) & np.isnat(filed)):
        check.add(
            "E108",
            "有结案日期但没有立案日期",
            clues,
            i,
            "立案日期",
            "clues",
            "结案的线索须先填写立案日期",
        )
    for i in np.flatnonzero(closed < filed):
        check.add(
            "E108",
            f"结案日期 {_day(closed[i])} 早于立案日期 {_day(filed[i])}",
            clues,
            i,
            "结案日期",
            "clues",
            "结案日期不得早于立案日期",
        )
    for i in np.flatnonzero(filed < received):
        check.add(
            "E108",
            f"立案日期 {_day(filed[i])} 早于受理日期 {_day(received[i])}",
            clues,
            i,
            "立案日期",
            "clues",
            "立案日期不得早于受理日期",
        )


def _check_bulletin_clues(clues: pd.DataFrame, check: Checker) -> None:
    """The dates and amount of the bulletin columns against the clue's own (docs/figures.md)."""
    received, disposed, filed, closed = (
        clues[c].to_numpy() for c in ("受理日期", "处置日期", "立案日期", "结案日期")
    )
    for i in np.flatnonzero(~np.isnat(disposed) & clues["处置方式"].isna().to_numpy()):
        check.add(
            "E130",
            "有处置日期但没有处置方式",
            clues,
            i,
            "处置方式",
            "clues",
            "填写处置方式（谈话函询、初步核实、暂存待查、予以了结），或删除处置日期",
        )
    for i in np.flatnonzero(disposed < received):
        check.add(
            "E130",
            f"处置日期 {_day(disposed[i])} 早于受理日期 {_day(received[i])}",
            clues,
            i,
            "处置日期",
            "clues",
            "处置日期不得早于受理日期",
        )
    for column in ("留置日期", "移送检察机关日期"):
        dates = clues[column].to_numpy()
        for i in np.flatnonzero(~np.isnat(dates) & np.isnat(filed)):
            check.add(
                "E131",
                f"有{column}但没有立案日期",
                clues,
                i,
                column,
                "clues",
                "留置、移送检察机关须在立案之后：请补填立案日期",
            )
        for i in np.flatnonzero(dates < filed):
            check.add(
                "E131",
                f"{column} {_day(dates[i])} 早于立案日期 {_day(filed[i])}",
                clues,
                i,
                column,
                "clues",
                f"{column}不得早于立案日期",
            )
    # losses are recovered by a closed case: an amount on an open one is not counted
    losses = clues[LOSSES].to_numpy(dtype=float)
    for i in np.flatnonzero(~np.isnan(losses) & (losses > 0) & np.isnat(closed)):
        check.add(
            "W231",
            f"挽回经济损失 {losses[i]:g} 万元填在未结案的行上，不计入统计",
            clues,
            i,
            LOSSES,
            "clues",
            "结案后填写结案日期，或把金额移到结案的线索行",
        )


def _check_persons(measures: pd.DataFrame, config: Config, check: Checker) -> None:
    """One person has one 职级; a 非中共党员 is given no 党纪处分 (docs/figures.md).

    A person is 线索编号 + 姓名, as in the counts.  A blank 职级 takes the person's
    other value, in place, so that the person is counted once under one 职级.
    """
    rank = measures["职级"]
    with_clue = measures["线索编号"].notna().to_numpy()
    person = measures["线索编号"].astype(str) + "\x1f" + measures["姓名"].astype(str)
    ranked = with_clue & rank.notna().to_numpy()
    # plain arrays: a row at a time through pandas' .iat cost ~5 µs a row
    persons, ranks = person.to_numpy(dtype=object), rank.to_numpy(dtype=object)
    first: dict[str, int] = {}
    for i in np.flatnonzero(ranked).tolist():
        j = first.setdefault(persons[i], i)
        if ranks[j] != ranks[i]:
            check.add(
                "E132",
                f"同一人的职级前后不一致：「{ranks[i]}」，而 {check.place(measures, j)} "
                f"填的是「{ranks[j]}」",
                measures,
                i,
                "职级",
                "measures",
                "同一人（线索编号＋姓名）各行的职级应相同：按处分时的职级统一",
            )
    known = {k: ranks[i] for k, i in first.items()}
    blank = with_clue & rank.isna().to_numpy()
    if blank.any():
        filled = ranks.copy()
        for i in np.flatnonzero(blank).tolist():
            filled[i] = known.get(persons[i])
        measures["职级"] = filled
    party = measures["处理方式"].isin(config.party_sanctions).to_numpy()
    for i in np.flatnonzero(party & (measures["政治面貌"] == NON_MEMBER).to_numpy()):
        check.add(
            "E133",
            f"政治面貌为非中共党员，却受到党纪处分「{measures['处理方式'].iat[i]}」",
            measures,
            i,
            "政治面貌",
            "measures",
            "核对政治面貌，或改为政务处分",
        )


def _check_measures(
    measures: pd.DataFrame, clues: pd.DataFrame, config: Config, check: Checker
) -> None:
    """处分处理 against 问题线索 and the 形态 mapping, a column at a time; only the
    failing rows are visited."""
    clue = measures["线索编号"]
    form = measures["形态"]
    measure = measures["处理方式"]
    expected = measure.map(config.forms)
    for i in np.flatnonzero((measure.notna() & form.notna() & (expected != form)).to_numpy()):
        m = measure.iat[i]
        check.add(
            "E111",
            f"处理方式「{m}」属于{config.forms.get(m, '未知形态')}，与所填形态「{form.iat[i]}」不一致",
            measures,
            i,
            "形态",
            "measures",
            f"形态应为「{config.forms.get(m)}」，或更正处理方式",
        )
    ids = clues["线索编号"]
    filed_ids = set(ids[~np.isnat(clues["立案日期"].to_numpy())])
    known = clue.isin(set(ids.dropna()))
    for i in np.flatnonzero((clue.notna() & ~known).to_numpy()):
        check.add(
            "E109",
            f"线索编号「{clue.iat[i]}」在问题线索台账中不存在",
            measures,
            i,
            "线索编号",
            "measures",
            "请核对编号，或在问题线索台账中补登该线索",
        )
    # 党纪政务处分 only follows a filed case (docs/rules.md, 输入约定)
    sanction = measure.isin(config.party_sanctions | config.gov_sanctions)
    for i in np.flatnonzero((sanction & clue.isna()).to_numpy()):
        check.add(
            "E110",
            f"「{measure.iat[i]}」属于党纪政务处分，须填写对应的线索编号",
            measures,
            i,
            "线索编号",
            "measures",
            "填写已立案线索的编号",
        )
    for i in np.flatnonzero((sanction & known & ~clue.isin(filed_ids)).to_numpy()):
        check.add(
            "E110",
            f"「{measure.iat[i]}」属于党纪政务处分，但线索「{clue.iat[i]}」没有立案日期",
            measures,
            i,
            "线索编号",
            "measures",
            "请在问题线索台账中补填立案日期，或核对处理方式",
        )


def _check_letters(letters: pd.DataFrame, check: Checker) -> None:
    numbers = letters["文号"]
    first_at: dict[str, int] = {}
    for i in np.flatnonzero((numbers.notna() & numbers.duplicated(keep=False)).to_numpy()):
        n = numbers.iat[i]
        if n not in first_at:
            first_at[n] = i
            continue
        check.add(
            "E113",
            f"文号「{n}」重复，首次出现在 {check.place(letters, first_at[n])}",
            letters,
            i,
            "文号",
            "letters",
            "同一文书只能登记一次",
        )


def _check_activities(activities: pd.DataFrame, config: Config, check: Checker) -> None:
    kind = activities["活动类型"]
    unit = activities["计量单位"]
    expected = kind.map(config.activities)
    written = unit.map(lambda u: "".join(str(u).split()), na_action="ignore")
    wrong = kind.notna() & unit.notna() & expected.notna() & (written != expected)
    for i in np.flatnonzero(wrong.to_numpy()):
        check.add(
            "E112",
            f"「{kind.iat[i]}」的计量单位应为「{expected.iat[i]}」，而不是「{unit.iat[i]}」",
            activities,
            i,
            "计量单位",
            "activities",
            f"改为「{expected.iat[i]}」，或留空",
        )


def _check_resubmissions(files: list[SourceFile]) -> list[Issue]:
    """A workbook sent twice would be counted twice (docs/rules.md, 绝不允许): identical files, and two
    files for one 填报单位 (an original and its correction), are errors."""
    issues = []
    by_hash: dict[str, SourceFile] = {}
    by_unit: dict[str, SourceFile] = {}
    for f in files:
        first = by_hash.setdefault(f.sha256, f)
        if first is not f:
            issues.append(
                Issue(
                    "E118",
                    f"与「{first.name}」内容完全相同，是重复报送",
                    file=f.name,
                    suggestion="删除重复的文件",
                )
            )
            continue
        other = by_unit.setdefault(f.unit, f)
        if other is not f:
            # an original and its correction side by side would both be counted
            issues.append(
                Issue(
                    "E119",
                    f"与「{other.name}」对应同一填报单位「{f.unit}」，两份数据会重复计入",
                    file=f.name,
                    suggestion="只保留更正后的文件；如是不同期间的子文件夹，只给出本期的文件夹；"
                    "如确是两个单位，请改用不同的文件名",
                )
            )
    return issues
