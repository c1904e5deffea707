"""Many workbooks are parsed by worker processes and by the command's own process: the
result is the same, file for file and issue for issue, as reading them one by one."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from conftest import clue, measure
from workreport import load
from workreport.load import load_paths


def twelve_units(book) -> None:
    """Twelve workbooks (more than load.PARALLEL_MIN_FILES), some with problems."""
    for n in range(12):
        unit = f"第{n + 1}纪检监察室"
        clues = [
            clue(f"C{n}-1", "2022-02-01", disposal="初步核实", filed="2022-03-01"),
            clue(f"C{n}-2", "2022-13-40" if n % 4 == 0 else "2022-05-06"),  # a bad date
            ["合计", None, None, None, None, None, None, None, None],
        ]
        sheets = {"问题线索": clues}
        if n % 3:
            sheets["处分处理"] = [
                measure("张某甲", f"C{n}-1", "2022-04-01", "第四种形态", "留党察看")
            ]
        if n == 5:
            sheets["说明"] = [["这不是台账"]]
        book(unit, sheets)


def test_workers_and_this_process_read_what_one_process_reads(book, config, monkeypatch):
    twelve_units(book)
    assert len(list(book.folder.glob("*.xlsx"))) > load.PARALLEL_MIN_FILES
    together = load_paths([book.folder], config)
    monkeypatch.setattr(load, "PARALLEL_MIN_FILES", 1000)  # one by one, in this process
    alone = load_paths([book.folder], config)
    assert [f.name for f in together.files] == [f.name for f in alone.files]
    assert together.issues == alone.issues
    assert {i.code for i in together.issues} >= {"E103", "W201", "W202"}
    assert together.rows_read == alone.rows_read == 12 * 2 + 8
    for key, frame in alone.frames.items():
        pd.testing.assert_frame_equal(together.frames[key], frame, check_exact=True)


def test_the_progress_bar_counts_every_workbook_once(book, config):
    twelve_units(book)
    seen: list[str] = []

    class Bar:
        def start(self, total: int) -> None:
            seen.append(f"start {total}")

        def advance(self, name: str) -> None:
            seen.append(name)

        def finish(self) -> None:
            seen.append("finish")

    load_paths([book.folder], config, progress=Bar())
    assert seen[0] == "start 12" and seen[-1] == "finish"
    assert sorted(seen[1:-1]) == sorted(f"第{n + 1}纪检监察室.xlsx" for n in range(12))


def test_ctrl_c_while_parsing_stops_the_load_instead_of_finishing_it(
    book, config, monkeypatch, tmp_path
):
    twelve_units(book)
    read = tmp_path / "read"  # a mark per workbook read, by whichever process read it
    read.mkdir()
    calls = []
    real = load.read_workbook

    def interrupted_at_the_second(*args):  # in every process that parses (forked after this)
        calls.append(args[1])
        (read / f"{os.getpid()}-{len(calls)}").touch()
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(load, "read_workbook", interrupted_at_the_second)
    with pytest.raises(KeyboardInterrupt):
        load_paths([book.folder], config)
    # the worker reads what it had in hand, not the rest of the pile: all 12 without the stop
    assert len(list(read.iterdir())) < 12
