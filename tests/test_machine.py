"""Limits that keep the tool standing on the analyst's real machine (docs/rules.md, 用户的电脑):
absurd numbers, hostile templates and drafts, ``~$`` workbooks, names the file system refuses."""

from __future__ import annotations

import time
from datetime import date

import pytest

from conftest import run
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
        ("监督活动", 4, "数量", "「1e+300」超过上限 1,000,000"),
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
