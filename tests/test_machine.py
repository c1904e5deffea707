"""Limits that keep the tool standing on the analyst's real machine (docs/rules.md, 用户的电脑):
absurd numbers, hostile templates and drafts, ``~$`` workbooks, names the file system refuses."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from conftest import SAMPLE, run
from workreport import safety
from workreport.errors import TemplateError
from workreport.load import load_paths
from workreport.render import limits
from workreport.render.sections import render_sections
from workreport.validate import validate


def test_counts_beyond_a_million_and_non_finite_numbers_are_errors(book, config):
    book(
        "城关镇纪委",
        {
            "谈话": [
                [date(2022, 1, 3), "约谈", 1e300, "一把手"],  # row 2
                [date(2022, 1, 3), "约谈", 1_000_000, "一把手"],  # row 3: the bound itself
            ],
            "监督活动": [
                [date(2022, 1, 3), "廉政家访", 1_000_001, "次"],  # row 2
                [date(2022, 1, 3), "廉政家访", "inf", "次"],  # row 3
                [date(2022, 1, 3), "廉政家访", "1e300", "次"],  # row 4
            ],
        },
    )
    _, issues = validate(load_paths([book.folder], config), config)

    found = sorted((i.sheet, i.row, i.column, i.message) for i in issues if i.code == "E106")
    assert found == [
        ("监督活动", 2, "数量", "「1000001」超过上限 1,000,000"),
        ("监督活动", 3, "数量", "「inf」不是数字"),
        ("监督活动", 4, "数量", "「1e300」不是数字"),  # an exponent is no way to write a count
        ("谈话", 2, "人数", "「1e+300」超过上限 1,000,000"),
    ]


def test_an_absurd_count_stops_stats(book):
    book("信访室", {"谈话": [[date(2022, 1, 3), "约谈", 1e300, "一把手"]]})

    result = run("stats", book.folder, "--period", "2022H1")

    assert result.exit_code == 1
    assert "E106" in result.output and "超过上限 1,000,000" in result.output


# --- templates: 10 s and 5 MB, checked inside the sandbox ---------------------------

HOSTILE = {
    "nested loops": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "a huge string": "{{ 'x' * 10**9 }}",
    "a huge number": "{{ 9 ** (10**9) }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(60) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "literal text in a loop": "{% for i in range(99999) %}{% for j in range(99999) %}"
    "一段文字{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_template_stops_with_an_error_naming_it(tmp_path, monkeypatch, source):
    monkeypatch.setattr(limits, "LIMITS", limits.Limits(seconds=1.0, characters=100_000))
    (tmp_path / "01_开头.j2").write_text("正文\n", encoding="utf-8")
    (tmp_path / "02_恶意.j2").write_text("第一行\n" + source + "\n", encoding="utf-8")
    started = time.monotonic()

    with pytest.raises(TemplateError) as e:
        render_sections(tmp_path, {})

    assert time.monotonic() - started < 5
    message = str(e.value)
    assert message.startswith("模板错误：02_恶意.j2 第2行：E122 ")
    assert "秒" in message or "MB" in message


def test_the_default_bounds_are_ten_seconds_and_five_megabytes():
    assert limits.Limits(seconds=10.0, characters=5 * 1024 * 1024) == limits.LIMITS


# --- every .docx opened gets the workbook's zip limits ------------------------------


def bomb_docx(path: Path, *, inflates_to: int, dtd: bool = False) -> Path:
    body = b'<?xml version="1.0"?>'
    if dtd:
        body += b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
    body += b"<w:document>" + b" " * inflates_to + b"</w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body)
    return path


@pytest.mark.parametrize("command", ["refresh", "diff"])
def test_a_docx_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch, command):
    monkeypatch.setattr(safety, "MAX_UNPACKED", 1024**2)
    bomb = bomb_docx(tmp_path / "汇报.docx", inflates_to=2 * 1024**2)
    args = [bomb, SAMPLE] if command == "refresh" else [bomb, bomb]

    result = run(command, *args)

    assert result.exit_code == 1
    assert "错误：E121 汇报.docx：文件解压后共 2 MB，超过上限 1 MB，可能是压缩炸弹" in result.output


def test_a_docx_with_a_dtd_is_refused(tmp_path):
    bomb = bomb_docx(tmp_path / "汇报.docx", inflates_to=10, dtd=True)

    result = run("diff", bomb, bomb)

    assert result.exit_code == 1
    assert "E121 汇报.docx：文件中的「word/document.xml」含有 DTD/实体声明" in result.output


def test_the_workbook_limit_holds_for_drafts_by_default():
    assert safety.MAX_UNPACKED == 200 * 1024**2


# --- a ~$ file that is a workbook ----------------------------------------------------


def test_a_workbook_named_like_a_lock_file_is_skipped_with_a_warning(book):
    book("信访室", {"谈话": [[date(2022, 1, 3), "约谈", 1, "一把手"]]})
    book("~$案件室", {"谈话": [[date(2022, 1, 3), "约谈", 2, "一把手"]]})
    (book.folder / "~$信访室.xlsx").write_bytes(b"\x08analyst" + b"\x00" * 150)  # a real lock

    result = run("validate", book.folder)
    given = run("validate", book.folder / "~$案件室.xlsx", book.folder / "信访室.xlsx")

    assert result.exit_code == 0
    assert "~$案件室.xlsx" in result.output and "W220" in result.output
    assert "~$信访室.xlsx" not in result.output
    assert "W220" in given.output


# --- names the file system refuses ---------------------------------------------------


@pytest.mark.parametrize(
    "name, says",
    [
        ("汇" * 90 + ".docx", "E120 文件名过长（275 字节"),
        ("CON.docx", "E120 「CON.docx」是 Windows 保留的名称"),
        ("lpt1.报告.docx", "E120 「lpt1.报告.docx」是 Windows 保留的名称"),
    ],
)
def test_a_name_the_file_system_refuses_is_a_clear_error(tmp_path, name, says):
    result = run("build", SAMPLE, "--period", "2022H1", "-o", tmp_path / name)

    assert result.exit_code == 1
    assert says in result.output
    assert "程序内部错误" not in result.output
    assert list(tmp_path.iterdir()) == []
