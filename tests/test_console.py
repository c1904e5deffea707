"""Every command on a GBK or ASCII console, to a pipe, a file and a terminal (docs/rules.md, 命令行).

The CLI runs in a subprocess, as a user runs it, with PYTHONIOENCODING set the way
a Chinese Windows console (gbk) or a bare Linux login (ascii) would set it; the
inputs carry 「•」, a character GBK does not have.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE

ODD = "城关镇•纪委"  # U+2022 is outside GBK


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("console") / "收文"
    shutil.copytree(SAMPLE, folder)
    (folder / "城关镇纪委.xlsx").rename(folder / f"{ODD}.xlsx")
    return folder


def workreport(encoding: str, *args, stdout=subprocess.PIPE, cwd=None):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "workreport", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_csv_into_a_file_is_utf8_with_a_bom(ledgers, tmp_path, encoding):
    target = tmp_path / "x.csv"
    with target.open("wb") as out:
        done = workreport(
            encoding, "stats", ledgers, "--period", "2022H1", "--format", "csv", stdout=out
        )
    assert done.returncode == 0, done.stderr.decode("utf-8")
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert "受理问题线索" in data.decode("utf-8-sig")


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_names_outside_the_console_code_page_reach_a_pipe_as_utf8(ledgers, encoding):
    table = workreport(encoding, "validate", ledgers)
    as_json = workreport(encoding, "validate", ledgers, "--format", "json")
    by_unit = workreport(encoding, "stats", ledgers, "--period", "2022H1", "--by", "单位")

    assert [table.returncode, as_json.returncode, by_unit.returncode] == [0, 0, 0]
    assert f"{ODD}.xlsx" in table.stdout.decode("utf-8")
    files = {i["file"] for i in json.loads(as_json.stdout.decode("utf-8"))["issues"]}
    assert f"{ODD}.xlsx" in files
    assert ODD in by_unit.stdout.decode("utf-8")


def test_build_with_a_name_outside_gbk_ends_well(ledgers, tmp_path):
    done = workreport(
        "gbk", "build", ledgers, "--period", "2022H1", "-o", "汇报•稿.docx", cwd=tmp_path
    )

    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert "已生成 汇报•稿.docx" in done.stdout.decode("utf-8")
    assert (tmp_path / "汇报•稿.docx").is_file() and (tmp_path / "汇报•稿.底稿.xlsx").is_file()


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal needs POSIX")
@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_a_terminal_gets_what_it_can_show_and_no_bom(ledgers, encoding):
    import pty

    parent, child = pty.openpty()
    try:
        done = workreport(
            encoding,
            "stats",
            ledgers,
            "--period",
            "2022H1",
            "--by",
            "单位",
            "--format",
            "csv",
            stdout=child,
        )
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(parent)

    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    # Click writes UTF-8 to a terminal that claims ASCII (it takes that for a missing
    # locale); a GBK terminal gets GBK, with «?» for what GBK lacks
    text = shown.decode("utf-8" if encoding == "ascii" else encoding)
    assert ("城关镇?纪委" if encoding == "gbk" else ODD) in text
    assert not text.startswith(("\ufeff", "?"))
