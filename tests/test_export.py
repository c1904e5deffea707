"""全市 = 市本级 + 县区: counties export their figures, the city adds them up
(docs/rules.md, 上报文件).

Two hand-made counties and a city, every expected value worked out by hand below.

甲县 (甲县纪委监委), 2022H1:
  第一室   问题线索 JX-001 (受理 02-01, 立案 03-01), JX-002 (受理 03-05)
           处分处理 赵某某 on JX-001, 04-01, 第二种形态 党纪警告
           谈话     02-10 廉政谈话 3 人
  乡镇纪委 问题线索 JX-003 (受理 01-10)
           谈话     03-01 谈心谈话 2 人
乙县 (乙县纪委监委), 2022H1, no 谈话 sheet at all:
  监察室   问题线索 YX-001 (受理 04-01, 立案 05-01, 结案 06-01)
           处分处理 钱某某 on YX-001, 05-20, 第二种形态 政务警告
                    孙某某 on YX-001, 05-25, 第一种形态 谈话提醒
丙市 (丙市纪委监委), its own ledgers:
  案管室   问题线索 SX-001 (受理 01-05, 立案 02-01)
           处分处理 周某某 on SX-001, 03-01, 第三种形态 撤销党内职务
           谈话     01-20 廉政谈话 1 人
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

import workreport
from conftest import clue, measure, run, text_of, write_workbook
from workreport.config import load_config
from workreport.export import (
    FIGURES_SHEET,
    INFO_SHEET,
    add_up,
    is_export,
    read_export,
    registry_version,
)

NAMES = ["赵某某", "钱某某", "孙某某", "周某某", "张某甲"]
CLUE_IDS = ["JX-001", "JX-002", "JX-003", "YX-001", "SX-001"]


def project(folder: Path, organisation: str, books: dict[str, dict]) -> Path:
    folder.mkdir(parents=True)
    (folder / "workreport.toml").write_text(
        f'[report]\norganisation = "{organisation}"\nperiod = "2022H1"\ndate = 2022-07-05\n',
        encoding="utf-8",
    )
    for unit, sheets in books.items():
        write_workbook(folder / f"{unit}.xlsx", sheets)
    return folder


def county_a(root: Path) -> Path:
    return project(
        root / "甲县",
        "甲县纪委监委",
        {
            "第一室": {
                "问题线索": [
                    clue("JX-001", "2022-02-01", filed="2022-03-01"),
                    clue("JX-002", "2022-03-05"),
                ],
                "处分处理": [measure("赵某某", "JX-001", "2022-04-01", "第二种形态", "党纪警告")],
                "谈话": [["2022-02-10", "廉政谈话", 3, None]],
            },
            "乡镇纪委": {
                "问题线索": [clue("JX-003", "2022-01-10")],
                "谈话": [["2022-03-01", "谈心谈话", 2, None]],
            },
        },
    )


def county_b(root: Path) -> Path:
    return project(
        root / "乙县",
        "乙县纪委监委",
        {
            "监察室": {
                "问题线索": [clue("YX-001", "2022-04-01", filed="2022-05-01", closed="2022-06-01")],
                "处分处理": [
                    measure("钱某某", "YX-001", "2022-05-20", "第二种形态", "政务警告"),
                    measure("孙某某", "YX-001", "2022-05-25", "第一种形态", "谈话提醒"),
                ],
            },
        },
    )


def city(root: Path) -> Path:
    folder = project(
        root / "丙市",
        "丙市纪委监委",
        {
            "收文/案管室": {
                "问题线索": [clue("SX-001", "2022-01-05", filed="2022-02-01")],
                "处分处理": [
                    measure("周某某", "SX-001", "2022-03-01", "第三种形态", "撤销党内职务")
                ],
                "谈话": [["2022-01-20", "廉政谈话", 1, None]],
            },
        },
    )
    return folder


def export(county: Path, output: Path, *extra) -> Path:
    result = run("export", county, "--config", county / "workreport.toml", "-o", output, *extra)
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture(scope="module")
def counties_exported(tmp_path_factory) -> Path:
    """The three projects and both counties' exports in the city's 收文, made once for the
    module: two exports and three sets of workbooks cost more than most tests using them.
    Tests never touch this folder; ``setup`` hands each a copy of its own."""
    root = tmp_path_factory.mktemp("export")
    town = city(root)
    inbox = town / "收文"
    # any file name: an export is known by its own sheet
    export(county_a(root), inbox / "甲县.上报.xlsx")
    export(county_b(root), inbox / "乙县数据.xlsx")
    return root


@pytest.fixture
def setup(counties_exported, tmp_path):
    """(the city's project folder, its 收文 with both counties' exports in it), in the
    test's own tmp_path, laid out there as if made there."""
    shutil.copytree(counties_exported, tmp_path, dirs_exist_ok=True)
    town = tmp_path / "丙市"
    return town, town / "收文"


def stats_json(town: Path, *paths, by_unit: bool = False) -> dict:
    args = ["stats", *paths, "--config", town / "workreport.toml", "--format", "json"]
    result = run(*args, *(["--by", "单位"] if by_unit else []))
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{") :])


# ---- the export itself -------------------------------------------------------------------


def test_an_export_carries_every_figure_the_period_the_organisation_and_the_hashes(tmp_path):
    county = county_a(tmp_path)
    out = export(county, tmp_path / "甲县.上报.xlsx")
    assert is_export(out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == [INFO_SHEET, FIGURES_SHEET]
    assert {"单位 第一室", "单位 乡镇纪委"} <= set(book.sheetnames)
    info = {r[0]: r[1:] for r in book[INFO_SHEET].iter_rows(values_only=True) if r[0]}
    assert info["上报单位"][0] == "甲县纪委监委"
    assert info["层级"][0] == "县"
    assert (info["期间开始"][0], info["期间结束"][0]) == ("2022-01-01", "2022-06-30")
    assert info["口径版本"][0] == registry_version(load_config(county / "workreport.toml"))
    inputs = [r[1:] for r in book[INFO_SHEET].iter_rows(values_only=True) if r[0] == "台账文件"]
    import hashlib

    assert sorted(inputs) == sorted(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in county.glob("*.xlsx")
    )
    figures = {r[0]: r for r in book[FIGURES_SHEET].iter_rows(values_only=True) if r[0]}
    # 3 clues (JX-001, JX-002, JX-003); 廉政谈话 3 + 谈心谈话 2 = 5; a label, unit and 口径 each
    assert figures["clues"][1:5] == ("受理问题线索", "件", "受理日期在统计期间内的问题线索条数", 3)
    assert figures["talks_total"][4] == 5
    assert figures["talks.廉政谈话"][4] == 3
    # no 信访举报 sheet: missing, not 0
    assert figures["petitions"][4] == "—"
    exported, issues = read_export(out, out.name)
    assert issues == []
    assert exported.values["clues"] == 3 and exported.by_unit["乡镇纪委"]["clues"] == 1


def personal_cells(folder: Path) -> set[str]:
    """Every 被反映人, 姓名 and 线索编号 written in the ledgers under ``folder``."""
    found = set()
    for path in folder.rglob("*.xlsx"):
        for sheet in openpyxl.load_workbook(path).worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            for at, header in enumerate(rows[0] if rows else ()):
                if header in ("被反映人", "姓名", "线索编号"):
                    found |= {str(r[at]) for r in rows[1:] if r[at]}
    return found


@pytest.mark.parametrize("make", [county_a, county_b])
def test_an_export_holds_no_name_and_no_clue_number(tmp_path, make):
    county = make(tmp_path)
    secrets = personal_cells(county)
    assert secrets & set(NAMES) and secrets & set(CLUE_IDS)  # the scan sees them
    out = export(county, tmp_path / "上报.xlsx")
    with zipfile.ZipFile(out) as z:  # every part: sheets, shared strings, properties
        content = "".join(z.read(n).decode("utf-8") for n in z.namelist())
    for secret in secrets:
        assert secret not in content


def test_export_refuses_to_overwrite_without_force(tmp_path):
    county = county_a(tmp_path)
    out = export(county, tmp_path / "甲县.上报.xlsx")
    again = run("export", county, "--config", county / "workreport.toml", "-o", out)
    assert again.exit_code == 2
    assert "已存在" in again.output
    export(county, out, "--force")
    assert (tmp_path / "甲县.上报.v1.xlsx").is_file()


def test_the_library_exports_too(tmp_path):
    county = county_a(tmp_path)
    result = workreport.export_figures(
        [county], tmp_path / "a.xlsx", config=county / "workreport.toml"
    )
    assert result.output.is_file() and result.stats.values["clues"] == 3


# ---- the city adds them up ---------------------------------------------------------------


def test_the_city_adds_the_counties_to_its_own(setup):
    town, inbox = setup
    out = stats_json(town, inbox, by_unit=True)
    f = out["figures"]
    assert f["clues"] == 5  # 甲县 3 + 乙县 1 + 市本级 1
    assert f["cases_filed"] == 3  # JX-001 + YX-001 + SX-001
    assert f["cases_closed"] == 1  # YX-001
    # distinct persons add across levels: 赵某某 (甲) + 钱某某 (乙) + 周某某 (市)
    assert f["sanctioned_persons"] == 3
    assert f["party_sanctioned_persons"] == 2  # 赵某某 党纪警告, 周某某 撤销党内职务
    assert f["gov_sanctioned_persons"] == 1  # 钱某某 政务警告
    # 人次: 甲 1 (第二) + 乙 2 (第二, 第一) + 市 1 (第三) = 4
    assert f["forms_total"] == 4
    assert [f[f"forms_{n}"] for n in (1, 2, 3, 4)] == [1, 2, 1, 0]
    # recomputed from the summed forms: 1/4, 2/4, 1/4, 0
    assert list(f["forms_shares"].values()) == [25.0, 50.0, 25.0, 0.0]
    # grouped per category: 廉政谈话 甲 3 + 市 1; 谈心谈话 甲 2
    assert f["talks"]["廉政谈话"] == 4 and f["talks"]["谈心谈话"] == 2
    # 乙县 sent no 谈话: the sum is 甲 5 + 市 1 = 6, partial
    assert f["talks_total"] == 6
    # a figure no one has stays missing
    assert f["petitions"] is None
    # the counties are units of their own, after the city's, in the order of their files
    assert list(out["by_unit"]) == ["案管室", "乙县纪委监委", "甲县纪委监委"]
    assert out["by_unit"]["甲县纪委监委"]["clues"] == 3
    assert out["by_unit"]["乙县纪委监委"]["talks_total"] is None


def test_a_figure_one_county_lacks_is_partial_and_names_it(setup):
    town, inbox = setup
    stats = workreport.compute_stats([inbox], config=town / "workreport.toml")
    assert stats.partial["talks_total"] == ("乙县纪委监委",)
    notices = [i for i in stats.notices if i.code == "W230"]
    assert any("乙县纪委监委" in i.message and "谈话合计" in i.message for i in notices)


def test_the_scope_keeps_the_city_and_the_counties_apart(setup):
    town, inbox = setup
    run_ = workreport.Run.open([inbox], config=town / "workreport.toml")
    stats = run_.stats()
    ctx = run_.context(stats)
    assert ctx["scope"]["本级"]["cases_filed"].value == 1  # SX-001
    assert ctx["scope"]["下级"]["cases_filed"].value == 2  # JX-001 + YX-001
    assert ctx["scope"]["下级"]["talks_total"].value == 5  # 甲县 5; 乙县 sent none
    assert ctx["scope"]["本级"]["clues"].id == "scope.本级.clues"  # refresh finds it
    assert ctx["subject"] == "全市纪检监察机关"


def test_a_city_build_with_two_exports(setup):
    town, inbox = setup
    out = town / "汇报.docx"
    result = run("build", inbox, "--config", town / "workreport.toml", "-o", out)
    assert result.exit_code == 0, result.output
    text = text_of(out)
    # the subject of the summed figures, and the 本级's own share of the cases
    assert (
        "全市纪检监察机关受理问题线索5件，立案3件（其中市本级立案1件），结案1件，党纪政务处分3人"
        in text
    )
    # the appendix: the city's units, one row per county, then 合计
    table = docx.Document(str(out)).tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert [r[0] for r in rows[1:]] == ["案管室", "乙县纪委监委", "甲县纪委监委", "合计"]
    assert rows[3][1:4] == ["3", "1", "0"]  # 甲县: 受理 3, 立案 1, 结案 0
    assert rows[4][1:4] == ["5", "3", "1"]
    # the 底稿 traces each county's number to its export
    audit = openpyxl.load_workbook(town / "汇报.底稿.xlsx")
    sent = [r for r in audit["上报文件"].iter_rows(values_only=True)]
    assert ("乙县纪委监委", "乙县数据.xlsx", FIGURES_SHEET, "clues", "受理问题线索", 1) in sent
    assert ("甲县纪委监委", "甲县.上报.xlsx", FIGURES_SHEET, "clues", "受理问题线索", 3) in sent
    summary = {r[0]: r for r in audit["指标汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["clues"][4:6] == (5, 3)  # 1 ledger row + the two exports' rows
    # no name of any level in the draft
    for name in NAMES:
        assert name not in text


def test_without_exports_the_report_speaks_of_the_city_itself(tmp_path):
    town = city(tmp_path)
    out = town / "汇报.docx"
    result = run("build", town / "收文", "--config", town / "workreport.toml", "-o", out)
    assert result.exit_code == 0, result.output
    text = text_of(out)
    assert "市本级纪检监察机关受理问题线索1件" in text
    assert "全市纪检监察机关" not in text


def test_the_bulletin_warns_without_exports(tmp_path):
    town = city(tmp_path)
    args = ["build", town / "收文", "--config", town / "workreport.toml", "--preset", "通报"]
    result = run(*args, "-o", town / "通报.docx")
    assert result.exit_code == 0, result.output
    assert "W260" in result.output
    assert "全市纪检监察机关" in text_of(town / "通报.docx")


def test_the_bulletin_with_exports_does_not_warn(setup):
    town, inbox = setup
    args = ["build", inbox, "--config", town / "workreport.toml", "--preset", "通报"]
    result = run(*args, "-o", town / "通报.docx")
    assert result.exit_code == 0, result.output
    assert "W260" not in result.output
    assert "立案3件" in text_of(town / "通报.docx")


def test_refresh_and_check_take_exports(setup):
    town, inbox = setup
    out = town / "汇报.docx"
    config = town / "workreport.toml"
    assert run("build", inbox, "--config", config, "-o", out).exit_code == 0
    refreshed = run("refresh", out, inbox, "--config", config)
    assert refreshed.exit_code == 0, refreshed.output
    checked = run("check", out, inbox, "--config", config)
    # 谈话 is partial (乙县 sent no 谈话 sheet) and the draft shows it: must fix, named
    assert checked.exit_code == 1
    line = next(x for x in checked.output.splitlines() if x.startswith("C307"))
    assert "talks" in line and "乙县纪委监委" in line


def test_validate_accepts_and_checks_exports(setup):
    town, inbox = setup
    result = run("validate", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 0, result.output
    # neither read as a ledger workbook (W202 its sheets, E005 none) nor a 底稿 (W203)
    assert not codes(result) & {"W202", "W203", "E005", "E001", "E003", "E007"}
    alone = run("validate", inbox / "甲县.上报.xlsx", "--config", town / "workreport.toml")
    assert alone.exit_code == 0, alone.output
    assert not codes(alone) & {"W202", "W203", "E004", "E005"}


# ---- refusals ----------------------------------------------------------------------------


def codes(result) -> set[str]:
    import re

    return set(re.findall(r"\b[EW]\d{3}\b", result.output))


def test_an_export_edited_by_hand_is_refused(setup):
    town, inbox = setup
    path = inbox / "甲县.上报.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[FIGURES_SHEET]
    row = next(r for r in sheet.iter_rows() if r[0].value == "clues")
    row[4].value = 30
    book.save(path)
    assert is_export(path)  # still known by its sheet
    result = run("validate", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 1
    assert "E161" in codes(result) and "甲县.上报.xlsx" in result.output
    build = run("build", inbox, "--config", town / "workreport.toml", "-o", town / "a.docx")
    assert build.exit_code == 1 and "E161" in codes(build)


def test_an_export_of_another_period_is_refused(setup, tmp_path):
    town, inbox = setup
    args = ["export", tmp_path / "甲县", "--config", tmp_path / "甲县" / "workreport.toml"]
    assert (
        run(*args, "--period", "2022Q1", "-o", inbox / "甲县.上报.xlsx", "--force").exit_code == 0
    )
    result = run("stats", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 1
    assert "E162" in codes(result) and "甲县.上报.xlsx" in result.output


def test_an_export_of_another_registry_version_is_refused(setup, tmp_path):
    town, inbox = setup
    county = tmp_path / "甲县"
    with (county / "workreport.toml").open("a", encoding="utf-8") as f:
        f.write('\n[activities]\n"廉政教育基地参观" = "次"\n')
    export(county, inbox / "甲县.上报.xlsx", "--force")
    result = run("stats", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 1
    assert "E163" in codes(result) and "甲县.上报.xlsx" in result.output


def test_two_exports_of_one_organisation_are_refused(setup, tmp_path):
    town, inbox = setup
    export(tmp_path / "甲县", inbox / "甲县（更正）.xlsx")
    result = run("stats", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 1
    assert "E164" in codes(result) and "甲县（更正）.xlsx" in result.output


def test_the_citys_own_export_beside_its_ledgers_is_refused(setup):
    town, inbox = setup
    config = town / "workreport.toml"
    mine = town / "本级.上报.xlsx"
    assert run("export", inbox, "--config", config, "-o", mine).exit_code == 0
    mine.rename(inbox / "本级.上报.xlsx")
    result = run("stats", inbox, "--config", config)
    assert result.exit_code == 1 and "E165" in codes(result)


def test_a_malformed_export_is_refused(setup):
    town, inbox = setup
    path = inbox / "甲县.上报.xlsx"
    book = openpyxl.load_workbook(path)
    del book[FIGURES_SHEET]
    book.save(path)
    result = run("validate", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 1
    assert "E160" in codes(result) and "甲县.上报.xlsx" in result.output


# ---- the sum, generic over the registry ----------------------------------------------------


def test_add_up_is_generic_and_honest_about_missing_parts():
    values, partial = add_up(
        [
            ("市本级", {"clues": 1, "losses_recovered": 0.1, "talks": {"廉政谈话": 1}}),
            ("甲县", {"clues": 2, "losses_recovered": 0.2, "talks": None}),
            ("乙县", {"clues": None, "losses_recovered": None, "talks": None}),
        ]
    )
    assert values["clues"] == 3
    assert values["losses_recovered"] == 0.3  # 万元, added exactly: not 0.30000000000000004
    assert values["talks"] == {"廉政谈话": 1}
    assert partial == {
        "clues": ("乙县",),
        "losses_recovered": ("乙县",),
        "talks": ("甲县", "乙县"),
    }
    assert values["forms_shares"] is None


def test_a_county_project_exports_and_names_its_level(tmp_path):
    folder = tmp_path / "丁县项目"
    result = run("init", folder, "--level", "县")
    assert result.exit_code == 0, result.output
    config = load_config(folder / "workreport.toml")
    assert config.level == "县"
    write_workbook(folder / "收文" / "第一室.xlsx", {"问题线索": [clue("DX-1", "2022-02-01")]})
    out = folder / "丁县.上报.xlsx"
    made = run(
        "export", folder / "收文", "--config", folder / "workreport.toml", "--period", "2022H1",
        "-o", out,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    exported, _ = read_export(out, out.name)
    assert exported.level == "县" and exported.values["clues"] == 1


def test_a_sheet_added_by_hand_is_an_edit(setup):
    town, inbox = setup
    path = inbox / "甲县.上报.xlsx"
    book = openpyxl.load_workbook(path)
    book.create_sheet("补充").append(["另有线索", 2])
    book.save(path)
    result = run("validate", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 1 and "E161" in codes(result)


def test_a_countys_partial_figure_stays_partial_in_the_city(tmp_path):
    # 戊县: 甲室 reports 处置日期 (JW-1 处置 02-05), 乙室 has the column blank: the county's
    # 处置问题线索 is 1, partial (乙室); the city reports no 处置日期 of its own
    disposed = [*clue("JW-1", "2022-02-01", disposal="谈话函询"), "2022-02-05"]
    blank = [*clue("JW-2", "2022-02-01"), None]
    county = project(
        tmp_path / "戊县",
        "戊县纪委监委",
        {"甲室": {"问题线索": [disposed]}, "乙室": {"问题线索": [blank]}},
    )
    town = city(tmp_path)
    export(county, town / "收文" / "戊县.上报.xlsx")
    stats = workreport.compute_stats([town / "收文"], config=town / "workreport.toml")
    assert stats.values["clues_disposed"] == 1
    # the county's silent unit, by county; then the 本级, which reports no 处置日期 at all
    assert stats.partial["clues_disposed"] == ("戊县纪委监委（乙室）", "市本级")


def test_last_year_is_summed_only_when_every_source_knows_it():
    from workreport.export import add_up_previous

    assert add_up_previous([{"clues": 2}, {"clues": 3}])["clues"] == 5
    # one county without last year's rows: no 同比 for the sum, never a growth that never was
    assert add_up_previous([{"clues": 2}, {"clues": None}])["clues"] is None


def test_the_library_validates_exports(setup):
    town, inbox = setup
    checked = workreport.validate_ledgers([inbox], config=town / "workreport.toml")
    assert checked.ok and checked.files == 3  # 案管室 and the two exports


def test_refresh_updates_the_sum_and_each_scope(setup, tmp_path):
    town, inbox = setup
    out, config = town / "汇报.docx", town / "workreport.toml"
    assert run("build", inbox, "--config", config, "-o", out).exit_code == 0
    # the city files one more case of its own (SX-002), 甲县 one more clue (JX-004)
    write_workbook(
        inbox / "案管室.xlsx",
        {
            "问题线索": [
                clue("SX-001", "2022-01-05", filed="2022-02-01"),
                clue("SX-002", "2022-01-06", filed="2022-02-02"),
            ],
            "处分处理": [measure("周某某", "SX-001", "2022-03-01", "第三种形态", "撤销党内职务")],
            "谈话": [["2022-01-20", "廉政谈话", 1, None]],
        },
    )
    write_workbook(
        tmp_path / "甲县" / "乡镇纪委.xlsx",
        {
            "问题线索": [clue("JX-003", "2022-01-10"), clue("JX-004", "2022-01-11")],
            "谈话": [["2022-03-01", "谈心谈话", 2, None]],
        },
    )
    export(tmp_path / "甲县", inbox / "甲县.上报.xlsx", "--force")
    (inbox / "甲县.上报.v1.xlsx").unlink()  # the backup would be a second export of 甲县
    result = run("refresh", out, inbox, "--config", config)
    assert result.exit_code == 0, result.output
    # 受理 5 + SX-002 + JX-004 = 7; 立案 3 + SX-002 = 4, of which the 本级's 1 + 1 = 2
    assert "全市纪检监察机关受理问题线索7件，立案4件（其中市本级立案2件）" in text_of(out)


def test_an_export_named_like_one_of_the_citys_units_is_refused(setup):
    town, inbox = setup
    # the city also has a ledger workbook named after 乙县 (its ledgers and its export?)
    write_workbook(inbox / "乙县纪委监委.xlsx", {"问题线索": [clue("YZ-1", "2022-02-01")]})
    result = run("stats", inbox, "--config", town / "workreport.toml")
    assert result.exit_code == 1
    assert "E166" in codes(result) and "乙县数据.xlsx" in result.output


def test_validate_annotate_lists_an_export_edited_by_hand(setup):
    town, inbox = setup
    path = inbox / "甲县.上报.xlsx"
    book = openpyxl.load_workbook(path)
    next(r for r in book[FIGURES_SHEET].iter_rows() if r[0].value == "clues")[4].value = 9
    book.save(path)
    args = ["validate", inbox, "--config", town / "workreport.toml"]
    result = run(*args, "--annotate", town / "退回")
    assert result.exit_code == 1 and "E161" in codes(result)
    copy = openpyxl.load_workbook(town / "退回" / "甲县.上报.xlsx")
    assert "E161" in str([c.value for row in copy["问题清单"].iter_rows() for c in row])


def test_without_a_period_the_exports_must_agree_with_each_other(setup, tmp_path):
    town, inbox = setup
    (town / "workreport.toml").write_text('[report]\norganisation = "丙市纪委监委"\n', "utf-8")
    assert run("validate", inbox, "--config", town / "workreport.toml").exit_code == 0
    args = ["export", tmp_path / "甲县", "--config", tmp_path / "甲县" / "workreport.toml"]
    assert (
        run(*args, "--period", "2022Q1", "-o", inbox / "甲县.上报.xlsx", "--force").exit_code == 0
    )
    (inbox / "甲县.上报.v1.xlsx").unlink()
    result = run("validate", inbox, "--config", town / "workreport.toml")
    # files in path order: 乙县数据.xlsx comes first and sets the period the others must have
    assert result.exit_code == 1 and "E162" in codes(result)
    assert "乙县数据.xlsx 是 2022-01-01 至 2022-06-30" in result.output


def test_unit_sheets_have_names_excel_accepts_and_distinct():
    from workreport.export import _unit_sheet_names

    long = "第一纪检监察室（派驻市发展和改革委员会纪检监察组）"
    names = _unit_sheet_names([long, long + "二", "A/B[1]", "上报说明"])
    assert len(set(names.values())) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\'") for n in names.values())


def test_a_county_project_s_placeholder_is_a_county_s_and_still_named(tmp_path):
    # init --level 县 with no name in the folder's: the placeholder says 县, not 市, and
    # build and export still say it is one (W216), not that the level contradicts it (W229)
    from conftest import SAMPLE

    project = tmp_path / "2022上半年"
    assert run("init", project, "--level", "县").exit_code == 0
    toml = (project / "workreport.toml").read_text("utf-8")
    assert 'organisation = "xx县纪委监委"' in toml and 'level = "县"' in toml
    for path in SAMPLE.glob("*.xlsx"):
        (project / "收文" / path.name).write_bytes(path.read_bytes())
    config = project / "workreport.toml"
    result = run("export", project / "收文", "--config", config, "-o", tmp_path / "x.上报.xlsx")
    assert result.exit_code == 0, result.output
    assert "W216" in result.output and "xx县纪委监委" in result.output
    assert "W229" not in result.output


def test_a_figure_partial_for_want_of_a_countys_sheet_can_be_accepted(setup):
    # 乙县 sent no 谈话: talks_total counts the city and 甲县 only (partial, C307) until the
    # analyst accepts it; a figure no county can make partial, or no figure, is still refused
    town, inbox = setup
    config = town / "workreport.toml"
    out = town / "汇报.docx"
    assert run("build", inbox, "--config", config, "-o", out).exit_code == 0
    assert "C307" in run("check", out, inbox, "--config", config).output
    toml = config.read_text("utf-8")
    config.write_text(toml + '\n[figures]\npartial_ok = ["talks_total", "talks"]\n', "utf-8")
    result = run("refresh", out, inbox, "--config", config)
    assert result.exit_code == 0, result.output
    checked = run("check", out, inbox, "--config", config).output
    assert "C307" not in checked and "C325" in checked
    config.write_text(toml + '\n[figures]\npartial_ok = ["talks_totl"]\n', "utf-8")
    refused = run("stats", inbox, "--config", config)
    assert refused.exit_code == 2 and "talks_totl 不是可由部分单位报送的指标" in refused.output
