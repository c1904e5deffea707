"""``diff --text`` as a person reads it (issue 26): a changed paragraph once, with the
change inside its sentence; the appendix table cell by cell, by unit and column; two
drafts of the same name told apart by their folders; a terminal 80 columns wide."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import docx
import pytest

from conftest import paragraphs, run
from test_drafts import append_activity
from workreport.diff import TextChange, diff_drafts, inline_changes
from workreport.format import figure_changes_table, text_change_lines
from workreport.measure import width


@pytest.fixture(scope="module")
def two_drafts(built_sample_project, tmp_path_factory) -> Path:
    """一稿/汇报.docx built from the sample ledgers; 二稿/汇报.docx after one more 走访单位
    (55 → 60 in a paragraph of some 200 characters).  Built once for the module (the
    second build is most of a test's time); tests never touch this folder, ``drafts``
    hands each a copy of its own."""
    root = tmp_path_factory.mktemp("diff-text")
    shutil.copytree(built_sample_project, root, dirs_exist_ok=True)
    first, second = root / "一稿" / "汇报.docx", root / "二稿" / "汇报.docx"
    first.parent.mkdir()
    second.parent.mkdir()
    shutil.copyfile(root / "汇报.docx", first)
    append_activity(root / "收文" / "城关镇纪委.xlsx", "走访单位", 5)
    assert run("build", root / "收文", "-o", second).exit_code == 0
    return root


@pytest.fixture
def drafts(two_drafts, tmp_path) -> tuple[Path, Path]:
    """A copy of ``two_drafts`` in the test's own tmp_path: (一稿/汇报.docx, 二稿/汇报.docx)."""
    shutil.copytree(two_drafts, tmp_path, dirs_exist_ok=True)
    return tmp_path / "一稿" / "汇报.docx", tmp_path / "二稿" / "汇报.docx"


def changed_paragraph(first: Path, second: Path) -> tuple[str, str]:
    old = next(p for p in paragraphs(first) if "市直部门55个" in p)
    new = next(p for p in paragraphs(second) if "市直部门60个" in p)
    return old, new


def test_a_changed_paragraph_is_shown_once_with_the_change_inside_its_sentence(drafts):
    first, second = drafts
    old, new = changed_paragraph(first, second)
    assert len(old) > 150
    out = run("diff", first, second, "--text").output
    assert old not in out and new not in out  # not the whole paragraph, twice
    [line] = [line for line in out.splitlines() if "【改动】" in line]
    assert line.startswith(f"【改动】{new[:12]}…")  # its opening, to find it by
    assert "市直部门【55→60】个，" in line
    assert len(line) < 80
    data = json.loads(run("diff", first, second, "--text", "--format", "json").output)
    [change] = [c for c in data["text"] if c["kind"] == "changed" and c["place"] == "正文"]
    assert (change["a"], change["b"]) == (old, new)  # the whole texts, structured
    assert change["segments"] == [{"a": "55", "b": "60", "at": new.index("60个")}]
    assert "【55→60】" in change["excerpt"]


def test_appendix_cells_are_named_by_unit_and_column(drafts):
    first, second = drafts
    document = docx.Document(str(second))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "填报单位")
    header = [c.text for c in table.rows[0].cells]
    assert header[1] == "受理\n线索"  # a header cell of two lines
    row = next(r for r in table.rows if r.cells[0].text == "城关镇纪委")
    cell = row.cells[1].paragraphs[0]
    assert cell.text == "7"
    cell.runs[0].text = "8"
    for run_ in cell.runs[1:]:
        run_.text = ""
    document.save(str(second))
    out = run("diff", first, second, "--text").output
    assert "附件表格 城关镇纪委 · 受理线索：7 → 8" in out
    assert "【改动】7" not in out and "城关镇纪委\n" not in out
    data = json.loads(run("diff", first, second, "--text", "--format", "json").output)
    cells = [c for c in data["text"] if c["place"] == "附件表格"]
    assert [(c["unit"], c["column"], c["a"], c["b"]) for c in cells] == [
        ("城关镇纪委", "受理线索", "7", "8")
    ]


def test_two_drafts_of_the_same_name_are_told_apart_by_their_folders(drafts):
    first, second = drafts
    out = run("diff", first, second, "--text").output
    header = next(line for line in out.splitlines() if line.startswith("指标"))
    assert "一稿/汇报.docx" in header and "二稿/汇报.docx" in header
    assert "（一稿/汇报.docx → 二稿/汇报.docx）" in out
    data = json.loads(run("diff", first, second, "--format", "json").output)
    assert data["drafts"] == {"a": "一稿/汇报.docx", "b": "二稿/汇报.docx"}
    # different names: the names alone
    other = second.with_name("第二稿.docx")
    shutil.copyfile(second, other)
    assert diff_drafts(first, other).names == ("汇报.docx", "第二稿.docx")


def test_on_a_terminal_80_columns_wide_every_line_fits_and_a_gbk_console_can_show_it(drafts):
    first, second = drafts
    result = diff_drafts(first, second, text=True)
    long = TextChange("changed", "甲", "乙", excerpt="很长的改动" * 40)  # longer than a line
    lines = text_change_lines([*result.text, long], 80)
    assert all(width(line) <= 80 for line in lines)
    assert any(line.startswith("  ") for line in lines)  # wrapped under its mark
    shown = "\n".join([figure_changes_table(result.figures, *result.names, 80), *lines])
    assert all(width(line) <= 80 for line in shown.splitlines())
    # the marks are in GBK: a Chinese Windows console shows them (the draft's own text
    # may hold a character GBK has not, such as a no-break space: the console's business)
    marks = {ch for ch in shown if not ch.isalnum()} - set("".join(paragraphs(second)))
    "".join(marks).encode("gbk")
    assert {"【", "】", "→", "…"} <= marks | set("".join(paragraphs(second)))
    "附件表格 城关镇纪委 · 受理线索：7 → 8（空）（无）【增：】【删：】".encode("gbk")


@pytest.mark.parametrize(
    ("a", "b", "shown"),
    [
        ("立案23件，结案20件。", "立案25件，结案20件。", "立案【23→25】件，结案20件。"),
        ("共处置1,234件。", "共处置1,240件。", "共处置【1,234→1,240】件。"),
        ("查处问题。", "严肃查处问题。", "【增：严肃】查处问题。"),
        ("严肃查处问题。", "查处问题。", "【删：严肃】查处问题。"),
    ],
)
def test_a_change_is_marked_inside_the_sentence(a, b, shown):
    segments, excerpt = inline_changes(a, b)
    assert excerpt == shown
    assert len(segments) == 1


def test_a_long_paragraph_shows_its_opening_and_the_changes_in_context():
    a = "一、主要工作" + "。" * 300 + "立案23件" + "，" * 300 + "结案20件" + "。" * 300
    b = a.replace("立案23件", "立案25件").replace("结案20件", "结案21件")
    segments, excerpt = inline_changes(a, b)
    assert [(s["a"], s["b"]) for s in segments] == [("23", "25"), ("20", "21")]
    assert [b[s["at"] : s["at"] + 2] for s in segments] == ["25", "21"]
    assert excerpt.startswith("一、主要工作")
    assert "立案【23→25】件" in excerpt and "结案【20→21】件" in excerpt
    assert len(excerpt) < 100


def test_a_huge_rewritten_paragraph_is_compared_quickly():
    a, b = "甲乙" * 100_000, "乙甲" * 100_000
    start = time.perf_counter()
    segments, excerpt = inline_changes(a, b)
    assert time.perf_counter() - start < 5
    assert len(excerpt) < 300


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_the_installed_command_on_an_80_column_terminal_wraps_every_line(drafts):
    from test_voice import run_in_terminal

    first, second = drafts
    folder = first.parent.parent
    shown = run_in_terminal(["diff", "一稿/汇报.docx", "二稿/汇报.docx", "--text"], 80, folder)
    assert "市直部门【55→60】个" in shown.replace("\n  ", "")
    assert max(width(line) for line in shown.splitlines()) <= 80
