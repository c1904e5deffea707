"""The command line, through CliRunner and through the installed entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import clue, measure, run
from workreport.cli import cli


@pytest.fixture
def ledgers(book):
    book(
        "案件监督管理室",
        {
            "问题线索": [
                # disposed by 初步核实 and filed: no 案管室 warning (docs/rules.md, 交叉核对)
                clue(
                    "A1",
                    date(2022, 1, 5),
                    top="是",
                    disposal="初步核实",
                    filed=date(2022, 2, 1),
                    name="张某甲",
                ),
                clue("A2", date(2022, 2, 5), name="李某乙"),
            ],
            "处分处理": [
                measure("张某甲", "A1", date(2022, 3, 1), "第二种形态", "党纪警告", top="是")
            ],
        },
    )
    book("城关镇纪委", {"谈话": [[date(2022, 1, 3), "廉政谈话", 12, None]]})
    return book.folder


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and "例" in command.help, name
    assert "build" in run("--help").output


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("workreport 版本 ")


def test_stats_json_has_the_stable_shape(ledgers):
    result = run("stats", ledgers, "--period", "2022H1", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"] == {"start": "2022-01-01", "end": "2022-06-30"}
    f = data["figures"]
    assert (f["clues"], f["cases_filed"], f["sanctioned_persons"], f["top_sanctioned_persons"]) == (
        2,
        1,
        1,
        1,
    )
    assert f["talks"]["廉政谈话"] == 12
    assert f["letters"] is None  # nobody sent 文书
    assert f["letters_total"] is None
    assert "by_unit" not in data


def test_stats_by_unit(ledgers):
    result = run(
        "stats", ledgers, "-p", "2022-01-01..2022-06-30", "--format", "json", "--by", "单位"
    )
    data = json.loads(result.output)
    assert data["by_unit"]["城关镇纪委"]["clues"] is None
    assert data["by_unit"]["案件监督管理室"]["clues"] == 2
    assert data["by_unit"]["城关镇纪委"]["talks_total"] == 12


def test_stats_csv_and_table(ledgers):
    csv_out = run("stats", ledgers, "-p", "2022H1", "--format", "csv").output
    assert csv_out.startswith("\ufeff")  # Excel reads it as UTF-8
    assert csv_out.splitlines()[0] == "\ufeffid,指标,单位,数值,上年同期,同比"
    assert "clues,受理问题线索,件,2,," in csv_out
    table = run("stats", ledgers, "-p", "2022H1").output
    assert "受理问题线索" in table


def test_stats_list_prints_every_id_with_label_unit_and_basis():
    out = run("stats", "--list").output
    assert "sanctioned_persons" in out and "同一人（线索编号＋姓名）多次处分只计一人" in out
    assert "activities.走访单位" in out


def test_without_a_period_stats_stops_with_exit_2(ledgers, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("stats", ledgers.resolve())
    assert result.exit_code == 2
    assert "没有指定统计期间" in result.output


def test_a_bad_period_is_a_usage_error(ledgers):
    result = run("stats", ledgers, "--period", "2022H3")
    assert result.exit_code == 2
    assert "无法识别统计期间「2022H3」" in result.output


def test_validate_clean_folder_exits_0(ledgers):
    result = run("validate", ledgers)
    assert result.exit_code == 0, result.output
    assert "共检查 2 个文件、4 行数据：0 个错误，0 个警告。" in result.output


def test_validate_reports_a_table_and_exits_1(book):
    book("室", {"谈话": [[date(2022, 1, 3), "廉政谈话", 1, None], ["去年", "廉政谈话", 1, None]]})
    result = run("validate", book.folder)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].split() == ["文件", "工作表", "行", "列", "问题", "建议"]
    assert "E103 错误：无法识别日期「去年」" in result.output
    assert "A（日期）" in result.output


def test_validate_strict_turns_warnings_into_errors(book):
    book("室", {"谈话": [[date(2022, 1, 3), "廉政谈话", 1, None], ["合计", None, 1, None]]})
    assert run("validate", book.folder).exit_code == 0
    assert run("validate", book.folder, "--strict").exit_code == 1


def test_validate_json(book):
    book("室", {"谈话": [["去年", "廉政谈话", 1, None]]})
    data = json.loads(run("validate", book.folder, "--format", "json").output)
    assert data["errors"] == 1
    issue = data["issues"][0]
    assert {
        k: issue[k] for k in ("code", "severity", "file", "sheet", "row", "column", "column_letter")
    } == {
        "code": "E103",
        "severity": "错误",
        "file": "室.xlsx",
        "sheet": "谈话",
        "row": 2,
        "column": "日期",
        "column_letter": "A",
    }


def test_stats_refuses_invalid_data_and_shows_the_same_list(book):
    book("室", {"谈话": [["去年", "廉政谈话", 1, None]]})
    result = run("stats", book.folder, "-p", "2022H1")
    assert result.exit_code == 1
    assert "E103 错误：无法识别日期「去年」" in result.output
    assert "Traceback" not in result.output


def test_no_workbook_found_is_a_data_error(tmp_path):
    (tmp_path / "空").mkdir()
    result = run("validate", tmp_path / "空")
    assert result.exit_code == 1
    assert "E004" in result.output


def test_names_never_reach_the_terminal(ledgers):
    for args in (
        ("validate", ledgers),
        ("stats", ledgers, "-p", "2022H1"),
        ("stats", ledgers, "-p", "2022H1", "--format", "json"),
    ):
        out = run(*args).output
        assert "张某甲" not in out and "李某乙" not in out


def installed_command() -> list[str]:
    exe = Path(sys.executable).with_name("workreport")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("workreport")
    assert found, "the workreport entry point is not installed"
    return [found]


def test_installed_entry_point_runs(ledgers):
    done = subprocess.run(
        [*installed_command(), "validate", str(ledgers)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "0 个错误" in done.stdout
    bad = subprocess.run(
        [*installed_command(), "stats", str(ledgers), "-p", "2022Q9"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_the_quick_exit_loses_nothing():
    """The command ends with os._exit once its output is flushed (benchmarks/README.md,
    启动): all of its output arrives, and a missing or broken stdout ends as it did before."""
    # buffered as a user's shell has it, so output is still waiting when the command ends
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    listing = subprocess.run(
        [*installed_command(), "stats", "--list", "--format", "json"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert listing.returncode == 0, listing.stderr
    assert len(json.loads(listing.stdout)) > 50
    no_stdout = subprocess.run(
        [*installed_command(), "--help"],
        preexec_fn=lambda: os.close(1),
        env=env,
        timeout=120,
    )
    assert no_stdout.returncode == 0
    read, write = os.pipe()
    os.close(read)  # nobody reads: the flush fails
    try:
        broken = subprocess.run(
            [*installed_command(), "--help"],
            stdout=write,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert (broken.returncode, broken.stderr) == (1, "")  # Click's own answer to a broken pipe


def test_validate_annotate_writes_marked_copies_and_leaves_inputs_alone(book, tmp_path):
    import openpyxl

    bad = book(
        "城关镇纪委",
        {"谈话": [[date(2022, 1, 3), "廉政谈话", 1, None], ["去年", "廉政谈话", 1, None]]},
    )
    book("党风政风监督室", {"谈话": [[date(2022, 1, 3), "约谈", 1, None]]})
    before = bad.read_bytes()
    out = tmp_path / "退回"
    result = run("validate", book.folder, "--annotate", out)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["城关镇纪委.xlsx"]  # only the faulty one
    assert bad.read_bytes() == before
    marked = openpyxl.load_workbook(out / "城关镇纪委.xlsx")
    assert "E103" in marked["谈话"]["A3"].comment.text
    assert marked.sheetnames[0] == "问题清单"


def test_template_never_overwrites_a_file_without_force(tmp_path):
    filled = tmp_path / "城关镇纪委.xlsx"
    filled.write_bytes(b"a department's filled ledger")
    result = run("template", "-o", filled)
    assert result.exit_code == 2
    assert "已存在，未覆盖" in result.output
    assert filled.read_bytes() == b"a department's filled ledger"
    assert run("template", "-o", tmp_path / "汇报.docx").exit_code == 2
    forced = run("template", "-o", filled, "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "城关镇纪委.v1.xlsx").read_bytes() == b"a department's filled ledger"


def test_an_output_that_cannot_be_written_is_a_clear_error(ledgers, tmp_path):
    blocker = tmp_path / "a.docx"
    blocker.write_bytes(b"x")
    result = run("build", ledgers, "-p", "2022H1", "-o", blocker / "x.docx")
    assert result.exit_code == 1
    assert "无法写入" in result.output and "程序内部错误" not in result.output
    result = run("init", blocker / "proj")
    assert result.exit_code == 1
    assert "无法创建文件夹" in result.output
