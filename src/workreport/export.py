"""The 上报文件: a county's figures sent up to the city, and the city adding them up
(docs/rules.md, 上报文件).

A county does not send its ledgers upward (they hold names); it sends its figures, in
one workbook a person can read: 上报说明 (the organisation and its level, the period,
the version of the figure registry, the SHA-256 of each ledger it was computed from,
and a hash of its own content), 上报指标 (every figure with its label, unit, 口径,
this period's value and last year's), and one sheet per 填报单位.  No name, no
personal column, no 线索编号 is ever written: only numbers and the registry's words.

The city's run recognises such a workbook by its 上报说明 sheet, whatever its file
name, reads it here, and adds it to its own figures: counts and money add, grouped
figures add per category, distinct-person figures add across levels (a person is
sanctioned by one level), the 四种形态 shares are recomputed from the summed forms.  A
figure one source lacks is partial, naming it (docs/figures.md, 部分单位报送的列).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .config import FORM_NAMES, Config
from .errors import Issue, reason
from .figures import MONEY, SHARES_ID, figure_ids, flatten, registry, shares
from .xlsxwrite import AUTO, BOLD, TEXT, Column, Table, workbook_bytes
from .xlsxwrite import BANNER as BANNER_STYLE

INFO_SHEET = "上报说明"  # the sheet that makes a workbook an export, whatever its name
FIGURES_SHEET = "上报指标"
EXPORTS_SHEET = "上报文件"  # the 底稿 sheet listing the exports' figures (audit.py)
UNIT_SHEET_PREFIX = "单位 "
MARK = "workreport 上报文件"  # the first item of 上报说明
FORMAT = 1
MISSING = "—"  # a missing figure: never 0 (docs/rules.md, 缺少数据不是 0)
INFO_HEADER = ("项目", "内容", "SHA-256")
FIGURES_HEADER = ("标识", "指标", "单位", "口径", "本期", "上年同期", "未报送该列的单位")
UNIT_HEADER = ("标识", "指标", "单位", "本期")
HASH_ITEM = "内容校验值"
INPUT_ITEM = "台账文件"
NOTE = (
    "本文件由 workreport export 生成，供上级纪委监委汇总：只有指标数字，没有人名、线索编号等"
    "个人信息。“—”表示缺少数据（没有报送相应台账或列），不是 0。请勿手工修改：内容校验值不符的"
    "文件上级不予汇总，数字有误请改台账后重新生成。"
)


@dataclass
class Export:
    """One 上报文件 as read: who sent it, for which period, under which registry."""

    name: str  # as shown to the user (relative to the folder given)
    path: Path
    organisation: str
    level: str
    start: date
    end: date
    version: str  # the registry version it was computed under (registry_version)
    inputs: list[tuple[str, str]]  # (ledger file, SHA-256)
    values: dict  # figure id → number, {category: number} or None
    previous: dict  # the same period of the previous year, None where not known
    partial: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id → silent units
    by_unit: dict[str, dict] = field(default_factory=dict)
    sha256: str = ""  # of the file, as the draft records its inputs


def registry_version(config: Config) -> str:
    """A hash of the 口径 under ``config``: every figure id (categories included), its
    unit and its basis.  Two projects with the same version count the same things the
    same way, so their figures can be added up."""
    text = json.dumps(figure_ids(config), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---- writing ---------------------------------------------------------------------------


def export_bytes(stats, config: Config, *, level: str, inputs: list[tuple[str, str]]) -> bytes:
    """The 上报文件 of ``stats`` (a Stats with ``by_unit``): every figure, overall and
    per unit; ``inputs``: (file name, SHA-256) of the ledgers it was computed from."""
    from . import __version__

    described = {fid: (label, unit, basis) for fid, label, unit, basis in figure_ids(config)}

    def words(fid: str) -> tuple[str, str, str]:
        return described.get(fid, (fid, "", ""))

    before = flatten(stats.previous)
    period, where = stats.period, config.organisation
    info = [
        ("文件类型", MARK),
        ("格式版本", str(FORMAT)),
        ("上报单位", config.organisation),
        ("层级", level),
        ("统计期间", period.label),
        ("期间开始", period.start.isoformat()),
        ("期间结束", period.end.isoformat()),
        ("口径版本", registry_version(config)),
        ("生成工具", f"workreport {__version__}"),
        *((INPUT_ITEM, name, digest) for name, digest in inputs),
        ("说明", NOTE),
    ]
    # sheet → (header, title, rows below the header)
    sheets: dict[str, tuple[tuple[str, ...], str, list[tuple]]] = {
        INFO_SHEET: (INFO_HEADER, f"上报文件：{where}", info),
        FIGURES_SHEET: (
            FIGURES_HEADER,
            f"上报指标：{where}",
            [
                (
                    fid,
                    *words(fid),
                    _cell(value),
                    _cell(before.get(fid)),
                    "、".join(stats.partial.get(fid.partition(".")[0], ())),
                )
                for fid, value in flatten(stats.values).items()
            ],
        ),
    }
    names = _unit_sheet_names(list(stats.by_unit))
    for unit, values in stats.by_unit.items():
        rows = [(fid, *words(fid)[:2], _cell(v)) for fid, v in flatten(values).items()]
        sheets[names[unit]] = (UNIT_HEADER, f"{unit}（{where}）", [("填报单位", unit), *rows])
    info.append((HASH_ITEM, content_hash({name: rows for name, (_, _, rows) in sheets.items()})))

    when = f"（{period.label}，{period.start} 至 {period.end}）"
    tables = []
    for name, (header, title, rows) in sheets.items():
        width = len(header)
        rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
        tables.append(
            Table(
                name,
                [("内部资料 注意保密", BANNER_STYLE), (title + when, BOLD)],
                [
                    Column(
                        h, [r[j] for r in rows], AUTO if h in NUMBERS else TEXT, wrap=h == "口径"
                    )
                    for j, h in enumerate(header)
                ],
            )
        )
    return workbook_bytes(tables, own_output="上报文件")


NUMBERS = ("本期", "上年同期")  # the columns of figures: written as numbers, or 「—」


def _cell(value):
    return MISSING if value is None else value


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def _unit_sheet_names(units: list[str]) -> dict[str, str]:
    """A sheet name per unit: at most 31 characters, none Excel forbids, all distinct."""
    names: dict[str, str] = {}
    taken = {INFO_SHEET, FIGURES_SHEET}
    for n, unit in enumerate(units, 1):
        name = (UNIT_SHEET_PREFIX + _SHEET_FORBIDDEN.sub("_", unit))[:31]
        if name in taken:
            name = f"{name[:26]}（{n}）"
        taken.add(name)
        names[unit] = name
    return names


def _canonical(value):
    """A cell as both the writer and the reader see it: numbers as numbers, blanks as None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        value = float(value)
        return int(value) if value.is_integer() else round(value, 6)
    return str(value)


def content_hash(sheets: dict[str, list[tuple]]) -> str:
    """SHA-256 over every sheet's name and rows below its header (the hash row itself
    left out): any cell a person changes, adds or deletes changes it."""
    canon = [
        [name, [[_canonical(v) for v in _trim(row)] for row in rows if row[0] != HASH_ITEM]]
        for name, rows in sheets.items()
    ]
    text = json.dumps(canon, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _trim(row) -> list:
    row = list(row)
    while row and _canonical(row[-1]) is None:
        row.pop()
    return row


# ---- reading ---------------------------------------------------------------------------

MAX_WORKBOOK_XML = 1 << 20  # bytes of xl/workbook.xml looked at to recognise an export
_INFO_SHEET_XML = re.compile(rb"""<(?:\w+:)?sheet\b[^>]*\bname\s*=\s*["']""" + INFO_SHEET.encode())


def is_export(path: Path) -> bool:
    """Whether ``path`` is a 上报文件: an .xlsx whose sheets include 上报说明, whatever its
    name.  Only the workbook's list of sheets is read (the hostile-file checks come
    before anything else is, in :func:`read_export`)."""
    from .load import small_part

    xml = small_part(path, "xl/workbook.xml", MAX_WORKBOOK_XML)
    return xml is not None and _INFO_SHEET_XML.search(xml) is not None


def read_export(path: Path, name: str) -> tuple[Export | None, list[Issue]]:
    """One 上报文件 → an Export, or None with the reason: E160 a sheet unreadable or
    malformed, E161 edited by hand (its content hash); the hostile-file checks first."""
    from . import safety

    refused, _ = safety.inspect_workbook(path)
    if refused:
        return None, [replace(i, file=name) for i in refused]
    try:
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = {
            m.name: book.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
            for m in book.sheets_metadata
        }
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except Exception as e:  # noqa: BLE001 - any reader failure is a refused file
        return None, [_malformed(name, f"无法读取（{reason(e)}）")]
    try:
        return _parse(sheets, name, path, digest)
    except _Malformed as e:
        return None, [_malformed(name, str(e), e.sheet)]


class _Malformed(Exception):
    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.sheet = sheet


def _malformed(name: str, what: str, sheet: str = "") -> Issue:
    return Issue(
        "E160",
        f"上报文件{what}",
        file=name,
        sheet=sheet,
        suggestion="请报送单位用 workreport export 重新生成上报文件",
    )


def _below_header(rows: list[list], first: str, sheet: str) -> list[tuple]:
    for at, row in enumerate(rows[:10]):
        if row and row[0] == first:
            return [tuple(r) for r in rows[at + 1 :] if any(_canonical(v) is not None for v in r)]
    raise _Malformed(f"的「{sheet}」工作表没有表头行（第一列「{first}」）", sheet)


def _parse(sheets: dict[str, list[list]], name: str, path: Path, digest: str):
    if INFO_SHEET not in sheets or FIGURES_SHEET not in sheets:
        raise _Malformed(f"缺少「{FIGURES_SHEET}」工作表")
    body = {}
    for sheet, rows in sheets.items():
        if sheet in (INFO_SHEET, FIGURES_SHEET) or any(r and r[0] == "标识" for r in rows[:10]):
            body[sheet] = _below_header(rows, "项目" if sheet == INFO_SHEET else "标识", sheet)
        else:  # a sheet a person added: part of the content, so the hash tells (E161)
            body[sheet] = [tuple(r) for r in rows]
    info: dict[str, str] = {}
    inputs: list[tuple[str, str]] = []
    for row in body[INFO_SHEET]:
        key, value = (list(row) + [None, None])[:2]
        if key == INPUT_ITEM:
            inputs.append((str(value), str((list(row) + [None] * 3)[2] or "")))
        elif key is not None:
            info[str(key)] = "" if value is None else str(value)
    if info.get("文件类型") != MARK:
        raise _Malformed(f"的「{INFO_SHEET}」工作表第一项不是「{MARK}」", INFO_SHEET)
    recorded = info.get(HASH_ITEM, "")
    if content_hash(body) != recorded:
        return None, [
            Issue(
                "E161",
                "上报文件在生成后被修改过（内容校验值不符），不予汇总",
                file=name,
                sheet=INFO_SHEET,
                suggestion="数字有误请报送单位改正台账后用 workreport export 重新生成，不要在 Excel 中修改",
            )
        ]
    try:
        start, end = (date.fromisoformat(info[k]) for k in ("期间开始", "期间结束"))
        organisation, level, version = info["上报单位"], info["层级"], info["口径版本"]
    except KeyError as e:
        raise _Malformed(f"的「{INFO_SHEET}」缺少「{e.args[0]}」", INFO_SHEET) from None
    except ValueError:
        raise _Malformed(f"的「{INFO_SHEET}」中统计期间的日期无法识别", INFO_SHEET) from None
    values, previous, partial = {}, {}, {}
    for row in body[FIGURES_SHEET]:
        fid, _, _, _, value, before, silent = (list(row) + [None] * 7)[:7]
        _put(values, str(fid), _value(value, fid, FIGURES_SHEET))
        _put(previous, str(fid), _value(before, fid, FIGURES_SHEET))
        if silent:
            partial[str(fid).partition(".")[0]] = tuple(str(silent).split("、"))
    by_unit = {}
    for sheet, rows in body.items():
        if sheet in (INFO_SHEET, FIGURES_SHEET) or not rows or rows[0][0] != "填报单位":
            continue
        unit_values: dict = {}
        for row in rows[1:]:
            fid, _, _, value = (list(row) + [None] * 4)[:4]
            _put(unit_values, str(fid), _value(value, fid, sheet))
        by_unit[str(rows[0][1])] = unit_values
    export = Export(
        name, path, organisation, level, start, end, version, inputs,
        values, previous, partial, by_unit, digest,
    )  # fmt: skip
    return export, []


def _value(cell, fid, sheet: str):
    if cell is None or cell == MISSING:
        return None
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        raise _Malformed(f"的「{sheet}」中指标 {fid} 的数值「{cell}」不是数字", sheet)
    return _canonical(cell)


def _put(values: dict, fid: str, value) -> None:
    """``id.category`` rows back into a grouped figure's {category: number}."""
    root, _, category = fid.partition(".")
    if category:
        group = values.get(root)
        if not isinstance(group, dict):
            group = values[root] = {}
        group[category] = value
    else:
        values[root] = value


# ---- checking what the city was given --------------------------------------------------


def check_exports(
    exports: list[Export], config: Config, period, own_units: set[str], own_ledgers: bool
) -> list[Issue]:
    """E162 another period, E163 another registry version, E164 two exports of one
    organisation, E165 an export of the city itself beside its own ledgers, E166 an
    export whose organisation is also one of the city's own 填报单位."""
    if not exports:
        return []
    issues: list[Issue] = []
    version = registry_version(config)
    seen: dict[str, str] = {}
    # without a period asked (validate), the exports must at least agree with each other
    first = exports[0]
    start, end = (period.start, period.end) if period is not None else (first.start, first.end)
    counted = "本次统计" if period is not None else f"{first.name} 是"
    for e in exports:
        if (e.start, e.end) != (start, end):
            issues.append(
                Issue(
                    "E162",
                    f"上报文件的统计期间是 {e.start} 至 {e.end}，{counted} {start} 至 {end}",
                    file=e.name,
                    suggestion="请报送单位按本次的统计期间重新生成（workreport export --period …）",
                )
            )
        if e.version != version:
            issues.append(
                Issue(
                    "E163",
                    f"上报文件的口径版本 {e.version} 与本项目的 {version} 不同（指标、单位、口径或分类不一致），"
                    "数字不能相加",
                    file=e.name,
                    suggestion="请报送单位用与本级相同版本的 workreport 和相同的指标配置"
                    "（活动类型、谈话、文书、问题类别、四种形态计数）重新生成",
                )
            )
        if e.organisation in seen:
            issues.append(
                Issue(
                    "E164",
                    f"「{e.organisation}」有两份上报文件：{seen[e.organisation]} 和 {e.name}，不会重复计数",
                    file=e.name,
                    suggestion="只保留其中一份（通常是较新的更正件）",
                )
            )
        seen.setdefault(e.organisation, e.name)
        if own_ledgers and e.organisation == config.organisation:
            issues.append(
                Issue(
                    "E165",
                    f"这是本单位「{config.organisation}」自己的上报文件，与本级台账一起计入会重复计数",
                    file=e.name,
                    suggestion="本级的数字由台账计算，不要把本级的上报文件放进收文",
                )
            )
        elif e.organisation in own_units:
            issues.append(
                Issue(
                    "E166",
                    f"上报单位「{e.organisation}」与本级的填报单位同名，附表中无法区分",
                    file=e.name,
                    suggestion="核对是否把下级的上报文件和该单位的台账都放进了收文",
                )
            )
    return issues


# ---- adding up -------------------------------------------------------------------------


@dataclass
class Summed:
    """A run's figures with the 上报文件 added in."""

    values: dict
    previous: dict
    partial: dict[str, tuple[str, ...]]  # figure id → units and sources that lack it
    missing_in: dict[str, tuple[str, ...]]  # figure id → the sources (本级, 上报单位) lacking it
    scope: dict[str, tuple[dict, dict]]  # 本级, 下级 → (figures, last year's)


def add_exports(
    values: dict,
    previous: dict,
    partial: dict[str, tuple[str, ...]],
    own: str | None,
    exports: list[Export],
) -> Summed:
    """The project's own figures (``values``, ``previous``, ``partial``: its units that
    do not report a column) plus those of ``exports``; ``own``: the name of the 本级 as
    a source (市本级), None when the project has no ledgers of its own (its figures are
    then no source at all, not a source that lacks every figure)."""
    if not exports:
        nothing = dict.fromkeys(values)
        scope = {"本级": (values, previous), "下级": (nothing, nothing)}
        return Summed(values, previous, dict(partial), {}, scope)
    mine = [(own, values)] if own is not None else []
    theirs = [(e.organisation, e.values) for e in exports]
    total, missing_in = add_up(mine + theirs)
    before = add_up_previous([previous] * (own is not None) + [e.previous for e in exports])
    below, _ = add_up(theirs)
    scope = {
        "本级": (values, previous),
        "下级": (below, add_up_previous([e.previous for e in exports])),
    }
    named = {fid: list(units) for fid, units in partial.items()}
    for e in exports:  # a county's own partial figure stays partial, naming its units
        for fid, units in e.partial.items():
            named.setdefault(fid, []).extend(f"{e.organisation}（{u}）" for u in units)
    for fid, names in missing_in.items():
        named.setdefault(fid, []).extend(names)
    merged = {fid: tuple(names) for fid, names in named.items()}
    return Summed(total, before, merged, missing_in, scope)


def add_up(sources: list[tuple[str, dict]]) -> tuple[dict, dict[str, tuple[str, ...]]]:
    """The sum of ``sources`` ((name, figures) each) figure by figure, generic over the
    registry: counts and money add, grouped figures add per category, distinct persons
    add across levels; the 四种形态 shares are recomputed from the summed forms.  A
    figure some sources lack counts the others and is partial, naming the sources that
    lack it; lacked by all, it is missing (docs/figures.md, 部分单位报送的列)."""
    figures = registry()
    keys = list(dict.fromkeys(k for _, values in sources for k in values if k != SHARES_ID))
    out: dict = {}
    partial: dict[str, tuple[str, ...]] = {}
    for key in keys:
        present = [values[key] for _, values in sources if values.get(key) is not None]
        silent = tuple(name for name, values in sources if values.get(key) is None)
        if not present:
            out[key] = None
            continue
        if silent:
            partial[key] = silent
        money = key in figures and figures[key].agg != "count" and figures[key].agg[0] == MONEY
        if isinstance(present[0], dict):
            categories = list(dict.fromkeys(c for part in present for c in part))
            out[key] = {c: _sum([p.get(c) or 0 for p in present], money) for c in categories}
        else:
            out[key] = _sum(present, money)
    parts = [out.get(f"forms_{n}") for n in (1, 2, 3, 4)]
    pct = shares(parts)
    out[SHARES_ID] = None if pct is None else dict(zip(FORM_NAMES, pct, strict=True))
    return out, partial


def add_up_previous(sources: list[dict]) -> dict:
    """Last year's figures summed: known only when every source knows them (a 同比 over
    part of the sources would be a change that never happened: docs/rules.md, 同比)."""
    keys = list(dict.fromkeys(k for values in sources for k in values if k != SHARES_ID))
    out: dict = {}
    for key in keys:
        parts = [values.get(key) for values in sources]
        out[key] = (
            None
            if any(p is None for p in parts)
            else add_up([("", {key: p}) for p in parts])[0][key]
        )
    forms = [out.get(f"forms_{n}") for n in (1, 2, 3, 4)]
    pct = shares(forms)
    out[SHARES_ID] = None if pct is None else dict(zip(FORM_NAMES, pct, strict=True))
    return out


def _sum(parts: list, money: bool):
    if money:  # 万元 to two decimals, half up, added exactly (docs/figures.md, 挽回经济损失)
        total = sum((Decimal(repr(float(p))) for p in parts), Decimal(0))
        total = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return int(total) if total == total.to_integral_value() else float(total)
    total = sum(parts)
    return int(total) if float(total).is_integer() else round(float(total), 4)


def export_notices(
    missing_in: dict[str, tuple[str, ...]], labels: dict[str, str], shown: set[str] | None = None
) -> list[Issue]:
    """W230 for a figure some sources of a sum lack (the 本级's ledgers or a 上报文件):
    it counts only the others (docs/figures.md, 部分单位报送的列).  ``shown``: only the
    figures a draft shows; None: every one (stats)."""
    by_sources: dict[tuple[str, ...], list[str]] = {}
    for fid, names in missing_in.items():
        if shown is None or fid in shown:
            by_sources.setdefault(names, []).append(labels.get(fid, fid))
    return [
        Issue(
            "W230",
            f"{'、'.join(figures)}只统计了报送了数据的单位；缺少数据的：{'、'.join(names)}",
            suggestion="请这些单位补报相应台账（或列）后重新生成上报文件",
        )
        for names, figures in by_sources.items()
    ]


def export_rows(exports: list[Export]) -> list[tuple]:
    """The 底稿's source rows of the 上报文件: (上报单位, 文件, 工作表, 标识, 数值) for each
    figure of each export, so a county's number is traced to the file it came from."""
    return [
        (e.organisation, e.name, FIGURES_SHEET, fid, value)
        for e in exports
        for fid, value in flatten(e.values).items()
    ]
