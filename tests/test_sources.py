"""Source profiles (docs/sources.md): a department's layout and the platform's flat export,
read through their profiles, are the ledgers they came from."""

from __future__ import annotations

import json
import re

import openpyxl

from conftest import run
from layouts import (
    CLUES,
    DEPARTMENT_PROFILE,
    MEASURES,
    NAMES,
    PLATFORM_HEADER,
    PLATFORM_PROFILE,
    day,
    department,
    ours,
    platform,
    platform_rows,
    save,
)
from workreport.audit import audit_tables
from workreport.run import Request, Run

PROFILES = DEPARTMENT_PROFILE + PLATFORM_PROFILE


def project(tmp_path, profiles: str = PROFILES):
    config = tmp_path / "workreport.toml"
    config.write_text('[report]\norganisation = "某市纪委监委"\n' + profiles, encoding="utf-8")
    return config


def stats(folder, config) -> dict:
    result = run(
        "stats",
        folder,
        "--period",
        "2022H1",
        "--config",
        config,
        "--format",
        "json",
        "--by",
        "单位",
        "--no-cache",
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def validation(folder, config, *more) -> dict:
    result = run("validate", folder, "--config", config, "--format", "json", "--no-cache", *more)
    return result.exit_code, json.loads(result.stdout)


def test_each_layout_through_its_profile_gives_the_ledgers_figures(tmp_path):
    config = project(tmp_path)
    ours(tmp_path / "ours")
    department(tmp_path / "dept")
    platform(tmp_path / "flat")
    expected = stats(tmp_path / "ours", config)
    assert expected["figures"]["clues"] == 4
    assert expected["figures"]["cases_filed"] == 2
    assert expected["figures"]["sanctioned_persons"] == 1
    assert list(expected["by_unit"]) == ["第一室"]
    assert stats(tmp_path / "dept", config) == expected
    assert stats(tmp_path / "flat", config) == expected


def test_the_unit_is_the_file_name_without_the_match_text_or_the_unit_column(tmp_path):
    config = project(tmp_path)
    platform(tmp_path / "flat", unit="第二室")
    assert list(stats(tmp_path / "flat", config)["by_unit"]) == ["第二室"]
    with_column = PLATFORM_PROFILE.replace(
        'match = "*平台导出*.xlsx"', 'match = "*平台导出*.xlsx"\nunit = "承办部门"'
    )
    config = project(tmp_path, with_column)
    assert list(stats(tmp_path / "flat", config)["by_unit"]) == ["某部门"]


def test_a_clue_repeated_with_two_different_values_is_e170_naming_both_rows(tmp_path):
    config = project(tmp_path)
    rows = platform_rows()
    rows[1][1] = day("2022-01-11")  # XS001's second row: another 收件日期
    rows[1][3] = "另一个人"  # and another 反映对象: a name, never shown
    platform(tmp_path / "flat", rows=rows)
    code, out = validation(tmp_path / "flat", config)
    assert code == 1
    e170 = [i for i in out["issues"] if i["code"] == "E170"]
    assert [(i["sheet"], i["row"], i["column"], i["column_letter"]) for i in e170] == [
        ("线索处置", 3, "收件日期", "B"),
        ("线索处置", 3, "反映对象", "D"),
    ]
    assert e170[0]["message"] == (
        "线索「XS001」的第2行和第3行「收件日期」不一致：「2022-01-10」与「2022-01-11」"
    )
    assert e170[1]["message"] == "线索「XS001」的第2行和第3行「反映对象」不一致"
    assert not any(n in json.dumps(out, ensure_ascii=False) for n in [*NAMES, "另一个人"])


def test_headers_a_profile_does_not_map_are_ignored_with_w206(tmp_path):
    config = project(tmp_path)
    department(tmp_path / "dept")
    platform(tmp_path / "flat")
    _, out = validation(tmp_path / "dept", config)
    w206 = [
        (i["sheet"], i["column"], i["column_letter"]) for i in out["issues"] if i["code"] == "W206"
    ]
    assert w206 == [("线索台账", "承办人", "J")]
    _, out = validation(tmp_path / "flat", config)
    w206 = [
        (i["sheet"], i["column"], i["column_letter"]) for i in out["issues"] if i["code"] == "W206"
    ]
    assert w206 == [("线索处置", "承办部门", "L")]
    assert [i["sheet"] for i in out["issues"] if i["code"] == "W202"] == []


def test_problems_name_the_workbooks_own_sheet_row_and_header(tmp_path):
    config = project(tmp_path)
    clues = [list(c) for c in CLUES]
    clues[2][1] = "2022-13-01"  # XS003's 收到时间: no 13th month
    department(tmp_path / "dept", clues=[tuple(c) for c in clues])
    rows = platform_rows()
    rows[3][10] = "罚酒三杯"  # a 处理种类 not in the vocabulary
    platform(tmp_path / "flat", rows=rows)
    code, out = validation(tmp_path / "dept", config)
    assert code == 1
    [bad] = [i for i in out["issues"] if i["code"] == "E103"]
    assert (bad["sheet"], bad["row"], bad["column"], bad["column_letter"]) == (
        "线索台账",
        5,
        "收到时间",
        "C",
    )
    code, out = validation(tmp_path / "flat", config)
    assert code == 1
    [bad] = [i for i in out["issues"] if i["code"] == "E104"]
    assert (bad["sheet"], bad["row"], bad["column"], bad["column_letter"]) == (
        "线索处置",
        5,
        "处理种类",
        "K",
    )


def test_a_profile_naming_what_we_do_not_have_is_a_configuration_error(tmp_path):
    ours(tmp_path / "ours")
    cases = [
        (
            '"收件日期" = "受理日期"',
            '"收件日期" = "收件时间"',
            "「收件日期」对应的「收件时间」不是「问题线索」台账的列",
        ),
        ('ledger = "处分处理"', 'ledger = "处分"', "ledger「处分」不是台账"),
        (
            '"初核" = "初步核实"',
            '"初核" = "初查"',
            "「初核」对应的「初查」不是「处置方式」的可选值",
        ),
    ]
    for old, new, said in cases:
        assert old in PLATFORM_PROFILE
        config = project(tmp_path, PLATFORM_PROFILE.replace(old, new))
        result = run("validate", tmp_path / "ours", "--config", config)
        assert result.exit_code == 2, result.output
        assert said in result.stderr
        line = next(
            n
            for n, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
            if new in text
        )
        assert f"第 {line} 行" in result.stderr
        assert '[[sources."平台导出".sheets]] 第' in result.stderr
        assert "Traceback" not in result.output


def test_a_profile_missing_a_required_column_or_with_an_unknown_key(tmp_path):
    ours(tmp_path / "ours")
    config = project(tmp_path, PLATFORM_PROFILE.replace('"线索来源" = "线索来源", ', ""))
    result = run("validate", tmp_path / "ours", "--config", config)
    assert result.exit_code == 2
    assert "columns 中没有台账「问题线索」的必填列「线索来源」" in result.stderr
    config = project(
        tmp_path, PLATFORM_PROFILE.replace('key = "线索编号"', 'key = "线索编号"\nrow_with = "x"')
    )
    result = run("validate", tmp_path / "ours", "--config", config)
    assert result.exit_code == 0
    assert "未知的键 row_with" in result.stderr


def test_annotate_marks_their_cells_in_their_layout(tmp_path):
    config = project(tmp_path)
    rows = platform_rows()
    rows[3][10] = "罚酒三杯"
    platform(tmp_path / "flat", rows=rows)
    code, _ = validation(tmp_path / "flat", config, "--annotate", tmp_path / "退回")
    assert code == 1
    wb = openpyxl.load_workbook(tmp_path / "退回" / "第一室平台导出.xlsx")
    ws = wb["线索处置"]
    assert [c.value for c in ws[1]] == PLATFORM_HEADER
    assert "E104" in ws["K5"].comment.text


def test_the_audit_traces_rows_to_their_sheet_and_row(tmp_path):
    config = project(tmp_path)
    platform(tmp_path / "flat")
    r = Run.open([tmp_path / "flat"], config=config, request=Request.of(period="2022H1"))
    s = r.stats()
    _, sheets = audit_tables(r.checked().ledgers, s.values, s.period, r.config)
    columns = sheets["问题线索"].columns
    places = list(zip(columns["工作表"][1].tolist(), columns["行号"][1].tolist(), strict=True))
    # XS001 on rows 2 and 3 is one clue, at its first row; XS004 has a row of its own
    assert places == [("线索处置", 2), ("线索处置", 4), ("线索处置", 5), ("线索处置", 6)]


def test_the_cache_key_includes_the_profile(tmp_path):
    config = project(tmp_path)
    platform(tmp_path / "flat")
    args = (
        "stats",
        tmp_path / "flat",
        "--period",
        "2022H1",
        "--config",
        config,
        "--format",
        "json",
    )
    first = json.loads(run(*args).stdout)["figures"]["clues_by_disposal"]
    assert first["初步核实"] == 2
    config.write_text(
        config.read_text(encoding="utf-8").replace('"初核" = "初步核实"', '"初核" = "谈话函询"'),
        encoding="utf-8",
    )
    again = json.loads(run(*args).stdout)["figures"]["clues_by_disposal"]
    assert again["初步核实"] == 0 and again["谈话函询"] == 3


def test_a_workbook_without_the_profiles_sheets_is_e172(tmp_path):
    config = project(tmp_path)
    save(tmp_path / "flat" / "第一室平台导出.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})
    code, out = validation(tmp_path / "flat", config)
    assert code == 1
    assert [i["code"] for i in out["issues"] if i["severity"] == "错误"] == ["E172"]
    assert MEASURES and CLUES  # the records the other tests write


def test_a_repeated_row_may_write_the_same_date_as_text(tmp_path):
    config = project(tmp_path)
    rows = platform_rows()
    rows[1][1] = "2022年1月10日"  # XS001's second row: its 收件日期 as text, the same day
    platform(tmp_path / "flat", rows=rows)
    code, out = validation(tmp_path / "flat", config)
    assert code == 0, out
    assert [i["code"] for i in out["issues"] if i["code"] == "E170"] == []


def test_a_mapped_header_the_workbook_lacks_is_e171_when_required_w270_otherwise(tmp_path):
    config = project(tmp_path)
    header = [h if h not in ("收件日期", "结案日期") else h + "X" for h in PLATFORM_HEADER]
    save(tmp_path / "flat" / "第一室平台导出.xlsx", {"线索处置": [header, *platform_rows()]})
    code, out = validation(tmp_path / "flat", config)
    assert code == 1
    found = [
        (i["code"], i["sheet"], i["row"], i["column"])
        for i in out["issues"]
        if i["code"] in ("E171", "W270")
    ]
    assert found == [("E171", "线索处置", 1, "收件日期"), ("W270", "线索处置", 1, "结案日期")]
    # the required column is said once, not once per row (E102)
    assert not [i for i in out["issues"] if i["code"] == "E102"]


def test_a_sheet_of_the_profile_the_workbook_lacks_is_a_ledger_not_sent(tmp_path):
    config = project(tmp_path)
    department(tmp_path / "dept")
    from openpyxl import load_workbook

    path = tmp_path / "dept" / "第一室部门台账.xlsx"
    wb = load_workbook(path)
    del wb["处理台账"]
    wb.save(path)
    code, out = validation(tmp_path / "dept", config)
    assert code == 0
    assert [i["message"] for i in out["issues"] if i["code"] == "W271"] == [
        '[sources."部门台账"] 中的工作表「处理台账」在这个工作簿中没有，相应台账按未报送处理'
    ]
    figures = stats(tmp_path / "dept", config)["figures"]
    assert figures["clues"] == 4 and figures["forms_total"] is None


def test_a_measure_row_without_a_clue_on_the_flat_sheet_is_no_empty_clue(tmp_path):
    config = project(tmp_path)
    rows = platform_rows()
    # a 第一种形态 taken without a clue: only the measure's columns are filled
    rows.append([None] * 8 + ["某人", day("2022-05-01"), "批评教育", "某部门"])
    platform(tmp_path / "flat", rows=rows)
    code, out = validation(tmp_path / "flat", config)
    assert code == 0, out
    figures = stats(tmp_path / "flat", config)["figures"]
    assert (figures["clues"], figures["forms_total"], figures["forms_1"]) == (4, 4, 3)


def test_a_counted_column_the_profile_leaves_out_is_named_like_a_missing_column(tmp_path):
    # a column no profile line maps is blank on every row: 是否一把手 unmapped, every clue
    # would read as no 一把手's and the 一把手 figures print 0 as if true (W207, as load.py)
    platform(tmp_path / "flat")

    def unmapped(profile: str) -> set[tuple[str, str]]:
        code, found = validation(tmp_path / "flat", project(tmp_path, profile))
        assert code == 0
        w207 = [i for i in found["issues"] if i["code"] == "W207"]
        assert all("平台导出" in i["message"] and i["sheet"] == "线索处置" for i in w207)
        return {(i["column"], re.search("对应「(.+?)」的「", i["message"])[1]) for i in w207}

    mapped = unmapped(PLATFORM_PROFILE)
    # the platform's sheet has no 是否领导班子成员: said for the clues and the measures
    assert ("是否领导班子成员", "问题线索") in mapped
    fewer = unmapped(PLATFORM_PROFILE.replace('"是否一把手" = "是否一把手", ', "", 1))
    assert fewer - mapped == {("是否一把手", "问题线索")}
