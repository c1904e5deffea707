#!/usr/bin/env python3
"""Write the sample department ledgers that reproduce the seed report's figures.

    python tools/make_sample_data.py            # (re)write sample_data/
    python tools/make_sample_data.py --check    # re-read sample_data/ and verify

Seven department workbooks (委机关各室、派驻纪检监察组、乡镇纪委) plus
``workreport.toml``.  For 2022H1 they give exactly the figures of the model
report (``TARGETS`` below); they also hold rows from 2021H1 (for 同比), rows
outside both periods, and the kinds of mess SPEC §2 says the loader copes
with: merged title rows, 合计 rows, empty rows, extra columns, header
variants, text dates, √/× and Y/N, a merged cell in the data area, a
full-width number.

Everything is deterministic (one fixed random seed): two runs write the same
cell values.  ``--check`` does not use the workreport package: it reads the
workbooks with openpyxl, recomputes every figure and exits 1 on any difference
from ``TARGETS`` or any broken rule of the input contract.

All names are fictitious (张某甲, 李某乙 …).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = ROOT / "src" / "workreport" / "defaults.toml"
OUT = ROOT / "sample_data"
SEED = 20220705

PERIOD = (date(2022, 1, 1), date(2022, 6, 30))
PREVIOUS = (date(2021, 1, 1), date(2021, 6, 30))

# The figures of the model report (2022H1).  --check compares against these.
TARGETS: dict[str, int] = {
    "clues": 86,
    "clues_by_source.巡视巡察移交": 4,
    "cases_filed": 23,
    "cases_closed": 19,
    "top_clues": 7,
    "top_cases_filed": 1,
    "forms_total": 142,
    "forms_1": 118,
    "forms_2": 15,
    "forms_3": 6,
    "forms_4": 3,
    "sanctioned_persons": 17,
    "top_sanctioned_persons": 1,
    "top_forms_1": 12,
    "talks.谈心谈话": 202,
    "talks.廉政谈话": 43,
    "talks.约谈": 5,
    "talks_top_leaders.约谈": 3,
    "letters.廉洁提醒函": 51,
    "letters.履责提醒函": 4,
    "letters.纪检监察建议书": 8,
    "letters_rectified_issues": 8,
    "activities.走访单位": 55,
    "activities.问卷调查": 256,
    "activities.调研发现问题方面": 6,
    "activities.调研发现问题": 16,
    "activities.提出解决措施": 20,
    "activities.形成调研报告": 1,
    "activities.制定工作制度": 2,
    "activities.监督第一议题制度执行": 42,
    "activities.督促政策理论学习": 453,
    "activities.讲规学法监督检查": 12,
    "activities.调阅材料": 236,
    "activities.组织观看庭审": 2,
    "activities.观看警示教育片": 6,
    "activities.编写警示教育资料": 5,
    "activities.签订廉政承诺书": 57,
    "activities.廉政家访": 13,
    "activities.发放廉洁教育读本": 24,
    "activities.采纳家属意见": 22,
    "activities.选派干部列席民主生活会": 15,
    "activities.列席民主生活会监督": 28,
    "activities.督促整改单位": 18,
    "activities.乡镇党委书记述责": 8,
    "activities.邀请评议代表": 27,
    "activities.群众评议单位": 3,
    "activities.推动民生问题整改": 13,
    "activities.考核评估单位": 91,
    "activities.年轻干部警示教育": 162,
    "activities.年轻干部监督措施方面": 8,
    "activities.年轻干部具体工作措施": 25,
    "activities.发放年轻干部学习资料": 200,
}

# ---------------------------------------------------------------------------
# Vocabulary (from the package defaults, the source of truth for 形态)
# ---------------------------------------------------------------------------


def load_vocabulary() -> tuple[dict[str, str], set[str], set[str], dict[str, str]]:
    """处理方式 → 形态, party sanctions, government sanctions, 活动类型 → 计量单位."""
    with open(DEFAULTS, "rb") as fh:
        data = tomllib.load(fh)
    forms = {m: form for form, ms in data["forms"].items() for m in ms}
    return (
        forms,
        set(data["sanctions"]["party"]),
        set(data["sanctions"]["government"]),
        dict(data["activities"]),
    )


FORMS, PARTY, GOV, ACTIVITIES = load_vocabulary()
FORM_NAMES = ("第一种形态", "第二种形态", "第三种形态", "第四种形态")
CLUE_SOURCES = ("信访举报", "巡视巡察移交", "监督检查发现", "审计移交", "审查调查发现", "其他")
DISPOSALS = ("谈话函询", "初步核实", "暂存待查", "予以了结")
TALK_TYPES = ("谈心谈话", "廉政谈话", "提醒谈话", "诫勉谈话", "约谈")
TALK_TARGETS = ("一把手", "领导班子成员", "年轻干部", "一般干部", "其他")
LETTER_TYPES = ("廉洁提醒函", "履责提醒函", "纪检监察建议书")

# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------

DF, AG, XF, YS, PZ1, PZ3, CG = (
    "党风政风监督室",
    "案件监督管理室",
    "信访室",
    "第一纪检监察室",
    "第一派驻纪检监察组",
    "第三派驻纪检监察组",
    "城关镇纪委",
)
UNITS = (DF, AG, XF, YS, PZ1, PZ3, CG)
CLUE_PREFIX = {AG: "AG", XF: "XF", YS: "JC1", PZ1: "PZ1", PZ3: "PZ3", CG: "CGZ"}
DOC_PREFIX = {DF: "党风", YS: "纪检一室", CG: "城关纪"}

CITY_DEPTS = (
    "市教体局", "市市场监管局", "市城管局", "市自然资源局", "市住建局", "市交通运输局",
    "市农业农村局", "市水务局", "市卫健局", "市民政局", "市人社局", "市医保局",
    "市财政局", "市林业局",
)  # fmt: skip
TOWNS = ("东岭镇", "西河乡", "南湖镇", "北山镇", "青石乡", "城关镇")
DOMAIN = {
    AG: CITY_DEPTS + TOWNS,
    XF: CITY_DEPTS + TOWNS,
    YS: CITY_DEPTS + TOWNS,
    PZ1: ("市教体局", "市卫健局", "市医保局", "市人社局", "市民政局"),
    PZ3: ("市住建局", "市城管局", "市自然资源局", "市交通运输局", "市水务局"),
    CG: ("城关镇",),
}
SECTIONS = ("办公室", "财务科", "规划科", "执法大队", "项目办", "审批科", "综合科")
TOWN_OFFICES = ("财政所", "农业服务中心", "社会事务办", "规划建设办", "综合执法队")
VILLAGES = ("红旗村", "柳树村", "三合村", "新民村", "石桥村", "永安村", "河东村")


# ---------------------------------------------------------------------------
# Deterministic helpers
# ---------------------------------------------------------------------------

rng = random.Random(SEED)
D = date.fromisoformat


def day(lo: date | str, hi: date | str) -> date:
    """A day in [lo, hi], moved off a weekend when the range allows it."""
    lo, hi = (D(lo) if isinstance(lo, str) else lo), (D(hi) if isinstance(hi, str) else hi)
    assert lo <= hi, (lo, hi)
    x = lo + timedelta(days=rng.randint(0, (hi - lo).days))
    for shift in (0, -1, 1, -2, 2):
        y = x + timedelta(days=shift)
        if lo <= y <= hi and y.weekday() < 5:
            return y
    return x


SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
SUFFIXES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
_NAMES = [f"{s}某{x}" for x in SUFFIXES for s in SURNAMES]
rng.shuffle(_NAMES)
_name_iter = iter(_NAMES)


def new_name() -> str:
    return next(_name_iter)


def post_for(unit: str, top: str) -> str:
    """A plausible 单位职务; ``top`` is "一把手", "班子" or ""."""
    place = rng.choice(DOMAIN[unit])
    town = place.endswith(("镇", "乡"))
    if top == "一把手":
        return f"{place}党委书记" if town else f"{place}党组书记、局长"
    if top == "班子":
        return rng.choice(
            [f"{place}副镇长", f"{place}党委委员、副镇长"]
            if town
            else [f"{place}副局长", f"{place}党组成员、副局长"]
        )
    if town:
        return rng.choice(
            [
                f"{place}{rng.choice(TOWN_OFFICES)}工作人员",
                f"{place}{rng.choice(TOWN_OFFICES)}所长",
                f"{place}{rng.choice(VILLAGES)}党支部书记",
                f"{place}{rng.choice(VILLAGES)}村委会主任",
            ]
        )
    return rng.choice(
        [
            f"{place}{rng.choice(SECTIONS)}科长",
            f"{place}{rng.choice(SECTIONS)}科员",
            f"{place}{rng.choice(SECTIONS)}副科长",
            f"{place}下属事业单位主任",
        ]
    )


# ---------------------------------------------------------------------------
# Row model
# ---------------------------------------------------------------------------


@dataclass
class Clue:
    unit: str
    received: date
    source: str
    disposal: str | None
    top: str = ""  # "一把手" / "班子" / ""
    filed: date | None = None
    closed: date | None = None
    kind: str = ""  # case group, for building the measures
    name: str = field(default_factory=new_name)
    post: str = ""
    id: str = ""
    note: str | None = None

    def __post_init__(self):
        self.post = post_for(self.unit, self.top)


@dataclass
class Measure:
    unit: str
    when: date
    measure: str
    name: str
    clue: Clue | None = None
    top: str = ""
    note: str | None = None

    @property
    def form(self) -> str:
        return FORMS[self.measure]


CLUES: list[Clue] = []
MEASURES: list[Measure] = []
TALKS: dict[str, list[dict]] = defaultdict(list)
LETTERS: dict[str, list[dict]] = defaultdict(list)
ACTS: dict[str, list[dict]] = defaultdict(list)

SOURCE_MIX = {
    AG: [
        "信访举报",
        "监督检查发现",
        "信访举报",
        "审查调查发现",
        "审计移交",
        "监督检查发现",
        "其他",
    ],
    XF: ["信访举报"],
    YS: ["监督检查发现", "审查调查发现", "信访举报"],
    PZ1: ["信访举报", "监督检查发现", "信访举报", "其他"],
    PZ3: ["信访举报", "监督检查发现", "审计移交"],
    CG: ["信访举报", "监督检查发现", "信访举报", "其他"],
}


def plain_clues(unit, lo, hi, disposals, tops=None, xs=None):
    """Clues that never became a case.  ``tops``/``xs``: how many of each 处置方式
    concern a 一把手/班子 member / came from 巡视巡察移交."""
    tops, xs = tops or {}, xs or {}
    for disposal, n in disposals.items():
        for i in range(n):
            top = ("一把手" if rng.random() < 0.5 else "班子") if i < tops.get(disposal, 0) else ""
            source = (
                "巡视巡察移交" if i >= n - xs.get(disposal, 0) else rng.choice(SOURCE_MIX[unit])
            )
            CLUES.append(Clue(unit, day(lo, hi), source, disposal, top))


# Case groups: received / filed / closed ranges.  The group decides what the
# case leads to in 处分处理 (see build_measures).
CASE_KINDS = {
    # filed in 2020, closed and sanctioned in 2021H1
    "P": ("2020-08-03", "2020-10-15", "2020-09-01", "2020-12-18", "2021-01-05", "2021-05-31"),
    # received late 2020, filed 2021Q1
    "Q1": ("2020-11-02", "2020-12-25", "2021-01-05", "2021-03-31", "2021-03-01", "2021-06-30"),
    "Q2": ("2020-11-02", "2020-12-25", "2021-01-05", "2021-03-31", "2021-08-02", "2021-09-30"),
    # received and filed 2021H1
    "R1": ("2021-01-04", "2021-04-15", "2021-01-20", "2021-04-30", "2021-02-20", "2021-06-30"),
    "R1t": ("2021-01-04", "2021-04-15", "2021-01-20", "2021-04-30", "2021-02-20", "2021-06-30"),
    "R1c": ("2021-01-04", "2021-04-15", "2021-01-20", "2021-04-30", "2021-02-20", "2021-06-30"),
    "RA": ("2021-01-04", "2021-05-31", "2021-02-01", "2021-06-25", "2022-01-04", "2022-06-20"),
    "R2": ("2021-01-04", "2021-05-31", "2021-02-01", "2021-06-25", "2021-07-05", "2021-12-28"),
    "R2s": ("2021-01-04", "2021-05-31", "2021-02-01", "2021-06-25", "2021-08-02", "2021-12-28"),
    # received 2021H1, filed 2021H2, closed 2022H1
    "SA": ("2021-03-01", "2021-06-25", "2021-07-05", "2021-09-30", "2022-01-04", "2022-06-20"),
    # received and filed 2021H2
    "TA": ("2021-07-01", "2021-10-15", "2021-08-02", "2021-11-30", "2022-01-04", "2022-06-20"),
    "T2": ("2021-07-01", "2021-09-30", "2021-08-02", "2021-10-31", "2021-12-01", "2021-12-30"),
    # received late 2021, filed in 2022H1: cases in period, clues not
    "B1": ("2021-11-01", "2021-12-28", "2022-01-04", "2022-03-31", "2022-03-01", "2022-06-30"),
    "B2": ("2021-11-01", "2021-12-28", "2022-01-04", "2022-03-31", None, None),
    # received and filed 2022H1
    "C1": ("2022-01-04", "2022-04-15", "2022-01-20", "2022-04-30", "2022-03-01", "2022-06-30"),
    "C1t": ("2022-01-04", "2022-04-15", "2022-01-20", "2022-04-30", "2022-03-01", "2022-06-30"),
    "C1c": ("2022-01-04", "2022-04-15", "2022-01-20", "2022-04-30", "2022-03-01", "2022-06-30"),
    "Cs": ("2022-01-04", "2022-05-31", "2022-01-20", "2022-06-28", None, None),
    "C2": ("2022-01-04", "2022-05-31", "2022-02-01", "2022-06-28", "2022-07-04", "2022-09-28"),
    "Co": ("2022-01-04", "2022-05-31", "2022-02-01", "2022-06-28", None, None),
    # received 2022H1, filed after the period; received and filed 2022Q3
    "D": ("2022-04-01", "2022-06-24", "2022-07-05", "2022-07-29", None, None),
    "E": ("2022-07-01", "2022-08-31", "2022-08-10", "2022-09-28", None, None),
}

CASES = [
    ("P", AG, 4), ("P", YS, 2),
    ("Q1", AG, 2), ("Q2", PZ1, 1),
    ("R1", AG, 3), ("R1", PZ1, 1), ("R1", CG, 1), ("R1t", YS, 1),
    ("R1c", AG, 1), ("R1c", PZ3, 1),
    ("RA", AG, 2), ("RA", YS, 1),
    ("R2", AG, 1), ("R2", PZ1, 1), ("R2", CG, 1), ("R2s", AG, 1), ("R2s", YS, 1),
    ("SA", AG, 1), ("SA", PZ3, 1),
    ("TA", AG, 2), ("TA", YS, 1), ("TA", CG, 1), ("T2", AG, 1), ("T2", PZ1, 1),
    ("B1", AG, 2), ("B1", PZ1, 1), ("B2", YS, 1),
    ("C1", AG, 2), ("C1", PZ1, 1), ("C1", CG, 1), ("C1t", YS, 1),
    ("C1c", AG, 1), ("C1c", YS, 1), ("Cs", AG, 1), ("Cs", PZ3, 1),
    ("C2", AG, 3), ("C2", YS, 1), ("C2", PZ3, 1),
    ("Co", AG, 2), ("Co", YS, 1), ("Co", PZ1, 1), ("Co", CG, 1),
    ("D", AG, 1), ("E", AG, 1), ("E", CG, 1),
]  # fmt: skip

CASE_NOTES = {
    "C2": "已移送审理",
    "Co": "审查调查中",
    "Cs": "已采取留置措施",
    "B2": "审查调查中",
    "D": "审查调查中",
    "E": "审查调查中",
}


def case_clues() -> None:
    for kind, unit, n in CASES:
        r_lo, r_hi, f_lo, f_hi, c_lo, c_hi = CASE_KINDS[kind]
        for _ in range(n):
            filed = day(f_lo, f_hi)
            r_top = min(D(r_hi), filed - timedelta(days=7))
            received = day(max(D(r_lo), r_top - timedelta(days=60)), r_top)
            closed = None
            if c_lo:
                closed = day(max(D(c_lo), filed + timedelta(days=30)), c_hi)
            top = "班子" if kind in ("R1t", "C1t") else ""
            source = rng.choice(SOURCE_MIX[unit] + ["审查调查发现"])
            c = Clue(unit, received, source, "初步核实", top, filed, closed, kind)
            c.note = CASE_NOTES.get(kind)
            CLUES.append(c)
    # one of the 2022 cases came from the 市委巡察办
    next(c for c in CLUES if c.kind == "C2" and c.unit == AG).source = "巡视巡察移交"


def build_clues() -> None:
    case_clues()
    # 2021H1 (同比)
    plain_clues(AG, "2021-01-04", "2021-06-30",
                {"谈话函询": 10, "初步核实": 6, "暂存待查": 3, "予以了结": 3, None: 2},
                tops={"谈话函询": 2}, xs={"谈话函询": 2})  # fmt: skip
    plain_clues(XF, "2021-01-04", "2021-06-30",
                {"谈话函询": 7, "初步核实": 5, "暂存待查": 2, "予以了结": 3, None: 1},
                tops={"谈话函询": 1})  # fmt: skip
    plain_clues(YS, "2021-01-04", "2021-06-30", {"谈话函询": 2, "初步核实": 1, "予以了结": 1},
                xs={"初步核实": 1})  # fmt: skip
    plain_clues(PZ1, "2021-01-04", "2021-06-30", {"谈话函询": 2, "初步核实": 1, "暂存待查": 1},
                tops={"谈话函询": 1})  # fmt: skip
    plain_clues(PZ3, "2021-01-04", "2021-06-30", {"谈话函询": 2, "初步核实": 1})
    plain_clues(CG, "2021-01-04", "2021-06-30", {"谈话函询": 3, "予以了结": 1},
                tops={"谈话函询": 1})  # fmt: skip
    # 2021H2 (outside both periods)
    plain_clues(AG, "2021-07-01", "2021-12-30",
                {"谈话函询": 6, "初步核实": 4, "暂存待查": 3, "予以了结": 3},
                tops={"谈话函询": 1}, xs={"初步核实": 1})  # fmt: skip
    plain_clues(XF, "2021-07-01", "2021-12-30",
                {"谈话函询": 5, "初步核实": 4, "暂存待查": 2, "予以了结": 3})  # fmt: skip
    plain_clues(YS, "2021-07-01", "2021-12-30", {"谈话函询": 2, "初步核实": 1})
    plain_clues(PZ1, "2021-07-01", "2021-12-30", {"谈话函询": 2, "予以了结": 1},
                tops={"谈话函询": 1})  # fmt: skip
    plain_clues(PZ3, "2021-07-01", "2021-12-30", {"谈话函询": 1, "暂存待查": 1})
    plain_clues(CG, "2021-07-01", "2021-12-30", {"谈话函询": 3, "予以了结": 1})
    # 2022H1: the report period
    plain_clues(AG, "2022-01-04", "2022-06-30",
                {"谈话函询": 12, "初步核实": 6, "暂存待查": 3, "予以了结": 4, None: 3},
                tops={"谈话函询": 2, "予以了结": 1}, xs={"谈话函询": 2})  # fmt: skip
    plain_clues(XF, "2022-01-04", "2022-06-30",
                {"谈话函询": 8, "初步核实": 6, "暂存待查": 2, "予以了结": 2, None: 2},
                tops={"谈话函询": 1})  # fmt: skip
    plain_clues(YS, "2022-01-04", "2022-06-30", {"谈话函询": 2, "初步核实": 1, "予以了结": 1},
                xs={"予以了结": 1})  # fmt: skip
    plain_clues(PZ1, "2022-01-04", "2022-06-30", {"谈话函询": 3, "初步核实": 1, "暂存待查": 1},
                tops={"谈话函询": 1})  # fmt: skip
    plain_clues(PZ3, "2022-01-04", "2022-06-30", {"谈话函询": 2, "初步核实": 1, "暂存待查": 1})
    plain_clues(CG, "2022-01-04", "2022-06-30", {"谈话函询": 3, "暂存待查": 1, "予以了结": 1},
                tops={"谈话函询": 1})  # fmt: skip
    # 2022Q3 (after the period)
    plain_clues(AG, "2022-07-01", "2022-09-28",
                {"谈话函询": 3, "初步核实": 2, None: 2}, tops={"谈话函询": 1})  # fmt: skip
    plain_clues(XF, "2022-07-01", "2022-09-28", {"谈话函询": 2, "初步核实": 2, None: 2})
    plain_clues(YS, "2022-07-01", "2022-09-28", {"初步核实": 1})
    plain_clues(PZ1, "2022-07-01", "2022-09-28", {"谈话函询": 1, None: 1})
    plain_clues(PZ3, "2022-07-01", "2022-09-28", {None: 1})
    plain_clues(CG, "2022-07-01", "2022-09-28", {"谈话函询": 1, "暂存待查": 1})

    # 线索编号: per unit, in order of receipt
    for unit in UNITS:
        seq: Counter = Counter()
        for c in sorted((c for c in CLUES if c.unit == unit), key=lambda c: c.received):
            seq[c.received.year] += 1
            c.id = f"{CLUE_PREFIX[unit]}{c.received.year}{seq[c.received.year]:03d}"
        for c in CLUES:
            if (
                c.unit == unit
                and c.disposal == "予以了结"
                and c.note is None
                and rng.random() < 0.3
            ):
                c.note = "经核查不属实"


# ---------------------------------------------------------------------------
# 处分处理
# ---------------------------------------------------------------------------


def cases(*kinds: str) -> list[Clue]:
    return [c for c in CLUES if c.kind in kinds]


def sanction(c: Clue, measures: tuple[str, ...], when: date | None = None) -> None:
    for m in measures:
        MEASURES.append(Measure(c.unit, when or c.closed, m, c.name, c, c.top))


def sanctions_for(persons: list[Clue], plan: list[tuple[str, ...]], top_plan: tuple[str, ...]):
    """Give each case's person its sanction(s) on the day the case is closed."""
    ordinary = [c for c in persons if not c.top]
    tops = [c for c in persons if c.top]
    assert len(ordinary) == len(plan) and len(tops) <= 1, (len(ordinary), len(plan))
    plan = plan[:]
    rng.shuffle(plan)
    for c, ms in zip(ordinary, plan, strict=True):
        sanction(c, ms)
    for c in tops:
        sanction(c, top_plan)


FIRST_FORM = ("批评教育", "谈话提醒", "提醒谈话", "责令检查", "通报批评", "诫勉")


def first_forms(lo, hi, per_unit, mix, tops, links):
    """First-form rows: ``per_unit`` rows per unit, ``mix`` how many of each
    measure in all, ``tops`` how many rows per unit concern 一把手/班子, ``links``
    how many rows per unit are on a 谈话函询 clue (received before the row)."""
    pool = [m for m, n in zip(FIRST_FORM, mix, strict=True) for _ in range(n)]
    assert len(pool) == sum(per_unit.values()), (len(pool), sum(per_unit.values()))
    rng.shuffle(pool)
    used = {id(m.clue) for m in MEASURES if m.clue is not None}
    lo_d, hi_d = D(lo), D(hi)
    for unit, n in per_unit.items():
        measures = [pool.pop() for _ in range(n)]
        sources = [unit, XF] if unit == AG else [unit]
        candidates = [
            c
            for c in CLUES
            if c.unit in sources
            and c.disposal == "谈话函询"
            and id(c) not in used
            and lo_d - timedelta(days=90) <= c.received <= hi_d - timedelta(days=20)
        ]
        candidates.sort(key=lambda c: c.received)
        top_ones = [c for c in candidates if c.top][: tops.get(unit, 0)]
        linked = (top_ones + [c for c in candidates if not c.top])[: links.get(unit, 0)]
        top_left = tops.get(unit, 0) - sum(1 for c in linked if c.top)
        assert top_left >= 0, (unit, lo)
        for i, m in enumerate(measures):
            if i < len(linked):
                c = linked[i]
                used.add(id(c))
                when = day(max(lo_d, c.received + timedelta(days=15)), hi_d)
                MEASURES.append(Measure(unit, when, m, c.name, c, c.top))
            else:
                top = ""
                if top_left > 0:
                    top, top_left = ("一把手" if rng.random() < 0.4 else "班子"), top_left - 1
                note = "巡察反馈问题" if top and rng.random() < 0.5 else None
                MEASURES.append(Measure(unit, day(lo_d, hi_d), m, new_name(), None, top, note))


def organisational(unit, lo, hi, measure, disposal=None, received_before=None):
    """A 组织处理 measure (免职, 调整职务 …), on a 初步核实 clue when ``disposal``."""
    c = None
    if disposal:
        used = {id(m.clue) for m in MEASURES if m.clue is not None}
        found = [
            x
            for x in CLUES
            if x.unit == unit
            and x.disposal == disposal
            and x.filed is None
            and not x.top
            and id(x) not in used
            and D(lo) - timedelta(days=60) <= x.received <= D(received_before or hi)
        ]
        c = min(found, key=lambda x: x.received) if found else None
    if c is not None:
        when = day(max(D(lo), c.received + timedelta(days=20)), hi)
        MEASURES.append(Measure(unit, when, measure, c.name, c, ""))
    else:
        MEASURES.append(Measure(unit, day(lo, hi), measure, new_name(), None, "", "巡察反馈问题"))


def build_measures() -> None:
    # --- 2021H1 (同比) ---------------------------------------------------
    sanctions_for(
        cases("P", "Q1", "R1", "R1t"),
        [("党纪警告",)] * 3 + [("党纪严重警告",)] * 3 + [("政务警告",), ("记过",), ("记过",)]
        + [("撤销党内职务",), ("留党察看",), ("开除党籍",), ("撤职",)],
        ("党纪警告",),
    )  # fmt: skip
    for c in cases("R1c"):
        sanction(c, ("诫勉",))
    for c in cases("R2s"):
        sanction(c, ("严重违纪涉嫌违法立案审查调查",), c.filed)
    for c in cases("Q2"):
        sanction(c, ("移送检察机关",), day("2021-06-01", "2021-06-30"))
    organisational(AG, "2021-01-04", "2021-06-30", "调整职务", "初步核实", "2021-05-31")
    organisational(PZ3, "2021-01-04", "2021-06-30", "降职", "初步核实", "2021-05-31")
    organisational(PZ1, "2021-01-04", "2021-06-30", "重大职务调整")
    first_forms(
        "2021-01-04", "2021-06-30",
        {AG: 42, YS: 15, PZ1: 14, PZ3: 12, CG: 15},
        (26, 21, 18, 13, 8, 12),
        {AG: 4, YS: 2, PZ1: 2, PZ3: 1, CG: 1},
        {AG: 6, YS: 2, PZ1: 2, PZ3: 1, CG: 2},
    )  # fmt: skip

    # --- 2021H2 (outside) -------------------------------------------------
    for c in cases("R2", "T2"):
        sanction(c, (rng.choice(["党纪警告", "党纪严重警告", "记过"]),))
    for c in cases("R2s", "Q2"):
        sanction(c, ("开除党籍", "开除公职"))
    for c in cases("R2s"):
        sanction(c, ("移送检察机关",))
    first_forms(
        "2021-07-01", "2021-12-30",
        {AG: 22, YS: 8, PZ1: 8, PZ3: 6, CG: 8},
        (13, 11, 9, 7, 5, 7),
        {AG: 2, YS: 1, PZ1: 1},
        {AG: 4, YS: 1, PZ1: 1, CG: 1},
    )  # fmt: skip

    # --- 2022H1: the report period ------------------------------------------
    # 17 persons, 18 rows: one person gets both 党纪警告 and 政务警告
    sanctions_for(
        cases("RA", "SA", "TA", "B1", "C1", "C1t"),
        [("党纪警告", "政务警告")] + [("党纪警告",)] * 4 + [("政务警告",)] * 2
        + [("党纪严重警告",)] * 2 + [("记过",), ("记大过",)]
        + [("撤销党内职务",), ("留党察看",), ("开除党籍",), ("降级",), ("撤职",)],
        ("党纪严重警告",),
    )  # fmt: skip
    for c in cases("C1c"):
        sanction(c, ("诫勉",))
    for c in cases("Cs"):
        sanction(c, ("严重违纪涉嫌违法立案审查调查",), c.filed)
    for c in cases("B2"):
        sanction(
            c, ("移送检察机关",), day(max(D("2022-04-01"), c.filed + timedelta(60)), "2022-06-30")
        )
    organisational(AG, "2022-01-04", "2022-06-30", "调整职务", "初步核实", "2022-05-31")
    organisational(CG, "2022-01-04", "2022-06-30", "免职")
    organisational(YS, "2022-01-04", "2022-06-30", "重大职务调整", "初步核实", "2022-05-31")
    first_forms(
        "2022-01-04", "2022-06-30",
        {AG: 50, YS: 18, PZ1: 16, PZ3: 14, CG: 18},
        (30, 25, 22, 15, 10, 14),
        {AG: 5, YS: 2, PZ1: 2, PZ3: 1, CG: 2},
        {AG: 8, YS: 2, PZ1: 3, PZ3: 2, CG: 2},
    )  # fmt: skip

    # --- 2022Q3 (outside) ---------------------------------------------------
    for c in cases("C2"):
        sanction(c, (rng.choice(["党纪警告", "党纪严重警告", "记过"]),))
    first_forms(
        "2022-07-01", "2022-09-28",
        {AG: 10, YS: 4, PZ1: 4, PZ3: 3, CG: 4},
        (6, 5, 4, 4, 2, 4),
        {AG: 1, CG: 1},
        {AG: 2, PZ1: 1},
    )  # fmt: skip
    for m in MEASURES:
        if m.note is None and m.measure in ("开除党籍", "开除公职") and rng.random() < 0.5:
            m.note = "双开"


# ---------------------------------------------------------------------------
# 谈话, 文书, 监督活动
# ---------------------------------------------------------------------------

# (date, 谈话类型, 人数 (None = 1), 对象类别) for 2022H1
TALKS_2022 = {
    DF: [
        ("2022-01-18", "廉政谈话", 12, "领导班子成员"),
        ("2022-02-15", "谈心谈话", 30, "领导班子成员"),
        ("2022-03-08", "约谈", None, "一把手"),
        ("2022-03-09", "约谈", None, "一把手"),
        ("2022-03-10", "谈心谈话", 12, "一般干部"),
        ("2022-03-15", "约谈", None, "一把手"),
        ("2022-03-28", "廉政谈话", 8, "一把手"),
        ("2022-04-20", "谈心谈话", 18, "年轻干部"),
    ],
    AG: [
        ("2022-02-17", "谈心谈话", 6, "一般干部"),
        ("2022-03-29", "提醒谈话", 8, "一般干部"),
        ("2022-04-21", "诫勉谈话", None, "一般干部"),
        ("2022-05-26", "谈心谈话", 4, "年轻干部"),
    ],
    YS: [
        ("2022-01-14", "提醒谈话", 6, "一般干部"),
        ("2022-03-16", "谈心谈话", 12, "一般干部"),
        ("2022-04-26", "提醒谈话", 4, "一般干部"),
        ("2022-05-05", "诫勉谈话", None, "一般干部"),
        ("2022-06-13", "诫勉谈话", None, "领导班子成员"),
    ],
    PZ1: [
        ("2022-01-20", "廉政谈话", 5, "领导班子成员"),
        ("2022-02-22", "谈心谈话", 15, "领导班子成员"),
        ("2022-03-03", "提醒谈话", 3, "一般干部"),
        ("2022-04-08", "廉政谈话", None, "一把手"),
        ("2022-04-08", "廉政谈话", None, "一把手"),
        ("2022-04-11", "廉政谈话", None, "一把手"),
        ("2022-05-12", "谈心谈话", 25, "一般干部"),
        ("2022-05-18", "约谈", None, "领导班子成员"),
        ("2022-05-24", "提醒谈话", None, "领导班子成员"),
        ("2022-06-09", "提醒谈话", 2, "一般干部"),
    ],
    PZ3: [
        ("2022-01-25", "廉政谈话", 6, "领导班子成员"),
        ("2022-02-28", "提醒谈话", None, "一般干部"),
        ("2022-03-01", "谈心谈话", 20, "一般干部"),
        ("2022-03-17", "谈心谈话", None, "一把手"),
        ("2022-03-18", "谈心谈话", None, "领导班子成员"),
        ("2022-04-14", "谈心谈话", 10, "年轻干部"),
        ("2022-04-19", "提醒谈话", 4, "一般干部"),
        ("2022-05-09", "谈心谈话", None, "领导班子成员"),
        ("2022-05-10", "谈心谈话", None, "领导班子成员"),
        ("2022-06-21", "谈心谈话", None, "一把手"),
    ],
    CG: [
        ("2022-01-12", "谈心谈话", 30, "一般干部"),
        ("2022-01-26", "廉政谈话", 9, "领导班子成员"),
        ("2022-02-10", "提醒谈话", 4, "一般干部"),
        ("2022-03-22", "谈心谈话", "１２", "年轻干部"),  # full-width digits, as typed
        ("2022-04-07", "谈心谈话", None, "一般干部"),
        ("2022-04-13", "谈心谈话", None, "一般干部"),
        ("2022-05-10", "提醒谈话", 3, "一般干部"),
        ("2022-05-19", "谈心谈话", None, "领导班子成员"),
        ("2022-06-02", "诫勉谈话", None, "一般干部"),
        ("2022-06-16", "约谈", 1, "领导班子成员"),
    ],
}

# a few rows per unit outside both periods
TALKS_OUTSIDE = [
    ("2021-09-14", "谈心谈话", 20, "一般干部"),
    ("2021-12-27", "廉政谈话", 8, "领导班子成员"),
    ("2022-07-12", "谈心谈话", 15, "一般干部"),
    ("2022-08-23", "提醒谈话", 2, "一般干部"),
    ("2022-09-05", "廉政谈话", 6, "领导班子成员"),
]

TALK_FACTOR = {DF: 0.85, AG: 1.0, YS: 0.9, PZ1: 0.8, PZ3: 0.9, CG: 0.82}


def build_talks() -> None:
    for unit, rows in TALKS_2022.items():
        out = TALKS[unit]
        for i, (when, kind, n, target) in enumerate(rows):
            out.append({"日期": D(when), "谈话类型": kind, "人数": n, "对象类别": target})
            # the same work a year earlier, a little less of it
            if n is None or n == 1:
                if i % 4 != 3 or target == "一把手":
                    prev = day(D(when) - timedelta(days=372), D(when) - timedelta(days=358))
                    out.append({"日期": prev, "谈话类型": kind, "人数": n, "对象类别": target})
            else:
                n_int = int(str(n).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
                prev = day(D(when) - timedelta(days=372), D(when) - timedelta(days=358))
                n_prev = max(2, round(n_int * TALK_FACTOR[unit]))
                out.append({"日期": prev, "谈话类型": kind, "人数": n_prev, "对象类别": target})
        for when, kind, n, target in TALKS_OUTSIDE[: 3 + len(unit) % 3]:
            jitter = rng.randint(-3, 3)
            out.append(
                {
                    "日期": D(when) + timedelta(days=jitter),
                    "谈话类型": kind,
                    "人数": max(1, n + rng.randint(-2, 3)),
                    "对象类别": target,
                }
            )
        out.sort(key=lambda r: r["日期"])


# 文书: (unit, 文书类型, count, date ranges, 督促整改问题数 list)
LETTER_PLAN = {
    2022: [
        (DF, "廉洁提醒函", 15, ("2022-01-17", "2022-01-28")),
        (DF, "廉洁提醒函", 12, ("2022-03-28", "2022-04-28")),
        (DF, "廉洁提醒函", 8, ("2022-05-23", "2022-06-01")),
        (DF, "履责提醒函", 3, ("2022-03-01", "2022-06-20")),
        (DF, "纪检监察建议书", [2, 1, 1, 0, 1], ("2022-02-14", "2022-06-24")),
        (YS, "廉洁提醒函", 6, ("2022-02-07", "2022-06-24")),
        (YS, "纪检监察建议书", [1, 1], ("2022-03-01", "2022-06-24")),
        (CG, "廉洁提醒函", 10, ("2022-01-10", "2022-06-24")),
        (CG, "履责提醒函", 1, ("2022-04-01", "2022-04-30")),
        (CG, "纪检监察建议书", [1], ("2022-05-01", "2022-06-24")),
    ],
    2021: [
        (DF, "廉洁提醒函", 14, ("2021-02-01", "2021-02-10")),
        (DF, "廉洁提醒函", 10, ("2021-03-29", "2021-04-29")),
        (DF, "廉洁提醒函", 6, ("2021-06-07", "2021-06-11")),
        (DF, "履责提醒函", 2, ("2021-03-01", "2021-06-20")),
        (DF, "纪检监察建议书", [2, 1, 0, 1], ("2021-02-22", "2021-06-24")),
        (YS, "廉洁提醒函", 5, ("2021-02-22", "2021-06-24")),
        (YS, "纪检监察建议书", [1, 0], ("2021-03-01", "2021-06-24")),
        (CG, "廉洁提醒函", 9, ("2021-01-11", "2021-06-24")),
        (CG, "履责提醒函", 1, ("2021-04-01", "2021-04-30")),
        (CG, "纪检监察建议书", [1], ("2021-05-06", "2021-06-24")),
        # 2021H2, outside
        (DF, "廉洁提醒函", 11, ("2021-09-13", "2021-09-29")),
        (DF, "廉洁提醒函", 9, ("2021-12-20", "2021-12-30")),
        (DF, "纪检监察建议书", [1, 2, 1], ("2021-07-05", "2021-12-24")),
        (YS, "廉洁提醒函", 3, ("2021-07-05", "2021-12-24")),
        (CG, "廉洁提醒函", 4, ("2021-07-05", "2021-12-24")),
    ],
    "2022Q3": [  # after the period
        (DF, "廉洁提醒函", 12, ("2022-08-29", "2022-09-07")),
        (DF, "纪检监察建议书", [1, 2], ("2022-07-04", "2022-09-23")),
        (DF, "履责提醒函", 1, ("2022-07-04", "2022-09-23")),
        (CG, "廉洁提醒函", 4, ("2022-07-04", "2022-09-23")),
        (YS, "纪检监察建议书", [1], ("2022-07-04", "2022-09-23")),
    ],
}


def build_letters() -> None:
    for plan in LETTER_PLAN.values():
        for unit, kind, spec, (lo, hi) in plan:
            counts = spec if isinstance(spec, list) else [None] * spec
            for k in counts:
                LETTERS[unit].append(
                    {
                        "印发日期": day(lo, hi),
                        "文书类型": kind,
                        "收文单位": rng.choice(
                            DOMAIN[CG] if unit == CG else CITY_DEPTS + TOWNS[:5]
                        ),
                        "督促整改问题数": k if k is not None else (0 if unit == YS else None),
                    }
                )
    for unit, rows in LETTERS.items():
        rows.sort(key=lambda r: r["印发日期"])
        seq: Counter = Counter()
        for i, r in enumerate(rows):
            y = r["印发日期"].year
            if unit == CG and r["文书类型"] == "廉洁提醒函" and i % 3 == 1:
                r["文号"] = None  # 镇纪委的提醒函有的不编号
                continue
            seq[y] += 1
            r["文号"] = f"{DOC_PREFIX[unit]}〔{y}〕{seq[y]}号"
        for r in rows:
            if r["文书类型"] == "纪检监察建议书":
                r["收文单位"] = rng.choice(CITY_DEPTS[:6]) if unit != CG else "城关镇农业服务中心"


# 监督活动 for 2022H1: 活动类型 → [(unit, [数量, …]), …]
ACT_2022 = {
    "走访单位": [(DF, [18, 12]), (PZ1, [10]), (PZ3, [8]), (CG, [7])],
    "问卷调查": [(DF, [100, 50]), (PZ1, [40]), (PZ3, [36]), (CG, [30])],
    "调研发现问题方面": [(DF, [6])],
    "调研发现问题": [(DF, [16])],
    "提出解决措施": [(DF, [20])],
    "形成调研报告": [(DF, [1])],
    "制定工作制度": [(DF, [1, 1])],
    "监督第一议题制度执行": [(DF, [12, 8]), (PZ1, [8]), (PZ3, [6]), (CG, [8])],
    "督促政策理论学习": [(DF, [120, 80]), (PZ1, [50, 40]), (PZ3, [78]), (CG, [85])],
    "讲规学法监督检查": [(DF, [6]), (PZ1, [2]), (PZ3, [2]), (CG, [2])],
    "调阅材料": [(DF, [60, 40]), (PZ1, [50]), (PZ3, [46]), (CG, [40])],
    "组织观看庭审": [(DF, [1, 1])],
    "观看警示教育片": [(DF, [2, 1]), (PZ1, [1]), (PZ3, [1]), (CG, [1])],
    "编写警示教育资料": [(DF, [1, 1, 1, 1, 1])],
    "签订廉政承诺书": [(DF, [57])],
    "廉政家访": [(DF, [3, 2]), (PZ1, [3]), (PZ3, [2]), (CG, [3])],
    "发放廉洁教育读本": [(DF, [24])],
    "采纳家属意见": [(DF, [12]), (PZ1, [4]), (PZ3, [3]), (CG, [3])],
    "选派干部列席民主生活会": [(DF, [15])],
    "列席民主生活会监督": [(DF, [16]), (PZ1, [5]), (PZ3, [4]), (CG, [3])],
    "督促整改单位": [(DF, [18])],
    "乡镇党委书记述责": [(DF, [8])],
    "邀请评议代表": [(DF, [27])],
    "群众评议单位": [(DF, [3])],
    "推动民生问题整改": [(DF, [13])],
    "考核评估单位": [(DF, [91])],
    "年轻干部警示教育": [(DF, [162])],
    "年轻干部监督措施方面": [(DF, [8])],
    "年轻干部具体工作措施": [(DF, [25])],
    "发放年轻干部学习资料": [(DF, [120, 80])],
}

# months in which an activity naturally happens (else any time in the half year)
ACT_MONTHS = {
    "乡镇党委书记述责": ("01-10", "02-25"),
    "考核评估单位": ("02-14", "03-31"),
    "签订廉政承诺书": ("02-14", "03-15"),
    "选派干部列席民主生活会": ("01-04", "02-28"),
    "列席民主生活会监督": ("01-04", "02-28"),
    "年轻干部警示教育": ("05-09", "05-20"),
    "邀请评议代表": ("04-18", "04-29"),
    "群众评议单位": ("04-18", "04-29"),
}
ACT_FACTORS = (0.72, 0.85, 0.93, 1.0, 1.08, 0.78, 0.9, 0.81, 0.95, 0.88)
ACT_OUTSIDE = {
    DF: [
        ("2021-09-15", "走访单位", 20), ("2021-10-20", "督促政策理论学习", 150),
        ("2021-11-18", "调阅材料", 80), ("2021-12-16", "廉政家访", 6),
        ("2022-07-14", "走访单位", 14), ("2022-08-11", "督促政策理论学习", 95),
        ("2022-09-08", "监督第一议题制度执行", 10),
    ],
    PZ1: [("2021-10-12", "调阅材料", 30), ("2022-07-19", "调阅材料", 25)],
    PZ3: [("2021-08-24", "问卷调查", 40), ("2022-09-15", "督促政策理论学习", 30)],
    CG: [("2021-11-09", "走访单位", 6), ("2022-08-17", "问卷调查", 20)],
}  # fmt: skip


def build_activities() -> None:
    for i, (kind, parts) in enumerate(ACT_2022.items()):
        f = ACT_FACTORS[i % len(ACT_FACTORS)]
        lo, hi = ACT_MONTHS.get(kind, ("01-04", "06-28"))
        for unit, amounts in parts:
            for j, n in enumerate(amounts):
                row = {"日期": day(f"2022-{lo}", f"2022-{hi}"), "活动类型": kind, "数量": n}
                if unit == PZ1 and kind == "督促政策理论学习":
                    row["_merge"] = True
                ACTS[unit].append(row)
                if len(amounts) >= 5 and j == len(amounts) - 1:
                    continue  # last year one fewer
                prev = max(1, round(n * f))
                ACTS[unit].append(
                    {"日期": day(f"2021-{lo}", f"2021-{hi}"), "活动类型": kind, "数量": prev}
                )
    for unit, rows in ACT_OUTSIDE.items():
        for when, kind, n in rows:
            ACTS[unit].append({"日期": D(when), "活动类型": kind, "数量": n})
    order = {k: i for i, k in enumerate(ACTIVITIES)}
    for unit, rows in ACTS.items():
        if unit == PZ1:  # 第一派驻组 keeps its ledger by activity type
            rows.sort(key=lambda r: (order[r["活动类型"]], r["日期"]))
        else:
            rows.sort(key=lambda r: r["日期"])
        for r in rows:
            r["计量单位"] = None if unit == PZ3 and r["数量"] > 5 else ACTIVITIES[r["活动类型"]]
            if r["活动类型"] == "考核评估单位":
                r["备注"] = f"{r['日期'].year - 1}年度考核评估"
            elif r["活动类型"] == "年轻干部警示教育":
                r["备注"] = "警示教育大会"


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def text_date(d: date, fmt: str) -> str:
    return {
        "cn": f"{d.year}年{d.month}月{d.day}日",
        "slash": f"{d.year}/{d.month}/{d.day}",
        "dot": f"{d.year}.{d.month}.{d.day}",
    }[fmt]


@dataclass
class Layout:
    """How one unit lays out one ledger sheet (its own kind of mess)."""

    columns: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)  # canonical → as written
    titles: tuple[str, ...] = ()
    blank_after: tuple[int, ...] = ()  # empty row after these data rows (0-based)
    total: str | None = None  # label of a 合计 row at the bottom
    total_col: str | None = None
    yes_no: tuple[str, str | None] = ("是", "否")
    text_dates: dict[str, tuple[str, int, int]] = field(
        default_factory=dict
    )  # col → fmt, every, offset
    date_format: str = "yyyy-mm-dd"


HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_COLS = {"受理日期", "立案日期", "结案日期", "处理日期", "日期", "印发日期"}
BOOL_COLS = {"是否一把手", "是否领导班子成员"}
WIDTH = {"线索编号": 13, "单位职务": 30, "收文单位": 18, "文号": 18, "活动类型": 22, "备注": 18}


def write_sheet(wb: Workbook, name: str, layout: Layout, rows: list[dict]) -> None:
    ws = wb.create_sheet(name)
    ncol = len(layout.columns)
    r = 1
    for i, title in enumerate(layout.titles):
        ws.cell(r, 1, title)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        ws.cell(r, 1).font = Font(bold=i == 0, size=14 if i == 0 else 10)
        ws.cell(r, 1).alignment = Alignment(horizontal="center" if i == 0 else "left")
        r += 1
    for j, col in enumerate(layout.columns, 1):
        c = ws.cell(r, j, layout.headers.get(col, col))
        c.font, c.fill, c.border = Font(bold=True), HEADER_FILL, BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = WIDTH.get(col, 12)
    header_row = r
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    r += 1
    merges = []
    date_count: Counter = Counter()
    for i, row in enumerate(rows):
        for j, col in enumerate(layout.columns, 1):
            value = i + 1 if col == "序号" else row.get(col)
            if col in BOOL_COLS:
                value = layout.yes_no[0] if value else layout.yes_no[1]
            if col in DATE_COLS and value is not None:
                date_count[col] += 1
                rule = layout.text_dates.get(col)
                if rule and date_count[col] % rule[1] == rule[2]:
                    value = text_date(value, rule[0])
            cell = ws.cell(r, j, value)
            cell.border = BOX
            if isinstance(value, date):
                cell.number_format = layout.date_format
        if row.get("_merge") and i + 1 < len(rows) and rows[i + 1].get("_merge") and not merges:
            merges.append(r)
        r += 1
        if i in layout.blank_after:
            r += 1
    for top in merges:
        j = layout.columns.index("活动类型") + 1
        ws.merge_cells(start_row=top, start_column=j, end_row=top + 1, end_column=j)
        ws.cell(top, j).alignment = Alignment(vertical="center")
    if layout.total:
        j = layout.columns.index(layout.total_col) + 1
        total = sum(int(str(row.get(layout.total_col) or 0).translate(FULLWIDTH)) for row in rows)
        ws.cell(r, 1, layout.total).font = Font(bold=True)
        ws.cell(r, j, total).font = Font(bold=True)


def note_sheet(wb: Workbook, unit: str) -> None:
    ws = wb.create_sheet("填表说明")
    lines = [
        f"{unit}台账填表说明",
        "1. 每个工作表第一行数据以上为表头，请勿修改表头名称。",
        "2. 日期请填写为日期格式，如 2022-03-05。",
        "3. 是否一把手、是否领导班子成员填“是”或“否”。",
        "4. 被反映人、姓名等个人信息仅用于统计，不对外公开。",
        "5. 每季度末将本表报送委办公室、案件监督管理室。",
    ]
    for i, line in enumerate(lines, 1):
        ws.cell(i, 1, line)
    ws.column_dimensions["A"].width = 60


def clue_rows(unit: str) -> list[dict]:
    rows = []
    for c in sorted((c for c in CLUES if c.unit == unit), key=lambda c: (c.received, c.id)):
        rows.append(
            {
                "线索编号": c.id,
                "受理日期": c.received,
                "线索来源": c.source,
                "被反映人": c.name,
                "单位职务": c.post,
                "是否一把手": c.top == "一把手",
                "是否领导班子成员": bool(c.top) and (c.top == "班子" or unit in (AG, PZ3)),
                "处置方式": c.disposal,
                "立案日期": c.filed,
                "结案日期": c.closed,
                "备注": c.note,
            }
        )
    return rows


def measure_rows(unit: str) -> list[dict]:
    rows = []
    for m in sorted((m for m in MEASURES if m.unit == unit), key=lambda m: m.when):
        rows.append(
            {
                "姓名": m.name,
                "线索编号": m.clue.id if m.clue else None,
                "是否一把手": m.top == "一把手",
                "是否领导班子成员": m.top == "班子",
                "处理日期": m.when,
                "形态": m.form,
                "处理方式": m.measure,
                "备注": m.note,
            }
        )
    return rows


CLUE_COLS = ("线索编号", "受理日期", "线索来源", "被反映人", "单位职务", "是否一把手",
             "是否领导班子成员", "处置方式", "立案日期", "结案日期")  # fmt: skip
MEASURE_COLS = (
    "姓名",
    "线索编号",
    "是否一把手",
    "是否领导班子成员",
    "处理日期",
    "形态",
    "处理方式",
)
TALK_COLS = ("日期", "谈话类型", "人数", "对象类别")
LETTER_COLS = ("文号", "印发日期", "文书类型", "收文单位", "督促整改问题数")
ACT_COLS = ("日期", "活动类型", "数量", "计量单位")
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def S(*cols: str) -> tuple[str, ...]:  # noqa: N802 - 序号 + columns + 备注
    return ("序号", *cols, "备注")


def workbooks() -> dict[str, list[tuple[str, Layout, list[dict]]]]:
    """unit → its sheets, in the order the department keeps them."""
    return {
        DF: [
            ("填表说明", None, []),
            ("谈话", Layout(S(*TALK_COLS), blank_after=(6,)), TALKS[DF]),
            (
                "文书",
                Layout(S(*LETTER_COLS), headers={"督促整改问题数": "督促整改\n问题数"}),
                LETTERS[DF],
            ),
            (
                "监督活动",
                Layout(
                    S(*ACT_COLS),
                    titles=("党风政风监督室监督活动台账（2021年1月—2022年9月）",),
                    total="合计",
                    total_col="数量",
                    headers={"数量": " 数量 "},
                ),
                ACTS[DF],
            ),
        ],
        AG: [
            (
                "问题线索",
                Layout(
                    S(*CLUE_COLS),
                    titles=("案件监督管理室问题线索台账（截至2022年9月30日）",),
                    headers={"线索编号": "线索\n编号", "是否领导班子成员": "是否领导\n班子成员"},
                    blank_after=(40, 77),
                ),
                clue_rows(AG),
            ),
            (
                "处分处理",
                Layout(
                    S(*MEASURE_COLS),
                    headers={"处理日期": "处理 日期"},
                    text_dates={"处理日期": ("cn", 23, 5)},
                ),
                measure_rows(AG),
            ),
            ("谈话", Layout(S(*TALK_COLS)), TALKS[AG]),
        ],
        XF: [
            (
                "问题线索",
                Layout(
                    S(*CLUE_COLS),
                    titles=(
                        "信访室问题线索台账（2021年1月—2022年9月）",
                        "填报单位：信访室　　　　填报日期：2022年10月10日",
                    ),
                    yes_no=("是", None),
                    blank_after=(9, 30),
                    text_dates={"受理日期": ("cn", 9, 4)},
                    date_format='yyyy"年"m"月"d"日"',
                ),
                clue_rows(XF),
            ),
        ],
        YS: [
            ("问题线索", Layout(S(*CLUE_COLS)), clue_rows(YS)),
            (
                "处分处理",
                Layout(S(*MEASURE_COLS), headers={"是否一把手": "是否\n一把手"}),
                measure_rows(YS),
            ),
            ("谈话", Layout(S(*TALK_COLS), text_dates={"日期": ("dot", 5, 2)}), TALKS[YS]),
            ("文书", Layout(S(*LETTER_COLS)), LETTERS[YS]),
        ],
        PZ1: [
            ("问题线索", Layout(S(*CLUE_COLS), yes_no=("Y", "N")), clue_rows(PZ1)),
            ("处分处理", Layout(S(*MEASURE_COLS)), measure_rows(PZ1)),
            (
                "谈话",
                Layout(S(*TALK_COLS), headers={"人数": "人 数"}, blank_after=(4, 11)),
                TALKS[PZ1],
            ),
            ("监督活动", Layout(("序号", *ACT_COLS)), ACTS[PZ1]),
        ],
        PZ3: [
            (
                "问题线索",
                # this group puts the person first
                Layout(
                    (
                        "序号",
                        "线索编号",
                        "被反映人",
                        "单位职务",
                        "受理日期",
                        "线索来源",
                        "是否一把手",
                        "是否领导班子成员",
                        "处置方式",
                        "立案日期",
                        "结案日期",
                        "备注",
                    )
                ),  # fmt: skip
                clue_rows(PZ3),
            ),
            ("处分处理", Layout(S(*MEASURE_COLS), yes_no=("√", "×")), measure_rows(PZ3)),
            ("谈话", Layout(S(*TALK_COLS)), TALKS[PZ3]),
            ("监督活动", Layout(S(*ACT_COLS), text_dates={"日期": ("slash", 6, 3)}), ACTS[PZ3]),
            ("填表说明", None, []),
        ],
        CG: [
            ("填表说明", None, []),
            ("问题线索", Layout(S(*CLUE_COLS)), clue_rows(CG)),
            (
                "处分处理",
                Layout(
                    S(*MEASURE_COLS),
                    titles=("城关镇纪委处分处理台账",),
                    yes_no=("Y", "N"),
                    text_dates={"处理日期": ("slash", 11, 7)},
                ),
                measure_rows(CG),
            ),
            (
                "谈话",
                Layout(
                    ("序号", *TALK_COLS),
                    headers={"人数": "人数（人）"},
                    total="合 计",
                    total_col="人数",
                ),
                TALKS[CG],
            ),
            ("文书", Layout(S(*LETTER_COLS)), LETTERS[CG]),
            ("监督活动", Layout(S(*ACT_COLS), blank_after=(3, 17)), ACTS[CG]),
        ],
    }


def build_all() -> None:
    build_clues()
    build_measures()
    build_talks()
    build_letters()
    build_activities()


CONFIG_TEXT = """\
# 示例项目配置：标题、单位、统计期间、成文日期
[report]
title = "重点工作推进情况和下步工作打算"
organisation = "xx市纪委监委"
period = "2022H1"
date = 2022-07-05
"""


def write_all(out: Path) -> None:
    build_all()
    out.mkdir(parents=True, exist_ok=True)
    for unit, sheets in workbooks().items():
        wb = Workbook()
        wb.remove(wb.active)
        for name, layout, rows in sheets:
            if layout is None:
                note_sheet(wb, unit)
            else:
                write_sheet(wb, name, layout, rows)
        wb.properties.creator = unit
        wb.properties.title = f"{unit}工作台账"
        wb.properties.created = datetime(2022, 10, 10, 9, 0, 0)
        path = out / f"{unit}.xlsx"
        wb.save(path)
        print(
            f"写入 {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}：{'、'.join(s for s, _, _ in sheets)}"
        )
    (out / "workreport.toml").write_text(CONFIG_TEXT, encoding="utf-8")
    print(f"写入 {out / 'workreport.toml'}")


# ---------------------------------------------------------------------------
# --check: an independent reader
# ---------------------------------------------------------------------------

SHEETS = {
    "问题线索": CLUE_COLS,
    "处分处理": MEASURE_COLS,
    "谈话": TALK_COLS,
    "文书": LETTER_COLS,
    "监督活动": ACT_COLS,
}
REQUIRED = {
    "问题线索": ("线索编号", "受理日期", "线索来源", "被反映人"),
    "处分处理": ("姓名", "处理日期", "形态", "处理方式"),
    "谈话": ("日期", "谈话类型"),
    "文书": ("印发日期", "文书类型"),
    "监督活动": ("日期", "活动类型", "数量"),
}
ALIASES = {"人次": "人数"}
_TEXT_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
YES = {"是", "Y", "y", "√", "TRUE", "true", "1", True}
NO = {"否", "N", "n", "×", "FALSE", "false", "0", False, None, ""}


def norm_header(v) -> str:
    s = re.sub(r"\s+", "", str(v or "")).replace("\u3000", "")
    s = re.sub(r"[（(][^（）()]*[)）]$", "", s)
    return ALIASES.get(s, s)


class Problems(list):
    def add(self, where: str, msg: str) -> None:
        self.append(f"{where}：{msg}")


def read_sheet(path: Path, ws, problems: Problems) -> tuple[list[dict], int]:
    """Rows as {canonical column: raw value, '_where': ...}; also the 合计 rows skipped."""
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng_ in ws.merged_cells.ranges:
        v = grid[rng_.min_row - 1][rng_.min_col - 1]
        for r in range(rng_.min_row, rng_.max_row + 1):
            for c in range(rng_.min_col, rng_.max_col + 1):
                grid[r - 1][c - 1] = v
    where0 = f"{path.name} / {ws.title}"
    header_at = None
    for i, row in enumerate(grid[:10]):
        names = [norm_header(v) for v in row]
        if all(req in names for req in REQUIRED[ws.title]):
            header_at, header = i, names
            break
    if header_at is None:
        problems.add(where0, "前 10 行中找不到表头")
        return [], 0
    cols = {name: j for j, name in enumerate(header) if name in SHEETS[ws.title]}
    rows, totals = [], 0
    for i in range(header_at + 1, len(grid)):
        values = grid[i]
        filled = [v for v in values if v is not None and str(v).strip() != ""]
        if not filled:
            continue
        if re.sub(r"\s+", "", str(filled[0])) in ("合计", "总计", "小计"):
            totals += 1
            continue
        row = {name: values[j] if j < len(values) else None for name, j in cols.items()}
        row["_where"] = f"{where0} / 第{i + 1}行"
        rows.append(row)
    return rows, totals


def as_date(v, where: str, problems: Problems, required: bool = False) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if v is None or str(v).strip() == "":
        if required:
            problems.add(where, "日期为空")
        return None
    if m := _TEXT_DATE.match(str(v).strip()):
        return date(int(m[1]), int(m[2]), int(m[3]))
    problems.add(where, f"无法识别的日期 {v!r}")
    return None


def as_bool(v, where: str, problems: Problems) -> bool:
    key = v.strip() if isinstance(v, str) else v
    if key in YES:
        return True
    if key in NO:
        return False
    problems.add(where, f"无法识别的是/否 {v!r}")
    return False


def as_int(v, where: str, problems: Problems, default: int) -> int:
    if v is None or str(v).strip() == "":
        return default
    if isinstance(v, bool):
        problems.add(where, f"不是数字 {v!r}")
        return default
    if isinstance(v, int | float):
        if v != int(v):
            problems.add(where, f"不是整数 {v!r}")
        return int(v)
    s = str(v).strip().translate(FULLWIDTH)
    if s.isdigit():
        return int(s)
    problems.add(where, f"不是数字 {v!r}")
    return default


@dataclass
class Data:
    clues: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    talks: list[dict] = field(default_factory=list)
    letters: list[dict] = field(default_factory=list)
    acts: list[dict] = field(default_factory=list)
    inventory: dict[str, list[str]] = field(default_factory=dict)
    totals_skipped: list[str] = field(default_factory=list)


def load(folder: Path, problems: Problems) -> Data:
    data = Data()
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        wb = load_workbook(path, data_only=True)
        data.inventory[path.stem] = wb.sheetnames
        for ws in wb.worksheets:
            if ws.title not in SHEETS:
                continue
            rows, totals = read_sheet(path, ws, problems)
            if totals:
                data.totals_skipped.append(f"{path.name} / {ws.title}")
            for r in rows:
                w = r["_where"]
                r["_unit"] = path.stem
                if ws.title == "问题线索":
                    r["受理日期"] = as_date(r["受理日期"], w, problems, True)
                    r["立案日期"] = as_date(r.get("立案日期"), w, problems)
                    r["结案日期"] = as_date(r.get("结案日期"), w, problems)
                    for b in BOOL_COLS:
                        r[b] = as_bool(r.get(b), w, problems)
                    data.clues.append(r)
                elif ws.title == "处分处理":
                    r["处理日期"] = as_date(r["处理日期"], w, problems, True)
                    for b in BOOL_COLS:
                        r[b] = as_bool(r.get(b), w, problems)
                    data.measures.append(r)
                elif ws.title == "谈话":
                    r["日期"] = as_date(r["日期"], w, problems, True)
                    r["人数"] = as_int(r.get("人数"), w, problems, 1)
                    data.talks.append(r)
                elif ws.title == "文书":
                    r["印发日期"] = as_date(r["印发日期"], w, problems, True)
                    r["督促整改问题数"] = as_int(r.get("督促整改问题数"), w, problems, 0)
                    data.letters.append(r)
                else:
                    r["日期"] = as_date(r["日期"], w, problems, True)
                    r["数量"] = as_int(r.get("数量"), w, problems, 0)
                    data.acts.append(r)
    return data


def validate(data: Data, problems: Problems) -> None:
    ids = Counter(r["线索编号"] for r in data.clues)
    for k, n in ids.items():
        if n > 1:
            problems.add("问题线索", f"线索编号 {k} 出现 {n} 次")
    clue_by_id = {r["线索编号"]: r for r in data.clues}
    for r in data.clues:
        w = r["_where"]
        if r["线索来源"] not in CLUE_SOURCES:
            problems.add(w, f"线索来源 {r['线索来源']!r}")
        if r.get("处置方式") not in (*DISPOSALS, None):
            problems.add(w, f"处置方式 {r['处置方式']!r}")
        if not r.get("被反映人"):
            problems.add(w, "被反映人为空")
        f, c = r["立案日期"], r["结案日期"]
        if f and r["受理日期"] and f < r["受理日期"]:
            problems.add(w, "立案日期早于受理日期")
        if c and (not f or c < f):
            problems.add(w, "结案日期无立案日期或早于立案日期")
    for r in data.measures:
        w = r["_where"]
        m = r["处理方式"]
        if m not in FORMS:
            problems.add(w, f"未知处理方式 {m!r}")
        elif FORMS[m] != r["形态"]:
            problems.add(w, f"形态 {r['形态']} 与处理方式 {m} 不符")
        cid = r.get("线索编号")
        if cid and cid not in clue_by_id:
            problems.add(w, f"线索编号 {cid} 不存在")
        if m in PARTY | GOV:
            if not cid or cid not in clue_by_id or not clue_by_id[cid]["立案日期"]:
                problems.add(w, "党纪政务处分须对应已立案的线索")
            elif r["处理日期"] < clue_by_id[cid]["立案日期"]:
                problems.add(w, "处分早于立案")
    for r in data.talks:
        if r["谈话类型"] not in TALK_TYPES or r.get("对象类别") not in (*TALK_TARGETS, None):
            problems.add(r["_where"], "谈话类型/对象类别不在列表中")
        if r["人数"] < 1:
            problems.add(r["_where"], "人数小于 1")
    numbers = Counter(r["文号"] for r in data.letters if r.get("文号"))
    for k, n in numbers.items():
        if n > 1:
            problems.add("文书", f"文号 {k} 出现 {n} 次")
    for r in data.letters:
        if r["文书类型"] not in LETTER_TYPES:
            problems.add(r["_where"], f"文书类型 {r['文书类型']!r}")
    for r in data.acts:
        kind, unit = r["活动类型"], r.get("计量单位")
        if kind not in ACTIVITIES:
            problems.add(r["_where"], f"活动类型 {kind!r} 不在词表中")
        elif unit not in (None, "", ACTIVITIES[kind]):
            problems.add(r["_where"], f"计量单位 {unit} 与词表 {ACTIVITIES[kind]} 不符")


def figures(data: Data, lo: date, hi: date) -> dict[str, int]:
    def inside(d):
        return d is not None and lo <= d <= hi

    def top(r):
        return r["是否一把手"] or r["是否领导班子成员"]

    out: dict[str, int] = {}
    clues = [r for r in data.clues if inside(r["受理日期"])]
    filed = [r for r in data.clues if inside(r["立案日期"])]
    out["clues"] = len(clues)
    for s in CLUE_SOURCES:
        out[f"clues_by_source.{s}"] = sum(r["线索来源"] == s for r in clues)
    for s in (*DISPOSALS, None):
        out[f"clues_by_disposal.{s or '未处置'}"] = sum(r.get("处置方式") == s for r in clues)
    out["cases_filed"] = len(filed)
    out["cases_closed"] = sum(inside(r["结案日期"]) for r in data.clues)
    out["top_clues"] = sum(top(r) for r in clues)
    out["top_cases_filed"] = sum(top(r) for r in filed)
    ms = [r for r in data.measures if inside(r["处理日期"])]
    out["forms_total"] = len(ms)
    for i, f in enumerate(FORM_NAMES, 1):
        out[f"forms_{i}"] = sum(r["形态"] == f for r in ms)

    def persons(kinds, only_top=False):
        return {
            (r.get("线索编号"), r["姓名"])
            for r in ms
            if r["处理方式"] in kinds and (top(r) or not only_top)
        }

    out["sanctioned_persons"] = len(persons(PARTY | GOV))
    out["party_sanctioned_persons"] = len(persons(PARTY))
    out["gov_sanctioned_persons"] = len(persons(GOV))
    out["top_sanctioned_persons"] = len(persons(PARTY | GOV, True))
    out["top_forms_1"] = sum(r["形态"] == "第一种形态" and top(r) for r in ms)
    talks = [r for r in data.talks if inside(r["日期"])]
    for t in TALK_TYPES:
        out[f"talks.{t}"] = sum(r["人数"] for r in talks if r["谈话类型"] == t)
    for t in TALK_TYPES:
        out[f"talks_top_leaders.{t}"] = sum(
            r["人数"] for r in talks if r["谈话类型"] == t and r.get("对象类别") == "一把手"
        )
    letters = [r for r in data.letters if inside(r["印发日期"])]
    for t in LETTER_TYPES:
        out[f"letters.{t}"] = sum(r["文书类型"] == t for r in letters)
    out["letters_rectified_issues"] = sum(r["督促整改问题数"] for r in letters)
    acts = [r for r in data.acts if inside(r["日期"])]
    for k in ACTIVITIES:
        out[f"activities.{k}"] = sum(r["数量"] for r in acts if r["活动类型"] == k)
    return out


def pad(text: str, width: int, right: bool = False) -> str:
    """Pad to a display width (a CJK character takes two columns)."""
    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - w)
    return fill + text if right else text + fill


def check(folder: Path) -> int:
    problems = Problems()
    data = load(folder, problems)
    validate(data, problems)
    now, prev = figures(data, *PERIOD), figures(data, *PREVIOUS)

    print(f"读取 {folder}：")
    for unit, sheets in data.inventory.items():
        print(f"  {unit}.xlsx：{'、'.join(sheets)}")
    print(f"  跳过合计行：{'；'.join(data.totals_skipped) or '无'}")
    print()
    print(f"{pad('指标', 36)}{pad('目标', 8, True)}{pad('2022H1', 8, True)}"
          f"{pad('2021H1', 8, True)}{pad('上年/本年', 11, True)}  结果")  # fmt: skip
    bad = []
    for key in now:
        target = TARGETS.get(key)
        ratio = f"{prev[key] / now[key]:.0%}" if now[key] else "-"
        if target is None:
            mark = ""
        elif now[key] == target:
            mark = "OK"
        else:
            mark = "DIFF"
            bad.append(key)
        t = "" if target is None else str(target)
        print(
            f"{pad(key, 36)}{pad(t, 8, True)}{pad(str(now[key]), 8, True)}"
            f"{pad(str(prev[key]), 8, True)}{pad(ratio, 11, True)}  {mark}"
        )
    missing = [k for k in TARGETS if k not in now]
    # persons with both a party and a government sanction in the period
    both = defaultdict(set)
    for r in data.measures:
        if PERIOD[0] <= r["处理日期"] <= PERIOD[1] and r["处理方式"] in PARTY | GOV:
            both[(r.get("线索编号"), r["姓名"])].add("党纪" if r["处理方式"] in PARTY else "政务")
    n_both = sum(1 for v in both.values() if len(v) == 2)
    print(f"\n同时受党纪和政务处分的人（2022H1）：{n_both}")
    if n_both != 1:
        problems.add("处分处理", f"应恰有 1 人同时受党纪和政务处分，实际 {n_both}")
    if len(data.totals_skipped) < 2:
        problems.add(str(folder), "应至少有两张表带合计行")
    print(
        f"行数：问题线索 {len(data.clues)}，处分处理 {len(data.measures)}，谈话 {len(data.talks)}，"
        f"文书 {len(data.letters)}，监督活动 {len(data.acts)}"
    )
    for p in problems:
        print("问题：" + p)
    if bad or missing or problems:
        print(f"\n不符：{', '.join(bad + missing) or '无'}；数据问题 {len(problems)} 个")
        return 1
    print(f"\n全部 {len(TARGETS)} 项目标指标一致，数据无问题。")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT, help="输出目录（默认 sample_data/）")
    p.add_argument("--check", action="store_true", help="只读取已写出的台账并核对指标")
    args = p.parse_args(argv)
    if args.check:
        return check(args.out)
    write_all(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
