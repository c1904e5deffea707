"""Workbooks from other programs (the test suites of calamine, python-calamine, xlrd,
odfpy): what the reader reads is read, .xlsb included; what is damaged or encrypted is
refused with its code and its name, and the other workbooks of the folder are read all the
same (docs/rules.md, 输入约定); a folder with nothing to read is E004."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
import python_calamine

from conftest import HEADERS, clue, run, write_workbook
from test_hostile import (
    CONTENT_TYPES,
    LEDGER_ROWS,
    PACKAGE_RELS,
    WORKBOOK,
    WORKBOOK_RELS,
    _bad_crc_in_workbook_part,
    _encrypted_ods,
    row,
    sheet_xml,
    text_cell,
    write_xlsb,
    xls_workbook,
    xlsb_record,
    xlsb_shared_strings,
    xlsb_sheet,
)
from workreport import write_ledger_template
from workreport.config import load_config
from workreport.load import load_paths
from workreport.safety import check_workbook


def validate_json(folder: Path) -> tuple[int, dict]:
    result = run("validate", folder, "--format", "json")
    return result.exit_code, json.loads(result.output)


def codes(report: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in report["issues"]:
        found.setdefault(issue["file"], []).append(issue["code"])
    return found


def good_ledger(folder: Path, unit: str = "城关镇纪委") -> Path:
    return write_workbook(folder / f"{unit}.xlsx", {"问题线索": [clue("XS-001", "2022-03-05")]})


# --- damaged and encrypted: refused with their code and name, the folder still read -----


def test_a_damaged_part_and_an_encrypted_ods_do_not_stop_the_folder(tmp_path):
    # a bad CRC in xl/workbook.xml and an .ods saved with a password were exit 3 (a
    # traceback), and no workbook of the folder was read
    folder = tmp_path / "收文"
    folder.mkdir()
    _bad_crc_in_workbook_part(folder / "损坏.xlsx")
    _encrypted_ods(folder / "加密.ods")
    good_ledger(folder)
    exit_code, report = validate_json(folder)
    assert exit_code == 1
    assert codes(report)["损坏.xlsx"] == ["E001"]
    assert codes(report)["加密.ods"] == ["E002"]
    assert "E001" not in codes(report).get("城关镇纪委.xlsx", [])
    assert (report["files"], report["rows"]) == (3, 1)
    messages = {i["file"]: i["message"] for i in report["issues"] if i["code"] in ("E001", "E002")}
    assert messages["损坏.xlsx"].startswith("文件已损坏或不完整")
    assert messages["加密.ods"] == "文件已加密（设置了打开密码）"


# --- .xlsb --------------------------------------------------------------------------------


def xlsb_ledger(path: Path, rows: list[list], *, shared: bool = False) -> Path:
    """An .xlsb with the 问题线索 sheet: its header, then ``rows`` (None is a blank cell);
    with ``shared``, its texts in the shared strings part, as Excel writes them."""
    cells = {
        r: [(c, v) for c, v in enumerate(values) if v is not None]
        for r, values in enumerate([HEADERS["问题线索"], *rows])
    }
    strings: list[str] | None = [] if shared else None
    sheet = xlsb_sheet(cells, strings)
    parts = {"xl/sharedStrings.bin": xlsb_shared_strings(strings)} if strings else {}
    return write_xlsb(path, {"问题线索": sheet}, **parts)


def test_an_xlsb_ledger_is_read_like_any_other(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    xlsb_ledger(folder / "城关镇纪委.xlsb", [clue("XS-001", "2022-03-05"), clue("XS-002", 44630.0)])
    xlsb_ledger(folder / "东城乡纪委.xlsb", [clue("XS-101", "2022-04-01")], shared=True)
    loaded = load_paths([folder], load_config(None))
    assert [f.name for f in loaded.files] == ["东城乡纪委.xlsb", "城关镇纪委.xlsb"]
    assert loaded.rows_read == 3
    assert not [i for i in loaded.issues if i.severity == "错误"]
    exit_code, report = validate_json(folder)
    assert (exit_code, report["files"], report["rows"], report["errors"]) == (0, 2, 3, 0)


def test_an_error_value_in_an_xlsb_is_an_error_at_its_cell(tmp_path):
    # #N/A reads as a blank cell, where a default would stand in (E117, as in an .xlsx)
    path = xlsb_ledger(tmp_path / "城关镇纪委.xlsb", [clue("XS-001", b"\x2a")])
    loaded = load_paths([path], load_config(None))
    assert [(i.code, i.sheet, i.row, i.column) for i in loaded.issues if i.code == "E117"] == [
        ("E117", "问题线索", 2, "受理日期")
    ]


def test_an_xlsb_that_makes_the_reader_panic_is_refused_and_the_folder_still_read(tmp_path):
    # a styles part cut short: python-calamine panics when it opens the workbook (pyo3's
    # PanicException, a BaseException that «except Exception» let through: exit 3)
    folder = tmp_path / "收文"
    folder.mkdir()
    cells = xlsb_sheet({0: [(0, "线索编号"), (1, "受理日期")]})
    path = write_xlsb(
        folder / "损坏.xlsb", {"问题线索": cells}, **{"xl/styles.bin": xlsb_record(0x0269)}
    )
    assert check_workbook(path) == []  # nothing hostile: the reader fails on it
    good_ledger(folder)
    exit_code, report = validate_json(folder)
    assert exit_code == 1
    [refused] = [i for i in report["issues"] if i["file"] == "损坏.xlsb"]
    assert refused["code"] == "E001"
    assert report["rows"] == 1


def test_an_xlsx_renamed_xlsb_and_back_says_what_it_is(tmp_path):
    xlsx = good_ledger(tmp_path)
    renamed = xlsx.rename(tmp_path / "城关镇纪委.xlsb")
    [issue] = check_workbook(renamed)
    assert (issue.code, issue.message) == ("E001", "这是 .xlsx 工作簿，扩展名却是 .xlsb")
    xlsb = xlsb_ledger(tmp_path / "乡.xlsb", [])
    [issue] = check_workbook(xlsb.rename(tmp_path / "乡.xlsx"))
    assert issue.message == "这是 Excel 二进制工作簿（.xlsb），扩展名却是 .xlsx"


# --- benign files the reader reads are not refused ------------------------------------------


def _package(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def _members(sheet: str = sheet_xml(LEDGER_ROWS)) -> dict[str, str]:
    return {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }


def backslash_paths(path: Path, sheet: str = sheet_xml(LEDGER_ROWS)) -> Path:
    # as some Windows tools write a zip: «xl\worksheets\sheet1.xml»
    members = _members(sheet)
    return _package(path, {name.replace("/", "\\"): text for name, text in members.items()})


def minimal_package(path: Path) -> Path:
    # the parts the reader needs and nothing else: no [Content_Types].xml, no docProps
    members = _members()
    del members["[Content_Types].xml"]
    return _package(path, members)


BENIGN = {
    "backslash_paths.xlsx": backslash_paths,
    "minimal_package.xlsx": minimal_package,
    # python-calamine finds the workbook stream spelt in capitals too
    "capitalised_stream.xls": lambda p: p.write_bytes(
        xls_workbook([(0, 0, 1.0)], stream="WORKBOOK")
    ),
    "capitalised_biff5_stream.xls": lambda p: p.write_bytes(
        xls_workbook([(0, 0, 1.0)], stream="BOOK")
    ),
}


@pytest.mark.parametrize("name", BENIGN)
def test_a_workbook_the_reader_reads_is_not_refused(tmp_path, name):
    path = tmp_path / name
    BENIGN[name](path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.get_sheet_by_name("问题线索").to_python()  # the reader reads it ...
    assert check_workbook(path) == []  # ... so the checks let it through
    loaded = load_paths([path], load_config(None))
    assert [f.name for f in loaded.files] == [name]
    assert not [i for i in loaded.issues if i.code.startswith("E00")]


def test_a_capitalised_stream_is_still_checked_for_far_cells(tmp_path):
    path = tmp_path / "远.xls"
    path.write_bytes(xls_workbook([(0, 0, 1.0), (65535, 65535, 2.0)], stream="WORKBOOK"))
    assert [(i.code, i.sheet) for i in check_workbook(path)] == [("E007", "问题线索")]


def test_backslash_paths_keep_every_check_of_the_sheets(tmp_path):
    # the sheet is still found by name: a far cell names it, a formula without its
    # result is still found in it
    far = row(1, text_cell("A1", "线索编号")) + row(300000, text_cell("A300000", "x"))
    [issue] = check_workbook(backslash_paths(tmp_path / "远.xlsx", sheet_xml(far)))
    assert (issue.code, issue.sheet, issue.row) == ("E007", "问题线索", 300000)
    formula = row(1, text_cell("A1", "线索编号"), text_cell("B1", "受理日期")) + row(
        2, text_cell("A2", "XS-001"), '<c r="B2"><f>TODAY()</f></c>'
    )
    path = backslash_paths(tmp_path / "公式.xlsx", sheet_xml(formula))
    loaded = load_paths([path], load_config(None))
    assert [(i.code, i.row, i.column_letter) for i in loaded.issues if i.code == "E006"] == [
        ("E006", 2, "B")
    ]


# --- nothing to read: E004 names the folder and what it skipped -------------------------------


def test_no_workbook_names_the_folder_and_the_files_it_skipped(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    (folder / "名单.csv").write_text("线索编号\nXS-001\n", encoding="utf-8")
    (folder / "报告.docx").write_bytes(b"PK\x03\x04")
    (folder / ".DS_Store").write_bytes(b"\0")
    result = run("validate", folder)
    assert result.exit_code == 1
    assert (
        f"E004 错误：在 {folder} 中没有找到任何台账工作簿（.xlsx/.xlsm/.xlsb/.xls/.ods）；"
        "其他类型的文件 2 个（名单.csv、报告.docx），未读取"
    ) in result.output.replace("\n", "")


def test_a_folder_with_only_the_blank_template_is_e004(tmp_path, monkeypatch):
    # was: a draft of placeholders built with exit 0, and «共检查 0 个文件» from validate
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "收文"
    folder.mkdir()
    write_ledger_template(folder / "台账模板.xlsx")
    checked = run("validate", "收文")
    built = run("build", "收文", "-p", "2022H1", "-o", tmp_path / "汇报.docx")
    for result in (checked, built):
        assert result.exit_code == 1, result.output
        assert "台账模板.xlsx 是空白台账模板，不作为台账读取" in result.output
        assert "E004 错误：在 收文 中没有找到任何台账工作簿" in result.output
    assert not (tmp_path / "汇报.docx").exists()


def test_the_blank_template_renamed_for_a_unit_is_a_warning(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    template = write_ledger_template(tmp_path / "台账模板.xlsx").output
    shutil.copy(template, folder / "城关镇纪委.xlsx")
    good_ledger(folder, "东城乡纪委")
    exit_code, report = validate_json(folder)
    assert exit_code == 0
    assert [(i["code"], i["file"]) for i in report["issues"] if i["code"] == "W223"] == [
        ("W223", "城关镇纪委.xlsx")
    ]
    assert (report["files"], report["rows"]) == (2, 1)
