"""Regenerating without losing work: refresh in place, diff, the audit workbook, init."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import SAMPLE, W, run, text_of
from workreport.audit import CHECKS_SHEET
from workreport.draft import Draft
from workreport.render.document import Tag


def control(document, tag: str):
    """The content control of the first figure tagged ``tag``."""
    return next(
        s
        for s in document.element.body.iter(f"{W}sdt")
        if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == tag
    )


def build_with_template(tmp_path, template: str, data: Path | None = None):
    """Build the sample ledgers (or ``data``) with a one-section template of our own."""
    if data is None:
        data = tmp_path / "收文"
        shutil.copytree(SAMPLE, data)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "01.j2").write_text(template, encoding="utf-8")
    config = tmp_path / "workreport.toml"
    config.write_text('[report]\nperiod = "2022H1"\ntemplates = "templates"\n', encoding="utf-8")
    draft = tmp_path / "汇报.docx"
    assert run("build", data, "--config", config, "-o", draft).exit_code == 0
    return data, config, draft


def append_activity(workbook: Path, kind: str, amount: int) -> None:
    """A department corrects its ledger: one more 监督活动 row in period."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["监督活动"]
    header_row = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "活动类型" for c in r))
    columns = {str(c.value).strip(): c.column for c in header_row if c.value}
    row = ws.max_row + 1
    ws.cell(row, columns["日期"], date(2022, 5, 20))
    ws.cell(row, columns["活动类型"], kind)
    ws.cell(row, next(v for k, v in columns.items() if k.startswith("数量")), amount)
    wb.save(workbook)


@pytest.fixture
def project(built_sample_project, tmp_path):
    """A copy of the sample ledgers (收文/) and of the draft built from them (汇报.docx, its
    底稿 and the ledgers' parse cache along): what `build 收文 -o 汇报.docx` leaves."""
    shutil.copytree(built_sample_project, tmp_path, dirs_exist_ok=True)
    return tmp_path / "收文", tmp_path / "汇报.docx"


def edit_by_hand(draft: Path) -> None:
    """What a leader's round does: a new paragraph, a reworded sentence, a comment."""
    document = docx.Document(str(draft))
    paragraphs = document.paragraphs
    opening = next(p for p in paragraphs if p.text.startswith("按照总结会要求"))
    opening.insert_paragraph_before("领导批示：请补充典型案例。")
    progress = next(p for p in paragraphs if "查办问题线索" in p.text)
    first = progress.runs[0]
    first.text = first.text.replace("立足职责定位", "始终立足职责定位")
    document.add_comment(progress.runs[0], text="数字请再核对", author="办公室", initials="BGS")
    document.save(str(draft))


def test_refresh_updates_changed_figures_and_keeps_every_edit(project):
    data, draft = project
    edit_by_hand(draft)
    before_tags = Draft.open(draft).shown()
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)  # 55 → 60
    append_activity(data / "城关镇纪委.xlsx", "督促政策理论学习", 10)  # 453 → 463: 450余 → 460余

    result = run("refresh", draft, data)
    assert result.exit_code == 0, result.output
    assert (
        "activities.走访单位" in result.output and "55" in result.output and "60" in result.output
    )

    text = text_of(draft)
    assert "领导批示：请补充典型案例。" in text
    assert "xx市纪委监委始终立足职责定位" in text
    assert "深入走访乡镇、市直部门60个" in text
    assert "督促开展政策理论学习460余次" in text
    document = docx.Document(str(draft))
    assert [c.text for c in document.comments] == ["数字请再核对"]
    after_tags = Draft.open(draft).shown()
    changed = {k for k in before_tags if before_tags[k] != after_tags[k]}
    assert changed == {Tag("activities.走访单位"), Tag("activities.督促政策理论学习", "approx")}
    backup = draft.with_name("汇报.v1.docx")
    assert "深入走访乡镇、市直部门55个" in text_of(backup)
    assert draft.with_name("汇报.v1.底稿.xlsx").is_file()  # the backup keeps its audit workbook
    assert "领导批示：请补充典型案例。" in text_of(backup)


def test_an_edited_draft_is_refused_by_build_even_after_a_refresh(project):
    data, draft = project
    edit_by_hand(draft)
    assert run("refresh", draft, data).exit_code == 0
    edited = draft.read_bytes()
    result = run("build", data, "-o", draft)
    assert result.exit_code == 2
    assert "被手工修改过" in result.output
    assert draft.read_bytes() == edited


def test_refresh_reports_figures_whose_tag_was_deleted(project):
    data, draft = project
    document = docx.Document(str(draft))
    sdt = control(document, "cases_closed")
    sdt.getparent().remove(sdt)  # the editor deleted the number and typed their own
    document.save(str(draft))
    result = run("refresh", draft, data)
    assert result.exit_code == 0
    assert "标记已在稿中被删除" in result.output and "结案" in result.output


def test_refresh_updates_the_appendix_with_a_new_unit(project):
    data, draft = project
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "谈话"
    ws.append(["日期", "谈话类型", "人数", "对象类别"])
    ws.append([date(2022, 3, 1), "廉政谈话", 7, "一般干部"])
    book.save(data / "新城镇纪委.xlsx")
    assert run("refresh", draft, data).exit_code == 0
    rows = [[c.text for c in r.cells] for r in docx.Document(str(draft)).tables[-1].rows]
    assert ["新城镇纪委", "—", "—", "—", "—", "—", "—", "—", "—", "7", "—"] in rows
    assert rows[-1][0] == "合计" and rows[-1][9] == "297"  # 290 + 7 talks


def test_diff_lists_exactly_the_changed_figures(project, tmp_path):
    data, draft = project
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    second = tmp_path / "第二稿.docx"
    assert run("build", data, "-o", second).exit_code == 0
    out = json.loads(run("diff", draft, second, "--format", "json").output)
    assert [(f["id"], f["old"], f["new"]) for f in out["figures"]] == [
        ("activities.走访单位", "55", "60")
    ]
    assert [(f["id"], f["old"], f["new"]) for f in out["values"]] == [
        ("activities.走访单位", 55, 60)
    ]
    assert [i["file"] for i in out["inputs"]] == ["城关镇纪委.xlsx"]
    assert out["periods"] is None
    table = run("diff", draft, second).output
    assert "走访单位" in table and "城关镇纪委.xlsx：内容有变化" in table


def counted_in(record: dict) -> list[str]:
    """The figure ids a 底稿 row counts toward, from its 计入：<label> columns."""
    from workreport.figures import FIGURES

    by_label = {f.label: f.id for f in FIGURES}
    out = []
    for header, value in record.items():
        if header.startswith("计入：") and value is not None:
            fid = by_label[header.removeprefix("计入：")]
            out.append(fid if value == "是" else f"{fid}.{value}")
    return out


def test_every_figure_traces_to_audit_rows_that_add_up(project):
    _, draft = project
    book = openpyxl.load_workbook(draft.with_name("汇报.底稿.xlsx"), read_only=True)
    assert all(
        next(ws.iter_rows(values_only=True))[0] == "内部资料 注意保密" for ws in book.worksheets
    )
    summary = list(book["指标汇总"].iter_rows(min_row=4, values_only=True))
    sources: dict[str, list[dict]] = {}
    for ws in book.worksheets[1:]:
        if ws.title == CHECKS_SHEET:  # the 案管室's findings: no figure counts them
            continue
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        header = rows[0]
        for r in rows[1:]:
            record = dict(zip(header, [*r, *[None] * (len(header) - len(r))], strict=True))
            for fid in counted_in(record):
                sources.setdefault(fid, []).append(record)
    checked = 0
    for row in summary:
        # a missing figure has no source count, and a read-only sheet drops a trailing blank
        fid, _label, _unit, _basis, value, n = (*row, None)[:6]
        if fid.startswith("forms_shares") or value == "缺少数据":
            continue
        rows = sources.get(fid, [])
        assert len(rows) == n, fid
        if fid.startswith(("talks", "activities", "accountability")) or fid == (
            "letters_rectified_issues"
        ):
            column = {"talks": "人数", "activities": "数量", "accountability": "数量"}.get(
                fid.split(".")[0].split("_")[0], "督促整改问题数"
            )
            assert sum(r[column] or 0 for r in rows) == value, fid
        elif fid == "eight_rules_problems":  # 起: one per clue, however many measures
            assert len({r["线索编号"] for r in rows}) == value, fid
        elif fid == "losses_recovered":
            assert round(sum(r["挽回经济损失（万元）"] or 0 for r in rows), 2) == value, fid
        elif fid.startswith(("sanctioned_", "eight_rules_")) or fid == (
            "voluntary_surrender_persons"
        ):
            assert len({r["人员序号"] for r in rows}) == value, fid
        else:
            assert len(rows) == value, fid
        checked += 1
    assert checked > 60


def test_init_scaffolds_a_project_that_commands_find(tmp_path, monkeypatch):
    folder = tmp_path / "2022上半年"
    result = run("init", folder)
    assert result.exit_code == 0, result.output
    assert (folder / "workreport.toml").is_file()
    assert sorted(p.name for p in (folder / "templates").iterdir()) == [
        "01_opening.j2",
        "02_progress.j2",
        "03_problems.j2",
        "04_plans.j2",
    ]
    assert (folder / "台账模板.xlsx").is_file() and (folder / "收文").is_dir()
    for p in SAMPLE.glob("*.xlsx"):
        shutil.copy(p, folder / "收文")
    config = folder / "workreport.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'organisation = "xx市纪委监委"', 'organisation = "yy市纪委监委"'
        ),
        encoding="utf-8",
    )
    # init points the project at its Word template: the analyst rewrites a paragraph in it
    assert 'word_template = "模板.docx"' in config.read_text(encoding="utf-8")
    template = docx.Document(str(folder / "模板.docx"))
    problem = next(p for p in template.paragraphs if p.text.startswith("【请填写：本期工作存在"))
    for r in problem.runs[1:]:
        r.text = ""
    problem.runs[0].text = "（一）本期由分析人员改写。"
    template.save(str(folder / "模板.docx"))
    monkeypatch.chdir(folder)
    result = run("build", "收文", "-p", "2022H1", "-o", "汇报.docx")
    assert result.exit_code == 0, result.output
    text = text_of(folder / "汇报.docx")
    assert "现将yy市纪委监委2022年上半年" in text  # the project's workreport.toml was found
    assert "（一）本期由分析人员改写。" in text  # and its own template used
    again = run("init", folder)
    assert again.exit_code == 2 and "已存在" in again.output


def test_a_figure_retyped_inside_its_tag_is_kept_and_reported(project):
    data, draft = project
    document = docx.Document(str(draft))
    sdt = control(document, "activities.走访单位")
    sdt.find(f".//{W}t").text = "55（含重复走访3个）"
    document.save(str(draft))
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    result = run("refresh", draft, data)
    assert result.exit_code == 0
    assert "被手工改过" in result.output and "55（含重复走访3个）" not in result.output
    assert "的文字不是数字，不显示" in result.output  # typed words: said by place (docs/drafts.md)
    assert "深入走访乡镇、市直部门55（含重复走访3个）个" in text_of(draft)


def test_a_figure_inside_a_tracked_change_is_not_rewritten(project):
    data, draft = project
    document = docx.Document(str(draft))
    sdt = control(document, "activities.走访单位")
    run_el = sdt.find(f".//{W}r")
    deletion = docx.oxml.OxmlElement("w:del")
    deletion.set(f"{W}id", "901")
    deletion.set(f"{W}author", "审稿人")
    run_el.addprevious(deletion)
    deletion.append(run_el)
    run_el.find(f"{W}t").tag = f"{W}delText"
    document.save(str(draft))
    before = draft.read_bytes()
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    result = run("refresh", draft, data)
    assert result.exit_code == 0
    assert "修订状态" in result.output
    refreshed = docx.Document(str(draft))
    sdt = control(refreshed, "activities.走访单位")
    assert [t.text for t in sdt.iter(f"{W}delText")] == ["55"]
    assert list(sdt.iter(f"{W}t")) == []
    assert draft.with_name("汇报.v1.docx").read_bytes() == before


def test_arithmetic_in_a_template_is_a_figure_that_refresh_recomputes(tmp_path):
    data, config, draft = build_with_template(
        tmp_path,
        "第一、二种形态合计{{ forms_1 + forms_2 }}人，去掉走访后{{ activities.问卷调查 - activities.走访单位 }}，另加{{ 1 + letters_total }}。\n",
    )
    # 118 + 15 = 133; 256 - 55 = 201; 1 + 63 = 64
    assert "第一、二种形态合计133人，去掉走访后201，另加64。" in text_of(draft)
    assert {t for t in Draft.open(draft).shown() if t.kind == "figure"} == {
        Tag("forms_1 + forms_2"),
        Tag("activities.问卷调查 - activities.走访单位"),
        Tag("1 + letters_total"),
    }
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    assert run("refresh", draft, data, "--config", config).exit_code == 0
    assert "去掉走访后196" in text_of(draft)


def test_arithmetic_with_a_missing_figure_is_missing_not_zero(tmp_path):
    data = tmp_path / "收文"
    data.mkdir()
    shutil.copy(SAMPLE / "信访室.xlsx", data)  # no 处分处理 anywhere
    _, _, draft = build_with_template(tmp_path, "合计{{ forms_1 + forms_2 }}人。\n", data)
    assert "合计【待补充：第一种形态+第二种形态】人。" in text_of(draft)


def test_an_appendix_changed_by_hand_and_the_analysts_own_tables_are_left_alone(project):
    data, draft = project
    document = docx.Document(str(draft))
    appendix = document.tables[-1]
    own = document.add_table(rows=2, cols=3)  # the analyst's own table, after the appendix
    for cell, text in zip(own.rows[0].cells, ["填报单位", "典型问题", "整改情况"], strict=True):
        cell.text = text
    own.rows[1].cells[1].text = "违规收送礼品"
    appendix.rows[1].cells[1].text = "20（含转办）"  # a reviewer's note in the appendix
    document.save(str(draft))
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    result = run("refresh", draft, data)
    assert result.exit_code == 0
    assert "附表在稿中被手工修改过" in result.output
    tables = docx.Document(str(draft)).tables
    assert tables[-2].rows[1].cells[1].text == "20（含转办）"
    assert [c.text for c in tables[-1].rows[1].cells] == ["", "违规收送礼品", ""]


def test_a_retyped_yoy_or_sum_is_kept(tmp_path):
    data, config, draft = build_with_template(
        tmp_path, "合计{{ forms_1 + forms_2 }}人，线索{{ clues | yoy }}。\n"
    )
    assert "线索同比增长14.7%" in text_of(draft)  # 86 against 75 in 2021H1: +14.67 %
    document = docx.Document(str(draft))
    for sdt in document.element.body.iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val")
        retyped = {"forms_1 + forms_2": "一百三十三", "clues|yoy": "同比增长约15%"}
        if tag in retyped:
            sdt.find(f".//{W}t").text = retyped[tag]
    document.save(str(draft))
    result = run("refresh", draft, data, "--config", config)
    assert result.exit_code == 0
    assert "合计一百三十三人，线索同比增长约15%。" in text_of(draft)


def test_a_draft_whose_tags_were_all_stripped_is_not_touched(project):
    data, draft = project
    document = docx.Document(str(draft))
    for mark in list(document.element.body.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd")):
        mark.getparent().remove(mark)  # no bookmark either: a 0.1.0 draft re-saved in LibreOffice
    for sdt in list(document.element.body.iter(f"{W}sdt")):
        content = sdt.find(f"{W}sdtContent")
        for child in list(content):
            sdt.addprevious(child)  # what a re-save in LibreOffice 7.4 does to content controls
        sdt.getparent().remove(sdt)
    document.save(str(draft))
    before = draft.read_bytes()
    result = run("refresh", draft, data)
    assert result.exit_code == 1
    assert "找不到任何指标标记" in result.output
    assert draft.read_bytes() == before


def test_commands_run_from_outside_a_project_find_its_configuration(tmp_path, monkeypatch):
    folder = tmp_path / "项目"
    assert run("init", folder).exit_code == 0
    for p in SAMPLE.glob("*.xlsx"):
        shutil.copy(p, folder / "收文")
    config = folder / "workreport.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("xx市纪委监委", "yy市纪委监委"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = run("build", folder / "收文", "-p", "2022H1", "-o", "汇报.docx")
    assert result.exit_code == 0, result.output
    assert f"配置 {config}" in result.output
    assert "现将yy市纪委监委2022年上半年" in text_of(tmp_path / "汇报.docx")
    # from the project's root, the blank 台账模板.xlsx is not read as a unit
    monkeypatch.chdir(folder)
    out = json.loads(run("stats", ".", "-p", "2022H1", "--format", "json", "--by", "单位").output)
    assert "台账模板" not in out["by_unit"]


def test_refresh_for_another_period_updates_the_years_in_the_text(project, tmp_path):
    data, draft = project
    assert "完成全市91个单位2021年度考核评估工作" in text_of(draft)
    out = tmp_path / "上年同期.docx"
    result = run("refresh", draft, data, "--period", "2021H1", "-o", out)
    assert result.exit_code == 0, result.output
    assert "个单位2020年度考核评估工作" in text_of(out)


def test_a_partly_deleted_tag_is_reported_by_every_refresh(tmp_path):
    data, config, draft = build_with_template(
        tmp_path, "线索{{ clues }}件。\n又一处线索{{ clues }}件。\n"
    )
    document = docx.Document(str(draft))
    sdt = list(document.element.body.iter(f"{W}sdt"))[1]
    sdt.getparent().remove(sdt)
    document.save(str(draft))
    for _ in range(2):
        result = run("refresh", draft, data, "--config", config)
        assert result.exit_code == 0
        assert "标记已在稿中被删除" in result.output


def test_a_data_workbook_out_of_step_with_its_draft_is_noticed_and_refresh_mends_it(project):
    # issue 24: a kill between the two renames of a build (底稿 first, draft second) leaves
    # the new 底稿 beside the old draft.  The 底稿 names the draft it was written with
    data, draft = project
    old = draft.read_bytes()
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    assert run("build", data, "-o", draft, "--force").exit_code == 0
    draft.write_bytes(old)  # what the kill leaves: the first rename done, not the second

    found = json.loads(run("check", draft, "--format", "json").output)
    c311 = [f for f in found["must_fix"] if f["code"] == "C311"]
    assert [f["place"] for f in c311] == ["汇报.底稿.xlsx"]
    other = draft.with_name("另一稿.docx")
    shutil.copy(draft, other)
    result = run("diff", draft, other)
    assert "W222 警告：数据底稿 汇报.底稿.xlsx 不是与稿件 汇报.docx 一起生成的" in result.output

    # refresh writes both again, even though the draft's figures would not change
    assert run("refresh", draft, data).exit_code == 0
    found = json.loads(run("check", draft, "--format", "json").output)
    assert not any(f["code"] == "C311" for f in found["must_fix"])
    assert "W222" not in run("diff", draft, other).output


def test_a_hand_edited_draft_keeps_its_data_workbook(project):
    _, draft = project
    edit_by_hand(draft)
    found = json.loads(run("check", draft, "--format", "json").output)
    assert not any(f["code"] == "C311" for f in found["must_fix"])


def test_thousands_of_unclosed_figure_bookmarks_cost_nothing(project, tmp_path):
    # issue 26: a hostile draft's 10,000 open wr_ bookmarks, each before a run, made every
    # run join every open bookmark (refresh, check and diff: minutes and a gigabyte)
    import re
    import tracemalloc
    import zipfile

    _, draft = project
    good = len(Draft.open(draft).slots())
    hostile = tmp_path / "恶意.docx"
    with zipfile.ZipFile(draft) as z, zipfile.ZipFile(hostile, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode()
                names = re.findall(r'w:name="(wr_\d+)"', xml)
                junk = "".join(
                    f'<w:bookmarkStart w:id="{90000 + k}" w:name="{names[k % len(names)]}"/>'
                    "<w:r><w:t>字</w:t></w:r>"
                    for k in range(10_000)
                )
                data = xml.replace("<w:body>", f"<w:body><w:p>{junk}</w:p>", 1).encode()
            out.writestr(info, data)

    tracemalloc.start()
    try:
        assert len(Draft.open(hostile).slots()) == good  # the real figures, no others
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024**2
    assert run("check", hostile).exit_code == 1  # its placeholders must be fixed
    assert run("diff", hostile, draft).exit_code == 0
