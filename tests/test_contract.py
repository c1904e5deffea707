"""The rules of docs/figures.md and docs/drafts.md on hand-made ledgers: figures of only
some units, the signing date, the placeholders `check` looks for.  Every expected value is worked out by hand in the test."""

from __future__ import annotations

import json
import shutil
from datetime import date

import docx
from docx.oxml import parse_xml

from conftest import SAMPLE, W, run, text_of, write_workbook
from workreport.check import check_draft
from workreport.figures import points_phrase, yoy_phrase
from workreport.refresh import refresh_draft
from workreport.report import build_report

CLUES = ("线索编号", "受理日期", "线索来源", "被反映人", "处置方式", "立案日期", "结案日期")
MEASURES = ("姓名", "线索编号", "处理日期", "形态", "处理方式")
TOML = '[report]\norganisation = "江城县纪委监委"\ndate = 2022-07-05\npreset = "通报"\n'


def sheet(columns, rows: list[dict]) -> list[list]:
    return [list(columns), *([r.get(c) for c in columns] for r in rows)]


def clue(cid, received, **cells) -> dict:
    return {
        "线索编号": cid,
        "受理日期": received,
        "线索来源": "信访举报",
        "被反映人": "某甲",
        **cells,
    }


def ledgers(folder, *, second_reports: bool = False):
    """甲 reports 处置日期 (A1 初步核实 on 2022-01-09, A2 谈话函询 on 2022-02-01); 乙 sends
    its 问题线索 sheet (B1) without that column, unless ``second_reports`` (B1 予以了结 on
    2022-03-01)."""
    first = [
        clue("A1", date(2022, 1, 3), 处置方式="初步核实", 处置日期=date(2022, 1, 9)),
        clue("A2", date(2022, 1, 4), 处置方式="谈话函询", 处置日期=date(2022, 2, 1)),
    ]
    write_workbook(
        folder / "甲.xlsx", {"问题线索": sheet((*CLUES, "处置日期"), first)}, headers=False
    )
    if second_reports:
        row = clue("B1", date(2022, 1, 5), 处置方式="予以了结", 处置日期=date(2022, 3, 1))
        rows = sheet((*CLUES, "处置日期"), [row])
    else:
        rows = sheet(CLUES, [clue("B1", date(2022, 1, 5))])
    write_workbook(folder / "乙.xlsx", {"问题线索": rows}, headers=False)


def project(tmp_path, toml: str = TOML, **kw):
    (tmp_path / "workreport.toml").write_text(toml, encoding="utf-8")
    ledgers(tmp_path / "in", **kw)
    return tmp_path / "in", tmp_path / "workreport.toml"


def highlighted(path) -> dict[str, str]:
    """Each figure tag → its text, for the figures Word shows highlighted (the
    【待补充】 placeholders of missing figures left out)."""
    found = {}
    for sdt in docx.Document(str(path)).element.body.iter(f"{W}sdt"):
        runs = list(sdt.iter(f"{W}r"))
        text = "".join(t.text or "" for t in sdt.iter(f"{W}t"))
        if any(r.find(f"{W}rPr/{W}highlight") is not None for r in runs) and "【" not in text:
            found[sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val")] = text
    return found


def partial_codes(path) -> list[str]:
    """The codes check gives a draft (read alone) for its figures of only some units."""
    return [f.code for f in check_draft(path).findings if f.code in ("C307", "C325")]


def findings(result, code: str) -> list[tuple[str, str]]:
    return [(f.place, f.message) for f in result.findings if f.code == code]


# ---- partial figures -------------------------------------------------------------------

C307_DISPOSED = (
    "指标 clues_disposed（处置问题线索）",
    "只统计了部分单位，未报送：乙（补报后 refresh，或在 workreport.toml 的 [figures] partial_ok 中接受）",
)
C307_BY_METHOD = (
    "指标 clues_disposed_by_method（按处置方式处置问题线索）",
    "只统计了部分单位，未报送：乙（补报后 refresh，或在 workreport.toml 的 [figures] partial_ok 中接受）",
)


def test_a_partial_figure_is_highlighted_must_be_fixed_and_stops_final(tmp_path):
    folder, toml = project(tmp_path)
    result = build_report([folder], tmp_path / "通报.docx", period="2022H1", config=toml)

    # only 甲 reports 处置日期: A1 and A2 are disposed of, 1 初步核实 and 1 谈话函询
    # the 通报 names 谈话函询 alone among the methods (docs/templates.md, 模板集)
    assert highlighted(result.output) == {
        "clues_disposed": "2",
        "clues_disposed_by_method.谈话函询": "1",
    }
    assert [i.message for i in result.issues if i.code == "W230"] == [
        "「处置日期」列只有 1 个单位报送，处置问题线索、按处置方式处置问题线索只统计了这些单位；"
        "未报送的单位：乙"
    ]
    # from the draft alone, as final reads it
    checked = check_draft(result.output)
    assert findings(checked, "C307") == [C307_DISPOSED, C307_BY_METHOD]
    assert [f.code for f in checked.must_fix] == ["C307", "C307"]
    printed = run("check", result.output, "--format", "json")
    assert printed.exit_code == 1
    assert [
        (f["code"], f["place"], f["message"]) for f in json.loads(printed.output)["must_fix"]
    ] == [
        ("C307", *C307_DISPOSED),
        ("C307", *C307_BY_METHOD),
    ]
    sent = tmp_path / "报送稿.docx"
    refused = run("final", result.output, "-o", sent)
    assert refused.exit_code == 1 and "C307" in refused.output
    assert not sent.exists()
    # with the ledgers, from them
    assert findings(check_draft(result.output, [folder], config=toml), "C307") == [
        C307_DISPOSED,
        C307_BY_METHOD,
    ]


def test_an_accepted_partial_figure_is_printed_plainly_and_only_worth_a_look(tmp_path):
    accept = '[figures]\npartial_ok = ["clues_disposed", "clues_disposed_by_method"]\n'
    folder, toml = project(tmp_path, TOML + accept)
    result = build_report([folder], tmp_path / "通报.docx", period="2022H1", config=toml)

    assert highlighted(result.output) == {}
    checked = check_draft(result.output)
    assert checked.must_fix == []
    assert [(f.code, f.place) for f in checked.warnings if f.code == "C325"] == [
        ("C325", "指标 clues_disposed（处置问题线索）"),
        ("C325", "指标 clues_disposed_by_method（按处置方式处置问题线索）"),
    ]
    assert (
        findings(checked, "C325")[0][1]
        == "只统计了部分单位（已在 [figures] partial_ok 中接受），未报送：乙"
    )
    assert run("final", result.output, "-o", tmp_path / "报送稿.docx").exit_code == 0


def test_an_unknown_figure_in_partial_ok_is_refused(tmp_path):
    folder, toml = project(tmp_path, TOML + '[figures]\npartial_ok = ["clues"]\n')
    result = run("build", folder, "--config", toml, "-p", "2022H1", "-o", tmp_path / "x.docx")
    assert result.exit_code == 2
    assert "[figures] partial_ok 中的 clues 不是可由部分单位报送的指标" in result.output


def test_refresh_unhighlights_a_figure_made_complete_or_accepted(tmp_path):
    folder, toml = project(tmp_path)
    draft = build_report([folder], tmp_path / "通报.docx", period="2022H1", config=toml).output
    assert "clues_disposed" in highlighted(draft)

    # accepted: the same text, printed plainly, and the draft records it
    toml.write_text(TOML + '[figures]\npartial_ok = ["clues_disposed"]\n', encoding="utf-8")
    refresh_draft(draft, [folder], config=toml)
    assert highlighted(draft) == {"clues_disposed_by_method.谈话函询": "1"}
    assert partial_codes(draft) == ["C307", "C325"]

    # 乙 now reports the column (B1 予以了结): 3 disposed, nothing partial
    ledgers(folder, second_reports=True)
    refreshed = refresh_draft(draft, [folder], config=toml)
    assert highlighted(draft) == {}
    assert [i for i in refreshed.issues if i.code == "W230"] == []
    assert partial_codes(draft) == []

    # and back: 乙's column gone again, the figure partial and not accepted any more
    toml.write_text(TOML, encoding="utf-8")
    ledgers(folder)
    refresh_draft(draft, [folder], config=toml)
    assert highlighted(draft)["clues_disposed"] == "2"


def test_w230_names_only_the_partial_figures_the_draft_shows(tmp_path):
    folder, toml = project(tmp_path, TOML.replace('preset = "通报"\n', ""))
    result = build_report([folder], tmp_path / "汇报.docx", period="2022H1", config=toml)
    # the 汇报 prints no 处置问题线索: no W230, nothing highlighted, nothing to check
    assert [i for i in result.issues if i.code == "W230"] == []
    assert highlighted(result.output) == {}
    assert partial_codes(result.output) == []
    # stats lists every partial figure
    stats = run("stats", folder, "--config", toml, "-p", "2022H1")
    assert "W230" in stats.output and "未报送的单位：乙" in stats.output


def test_a_blank_rank_is_a_warning_never_a_sentence(tmp_path):
    folder = tmp_path / "in"
    (tmp_path / "workreport.toml").write_text(TOML, encoding="utf-8")
    filed = {"立案日期": date(2022, 1, 20)}
    rows = [clue("C1", date(2022, 1, 3), **filed), clue("C2", date(2022, 1, 4), **filed)]
    measures = [
        dict(
            zip(MEASURES, ("甲某", "C1", date(2022, 3, 1), "第二种形态", "党纪警告"), strict=True)
        ),
        dict(zip(MEASURES, ("乙某", "C2", date(2022, 3, 2), "第二种形态", "记过"), strict=True)),
    ]
    measures[0]["职级"] = "乡科级"  # 乙某's 职级 is blank: 未填
    write_workbook(
        folder / "案管室.xlsx",
        {"问题线索": sheet(CLUES, rows), "处分处理": sheet((*MEASURES, "职级"), measures)},
        headers=False,
    )
    result = build_report(
        [folder], tmp_path / "通报.docx", period="2022H1", config=tmp_path / "workreport.toml"
    )
    text = text_of(result.output)
    # 2 sanctioned, 1 乡科级 and 1 未填: the draft says the one, the warning the other
    assert "处分2人" in text and "处分乡科级干部1人" in text
    assert "未填" not in text
    assert [i.message for i in result.issues if i.code == "W233"] == [
        "处分人员中有 1 人未填职级，稿中按职级列出的人数之和小于处分人数"
    ]


# ---- dates -------------------------------------------------------------------------------


def test_a_signing_date_before_the_period_ends_must_be_fixed(tmp_path):
    folder, toml = project(tmp_path)
    result = build_report(
        [folder], tmp_path / "通报.docx", period="2022H1", config=toml, signed="2022-06-01"
    )
    assert [i.code for i in result.issues if i.code in ("W210", "W219")] == ["W210"]
    checked = check_draft(result.output)
    assert findings(checked, "C308") == [
        ("落款", "落款日期 2022-06-01 早于统计期间结束日 2022-06-30")
    ]
    assert "C308" in {f.code for f in checked.must_fix}


def test_a_signing_date_long_after_the_period_is_a_forgotten_date(tmp_path):
    folder, toml = project(tmp_path)
    # 2022-06-30 + 92 days = 2022-09-30 (31 + 31 + 30): still a quarter's report
    on_time = build_report(
        [folder], tmp_path / "a.docx", period="2022H1", config=toml, signed="2022-09-30"
    )
    assert [i for i in on_time.issues if i.code == "W219"] == []
    late = build_report(
        [folder], tmp_path / "b.docx", period="2022H1", config=toml, signed="2022-10-08"
    )
    assert [i.message for i in late.issues if i.code == "W219"] == [
        "成文日期 2022-10-08 比统计期间的结束日 2022-06-30 晚 100 天，是否忘了写成文日期？"
        "请用 --date 或 workreport.toml 的 [report] date 写明成文日期"
    ]


def test_yoy_over_a_whole_year_compares_with_last_year():
    assert yoy_phrase(5, 5, whole_year=True) == "与上年持平"
    assert yoy_phrase(5, 0, whole_year=True) == "上年为零"
    assert yoy_phrase(6, 4, whole_year=True) == "同比增长50.0%"
    assert points_phrase(40.0, 40.0, whole_year=True) == "与上年持平"
    assert yoy_phrase(5, 5) == "与上年同期持平"  # a part of the year keeps 上年同期


def test_the_bulletin_of_a_whole_year_says_the_same_as_last_year(tmp_path):
    folder = tmp_path / "in"
    # the 通报 states 同比 only when asked (docs/templates.md, 模板集)
    (tmp_path / "workreport.toml").write_text(
        TOML.replace("2022-07-05", "2023-01-10") + "yoy = true\n", encoding="utf-8"
    )
    # 2 clues filed in 2022 and 2 in 2021
    rows = [
        clue(f"C{year}{n}", date(year, 3, n), 立案日期=date(year, 4, n))
        for year in (2021, 2022)
        for n in (1, 2)
    ]
    write_workbook(folder / "信访室.xlsx", {"问题线索": sheet(CLUES, rows)}, headers=False)
    result = build_report(
        [folder], tmp_path / "通报.docx", period="2022", config=tmp_path / "workreport.toml"
    )
    text = text_of(result.output)
    assert "共立案2件，与上年持平" in text


# ---- placeholders --------------------------------------------------------------------------


def named_draft(tmp_path):
    """A 汇报 draft of the hand-made ledgers, organisation filled in: its 谈话, 文书 and
    活动 figures are missing (no such sheets), so its body holds 【待补充】 placeholders."""
    folder, toml = project(tmp_path, TOML.replace('preset = "通报"\n', ""))
    return build_report([folder], tmp_path / "汇报.docx", period="2022H1", config=toml).output


def test_placeholders_are_looked_for_in_what_the_draft_shows_only(tmp_path):
    draft = named_draft(tmp_path)
    assert check_draft(draft).findings and findings(check_draft(draft), "C301")

    # every placeholder in the body filled by hand: the tool's own properties, which
    # still record the 【待补充】 it wrote, are no placeholder
    document = docx.Document(str(draft))
    for t in document.element.body.iter(f"{W}t"):
        if t.text and "【待补充" in t.text:
            t.text = "3"
        elif t.text and "【请填写" in t.text:  # the default templates' prompts, written over
            t.text = "（分析人员所写）"
    document.save(str(draft))
    assert findings(check_draft(draft), "C301") == []

    # text deleted under a tracked change is not shown; a header, a footer and a text box are
    body = document.paragraphs[2]._p
    body.append(
        parse_xml(
            f'<w:del xmlns:w="{W[1:-1]}" w:id="91" w:author="审稿人">'
            "<w:r><w:delText>【待补充：典型案例】</w:delText></w:r></w:del>"
        )
    )
    document.sections[0].header.paragraphs[0].add_run("【请填写：密级】")
    document.sections[0].footer.paragraphs[0].add_run("【待补充：联系人】")
    box = parse_xml(
        f'<w:r xmlns:w="{W[1:-1]}" xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
        "<v:textbox><w:txbxContent><w:p><w:r><w:t>【待补充：图注】</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    document.paragraphs[3]._p.append(box)
    document.save(str(draft))

    checked = check_draft(draft)
    assert findings(checked, "C301") == [
        # the text box in 正文第3段 (一、重点工作推进情况) is a paragraph of its own, after it
        ("正文第4段", "【待补充】占位未补"),
        ("页脚第1段", "【待补充】占位未补"),  # the package's parts in their own order
        ("页眉第1段", "【请填写】占位未补"),
    ]


def test_the_organisation_placeholder_must_be_filled(tmp_path):
    draft = named_draft(tmp_path)
    document = docx.Document(str(draft))
    document.sections[0].header.paragraphs[0].add_run("某某区纪委监委办公室")
    document.paragraphs[2].add_run("XX县纪委监委、江城县纪委监委")  # 正文第2段 (0: title, 1: blank)
    document.save(str(draft))
    assert findings(check_draft(draft), "C309") == [
        ("正文第2段", "单位名称仍是占位的「XX县纪委监委」"),
        ("页眉第1段", "单位名称仍是占位的「某某区纪委监委」"),
    ]


def test_the_samples_draft_keeps_its_placeholder_organisation_and_final_refuses(tmp_path):
    data = tmp_path / "样例"
    shutil.copytree(SAMPLE, data)
    draft = tmp_path / "汇报.docx"
    assert run("build", data, "-o", draft).exit_code == 0
    result = run("check", draft, data, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)
    # the opening, 二、's first sentence and the closing (落款) name «xx市纪委监委»
    assert [(f["code"], f["place"]) for f in found["must_fix"]] == [
        ("C309", "正文第2段"),
        ("C309", "正文第4段"),
        ("C309", "正文第19段"),  # after the 附件说明
    ]
    refused = run("final", draft, "-o", tmp_path / "报送稿.docx")
    assert refused.exit_code == 1 and "C309" in refused.output
