"""The five ledger sheets' contracts (docs/rules.md, 输入约定): columns, types, enums, aliases.

The loader, the parser, the validator and the blank ledger workbook
(``workreport template``) all read these definitions, so a dropdown and the rule
that checks it can never disagree.  A ledger frame also carries its rows'
provenance (file, sheet, Excel row, 填报单位), and :class:`SourceFile` tells where
each workbook's columns stand, so any stage can report a problem at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .config import FORM_NAMES, Config

TEXT, DATE, ENUM, BOOL, INT, NUMBER = "text", "date", "enum", "bool", "int", "number"

CLUE_SOURCES = ("信访举报", "巡视巡察移交", "监督检查发现", "审计移交", "审查调查发现", "其他")
DISPOSALS = ("谈话函询", "初步核实", "暂存待查", "予以了结")
TALK_TYPES = ("谈心谈话", "廉政谈话", "提醒谈话", "诫勉谈话", "约谈")
TALK_TARGETS = ("一把手", "领导班子成员", "年轻干部", "一般干部", "其他")
LETTER_TYPES = ("廉洁提醒函", "履责提醒函", "纪检监察建议书")
UNDISPOSED = "未处置"  # the key for clues with a blank 处置方式 (docs/rules.md, 统计口径)
UNIT_COLUMN = "填报单位"
TOP_ALIASES = ("是否为一把手", "一把手")
TEAM_ALIASES = ("是否为领导班子成员", "是否班子成员", "领导班子成员")
# Extra columns departments often add; never mistaken for a misspelt ledger column.
EXTRA_COLUMNS = frozenset({"序号", "备注", "填报人", "联系电话", "说明", "审核人", UNIT_COLUMN})

# Provenance columns carried by every ledger frame.
FILE, SHEET, ROW, UNIT = "_file", "_sheet", "_row", "_unit"


@dataclass(frozen=True)
class SourceFile:
    """A workbook as read: its 填报单位, the ledgers it supplies, where their columns stand."""

    path: Path
    name: str  # as shown to the user: relative to the folder given
    unit: str  # 填报单位 from the file stem
    sha256: str
    sheets: tuple[str, ...] = ()  # ledger keys this workbook supplies
    sheet_names: dict[str, str] = field(default_factory=dict)  # ledger key → sheet name
    letters: dict[str, dict[str, str]] = field(default_factory=dict)  # key → column → letter
    all_sheets: tuple[str, ...] = ()  # every sheet, in the workbook's order

    def letter(self, key: str, column: str) -> str:
        return self.letters.get(key, {}).get(column, "")


# 人数, 数量 and the like above this are a slip of the keyboard (1e300 would print 301
# digits in the report), not a count: docs/rules.md, 用户的电脑
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    default: object = None
    minimum: float | None = None
    maximum: float | None = None  # above it a count is a typing error, not a figure (E106)
    note: str = ""
    personal: bool = False  # never printed anywhere (docs/rules.md, 绝不允许)
    aliases: tuple[str, ...] = ()  # other headers a person means the same column by
    identifier: bool = False  # compared across rows: inner spaces and full-width forms ignored
    counted: bool = True  # feeds a figure: a missing optional column is worth a warning


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    columns: tuple[Column, ...]
    date_column: str  # the row's own date, for period filtering (docs/rules.md, 统计口径)
    note: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def ledger_specs(config: Config) -> dict[str, SheetSpec]:
    """The sheets keyed by their internal name, with enums from ``config``."""
    return dict(_ledger_specs(tuple(config.forms), tuple(config.activities)))


@cache  # built once per vocabulary: figures look up a sheet's date column often
def _ledger_specs(measures: tuple[str, ...], activities: tuple[str, ...]) -> dict[str, SheetSpec]:
    yes_no = "从下拉列表选择 是 或 否"
    specs = [
        SheetSpec(
            "clues",
            "问题线索",
            (
                Column(
                    "线索编号", TEXT, True, note="全市唯一的线索编号，不得重复", identifier=True
                ),
                Column("受理日期", DATE, True, note="日期，如 2022-03-05", aliases=("受理时间",)),
                Column("线索来源", ENUM, True, CLUE_SOURCES, note="从下拉列表中选择"),
                Column("被反映人", TEXT, True, personal=True, note="个人信息，不会出现在报告中"),
                Column("单位职务", TEXT, note="被反映人的单位和职务", personal=True, counted=False),
                Column(
                    "是否一把手",
                    BOOL,
                    default=False,
                    note=yes_no + "，空白视为否",
                    aliases=TOP_ALIASES,
                ),
                Column(
                    "是否领导班子成员",
                    BOOL,
                    default=False,
                    note=yes_no + "，空白视为否",
                    aliases=TEAM_ALIASES,
                ),
                Column("处置方式", ENUM, choices=DISPOSALS, note="尚未处置的留空"),
                Column(
                    "立案日期",
                    DATE,
                    note="已立案的填写立案日期，不得早于受理日期",
                    aliases=("立案时间",),
                ),
                Column(
                    "结案日期", DATE, note="须先有立案日期，不得早于立案日期", aliases=("结案时间",)
                ),
            ),
            "受理日期",
            "一行一条问题线索（及其可能转成的案件）",
        ),
        SheetSpec(
            "measures",
            "处分处理",
            (
                Column(
                    "姓名",
                    TEXT,
                    True,
                    personal=True,
                    note="个人信息，不会出现在报告中",
                    identifier=True,
                ),
                Column(
                    "线索编号",
                    TEXT,
                    note="对应问题线索台账中的编号；党纪政务处分必填",
                    identifier=True,
                ),
                Column("是否一把手", BOOL, default=False, note=yes_no, aliases=TOP_ALIASES),
                Column("是否领导班子成员", BOOL, default=False, note=yes_no, aliases=TEAM_ALIASES),
                Column("处理日期", DATE, True, note="日期，如 2022-03-05", aliases=("处理时间",)),
                Column("形态", ENUM, True, FORM_NAMES, note="须与处理方式相符"),
                Column("处理方式", ENUM, True, measures, note="从下拉列表中选择"),
            ),
            "处理日期",
            "一行为对一人采取的一项措施（一人次）",
        ),
        SheetSpec(
            "talks",
            "谈话",
            (
                Column("日期", DATE, True, note="日期，如 2022-03-05", aliases=("时间",)),
                Column("谈话类型", ENUM, True, TALK_TYPES, note="从下拉列表中选择"),
                Column(
                    "人数",
                    INT,
                    default=1,
                    minimum=1,
                    maximum=MAX_COUNT,
                    aliases=("人次", "谈话人数"),
                    note="整数，空白视为 1",
                ),
                Column("对象类别", ENUM, choices=TALK_TARGETS, note="从下拉列表中选择"),
            ),
            "日期",
            "一行为一次谈话，或同一类型的一批谈话",
        ),
        SheetSpec(
            "letters",
            "文书",
            (
                Column("文号", TEXT, note="填写时不得重复", identifier=True, counted=False),
                Column(
                    "印发日期",
                    DATE,
                    True,
                    note="日期，如 2022-03-05",
                    aliases=("印发时间", "发文日期"),
                ),
                Column("文书类型", ENUM, True, LETTER_TYPES, note="从下拉列表中选择"),
                Column("收文单位", TEXT, counted=False),
                Column(
                    "督促整改问题数",
                    INT,
                    default=0,
                    minimum=0,
                    maximum=MAX_COUNT,
                    note="整数，空白视为 0",
                ),
            ),
            "印发日期",
            "两函一书等文书，一行一份",
        ),
        SheetSpec(
            "activities",
            "监督活动",
            (
                Column("日期", DATE, True, note="日期，如 2022-03-05", aliases=("时间",)),
                Column("活动类型", ENUM, True, activities, note="从下拉列表中选择"),
                Column("数量", NUMBER, True, minimum=0, maximum=MAX_COUNT, note="数字，不小于 0"),
                Column("计量单位", TEXT, note="如填写，须与活动类型的计量单位一致", counted=False),
            ),
            "日期",
            "其他计数的监督工作，一行一项",
        ),
    ]
    return {s.key: s for s in specs}


_SPACES = re.compile(r"\s+")
_UNIT_NOTE = re.compile(r"[（(][^（）()]*[)）]$")


def normalise_header(text: object) -> str:
    """A header cell as a person reads it: no spaces or line breaks, no unit note.

    ``人数（人）``, ``数量(次)`` and ``线索\\n编号`` all read as the bare name.
    """
    s = _SPACES.sub("", str(text or "")).replace("\u3000", "")
    return _UNIT_NOTE.sub("", s)
