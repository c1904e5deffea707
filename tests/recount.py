"""A second, independent implementation of the figures, for the sample ledgers.

It reads the workbooks with openpyxl alone and counts by the rules of the README
(«指标与口径»), without workreport's loader, validator or figure code: only the
contract (the sheets' columns and vocabularies, from ``ledger_specs`` and the
package defaults) is shared.  ``recount(folder, start, end)`` gives the shape
``workreport stats --format json --by 单位`` prints, so a test can hold both
against the golden file, and ``problems`` lists any break of the input contract.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import load_workbook

from workreport.config import load_config
from workreport.ledgers import BOOL, DATE, INT, NUMBER, ledger_specs

CONFIG = load_config(None)
SHEETS = {spec.name: spec for spec in ledger_specs(CONFIG).values()}
FORM_NAMES = ("第一种形态", "第二种形态", "第三种形态", "第四种形态")
PARTY, GOV = set(CONFIG.party_sanctions), set(CONFIG.gov_sanctions)
UNDISPOSED = "未处置"
TOTAL_WORDS = ("合计", "总计", "小计")
TEXT_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
YES = {"是", "Y", "y", "√", "TRUE", "true", "1", True}
NO = {"否", "N", "n", "×", "FALSE", "false", "0", False, None, ""}
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def header_name(value, aliases: dict[str, str]) -> str:
    """A header cell as a person reads it: no spaces, no unit note such as （人）."""
    s = re.sub(r"\s+", "", str(value or "")).replace("\u3000", "")
    s = re.sub(r"[（(][^（）()]*[)）]$", "", s)
    return aliases.get(s, s)


def choices(sheet: str, column: str) -> tuple[str, ...]:
    return SHEETS[sheet].column(column).choices


class Ledgers:
    """Every ledger row of a folder, typed; the sheets each unit sent; what is wrong."""

    def __init__(self, folder: Path):
        self.rows: dict[str, list[dict]] = {name: [] for name in SHEETS}
        self.sheets: dict[str, set[str]] = {}
        # (sheet, bulletin column) → units whose sheet has it with a non-blank cell
        self.reported: dict[tuple[str, str], set[str]] = {}
        self.totals_skipped: list[str] = []
        self.problems: list[str] = []
        for path in sorted(folder.glob("*.xlsx")):
            book = load_workbook(path, data_only=True)
            self.sheets[path.stem] = {ws.title for ws in book.worksheets if ws.title in SHEETS}
            for ws in book.worksheets:
                if ws.title in SHEETS:
                    self.read_sheet(path, ws)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}：{message}")

    def read_sheet(self, path: Path, ws) -> None:
        spec = SHEETS[ws.title]
        aliases = {a: c.name for c in spec.columns for a in c.aliases}
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    grid[r - 1][c - 1] = value
        where = f"{path.name} / {ws.title}"
        heads = [[header_name(v, aliases) for v in cells] for cells in grid[:10]]
        at = next((i for i, names in enumerate(heads) if set(spec.required) <= set(names)), None)
        if at is None:
            self.problem(where, "前 10 行中找不到表头")
            return
        names = heads[at]
        index = {name: j for j, name in enumerate(names) if name in {c.name for c in spec.columns}}
        for i in range(at + 1, len(grid)):
            filled = [v for v in grid[i] if v is not None and str(v).strip() != ""]
            if not filled:
                continue
            if re.sub(r"\s+", "", str(filled[0])) in TOTAL_WORDS:
                self.totals_skipped.append(where)
                continue
            row = {"_unit": path.stem, "_where": f"{where} / 第{i + 1}行"}
            for column in spec.columns:
                raw = grid[i][index[column.name]] if column.name in index else None
                blank = raw is None or str(raw).strip() == ""
                if column.partial and not blank:
                    self.reported.setdefault((ws.title, column.name), set()).add(path.stem)
                if column.partial and blank:
                    row[column.name] = None  # blank in a bulletin column: nothing, not 否
                    continue
                row[column.name] = self.typed(raw, column, row["_where"])
            self.rows[ws.title].append(row)

    def typed(self, v, column, where: str):
        if column.kind == DATE:
            return self.as_date(v, where, column.required)
        if column.kind == BOOL:
            key = v.strip() if isinstance(v, str) else v
            if key not in YES | NO:
                self.problem(where, f"无法识别的是/否 {v!r}")
            return key in YES
        if column.kind in (INT, NUMBER):
            return self.as_number(v, where, column.default)
        v = dict(column.readings).get(v, v)  # 处级 → 县处级, 群众 → 非中共党员
        if column.choices and v not in (*column.choices, None):
            self.problem(where, f"{column.name} {v!r} 不在可选范围内")
        return v

    def as_date(self, v, where: str, required: bool) -> date | None:
        if isinstance(v, datetime):
            return v.date()
        if v is None or str(v).strip() == "":
            if required:
                self.problem(where, "日期为空")
            return None
        if m := TEXT_DATE.match(str(v).strip()):
            return date(int(m[1]), int(m[2]), int(m[3]))
        self.problem(where, f"无法识别的日期 {v!r}")
        return None

    def as_number(self, v, where: str, default):
        if v is None or str(v).strip() == "":
            return default
        if isinstance(v, int | float) and not isinstance(v, bool):
            return v
        s = str(v).strip().translate(FULLWIDTH)
        if s.isdigit():
            return int(s)
        if re.fullmatch(r"\d+\.\d+", s):
            return float(s)
        self.problem(where, f"不是数字 {v!r}")
        return default

    def check_rules(self) -> None:
        """The cross-row rules of the input contract (README «输入约定»)."""
        clues = {r["线索编号"]: r for r in self.rows["问题线索"]}
        for cid, n in Counter(r["线索编号"] for r in self.rows["问题线索"]).items():
            if n > 1:
                self.problem("问题线索", f"线索编号 {cid} 出现 {n} 次")
        for r in self.rows["问题线索"]:
            received, filed, closed = r["受理日期"], r["立案日期"], r["结案日期"]
            if filed and received and filed < received:
                self.problem(r["_where"], "立案日期早于受理日期")
            if closed and (not filed or closed < filed):
                self.problem(r["_where"], "结案日期无立案日期或早于立案日期")
        for r in self.rows["处分处理"]:
            measure, cid = r["处理方式"], r["线索编号"]
            if CONFIG.forms.get(measure) != r["形态"]:
                self.problem(r["_where"], f"形态 {r['形态']} 与处理方式 {measure} 不符")
            if cid and cid not in clues:
                self.problem(r["_where"], f"线索编号 {cid} 不存在")
            if measure in PARTY | GOV and not (cid in clues and clues[cid]["立案日期"]):
                self.problem(r["_where"], "党纪政务处分须对应已立案的线索")
        numbers = Counter(r["文号"] for r in self.rows["文书"] if r["文号"])
        for number, n in numbers.items():
            if n > 1:
                self.problem("文书", f"文号 {number} 出现 {n} 次")
        for r in self.rows["监督活动"]:
            unit = CONFIG.activities.get(r["活动类型"])
            if r["计量单位"] not in (None, "", unit):
                self.problem(r["_where"], f"计量单位 {r['计量单位']} 与词表 {unit} 不符")


def figures(ledgers: Ledgers, start: date, end: date, unit: str | None = None) -> dict:
    """The figures of one unit (or all), None where no workbook has that sheet."""
    sent = set().union(*(s for u, s in ledgers.sheets.items() if unit in (None, u)))

    def rows(sheet: str, when: str) -> list[dict]:
        return [
            r
            for r in ledgers.rows[sheet]
            if unit in (None, r["_unit"]) and r[when] is not None and start <= r[when] <= end
        ]

    def top(r: dict) -> bool:
        return r["是否一把手"] or r["是否领导班子成员"]

    out: dict = {}
    if "问题线索" in sent:
        clues, filed = rows("问题线索", "受理日期"), rows("问题线索", "立案日期")
        out["clues"] = len(clues)
        out["clues_by_source"] = {
            s: sum(r["线索来源"] == s for r in clues) for s in choices("问题线索", "线索来源")
        }
        disposals = (*choices("问题线索", "处置方式"), None)
        out["clues_by_disposal"] = {
            d or UNDISPOSED: sum(r["处置方式"] == d for r in clues) for d in disposals
        }
        out["cases_filed"] = len(filed)
        out["cases_closed"] = len(rows("问题线索", "结案日期"))
        out["top_clues"] = sum(top(r) for r in clues)
        out["top_cases_filed"] = sum(top(r) for r in filed)
    if "处分处理" in sent:
        ms = rows("处分处理", "处理日期")

        def persons(kinds, only_top=False) -> int:
            # 党纪政务处分 count people (线索编号 + 姓名), not sanctions: README «指标与口径»
            return len(
                {
                    (r["线索编号"], r["姓名"])
                    for r in ms
                    if r["处理方式"] in kinds and top(r) >= only_top
                }
            )

        # 四种形态 count 人次: one person in one matter (线索编号, else the workbook and the
        # day), in the heaviest form of its rows, 一把手/班子 if any row says so (docs/figures.md)
        times: dict = {}
        for r in ms:
            key = (r["线索编号"] or ("", r["_unit"], r["处理日期"]), r["姓名"])
            form, was_top = times.get(key, (r["形态"], False))
            heavier = max(form, r["形态"], key=FORM_NAMES.index)
            times[key] = (heavier, was_top or bool(top(r)))
        out["forms_total"] = len(times)
        for i, form in enumerate(FORM_NAMES, 1):
            out[f"forms_{i}"] = sum(f == form for f, _ in times.values())
        out["sanctioned_persons"] = persons(PARTY | GOV)
        out["party_sanctioned_persons"] = persons(PARTY)
        out["gov_sanctioned_persons"] = persons(GOV)
        out["top_sanctioned_persons"] = persons(PARTY | GOV, True)
        out["top_forms_1"] = sum(f == FORM_NAMES[0] and t for f, t in times.values())
        out["forms_shares"] = shares([out[f"forms_{i}"] for i in range(1, 5)])
    out.update(bulletin(ledgers, rows, unit))
    if "信访举报" in sent:  # docs/figures.md: a 件次 a row; 检举控告类 件 leave out the 重复件
        petitions = rows("信访举报", "收到日期")
        out["petitions"] = len(petitions)
        out["petitions_by_form"] = {
            k: sum(r["信访形式"] == k for r in petitions) for k in choices("信访举报", "信访形式")
        }
        out["petitions_by_category"] = {
            k: sum(r["信访类别"] == k for r in petitions) for k in choices("信访举报", "信访类别")
        }
        out["petitions_accusations"] = sum(
            r["信访类别"] == "检举控告类" and not r["是否重复件"] for r in petitions
        )
    if "问责" in sent:
        decisions = rows("问责", "问责日期")
        out["accountability_orgs"] = sum(r["数量"] for r in decisions if r["问责对象"] == "党组织")
        out["accountability_persons"] = sum(
            r["数量"] for r in decisions if r["问责对象"] == "党员领导干部"
        )
    if "谈话" in sent:
        talks = rows("谈话", "日期")
        kinds = choices("谈话", "谈话类型")
        out["talks"] = {t: sum(r["人数"] for r in talks if r["谈话类型"] == t) for t in kinds}
        out["talks_total"] = sum(out["talks"].values())
        out["talks_top_leaders"] = {
            t: sum(r["人数"] for r in talks if r["谈话类型"] == t and r["对象类别"] == "一把手")
            for t in kinds
        }
    if "文书" in sent:
        letters = rows("文书", "印发日期")
        kinds = choices("文书", "文书类型")
        out["letters"] = {t: sum(r["文书类型"] == t for r in letters) for t in kinds}
        out["letters_total"] = len(letters)
        out["letters_rectified_issues"] = sum(r["督促整改问题数"] for r in letters)
    if "监督活动" in sent:
        acts = rows("监督活动", "日期")
        out["activities"] = {
            k: sum(r["数量"] for r in acts if r["活动类型"] == k) for k in CONFIG.activities
        }
    return out


def bulletin(ledgers: Ledgers, rows, unit: str | None) -> dict:
    """The bulletin figures (README «指标与口径», docs/figures.md): each counts the units
    that report its column, and is left out where none does."""
    out: dict = {}

    def reporting(sheet: str, column: str) -> set[str]:
        units = ledgers.reported.get((sheet, column), set())
        return units if unit is None else units & {unit}

    def of(sheet: str, column: str, when: str) -> list[dict] | None:
        units = reporting(sheet, column)
        return [r for r in rows(sheet, when) if r["_unit"] in units] if units else None

    if (disposed := of("问题线索", "处置日期", "处置日期")) is not None:
        out["clues_disposed"] = len(disposed)
        out["clues_disposed_by_method"] = {
            d: sum(r["处置方式"] == d for r in disposed) for d in choices("问题线索", "处置方式")
        }
    for fid, column in (
        ("detained_persons", "留置日期"),
        ("transferred_persons", "移送检察机关日期"),
    ):
        if (held := of("问题线索", column, column)) is not None:
            out[fid] = len(held)
    if (closed := of("问题线索", "挽回经济损失（万元）", "结案日期")) is not None:
        total = sum(Decimal(str(r["挽回经济损失（万元）"] or 0)) for r in closed)
        amount = float(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        out["losses_recovered"] = int(amount) if amount.is_integer() else amount

    def sanctioned(ms: list[dict]) -> set[tuple]:
        return {(r["线索编号"], r["姓名"]) for r in ms if r["处理方式"] in PARTY | GOV}

    if (ms := of("处分处理", "职级", "处理日期")) is not None:
        # a person's 职级 is the one written on any of their rows
        rank = {
            (r["线索编号"], r["姓名"]): r["职级"]
            for r in ledgers.rows["处分处理"]
            if r["职级"] and r["线索编号"]
        }
        counted = Counter(rank.get(p) or "未填" for p in sanctioned(ms))
        out["sanctioned_by_rank"] = {k: counted[k] for k in (*choices("处分处理", "职级"), "未填")}
        # the same, of the persons with a 政务处分 (docs/figures.md)
        gov = {(r["线索编号"], r["姓名"]) for r in ms if r["处理方式"] in GOV}
        counted = Counter(rank.get(p) or "未填" for p in gov)
        out["gov_sanctioned_by_rank"] = {
            k: counted[k] for k in (*choices("处分处理", "职级"), "未填")
        }
    for column, fid in (("职级", "cases_filed_by_rank"), ("问题类别", "cases_filed_by_category")):
        if (filed := of("问题线索", column, "立案日期")) is not None:
            kinds = (*choices("问题线索", column), "未填")
            counted = Counter(r[column] or "未填" for r in filed)
            out[fid] = {k: counted[k] for k in kinds}
    # 八项规定 (docs/figures.md): measures by their clue's 问题类别, from the units that keep it
    with_measures = {u for u, sheets in ledgers.sheets.items() if "处分处理" in sheets}
    if units := reporting("问题线索", "问题类别") & with_measures:
        category = {r["线索编号"]: r["问题类别"] for r in ledgers.rows["问题线索"]}
        eight = set(CONFIG.eight_rules)
        ms = [
            r
            for r in rows("处分处理", "处理日期")
            if r["_unit"] in units and category.get(r["线索编号"]) in eight
        ]
        out["eight_rules_problems"] = len({r["线索编号"] for r in ms})
        out["eight_rules_persons"] = len({(r["线索编号"], r["姓名"]) for r in ms})
        out["eight_rules_sanctioned"] = len(sanctioned(ms))
    if (ms := of("处分处理", "政治面貌", "处理日期")) is not None:
        out["sanctioned_non_party_persons"] = len(
            sanctioned([r for r in ms if r["政治面貌"] == "非中共党员"])
        )
    if (ms := of("处分处理", "主动投案", "处理日期")) is not None:
        out["voluntary_surrender_persons"] = len(
            {(r["线索编号"], r["姓名"]) for r in ms if r["主动投案"]}
        )
    return out


def shares(counts: list[int]) -> dict[str, float]:
    """Percentages to 0.1 that add up to 100: the tenths left over by rounding down go
    to the largest remainders, the first form first on a tie."""
    total = sum(counts)
    if not total:
        return dict.fromkeys(FORM_NAMES, 0.0)
    tenths = [1000 * n // total for n in counts]
    by_remainder = sorted(range(len(counts)), key=lambda i: -(1000 * counts[i] % total))
    for i in by_remainder[: 1000 - sum(tenths)]:
        tenths[i] += 1
    return {form: t / 10 for form, t in zip(FORM_NAMES, tenths, strict=True)}


def recount(folder: Path, start: date, end: date) -> tuple[dict, Ledgers]:
    """``{"figures": …, "by_unit": {unit: …}}`` for the period, and the ledgers read."""
    ledgers = Ledgers(folder)
    ledgers.check_rules()
    return {
        "figures": figures(ledgers, start, end),
        "by_unit": {unit: figures(ledgers, start, end, unit) for unit in ledgers.sheets},
    }, ledgers
