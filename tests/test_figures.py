"""One test per 口径 rule of docs/rules.md (统计口径) and docs/figures.md, on hand-made workbooks; expected values worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from conftest import H1_2022, clue, measure
from workreport.figures import (
    compute_figures,
    compute_previous,
    dated_in,
    shares,
    yoy_phrase,
)
from workreport.load import load_paths
from workreport.validate import validate


def figures(folder, config, period=H1_2022, unit=None):
    ledgers, issues = validate(load_paths([folder], config), config)
    assert [i for i in issues if i.is_error] == []
    return compute_figures(ledgers, period, config, unit=unit)


def test_clues_count_by_received_date_with_inclusive_bounds(book, config):
    book(
        "信访室",
        {
            "问题线索": [
                clue("X1", date(2022, 1, 1)),  # first day: counts
                clue("X2", datetime(2022, 6, 30, 23, 59)),  # last day, with a time: counts
                clue("X3", date(2021, 12, 31)),  # before: no
                clue("X4", date(2022, 7, 1)),  # after: no
                clue("X5", "2022年3月5日"),  # text date: counts
            ]
        },
    )
    f = figures(book.folder, config)
    # X1, X2, X5 = 3
    assert f["clues"] == 3


def test_cases_filed_and_closed_count_by_their_own_dates(book, config):
    book(
        "案管室",
        {
            "问题线索": [
                # received in 2021, filed and closed in period: a case and a closure, not a clue
                clue("A1", date(2021, 11, 3), filed=date(2022, 2, 1), closed=date(2022, 5, 1)),
                # received and filed in period, closed after it
                clue("A2", date(2022, 1, 10), filed=date(2022, 3, 1), closed=date(2022, 8, 1)),
                # received in period, never filed
                clue("A3", date(2022, 2, 10)),
                # filed before the period, closed in it
                clue("A4", date(2021, 5, 1), filed=date(2021, 6, 1), closed=date(2022, 6, 30)),
            ]
        },
    )
    f = figures(book.folder, config)
    assert f["clues"] == 2  # A2, A3
    assert f["cases_filed"] == 2  # A1, A2
    assert f["cases_closed"] == 2  # A1, A4


def test_top_clues_and_top_cases_need_leader_or_team_flag(book, config):
    book(
        "纪检室",
        {
            "问题线索": [
                clue("T1", date(2022, 1, 5), top="是", filed=date(2022, 2, 5)),
                clue("T2", date(2022, 1, 6), lead="√"),
                clue("T3", date(2022, 1, 7), top="否", lead="×", filed=date(2022, 2, 7)),
                clue("T4", date(2021, 1, 7), top="Y", filed=date(2022, 3, 7)),
            ]
        },
    )
    f = figures(book.folder, config)
    assert f["top_clues"] == 2  # T1, T2 (T4 received in 2021)
    assert f["top_cases_filed"] == 2  # T1, T4 (filed in period)
    assert f["cases_filed"] == 3  # T1, T3, T4


def test_grouped_clues_list_every_category_with_zero_and_undisposed(book, config):
    book(
        "信访室",
        {
            "问题线索": [
                clue("S1", date(2022, 2, 1), source="巡视巡察移交", disposal="初步核实"),
                clue("S2", date(2022, 2, 2), source="巡视巡察移交"),
                clue("S3", date(2022, 2, 3), source="信访举报", disposal="谈话函询"),
                clue("S4", date(2021, 2, 3), source="审计移交", disposal="谈话函询"),
            ]
        },
    )
    f = figures(book.folder, config)
    assert f["clues_by_source"] == {
        "信访举报": 1,
        "巡视巡察移交": 2,
        "监督检查发现": 0,
        "审计移交": 0,  # S4 is outside the period
        "审查调查发现": 0,
        "其他": 0,
    }
    assert f["clues_by_disposal"] == {
        "谈话函询": 1,
        "初步核实": 1,
        "暂存待查": 0,
        "予以了结": 0,
        "未处置": 1,
    }


def test_forms_count_person_times_and_shares_sum_to_100(book, config):
    rows = [
        measure("甲", None, date(2022, 1, 3), "第一种形态", "批评教育"),
        measure("甲", None, date(2022, 2, 3), "第一种形态", "诫勉"),  # same person again: 2 人次
        measure("乙", None, date(2022, 3, 3), "第一种形态", "谈话提醒"),
        measure("丙", None, date(2022, 3, 4), "第二种形态", "调整职务"),
        measure("丁", None, date(2022, 7, 4), "第二种形态", "免职"),  # outside
    ]
    book("派驻组", {"处分处理": rows})
    f = figures(book.folder, config)
    assert (f["forms_total"], f["forms_1"], f["forms_2"], f["forms_3"], f["forms_4"]) == (
        4,
        3,
        1,
        0,
        0,
    )
    # 3/4 = 75.0 %, 1/4 = 25.0 %
    assert f["forms_shares"] == {
        "第一种形态": 75.0,
        "第二种形态": 25.0,
        "第三种形态": 0.0,
        "第四种形态": 0.0,
    }


def test_shares_use_largest_remainder_so_they_sum_to_100():
    # 1/3 each = 33.33…: the one spare tenth goes to the first, giving 33.4 + 33.3 + 33.3
    assert shares([1, 1, 1, 0]) == [33.4, 33.3, 33.3, 0.0]
    # 2/7 = 28.571, 2/7, 3/7 = 42.857: floors 28.5+28.5+42.8 = 99.8; remainders .71,.71,.57 → +0.1 to the two 28.5s
    assert shares([2, 2, 3, 0]) == [28.6, 28.6, 42.8, 0.0]
    assert shares([0, 0, 0, 0]) == [0.0, 0.0, 0.0, 0.0]
    assert shares([1, None, 0, 0]) is None


def test_a_person_with_party_and_government_sanctions_counts_once(book, config):
    clues = [
        clue("C1", date(2021, 10, 1), filed=date(2021, 12, 1)),
        clue("C2", date(2021, 10, 2), filed=date(2022, 1, 2)),
    ]
    rows = [
        measure("王某", "C1", date(2022, 3, 1), "第二种形态", "党纪警告"),
        measure("王某", "C1", date(2022, 3, 1), "第二种形态", "政务警告"),  # same person: still 1
        measure(
            "王某", "C2", date(2022, 4, 1), "第二种形态", "记过"
        ),  # same name, other case: another person
        measure("赵某", "C2", date(2022, 4, 2), "第三种形态", "留党察看", top="是"),
        measure(
            "钱某", "C2", date(2022, 4, 3), "第二种形态", "调整职务", top="是"
        ),  # not a sanction
        # outside the period (and after C1 was filed: E140)
        measure("孙某", "C1", date(2021, 12, 3), "第二种形态", "党纪警告"),
    ]
    book("案管室", {"问题线索": clues, "处分处理": rows})
    f = figures(book.folder, config)
    assert f["sanctioned_persons"] == 3  # 王某/C1, 王某/C2, 赵某/C2
    assert f["party_sanctioned_persons"] == 2  # 王某/C1 (党纪警告), 赵某 (留党察看)
    assert f["gov_sanctioned_persons"] == 2  # 王某/C1 (政务警告), 王某/C2 (记过)
    assert f["top_sanctioned_persons"] == 1  # 赵某
    # 人次: 王某/C1 (two rows, one matter), 王某/C2, 赵某/C2, 钱某/C2 (docs/figures.md, 四种形态)
    assert f["forms_total"] == 4


def test_top_forms_1_counts_first_form_rows_flagged_leader_or_team(book, config):
    rows = [
        measure("甲", None, date(2022, 1, 3), "第一种形态", "批评教育", top="是"),
        measure("乙", None, date(2022, 1, 4), "第一种形态", "诫勉", lead="是"),
        measure("丙", None, date(2022, 1, 5), "第一种形态", "诫勉"),
        measure("丁", None, date(2022, 1, 6), "第二种形态", "免职", top="是"),
    ]
    book("室", {"处分处理": rows})
    f = figures(book.folder, config)
    assert f["top_forms_1"] == 2


def test_talks_sum_people_blank_is_one_and_top_leaders_means_yibashou_only(book, config):
    rows = [
        [date(2022, 1, 3), "谈心谈话", 30, "一般干部"],
        [date(2022, 1, 4), "谈心谈话", None, "年轻干部"],  # blank = 1
        [date(2022, 2, 4), "约谈", 2, "一把手"],
        [date(2022, 2, 5), "约谈", 1, "一把手"],
        [date(2022, 2, 6), "约谈", 4, "领导班子成员"],  # 班子, not 一把手
        [date(2022, 9, 6), "约谈", 9, "一把手"],  # outside
    ]
    book("室", {"谈话": rows})
    f = figures(book.folder, config)
    assert f["talks"]["谈心谈话"] == 31
    assert f["talks"]["约谈"] == 7
    assert f["talks"]["廉政谈话"] == 0
    assert f["talks_total"] == 38
    assert f["talks_top_leaders"]["约谈"] == 3
    assert f["talks_top_leaders"]["谈心谈话"] == 0


def test_letters_count_documents_and_sum_rectified_issues(book, config):
    rows = [
        ["纪〔2022〕1号", date(2022, 1, 3), "廉洁提醒函", "教体局", 2],
        [None, date(2022, 1, 4), "廉洁提醒函", "城管局", None],  # blank = 0
        ["纪〔2022〕3号", date(2022, 5, 4), "纪检监察建议书", "市场监管局", 3],
        ["纪〔2021〕9号", date(2021, 5, 4), "履责提醒函", "教体局", 5],  # outside
    ]
    book("室", {"文书": rows})
    f = figures(book.folder, config)
    assert f["letters"] == {"廉洁提醒函": 2, "履责提醒函": 0, "纪检监察建议书": 1}
    assert f["letters_total"] == 3
    assert f["letters_rectified_issues"] == 5


def test_activities_sum_quantities_by_type(book, config):
    rows = [
        [date(2022, 1, 3), "走访单位", 20, "个"],
        [date(2022, 3, 3), "走访单位", "１５", None],  # full-width digits as text
        [date(2022, 3, 4), "问卷调查", 100, "份"],
        [date(2022, 12, 4), "问卷调查", 50, "份"],  # outside
    ]
    book("室", {"监督活动": rows})
    f = figures(book.folder, config)
    assert f["activities"]["走访单位"] == 35
    assert f["activities"]["问卷调查"] == 100
    assert f["activities"]["廉政家访"] == 0


def test_a_total_row_is_never_counted(book, config):
    rows = [
        [date(2022, 1, 3), "走访单位", 20, "个"],
        [date(2022, 1, 4), "走访单位", 5, "个"],
        ["合 计", None, 25, None],
        [None, "总计", 25, None],
    ]
    book("室", {"监督活动": rows})
    f = figures(book.folder, config)
    assert f["activities"]["走访单位"] == 25


def test_missing_sheet_is_null_but_empty_sheet_is_zero(book, config):
    book("甲室", {"谈话": []})  # the sheet is there, with no rows
    book("乙室", {"监督活动": [[date(2022, 1, 3), "走访单位", 2, "个"]]})
    f = figures(book.folder, config)
    assert f["talks_total"] == 0
    assert f["talks"]["约谈"] == 0
    assert f["clues"] is None  # nobody sent 问题线索
    assert f["clues_by_source"] is None  # a missing grouped figure is null as a whole
    assert f["forms_shares"] is None


def test_a_sheets_rows_are_dated_by_the_date_column_of_its_own_spec(book, config):
    book(
        "案管室",
        {
            "问题线索": [
                clue("A1", date(2021, 11, 3), filed=date(2022, 2, 1)),  # filed in period only
                clue("A2", date(2022, 1, 10)),
            ],
            "谈话": [[date(2022, 1, 3), "廉政谈话", 3, None], [date(2021, 1, 3), "约谈", 1, None]],
        },
    )
    ledgers, _ = validate(load_paths([book.folder], config), config)
    # 问题线索 is dated by its 受理日期, though 立案 counts its own rows by 立案日期
    clues = ledgers.frames["clues"]
    assert list(clues[dated_in(ledgers, "clues", H1_2022)]["线索编号"]) == ["A2"]
    # a sheet that no figure counts is dated all the same
    ledgers.specs["notes"] = replace(ledgers.specs["talks"], key="notes", name="记录")
    ledgers.frames["notes"] = ledgers.frames["talks"]
    notes = ledgers.frames["notes"]
    assert list(notes[dated_in(ledgers, "notes", H1_2022)]["谈话类型"]) == ["廉政谈话"]


def test_per_unit_breakdown_is_null_for_a_unit_without_the_sheet(book, config):
    book("甲室", {"谈话": [[date(2022, 1, 3), "廉政谈话", 3, None]]})
    book("乙室", {"监督活动": [[date(2022, 1, 3), "走访单位", 2, "个"]]})
    folder = book.folder
    a = figures(folder, config, unit="甲室")
    b = figures(folder, config, unit="乙室")
    assert a["talks_total"] == 3
    assert a["activities"] is None
    assert b["talks_total"] is None
    assert b["activities"]["走访单位"] == 2


def test_previous_year_is_known_only_when_the_ledger_has_rows_then(book, config):
    book(
        "室",
        {
            "谈话": [
                [date(2022, 1, 3), "廉政谈话", 9, None],
                [date(2021, 3, 3), "廉政谈话", 8, None],
            ],
            "文书": [[None, date(2022, 1, 3), "廉洁提醒函", None, None]],
        },
    )
    folder = book.folder
    ledgers, _ = validate(load_paths([folder], config), config)
    prev = compute_previous(ledgers, H1_2022, config)
    assert prev["talks"]["廉政谈话"] == 8
    assert prev["letters_total"] is None  # no 文书 row in 2021H1: 同比 unknown, not "from 0"


def test_yoy_phrasing():
    assert yoy_phrase(9, 8) == "同比增长12.5%"  # (9-8)/8 = 12.5 %
    assert yoy_phrase(31, 32) == "同比下降3.1%"  # (31-32)/32 = -3.125 % → 3.1
    assert yoy_phrase(5, 5) == "与上年同期持平"
    assert yoy_phrase(5, 0) == "上年同期为零"
    assert yoy_phrase(5, None) is None


def test_the_per_unit_breakdown_in_one_pass_equals_unit_by_unit(config):
    from conftest import SAMPLE
    from workreport.figures import compute_figures_by_unit

    ledgers, _ = validate(load_paths([SAMPLE], config), config)
    at_once = compute_figures_by_unit(ledgers, H1_2022, config)
    assert sorted(at_once) == ledgers.units
    for unit in ledgers.units:
        assert at_once[unit] == compute_figures(ledgers, H1_2022, config, unit=unit), unit


def test_yoy_is_unknown_when_a_unit_sent_no_rows_for_last_year(book, config):
    book(
        "城关镇纪委",
        {
            "谈话": [
                [date(2022, 1, 3), "廉政谈话", 10, None],
                [date(2021, 1, 3), "廉政谈话", 10, None],
            ]
        },
    )
    book("信访室", {"谈话": [[date(2022, 1, 3), "廉政谈话", 30, None]]})  # no 2021 rows sent
    ledgers, _ = validate(load_paths([book.folder], config), config)
    prev = compute_previous(ledgers, H1_2022, config)
    # 40 against 10 would read as 同比增长300.0%: the comparison is not like for like
    assert prev["talks_total"] is None


def test_shares_change_in_percentage_points():
    from workreport.figures import change_phrase

    assert change_phrase("forms_shares.第一种形态", 83.1, 83.3) == "同比下降0.2个百分点"
    assert change_phrase("forms_shares.第一种形态", 80.0, 75.5) == "同比上升4.5个百分点"
    assert change_phrase("clues", 9, 8) == "同比增长12.5%"
