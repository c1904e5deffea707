"""Limits that keep the tool standing on the analyst's real machine (docs/rules.md, 用户的电脑):
absurd numbers, hostile templates and drafts, ``~$`` workbooks, names the file system refuses."""

from __future__ import annotations

import time
import tracemalloc
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
    # issue 26: every filter, operator and method that makes long text is sized first
    "percent width": "{{ '%*d' % (10**9, 1) }}",
    "percent precision": "{{ '%.999999999f' % 1.5 }}",
    "format filter": "{{ '%999999999d'|format(1) }}",
    "str.format": "{{ '{:>999999999}'.format(1) }}",
    "ljust": "{{ 'x'.ljust(10**9) }}",
    "replace": "{{ ('x' * 1000)|replace('x', 'y' * 90000) }}",
    "str.replace": "{{ ('x' * 1000).replace('', 'y' * 90000) }}",
    "join": "{{ (['x' * 90000] * 1000)|join }}",
    "recursive macro": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}",
    "recursive loop": "{% set ns = namespace(s=[[]]) %}"
    "{% for i in range(5000) %}{% set ns.s = [ns.s] %}{% endfor %}"
    "{% for x in ns.s recursive %}{{ loop(x) }}{% endfor %}",
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_template_stops_with_an_error_naming_it(tmp_path, monkeypatch, source):
    monkeypatch.setattr(limits, "LIMITS", limits.Limits(seconds=1.0, characters=100_000))
    (tmp_path / "01_开头.j2").write_text("正文\n", encoding="utf-8")
    (tmp_path / "02_恶意.j2").write_text("第一行\n" + source + "\n", encoding="utf-8")
    started = time.monotonic()
    tracemalloc.start()

    try:
        with pytest.raises(TemplateError) as e:
            render_sections(tmp_path, {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert time.monotonic() - started < 5
    assert peak < 50 * 1024**2  # stopped before the text is made, not after
    message = str(e.value)
    assert message.startswith("模板错误：02_恶意.j2 ")
    assert "E122 " in message
    assert "秒" in message or "MB" in message or "调用自身" in message


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x'|center(10**9) }}",
        "{{ ('a' * 90000)|wordwrap(1) }}",
        "{{ 'x'|indent(10**9) }}",
        "{{ [1]|batch(10**9, 'x')|list }}",
    ],
)
def test_jinja_s_layout_filters_are_not_in_the_sandbox(tmp_path, source):
    # Word lays the report out; each of these can be asked for gigabytes or minutes
    (tmp_path / "01.j2").write_text(source + "\n", encoding="utf-8")
    with pytest.raises(TemplateError) as e:
        render_sections(tmp_path, {})
    assert "没有过滤器" in str(e.value) and "Word 自行排版" in str(e.value)


def test_lipsum_is_not_in_the_sandbox(tmp_path):
    (tmp_path / "01.j2").write_text("{{ lipsum(10**6) }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as e:
        render_sections(tmp_path, {})
    assert "未定义的名称「lipsum」" in str(e.value)


def test_a_template_that_includes_itself_stops_with_an_error(tmp_path):
    (tmp_path / "01.j2").write_text('正文{% include "01.j2" %}\n', encoding="utf-8")
    with pytest.raises(TemplateError) as e:
        render_sections(tmp_path, {})
    assert "E122" in str(e.value) and "调用自身" in str(e.value)


def test_sized_filters_still_work(tmp_path):
    (tmp_path / "01.j2").write_text(
        "{{ '%s件'|format(3) }}{{ 'a-b'|replace('-', '、') }}{{ ['甲', '乙']|join('、') }}"
        "{{ '%d人' % 5 }}{{ '{}次'.format(2) }}\n",
        encoding="utf-8",
    )
    (block,) = render_sections(tmp_path, {})[0]
    assert block.text == "3件a、b甲、乙5人2次"


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
