"""The Word writer (docs/rules.md, Word 稿件; issue 4): the .docx is read back with python-docx and its XML."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn

from workreport.config import StyleConfig
from workreport.draft import Draft, Stamp
from workreport.errors import OutputError, WorkreportError
from workreport.render.document import (
    BODY,
    HEADING1,
    HEADING2,
    HEADING3,
    Block,
    ReportDocument,
    Span,
    Table,
    Tag,
)
from workreport.render.docx import chinese_date, render_docx

STYLE = StyleConfig()
STAMP = Stamp(
    period="2022-01-01..2022-06-30",
    figures={"clues_total": 128, "forms_shares.第一种形态": 83.1},
    inputs={"一室.xlsx": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    written={Tag("clues_total"): ["128"], Tag("cases_filed"): ["45", "45"]},
    appendix="0" * 64,
)


def sample_document(paragraphs: int = 1) -> ReportDocument:
    """A heading, a body with a figure and a placeholder, run-in headings, an appendix."""
    filler = Block(
        BODY,
        (Span("坚持把监督挺在前面，综合运用监督执纪“四种形态”，推动全面从严治党向纵深发展，" * 3),),
    )
    blocks = (
        Block(HEADING1, (Span("一、上半年工作推进情况"),)),
        Block(
            BODY,
            (
                Span("上半年，全市纪检监察机关共受理问题线索"),
                Span("128", tag=Tag("clues_total")),
                Span("件，立案"),
                Span("45", tag=Tag("cases_filed")),
                Span("件，开展谈话"),
                Span("【待补充：谈话人次】", tag=Tag("talks_total"), missing=True),
                Span("。"),
            ),
        ),
        Block(
            BODY,
            (
                Span("对"),
                Span("12", tag=Tag("cases_filed_level")),
                Span("名干部作出处理。"),
            ),
            lead=(Span("（一）持续强化政治监督。"),),
            lead_kind=HEADING2,
        ),
        Block(HEADING2, (Span("（二）监督工作的精准度有待提高"),)),
        Block(
            BODY,
            (Span("问题线索处置还不够及时。"),),
            lead=(Span("1. 处置效率。"),),
            lead_kind=HEADING3,
        ),
        Block(HEADING3, (Span("2. 审理质效"),)),
        *([filler] * paragraphs),
        Block(HEADING1, (Span("二、下步工作打算"),)),
        Block(
            BODY,
            (Span("立案"), Span("45", tag=Tag("cases_filed")), Span("件的案件全部按期审结。")),
        ),
    )
    appendix = Table(
        title="各单位主要指标统计表",
        header=(
            "填报单位",
            "线索",
            "立案",
            "结案",
            "党纪政务处分",
            "第一种形态",
            "第二种形态",
            "第三种形态",
            "第四种形态",
            "谈话",
            "文书",
        ),
        rows=(
            ("第一纪检监察室", "60", "20", "18", "15", "30", "10", "4", "1", "40", "5"),
            ("第二纪检监察室", "68", "25", "21", "19", "35", "12", "6", "2", "52", "7"),
            ("合计", "128", "45", "39", "34", "65", "22", "10", "3", "92", "12"),
        ),
        note="注：数据截至2022年6月30日。",
    )
    return ReportDocument(
        title="重点工作推进情况和下步工作打算",
        blocks=blocks,
        organisation="xx市纪委监委",
        date=date(2022, 7, 5),
        appendix=appendix,
    )


@pytest.fixture
def docx_path(tmp_path):
    """The sample document as a draft: figures and appendix marked, the stamp recorded."""
    path = tmp_path / "report.docx"
    Draft.create(sample_document(), STAMP, STYLE).save(path)
    return path


def _xml(path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def _east_asia(run) -> str | None:
    fonts = run._r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def shown(paragraph) -> str:
    """A paragraph's text as Word shows it, content controls included."""
    return "".join(t.text or "" for t in paragraph._p.iter(qn("w:t")))


def _paragraph(document, text: str):
    return next(p for p in document.paragraphs if shown(p).startswith(text))


def test_page_is_a4_with_gbt9704_margins(docx_path):
    section = docx.Document(docx_path).sections[0]

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    page = section._sectPr.find(qn("w:pgSz"))
    assert (page.get(qn("w:w")), page.get(qn("w:h"))) == ("11906", "16838")  # Word's own A4
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin)] == [37, 35]
    assert [round(m.mm) for m in (section.left_margin, section.right_margin)] == [28, 26]


def test_title_headings_and_body_carry_east_asian_fonts(docx_path):
    document = docx.Document(docx_path)

    title = document.paragraphs[0]
    assert title.text == "重点工作推进情况和下步工作打算"
    assert {_east_asia(r) for r in title.runs} == {"方正小标宋简体"}
    assert title.style.font.size.pt == 22
    heading = _paragraph(document, "一、上半年工作推进情况")
    assert {_east_asia(r) for r in heading.runs} == {"黑体"}
    body = _paragraph(document, "上半年")
    assert {_east_asia(r) for r in body.runs} == {"仿宋_GB2312"}
    assert {r.font.name for r in body.runs} == {"Times New Roman"}  # w:ascii, for the figures


def test_run_in_headings_use_kaiti_and_bold_fangsong(docx_path):
    document = docx.Document(docx_path)

    lead2 = _paragraph(document, "（一）持续强化政治监督。")
    assert [(r.text, _east_asia(r)) for r in lead2.runs][:1] == [
        ("（一）持续强化政治监督。", "楷体_GB2312")
    ]
    assert _east_asia(lead2.runs[-1]) == "仿宋_GB2312"
    lead3 = _paragraph(document, "1. 处置效率。")
    assert (lead3.runs[0].bold, _east_asia(lead3.runs[0])) == (True, "仿宋_GB2312")
    assert lead3.runs[-1].bold is None


def test_heading_texts_and_styles(docx_path):
    document = docx.Document(docx_path)
    styles = {
        shown(p): p.style.name for p in document.paragraphs if p.style.name.startswith("公文")
    }

    assert styles == {
        "重点工作推进情况和下步工作打算": "公文标题",
        "一、上半年工作推进情况": "公文一级标题",
        "（二）监督工作的精准度有待提高": "公文二级标题",
        "2. 审理质效": "公文三级标题",
        "二、下步工作打算": "公文一级标题",
        "xx市纪委监委": "公文落款",
        "2022年7月5日": "公文落款",
        "各单位主要指标统计表": "公文标题",
    }


def test_body_is_sanhao_with_exact_line_spacing_and_two_character_indent(docx_path):
    styles = _xml(docx_path, "word/styles.xml")
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group()

    assert '<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/>' in normal
    assert 'w:firstLineChars="200" w:firstLine="640"' in normal
    assert 'w:eastAsia="仿宋_GB2312"' in normal
    assert '<w:sz w:val="32"/>' in normal


def test_no_theme_fonts_or_japanese_left(docx_path):
    for part in ("word/styles.xml", "word/settings.xml", "word/fontTable.xml"):
        xml = _xml(docx_path, part)
        assert "ja-JP" not in xml, part
        assert not re.search(r"w:(asciiTheme|eastAsiaTheme|hAnsiTheme|cstheme)=", xml), part
    assert 'w:eastAsia="zh-CN"' in _xml(docx_path, "word/styles.xml")
    assert "stylesWithEffects" not in _xml(docx_path, "[Content_Types].xml")


def test_page_numbers_are_page_fields_in_odd_and_even_footers(docx_path):
    document = docx.Document(docx_path)
    section = document.sections[0]

    assert document.settings.odd_and_even_pages_header_footer
    for footer, jc, indent in (
        (section.footer, "right", "w:rightChars"),
        (section.even_page_footer, "left", "w:leftChars"),
    ):
        p = footer.paragraphs[0]._p
        instr = "".join(t.text for t in p.iter(qn("w:instrText")))
        kinds = [f.get(qn("w:fldCharType")) for f in p.iter(qn("w:fldChar"))]
        assert instr.strip() == "PAGE"
        assert kinds == ["begin", "separate", "end"]
        assert re.fullmatch(r"— 1 —", footer.paragraphs[0].text)  # 1: the field's cached value
        assert p.pPr.find(qn("w:jc")).get(qn("w:val")) == jc
        assert p.pPr.find(qn("w:ind")).get(qn(indent)) == "100"
        assert {_east_asia(r) for r in footer.paragraphs[0].runs} == {"宋体"}


def test_figures_are_content_controls_tagged_with_their_id(docx_path):
    body = docx.Document(docx_path).element.body
    sdts = list(body.iter(qn("w:sdt")))
    tags = [s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) for s in sdts]
    aliases = [s.find(f"{qn('w:sdtPr')}/{qn('w:alias')}").get(qn("w:val")) for s in sdts]
    ids = [s.find(f"{qn('w:sdtPr')}/{qn('w:id')}").get(qn("w:val")) for s in sdts]

    figures = ["clues_total", "cases_filed", "talks_total", "cases_filed_level", "cases_filed"]
    assert tags == [*figures, "date:signed"]  # the 成文日期 is tagged too
    assert aliases == tags
    assert len(set(ids)) == len(ids) and all(i.isdigit() for i in ids)
    assert not list(body.iter(qn("w:showingPlcHdr")))


def test_a_draft_shows_each_tag_in_document_order(docx_path):
    shown = Draft.open(docx_path).shown()

    assert shown == {
        Tag("clues_total"): ["128"],
        Tag("cases_filed"): ["45", "45"],
        Tag("talks_total"): ["【待补充：谈话人次】"],
        Tag("cases_filed_level"): ["12"],
        Tag("signed", kind="date"): ["2022年7月5日"],
    }


def test_a_tag_with_a_phrasing_is_stored_apart_from_the_plain_one(tmp_path):
    doc = sample_document()
    block = Block(BODY, (Span("450余", tag=Tag("talks", "approx")), Span("453", tag=Tag("talks"))))
    path = tmp_path / "d.docx"
    Draft.create(replace(doc, blocks=(block,)), STAMP, STYLE).save(path)

    shown = Draft.open(path).shown()
    assert {t: v for t, v in shown.items() if t.kind == "figure"} == {
        Tag("talks", "approx"): ["450余"],
        Tag("talks"): ["453"],
    }


def test_missing_figure_is_highlighted(docx_path):
    body = _paragraph(docx.Document(docx_path), "上半年")
    highlighted = [
        r.text
        for r in body._p.iter(qn("w:r"))
        if r.find(f"{qn('w:rPr')}/{qn('w:highlight')}") is not None
    ]

    assert highlighted == ["【待补充：谈话人次】"]
    assert body._p.find(f".//{qn('w:highlight')}").get(qn("w:val")) == "yellow"


def test_the_stamp_round_trips_through_the_file(docx_path):
    stamp = Draft.open(docx_path).stamp

    assert re.fullmatch("[0-9a-f]{64}", stamp.fingerprint)
    assert replace(stamp, fingerprint="") == STAMP
    assert not Draft.open(docx_path).edited
    types = _xml(docx_path, "[Content_Types].xml")
    assert (
        '<Override PartName="/docProps/custom.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
    ) in types
    assert "relationships/custom-properties" in _xml(docx_path, "_rels/.rels")


def test_a_document_without_a_stamp_is_not_a_draft(tmp_path):
    doc = sample_document()
    path = tmp_path / "plain.docx"
    path.write_bytes(render_docx(doc, STYLE))

    with pytest.raises(OutputError) as e:
        Draft.open(path, purpose="，无法刷新")
    assert str(e.value) == "plain.docx 不是 workreport 生成的稿件（没有嵌入的指标信息），无法刷新。"


def test_core_properties(docx_path):
    core = docx.Document(docx_path).core_properties

    assert (core.title, core.language) == ("重点工作推进情况和下步工作打算", "zh-CN")


def test_appendix_table_repeats_its_header_and_ends_with_the_total_row(docx_path):
    document = docx.Document(docx_path)
    (table,) = document.tables
    header, *_, total = table.rows

    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells][:3] == ["填报单位", "线索", "立案"]
    assert tuple(c.text for c in total.cells) == sample_document().appendix.rows[-1]
    assert all(r.bold for c in total.cells for r in c.paragraphs[0].runs)
    assert all(r.bold for c in header.cells for r in c.paragraphs[0].runs)
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(widths) == round(156 * 1440 / 25.4)  # the text width
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"} and len(borders) == 6
    # 附件说明 after the 正文, the appendix page headed 附件 (GB/T 9704 §7.3.4, §7.3.7)
    assert _paragraph(document, "附件：").text == "附件：各单位主要指标统计表"
    label = next(p for p in document.paragraphs if shown(p) == "附件")
    assert (
        label.paragraph_format.page_break_before or label.style.paragraph_format.page_break_before
    )
    assert _paragraph(document, "注：").text == "注：数据截至2022年6月30日。"


def test_closing_follows_the_body_organisation_above_the_date(docx_path):
    texts = [shown(p) for p in docx.Document(docx_path).paragraphs]
    org = texts.index("xx市纪委监委")

    # 正文下空一行 附件说明, 附件说明下空一行 署名 (GB/T 9704 §7.3.4, §7.3.5.2)
    assert texts[org - 3 : org] == ["", "附件：各单位主要指标统计表", ""]
    assert texts[org - 4].startswith("立案")
    assert texts[org + 1] == "2022年7月5日"


def test_closing_date_starts_two_characters_right_of_the_organisation(docx_path):
    document = docx.Document(docx_path)
    org, day = _paragraph(document, "xx市纪委监委"), _paragraph(document, "2022年7月5日")
    right = [int(p._p.pPr.find(qn("w:ind")).get(qn("w:rightChars"))) for p in (org, day)]

    # Both are 6 characters wide (half-width figures), so the date keeps 2 characters
    # to the margin and the organisation moves 2 characters further left.
    assert right == [400, 200]
    assert org.style.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_chinese_date_has_no_leading_zeros():
    assert chinese_date(date(2022, 7, 5)) == "2022年7月5日"
    assert chinese_date(date(2022, 12, 31)) == "2022年12月31日"


def test_unreadable_file_is_a_workreport_error(tmp_path):
    path = tmp_path / "not.docx"
    path.write_text("not a zip", encoding="utf-8")

    with pytest.raises(WorkreportError) as e:
        Draft.open(path)
    assert "不是有效的 Word 文档" in str(e.value)


def test_control_characters_from_cells_are_dropped():
    doc = sample_document()
    bad = Block(BODY, (Span("含\x0b控制\x01字符"),))
    data = render_docx(ReportDocument(doc.title, (bad,), doc.organisation, doc.date), STYLE)

    assert "含控制字符" in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_docx_converts_to_a4_pdf(tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(render_docx(sample_document(paragraphs=12), STYLE))
    env = {**os.environ, "HOME": str(tmp_path / "home")}

    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout

    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3
    for words in (
        "重点工作推进情况和下步工作打算",
        "一、上半年工作推进情况",
        "128",
        "2022年7月5日",
        "各单位主要指标统计表",
    ):
        assert words in text.replace(" ", "")
    assert re.search(r"—\s*2\s*—", text)  # the PAGE field, evaluated
    # GB/T 9704 §5.2.3: 28 characters to a full line of body text
    assert max(len(line.strip()) for line in text.splitlines() if "监督执纪" in line) == 28


def test_a_ragged_table_row_is_a_programming_error():
    doc = sample_document()
    ragged = Table("表", ("单位", "线索"), (("一室",), ("合计", "3")))

    with pytest.raises(ValueError) as e:
        render_docx(
            ReportDocument(doc.title, doc.blocks, doc.organisation, doc.date, ragged), STYLE
        )
    assert str(e.value) == "table row 1 has 1 cells, the header 2"
