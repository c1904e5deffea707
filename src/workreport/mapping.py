"""``map``: a source profile proposed for a workbook in a layout we do not know.

The analyst gets a department's own workbook, or the platform's export, and needs a
``[sources."名称"]`` profile for it (docs/sources.md).  Each of its sheets is read
like the loader reads one (the header within the first rows), and each of its
columns is held against every column of every ledger: the header's likeness
(exact, a known alias or synonym, or the letters it shares), the type of its
values (dates, yes/no, numbers, a vocabulary) and, for an enum, whether its values
are ours or abbreviations of ours (函询 → 谈话函询).  Every mapping comes with its
confidence and evidence, as a comment of the TOML block the analyst edits; what
could not be placed is listed, never guessed.  A flat sheet whose columns fill two
ledgers (the platform's: a clue's columns and a measure's on each row) gets one
block per ledger: 问题线索 with ``key``, 处分处理 with ``rows_with``.

Names never appear: the values of a column are shown only where the column is
read as a vocabulary (处置方式, 线索来源 …); for any other, only their types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from .config import Config, open_config
from .errors import InvalidData, Issue, UsageError
from .ledgers import (
    BOOL,
    DATE,
    ENUM,
    EXTRA_COLUMNS,
    INT,
    NUMBER,
    Column,
    SheetSpec,
    ledger_specs,
    normalise_header,
)
from .load import HEADER_SCAN_ROWS, _open, _sheet_rows, column_letter, own_output
from .parse import parse_bool, parse_date

ACCEPT = 0.65  # below this a column is listed as not placed, never mapped
SAMPLE_ROWS = 500  # the rows below the header whose values are looked at
SHOWN_VALUES = 12  # an enum's values listed in a comment, at most
# What departments and the 监督执纪执法一体化平台 call our columns (docs/sources.md): the
# words of the platform's exports and of ledgers seen in practice.
SYNONYMS = {
    "线索编号": ("线索编码", "线索号", "编号", "问题线索编号", "线索序号"),
    "受理日期": ("收件日期", "收件时间", "收到时间", "收到日期", "登记日期", "登记时间"),
    "线索来源": ("来源", "来源渠道", "线索来源渠道", "问题来源", "来源方式"),
    "被反映人": ("反映对象", "被反映人姓名", "被举报人", "被反映对象", "被反映人员"),
    "单位职务": ("工作单位及职务", "单位及职务", "工作单位职务", "职务"),
    "是否一把手": ("是否主要负责人", "主要负责人", "是否党政主要负责人"),
    "是否领导班子成员": ("是否班子成员", "班子成员"),
    "处置方式": ("办理方式", "处置类型", "拟办方式", "处置结果"),
    "姓名": ("处理对象", "被处理人", "处分对象", "受处理人", "被处分人"),
    "处理日期": ("处理时间", "处分日期", "处分时间", "决定日期"),
    "处理方式": ("处理种类", "处理结果", "处分种类", "处理类型", "处分类型"),
    "形态": ("运用形态", "四种形态", "形态类别", "所属形态"),
}
UNIT_HEADERS = ("填报单位", "单位", "承办单位", "承办部门", "所属单位")
CLUES, MEASURES = "clues", "measures"
KEY = "线索编号"
FORM, MEASURE, NAME = "形态", "处理方式", "姓名"


@dataclass(frozen=True)
class Candidate:
    """One of their columns read as one of ours, with why."""

    index: int  # their column, 0-based
    header: str  # their header as written
    column: str  # ours
    confidence: float
    evidence: str
    values: dict[str, str] = field(default_factory=dict)  # their value → ours


@dataclass
class Block:
    """One proposed ``[[sources."名称".sheets]]`` block."""

    sheet: str
    ledger: str  # our ledger key
    columns: list[Candidate]
    key: str = ""
    rows_with: str = ""
    missing: list[str] = field(default_factory=list)  # required columns not placed


@dataclass
class Proposal:
    """What ``map`` proposes for one workbook: the blocks, and what it could not place."""

    name: str
    match: str
    blocks: list[Block]
    unplaced: list[Issue]
    unit: str = ""  # a header that may name the 填报单位
    toml: str = ""


def propose_profile(
    path: str | Path, *, config: Config | str | Path | None = None, name: str | None = None
) -> Proposal:
    """``map``: read the workbook at ``path`` and propose a source profile for it.

    Example: ``print(propose_profile("第一室平台导出.xlsx").toml)``.
    """
    from . import safety

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"文件不存在：{path}")
    config = open_config(config, [path])
    specs = ledger_specs(config)
    refused, _ = safety.inspect_workbook(path)
    if refused:
        raise InvalidData([_named(i, path.name) for i in refused], files=1)
    if own_output(path):
        raise UsageError(f"{path.name} 是本工具生成的文件，不是台账")
    try:
        wb = _open(path)
    except Exception as e:  # noqa: BLE001 - any reader failure is a refused file
        from .load import _unreadable

        raise InvalidData([_unreadable(path.name, e)], files=1) from e
    blocks: list[Block] = []
    unplaced: list[Issue] = []
    unit = ""
    try:
        for sheet in [m.name for m in wb.sheets_metadata]:
            rows, issues = _sheet_rows(wb.get_sheet_by_name(sheet), path.name, sheet)
            unplaced.extend(issues)
            if rows is None:
                continue
            found = _sheet_blocks(rows, sheet, specs, path.name, unplaced)
            blocks.extend(found[0])
            unit = unit or found[1]
    finally:
        wb.close()
    name = name or path.stem
    proposal = Proposal(name, path.name, blocks, unplaced, unit)
    proposal.toml = profile_toml(proposal, specs)
    return proposal


def write_proposal(proposal: Proposal, output: str | Path, *, force: bool = False):
    """``map -o``: the proposal written atomically; an existing file (perhaps the project's
    own workreport.toml) is replaced only with ``force``, after a backup."""
    from .write import Written, ensure_not_open, refuse_existing, write_atomic

    output = Path(output)
    ensure_not_open(output)
    backup = refuse_existing(output, force=force, what="可能是已编辑过的配置")
    write_atomic(output, proposal.toml.encode("utf-8"))
    return Written(output, backup)


def _named(issue: Issue, name: str) -> Issue:
    from dataclasses import replace

    return replace(issue, file=name)


def _header_row(rows: list[list]) -> int | None:
    """The row (of the first 10) with the most text cells, two at least: the header."""
    best, at = 1, None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        n = sum(1 for v in row if isinstance(v, str) and normalise_header(v))
        if n > best:
            best, at = n, i
    return at


def _sheet_blocks(rows, sheet, specs, file, unplaced) -> tuple[list[Block], str]:
    at = _header_row(rows)
    if at is None:
        unplaced.append(Issue("W272", "工作表中没有找到表头行，未对应到任何台账", file, sheet))
        return [], ""
    header = rows[at]
    data = [r for r in rows[at + 1 : at + 1 + SAMPLE_ROWS] if any(_filled(v) for v in r)]
    columns = {
        j: (str(h).strip(), [r[j] for r in data if j < len(r) and _filled(r[j])])
        for j, h in enumerate(header)
        if isinstance(h, str) and normalise_header(h)
    }
    unit = next((h for h, _ in columns.values() if normalise_header(h) in UNIT_HEADERS), "")
    per_ledger = {key: _assign(columns, spec) for key, spec in specs.items()}
    feasible = {key: cands for key, cands in per_ledger.items() if not _missing(specs[key], cands)}
    blocks: list[Block] = []
    if CLUES in feasible and MEASURES in feasible and _flat(feasible[CLUES], feasible[MEASURES]):
        blocks = _flat_blocks(sheet, feasible[CLUES], feasible[MEASURES])
    else:
        ranked = sorted(
            per_ledger.items(),
            key=lambda kv: (
                -len(specs[kv[0]].required) + len(_missing(specs[kv[0]], kv[1])),
                -sum(c.confidence for c in kv[1]),
            ),
        )
        key, cands = ranked[0] if ranked else ("", [])
        placed_required = len(specs[key].required) - len(_missing(specs[key], cands)) if key else 0
        if key and placed_required >= min(2, len(specs[key].required)):
            blocks = [Block(sheet, key, cands, missing=_missing(specs[key], cands))]
    used = {c.index for b in blocks for c in b.columns}
    if not blocks:
        unplaced.append(
            Issue("W272", "工作表的列对应不上任何一张台账的必填列，未采用", file, sheet, at + 1)
        )
        return [], unit
    for j, (h, values) in columns.items():
        if j in used or normalise_header(h) in EXTRA_COLUMNS or h == unit:
            continue
        if any(normalise_header(h) == b.rows_with for b in blocks):
            continue
        unplaced.append(
            Issue(
                "W272",
                f"列「{h}」未能对应到台账列（{_kinds(values)}）",
                file,
                sheet,
                at + 1,
                h,
                column_letter(j),
                "如该列应计入统计，请在 columns 中写明它对应的台账列",
            )
        )
    for b in blocks:
        for col in b.missing:
            unplaced.append(
                Issue(
                    "W272",
                    f"「{specs[b.ledger].name}」的必填列「{col}」在工作表中没有找到对应的列",
                    file,
                    sheet,
                    at + 1,
                    suggestion="请在 columns 中补写；没有这一列的工作表不能作为这张台账",
                )
            )
    return blocks, unit


def _missing(spec: SheetSpec, cands: list[Candidate]) -> list[str]:
    placed = {c.column for c in cands}
    derived = {FORM} if MEASURE in placed else set()  # 形态 follows from 处理方式 (sources.py)
    return [c for c in spec.required if c not in placed | derived]


def _flat(clues: list[Candidate], measures: list[Candidate]) -> bool:
    """Whether one sheet holds both ledgers: its measure columns (姓名, 处理方式) are
    columns of their own, not the clue's."""
    clue_columns = {c.index for c in clues}
    own = [c for c in measures if c.column in (NAME, MEASURE) and c.index not in clue_columns]
    return len(own) == 2


def _flat_blocks(sheet: str, clues: list[Candidate], measures: list[Candidate]) -> list[Block]:
    """A clue's columns repeated on each measure's row: each of their columns goes to
    the ledger that reads it best (a tie to 问题线索), 线索编号 to both."""
    best_measure = {c.index: c for c in measures}
    clue_cols = [
        c
        for c in clues
        if c.column == KEY
        or c.index not in best_measure
        or c.confidence >= best_measure[c.index].confidence
    ]
    taken = {c.index for c in clue_cols}
    measure_cols = [c for c in measures if c.column == KEY or c.index not in taken]
    name = next(c.header for c in measure_cols if c.column == NAME)
    return [
        Block(sheet, CLUES, clue_cols, key=KEY),
        Block(sheet, MEASURES, measure_cols, rows_with=name),
    ]


def _assign(columns: dict[int, tuple[str, list]], spec: SheetSpec) -> list[Candidate]:
    """Their columns → our columns of ``spec``: the most likely pairs first, each column
    of either side once, none below ACCEPT."""
    pairs = [
        cand
        for j, (h, values) in columns.items()
        for col in spec.columns
        if (cand := _candidate(j, h, values, col)) is not None
    ]
    pairs.sort(key=lambda c: -c.confidence)
    taken_theirs: set[int] = set()
    taken_ours: set[str] = set()
    chosen = []
    for c in pairs:
        if c.index in taken_theirs or c.column in taken_ours:
            continue
        taken_theirs.add(c.index)
        taken_ours.add(c.column)
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.index)


def _candidate(j: int, header: str, values: list, col: Column) -> Candidate | None:
    likeness, why = _likeness(normalise_header(header), col)
    fit, kinds, mapped = _fit(values, col, likeness)
    confidence = round(0.6 * likeness + 0.4 * fit, 2)
    if confidence < ACCEPT:
        return None
    return Candidate(j, header, col.name, confidence, f"{why}；{kinds}", mapped)


def _likeness(h: str, col: Column) -> tuple[float, str]:
    if h == col.name or h in col.aliases:
        return 1.0, "表头相同" if h == col.name else "表头是常用别名"
    if h in SYNONYMS.get(col.name, ()):
        return 0.9, "表头是常见的同义写法"
    if len(h) >= 2 and (h in col.name or col.name in h):
        shorter, longer = sorted((len(h), len(col.name)))
        score = 0.6 + 0.25 * shorter / longer
        return score, f"表头相似 {score:.0%}"
    score = 0.8 * SequenceMatcher(None, h, col.name).ratio()
    return score, f"表头相似 {score:.0%}"


def _fit(values: list, col: Column, likeness: float) -> tuple[float, str, dict[str, str]]:
    """How well the values fit ``col``'s type (0..1), the evidence, and for an enum the
    value map (their value → ours).  Values are shown only for a vocabulary column."""
    if not values:
        return 0.5, "无数据", {}
    n = len(values)
    dates = sum(1 for v in values if not _bad(parse_date(v)))
    if col.kind == DATE:
        return dates / n, f"日期 {dates}/{n}", {}
    if col.kind == BOOL:
        ok = sum(1 for v in values if isinstance(parse_bool(v), bool))
        return ok / n, f"是/否 {ok}/{n}", {}
    if col.kind in (INT, NUMBER):
        ok = sum(1 for v in values if _number(v))
        return ok / n, f"数字 {ok}/{n}", {}
    if col.kind == ENUM:
        distinct = list(dict.fromkeys("".join(str(v).split()) for v in values))
        mapped, unknown = {}, []
        known = set(col.choices) | {a for a, _ in col.readings}
        for v in distinct:
            if v in known:
                continue
            target = _abbreviation(v, col.choices)
            if target:
                mapped[v] = target
            else:
                unknown.append(v)
        ok = sum(1 for v in values if "".join(str(v).split()) not in unknown)
        shown = [v for v in distinct if v not in unknown][:SHOWN_VALUES]
        what = f"取值 {ok}/{n} 在可选值中或可对应（{'、'.join(shown)}）" if shown else f"取值 0/{n}"
        if unknown and likeness >= 0.8:
            # a column that is surely this vocabulary: its other values are categories,
            # worth naming so the analyst can map them (never names: docs/sources.md)
            what += f"；未能对应的取值：{'、'.join(unknown[:SHOWN_VALUES])}"
        elif unknown:
            what += f"；另有 {len(unknown)} 个取值未能对应"
        return ok / n, what, mapped
    # text: a column of dates is not a text column of ours
    if dates / n > 0.8:
        return 0.2, f"日期 {dates}/{n}（不像文字列）", {}
    return 1.0, f"文字 {n} 个", {}


def _abbreviation(value: str, choices: tuple[str, ...]) -> str:
    """The one choice ``value`` abbreviates, its characters in order (函询 → 谈话函询,
    初核 → 初步核实, 巡察 → 巡视巡察移交); '' when none or more than one."""
    if len(value) < 2:
        return ""
    found = [c for c in choices if _subsequence(value, c)]
    return found[0] if len(found) == 1 else ""


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _kinds(values: list) -> str:
    """A column's values as types only (a column we cannot place may hold names)."""
    if not values:
        return "无数据"
    n = len(values)
    dates = sum(1 for v in values if not _bad(parse_date(v)))
    numbers = sum(1 for v in values if _number(v))
    if dates == n:
        return f"日期 {n} 个"
    if numbers == n:
        return f"数字 {n} 个"
    return f"文字 {n} 个"


def _bad(value) -> bool:
    return type(value).__name__ == "_Bad"


def _number(v) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float):
        return True
    try:
        float(str(v).replace(",", ""))
    except ValueError:
        return False
    return True


def _filled(v) -> bool:
    return not (v is None or v == "" or (isinstance(v, str) and not v.strip()))


# ---- the TOML block the analyst edits ---------------------------------------------------


def _q(text: str) -> str:
    """A TOML basic string."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def profile_toml(proposal: Proposal, specs: dict[str, SheetSpec]) -> str:
    table = f"sources.{_q(proposal.name)}"
    lines = [
        f"# workreport map 为「{proposal.match}」建议的来源配置（docs/sources.md）。",
        "# 请逐项核对后并入 workreport.toml；置信度由表头相似度、取值类型和取值综合得出，",
        f"# 低于 {ACCEPT:.0%} 的列未采用，列在最后。",
        "",
        f"[{table}]",
        "# 读取哪些文件；填报单位 = 文件名去掉 match 中的文字（如 *平台导出*.xlsx）",
        f"match = {_q(proposal.match)}",
    ]
    if proposal.unit:
        lines.append(f"# 如「{proposal.unit}」列写的是填报单位，去掉下一行的 #")
        lines.append(f"# unit = {_q(proposal.unit)}")
    for block in proposal.blocks:
        spec = specs[block.ledger]
        lines += [
            "",
            f"[[{table}.sheets]]",
            f"sheet = {_q(block.sheet)}",
            f"ledger = {_q(spec.name)}",
        ]
        if block.key:
            lines.append("# 同一线索在多行重复（每项处理一行）：按线索编号合并为一条线索")
            lines.append(f"key = {_q(block.key)}")
        if block.rows_with:
            lines.append(f"# 只取「{block.rows_with}」有内容的行")
            lines.append(f"rows_with = {_q(normalise_header(block.rows_with))}")
        for col in block.missing:
            lines.append(f"# 未找到必填列「{col}」：请补写，否则配置无法使用")
        placed = {c.column for c in block.columns}
        if FORM in {c.name for c in spec.columns} and FORM not in placed and MEASURE in placed:
            lines.append("# 没有「形态」列：按 [forms] 由处理方式推出")
        lines.append(f"[{table}.sheets.columns]")
        for c in block.columns:
            lines.append(
                f"{_q(normalise_header(c.header))} = {_q(c.column)}"
                f"  # 置信度 {c.confidence:.0%}：{c.evidence}"
            )
        maps = [c for c in block.columns if c.values]
        for c in maps:
            lines.append(f"[{table}.sheets.values.{_q(normalise_header(c.header))}]")
            lines.extend(f"{_q(k)} = {_q(v)}" for k, v in c.values.items())
    if proposal.unplaced:
        lines += ["", "# 未能对应的："]
        for i in proposal.unplaced:
            lines.append(f"# {i.location()}：{i.message}")
    return "\n".join(lines) + "\n"
