"""Synthetic department ledgers (台账) for the benchmark and for manual testing.

``generate(out_dir, files, rows)`` writes ``files`` workbooks, one per 填报单位
(named like real units: 第三派驻纪检监察组, 城关镇纪委 …), each holding the five
ledger sheets 问题线索 / 处分处理 / 谈话 / 文书 / 监督活动 with ``rows`` data rows a
sheet.  The data satisfies the input contract of docs/rules.md (输入约定), so ``workreport
validate`` finds no errors:

* 线索编号 is unique across all files (it starts with the file index), 文号 too;
* every enum value is one of the contract's (the vocabularies are read from the
  installed ``workreport`` package, so they cannot drift);
* 立案日期 ≥ 受理日期 and 结案日期 ≥ 立案日期;
* every 党纪/政务处分 row in 处分处理 names a 线索编号 of a clue that has a 立案日期,
  in the same workbook, and its 姓名 is that clue's 被反映人;
* 形态 agrees with 处理方式, 计量单位 is the vocabulary's unit or blank.

It also carries the mess a real ledger has and the loader must cope with (docs/rules.md, 输入约定): a merged title row (sometimes two title rows) above the header, header
spelling variants (line breaks, inner spaces, a unit note such as 人数（人）),
extra columns (序号, 备注), an empty row or two, a 合计 row with SUM formulas (and
their cached values) at the bottom, a few dates written as text
(「2022年3月5日」, 「2022/3/5」, 「2022.3.5」), yes/no as 是/否/√/×, and a few
numbers written as text.  Dates fall in 2021-01-01..2022-12-31.

Workbooks are written with xlsxwriter in ``constant_memory`` mode, in parallel
across cores.  The output is deterministic for a given ``seed``.

Usage::

    python benchmarks/make_ledgers.py OUT --files 100 --rows 1000 [--seed 1] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path

import xlsxwriter

try:  # the installed package (editable or not) is the source of truth
    from workreport.config import load_config
    from workreport.ledgers import BOOL, INT, NUMBER, ledger_specs
except ImportError:  # pragma: no cover - running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from workreport.config import load_config
    from workreport.ledgers import BOOL, INT, NUMBER, ledger_specs

START = date(2021, 1, 1)
END = date(2022, 12, 31)
SPAN = (END - START).days
EXCEL_EPOCH = date(1899, 12, 30)

# The sheets, their columns and vocabularies: the contract's one definition.
SHEETS = {spec.name: spec for spec in ledger_specs(load_config(None)).values()}
SHEET_ORDER = tuple(SHEETS)
COLUMNS = {name: tuple(c.name for c in spec.columns) for name, spec in SHEETS.items()}
BOOL_COLUMNS = {c.name for spec in SHEETS.values() for c in spec.columns if c.kind == BOOL}
# what a 合计 row adds up
SUM_COLUMNS = {c.name for spec in SHEETS.values() for c in spec.columns if c.kind in (INT, NUMBER)}
CLUE_SOURCES = SHEETS["问题线索"].column("线索来源").choices
DISPOSALS = SHEETS["问题线索"].column("处置方式").choices
TALK_TYPES = SHEETS["谈话"].column("谈话类型").choices
TALK_TARGETS = SHEETS["谈话"].column("对象类别").choices
LETTER_TYPES = SHEETS["文书"].column("文书类型").choices
# Header spellings a person would still read as the column (docs/rules.md, 输入约定).
HEADER_VARIANTS = {
    "线索编号": ("线索\n编号", "线索 编号"),
    "受理日期": ("受理\n日期",),
    "是否领导班子成员": ("是否领导\n班子成员",),
    "被反映人": ("被反映人 ",),
    "处理方式": ("处理\n方式",),
    "人数": ("人数（人）", "人数(人)"),
    "督促整改问题数": ("督促整改\n问题数（个）",),
    "数量": ("数量（个/次）", " 数量 "),
    "印发日期": ("印发\n日期",),
}
YES_NO_STYLES = (("是", "否"), ("√", "×"), ("是", ""), ("√", ""))

# ---------------------------------------------------------------- unit names

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..999 in Chinese numerals: 3 → 三, 12 → 十二, 40 → 四十, 105 → 一百零五."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _CN_DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN_DIGITS[rest]
    return head + (("一" + cn_number(rest)) if rest < 20 else cn_number(rest))


_ROOMS = (
    "党风政风监督室",
    "信访室",
    "案件监督管理室",
    "案件审理室",
    "第一监督检查室",
    "第二监督检查室",
    "第三监督检查室",
    "第四监督检查室",
    "第一审查调查室",
    "第二审查调查室",
    "第三审查调查室",
    "干部监督室",
    "宣传部",
    "组织部",
)
_TOWNS = (
    "城关镇", "东风镇", "河西镇", "柳林镇", "青山镇", "白马镇", "新桥镇", "石门镇",
    "龙泉镇", "永安镇", "太平镇", "长岭镇", "黄岗镇", "双河镇", "杨柳镇", "红星镇",
    "金山镇", "清水镇", "三合镇", "五里镇", "桃源镇", "梅溪镇", "安乐镇", "花园镇",
    "马坪镇", "高桥镇", "兴隆镇", "大兴镇", "和平镇", "复兴镇", "白沙乡", "岭南乡",
    "水口乡", "观音乡", "龙王乡", "仁和乡",
)  # fmt: skip
_STREETS = (
    "东城街道", "西城街道", "南湖街道", "北关街道", "新华街道", "人民路街道",
    "解放路街道", "滨江街道", "开发区街道", "文昌街道",
)  # fmt: skip


def unit_names(count: int) -> list[str]:
    """``count`` distinct unit names, mixing 派驻组, 乡镇, 街道 and 委机关各室."""
    pools = [
        iter(f"第{cn_number(i)}派驻纪检监察组" for i in range(1, 41)),
        iter(f"{t}纪委" for t in _TOWNS),
        iter(_ROOMS),
        iter(f"{t}纪工委" for t in _STREETS),
    ]
    pattern = (0, 1, 2, 1, 0, 3, 1, 0)
    names: list[str] = []
    i = 0
    while len(names) < count and any(p is not None for p in pools):
        k = pattern[i % len(pattern)]
        i += 1
        if pools[k] is None:
            continue
        try:
            names.append(next(pools[k]))
        except StopIteration:
            pools[k] = None
    n = 41
    while len(names) < count:  # beyond the lists: more 派驻组
        names.append(f"第{cn_number(n)}派驻纪检监察组")
        n += 1
    return names


# ---------------------------------------------------------------- vocabularies

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
_POSTS = ("局长", "副局长", "党组书记", "科长", "副科长", "科员", "会计", "办公室主任")
_ORGS = (
    "市住建局", "市教育局", "市卫健委", "市财政局", "市自然资源局", "市交通运输局",
    "市农业农村局", "市水利局", "市市场监管局", "市人社局", "市民政局", "市城管局",
    "市医保局", "市公安局", "市税务局", "市供销社", "市生态环境局", "市统计局",
    "市审计局", "市商务局",
)  # fmt: skip
_VILLAGES = {
    "村": ("党支部书记", "村委会主任", "会计", "文书"),
    "社区": ("党支部书记", "居委会主任", "网格员"),
    "中心校": ("校长", "副校长", "会计"),
    "卫生院": ("院长", "副院长", "会计"),
    "财政所": ("所长", "副所长", "会计"),
    "农业服务中心": ("主任", "副主任", "科员"),
}


class Vocab:
    """The contract's vocabularies, read from the installed workreport."""

    def __init__(self) -> None:
        cfg = load_config()
        self.measure_form: dict[str, str] = dict(cfg.forms)
        self.by_form: dict[str, list[str]] = {}
        for measure, form in cfg.forms.items():
            self.by_form.setdefault(form, []).append(measure)
        self.forms = sorted(self.by_form)  # 第一种形态 < 第二种 … by code point order
        self.forms.sort(key=lambda f: "一二三四".find(f[1]))
        self.sanctions = set(cfg.party_sanctions) | set(cfg.gov_sanctions)
        self.party = sorted(cfg.party_sanctions)
        self.gov = sorted(cfg.gov_sanctions)
        self.activities: dict[str, str] = dict(cfg.activities)
        # measures a person can get without a filed case
        self.free_measures = [m for m in cfg.forms if m not in self.sanctions]
        self.free_measures = [
            m for m in self.free_measures if cfg.forms[m] != self.forms[-1]
        ]  # 第四种形态 always goes with a case


# ---------------------------------------------------------------- rows


def _day(rng: random.Random) -> date:
    return START + timedelta(days=rng.randrange(SPAN + 1))


def _after(rng: random.Random, d: date, max_days: int) -> date:
    """A date on or after ``d`` (within ``max_days``), never past END."""
    return min(END, d + timedelta(days=rng.randrange(max_days + 1)))


def _name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def _org(rng: random.Random, unit: str) -> tuple[str, tuple[str, ...]]:
    """A unit under ``unit``'s supervision, and the posts it has."""
    if unit.endswith(("镇纪委", "乡纪委", "纪工委")) and rng.random() < 0.7:
        place = unit.removesuffix("纪委").removesuffix("纪工委")
        kind = rng.choice(tuple(_VILLAGES))
        return place + rng.choice("东南西北新前后上下") + kind, _VILLAGES[kind]
    return rng.choice(_ORGS), _POSTS


def _clues(rng: random.Random, idx: int, unit: str, n: int) -> list[dict]:
    width = max(4, len(str(n)))
    rows = []
    for _ in range(n):
        accepted = _day(rng)
        org, posts = _org(rng, unit)
        top = rng.random() < 0.08
        disposal = rng.choices(DISPOSALS + ("",), weights=(30, 35, 10, 15, 10))[0]
        filed = closed = None
        if disposal == DISPOSALS[1] and rng.random() < 0.7:  # 初步核实 → 立案
            filed = _after(rng, accepted, 120)
            if rng.random() < 0.6:
                closed = _after(rng, filed, 200)
        rows.append(
            {
                "受理日期": accepted,
                "线索来源": rng.choices(CLUE_SOURCES, weights=(45, 12, 20, 5, 10, 8))[0],
                "被反映人": _name(rng),
                "单位职务": org + rng.choice(posts),
                "是否一把手": top,
                "是否领导班子成员": (not top) and rng.random() < 0.15,
                "处置方式": disposal,
                "立案日期": filed,
                "结案日期": closed,
            }
        )
    rows.sort(key=lambda r: r["受理日期"])
    for seq, r in enumerate(rows, 1):
        r["线索编号"] = f"{idx:03d}-{r['受理日期'].year}-{seq:0{width}d}"
    return rows


def _measures(rng: random.Random, v: Vocab, clues: list[dict], n: int) -> list[dict]:
    filed = [c for c in clues if c["立案日期"] is not None]
    rows: list[dict] = []
    while len(rows) < n:
        form = rng.choices(v.forms, weights=(62, 26, 8, 4))[0]
        measure = rng.choice(v.by_form[form])
        needs_case = measure in v.sanctions or form == v.forms[-1]
        if needs_case and not filed:
            measure = rng.choice(v.free_measures)
            needs_case = False
        clue = (
            rng.choice(filed)
            if needs_case
            else (rng.choice(clues) if clues and rng.random() < 0.5 else None)
        )
        row = {
            "姓名": clue["被反映人"] if clue else _name(rng),
            "线索编号": clue["线索编号"] if clue else "",
            "是否一把手": clue["是否一把手"] if clue else rng.random() < 0.06,
            "是否领导班子成员": clue["是否领导班子成员"] if clue else rng.random() < 0.12,
            "处理日期": _after(
                rng, (clue["立案日期"] or clue["受理日期"]) if clue else _day(rng), 150
            ),
            "形态": v.measure_form[measure],
            "处理方式": measure,
        }
        rows.append(row)
        # a party member who is also a public servant: a party and a government
        # sanction for the same case (counts as ONE sanctioned person)
        if measure in v.sanctions and len(rows) < n and rng.random() < 0.3:
            other = rng.choice(v.gov if measure in v.party else v.party)
            rows.append(dict(row, 处理方式=other, 形态=v.measure_form[other]))
    rows.sort(key=lambda r: r["处理日期"])
    return rows


def _talks(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for _ in range(n):
        kind = rng.choices(TALK_TYPES, weights=(30, 30, 20, 5, 15))[0]
        batch = rng.random() < 0.25
        rows.append(
            {
                "日期": _day(rng),
                "谈话类型": kind,
                "人数": rng.randint(2, 60) if batch else (1 if rng.random() < 0.9 else None),
                "对象类别": rng.choices(TALK_TARGETS + ("",), weights=(12, 20, 15, 40, 5, 8))[0],
            }
        )
    rows.sort(key=lambda r: r["日期"])
    return rows


_LETTER_CODES = {"廉洁提醒函": "廉函", "履责提醒函": "责函", "纪检监察建议书": "建"}


def _letters(rng: random.Random, idx: int, unit: str, n: int) -> list[dict]:
    rows = []
    for _ in range(n):
        rows.append(
            {
                "印发日期": _day(rng),
                "文书类型": rng.choices(LETTER_TYPES, weights=(50, 35, 15))[0],
                "收文单位": _org(rng, unit)[0],
                "督促整改问题数": rng.choice((0, 0, 1, 2, 3, 4, 5, 8))
                if rng.random() < 0.9
                else None,
            }
        )
    rows.sort(key=lambda r: r["印发日期"])
    seq: dict[tuple, int] = {}
    for r in rows:
        key = (r["文书类型"], r["印发日期"].year)
        seq[key] = seq.get(key, 0) + 1
        if rng.random() < 0.05:  # 文号 is optional
            r["文号"] = ""
        else:
            code = _LETTER_CODES.get(r["文书类型"], "文")
            r["文号"] = f"纪{idx:03d}{code}〔{key[1]}〕{seq[key]}号"
    return rows


def _activities(rng: random.Random, v: Vocab, n: int) -> list[dict]:
    kinds = list(v.activities)
    rows = []
    for _ in range(n):
        kind = rng.choice(kinds)
        unit = v.activities[kind]
        big = unit in ("份", "人", "册")
        qty = rng.randint(1, 300) if big else rng.randint(1, 20)
        rows.append(
            {
                "日期": _day(rng),
                "活动类型": kind,
                "数量": qty,
                "计量单位": unit if rng.random() < 0.85 else "",
            }
        )
    rows.sort(key=lambda r: r["日期"])
    return rows


# ---------------------------------------------------------------- writing


def _text_date(rng: random.Random, d: date) -> str:
    y, m, dd = d.year, d.month, d.day
    return rng.choice(
        (f"{y}年{m}月{dd}日", f"{y}/{m}/{dd}", f"{y}.{m}.{dd}", f"{y}-{m:02d}-{dd:02d}")
    )


def _write_sheet(wb, fmts, rng: random.Random, unit: str, sheet: str, rows: list[dict]) -> None:
    ws = wb.add_worksheet(sheet)
    columns = list(COLUMNS[sheet])
    serial_col = rng.random() < 0.3  # 序号 in front
    remark_col = rng.random() < 0.3  # 备注 at the end
    header = [
        c if rng.random() < 0.75 else rng.choice(HEADER_VARIANTS.get(c, (c,))) for c in columns
    ]
    if serial_col:
        header.insert(0, "序号")
    if remark_col:
        header.append("备注")
    off = 1 if serial_col else 0
    ncols = len(header)

    r = 0
    if rng.random() < 0.4:  # merged title above the header
        ws.merge_range(r, 0, r, ncols - 1, f"{unit}{sheet}台账", fmts["title"])
        ws.set_row(r, 30)
        r += 1
        if rng.random() < 0.4:
            ws.merge_range(
                r, 0, r, ncols - 1, f"填报单位：{unit}        填报时间：2023年1月5日", fmts["sub"]
            )
            r += 1
    for c, h in enumerate(header):
        ws.write_string(r, c, h, fmts["head"])
    ws.freeze_panes(r + 1, 0)
    ws.set_column(0, ncols - 1, 14)
    r += 1
    first_data = r

    text_dates = rng.random() < 0.4  # this sheet has a few dates typed as text
    text_numbers = rng.random() < 0.3
    yes, no = rng.choice(YES_NO_STYLES)
    gaps = (
        set(rng.sample(range(1, len(rows)), k=min(2, max(0, len(rows) - 1))))
        if rng.random() < 0.35
        else set()
    )
    wstr, wnum = ws.write_string, ws.write_number
    date_fmt = fmts["date"]
    for i, row in enumerate(rows):
        if i in gaps:
            r += 1  # an empty row
        if serial_col:
            wnum(r, 0, i + 1)
        for c, name in enumerate(columns, off):
            val = row.get(name)
            if val is None or val == "":
                continue
            if name in BOOL_COLUMNS:
                s = yes if val else no
                if s:
                    wstr(r, c, s)
            elif isinstance(val, date):
                if text_dates and rng.random() < 0.01:
                    wstr(r, c, _text_date(rng, val))
                else:
                    wnum(r, c, (val - EXCEL_EPOCH).days, date_fmt)
            elif isinstance(val, str):
                wstr(r, c, val)
            elif text_numbers and rng.random() < 0.01:
                wstr(r, c, rng.choice((str(val), str(val).translate(_FULLWIDTH))))
            else:
                wnum(r, c, val)
        if remark_col and rng.random() < 0.05:
            wstr(r, ncols - 1, rng.choice(("已整改", "见附件", "补报", "材料已归档")))
        r += 1
    last_data = r - 1

    if rows and rng.random() < 0.3:  # a 合计 row with SUM formulas and cached values
        r += rng.random() < 0.5  # sometimes after an empty row
        ws.write_string(r, 0, rng.choice(("合计", "合  计", "总计")), fmts["head"])
        for c, name in enumerate(columns, off):
            if name in SUM_COLUMNS and c > 0:
                total = sum(x.get(name) or (1 if name == "人数" else 0) for x in rows)
                col = xlsxwriter.utility.xl_col_to_name(c)
                ws.write_formula(
                    r, c, f"=SUM({col}{first_data + 1}:{col}{last_data + 1})", None, total
                )


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def write_workbook(
    path: Path, idx: int, unit: str, rows: int, seed: int, vocab: Vocab | None = None
) -> Path:
    """One department's workbook; deterministic for (seed, idx)."""
    v = vocab or _vocab()
    rng = random.Random(seed * 1_000_003 + idx)
    clues = _clues(rng, idx, unit, rows)
    data = {
        "问题线索": clues,
        "处分处理": _measures(rng, v, clues, rows),
        "谈话": _talks(rng, rows),
        "文书": _letters(rng, idx, unit, rows),
        "监督活动": _activities(rng, v, rows),
    }
    tmp = path.with_name(path.stem + ".part.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    fmts = {
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "head": wb.add_format(
            {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1}
        ),
        "title": wb.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        ),
        "sub": wb.add_format({"align": "left"}),
    }
    wb.set_properties({"title": f"{unit}台账", "author": unit})
    for sheet in SHEET_ORDER:
        _write_sheet(wb, fmts, rng, unit, sheet, data[sheet])
    if rng.random() < 0.2:  # a sheet that is not a ledger (ignored with a note)
        ws = wb.add_worksheet("填报说明")
        ws.write_string(0, 0, "请按表头填写，日期格式如 2022-03-05，是否类填“是”或“否”。")
    wb.close()
    os.replace(tmp, path)
    return path


_VOCAB: Vocab | None = None


def _vocab() -> Vocab:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = Vocab()
    return _VOCAB


def _job(args: tuple) -> str:
    path, idx, unit, rows, seed = args
    return str(write_workbook(Path(path), idx, unit, rows, seed))


def generate(
    out_dir: Path, files: int, rows: int, seed: int = 1, jobs: int | None = None
) -> list[Path]:
    """Write ``files`` department workbooks with ``rows`` data rows a sheet into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = unit_names(files)
    tasks = [
        (str(out_dir / f"{name}.xlsx"), i, name, rows, seed) for i, name in enumerate(names, 1)
    ]
    if jobs is None:
        jobs = (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1
        )
    jobs = max(1, min(jobs, files))
    if jobs == 1 or files * rows < 5_000:
        return [Path(_job(t)) for t in tasks]
    _vocab()  # read once in the parent; forked workers inherit it
    ctx = get_context("fork") if sys.platform.startswith("linux") else get_context()
    with ctx.Pool(jobs) as pool:
        return [Path(p) for p in pool.map(_job, tasks, chunksize=1)]


# ---------------------------------------------------------------- read-back check

_TOTAL_WORDS = {"合计", "总计", "小计"}
_TEXT_DATE = re.compile(r"^(\d{4})(?:[-/.年])(\d{1,2})(?:[-/.月])(\d{1,2})日?$")
_YES = {"是", "√", "Y", "y", "1", "TRUE", "True", True}
_NO = {"否", "×", "N", "n", "0", "FALSE", "False", False}


def _as_date(v) -> date:
    if hasattr(v, "date") and callable(v.date):  # datetime / Timestamp
        return v.date()
    if isinstance(v, date):
        return v
    m = _TEXT_DATE.match(str(v).strip())
    if not m:
        raise ValueError(f"日期无法识别：{v!r}")
    return date(int(m[1]), int(m[2]), int(m[3]))


def _as_number(v) -> float:
    if isinstance(v, int | float):
        return float(v)
    return float(str(v).strip().translate(_HALFWIDTH))


_HALFWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def read_back(path: Path) -> dict[str, list[dict]]:
    """A workbook's ledger rows as a person reads them, via pandas + calamine."""
    import pandas as pd

    from workreport.ledgers import normalise_header

    out: dict[str, list[dict]] = {}
    book = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    for sheet, df in book.items():
        if sheet not in COLUMNS:
            continue
        cells = df.astype(object).where(df.notna(), None).values.tolist()
        want = set(COLUMNS[sheet])
        hdr = next(
            i for i, row in enumerate(cells[:10]) if want <= {normalise_header(c) for c in row}
        )
        names = [normalise_header(c) for c in cells[hdr]]
        rows = []
        for excel_row, row in enumerate(cells[hdr + 1 :], hdr + 2):
            filled = [v for v in row if not _blank(v)]
            if not filled:
                continue
            if re.sub(r"\s+", "", str(filled[0])) in _TOTAL_WORDS:
                continue
            rec = {
                n: (None if _blank(v) else v) for n, v in zip(names, row, strict=True) if n in want
            }
            rec["_row"] = excel_row
            rows.append(rec)
        out[sheet] = rows
    return out


def check(paths: list[Path], rows: int | None = None) -> list[str]:
    """Check the generated files against docs/rules.md (输入约定) independently of workreport's validator."""
    v = _vocab()
    problems: list[str] = []
    clue_ids: dict[str, str] = {}
    doc_nos: dict[str, str] = {}
    books = {}
    for p in paths:
        books[p] = read_back(p)
        for r in books[p]["问题线索"]:
            cid = str(r["线索编号"])
            if cid in clue_ids:
                problems.append(f"{p.name} 行{r['_row']}: 线索编号 {cid} 与 {clue_ids[cid]} 重复")
            clue_ids[cid] = p.name
    for p, book in books.items():

        def bad(sheet: str, r: dict, msg: str, p=p) -> None:
            problems.append(f"{p.name} / {sheet} / 行{r['_row']}: {msg}")

        if set(book) != set(COLUMNS):
            problems.append(f"{p.name}: 工作表 {sorted(book)}")
        for sheet, recs in book.items():
            if rows is not None and len(recs) != rows:
                problems.append(f"{p.name} / {sheet}: {len(recs)} 行，应为 {rows}")
        filed = {}
        for r in book["问题线索"]:
            try:
                acc = _as_date(r["受理日期"])
                fil = _as_date(r["立案日期"]) if r["立案日期"] is not None else None
                clo = _as_date(r["结案日期"]) if r["结案日期"] is not None else None
            except ValueError as e:
                bad("问题线索", r, str(e))
                continue
            if not START <= acc <= END:
                bad("问题线索", r, f"受理日期 {acc} 超出范围")
            if r["线索来源"] not in CLUE_SOURCES:
                bad("问题线索", r, f"线索来源 {r['线索来源']}")
            if r["处置方式"] is not None and r["处置方式"] not in DISPOSALS:
                bad("问题线索", r, f"处置方式 {r['处置方式']}")
            if r["被反映人"] is None:
                bad("问题线索", r, "被反映人为空")
            for col in ("是否一把手", "是否领导班子成员"):
                if r[col] is not None and r[col] not in _YES | _NO:
                    bad("问题线索", r, f"{col} {r[col]!r}")
            if fil is not None and fil < acc:
                bad("问题线索", r, f"立案日期 {fil} 早于受理日期 {acc}")
            if clo is not None and (fil is None or clo < fil):
                bad("问题线索", r, f"结案日期 {clo} 无立案日期或早于立案日期")
            if fil is not None:
                filed[str(r["线索编号"])] = fil
        for r in book["处分处理"]:
            m = r["处理方式"]
            if m not in v.measure_form:
                bad("处分处理", r, f"处理方式 {m}")
            elif r["形态"] != v.measure_form[m]:
                bad("处分处理", r, f"形态 {r['形态']} 与处理方式 {m} 不符")
            cid = None if r["线索编号"] is None else str(r["线索编号"])
            if cid is not None and cid not in clue_ids:
                bad("处分处理", r, f"线索编号 {cid} 不存在")
            if m in v.sanctions and cid not in filed:
                bad("处分处理", r, f"{m} 的线索 {cid} 未立案（或不在本工作簿）")
            try:
                _as_date(r["处理日期"])
            except ValueError as e:
                bad("处分处理", r, str(e))
        for r in book["谈话"]:
            if r["谈话类型"] not in TALK_TYPES:
                bad("谈话", r, f"谈话类型 {r['谈话类型']}")
            if r["对象类别"] is not None and r["对象类别"] not in TALK_TARGETS:
                bad("谈话", r, f"对象类别 {r['对象类别']}")
            if r["人数"] is not None:
                n = _as_number(r["人数"])
                if n < 1 or n != int(n):
                    bad("谈话", r, f"人数 {r['人数']}")
            _as_date(r["日期"])
        for r in book["文书"]:
            if r["文书类型"] not in LETTER_TYPES:
                bad("文书", r, f"文书类型 {r['文书类型']}")
            no = r["文号"]
            if no is not None:
                if no in doc_nos:
                    bad("文书", r, f"文号 {no} 与 {doc_nos[no]} 重复")
                doc_nos[no] = p.name
            if r["督促整改问题数"] is not None and _as_number(r["督促整改问题数"]) < 0:
                bad("文书", r, "督促整改问题数 < 0")
            _as_date(r["印发日期"])
        for r in book["监督活动"]:
            kind = r["活动类型"]
            if kind not in v.activities:
                bad("监督活动", r, f"活动类型 {kind}")
            elif r["计量单位"] is not None and r["计量单位"] != v.activities[kind]:
                bad("监督活动", r, f"计量单位 {r['计量单位']} ≠ {v.activities[kind]}")
            if _as_number(r["数量"]) < 0:
                bad("监督活动", r, "数量 < 0")
            _as_date(r["日期"])
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成符合输入约定的模拟台账工作簿（基准测试用）")
    ap.add_argument("out", type=Path, help="输出文件夹")
    ap.add_argument("--files", type=int, default=50, help="工作簿（填报单位）个数，默认 50")
    ap.add_argument("--rows", type=int, default=100, help="每个工作表的数据行数，默认 100")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=None, help="并行进程数，默认 CPU 核数")
    ap.add_argument(
        "--check", action="store_true", help="生成后用 pandas+calamine 读回，按输入约定自检"
    )
    a = ap.parse_args(argv)
    if a.files < 1 or a.rows < 1:
        ap.error("--files 和 --rows 须为正整数")
    t0 = time.perf_counter()
    paths = generate(a.out, a.files, a.rows, a.seed, a.jobs)
    dt = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{len(paths)} 个工作簿，每表 {a.rows} 行，共 {len(paths) * a.rows * 5:,} 行，"
        f"{size / 1e6:.1f} MB，用时 {dt:.1f} s → {a.out}"
    )
    if a.check:
        problems = check(paths, a.rows)
        for msg in problems[:50]:
            print("  ✗", msg)
        print(
            f"自检：{len(problems)} 个问题"
            if problems
            else "自检通过：线索编号/文号唯一，日期先后、枚举、形态、计量单位均符合约定"
        )
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
