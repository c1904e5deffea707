"""The sample scenario's rows: every clue, measure, talk, letter and activity.

Deterministic: one random generator seeded with ``scenario.SEED``, drawn in a
fixed order, so two runs give the same rows.  The vocabularies (处理方式 →
形态, 活动类型 → 计量单位) come from the package defaults.
"""

from __future__ import annotations

import random
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from workreport.config import load_config
from workreport.ledgers import PETITION_CATEGORIES, PETITION_FORMS

from .scenario import (
    ACCOUNTABILITY,
    ACT_2022,
    ACT_FACTORS,
    ACT_MONTHS,
    ACT_OUTSIDE,
    AG,
    CASE_KINDS,
    CASE_NOTES,
    CASES,
    CG,
    CITY_DEPTS,
    CLUE_PREFIX,
    DOC_PREFIX,
    DOMAIN,
    FIRST_FORMS,
    LETTER_PLAN,
    ORGANISATIONAL,
    PATROL_CASE,
    PLAIN_CLUES,
    PZ1,
    PZ3,
    SANCTIONS,
    SECOND_FORM_2022H1,
    SECTIONS,
    SEED,
    SOURCE_MIX,
    SUFFIXES,
    SURNAMES,
    TALK_FACTOR,
    TALKS_2022,
    TALKS_OUTSIDE,
    TOWN_OFFICES,
    TOWNS,
    UNITS,
    VILLAGES,
    WORKBOOKS,
    XF,
    YS,
)

_CONFIG = load_config(None)
FORMS: dict[str, str] = dict(_CONFIG.forms)  # 处理方式 → 形态
ACTIVITIES: dict[str, str] = dict(_CONFIG.activities)  # 活动类型 → 计量单位
FIRST_FORM = tuple(m for m, form in FORMS.items() if form == "第一种形态")

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


def plain_clues(unit, lo, hi, disposals, tops, xs):
    """Clues that never became a case.  ``tops``/``xs``: how many of each 处置方式
    concern a 一把手/班子 member / came from 巡视巡察移交."""
    for disposal, n in disposals.items():
        for i in range(n):
            top = ("一把手" if rng.random() < 0.5 else "班子") if i < tops.get(disposal, 0) else ""
            source = (
                "巡视巡察移交" if i >= n - xs.get(disposal, 0) else rng.choice(SOURCE_MIX[unit])
            )
            CLUES.append(Clue(unit, day(lo, hi), source, disposal, top))


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
    kind, unit = PATROL_CASE
    next(c for c in CLUES if c.kind == kind and c.unit == unit).source = "巡视巡察移交"


def build_clues() -> None:
    case_clues()
    for plan in PLAIN_CLUES:
        plain_clues(*plan)

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


def half_year(period: str, warned: str, held: str, referred: str, referred_on) -> None:
    """A half year's 处分处理: the closed cases' sanctions; a 诫勉 on the ``warned``
    cases, 审查调查 when the ``held`` cases are filed, the ``referred`` cases sent to
    the procuratorate on ``referred_on(case)``; 组织处理; the first form."""
    kinds, plan, top_plan = SANCTIONS[period]
    sanctions_for(cases(*kinds), plan, top_plan)
    for c in cases(warned):
        sanction(c, ("诫勉",))
    for c in cases(held):
        sanction(c, ("严重违纪涉嫌违法立案审查调查",), c.filed)
    for c in cases(referred):
        sanction(c, ("移送检察机关",), referred_on(c))
    for plan in ORGANISATIONAL[period]:
        organisational(*plan)
    first_forms(*FIRST_FORMS[period])


def build_measures() -> None:
    # --- 2021H1 (同比) ---------------------------------------------------
    half_year("2021H1", "R1c", "R2s", "Q2", lambda c: day("2021-06-01", "2021-06-30"))

    # --- 2021H2 (outside) -------------------------------------------------
    for c in cases("R2", "T2"):
        sanction(c, (rng.choice(["党纪警告", "党纪严重警告", "记过"]),))
    for c in cases("R2s", "Q2"):
        sanction(c, ("开除党籍", "开除公职"))
    for c in cases("R2s"):
        sanction(c, ("移送检察机关",))
    first_forms(*FIRST_FORMS["2021H2"])

    # --- 2022H1: the report period ------------------------------------------
    half_year(
        "2022H1", "C1c", "Cs", "B2",
        lambda c: day(max(D("2022-04-01"), c.filed + timedelta(60)), "2022-06-30"),
    )  # fmt: skip

    # --- 2022Q3 (outside) ---------------------------------------------------
    for c in cases("C2"):
        sanction(c, (rng.choice(["党纪警告", "党纪严重警告", "记过"]),))
    first_forms(*FIRST_FORMS["2022Q3"])
    unit, when, measure = SECOND_FORM_2022H1
    MEASURES.append(Measure(unit, D(when), measure, new_name(), None, "", "巡察反馈问题"))
    for m in MEASURES:
        if m.note is None and m.measure in ("开除党籍", "开除公职") and rng.random() < 0.5:
            m.note = "双开"


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


# The bulletin columns (docs/figures.md, 通报口径) are derived from each row, not drawn
# from ``rng``: the first-release columns, and so the model report, stay as they were.
RANK_TEXT = ("乡科级", "一般干部", "其他人员", "处级", "科级")  # 处级, 科级: read as 县处级, 乡科级


# 问题类别 (SPEC §16) by share: 八项规定 and 形式主义官僚主义 the most, as in a 县's cases
CATEGORY_MIX = (
    *("违反中央八项规定精神",) * 5, *("形式主义官僚主义",) * 3,
    *("群众身边不正之风和腐败问题",) * 3, *("违反廉洁纪律",) * 4, "违反政治纪律",
    "违反组织纪律", "违反群众纪律", "违反工作纪律", "违反生活纪律", "其他",
)  # fmt: skip


def pick(key: str, n: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % n


def bulletin_clue_cells(c: Clue) -> dict:
    held = {m.clue.id for m in MEASURES if m.clue is not None and m.form == "第四种形态"}
    sanctioned = {m.clue.id for m in MEASURES if m.clue is not None and m.form != "第一种形态"}
    disposed = None
    if c.disposal:
        disposed = c.received + timedelta(days=3 + pick(c.id, 12))
        disposed = min(disposed, c.filed) if c.filed else disposed
    return {
        # the 被反映人's 职级, as a measure on them writes it (one person, one rank)
        "职级": RANK_TEXT[pick(c.id + c.name, len(RANK_TEXT))],
        "问题类别": CATEGORY_MIX[pick(c.id, len(CATEGORY_MIX))],
        "处置日期": disposed,
        "留置日期": c.filed + timedelta(days=2) if c.filed and c.id in held else None,
        "挽回经济损失（万元）": round(0.5 + pick(c.id, 40) * 0.75, 2)
        if c.closed and c.id in sanctioned
        else None,
    }


def bulletin_measure_cells(m: Measure, party_persons: set[str]) -> dict:
    if m.clue is None:
        return {"职级": None, "政治面貌": "中共党员", "主动投案": False}
    person = m.clue.id + m.name
    gov_only = person not in party_persons and m.form != "第一种形态"
    return {
        # a first-form row leaves 职级 blank: it takes the person's value from another row
        "职级": None if m.form == "第一种形态" else RANK_TEXT[pick(person, len(RANK_TEXT))],
        "政治面貌": "非中共党员" if gov_only and pick(person, 2) == 0 else "中共党员",
        "主动投案": pick(person, 4) == 0,
    }


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
                **bulletin_clue_cells(c),
                "备注": c.note,
            }
        )
    return rows


def measure_rows(unit: str) -> list[dict]:
    party = set(_CONFIG.party_sanctions)
    party_persons = {m.clue.id + m.name for m in MEASURES if m.clue and m.measure in party}
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
                **bulletin_measure_cells(m, party_persons),
                "备注": m.note,
            }
        )
    return rows


def petition_rows(unit: str) -> list[dict]:
    """信访室's register, month by month from January 2021 to September 2022: a 件次 a row,
    drawn from ``pick`` so the other ledgers' rows stay as they were."""
    rows = []
    for year, month in [(2021, m) for m in range(1, 13)] + [(2022, m) for m in range(1, 10)]:
        for k in range(9 + pick(f"{year}-{month}", 8)):
            key = f"{year}-{month}-{k}"
            form = PETITION_FORMS[(0, 0, 1, 2, 2, 2, 3, 4, 5)[pick(key + "形式", 9)]]
            category = PETITION_CATEGORIES[(0, 0, 0, 0, 0, 1, 2, 3)[pick(key + "类别", 8)]]
            rows.append(
                {
                    "收到日期": date(year, month, 1 + pick(key, 28)),
                    "信访形式": form,
                    "信访类别": category,
                    "是否重复件": pick(key + "重复", 7) == 0,
                    "备注": None,
                }
            )
    return sorted(rows, key=lambda r: r["收到日期"])


def accountability_rows(unit: str) -> list[dict]:
    return [
        {"问责日期": D(when), "问责对象": whom, "数量": n, "问责方式": how, "备注": None}
        for when, whom, n, how in ACCOUNTABILITY
    ]


def build() -> dict[str, list[tuple[str, dict | None, list[dict]]]]:
    """unit → its sheets as (sheet name, layout, rows), in ``WORKBOOKS`` order."""
    build_clues()
    build_measures()
    build_talks()
    build_letters()
    build_activities()
    rows_of = {
        "问题线索": clue_rows,
        "处分处理": measure_rows,
        "谈话": TALKS.__getitem__,
        "文书": LETTERS.__getitem__,
        "监督活动": ACTS.__getitem__,
        "信访举报": petition_rows,
        "问责": accountability_rows,
    }
    return {
        unit: [
            (name, layout, rows_of[name](unit) if layout is not None else [])
            for name, layout in sheets
        ]
        for unit, sheets in WORKBOOKS.items()
    }
