"""The sample report end to end: golden text, privacy, figures, templates, safe writing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from conftest import ROOT, SAMPLE, SEED, paragraphs, run, text_of
from workreport import __version__
from workreport.draft import Draft


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "工作推进情况汇报.docx"
    result = run("build", SAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def sample_draft(tmp_path_factory) -> Path:
    """汇报.docx and its 底稿 built from the sample once for the module: the tests of a
    rebuild start from what ``build SAMPLE -o 汇报.docx`` leaves, each in a copy of its own
    (``built_here``), never in this folder."""
    out = tmp_path_factory.mktemp("draft") / "汇报.docx"
    result = run("build", SAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def built_here(sample_draft: Path, folder: Path) -> Path:
    """What ``build SAMPLE -o folder/汇报.docx`` leaves: the draft and its 底稿, copied."""
    for source in sample_draft.parent.iterdir():
        shutil.copyfile(source, folder / source.name)
    return folder / sample_draft.name


def seed_paragraphs() -> list[str]:
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_paragraph_of_the_seed_is_in_the_sample_report(sample_report):
    text = paragraphs(sample_report)
    for para in seed_paragraphs():
        # the seed's redacted figures are *; every other character must be there as is
        pattern = re.compile("".join(r"\d+" if ch == "*" else re.escape(ch) for ch in para))
        assert any(pattern.fullmatch(p.strip()) for p in text), para[:40]


def test_the_report_fills_the_redacted_figures_from_the_ledgers(sample_report):
    text = text_of(sample_report)
    # sample_data/ holds 86 clues, 23 cases filed, 19 closed, 17 persons sanctioned, 142 form uses
    assert "查办问题线索86件，立案23件，结案19件，党纪政务处分17人，四种形态处理142人。" in text
    assert "督促开展政策理论学习450余次" in text  # 453 → 450余
    assert "重点工作推进情况和下步工作打算" in paragraphs(sample_report)[0]


def test_every_figure_the_report_prints_is_in_stats_json(sample_report):
    data = json.loads(run("stats", SAMPLE, "--format", "json").output)["figures"]
    shown = Draft.open(sample_report).shown()
    assert shown, "no tagged figures"
    for tag, texts in shown.items():
        if tag.kind != "figure":
            continue  # period words and the signing date
        root, _, cat = tag.id.partition(".")
        if root in ("year", "previous_year"):
            continue  # the years of the period, tagged so that refresh can change them
        value = data[root][cat] if cat else data[root]
        assert value is not None, tag.id
        if tag.format == "value":
            assert texts == [str(value)] * len(texts), tag.id


def test_the_draft_records_period_inputs_and_figures(sample_report):
    stamp = Draft.open(sample_report).stamp
    assert stamp.period == "2022-01-01..2022-06-30"
    assert stamp.version == __version__
    assert re.fullmatch("[0-9a-f]{64}", stamp.fingerprint)
    figures, inputs = stamp.figures, stamp.inputs
    assert figures["clues"] == 86
    assert figures["activities.督促政策理论学习"] == 453
    assert figures["forms_shares.第一种形态"] == 83.1  # 118/142 = 83.10 %
    assert sorted(inputs) == sorted(p.name for p in SAMPLE.glob("*.xlsx"))
    assert all(len(v) <= 255 for v in stamp.properties().values())
    assert all(re.fullmatch("[0-9a-f]{64}", h) for h in inputs.values())


def ledger_names() -> set[str]:
    names = set()
    for path in SAMPLE.glob("*.xlsx"):
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            for i, row in enumerate(rows[:10]):
                cols = [
                    j
                    for j, v in enumerate(row)
                    if isinstance(v, str) and v.strip() in ("被反映人", "姓名")
                ]
                if cols:
                    names |= {r[j] for r in rows[i + 1 :] for j in cols if isinstance(r[j], str)}
                    break
    return names - {"合计", "总计", "小计"}


def test_names_from_the_ledgers_never_reach_the_report_or_audit(sample_report):
    names = ledger_names()
    assert len(names) > 20
    text = text_of(sample_report)
    audit = sample_report.with_name(sample_report.stem + ".底稿.xlsx")
    cells = {
        v
        for ws in openpyxl.load_workbook(audit, read_only=True).worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    }
    leaked = [n for n in names if n in text or n in cells]
    assert leaked == []


ALLOWED_DIGITS = ("4+2", "85后", "（1）")  # （1）: the numbering style of {% item %}


def test_no_figure_is_typed_into_a_template():
    for path in sorted((ROOT / "templates").glob("*.j2")):
        text = path.read_text(encoding="utf-8")
        for allowed in ALLOWED_DIGITS:
            text = text.replace(allowed, "")
        # digits inside a figure id (forms_1) are names, not figures
        assert re.findall(r"(?<![A-Za-z_\d])\d+", text) == [], path.name


def copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder, ignore=shutil.ignore_patterns("__*"))
    return folder


def test_a_mistyped_figure_name_fails_with_template_file_and_line(tmp_path):
    folder = copy_templates(tmp_path)
    progress = folder / "02_progress.j2"
    lines = progress.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "{{ cases_filed }}" in line)
    lines[at] = lines[at].replace("{{ cases_filed }}", "{{ cases_fild }}")
    progress.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "workreport.toml"
    config.write_text(
        f'[report]\nperiod = "2022H1"\ntemplates = "{folder.name}"\n', encoding="utf-8"
    )
    result = run("build", SAMPLE, "--config", config, "-o", tmp_path / "out.docx")
    assert result.exit_code == 1
    assert f"模板错误：02_progress.j2 第{at + 1}行：未定义的名称「cases_fild」" in result.output
    assert not (tmp_path / "out.docx").exists()


def test_missing_figures_become_placeholders(tmp_path):
    only = tmp_path / "data"
    only.mkdir()
    shutil.copy(SAMPLE / "信访室.xlsx", only)  # only 问题线索: every other ledger is missing
    out = tmp_path / "out.docx"
    result = run("build", only, "--period", "2022H1", "-o", out)
    assert result.exit_code == 0, result.output
    assert "W204" in result.output
    text = text_of(out)
    assert "党纪政务处分【待补充：党纪政务处分】人" in text
    assert "走访单位【待补充：走访单位】个" in text


def test_a_draft_open_in_word_is_not_touched(tmp_path):
    out = tmp_path / "汇报.docx"
    (tmp_path / "~$汇报.docx").write_bytes(b"owner")
    result = run("build", SAMPLE, "-o", out)
    assert result.exit_code == 1
    assert "正在被 Word/WPS 打开" in result.output
    assert not out.exists()


def test_rebuilding_replaces_an_unedited_draft_after_a_backup(sample_draft, tmp_path):
    out = built_here(sample_draft, tmp_path)
    first = out.read_bytes()
    result = run("build", SAMPLE, "-o", out, "--date", "2022-07-06")  # another 成文日期
    assert result.exit_code == 0, result.output
    assert (tmp_path / "汇报.v1.docx").read_bytes() == first
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_rebuild_that_changes_nothing_writes_nothing(sample_draft, tmp_path):
    # issue 26: every identical rebuild piled up a .v1, .v2 … of the same draft
    out = built_here(sample_draft, tmp_path)
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for extra in ((), ("--force",)):
        again = run("build", SAMPLE, "-o", out, *extra)
        assert again.exit_code == 0, again.output
        assert "稿件已是最新，未改写" in again.output and "备份" in again.output
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files
    # a 底稿 that went missing is written again, and so the draft with it
    (tmp_path / "汇报.底稿.xlsx").unlink()
    assert "已生成" in run("build", SAMPLE, "-o", out).output
    assert (tmp_path / "汇报.底稿.xlsx").exists()


def test_an_edited_draft_is_never_overwritten(sample_draft, tmp_path):
    out = built_here(sample_draft, tmp_path)
    draft = docx.Document(str(out))
    draft.add_paragraph("领导批示：请补充典型案例。")
    draft.save(str(out))
    edited = out.read_bytes()
    result = run("build", SAMPLE, "-o", out)
    assert result.exit_code == 2
    assert "被手工修改过" in result.output and "workreport refresh" in result.output
    assert out.read_bytes() == edited
    forced = run("build", SAMPLE, "-o", out, "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "汇报.v1.docx").read_bytes() == edited


def test_appendix_has_a_row_per_unit_and_totals_equal_the_body_figures(sample_report):
    data = json.loads(run("stats", SAMPLE, "--format", "json").output)["figures"]
    table = docx.Document(str(sample_report)).tables[-1]
    rows = [[c.text for c in r.cells] for r in table.rows]
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert header[0] == "填报单位"
    assert sorted(r[0] for r in body) == sorted(p.stem for p in SAMPLE.glob("*.xlsx"))
    assert total[0] == "合计"
    ids = [
        "clues",
        "cases_filed",
        "cases_closed",
        "sanctioned_persons",
        "forms_1",
        "forms_2",
        "forms_3",
        "forms_4",
        "talks_total",
        "letters_total",
    ]
    assert total[1:] == [str(data[i]) for i in ids]
    # 信访室 sent only 问题线索: its other columns are "—", not 0
    xinfang = next(r for r in body if r[0] == "信访室")
    assert xinfang[4:] == ["—"] * 7


def test_appendix_headers_break_only_between_words_and_use_fullwidth_brackets(sample_report):
    # docs/templates.md, 默认模板: （） and no header broken inside a word at the default
    # widths.  A header's lines are its words (a w:br between them); each column is as wide as its widest
    # line at 五号 (10.5 pt = 210 twips a Chinese character) inside the cell's margins
    table = docx.Document(str(sample_report)).tables[-1]
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        "填报单位",
        "受理\n线索",
        "立案",
        "结案",
        "党纪\n政务\n处分\n（人）",
        "第一种\n形态",
        "第二种\n形态",
        "第三种\n形态",
        "第四种\n形态",
        "谈话\n（人次）",
        "文书\n（份）",
    ]
    assert not any(ch in "()" for text in header for ch in text)
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    margins = 2 * 28  # w:tblCellMar left and right
    for text, width in zip(header, widths, strict=True):
        widest = max(len(line) for line in text.split("\n"))
        assert widest * 210 <= width - margins, text
    # and every unit's name of the sample stays on one line
    names = [r.cells[0].text for r in table.rows[1:]]
    assert max(len(n) for n in names) * 210 <= widths[0] - margins


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_the_sample_report_converts_to_an_a4_pdf_with_its_headings_and_figures(
    sample_report, tmp_path
):
    import os
    import subprocess

    env = {**os.environ, "HOME": str(tmp_path / "home")}
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(sample_report),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / (sample_report.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
    assert tuple(round(float(v)) for v in size) == (595, 842)  # A4
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for words in (
        "一、重点工作推进情况",
        "二、存在的问题",
        "三、下步工作打算",
        "查办问题线索86件",
        "450余次",
        "各单位主要指标统计表",
    ):
        assert words in flat, words
    assert re.search(r"—\s*1\s*—", text)  # the page number field, evaluated


def test_a_draft_with_only_a_comment_added_counts_as_edited(sample_draft, tmp_path):
    out = built_here(sample_draft, tmp_path)
    draft = docx.Document(str(out))
    paragraph = next(p for p in draft.paragraphs if p.runs)
    draft.add_comment(paragraph.runs[0], text="请核实", author="分管领导")
    draft.save(str(out))
    result = run("build", SAMPLE, "-o", out)
    assert result.exit_code == 2
    assert "被手工修改过" in result.output


def test_rebuilding_says_which_figures_changed(tmp_path):
    data = tmp_path / "收文"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "汇报.docx"
    assert run("build", data, "-o", out).exit_code == 0
    config = data / "workreport.toml"  # the organisation's name filled in: no figure changes
    config.write_text(
        config.read_text(encoding="utf-8").replace("xx市纪委监委", "甲市纪委监委"), "utf-8"
    )
    again = run("build", data, "-o", out)
    assert "与上一稿相比，数字没有变化。" in again.output
    from test_drafts import append_activity

    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    third = run("build", data, "-o", out)
    assert third.exit_code == 0, third.output
    assert "与上一稿（汇报.v2.docx）相比，1 个数字有变化" in third.output
    assert "activities.走访单位" in third.output


def test_a_period_with_no_rows_is_warned(tmp_path):
    result = run("build", SAMPLE, "-p", "2026H1", "-o", tmp_path / "汇报.docx")
    assert result.exit_code == 0
    assert "W208" in result.output


def test_build_force_over_a_file_that_is_not_a_draft_succeeds(tmp_path):
    out = tmp_path / "foreign.docx"
    foreign = docx.Document()
    foreign.add_paragraph("别人的文件")
    foreign.save(str(out))
    result = run("build", SAMPLE, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    assert "别人的文件" in text_of(tmp_path / "foreign.v1.docx")
