"""The ledger sheets' contracts (docs/rules.md, 输入约定): columns, types, enums, aliases.

The loader, the parser, the validator and the blank ledger workbook
(``workreport template``) all read these definitions, so a dropdown and the rule
that checks it can never disagree.  A ledger frame also carries its rows'
provenance (file, sheet, Excel row, 填报单位), and :class:`SourceFile` tells where
each workbook's columns stand, so any stage can report a problem at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from .config import FORM_NAMES, LETTER_TYPES, TALK_TYPES, Config

TEXT, DATE, ENUM, BOOL, INT, NUMBER = "text", "date", "enum", "bool", "int", "number"

CLUE_SOURCES = ("信访举报", "巡视巡察移交", "监督检查发现", "审计移交", "审查调查发现", "其他")
DISPOSALS = ("谈话函询", "初步核实", "暂存待查", "予以了结")
TALK_TARGETS = ("一把手", "领导班子成员", "年轻干部", "一般干部", "其他")
# 信访举报 (docs/figures.md): the forms and categories the 信访 statistics use
PETITION_FORMS = ("来信", "来访", "网络举报", "电话举报", "上级转办", "其他")
PETITION_CATEGORIES = ("检举控告类", "申诉类", "意见建议类", "其他")
ACCUSATIONS = "检举控告类"
# 问责 (docs/figures.md): whom an accountability decision is about
ACCOUNTABLE = ("党组织", "党员领导干部")
ORGANISATIONS, LEADERS = ACCOUNTABLE
UNDISPOSED = "未处置"  # the key for clues with a blank 处置方式 (docs/rules.md, 统计口径)
RANKS = ("省部级", "厅局级", "县处级", "乡科级", "一般干部", "其他人员")
UNRANKED = "未填"  # the key for a sanctioned person with no 职级 (docs/figures.md)
RANK_READINGS = (
    ("厅级", "厅局级"),
    ("处级", "县处级"),
    ("科级", "乡科级"),
    ("农村企业等其他人员", "其他人员"),
    ("其他", "其他人员"),
)
PARTY_MEMBER, NON_MEMBER = "中共党员", "非中共党员"
AFFILIATION_READINGS = (("党员", PARTY_MEMBER), ("群众", NON_MEMBER), ("非党员", NON_MEMBER))
LOSSES = "挽回经济损失（万元）"
UNIT_COLUMN = "填报单位"
SPECIAL = "专项"  # the optional column naming a row's 专项 ([special] names; docs/figures.md)
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
    # key → column → the workbook's own header, for one read through a source profile:
    # its problems name their columns, not ours (docs/sources.md)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def letter(self, key: str, column: str) -> str:
        return self.letters.get(key, {}).get(column, "")

    def header(self, key: str, column: str) -> str:
        """The header a person sees in this workbook for ``column`` of ledger ``key``."""
        return self.headers.get(key, {}).get(column, column)


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
    # other spellings of an enum value a person means the same by (厅级 → 厅局级)
    readings: tuple[tuple[str, str], ...] = ()
    # a bulletin column: its figures count only the workbooks that report it, i.e. have
    # it with at least one non-blank cell (docs/figures.md, 部分单位报送的列)
    partial: bool = False
    unit_note: str = ""  # the unit its header must state when it states one (万元, not 元)
    choices_from: str = ""  # the setting a project lists its choices in ([special] names)


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
    return dict(
        _ledger_specs(
            tuple(config.forms),
            tuple(config.activities),
            tuple(config.talk_types),
            tuple(config.letter_types),
            tuple(config.categories),
            tuple(config.special),
        )
    )


@cache  # built once per vocabulary: figures look up a sheet's date column often
def _ledger_specs(
    measures: tuple[str, ...],
    activities: tuple[str, ...],
    talk_types: tuple[str, ...] = TALK_TYPES,
    letter_types: tuple[str, ...] = LETTER_TYPES,
    categories: tuple[str, ...] = (),
    special: tuple[str, ...] = (),
) -> dict[str, SheetSpec]:
    yes_no = "从下拉列表选择 是 或 否"
    # a column that only some departments keep: blank cells count for nothing
    partial = "选填；不填此列的单位不计入相应指标"
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
                Column(
                    "处置日期",
                    DATE,
                    note=f"确定处置方式的日期，须填写处置方式，不得早于受理日期；{partial}",
                    aliases=("处置时间",),
                    partial=True,
                ),
                Column(
                    "留置日期",
                    DATE,
                    note=f"须有立案日期，不得早于立案日期；{partial}",
                    aliases=("留置时间",),
                    partial=True,
                ),
                Column(
                    "移送检察机关日期",
                    DATE,
                    note=f"须有立案日期，不得早于立案日期；{partial}",
                    aliases=("移送检察机关时间", "移送检察院日期"),
                    partial=True,
                ),
                Column(
                    LOSSES,
                    NUMBER,
                    minimum=0,
                    maximum=MAX_COUNT,
                    note=f"单位万元，数字不小于 0；只计已结案（有结案日期）的行；{partial}",
                    # the header's unit note is read off (normalise_header): 万元 is checked apart
                    aliases=("挽回经济损失",),
                    partial=True,
                    unit_note="万元",
                ),
                Column(
                    "职级",
                    ENUM,
                    choices=RANKS,
                    note=f"被反映人的职级，从下拉列表中选择（也可写厅级、处级、科级）；{partial}",
                    readings=RANK_READINGS,
                    partial=True,
                ),
                Column(
                    "问题类别",
                    ENUM,
                    choices=categories,
                    note=f"从下拉列表中选择；空白计为「未填」；{partial}",
                    aliases=("问题性质", "违纪类别"),
                    partial=True,
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
                Column(
                    "职级",
                    ENUM,
                    choices=RANKS,
                    note="从下拉列表中选择（也可写厅级、处级、科级）；同一人各行须一致，"
                    f"空白取此人其他行所填；{partial}",
                    readings=RANK_READINGS,
                    partial=True,
                ),
                Column(
                    "政治面貌",
                    ENUM,
                    choices=(PARTY_MEMBER, NON_MEMBER),
                    note=f"中共党员或非中共党员（也可写党员、群众）；非中共党员不得受党纪处分；{partial}",
                    readings=AFFILIATION_READINGS,
                    partial=True,
                ),
                Column(
                    "主动投案",
                    BOOL,
                    note=f"{yes_no}，空白视为否；{partial}",
                    aliases=("是否主动投案",),
                    partial=True,
                ),
            ),
            "处理日期",
            "一行为对一人采取的一项措施（一人次）",
        ),
        SheetSpec(
            "talks",
            "谈话",
            (
                Column("日期", DATE, True, note="日期，如 2022-03-05", aliases=("时间",)),
                Column("谈话类型", ENUM, True, talk_types, note="从下拉列表中选择"),
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
                Column("文书类型", ENUM, True, letter_types, note="从下拉列表中选择"),
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
            "petitions",
            "信访举报",
            (
                Column(
                    "收到日期",
                    DATE,
                    True,
                    note="日期，如 2022-03-05",
                    aliases=("收件日期", "受理日期", "来信来访日期"),
                ),
                Column("信访形式", ENUM, True, PETITION_FORMS, note="从下拉列表中选择"),
                Column("信访类别", ENUM, True, PETITION_CATEGORIES, note="从下拉列表中选择"),
                Column(
                    "是否重复件",
                    BOOL,
                    default=False,
                    note="同一事项再次反映的填 是；空白视为 否",
                    aliases=("重复件",),
                ),
            ),
            "收到日期",
            "收到的信访举报，一件一行（件次）",
        ),
        SheetSpec(
            "accountability",
            "问责",
            (
                Column("问责日期", DATE, True, note="日期，如 2022-03-05", aliases=("问责时间",)),
                Column("问责对象", ENUM, True, ACCOUNTABLE, note="从下拉列表中选择"),
                Column(
                    "数量",
                    INT,
                    True,
                    minimum=1,
                    maximum=MAX_COUNT,
                    note="整数：问责的党组织个数或党员领导干部人数",
                    aliases=("个数", "人数"),
                ),
                Column("问责方式", TEXT, note="如 通报问责、诫勉、组织调整", counted=False),
            ),
            "问责日期",
            "问责决定，一次问责一行（同一决定问责多人可合为一行，数量填人数）",
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
    # 专项 on any sheet (docs/figures.md): a row belongs to a 专项 by its own cell; the names are
    # the project's ([special] names), so none is valid until the project lists them
    special_column = Column(
        SPECIAL,
        ENUM,
        choices=special,
        note="属于某项专项工作的，填写专项名称（名称在 workreport.toml 的 [special] names "
        f"中设置）；不属于的留空；{partial}",
        aliases=("所属专项", "专项工作", "专项整治"),
        counted=False,
        partial=True,
        choices_from="[special] names",
    )
    specs = [replace(s, columns=(*s.columns, special_column)) for s in specs]
    return {s.key: s for s in specs}


_SPACES = re.compile(r"\s+")
_UNIT_NOTE = re.compile(r"[（(][^（）()]*[)）]$")


def normalise_header(text: object) -> str:
    """A header cell as a person reads it: no spaces or line breaks, no unit note.

    ``人数（人）``, ``数量(次)`` and ``线索\\n编号`` all read as the bare name.
    """
    s = _SPACES.sub("", str(text or "")).replace("\u3000", "")
    return _UNIT_NOTE.sub("", s)


# ---- the 案管室's checks across ledgers and workbooks (docs/rules.md, 交叉核对) --------------
# A rule is a line: the sheet and column a problem is marked at, the relation to another
# sheet (joined on 线索编号) or to the reference date, the rows it is about, its code and
# its [checks] threshold.  crossrules.py evaluates every relation a column at a time.

# relations
BEFORE = "早于"  # the column's date is before the linked row's ``other_column``
LINKED_BLANK = "关联行没有"  # no 线索编号, or the linked clue's ``other_column`` is blank
TWO_FILES = "出现在两个工作簿"  # one ``key`` (线索编号 + 姓名) in rows of two workbooks
NO_ROW = "没有对应行"  # no row of ``other`` (with ``other_where``) on the row's 线索编号
OVERDUE = "超过期限"  # more than ``threshold`` days from ``since`` to the reference date

# the tests of a ``Where``
BLANK, GIVEN, IS, IN = "为空", "已填", "为", "属于"
SANCTIONS = "党纪政务处分"  # IN's set: [sanctions] party and government (defaults.toml)
CLUE_KEY = "线索编号"  # what joins a 处分处理 row to its 问题线索 row
# a 处分处理 row's clue's 问题类别, joined on 线索编号 when the ledgers are validated: the
# 八项规定 figures count measures by the category of the clue they close (docs/figures.md)
CLUE_CATEGORY = "线索问题类别"
# a joined column → the ledger and column a unit fills in to report it (W230's advice)
JOINED_COLUMNS = {CLUE_CATEGORY: ("clues", "问题类别")}
FOURTH_FORM = "第四种形态"


@dataclass(frozen=True)
class Where:
    """Which rows a rule is about: ``column`` ``test`` ``value`` (形态 为 第四种形态)."""

    column: str
    test: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.column}{self.test}{self.value}"


@dataclass(frozen=True)
class CrossRule:
    """One check of the 案管室 across ledgers (docs/rules.md, 交叉核对).

    The problem is reported at ``sheet`` / its row / ``column``.  ``message`` names the
    row's own non-personal columns ({处理方式}, {线索编号}) and what the relation found:
    {value} (the column's own value), {other_value} and {other_place} (the linked row),
    {missing}, {others}, {days}, {since}, {threshold} and {reference}.  A name is
    never a field of a message (docs/rules.md, 绝不允许).
    """

    code: str
    sheet: str  # ledger key of the row reported
    column: str  # the column the problem is marked at
    relation: str
    message: str
    suggestion: str
    other: str = ""  # ledger key of the other sheet
    other_column: str = ""  # the other sheet's column the relation reads
    where: tuple[Where, ...] = ()  # the rows of ``sheet`` the rule is about
    other_where: tuple[Where, ...] = ()  # the rows of ``other`` that count
    key: tuple[str, ...] = (CLUE_KEY,)  # what one person or clue is (TWO_FILES)
    since: tuple[str, ...] = ()  # OVERDUE: the date counted from, the first one given
    until: str = ""  # OVERDUE: a date that ends the state when it is by the reference date
    threshold: str = ""  # OVERDUE: the [checks] key of the number of days


CROSS_RULES = (
    CrossRule(
        "E140",
        "measures",
        "处理日期",
        BEFORE,
        "党纪政务处分「{处理方式}」的处理日期 {value} 早于线索「{线索编号}」的立案日期 "
        "{other_value}（{other_place}）",
        "党纪政务处分须在立案之后：核对处理日期，或问题线索台账中的立案日期",
        other="clues",
        other_column="立案日期",
        where=(Where("处理方式", IN, SANCTIONS),),
    ),
    CrossRule(
        "E141",
        "measures",
        CLUE_KEY,
        LINKED_BLANK,
        "第四种形态「{处理方式}」须对应已立案的线索，但{missing}",
        "填写已立案线索的编号，或在问题线索台账中补填该线索的立案日期",
        other="clues",
        other_column="立案日期",
        where=(Where("形态", IS, FOURTH_FORM),),
    ),
    CrossRule(
        "E142",
        "measures",
        "姓名",
        TWO_FILES,
        "同一人（线索编号「{线索编号}」、姓名相同）在 {others} 也有处分处理记录，两个单位都登记会重复计入",
        "由承办该线索的单位登记，另一单位删除重复的行；如确是两个人，请核对线索编号",
        key=(CLUE_KEY, "姓名"),
    ),
    CrossRule(
        "W240",
        "clues",
        "移送检察机关日期",
        NO_ROW,
        "移送检察机关日期为 {value}，但处分处理台账中没有这条线索的第四种形态记录",
        "在处分处理台账中补登「移送检察机关」等第四种形态的处理，或核对移送检察机关日期",
        other="measures",
        other_where=(Where("形态", IS, FOURTH_FORM),),
        where=(Where("移送检察机关日期", GIVEN),),
    ),
    CrossRule(
        "W241",
        "clues",
        "结案日期",
        NO_ROW,
        "已于 {value} 结案，但处分处理台账中没有这条线索的处理记录",
        "在处分处理台账中补登对被反映人的处理（填写此线索编号），或核对结案日期",
        other="measures",
        where=(Where("结案日期", GIVEN),),
    ),
    CrossRule(
        "W242",
        "clues",
        "处置方式",
        OVERDUE,
        "受理日期 {since} 至基准日 {reference} 已 {days} 天仍未填写处置方式（超过 {threshold} 天）",
        "填写处置方式（谈话函询、初步核实、暂存待查、予以了结），或督促尽快处置",
        where=(Where("处置方式", BLANK),),
        since=("受理日期",),
        threshold="undisposed_days",
    ),
    CrossRule(
        "W243",
        "clues",
        "处置方式",
        OVERDUE,
        "暂存待查自 {since} 至基准日 {reference} 已 {days} 天（超过 {threshold} 天）",
        "重新研判是否具备核查条件，或按规定予以了结",
        where=(Where("处置方式", IS, "暂存待查"),),
        since=("处置日期", "受理日期"),
        threshold="pending_days",
    ),
    CrossRule(
        "W244",
        "clues",
        "结案日期",
        OVERDUE,
        "立案日期 {since} 至基准日 {reference} 已 {days} 天仍未结案（超过 {threshold} 天）",
        "已结案的填写结案日期；未结案的请关注办案时限",
        where=(Where("立案日期", GIVEN),),
        since=("立案日期",),
        until="结案日期",
        threshold="open_case_days",
    ),
)
