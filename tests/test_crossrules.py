"""The 案管室's checks across ledgers (docs/rules.md, 交叉核对): each code at its row and
column, each threshold at its edge, a person in two workbooks named in both, the
reference date's precedence, and the checks in validate --annotate, the 底稿 and check."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from conftest import clue, measure, run
from workreport.annotate import WARNING_FILL
from workreport.config import CHECK_DAYS, load_config
from workreport.errors import ConfigError
from workreport.ledgers import CROSS_RULES
from workreport.load import load_paths
from workreport.validate import validate

UNIT_A, UNIT_B = "第一纪检监察室.xlsx", "第二纪检监察室.xlsx"
# the clue row of conftest.clue, then the bulletin columns: 处置日期 J, 留置日期 K,
# 移送检察机关日期 L (HEADERS)
CLUE_SHEET, MEASURE_SHEET = "问题线索", "处分处理"
NAMES = ("张某甲", "李某乙", "王某丙")


def found(issues, code):
    """(file, sheet, row, column, letter) of each issue with ``code``."""
    return [(i.file, i.sheet, i.row, i.column, i.column_letter) for i in issues if i.code == code]


def messages(issues, code):
    return [i.message for i in issues if i.code == code]


def check(folder, config=None, reference=None):
    config = config or load_config(None)
    ledgers, issues = validate(load_paths([folder], config), config, reference)
    return ledgers, issues


def filed(cid, received, filed_on, *, closed=None, disposal="初步核实", name=NAMES[0], extra=()):
    return [*clue(cid, received, disposal=disposal, filed=filed_on, closed=closed, name=name)] + [
        *extra
    ]


# ---- errors --------------------------------------------------------------------------


def test_e140_a_sanction_dated_before_its_clue_was_filed(book):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [filed("A1", date(2022, 1, 5), date(2022, 3, 1))],
            MEASURE_SHEET: [
                measure(NAMES[0], "A1", date(2022, 2, 28), "第二种形态", "党纪警告"),  # row 2
                measure(
                    NAMES[0], "A1", date(2022, 3, 1), "第二种形态", "政务警告"
                ),  # the day: fine
                measure(
                    NAMES[0], "A1", date(2022, 2, 1), "第一种形态", "谈话提醒"
                ),  # not a sanction
            ],
        },
    )
    _, issues = check(book.folder)
    assert found(issues, "E140") == [(UNIT_A, MEASURE_SHEET, 2, "处理日期", "E")]
    assert messages(issues, "E140") == [
        "党纪政务处分「党纪警告」的处理日期 2022-02-28 早于线索「A1」的立案日期 2022-03-01"
        f"（{UNIT_A} / 问题线索 / 第2行）"
    ]


def test_e140_finds_the_clue_in_another_workbook(book):
    book("第一纪检监察室", {CLUE_SHEET: [filed("A1", date(2022, 1, 5), date(2022, 3, 1))]})
    book(
        "第二纪检监察室",
        {MEASURE_SHEET: [measure(NAMES[0], "A1", date(2022, 2, 1), "第三种形态", "撤职")]},
    )
    _, issues = check(book.folder)
    assert found(issues, "E140") == [(UNIT_B, MEASURE_SHEET, 2, "处理日期", "E")]
    assert f"（{UNIT_A} / 问题线索 / 第2行）" in messages(issues, "E140")[0]


def test_e141_a_fourth_form_with_no_clue_or_an_unfiled_one(book):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                clue("A1", date(2022, 1, 5), disposal="初步核实"),  # not filed
                filed("A2", date(2022, 1, 6), date(2022, 2, 1)),
            ],
            MEASURE_SHEET: [
                measure(NAMES[0], None, date(2022, 4, 1), "第四种形态", "移送检察机关"),  # row 2
                measure(NAMES[1], "A1", date(2022, 4, 2), "第四种形态", "移送检察机关"),  # row 3
                measure(NAMES[2], "A2", date(2022, 4, 3), "第四种形态", "移送检察机关"),  # fine
                measure(NAMES[0], None, date(2022, 4, 4), "第一种形态", "谈话提醒"),  # fine
            ],
        },
    )
    _, issues = check(book.folder)
    assert found(issues, "E141") == [
        (UNIT_A, MEASURE_SHEET, 2, "线索编号", "B"),
        (UNIT_A, MEASURE_SHEET, 3, "线索编号", "B"),
    ]
    assert messages(issues, "E141") == [
        "第四种形态「移送检察机关」须对应已立案的线索，但没有填写线索编号",
        "第四种形态「移送检察机关」须对应已立案的线索，但线索「A1」"
        f"（{UNIT_A} / 问题线索 / 第2行）没有立案日期",
    ]


def test_e141_leaves_a_clue_number_that_does_not_exist_to_e109(book):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [filed("A1", date(2022, 1, 5), date(2022, 2, 1))],
            MEASURE_SHEET: [
                measure(NAMES[0], "Z9", date(2022, 4, 1), "第四种形态", "移送检察机关"),
            ],
        },
    )
    _, issues = check(book.folder)
    assert found(issues, "E141") == []
    assert found(issues, "E109") == [(UNIT_A, MEASURE_SHEET, 2, "线索编号", "B")]


def test_e142_one_person_in_two_workbooks_is_named_in_both(book):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [filed("A1", date(2022, 1, 5), date(2022, 2, 1))],
            MEASURE_SHEET: [
                measure(NAMES[1], "A1", date(2022, 3, 1), "第二种形态", "党纪警告"),  # row 2
                measure(NAMES[0], "A1", date(2022, 3, 2), "第二种形态", "党纪警告"),  # row 3
                measure(NAMES[0], "A1", date(2022, 3, 3), "第二种形态", "政务警告"),  # row 4
            ],
        },
    )
    book(
        "第二纪检监察室",
        {
            MEASURE_SHEET: [
                measure(NAMES[2], "A1", date(2022, 3, 1), "第一种形态", "谈话提醒"),  # other person
                measure(NAMES[0], "A1", date(2022, 3, 5), "第二种形态", "记过"),  # row 3
                measure(NAMES[0], None, date(2022, 3, 6), "第一种形态", "谈话提醒"),  # no clue
                measure(NAMES[1], None, date(2022, 3, 6), "第一种形态", "谈话提醒"),  # no clue
            ]
        },
    )
    _, issues = check(book.folder)
    # each workbook once, at its first row of the person, naming the other's
    assert found(issues, "E142") == [
        (UNIT_A, MEASURE_SHEET, 3, "姓名", "A"),
        (UNIT_B, MEASURE_SHEET, 3, "姓名", "A"),
    ]
    assert messages(issues, "E142") == [
        f"同一人（线索编号「A1」、姓名相同）在 {UNIT_B} / 处分处理 / 第3行 也有处分处理记录，"
        "两个单位都登记会重复计入",
        f"同一人（线索编号「A1」、姓名相同）在 {UNIT_A} / 处分处理 / 第3行 也有处分处理记录，"
        "两个单位都登记会重复计入",
    ]


def test_the_errors_stop_build(book, tmp_path):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [filed("A1", date(2022, 1, 5), date(2022, 3, 1))],
            MEASURE_SHEET: [measure(NAMES[0], "A1", date(2022, 2, 28), "第二种形态", "党纪警告")],
        },
    )
    result = run("build", book.folder, "--period", "2022H1", "-o", tmp_path / "汇报.docx")
    assert result.exit_code == 1
    assert "E140" in result.output
    assert not (tmp_path / "汇报.docx").exists()


# ---- warnings ------------------------------------------------------------------------


def test_w240_a_transfer_to_the_procuratorate_with_no_fourth_form(book):
    transferred = (None, None, date(2022, 5, 1))  # 处置日期, 留置日期, 移送检察机关日期
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                filed("A1", date(2022, 1, 5), date(2022, 2, 1), extra=transferred),  # row 2
                filed("A2", date(2022, 1, 6), date(2022, 2, 1), extra=transferred),  # row 3
            ],
            MEASURE_SHEET: [measure(NAMES[0], "A1", date(2022, 5, 2), "第三种形态", "开除党籍")],
        },
    )
    # A2's 第四种形态 was entered by another department: no warning for it
    book(
        "第二纪检监察室",
        {MEASURE_SHEET: [measure(NAMES[1], "A2", date(2022, 5, 2), "第四种形态", "移送检察机关")]},
    )
    _, issues = check(book.folder, reference=date(2022, 6, 30))
    assert found(issues, "W240") == [(UNIT_A, CLUE_SHEET, 2, "移送检察机关日期", "L")]
    assert messages(issues, "W240") == [
        "移送检察机关日期为 2022-05-01，但处分处理台账中没有这条线索的第四种形态记录"
    ]


def test_w241_a_closed_case_with_no_measure(book):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                filed("A1", date(2022, 1, 5), date(2022, 2, 1), closed=date(2022, 4, 1)),
                filed("A2", date(2022, 1, 6), date(2022, 2, 1), closed=date(2022, 4, 2)),
                filed("A3", date(2022, 1, 7), date(2022, 2, 1)),  # open: W244's, not W241's
            ],
        },
    )
    book(
        "第二纪检监察室",
        {MEASURE_SHEET: [measure(NAMES[1], "A2", date(2022, 4, 5), "第一种形态", "批评教育")]},
    )
    _, issues = check(book.folder, reference=date(2022, 6, 30))
    assert found(issues, "W241") == [(UNIT_A, CLUE_SHEET, 2, "结案日期", "I")]
    assert messages(issues, "W241") == [
        "已于 2022-04-01 结案，但处分处理台账中没有这条线索的处理记录"
    ]


def test_w242_undisposed_more_than_30_days_at_the_reference_date(book):
    # the reference date 2022-06-30: 2022-05-31 is 30 days before it, 2022-05-30 is 31
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                clue("A1", date(2022, 5, 31)),  # 30 days: not more than 30
                clue("A2", date(2022, 5, 30)),  # 31 days: row 3
                clue("A3", date(2022, 5, 29), disposal="谈话函询"),  # disposed
                clue("A4", date(2022, 7, 20)),  # received after the reference date
            ]
        },
    )
    _, issues = check(book.folder, reference=date(2022, 6, 30))
    assert found(issues, "W242") == [(UNIT_A, CLUE_SHEET, 3, "处置方式", "G")]
    assert messages(issues, "W242") == [
        "受理日期 2022-05-30 至基准日 2022-06-30 已 31 天仍未填写处置方式（超过 30 天）"
    ]


def test_w243_pending_more_than_180_days_from_its_disposal_date_else_received(book):
    # 2022-06-30 − 180 days = 2022-01-01
    on_hold = "暂存待查"
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                # 处置日期 2022-01-01: 180 days, not more
                [*clue("A1", date(2021, 6, 1), disposal=on_hold), date(2022, 1, 1)],
                # 处置日期 2021-12-31: 181 days, row 3
                [*clue("A2", date(2021, 6, 1), disposal=on_hold), date(2021, 12, 31)],
                # no 处置日期: from 受理日期 2022-01-01, 180 days
                clue("A3", date(2022, 1, 1), disposal=on_hold),
                # no 处置日期: from 受理日期 2021-12-31, 181 days, row 5
                clue("A4", date(2021, 12, 31), disposal=on_hold),
                clue("A5", date(2021, 1, 1), disposal="予以了结"),  # not on hold
            ]
        },
    )
    _, issues = check(book.folder, reference=date(2022, 6, 30))
    assert found(issues, "W243") == [
        (UNIT_A, CLUE_SHEET, 3, "处置方式", "G"),
        (UNIT_A, CLUE_SHEET, 5, "处置方式", "G"),
    ]
    assert messages(issues, "W243") == [
        "暂存待查自 2021-12-31 至基准日 2022-06-30 已 181 天（超过 180 天）",
        "暂存待查自 2021-12-31 至基准日 2022-06-30 已 181 天（超过 180 天）",
    ]


def test_w244_a_case_open_more_than_365_days_at_the_reference_date(book):
    # 2022-06-30 − 365 days = 2021-06-30
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                filed("A1", date(2021, 6, 1), date(2021, 6, 30)),  # 365 days: fine
                filed("A2", date(2021, 6, 1), date(2021, 6, 29)),  # 366 days: row 3
                # closed after the reference date: still open at it, row 4
                filed("A3", date(2021, 6, 1), date(2021, 6, 29), closed=date(2022, 7, 1)),
                # closed on the reference date
                filed("A4", date(2021, 6, 1), date(2021, 6, 29), closed=date(2022, 6, 30)),
            ],
            MEASURE_SHEET: [
                measure(NAMES[0], "A3", date(2022, 7, 1), "第一种形态", "批评教育"),
                measure(NAMES[0], "A4", date(2022, 6, 30), "第一种形态", "批评教育"),
            ],
        },
    )
    _, issues = check(book.folder, reference=date(2022, 6, 30))
    assert found(issues, "W244") == [
        (UNIT_A, CLUE_SHEET, 3, "结案日期", "I"),
        (UNIT_A, CLUE_SHEET, 4, "结案日期", "I"),
    ]
    assert messages(issues, "W244")[0] == (
        "立案日期 2021-06-29 至基准日 2022-06-30 已 366 天仍未结案（超过 365 天）"
    )
    assert found(issues, "W241") == []


def test_thresholds_come_from_the_checks_table(book, tmp_path):
    (tmp_path / "workreport.toml").write_text(
        "[checks]\nundisposed_days = 10\npending_days = 20\nopen_case_days = 30\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "workreport.toml")
    assert config.checks == {"undisposed_days": 10, "pending_days": 20, "open_case_days": 30}
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                clue("A1", date(2022, 6, 20)),  # 10 days: fine
                clue("A2", date(2022, 6, 19)),  # 11 days
                clue("A3", date(2022, 6, 10), disposal="暂存待查"),  # 20 days: fine
                clue("A4", date(2022, 6, 9), disposal="暂存待查"),  # 21 days
                filed("A5", date(2022, 5, 1), date(2022, 5, 31)),  # 30 days: fine
                filed("A6", date(2022, 5, 1), date(2022, 5, 30)),  # 31 days
            ]
        },
    )
    _, issues = check(book.folder, config, reference=date(2022, 6, 30))
    assert [(i.code, i.row) for i in issues if i.code.startswith("W24")] == [
        ("W242", 3),
        ("W243", 5),
        ("W244", 7),
    ]
    assert messages(issues, "W242") == [
        "受理日期 2022-06-19 至基准日 2022-06-30 已 11 天仍未填写处置方式（超过 10 天）"
    ]


def test_the_checks_table_is_documented_and_checked(tmp_path):
    assert (
        load_config(None).checks
        == CHECK_DAYS
        == {
            "undisposed_days": 30,
            "pending_days": 180,
            "open_case_days": 365,
        }
    )
    toml = tmp_path / "workreport.toml"
    toml.write_text("[checks]\nundisposed = 3\n", encoding="utf-8")
    assert [w.message for w in load_config(toml).warnings] == [
        "[checks] 中未知的键 undisposed，已忽略"
    ]
    for bad in ('"30"', "-1", "2.5", "true"):
        toml.write_text(f"[checks]\npending_days = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as e:
            load_config(toml)
        assert "[checks] pending_days 应为不小于 0 的整数（天数），如 180" in str(e.value)


def test_names_never_appear_in_the_messages(book):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [filed("A1", date(2021, 1, 5), date(2021, 3, 1), closed=date(2021, 4, 1))],
            MEASURE_SHEET: [
                measure(NAMES[0], "A1", date(2021, 2, 28), "第二种形态", "党纪警告"),
                measure(NAMES[1], None, date(2021, 3, 2), "第四种形态", "移送检察机关"),
            ],
        },
    )
    book(
        "第二纪检监察室",
        {MEASURE_SHEET: [measure(NAMES[0], "A1", date(2021, 3, 5), "第二种形态", "记过")]},
    )
    _, issues = check(book.folder, reference=date(2022, 6, 30))
    assert {i.code for i in issues} >= {"E140", "E141", "E142"}
    for issue in issues:
        for name in NAMES:
            assert name not in issue.message + issue.suggestion, issue


# ---- the reference date --------------------------------------------------------------


def _undisposed(book):
    """A clue received 2022-03-01 with no 处置方式: 30 days at 2022-03-31, 122 at
    2022-06-30; and a talk on 2022-05-01, the latest date of the ledgers (61 days)."""
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [clue("A1", date(2022, 3, 1))],
            "谈话": [[date(2022, 5, 1), "廉政谈话", 1, None]],
        },
    )


def _reference(result) -> tuple[str, list[str]]:
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    return out["reference"], [i["message"] for i in out["issues"] if i["code"] == "W242"]


def test_the_reference_date_is_the_latest_date_in_the_ledgers_without_a_period(book):
    _undisposed(book)
    reference, said = _reference(run("validate", book.folder, "--format", "json"))
    assert reference == "2022-05-01"
    assert said == [
        "受理日期 2022-03-01 至基准日 2022-05-01 已 61 天仍未填写处置方式（超过 30 天）"
    ]


def test_the_reference_date_is_the_configured_period_s_end(book, tmp_path):
    _undisposed(book)
    (tmp_path / "workreport.toml").write_text('[report]\nperiod = "2022H1"\n', encoding="utf-8")
    reference, said = _reference(run("validate", book.folder, "--format", "json"))
    assert reference == "2022-06-30"
    assert said == [
        "受理日期 2022-03-01 至基准日 2022-06-30 已 121 天仍未填写处置方式（超过 30 天）"
    ]


def test_the_period_option_comes_before_the_configured_period(book, tmp_path):
    _undisposed(book)
    (tmp_path / "workreport.toml").write_text('[report]\nperiod = "2022H1"\n', encoding="utf-8")
    # 2022Q1 ends 2022-03-31: 30 days, not more
    reference, said = _reference(run("validate", book.folder, "-p", "2022Q1", "--format", "json"))
    assert (reference, said) == ("2022-03-31", [])
    reference, said = _reference(run("validate", book.folder, "-p", "2022-04", "--format", "json"))
    assert reference == "2022-04-30"
    assert said == [
        "受理日期 2022-03-01 至基准日 2022-04-30 已 60 天仍未填写处置方式（超过 30 天）"
    ]


# ---- where the findings go -----------------------------------------------------------


def test_validate_lists_them_and_annotate_marks_them(book, tmp_path):
    _undisposed(book)
    result = run("validate", book.folder, "-p", "2022H1", "--annotate", tmp_path / "退回")
    assert result.exit_code == 0, result.output  # a warning: nothing stops
    assert "W242 警告：受理日期 2022-03-01 至基准日 2022-06-30 已 121 天" in result.output
    ws = openpyxl.load_workbook(tmp_path / "退回" / UNIT_A)[CLUE_SHEET]
    assert ws["G2"].fill.fgColor.rgb[-6:] == WARNING_FILL.fgColor.rgb[-6:]
    assert ws["G2"].comment.text == (
        "[W242] 受理日期 2022-03-01 至基准日 2022-06-30 已 121 天仍未填写处置方式（超过 30 天）\n"
        "建议：填写处置方式（谈话函询、初步核实、暂存待查、予以了结），或督促尽快处置"
    )


def test_the_person_in_two_workbooks_is_marked_in_both_annotated_copies(book, tmp_path):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [filed("A1", date(2022, 1, 5), date(2022, 2, 1))],
            MEASURE_SHEET: [measure(NAMES[0], "A1", date(2022, 3, 2), "第二种形态", "党纪警告")],
        },
    )
    book(
        "第二纪检监察室",
        {MEASURE_SHEET: [measure(NAMES[0], "A1", date(2022, 3, 5), "第二种形态", "记过")]},
    )
    result = run("validate", book.folder, "--annotate", tmp_path / "退回")
    assert result.exit_code == 1
    assert NAMES[0] not in result.output
    for unit, other in ((UNIT_A, UNIT_B), (UNIT_B, UNIT_A)):
        ws = openpyxl.load_workbook(tmp_path / "退回" / unit)[MEASURE_SHEET]
        assert ws["A2"].comment.text.startswith(
            f"[E142] 同一人（线索编号「A1」、姓名相同）在 {other} / 处分处理 / 第2行 也有"
        )


def _warned_project(book, tmp_path):
    """Two clues overdue at 2022-06-30 (W242 at row 2, W243 at row 3) and a talk."""
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [
                clue("A1", date(2022, 3, 1)),
                clue("A2", date(2021, 3, 1), disposal="暂存待查"),
            ],
            "谈话": [[date(2022, 5, 1), "廉政谈话", 1, None]],
        },
    )
    draft = tmp_path / "汇报.docx"
    result = run("build", book.folder, "-p", "2022H1", "--date", "2022-07-05", "-o", draft)
    assert result.exit_code == 0, result.output
    return draft, result


def test_build_says_each_code_once_and_lists_every_finding_in_the_audit(book, tmp_path):
    draft, result = _warned_project(book, tmp_path)
    assert (
        "W242 警告：1 处：受理后超过期限（默认 30 天）仍未填写处置方式（基准日 2022-06-30；"
        "见数据底稿的「交叉核对」表和 workreport validate 的清单）"
    ) in result.output
    assert "W243 警告：1 处：暂存待查超过期限（默认 180 天）" in result.output
    book_ = openpyxl.load_workbook(io.BytesIO((tmp_path / "汇报.底稿.xlsx").read_bytes()))
    assert book_.sheetnames[-1] == "交叉核对"
    rows = list(book_["交叉核对"].iter_rows(values_only=True))
    assert rows[0][0] == "内部资料 注意保密"
    assert rows[1][0] == "交叉核对：案管室关注的问题（基准日 2022-06-30，共 2 处）"
    assert rows[2] == ("代码", "问题类型", "文件", "工作表", "行号", "列", "问题", "建议")
    assert [r[:6] for r in rows[3:]] == [
        (
            "W242",
            "受理后超过期限（默认 30 天）仍未填写处置方式",
            UNIT_A,
            CLUE_SHEET,
            2,
            "G（处置方式）",
        ),
        ("W243", "暂存待查超过期限（默认 180 天）", UNIT_A, CLUE_SHEET, 3, "G（处置方式）"),
    ]
    assert rows[4][6] == "暂存待查自 2021-03-01 至基准日 2022-06-30 已 486 天（超过 180 天）"


def test_without_an_audit_build_points_at_validate_only(book, tmp_path):
    _undisposed(book)
    draft = tmp_path / "汇报.docx"
    result = run("build", book.folder, "-p", "2022H1", "--no-audit", "-o", draft)
    assert result.exit_code == 0, result.output
    assert (
        "W242 警告：1 处：受理后超过期限（默认 30 天）仍未填写处置方式（基准日 2022-06-30；"
        "见 workreport validate 的清单）"
    ) in result.output
    assert not (tmp_path / "汇报.底稿.xlsx").exists()


def test_check_counts_the_warnings_as_worth_a_look(book, tmp_path):
    draft, _ = _warned_project(book, tmp_path)
    result = run("check", draft, book.folder, "--format", "json")
    found_ = json.loads(result.output)
    assert [f for f in found_["warnings"] if f["code"] == "C326"] == [
        {
            "code": "C326",
            "place": "台账",
            "message": "台账有 2 处案管室交叉核对的警告（W242 1 处、W243 1 处），"
            "可用 workreport validate 查看位置",
            "source": "",
        }
    ]
    assert "C326" not in {f["code"] for f in found_["must_fix"]}
    # without the ledgers there is nothing to count
    alone = json.loads(run("check", draft, "--format", "json").output)
    assert "C326" not in {f["code"] for f in alone["warnings"]}


def test_the_audit_lists_no_finding_under_its_header(book, tmp_path):
    book(
        "第一纪检监察室",
        {
            CLUE_SHEET: [clue("A1", date(2022, 6, 1), disposal="谈话函询")],
            "谈话": [[date(2022, 5, 1), "廉政谈话", 1, None]],
        },
    )
    result = run("build", book.folder, "-p", "2022H1", "-o", tmp_path / "汇报.docx")
    assert result.exit_code == 0, result.output
    assert "W24" not in result.output
    audit = openpyxl.load_workbook(tmp_path / "汇报.底稿.xlsx")
    rows = list(audit["交叉核对"].iter_rows(values_only=True))
    assert rows[1][0] == "交叉核对：案管室关注的问题（基准日 2022-06-30，共 0 处）"
    assert len(rows) == 3


def test_a_rule_that_would_name_a_person_fails_at_once(book, monkeypatch):
    import dataclasses

    from workreport import crossrules, ledgers

    book("第一纪检监察室", {CLUE_SHEET: [clue("A1", date(2022, 1, 5))]})
    naming = dataclasses.replace(ledgers.CROSS_RULES[5], message="{被反映人}：{days} 天")
    monkeypatch.setattr(crossrules, "CROSS_RULES", (naming,))
    with pytest.raises(KeyError) as e:
        check(book.folder, reference=date(2022, 6, 30))
    assert "被反映人 is personal data" in str(e.value)


# ---- the engine against a plain reading of the rules ---------------------------------


def _random_ledgers(book, seed: int) -> None:
    """Three workbooks of clues and measures at random, clues referred to across them:
    every rule has rows to find, and rows at its edges."""
    import random

    rng = random.Random(seed)
    day0 = date(2021, 1, 1).toordinal()

    def day(lo=0, hi=600):
        return date.fromordinal(day0 + rng.randint(lo, hi))

    ids = []
    units = ("一室", "二室", "三室")
    for n, unit in enumerate(units):
        clues, measures = [], []
        for k in range(30):
            cid = f"{n}-{k}"
            ids.append(cid)
            received = day()
            disposal = rng.choice((None, "谈话函询", "初步核实", "暂存待查", "予以了结"))
            filed_on = closed = disposed = transferred = None
            if rng.random() < 0.5:
                filed_on = date.fromordinal(received.toordinal() + rng.randint(0, 60))
                if rng.random() < 0.5:
                    closed = date.fromordinal(filed_on.toordinal() + rng.randint(0, 400))
                if rng.random() < 0.3:
                    transferred = date.fromordinal(filed_on.toordinal() + rng.randint(0, 30))
            if disposal and rng.random() < 0.5:
                disposed = date.fromordinal(received.toordinal() + rng.randint(0, 40))
            row = clue(cid, received, disposal=disposal, filed=filed_on, closed=closed)
            clues.append([*row, disposed, None, transferred])
        for _ in range(30):
            cid = rng.choice([*ids, None, None])
            form, kind = rng.choice(
                (
                    ("第一种形态", "批评教育"),
                    ("第二种形态", "党纪警告"),
                    ("第二种形态", "调整职务"),
                    ("第三种形态", "撤职"),
                    ("第四种形态", "移送检察机关"),
                )
            )
            measures.append(measure(rng.choice(NAMES), cid, day(), form, kind))
        book(unit, {CLUE_SHEET: clues, MEASURE_SHEET: measures})


def _plain(ledgers, config, reference) -> set[tuple]:
    """The eight rules read row by row, as a clerk would (docs/rules.md, 交叉核对)."""

    def given(v):
        return v is not None and not pd.isna(v)

    def days(since):
        return (pd.Timestamp(reference) - pd.Timestamp(since)).days

    clues = ledgers.frames["clues"].to_dict("records")
    measures = ledgers.frames["measures"].to_dict("records")
    first: dict = {}
    for c in clues:
        first.setdefault(c["线索编号"], c)
    sanctions = config.party_sanctions | config.gov_sanctions
    out = set()

    def at(code, r, sheet, column):
        out.add((code, r["_file"], sheet, r["_row"], column))

    for m in measures:
        c = first.get(m["线索编号"]) if given(m["线索编号"]) else None
        filed_on = c["立案日期"] if c is not None else None
        if m["处理方式"] in sanctions and given(filed_on) and m["处理日期"] < filed_on:
            at("E140", m, MEASURE_SHEET, "处理日期")
        unfiled = not given(m["线索编号"]) or (c is not None and not given(filed_on))
        if m["形态"] == "第四种形态" and unfiled:
            at("E141", m, MEASURE_SHEET, "线索编号")
    files: dict = {}
    for m in measures:
        if given(m["线索编号"]):
            files.setdefault((m["线索编号"], m["姓名"]), {}).setdefault(m["_file"], m)
    for person in files.values():
        if len(person) > 1:
            for m in person.values():
                at("E142", m, MEASURE_SHEET, "姓名")
    for c in clues:
        on_it = [m for m in measures if m["线索编号"] == c["线索编号"]]
        if given(c["移送检察机关日期"]) and not any(m["形态"] == "第四种形态" for m in on_it):
            at("W240", c, CLUE_SHEET, "移送检察机关日期")
        if given(c["结案日期"]) and not on_it:
            at("W241", c, CLUE_SHEET, "结案日期")
        if not given(c["处置方式"]) and days(c["受理日期"]) > 30:
            at("W242", c, CLUE_SHEET, "处置方式")
        if c["处置方式"] == "暂存待查":
            since = c["处置日期"] if given(c["处置日期"]) else c["受理日期"]
            if days(since) > 180:
                at("W243", c, CLUE_SHEET, "处置方式")
        still_open = not given(c["结案日期"]) or c["结案日期"] > pd.Timestamp(reference)
        if given(c["立案日期"]) and days(c["立案日期"]) > 365 and still_open:
            at("W244", c, CLUE_SHEET, "结案日期")
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_engine_finds_what_a_plain_reading_of_the_rules_finds(tmp_path, seed):
    from conftest import write_workbook

    def book(unit, sheets):
        write_workbook(tmp_path / "in" / f"{unit}.xlsx", sheets)

    _random_ledgers(book, seed)
    config = load_config(None)
    reference = date(2022, 6, 30)
    ledgers, issues = check(tmp_path / "in", config, reference)
    engine = {
        (i.code, i.file, i.sheet, i.row, i.column) for i in issues if i.code[:3] in ("E14", "W24")
    }
    plain = _plain(ledgers, config, reference)
    assert engine == plain
    # every rule has rows to find in each of these sets
    assert {code for code, *_ in plain} == {rule.code for rule in CROSS_RULES}
