"""One set of records written in three layouts, for the source-profile tests.

``ours`` is our own ledger layout; ``department`` is a department's own sheets
(线索台账 / 处理台账, other headers, abbreviated values); ``platform`` is the
case platform's flat export: one sheet, a clue's columns repeated on the row of
each measure taken on it.  Read through their profiles, the three must give the
same figures (docs/sources.md).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from workreport.config import load_config
from workreport.ledgers import ledger_specs

SPECS = ledger_specs(load_config(None))
# every name below is a test name that must never reach any output
NAMES = ("张三丰", "李四海", "王五岳", "赵六合")

# (线索编号, 受理日期, 线索来源, 被反映人, 是否一把手, 处置方式, 立案日期, 结案日期)
CLUES = [
    ("XS001", "2022-01-10", "信访举报", "张三丰", "是", "初步核实", "2022-02-01", "2022-04-01"),
    ("XS002", "2022-02-15", "巡视巡察移交", "李四海", "否", "谈话函询", None, None),
    ("XS003", "2022-03-01", "监督检查发现", "王五岳", "否", "初步核实", "2022-03-20", None),
    ("XS004", "2022-05-05", "信访举报", "赵六合", "否", None, None, None),
]
# (姓名, 线索编号, 处理日期, 形态, 处理方式)
MEASURES = [
    ("张三丰", "XS001", "2022-04-05", "第二种形态", "党纪警告"),
    ("张三丰", "XS001", "2022-04-05", "第二种形态", "政务警告"),
    ("李四海", "XS002", "2022-03-01", "第一种形态", "批评教育"),
    ("王五岳", "XS003", "2022-06-01", "第一种形态", "诫勉"),
]
SHORT_SOURCES = {"信访举报": "信访", "巡视巡察移交": "巡察", "监督检查发现": "监督"}
SHORT_DISPOSALS = {"谈话函询": "函询", "初步核实": "初核"}


def day(text):
    return datetime.fromisoformat(text) if text else None


def save(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def ours(folder: Path, unit: str = "第一室", clues=CLUES, measures=MEASURES) -> Path:
    clue_cols = [c.name for c in SPECS["clues"].columns]
    measure_cols = [c.name for c in SPECS["measures"].columns]
    clue_rows = []
    for cid, received, source, name, top, disposal, filed, closed in clues:
        row = dict.fromkeys(clue_cols)
        row.update(
            线索编号=cid,
            受理日期=day(received),
            线索来源=source,
            被反映人=name,
            是否一把手=top,
            处置方式=disposal,
            立案日期=day(filed),
            结案日期=day(closed),
        )
        clue_rows.append([row[c] for c in clue_cols])
    measure_rows = []
    for name, cid, when, form, kind in measures:
        row = dict.fromkeys(measure_cols)
        row.update(姓名=name, 线索编号=cid, 处理日期=day(when), 形态=form, 处理方式=kind)
        measure_rows.append([row[c] for c in measure_cols])
    return save(
        folder / f"{unit}.xlsx",
        {"问题线索": [clue_cols, *clue_rows], "处分处理": [measure_cols, *measure_rows]},
    )


DEPARTMENT_PROFILE = """
[sources."部门台账"]
match = "*部门台账.xlsx"

[[sources."部门台账".sheets]]
sheet = "线索台账"
ledger = "问题线索"
columns = { "编号" = "线索编号", "收到时间" = "受理日期", "来源渠道" = "线索来源", "被反映人姓名" = "被反映人", "是否主要负责人" = "是否一把手", "办理方式" = "处置方式", "立案时间" = "立案日期", "结案时间" = "结案日期" }
values = { "来源渠道" = { "信访" = "信访举报", "巡察" = "巡视巡察移交", "监督" = "监督检查发现" }, "办理方式" = { "函询" = "谈话函询", "初核" = "初步核实" }, "是否主要负责人" = { "Y" = "是", "N" = "否" } }

[[sources."部门台账".sheets]]
sheet = "处理台账"
ledger = "处分处理"
columns = { "姓名" = "姓名", "线索号" = "线索编号", "处理时间" = "处理日期", "运用形态" = "形态", "处理结果" = "处理方式" }
"""


def department(folder: Path, unit: str = "第一室", clues=CLUES, measures=MEASURES) -> Path:
    clue_rows = [
        ["第一室线索台账（2022年）"],
        [
            "序号",
            "编号",
            "收到时间",
            "来源渠道",
            "被反映人姓名",
            "是否主要负责人",
            "办理方式",
            "立案时间",
            "结案时间",
            "承办人",
        ],
    ]
    for n, (cid, received, source, name, top, disposal, filed, closed) in enumerate(clues, 1):
        clue_rows.append(
            [
                n,
                cid,
                received.replace("-", "."),
                SHORT_SOURCES[source],
                name,
                "Y" if top == "是" else "N",
                SHORT_DISPOSALS.get(disposal),
                day(filed),
                day(closed),
                "某承办人",
            ]
        )
    measure_rows = [["姓名", "线索号", "处理时间", "运用形态", "处理结果"]]
    for name, cid, when, form, kind in measures:
        measure_rows.append([name, cid, day(when), form, kind])
    return save(
        folder / f"{unit}部门台账.xlsx",
        {"说明": [["本表由第一室填报"]], "线索台账": clue_rows, "处理台账": measure_rows},
    )


PLATFORM_PROFILE = """
[sources."平台导出"]
match = "*平台导出*.xlsx"

[[sources."平台导出".sheets]]
sheet = "线索处置"
ledger = "问题线索"
key = "线索编号"
columns = { "线索编码" = "线索编号", "收件日期" = "受理日期", "线索来源" = "线索来源", "反映对象" = "被反映人", "是否一把手" = "是否一把手", "处置方式" = "处置方式", "立案日期" = "立案日期", "结案日期" = "结案日期" }
values = { "处置方式" = { "函询" = "谈话函询", "初核" = "初步核实" } }

[[sources."平台导出".sheets]]
sheet = "线索处置"
ledger = "处分处理"
rows_with = "处理对象"
columns = { "线索编码" = "线索编号", "处理对象" = "姓名", "处理日期" = "处理日期", "处理种类" = "处理方式" }
"""
PLATFORM_HEADER = [
    "线索编码",
    "收件日期",
    "线索来源",
    "反映对象",
    "是否一把手",
    "处置方式",
    "立案日期",
    "结案日期",
    "处理对象",
    "处理日期",
    "处理种类",
    "承办部门",
]


def platform_rows(clues=CLUES, measures=MEASURES) -> list[list]:
    """The flat export's rows: a clue on the row of each of its measures, its columns
    left blank on a repeated row (as the platform leaves them), once with none."""
    rows = []
    for cid, received, source, name, top, disposal, filed, closed in clues:
        own = [m for m in measures if m[1] == cid] or [None]
        for k, m in enumerate(own):
            clue_cells = [
                cid,
                day(received),
                source,
                name,
                top,
                SHORT_DISPOSALS.get(disposal, disposal),
                day(filed),
                day(closed),
            ]
            if k:  # a repeated row: the clue's date left blank (it takes the key's)
                clue_cells[1] = None
            measure_cells = [m[0], day(m[2]), m[4]] if m else [None, None, None]
            rows.append([*clue_cells, *measure_cells, "某部门"])
    return rows


def platform(folder: Path, unit: str = "第一室", rows=None, **kw) -> Path:
    rows = platform_rows(**kw) if rows is None else rows
    return save(folder / f"{unit}平台导出.xlsx", {"线索处置": [PLATFORM_HEADER, *rows]})
