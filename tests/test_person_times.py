"""四种形态 in 人次, the 上级's 口径 (docs/figures.md, 四种形态): one person in one matter,
once, in the heaviest form of its rows dated in the period.  Hand-made workbooks; every
expected value worked out by hand beside the assert."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from conftest import H1_2022, clue, measure, run
from workreport.audit import audit_tables
from workreport.errors import ConfigError
from workreport.figures import compute_figures, compute_figures_by_unit, compute_previous
from workreport.load import load_paths
from workreport.period import parse_period
from workreport.validate import validate

FILED = date(2022, 1, 20)


def ledgers_of(folder, config):
    ledgers, issues = validate(load_paths([folder], config), config)
    assert [i for i in issues if i.is_error] == []
    return ledgers


def forms(values) -> tuple:
    """(forms_total, forms_1, forms_2, forms_3, forms_4)"""
    return tuple(values[k] for k in ("forms_total", "forms_1", "forms_2", "forms_3", "forms_4"))


def both_rules(book, config) -> tuple[dict, dict]:
    """The 2022H1 figures of ``book`` under the 上级's 人次 rule and one per row (处理)."""
    ledgers = ledgers_of(book.folder, config)
    return (
        compute_figures(ledgers, H1_2022, config),
        compute_figures(ledgers, H1_2022, replace(config, forms_count="处理")),
    )


def case(cid):
    return clue(cid, date(2022, 1, 5), disposal="初步核实", filed=FILED)


def test_two_measures_on_one_matter_are_one_person_time(book, config):
    book(
        "案管室",
        {
            "问题线索": [case("A1")],
            "处分处理": [
                measure("张某甲", "A1", date(2022, 3, 1), "第二种形态", "党纪警告"),
                measure("张某甲", "A1", date(2022, 3, 1), "第二种形态", "政务警告"),
            ],
        },
    )
    by_person, by_row = both_rules(book, config)

    # one person, one clue: 1 人次 of the 第二种形态 (the bulletins' 不重不漏)
    assert forms(by_person) == (1, 0, 1, 0, 0)
    # one per row, the local practice: 2 人次, both 第二种
    assert forms(by_row) == (2, 0, 2, 0, 0)
    assert by_person["sanctioned_persons"] == by_row["sanctioned_persons"] == 1


def test_three_measures_across_two_forms_count_once_in_the_heaviest(book, config):
    book(
        "案管室",
        {
            "问题线索": [case("A2")],
            "处分处理": [
                measure("李某乙", "A2", date(2022, 5, 10), "第三种形态", "开除党籍"),
                measure("李某乙", "A2", date(2022, 5, 10), "第三种形态", "开除公职"),
                measure("李某乙", "A2", date(2022, 6, 2), "第四种形态", "移送检察机关"),
            ],
        },
    )
    by_person, by_row = both_rules(book, config)

    # 第四种 > 第三种: one 人次 of the 第四种形态, shares 0 / 0 / 0 / 100
    assert forms(by_person) == (1, 0, 0, 0, 1)
    assert by_person["forms_shares"]["第四种形态"] == 100.0
    # per row: 3 人次, two of the 第三种 (66.7 %) and one of the 第四种 (33.3 %)
    assert forms(by_row) == (3, 0, 0, 2, 1)
    assert by_row["forms_shares"]["第三种形态"] == 66.7


def test_a_matter_spanning_two_periods_counts_in_each_by_its_rows_there(book, config):
    book(
        "案管室",
        {
            "问题线索": [case("A3")],
            "处分处理": [
                measure("王某丙", "A3", date(2022, 3, 1), "第二种形态", "党纪警告"),
                measure("王某丙", "A3", date(2022, 8, 1), "第三种形态", "留党察看"),
            ],
        },
    )
    ledgers = ledgers_of(book.folder, config)

    first_half = compute_figures(ledgers, H1_2022, config)
    second_half = compute_figures(ledgers, parse_period("2022H2"), config)
    year = compute_figures(ledgers, parse_period("2022"), config)

    assert forms(first_half) == (1, 0, 1, 0, 0)  # only the 党纪警告 is dated in H1
    assert forms(second_half) == (1, 0, 0, 1, 0)  # only the 留党察看 in H2
    assert forms(year) == (1, 0, 0, 1, 0)  # both in 2022: once, in the heavier


def test_rows_without_a_clue_are_one_matter_per_workbook_name_and_day(book, config):
    book(
        "一室",
        {
            "处分处理": [
                # 赵某丁 twice on one day: one matter, 1 人次
                measure("赵某丁", None, date(2022, 4, 1), "第一种形态", "批评教育"),
                measure("赵某丁", None, date(2022, 4, 1), "第一种形态", "通报批评"),
                # 钱某戊 on two days: two matters, 2 人次
                measure("钱某戊", None, date(2022, 4, 1), "第一种形态", "批评教育"),
                measure("钱某戊", None, date(2022, 5, 6), "第一种形态", "责令检查"),
            ],
        },
    )
    # 赵某丁 on the same day in another workbook: a matter of that workbook, 1 more 人次
    book(
        "二室", {"处分处理": [measure("赵某丁", None, date(2022, 4, 1), "第一种形态", "批评教育")]}
    )
    ledgers = ledgers_of(book.folder, config)

    values = compute_figures(ledgers, H1_2022, config)

    assert forms(values) == (4, 4, 0, 0, 0)  # 1 + 2 + 1


def test_a_person_time_is_top_when_any_of_its_rows_says_so(book, config):
    book(
        "案管室",
        {
            "问题线索": [case("A4"), case("A5")],
            "处分处理": [
                # 孙某己: first form twice, the second row marked 一把手 → a top 人次
                measure("孙某己", "A4", date(2022, 2, 1), "第一种形态", "谈话提醒"),
                measure("孙某己", "A4", date(2022, 2, 9), "第一种形态", "批评教育", top=True),
                # 周某庚: a 一把手 first-form row, but the 人次 is 第二种: not top_forms_1
                measure("周某庚", "A5", date(2022, 2, 1), "第一种形态", "谈话提醒", top=True),
                measure("周某庚", "A5", date(2022, 3, 1), "第二种形态", "党纪警告"),
            ],
        },
    )
    by_person, by_row = both_rules(book, config)

    assert forms(by_person) == (2, 1, 1, 0, 0) and by_person["top_forms_1"] == 1
    # per row: 孙某己's 批评教育 and 周某庚's 谈话提醒 are both marked: 2
    assert forms(by_row) == (4, 3, 1, 0, 0) and by_row["top_forms_1"] == 2


def test_a_person_time_across_two_units_counts_once_in_the_unit_of_its_heaviest_row(book, config):
    book(
        "一室",
        {
            "问题线索": [case("A6")],
            "处分处理": [measure("吴某辛", "A6", date(2022, 3, 1), "第二种形态", "党纪警告")],
        },
    )
    book(
        "二室",
        {"处分处理": [measure("吴某辛", "A6", date(2022, 3, 9), "第三种形态", "留党察看")]},
    )
    ledgers, issues = validate(load_paths([book.folder], config), config)
    # the 案管室 sends it back (E142, docs/rules.md, 交叉核对); the count stays defined
    assert [(i.code, i.file) for i in issues if i.is_error] == [
        ("E142", "一室.xlsx"),
        ("E142", "二室.xlsx"),
    ]

    total = compute_figures(ledgers, H1_2022, config)
    at_once = compute_figures_by_unit(ledgers, H1_2022, config)
    one_by_one = {u: compute_figures(ledgers, H1_2022, config, unit=u) for u in ledgers.units}

    assert forms(total) == (1, 0, 0, 1, 0)
    assert forms(at_once["二室"]) == (1, 0, 0, 1, 0)  # the 留党察看 decides: 二室's
    assert forms(at_once["一室"]) == (0, 0, 0, 0, 0)
    assert at_once == one_by_one


def test_last_years_person_times_follow_the_same_rule(book, config):
    book(
        "案管室",
        {
            "问题线索": [case("A7"), clue("B7", date(2021, 1, 5), filed=date(2021, 1, 20))],
            "处分处理": [
                measure("郑某壬", "A7", date(2022, 3, 1), "第二种形态", "党纪警告"),
                measure("冯某癸", "B7", date(2021, 3, 1), "第二种形态", "党纪警告"),
                measure("冯某癸", "B7", date(2021, 3, 1), "第二种形态", "政务警告"),
            ],
        },
    )
    ledgers = ledgers_of(book.folder, config)

    previous = compute_previous(ledgers, H1_2022, config)

    assert previous["forms_total"] == 1 and previous["forms_2"] == 1  # 冯某癸 once in 2021H1


def test_the_audit_lists_every_row_of_a_person_time_under_one_number(book, config):
    book(
        "案管室",
        {
            "问题线索": [case("A8")],
            "处分处理": [
                measure("陈某甲", "A8", date(2022, 3, 1), "第一种形态", "批评教育"),
                measure("陈某甲", "A8", date(2022, 3, 5), "第二种形态", "党纪警告"),
                measure("褚某乙", None, date(2022, 4, 1), "第一种形态", "批评教育"),
            ],
        },
    )
    ledgers = ledgers_of(book.folder, config)
    values = compute_figures(ledgers, H1_2022, config)

    summary, sheets = audit_tables(ledgers, values, H1_2022, config)

    table = sheets["处分处理"].columns
    assert list(table["人次序号"][1]) == ["R1", "R1", "R2"]
    forms = {n: list(table[f"计入：{n}"][1]) for n in ("第一种形态", "第二种形态")}
    # the 批评教育 is merged into 陈某甲's 人次: it counts toward no form
    assert forms["第一种形态"] == [None, None, "是"]
    assert forms["第二种形态"] == [None, "是", None]
    rows = {fid: n for fid, _, n in summary}
    assert (rows["forms_total"], rows["forms_1"], rows["forms_2"]) == (2, 1, 1)


def test_the_rule_in_use_is_stated_and_an_unknown_rule_is_refused(tmp_path):
    per_person = run("stats", "--list", "--format", "json")
    (tmp_path / "workreport.toml").write_text('[report]\nforms_count = "处理"\n', encoding="utf-8")
    per_row = run("stats", "--list", "--format", "json", "--config", tmp_path / "workreport.toml")
    (tmp_path / "bad.toml").write_text('[report]\nforms_count = "人数"\n', encoding="utf-8")
    bad = run("stats", "--list", "--config", tmp_path / "bad.toml")

    assert "一人在一件问题线索中计 1 人次" in per_person.output
    assert "每条记录为 1 人次" in per_row.output and "一人在一件" not in per_row.output
    assert bad.exit_code == 2 and "forms_count 应为 人次、处理 之一，而不是「人数」" in bad.output
    with pytest.raises(ConfigError):
        from workreport.config import load_config

        load_config(tmp_path / "bad.toml")
