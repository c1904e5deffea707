"""Templates the analyst edits in Word (docs/templates.md, Word 模板).

The default 模板.docx is written by the tool; what Word or WPS leave in it after an
analyst's edits (runs split inside a placeholder, proofing marks, a bookmark, a bold
phrase, a new paragraph) is done with python-docx, and LibreOffice re-saves it for
real.  Every template is built into a draft and the draft read back.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from conftest import SAMPLE, paragraphs, run, text_of
from test_drafts import append_activity
from test_office_suites import resave_in_libreoffice
from workreport import safety
from workreport.config import load_config
from workreport.draft import Draft
from workreport.render.word_template import DEFAULT_NAME, default_word_template

OPENING = "按照总结会要求，现将{{ organisation }}近期重点工作推进情况和下步工作打算汇报如下。"
PROGRESS = "查办问题线索{{ clues }}件"
DEFAULT_OPENING = (
    "【请填写：汇报缘由，如“按照……会议要求”】，"
    "现将{{ organisation }}{{ period.label }}重点工作推进情况和下步工作打算汇报如下。"
)


@pytest.fixture(scope="module")
def sample_j2(tmp_path_factory) -> Path:
    """The sample report from the default .j2 templates."""
    out = tmp_path_factory.mktemp("j2") / "汇报.docx"
    assert run("build", SAMPLE, "-o", out).exit_code == 0
    return out


@pytest.fixture(scope="module")
def template_bytes() -> bytes:
    """The sample's Word template as bytes, made once for the module: most tests start
    from it, and each writes it to a file of its own (``template``)."""
    return default_word_template(SAMPLE / "templates", load_config(None).style)


@pytest.fixture
def template(template_bytes, tmp_path) -> Path:
    """The sample's Word template: its own .j2 templates (the seed's text) in Word."""
    path = tmp_path / DEFAULT_NAME
    path.write_bytes(template_bytes)
    return path


@pytest.fixture
def default_template(tmp_path) -> Path:
    """The shipped 模板.docx, as ``word-template`` writes it."""
    path = tmp_path / DEFAULT_NAME
    result = run("word-template", "-o", path)
    assert result.exit_code == 0, result.output
    assert f"已生成 {path}" in result.output
    return path


def default_project(tmp_path) -> Path:
    """The sample's ledgers with the shipped templates: its workreport.toml without its
    own ``templates``."""
    data = tmp_path / "默认"
    shutil.copytree(SAMPLE, data)
    shutil.rmtree(data / "templates")
    config = data / "workreport.toml"
    own = config.read_text(encoding="utf-8").replace('templates = "templates"\n', "")
    config.write_text(own, encoding="utf-8")
    return data


def build(template: Path, out: Path, data: Path = SAMPLE):
    return run("build", data, "-o", out, "--word-template", template)


def body(path: Path) -> list[str]:
    """The draft's paragraphs from the title to the 成文日期 (the appendix left out)."""
    texts = paragraphs(path)
    texts = texts[: texts.index("附件")]
    note = texts.index("附件：各单位主要指标统计表")  # 附件说明 and the blank line above it
    return texts[: note - 1] + texts[note + 1 :]


def find(document, start: str):
    return next(p for p in document.paragraphs if p.text.startswith(start))


def split_runs(paragraph, at: str, pieces: list[str]) -> None:
    """Rewrite the run holding ``at`` as Word leaves typed text: several runs with
    different formatting, a proofing mark and a bookmark between them."""
    run_ = next(r for r in paragraph.runs if at in r.text)
    before, after = run_.text.split(at, 1)
    run_.text = before
    anchor = run_._r
    for i, piece in enumerate([*pieces, after]):
        new = OxmlElement("w:r")
        if i == 1:
            rpr = OxmlElement("w:rPr")
            lang = OxmlElement("w:lang")
            lang.set(qn("w:eastAsia"), "zh-CN")
            rpr.append(lang)
            new.append(rpr)
        t = OxmlElement("w:t")
        t.text = piece
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        new.append(t)
        extras = []
        if i == 0:
            proof = OxmlElement("w:proofErr")
            proof.set(qn("w:type"), "spellStart")
            mark = OxmlElement("w:bookmarkStart")
            mark.set(qn("w:id"), "90")
            mark.set(qn("w:name"), "_GoBack")
            extras = [proof, mark]
        anchor.addnext(new)
        for extra in reversed(extras):
            new.addnext(extra)
        anchor = extras[-1] if extras else new


# --- the default template -------------------------------------------------------------


def test_the_default_word_template_builds_the_text_of_the_default_templates(
    default_template, tmp_path
):
    data = default_project(tmp_path)
    j2 = tmp_path / "j2.docx"
    assert run("build", data, "-o", j2).exit_code == 0
    out = tmp_path / "汇报.docx"
    result = build(default_template, out, data)
    assert result.exit_code == 0, result.output
    assert paragraphs(out) == paragraphs(j2)
    assert "【请填写：汇报缘由" in text_of(out)
    assert Draft.open(out).shown() == Draft.open(j2).shown()  # the same figure tags


def test_the_samples_word_template_builds_the_text_of_its_templates(template, sample_j2, tmp_path):
    out = tmp_path / "汇报.docx"
    result = build(template, out)
    assert result.exit_code == 0, result.output
    assert paragraphs(out) == paragraphs(sample_j2)
    ours = [p.style.name for p in docx.Document(str(out)).paragraphs]
    assert ours == [p.style.name for p in docx.Document(str(sample_j2)).paragraphs]
    assert Draft.open(out).shown() == Draft.open(sample_j2).shown()  # the same figure tags


def test_the_default_word_template_is_laid_out_like_the_report(default_template):
    document = docx.Document(str(default_template))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Normal", "落款", "使用说明"} <= styles
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.top_margin.mm)) == (210, 37)
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text == "{{ title }}"
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    assert heading.text == "一、重点工作推进情况"
    assert any(p.text == DEFAULT_OPENING for p in document.paragraphs)  # placeholders as typed


def test_the_instructions_are_left_out_of_the_draft(template, tmp_path):
    out = tmp_path / "汇报.docx"
    assert build(template, out).exit_code == 0
    assert "使用说明" not in text_of(out) and "{{" not in text_of(out)


def test_the_template_refuses_to_overwrite_without_force(default_template):
    result = run("word-template", "-o", default_template)
    assert result.exit_code == 2
    assert "已存在，未覆盖（可能是改过的模板）" in result.output
    assert run("word-template", "-o", default_template, "--force").exit_code == 0
    assert default_template.with_name("模板.v1.docx").is_file()


# --- a template edited the way Word and WPS leave it ----------------------------------


def test_a_placeholder_split_across_runs_a_bold_phrase_and_a_new_paragraph(template, tmp_path):
    document = docx.Document(str(template))
    progress = find(document, "{{ organisation }}立足职责定位")
    # Word splits {{ clues }} where the analyst retyped it: runs, a proofing mark, a bookmark
    split_runs(progress, "{{ clues }}", ["{{ cl", "ue", "s }}"])
    bold = progress.runs[-1]
    bold.text = bold.text.replace("推动“关键少数”", "")
    opening = find(document, "按照总结会要求")
    phrase = opening.add_run("特别是专项整治工作")
    phrase.bold = True
    phrase.font.underline = True
    opening.add_run("成效明显。")
    opening.insert_paragraph_before("新增的一段：本期走访{{ activities.走访单位 }}个单位。")
    document.save(str(template))
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    text = text_of(out)
    assert "查办问题线索86件" in text
    assert "新增的一段：本期走访55个单位。" in text
    assert "汇报如下。特别是专项整治工作成效明显。" in text
    draft = docx.Document(str(out))
    runs = [r for p in draft.paragraphs for r in p.runs if r.text == "特别是专项整治工作"]
    assert len(runs) == 1 and runs[0].bold and runs[0].underline
    plain = next(r for p in draft.paragraphs for r in p.runs if r.text == "成效明显。")
    assert not plain.bold
    shown = Draft.open(out).shown()
    assert [tag.id for tag in shown if tag.id == "clues"] == ["clues"]
    assert len(shown[next(t for t in shown if t.id == "activities.走访单位")]) == 2


def test_a_draft_from_a_word_template_refreshes(template, tmp_path):
    data = tmp_path / "收文"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "汇报.docx"
    assert build(template, out, data).exit_code == 0
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)

    result = run("refresh", out, data)

    assert result.exit_code == 0, result.output
    assert "深入走访乡镇、市直部门60个" in text_of(out)


def test_a_misspelt_placeholder_names_the_paragraph(template, tmp_path):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    number = next(i for i, p in enumerate(document.paragraphs, 1) if p._p is paragraph._p)
    split_runs(paragraph, "{{ organisation }}", ["{{ organ", "isaton", " }}"])
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert result.output == (
        f"模板错误：模板.docx 第{number}段（「按照总结会要求，现将{{{{ org…」）："
        "未定义的名称「organisaton」（指标名写错了吗？用 workreport stats --list 查看全部指标）\n"
    )


def test_an_unknown_figure_group_member_names_the_paragraph(template, tmp_path):
    document = docx.Document(str(template))
    paragraph = find(document, "{{ organisation }}立足职责定位")
    number = next(i for i, p in enumerate(document.paragraphs, 1) if p._p is paragraph._p)
    paragraph.runs[0].text = paragraph.runs[0].text.replace("{{ clues }}", "{{ activities.走访 }}")
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert f"模板.docx 第{number}段（「{{{{ organisation …」）：「走访」不存在" in result.output


def _if_pair(template: Path, condition: str) -> None:
    document = docx.Document(str(template))
    first = find(document, "（二）派驻监督优势未完全显现")
    first.insert_paragraph_before(f"{{% if {condition} %}}")
    third = find(document, "（三）干部业务能力还需提升")
    third.insert_paragraph_before("（二）这一段只在条件成立时保留。")
    third.insert_paragraph_before("{% endif %}")
    document.save(str(template))


@pytest.mark.parametrize("condition, kept", [("clues > 1000", False), ("clues > 0", True)])
def test_an_if_paragraph_pair_keeps_or_removes_the_paragraphs_between(
    template, tmp_path, condition, kept
):
    _if_pair(template, condition)
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    text = body(out)
    assert not any("{%" in p for p in text)
    assert "（一）监督工作的精准度有待提高" in "\n".join(text)
    assert ("（二）这一段只在条件成立时保留。" in text) is kept
    assert any(p.startswith("（二）派驻监督优势未完全显现") for p in text) is kept
    assert any(p.startswith("（三）干部业务能力还需提升") for p in text)
    assert "" not in text[2:-3]  # no empty paragraph left where the pair was


def test_the_zero_construct_works_inline_in_a_word_template(template, tmp_path):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    paragraph.add_run("{% clause %}另有被约谈人员{{ talks.约谈 }}人{% endclause %}，")
    bold = paragraph.add_run("{% clause %}处分{{ clues - clues }}人{% endclause %}")
    bold.bold = True
    paragraph.add_run("。")
    document.save(str(template))
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    line = next(p for p in paragraphs(out) if p.startswith("按照总结会要求"))
    assert line.endswith("汇报如下。另有被约谈人员5人。")
    assert "W212" in result.output


# --- tables ---------------------------------------------------------------------------


def add_table(template: Path, rows: list[list[str]], style: str | None = "Table Grid") -> None:
    """A table after the paragraph «按照总结会要求…», its cells typed as given (a cell's
    «\\n» starts a new paragraph in it)."""
    document = docx.Document(str(template))
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    if style:
        table.style = document.styles[style]
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            first, *more = text.split("\n")
            cell.paragraphs[0].add_run(first)
            for line in more:
                cell.add_paragraph(line)
    find(document, "按照总结会要求")._p.addnext(table._tbl)
    document.save(str(template))


def tables_of(path: Path) -> list[list[list[str]]]:
    """Each table's cells, their paragraphs' text on lines (a figure's content control too:
    python-docx's ``cell.text`` leaves it out)."""

    def text(cell) -> str:
        return "\n".join(
            "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell._tc.iter(qn("w:p"))
        )

    document = docx.Document(str(path))
    return [[[text(c) for c in row.cells] for row in t.rows] for t in document.tables]


def stats_json(data: Path = SAMPLE) -> dict:
    result = run("stats", data, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["figures"]


def test_a_table_with_placeholders_becomes_a_table_of_the_draft(template, tmp_path):
    add_table(
        template,
        [
            ["指标", "数量"],
            ["受理问题线索", "{{ clues }}件"],
            ["走访单位", "{% if activities.走访单位 > 0 %}{{ activities.走访单位 }}个{% endif %}"],
            ["立案\n（{{ period.label }}）", "{{ cases_filed | approx }}"],
        ],
    )
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    figures = stats_json()
    first, *_ = tables_of(out)  # the body's table comes before the appendix
    assert first == [
        ["指标", "数量"],
        ["受理问题线索", f"{figures['clues']}件"],
        ["走访单位", f"{figures['activities']['走访单位']}个"],
        ["立案\n（2022年上半年）", "20余"],
    ]
    table = docx.Document(str(out)).tables[0]
    assert table.style.name == "Table Grid"  # its look kept: borders
    assert len(docx.Document(str(out)).tables) == 2  # and the appendix
    shown = Draft.open(out).shown()  # figures in cells are tagged, so refresh finds them
    assert shown[next(t for t in shown if t.id == "clues")][0] == str(figures["clues"])
    assert "cases_filed" in {t.id for t in shown}
    assert "{{" not in text_of(out) and "{%" not in text_of(out)


def test_a_row_repeats_once_per_item_of_a_for(template, tmp_path):
    add_table(
        template,
        [
            ["谈话类型", "人次"],
            ["{% for name in talks %}{{ name }}", "{{ talks[name] }}{% endfor %}"],
            ["合计", "{{ talks_total }}"],
        ],
    )
    add_table(
        template,
        [["{% for k in talks_top_leaders %}{{ k }}", "{{ talks_top_leaders[k] }}{% endfor %}"]],
    )
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    leaders = stats_json()["talks_top_leaders"]
    assert 0 in leaders.values() and tables_of(out)[0] == [[k, str(v)] for k, v in leaders.items()]
    assert "W211" not in result.output  # a table shows its zeros: not prose to reconsider
    talks = stats_json()["talks"]
    rows = tables_of(out)[1]  # the second added is the first in the draft
    assert rows == [
        ["谈话类型", "人次"],
        *([name, str(n)] for name, n in talks.items()),
        ["合计", str(stats_json()["talks_total"])],
    ]
    shown = Draft.open(out).shown()
    assert {t.id for t in shown} >= {f"talks.{name}" for name in talks}


def test_a_refresh_rewrites_a_figure_in_a_table_cell(template, tmp_path):
    add_table(template, [["走访单位", "{{ activities.走访单位 }}个"]])
    data = tmp_path / "收文"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "汇报.docx"
    assert build(template, out, data).exit_code == 0
    assert tables_of(out)[0] == [["走访单位", "55个"]]
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)

    result = run("refresh", out, data)

    assert result.exit_code == 0, result.output
    assert tables_of(out)[0] == [["走访单位", "60个"]]
    assert stats_json(data)["activities"]["走访单位"] == 60


def test_a_row_is_kept_or_left_out_by_an_if_in_its_first_and_last_cell(template, tmp_path):
    add_table(
        template,
        [
            ["{% if clues > 1000 %}很多线索", "{{ clues }}{% endif %}"],
            ["{% if clues > 0 %}受理问题线索", "{{ clues }}件{% endif %}"],
        ],
    )
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    assert tables_of(out)[0] == [["受理问题线索", "86件"]]


def test_a_table_between_an_if_paragraph_pair_goes_with_it(template, tmp_path):
    add_table(template, [["受理", "{{ clues }}件"]])
    document = docx.Document(str(template))
    table = document.tables[0]._tbl
    table.addprevious(document.add_paragraph("{% if clues > 1000 %}")._p)
    table.addnext(document.add_paragraph("{% endif %}")._p)
    document.save(str(template))
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    assert len(tables_of(out)) == 1  # the appendix only
    assert "{%" not in text_of(out)


def test_a_table_style_the_draft_lacks_comes_with_the_table(template, tmp_path):
    add_table(template, [["受理", "{{ clues }}件"]])
    document = docx.Document(str(template))
    styles = document.styles.element
    grid = next(
        s for s in styles.iterchildren(qn("w:style")) if s.get(qn("w:styleId")) == "TableGrid"
    )
    own = copy.deepcopy(grid)
    own.set(qn("w:styleId"), "WrOwnTable")
    own.find(qn("w:name")).set(qn("w:val"), "本单位表格")
    styles.append(own)
    document.tables[0]._tbl.tblPr.find(qn("w:tblStyle")).set(qn("w:val"), "WrOwnTable")
    document.save(str(template))
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    draft = docx.Document(str(out))
    assert draft.tables[0].style.name == "本单位表格"
    borders = draft.tables[0].style.element.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    assert borders is not None  # its borders: the table looks as in the template


def with_a_table_of_talks(template: Path) -> None:
    add_table(
        template,
        [
            ["谈话类型", "人次"],
            ["{% for name in talks %}{{ name }}", "{{ talks[name] }}{% endfor %}"],
        ],
    )


def with_a_bold_phrase(template: Path) -> None:
    document = docx.Document(str(template))
    phrase = find(document, "按照总结会要求").add_run("特此报告。")
    phrase.bold = True
    document.save(str(template))


@pytest.fixture(scope="module")
def resaved(template_bytes, tmp_path_factory) -> dict[str, Path]:
    """The sample's Word template edited two ways (a table of talks; a bold phrase), both
    re-saved in one real run of LibreOffice: its start is most of a re-save's time, and
    the two tests only read their template (each builds from a copy of its own)."""
    folder = tmp_path_factory.mktemp("resaved")
    made = {}
    for name, edit in (("表格.docx", with_a_table_of_talks), ("加粗.docx", with_a_bold_phrase)):
        path = folder / name
        path.write_bytes(template_bytes)
        edit(path)
        made[name] = path
    resave_in_libreoffice(*made.values(), tmp_path=folder)
    return made


def test_a_table_template_resaved_in_libreoffice_builds_the_same_table(resaved, tmp_path):
    template = tmp_path / DEFAULT_NAME
    shutil.copyfile(resaved["表格.docx"], template)
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    talks = stats_json()["talks"]
    assert tables_of(out)[0] == [["谈话类型", "人次"], *([k, str(v)] for k, v in talks.items())]


def test_a_row_deleted_under_tracked_changes_is_left_out(template, tmp_path):
    add_table(template, [["受理", "{{ clues }}件"], ["已删除的一行", "{{ clus }}"]])
    document = docx.Document(str(template))
    row = document.tables[0].rows[1]._tr
    deleted = OxmlElement("w:del")
    for name, value in (("w:id", "7"), ("w:author", "审核人"), ("w:date", "2022-07-01T00:00:00Z")):
        deleted.set(qn(name), value)
    row.get_or_add_trPr().append(deleted)
    document.save(str(template))
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    assert tables_of(out)[0] == [["受理", "86件"]]


def test_a_nested_table_is_an_error_naming_its_cell(template, tmp_path):
    add_table(template, [["受理", "{{ clues }}件"]])
    document = docx.Document(str(template))
    document.tables[0].cell(0, 1).add_table(rows=1, cols=1)
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert "模板.docx 表格1第1行第2列：单元格中又有一个表格（嵌套表格）" in result.output


@pytest.mark.parametrize(
    "rows, where, what",
    [
        (
            [["{% for name in talks %}{{ name }}", "{{ talks[name] }}"]],
            "表格1第1行第1列（「{% for name in t…」）",
            "这一格中的 {% for %} 没有在同一格内结束。要整行重复",
        ),
        (
            [["甲", "乙"], ["{% if clues > 0 %}{{ clues }}", "{% endif %}{{ clues }}"]],
            "表格1第2行第1列（「{% if clues > 0 …」）",
            "这一格中的 {% if %} 没有在同一格内结束",
        ),
        (
            [["受理", "{{ clues }}件{% endfor %}"]],
            "表格1第1行第2列（「{{ clues }}件{% e…」）",
            "这一格中的 {% for %} 没有在同一格内结束",
        ),
    ],
)
def test_a_badly_written_row_loop_names_its_table_row_and_cell(
    template, tmp_path, rows, where, what
):
    add_table(template, rows)

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert f"模板.docx {where}：{what}" in result.output


def test_a_misspelt_placeholder_in_a_cell_names_the_cell(template, tmp_path):
    add_table(template, [["受理", "{{ clus }}件"]])

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert "模板.docx 表格1第1行第2列（「{{ clus }}件」）：未定义的名称「clus」" in result.output


# --- what a Word template cannot hold: reported, never copied, run or dropped -------


def _paragraph_number(document, paragraph) -> int:
    return next(i for i, p in enumerate(document.paragraphs, 1) if p._p is paragraph._p)


def _merge_field(paragraph, simple: bool) -> None:
    """A mail-merge field «姓名» as Word writes it: w:fldSimple, or a complex field."""
    if simple:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " MERGEFIELD 姓名 ")
        run_ = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "«姓名»"
        run_.append(t)
        field.append(run_)
        paragraph._p.append(field)
        return
    for kind, text in (("begin", None), (None, " MERGEFIELD  姓名 "), ("separate", None)):
        run_ = OxmlElement("w:r")
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run_.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.text = text
            run_.append(instr)
        paragraph._p.append(run_)
    paragraph.add_run("«姓名»")
    end = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end.append(char)
    paragraph._p.append(end)


@pytest.mark.parametrize("simple", [True, False])
def test_a_mail_merge_field_is_an_error_naming_the_paragraph(template, tmp_path, simple):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    _merge_field(paragraph, simple)
    number = _paragraph_number(document, paragraph)
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert (
        f"模板.docx 第{number}段（「按照总结会要求，现将{{{{ org…」）：有邮件合并域「«姓名»」"
        in (result.output)
    )
    assert "请删除这个域" in result.output


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("｛｛ clues ｝｝", "｛｛"),
        ("{{ clues ｝｝", "｝｝"),
        ("{％ if clues %}", "{％"),
        ("{{ clues }｝", "}｝"),
    ],
)
def test_full_width_braces_are_an_error_saying_to_type_half_width(template, tmp_path, typed, shown):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    paragraph.add_run(f"本期受理线索{typed}件。")
    number = _paragraph_number(document, paragraph)
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert f"第{number}段（「按照总结会要求" in result.output
    assert (
        f"「{shown}」是全角括号或百分号（中文输入法输入的）：占位符和标记须用半角的 {{{{ }}}}"
        in result.output
    )


def test_full_width_braces_in_a_cell_name_the_cell(template, tmp_path):
    add_table(template, [["受理", "｛｛clues}}件"]])

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert "模板.docx 表格1第1行第2列（「｛｛clues}}件」）：「｛｛」是全角括号" in result.output


def test_hidden_text_is_an_error_naming_the_paragraph(template, tmp_path):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    paragraph.add_run("内部备注：不要外传").font.hidden = True
    number = _paragraph_number(document, paragraph)
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert (
        f"第{number}段（「按照总结会要求，现将{{{{ org…」）：有隐藏文字「内部备注：不要外传」"
        in (result.output)
    )
    assert "取消“隐藏”" in result.output


def test_custom_xml_is_an_error_naming_where(template, tmp_path):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    custom = OxmlElement("w:customXml")
    custom.set(qn("w:element"), "invoice")
    run_ = paragraph.runs[-1]._r
    run_.addprevious(custom)
    custom.append(run_)  # Word 2007's custom XML markup around a run
    number = _paragraph_number(document, paragraph)
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert f"模板.docx 第{number}段（「按照总结会要求" in result.output
    assert "有自定义 XML 标记（customXml" in result.output


def test_custom_xml_around_paragraphs_is_an_error_not_dropped(template, tmp_path):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    before = _paragraph_number(document, paragraph) - 1
    custom = OxmlElement("w:customXml")
    custom.set(qn("w:element"), "opening")
    paragraph._p.addprevious(custom)
    custom.append(paragraph._p)
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert f"模板.docx 第{before}段（「" in result.output
    assert "）之后：有自定义 XML 标记（customXml" in result.output


def test_an_alt_chunk_is_an_error_naming_where(template, tmp_path):
    document = docx.Document(str(template))
    paragraph = find(document, "按照总结会要求")
    number = _paragraph_number(document, paragraph)
    chunk = OxmlElement("w:altChunk")
    chunk.set(qn("r:id"), "rId999")
    paragraph._p.addnext(chunk)
    document.save(str(template))

    result = build(template, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert (
        f"模板.docx 第{number}段（「按照总结会要求，现将{{{{ org…」）之后：有一段嵌入的外部内容（altChunk"
        in (result.output)
    )


def test_a_hostile_template_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    from test_machine import bomb_docx

    monkeypatch.setattr(safety, "MAX_UNPACKED", 1024**2)
    bomb = bomb_docx(tmp_path / DEFAULT_NAME, inflates_to=2 * 1024**2)

    result = build(bomb, tmp_path / "汇报.docx")

    assert result.exit_code == 1
    assert "E121 模板.docx：文件解压后共 2 MB，超过上限 1 MB，可能是压缩炸弹" in result.output


def test_a_template_resaved_in_libreoffice_builds_the_same_draft(resaved, sample_j2, tmp_path):
    template = tmp_path / DEFAULT_NAME
    shutil.copyfile(resaved["加粗.docx"], template)
    out = tmp_path / "汇报.docx"

    result = build(template, out)

    assert result.exit_code == 0, result.output
    expected = [p + "特此报告。" if p.startswith("按照") else p for p in paragraphs(sample_j2)]
    assert paragraphs(out) == expected
    assert Draft.open(out).shown() == Draft.open(sample_j2).shown()
    bold = [r.text for p in docx.Document(str(out)).paragraphs for r in p.runs if r.bold]
    assert bold == [
        "特此报告。"
    ]  # LibreOffice's own run properties are not taken for the analyst's


# --- configuration ------------------------------------------------------------------


def test_word_template_wins_over_templates_with_a_note(template, tmp_path):
    data = tmp_path / "收文"
    shutil.copytree(SAMPLE, data)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "01.j2").write_text("只有这一句。\n", encoding="utf-8")
    config = data / "workreport.toml"
    own = config.read_text(encoding="utf-8").replace('templates = "templates"\n', "")
    config.write_text(
        own + f'templates = "../templates"\nword_template = "../{template.name}"\n',
        encoding="utf-8",
    )
    out = tmp_path / "汇报.docx"

    result = run("build", data, "-o", out)

    assert result.exit_code == 0, result.output
    assert (
        "W218 警告：同时设置了 word_template 和 templates：按 Word 模板 模板.docx 生成，"
        "文本模板文件夹 templates 未使用" in result.output
    )
    assert "只有这一句。" not in text_of(out) and "查办问题线索86件" in text_of(out)


def test_a_missing_word_template_is_a_usage_error(tmp_path):
    result = build(tmp_path / "没有.docx", tmp_path / "汇报.docx")
    assert result.exit_code == 2
    assert "Word 模板不存在" in result.output
