"""Drafts that survive Word, WPS and LibreOffice (docs/drafts.md).

LibreOffice is run for real (a headless re-save); Word and WPS cannot run here, so
what they do to a draft is done with python-docx: runs split inside a figure,
content-control tags stripped, controls removed with their bookmarks kept.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import Result
from lxml import etree

import test_drafts
from test_drafts import append_activity, edit_by_hand, run, text_of
from workreport.draft import Draft

project = test_drafts.project  # the same fixture: the sample ledgers and a draft built from them

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def libreoffice() -> str:
    """The soffice command; under CI=true a missing LibreOffice fails the test (docs/drafts.md)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true 但没有安装 LibreOffice（soffice）：.ci/run 应当安装它")
        pytest.skip("LibreOffice (soffice) is not installed")
    return soffice


def resave_in_libreoffice(*paths: Path, tmp_path: Path) -> None:
    """Open and save each of ``paths`` in LibreOffice Writer as .docx, in place, in one
    run of LibreOffice (its start is most of the time a re-save takes)."""
    assert len({p.name for p in paths}) == len(paths), "one output folder: names must differ"
    out = tmp_path / "libreoffice"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            libreoffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for path in paths:
        shutil.copyfile(out / path.name, path)


def add_unit_with_talks(data: Path, talks: int = 7) -> None:
    """A new department sends its first ledger: one 廉政谈话 row."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "谈话"
    ws.append(["日期", "谈话类型", "人数", "对象类别"])
    ws.append([date(2022, 3, 1), "廉政谈话", talks, "一般干部"])
    book.save(data / "新城镇纪委.xlsx")


def rewrite_parts(path: Path, parts: dict) -> None:
    """Apply ``parts`` (part name → function of its XML root) to the package."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info)) for info in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, blob in items:
            if info.filename in parts:
                root = etree.fromstring(blob)
                parts[info.filename](root)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            z.writestr(info, blob)
    path.write_bytes(out.getvalue())


def strip_bookmarks(root) -> None:
    for el in list(root.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd")):
        el.getparent().remove(el)


def strip_bookmark_properties(root) -> None:
    for prop in list(root):
        if prop.get("name", "").startswith("workreport.bookmark."):
            root.remove(prop)


def make_legacy(draft: Path) -> None:
    """What 0.1.0 wrote: content controls with tags, no bookmarks, no bookmark properties."""
    rewrite_parts(
        draft,
        {"word/document.xml": strip_bookmarks, "docProps/custom.xml": strip_bookmark_properties},
    )


def our_bookmarks(path: Path) -> list[str]:
    body = docx.Document(str(path)).element.body
    return [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]


def content_control_tags(path: Path) -> list[str]:
    body = docx.Document(str(path)).element.body
    return [t.get(f"{W}val") for t in body.iter(f"{W}tag")]


def test_every_figure_carries_a_bookmark_mapped_to_its_tag(project):
    _, draft = project
    opened = Draft.open(draft)
    written = sum(len(texts) for texts in opened.stamp.written.values())
    names = our_bookmarks(draft)
    assert len(names) == written + 1  # one per figure, one for the appendix
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", n) for n in names)
    assert len(set(names)) == len(names) and "wr_0001" in names and "wr_appendix" in names
    # a figure is found once, by its control, not again by its bookmark
    assert {tag: len(texts) for tag, texts in opened.shown().items()} == {
        tag: len(texts) for tag, texts in opened.stamp.written.items()
    }


@dataclass
class Resaved:
    """What the module's one LibreOffice run was given and gave back."""

    fresh: Path  # a copy of the project (收文/, 汇报.docx) whose draft was re-saved as built
    legacy: Path  # a project whose 0.1.0 draft was refreshed, then re-saved
    legacy_made: Path  # that 0.1.0 draft as made, before its refresh
    legacy_refreshed: Path  # and after its refresh, before the re-save
    legacy_refresh: Result  # that refresh, after a 走访单位 row was added (55 → 60)


@pytest.fixture(scope="module")
def resaved(built_sample_project, tmp_path_factory) -> Resaved:
    """The drafts this module re-saves in LibreOffice, re-saved in one run of it (one in
    all: README's test command gives a module to one pytest-xdist worker, --dist loadfile)."""
    root = tmp_path_factory.mktemp("resaved")
    fresh = shutil.copytree(built_sample_project, root / "fresh")
    legacy = shutil.copytree(built_sample_project, root / "legacy")
    draft = legacy / "汇报.docx"
    make_legacy(draft)
    made = shutil.copyfile(draft, root / "legacy-made.docx")
    append_activity(legacy / "收文" / "城关镇纪委.xlsx", "走访单位", 5)
    refresh = run("refresh", draft, legacy / "收文")
    refreshed = shutil.copyfile(draft, root / "legacy-refreshed.docx")
    # one output folder: the two drafts go in under names of their own
    batch = root / "batch"
    batch.mkdir()
    sent = {fresh / "汇报.docx": batch / "fresh.docx", draft: batch / "legacy.docx"}
    for source, name in sent.items():
        shutil.copyfile(source, name)
    resave_in_libreoffice(*sent.values(), tmp_path=root)
    for source, name in sent.items():
        shutil.copyfile(name, source)
    return Resaved(fresh, legacy, made, refreshed, refresh)


def test_a_draft_resaved_in_libreoffice_refreshes_and_keeps_the_edit(resaved, tmp_path):
    shutil.copytree(resaved.fresh, tmp_path, dirs_exist_ok=True)
    data, draft = tmp_path / "收文", tmp_path / "汇报.docx"
    assert content_control_tags(draft) == []  # what LibreOffice 7.4 does: tags dropped
    assert "wr_0001" in our_bookmarks(draft)  # bookmarks kept

    document = docx.Document(str(draft))
    run_ = next(r for p in document.paragraphs for r in p.runs if "立足职责定位" in r.text)
    run_.text = run_.text.replace("立足职责定位", "始终立足职责定位")
    document.save(str(draft))
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)  # 55 → 60
    add_unit_with_talks(data)  # talks 290 → 297, a new appendix row

    result = run("refresh", draft, data)
    assert result.exit_code == 0, result.output
    assert "activities.走访单位" in result.output
    assert "附表" in result.output and "新城镇纪委" in result.output
    text = text_of(draft)
    assert "深入走访乡镇、市直部门60个" in text
    assert "xx市纪委监委始终立足职责定位" in text
    rows = [[c.text for c in r.cells] for r in docx.Document(str(draft)).tables[-1].rows]
    assert rows[-1][0] == "合计" and rows[-1][9] == "297"

    # a re-saved draft changed every part: build still treats it as edited (intended)
    result = run("build", data, "-o", draft)
    assert result.exit_code == 2 and "refresh" in result.output


def test_a_draft_of_the_first_release_still_refreshes_and_then_survives_libreoffice(
    resaved, tmp_path
):
    made, refreshed = resaved.legacy_made, resaved.legacy_refreshed
    assert our_bookmarks(made) == [] and content_control_tags(made)
    result = resaved.legacy_refresh  # after a 走访单位 row was added
    assert result.exit_code == 0, result.output
    assert "深入走访乡镇、市直部门60个" in text_of(refreshed)
    assert len(our_bookmarks(refreshed)) == len(content_control_tags(refreshed))  # marked now

    shutil.copytree(resaved.legacy, tmp_path, dirs_exist_ok=True)  # re-saved in LibreOffice
    data, draft = tmp_path / "收文", tmp_path / "汇报.docx"
    assert content_control_tags(draft) == [] and "wr_0001" in our_bookmarks(draft)
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    result = run("refresh", draft, data)
    assert result.exit_code == 0, result.output
    assert "深入走访乡镇、市直部门65个" in text_of(draft)


def test_word_or_wps_splitting_a_figure_and_dropping_tags(project):
    """Simulated with python-docx: Word and WPS split runs when a person edits nearby,
    and some saves drop the controls' tags or the controls themselves."""
    data, draft = project
    document = docx.Document(str(draft))
    body = document.element.body
    for sdt in body.iter(f"{W}sdt"):
        run_ = sdt.find(f"{W}sdtContent/{W}r")
        t = run_.find(f"{W}t")
        if t.text == "55":  # activities.走访单位: "55" → "5" + "5"
            second = docx.oxml.parse_xml(etree.tostring(run_))
            t.text, second.find(f"{W}t").text = "5", "5"
            run_.addnext(second)
    for tag in list(body.iter(f"{W}tag")):
        tag.getparent().remove(tag)
    document.save(str(draft))
    assert "深入走访乡镇、市直部门55个" in text_of(draft)

    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    result = run("refresh", draft, data)
    assert result.exit_code == 0, result.output
    assert "55" in result.output and "60" in result.output
    assert "深入走访乡镇、市直部门60个" in text_of(draft)

    # the controls gone altogether, the bookmarks kept
    document = docx.Document(str(draft))
    for sdt in list(document.element.body.iter(f"{W}sdt")):
        for child in list(sdt.find(f"{W}sdtContent")):
            sdt.addprevious(child)
        sdt.getparent().remove(sdt)
    document.save(str(draft))
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    result = run("refresh", draft, data)
    assert result.exit_code == 0, result.output
    assert "深入走访乡镇、市直部门65个" in text_of(draft)


def test_refresh_lists_the_appendix_cells_it_changed(project):
    data, draft = project
    add_unit_with_talks(data)
    result = run("refresh", draft, data)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(re.search(r"合计\s+谈话（人次）\s+290\s+297", line) for line in lines)
    assert any(re.search(r"新城镇纪委\s+谈话（人次）\s+（无此行）\s+7", line) for line in lines)


def retype(draft: Path, shown: str, typed: str) -> None:
    """A person overtypes the figure showing ``shown`` (inside its mark) with ``typed``."""
    document = docx.Document(str(draft))
    t = next(
        t for s in document.element.body.iter(f"{W}sdt") for t in s.iter(f"{W}t") if t.text == shown
    )
    t.text = typed
    document.save(str(draft))


def test_diff_compares_what_the_drafts_show_and_flags_typed_figures(project, tmp_path):
    data, draft = project
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)  # computed 55 → 60
    second = tmp_path / "第二稿.docx"
    assert run("build", data, "-o", second).exit_code == 0
    retype(draft, "55", "60")  # the first draft shows 60 too, typed by hand

    out = json.loads(run("diff", draft, second, "--format", "json").output)
    assert out["figures"] == []  # both show 60
    assert [(t["draft"], t["id"], t["shown"], t["expected"]) for t in out["typed"]] == [
        ("a", "activities.走访单位", "60", "55")
    ]

    retype(second, "60", "12")  # typed 12 against a computed 60 in the second draft
    result = run("diff", draft, second)
    assert "两份稿件显示的数字相同" not in result.output
    assert re.search(r"activities\.走访单位.*60\s+12", result.output)
    assert "手工输入" in result.output and "记录的数值" in result.output


def test_diff_text_lists_paragraphs_added_removed_and_changed(project, tmp_path):
    _, draft = project
    second = tmp_path / "第二稿.docx"
    shutil.copyfile(draft, second)
    edit_by_hand(second)  # a paragraph added, a sentence reworded, a comment
    document = docx.Document(str(second))
    paragraphs = document.paragraphs
    gone = next(p for p in paragraphs if p.text.startswith("（二）"))
    gone._p.getparent().remove(gone._p)
    document.save(str(second))

    out = json.loads(run("diff", draft, second, "--text", "--format", "json").output)
    kinds = [(c["kind"], (c["a"] or "")[:6], (c["b"] or "")[:6]) for c in out["text"]]
    assert ("added", "", "领导批示：请") in kinds
    assert ("changed", "xx市纪委监", "xx市纪委监") in kinds
    assert any(kind == "removed" and a.startswith("（二）") for kind, a, _ in kinds)
    assert len(kinds) == 3
    table = run("diff", draft, second, "--text").output
    assert "【增加】" in table and "【删除】" in table and "【改动】" in table
