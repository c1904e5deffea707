"""Limits that keep the tool standing on the analyst's real machine (docs/rules.md, 用户的电脑):
absurd numbers, hostile templates and drafts, ``~$`` workbooks, names the file system refuses."""

from __future__ import annotations

from datetime import date

from conftest import run
from workreport.load import load_paths
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
