"""A :class:`ReportDocument` as a GB/T 9704-2012 Word document (docs/rules.md, Word 稿件).

python-docx gives the package, the section and the footers; paragraphs, runs,
content controls and the appendix table are built as WordprocessingML directly,
because the East Asian font slot (``w:eastAsia``), character-based indents and
content controls have no python-docx API.  Everything a reader sees is set both
on the styles and on the runs, so a paragraph pasted into another document
keeps its fonts.

What must be found again later (each printed figure, the appendix table) is
handed to a :class:`Marks` object while the document is built: the draft
(:mod:`workreport.draft`) decides how it is marked in the file.
"""

from __future__ import annotations

import copy
import io
import math
import re
from datetime import datetime, time
from functools import cache, partial
from typing import Protocol

from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from ..config import StyleConfig
from ..measure import ems
from ..period import chinese_date  # noqa: F401 - the 成文日期 form, re-exported for callers
from .document import (
    BODY,
    CHART,
    HEADING1,
    HEADING2,
    HEADING3,
    TABLE,
    Block,
    ReportDocument,
    Span,
    Table,
    Tag,
)

# Page and type, GB/T 9704-2012 §5.2: A4, a 156 × 225 mm text block of
# 22 lines × 28 characters in 三号 (16 pt).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
FOOTER_DISTANCE_MM = 25  # puts the 一字线 about 7 mm below the text block (§7.5)
BODY_PT, TITLE_PT, PAGE_NUMBER_PT = 16, 22, 14  # 三号, 二号, 四号
LINE_TWIPS = 579  # exactly 28.95 pt: 22 lines fill the 225 mm text block
CHARS_PER_LINE = 28
ROW_TWIPS = 397  # table rows at least 7 mm high
TABLE_MARGIN_TWIPS = 28  # 0.5 mm cell padding: 11 columns of 五号 still fit 3 characters

_TWIPS_PER_MM = 1440 / 25.4
_TEXT_WIDTH_TWIPS = round(TEXT_WIDTH_MM * _TWIPS_PER_MM)
# 28 三号 characters are 448 pt, the text block 442 pt: condense each character by a
# quarter point (w:spacing is in twentieths of a point) so a line holds 28.  Word's
# character grid (docGrid linesAndChars) would do the same, but LibreOffice gives
# every character wider than the grid pitch two grid cells, 14 to a line.
_CONDENSE = math.floor((TEXT_WIDTH_MM * 72 / 25.4 / CHARS_PER_LINE - BODY_PT) * 20)

# Our paragraph styles; ids stay ASCII, Word shows the Chinese names.
TITLE, H1, H2, H3 = "GwTitle", "GwHeading1", "GwHeading2", "GwHeading3"
SIGNATURE, PAGE_NUMBER = "GwSignature", "GwPageNumber"
APPENDIX_LABEL, TABLE_TEXT, TABLE_NOTE = "GwAppendixLabel", "GwTableText", "GwTableNote"
SUBTITLE = "GwSubtitle"
_BLOCK_STYLE = {BODY: None, HEADING1: H1, HEADING2: H2, HEADING3: H3}

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
# Older names of the 公文 fonts, for Word's substitution on machines without them.
_ALT_FONT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Marks(Protocol):
    """Marks what a later ``refresh`` must find again (implemented by the draft)."""

    def figure(self, run, tag: Tag):
        """The element to put in the paragraph for ``run``, which shows ``tag``."""

    def appendix(self, table) -> None:
        """Name the appendix table (its ``w:tbl``, every row in place)."""


def build_document(doc: ReportDocument, style: StyleConfig, marks: Marks | None = None):
    """The report as a python-docx Document: page, styles, text, closing, appendix."""
    document = styled_document(style, table_pt=_table_pt(doc.appendix))
    writer = _Writer(document.element.body, style, marks, document.part)
    title = title_lines(doc.title, _TEXT_WIDTH_TWIPS / (TITLE_PT * 20))
    writer.paragraph(TITLE, writer.runs((Span("\n".join(title)),), style.title_font))
    writer.paragraph(None)  # 公文 leave one blank line under the title
    for block in doc.blocks:
        writer.block(block)
    if doc.appendix is not None:
        writer.attachment_note(doc.appendix)
    writer.closing(doc.organisation, doc.signed)
    if doc.appendix is not None:
        writer.appendix(doc.appendix)
    _set_properties(document, doc)
    return document


def styled_document(style: StyleConfig, table_pt: float = 12):
    """An empty document with the report's page, styles and page numbers."""
    document = Document()
    _clean_template(document, style)
    _add_styles(document, style, table_pt=table_pt)
    _set_up_page(document, style)
    return document


def render_docx(doc: ReportDocument, style: StyleConfig, marks: Marks | None = None) -> bytes:
    """The report as .docx bytes."""
    out = io.BytesIO()
    build_document(doc, style, marks).save(out)
    return out.getvalue()


class _Writer:
    """Appends paragraphs to the body; hands figures and the appendix to ``marks``."""

    def __init__(self, body, style: StyleConfig, marks: Marks | None = None, part=None):
        self.body = body
        self.styles = part.styles.element if part is not None else None
        self.style = style
        self.marks = marks
        self.part = part  # the document part, which a chart's part is related to
        self.shapes = 0

    def paragraph(self, style_id: str | None, runs=(), **ppr) -> None:
        ppr_el = _ppr(style_id, **ppr)
        self._append(_el("w:p", ppr_el if len(ppr_el) else None, *runs))

    def _append(self, element) -> None:
        """Add to the end of the body, before the section properties."""
        sect = self.body.find(qn("w:sectPr"))
        if sect is None:
            self.body.append(element)
        else:
            sect.addprevious(element)

    def block(self, block: Block) -> None:
        if block.kind == CHART:
            self.chart(block)
            return
        if block.kind == TABLE:
            self._append(self.body_table(block))
            return
        if block.kind not in _BLOCK_STYLE:
            raise ValueError(f"unknown block kind {block.kind!r}")
        font, bold = self._voice(block.kind)
        runs = []
        if block.lead:
            runs += self.runs(block.lead, *self._voice(block.lead_kind))
        runs += self.runs(block.spans, font, bold)
        self.paragraph(_BLOCK_STYLE[block.kind], runs)

    def chart(self, block: Block) -> None:
        """A native chart, centred, its caption beneath it (图1 …): render/chart.py."""
        from .chart import add_chart, inline_chart

        if block.chart is None or self.part is None:
            return
        rid = add_chart(self.part, block.chart, self.style.body_font, self.style.latin_font)
        self.shapes += 1
        drawing = _el(
            "w:r", self._rpr(self.style.body_font), inline_chart(rid, self.shapes, block.chart.name)
        )

        def centred():  # each paragraph its own elements: lxml moves a shared one
            return {"jc": "center", "ind": _indent(0), "spacing": _single()}

        self.paragraph(None, [drawing], keep_next=True, **centred())
        self.paragraph(None, self.runs(block.spans, self.style.body_font), **centred())

    def runs(self, spans, east_asia: str, bold: bool = False) -> list:
        out = []
        for span in spans:
            rpr = self._rpr(east_asia, bold=bold, highlight=span.highlighted)
            if span.rpr:
                rpr = overlay(rpr, etree.fromstring(span.rpr))
            run = _run(span.text, rpr)
            if span.tag is not None and self.marks is not None:
                run = self.marks.figure(run, span.tag)
            out.append(run)
        return out

    def body_table(self, block: Block):
        """A table of a Word template: its w:tblPr, grid, rows' and cells' properties as
        the template has them; each cell paragraph's text written like a body paragraph's,
        figures tagged (docs/templates.md, Word 模板中的表格)."""
        table = block.table
        if table is None:
            raise ValueError("a table block without its table")
        self._add_table_styles(table.styles)
        tblpr = _template_xml(table.tblpr) if table.tblpr else _el("w:tblPr")
        for caption in tblpr.findall(qn("w:tblCaption")):
            if caption.get(qn("w:val"), "").startswith("workreport."):
                tblpr.remove(caption)  # a draft's appendix pasted into the template: not ours
        tbl = _el("w:tbl", tblpr, _template_xml(table.grid) if table.grid else None)
        at = 0
        for row in table.rows:
            tr = _el("w:tr", _template_xml(row.trpr) if row.trpr else None)
            for cell in row.cells:
                tc = _el("w:tc", _template_xml(cell.tcpr) if cell.tcpr else None)
                for para in cell.paragraphs:
                    spans = block.spans[at : at + para.count]
                    at += para.count
                    ppr = _template_xml(para.ppr) if para.ppr else _el("w:pPr")
                    # the template's style ids, list numbering and paragraph mark are not
                    # the draft's: its table text style instead
                    for old in ppr.findall("*"):
                        if old.tag in (qn("w:pStyle"), qn("w:numPr"), qn("w:rPr")):
                            ppr.remove(old)
                    ppr.insert(0, _el("w:pStyle", val=TABLE_TEXT))
                    tc.append(_el("w:p", ppr, *self.runs(spans, self.style.body_font)))
                tr.append(tc)
            tbl.append(tr)
        return tbl

    def _add_table_styles(self, styles) -> None:
        """The template's table style (borders, shading) where the draft has none of its id."""
        if self.styles is None:
            return
        have = {el.get(qn("w:styleId")) for el in self.styles.iterchildren(qn("w:style"))}
        for xml in styles:
            style = _xml(xml)
            if style.get(qn("w:styleId")) in have:
                continue
            for fonts in list(style.iter(qn("w:rFonts"))):  # theme fonts: Japanese, Calibri
                fonts.getparent().remove(fonts)
            self.styles.append(style)
            have.add(style.get(qn("w:styleId")))

    def closing(self, organisation: str, signed: Span) -> None:
        """署名 and 成文日期 of an unsealed document (GB/T 9704 §7.3.5.2).

        The organisation sits 2 characters in from the right; the date on the
        next line starts 2 characters to the right of the organisation's first
        character.  When that would bring the date closer than 2 characters to
        the margin, the date keeps 2 and the organisation moves left instead.
        """
        text = signed.text
        org_width, date_width = ems(organisation), ems(text)
        org_right, date_right = 2.0, org_width - date_width
        if date_right < 2:
            date_right, org_right = 2.0, 4 + date_width - org_width
        self.paragraph(None)  # 正文下空一行
        for span, right in ((Span(organisation), org_right), (signed, date_right)):
            run = self.runs((span,), self.style.body_font)
            self.paragraph(SIGNATURE, run, ind=_indent(right=right))

    def attachment_note(self, table: Table) -> None:
        """附件说明 (GB/T 9704 §7.3.4): a blank line under the 正文, then 2 characters in
        «附件：» and the attachment's name."""
        self.paragraph(None)
        self.paragraph(None, self.runs((Span(f"附件：{table.title}"),), self.style.body_font))

    def appendix(self, table: Table) -> None:
        """附件 layout (GB/T 9704 §7.3.7): label top left, title on line 3, a blank line, the table."""
        self.paragraph(APPENDIX_LABEL, self.runs((Span("附件"),), self.style.heading1_font))
        self.paragraph(None)
        self.paragraph(TITLE, self.runs((Span(table.title),), self.style.title_font))
        if table.subtitle:  # the period counted, beneath the title
            self.paragraph(SUBTITLE, self.runs(table.subtitle, self.style.heading2_font))
        self.paragraph(None)
        self._append(self._table(table))
        if table.note:
            self.paragraph(TABLE_NOTE, self.runs((Span(table.note),), self.style.body_font))

    def _table(self, table: Table):
        columns = len(table.header)
        for i, cells in enumerate([table.header, *table.rows]):
            if len(cells) != columns:
                raise ValueError(f"table row {i} has {len(cells)} cells, the header {columns}")
        widths = _column_widths(table, _table_pt(table))
        borders = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_el(f"w:{side}", val="single", sz=4, space=0, color="000000"))
        margins = _el(
            "w:tblCellMar",
            _el("w:left", w=TABLE_MARGIN_TWIPS, type="dxa"),
            _el("w:right", w=TABLE_MARGIN_TWIPS, type="dxa"),
        )
        tbl = _el(
            "w:tbl",
            _el(
                "w:tblPr",
                _el("w:tblW", w=sum(widths), type="dxa"),
                _el("w:jc", val="center"),
                borders,
                _el("w:tblLayout", type="fixed"),
                margins,
                _el("w:tblLook", val="04A0"),
            ),
            _el("w:tblGrid", *(_el("w:gridCol", w=w) for w in widths)),
        )
        rows = [table.header, *table.rows]

        @cache
        def blank_cell(width: int, bold: bool):
            runs = self.runs((Span(""),), self.style.body_font, bold=bold)
            return _el(
                "w:tc",
                _el("w:tcPr", _el("w:tcW", w=width, type="dxa"), _el("w:vAlign", val="center")),
                _el("w:p", _ppr(TABLE_TEXT), *runs),
            )

        for i, cells in enumerate(rows):
            header, total = i == 0, i == len(rows) - 1 and i > 0  # the last row is 合计
            trpr = _el(
                "w:trPr", _el("w:cantSplit"), _el("w:trHeight", val=ROW_TWIPS, hRule="atLeast")
            )
            if header:
                trpr.append(_el("w:tblHeader"))  # repeats on every page
            tr = _el("w:tr", trpr)
            for text, width in zip(cells, widths, strict=True):
                # a copy of the column's blank cell: a thousand units' rows are made
                # quickly (benchmarks/README.md, 读取)
                cell = copy.deepcopy(blank_cell(width, header or total))
                run = cell[-1][-1]  # tc → p → r
                first, *more = str(text).split("\n")
                run[-1].text = xml_safe(first)
                for line in more:  # a header's words on lines of their own
                    run.append(_el("w:br"))
                    run.append(_el("w:t"))
                    run[-1].text = xml_safe(line)
                tr.append(cell)
            tbl.append(tr)
        if self.marks is not None:
            self.marks.appendix(tbl)
        return tbl

    def _voice(self, kind: str) -> tuple[str, bool]:
        """The East Asian font and weight of a paragraph or run-in heading of this kind."""
        s = self.style
        voices = {
            BODY: (s.body_font, False),
            HEADING1: (s.heading1_font, False),
            HEADING2: (s.heading2_font, False),
            HEADING3: (s.heading3_font, True),  # 1. headings: bold 仿宋
        }
        if kind not in voices:
            raise ValueError(f"unknown block kind {kind!r}")
        return voices[kind]

    def _rpr(self, east_asia: str, bold: bool = False, highlight: bool = False):
        rpr = _el("w:rPr", _fonts(east_asia, self.style.latin_font))
        if bold:
            rpr.extend([_el("w:b"), _el("w:bCs")])
        if highlight:
            rpr.append(
                _el("w:highlight", val="yellow")
            )  # 【待补充】, a partial figure: docs/rules.md
        return rpr


# The children of w:rPr in the order the schema wants them (ECMA-376 §17.3.2.28).
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]


def overlay(rpr, given):
    """``rpr`` with the properties of ``given`` laid over it: a font the analyst gave a
    phrase replaces the report's in the slots it names (docs/templates.md, Word 模板)."""
    for child in given:
        old = rpr.find(child.tag)
        if child.tag == qn("w:rFonts") and old is not None:
            for name, value in child.attrib.items():
                old.set(name, value)
            continue
        if old is not None:
            rpr.remove(old)
        rpr.append(copy.deepcopy(child))
    order = {qn(f"w:{name}"): i for i, name in enumerate(RPR_ORDER)}
    rpr[:] = sorted(rpr, key=lambda el: order.get(el.tag, len(order)))
    return rpr


# --- styles and page -----------------------------------------------------------------


def _clean_template(document, style: StyleConfig) -> None:
    """Strip python-docx's template of what would pull in Japanese or Calibri fonts."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in _THEME_FONT_ATTRS:
            fonts.attrib.pop(qn(attr), None)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    settings = document.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")  # the template says ja-JP
    part = document.part
    for rid, rel in list(part.rels.items()):
        # stylesWithEffects is a Word 2010 copy of the styles, theme fonts and all
        if rel.reltype == _STYLES_WITH_EFFECTS:
            del part.rels[rid]
        elif rel.reltype == RT.FONT_TABLE:
            del part.rels[rid]
            part.relate_to(_font_table(part.package, style), RT.FONT_TABLE)
    package = part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # a picture of python-docx's blank template
            del package.rels[rid]


def _font_table(package, style: StyleConfig) -> Part:
    root = _el("w:fonts")
    names = dict.fromkeys(
        [style.latin_font, style.body_font, style.title_font, style.heading1_font]
        + [style.heading2_font, style.heading3_font, style.page_number_font]
    )
    for name in names:
        font = _el("w:font", name=name)
        if name in _ALT_FONT_NAMES:
            font.append(_el("w:altName", val=_ALT_FONT_NAMES[name]))
        chinese = not name.isascii()
        font.append(_el("w:charset", val="86" if chinese else "00"))  # 86: GB2312
        font.append(_el("w:family", val="modern" if chinese else "roman"))
        font.append(_el("w:pitch", val="variable"))
        root.append(font)
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return Part(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, blob, package)


def _table_pt(table: Table | None) -> float:
    """五号 for wide tables, 小四 otherwise, so the table fits the 156 mm text width."""
    return 10.5 if table is not None and len(table.header) > 7 else 12


def _add_styles(document, style: StyleConfig, table_pt: float) -> None:
    styles = document.styles.element
    latin = style.latin_font
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _replace(rpr, _fonts(style.body_font, latin))
    for tag in ("w:sz", "w:szCs"):
        _replace(rpr, _el(tag, val=BODY_PT * 2))
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    _replace(ppr, _single())
    # no automatic space between Chinese and Latin or digits: a figure inside its tag
    # and a plain digit are spaced alike in Word, WPS and LibreOffice (docs/rules.md, Word 稿件)
    for tag in ("w:autoSpaceDN", "w:autoSpaceDE"):
        if ppr.find(qn(tag)) is None:
            ppr.insert(0, _el(tag, val=0))

    normal = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='Normal']")
    for child in list(normal):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            normal.remove(child)
    normal_ppr = _ppr(None, spacing=_exact(), ind=_indent(first_line=2), jc="both")
    # every style is based on Normal (the schema puts these before w:spacing):
    # - overflowPunct written out as Word's default (1): LibreOffice reads a missing one as
    #   hanging punctuation, and its PDF drops a 、，。 that ends a full line (docs/rules.md,
    #   Word 稿件);
    # - autospace off, which WPS reads from the styles (LibreOffice ignores it).
    spacing = normal_ppr.find(qn("w:spacing"))
    spacing.addprevious(_el("w:overflowPunct", val=1))
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        spacing.addprevious(_el(tag, val=0))
    normal.append(normal_ppr)
    condensed = _el("w:spacing", val=_CONDENSE)
    normal.append(_el("w:rPr", _fonts(style.body_font, latin), condensed, *_size(BODY_PT)))

    s, add = style, partial(_add_style, styles)
    add(TITLE, "公文标题", s.title_font, latin, TITLE_PT, ind=_indent(), jc="center")
    add(H1, "公文一级标题", s.heading1_font, latin, keep_next=True, outline=0)
    add(H2, "公文二级标题", s.heading2_font, latin, keep_next=True, outline=1)
    add(H3, "公文三级标题", s.heading3_font, latin, bold=True, keep_next=True, outline=2)
    add(SIGNATURE, "公文落款", s.body_font, latin, ind=_indent(), jc="right")
    # 页码 are 半角宋体 figures: the page number font goes in the Latin slot too
    add(PAGE_NUMBER, "公文页码", s.page_number_font, s.page_number_font, PAGE_NUMBER_PT, **_tight())
    add(
        APPENDIX_LABEL,
        "附件标识",
        s.heading1_font,
        latin,
        keep_next=True,
        page_break=True,
        ind=_indent(),
    )
    add(TABLE_TEXT, "表格文字", s.body_font, latin, table_pt, jc="center", **_tight())
    add(TABLE_NOTE, "表格注释", s.body_font, latin, table_pt, jc="both", **_tight())
    add(SUBTITLE, "公文副标题", s.heading2_font, latin, ind=_indent(), jc="center")


def _tight() -> dict:
    """Single spacing and no indent: footers and table cells."""
    return {"spacing": _single(), "ind": _indent()}


def word_template_styles(document, style: StyleConfig) -> dict[str, str]:
    """The styles a Word template is written in (docs/templates.md, Word 模板): Word's
    built-in Title, heading 1 and heading 2 (标题, 标题 1, 标题 2 in Chinese Word) in the
    report's voice, and 落款 and 使用说明.  Returns the style id of each kind."""
    styles = document.styles.element
    ids = {"title": "Title", "heading1": "Heading1", "heading2": "Heading2"}
    for el in list(styles.iterchildren(qn("w:style"))):
        if el.get(qn("w:styleId")) in {*ids.values(), *(f"{v}Char" for v in ids.values())}:
            styles.remove(el)
    s, latin = style, style.latin_font
    add = partial(_add_style, styles, custom=False)
    add("Title", "Title", s.title_font, latin, TITLE_PT, ind=_indent(), jc="center")
    add("Heading1", "heading 1", s.heading1_font, latin, keep_next=True, outline=0)
    add("Heading2", "heading 2", s.heading2_font, latin, keep_next=True, outline=1)
    _add_style(styles, "WrSignature", "落款", s.body_font, latin, ind=_indent(), jc="right")
    _add_style(styles, "WrNote", "使用说明", s.body_font, latin, 12, **_tight())
    note = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='WrNote']")
    # grey and shaded, so the instructions read as not part of the report
    note.find(qn("w:rPr")).insert(1, _el("w:color", val="595959"))
    shading = _el("w:shd", val="clear", color="auto", fill="EDEDED")
    note.find(f"{qn('w:pPr')}/{qn('w:spacing')}").addprevious(shading)
    return {**ids, "signature": "WrSignature", "note": "WrNote"}


def _add_style(
    styles, style_id, name, east_asia, latin, size=BODY_PT, bold=False, custom=True, **ppr
) -> None:
    """A paragraph style based on Normal, with its fonts in both slots."""
    rpr = _el("w:rPr", _fonts(east_asia, latin))
    if bold:
        rpr.extend([_el("w:b"), _el("w:bCs")])
    if size != BODY_PT:
        rpr.append(_el("w:spacing", val=0))  # only 三号 text is condensed to 28 a line
    rpr.extend(_size(size))
    styles.append(
        _el(
            "w:style",
            _el("w:name", val=name),
            _el("w:basedOn", val="Normal"),
            _el("w:next", val="Normal"),
            _el("w:qFormat"),
            _ppr(None, **ppr),
            rpr,
            type="paragraph",
            styleId=style_id,
            **({"customStyle": 1} if custom else {}),
        )
    )


def _set_up_page(document, style: StyleConfig) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_DISTANCE_MM)
    # No grid: exact 28.95 pt line spacing already gives the 22 lines (see _CONDENSE).
    _replace(section._sectPr, _el("w:docGrid", linePitch=LINE_TWIPS))
    # Page numbers: odd pages right, even pages left, one character in (GB/T 9704 §7.5).
    document.settings.odd_and_even_pages_header_footer = True
    one_char = PAGE_NUMBER_PT * 20
    for footer, jc, ind in (
        (section.footer, "right", {"rightChars": 100, "right": one_char}),
        (section.even_page_footer, "left", {"leftChars": 100, "left": one_char}),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        for child in list(p):
            p.remove(child)
        p.append(_ppr(PAGE_NUMBER, ind=_el("w:ind", firstLineChars=0, firstLine=0, **ind), jc=jc))
        p.extend(_page_field(style.page_number_font))


def _page_field(font: str) -> list:
    """«— N —» around a real PAGE field."""

    def run(*content, hint=False):
        fonts = _fonts(font, font)
        if hint:
            fonts.set(qn("w:hint"), "eastAsia")  # the em dashes as full-width 一字线
        return _el("w:r", _el("w:rPr", fonts, *_size(PAGE_NUMBER_PT)), *content)

    return [
        run(_text("— "), hint=True),
        run(_el("w:fldChar", fldCharType="begin")),
        run(_text(" PAGE ", instr=True)),
        run(_el("w:fldChar", fldCharType="separate")),
        run(_text("1")),
        run(_el("w:fldChar", fldCharType="end")),
        run(_text(" —"), hint=True),
    ]


def _set_properties(document, doc: ReportDocument) -> None:
    core = document.core_properties
    core.title = doc.title
    core.language = "zh-CN"
    core.author = core.last_modified_by = doc.organisation
    core.comments = ""
    core.revision = 1
    # The 成文日期, not the clock: the same inputs give the same document.
    core.created = core.modified = datetime.combine(doc.date, time())
    set_app_properties(document)


_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# ours: python-docx's template says «Microsoft Macintosh Word» and Normal.dotm, and a draft
# saved by Word or WPS carries the company and manager of the PC it was saved on
APP_PROPERTIES = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    f'<Properties xmlns="{_EXTENDED}" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>workreport</Application><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
).encode()


def set_app_properties(document) -> None:
    """The document's docProps/app.xml is ours (docs/drafts.md, 报送稿)."""
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_PROPERTIES  # a plain Part: its bytes are what is saved


# --- WordprocessingML helpers ----------------------------------------------------------


def _el(tag: str, *children, **attrs):
    """``<tag w:attr=…>children</tag>``; attribute names get the w: prefix."""
    el = _make(tag)
    for name, value in attrs.items():
        el.set(_w(name), str(value))
    el.extend(c for c in children if c is not None)
    return el


@cache
def _maker(tag: str):
    """python-docx's ``OxmlElement(tag)`` with the tag's name worked out once: a table
    of a thousand units makes 100,000 elements (benchmarks/README.md, 读取)."""
    example = OxmlElement(tag)
    return partial(example.makeelement, example.tag, nsmap=example.nsmap)


def _xml(text: str):
    """An element from the XML a template gave (render/word_template.py), parsed by
    python-docx's parser (no entities resolved)."""
    return parse_xml(text)


# tracked changes of formatting, rows or cells: the template's history, not its look
_REVISED = {qn(f"w:{name}") for name in ("pPrChange", "tcPrChange", "trPrChange", "tblPrChange")}
_REVISED |= {qn(f"w:{name}") for name in ("ins", "del", "cellIns", "cellDel", "cellMerge")}


def _template_xml(text: str):
    """A template's w:tblPr, w:trPr, w:tcPr or w:pPr without its tracked changes."""
    el = _xml(text)
    for old in [c for c in el.iter() if c.tag in _REVISED]:
        old.getparent().remove(old)
    return el


def _make(tag: str):
    return _maker(tag)()


@cache
def _w(name: str) -> str:
    return qn(f"w:{name}")


def _ppr(
    style_id: str | None,
    *,
    keep_next: bool = False,
    page_break: bool = False,
    spacing=None,
    ind=None,
    jc: str | None = None,
    outline: int | None = None,
):
    """A w:pPr with its children in schema order."""
    return _el(
        "w:pPr",
        _el("w:pStyle", val=style_id) if style_id else None,
        _el("w:keepNext") if keep_next else None,
        _el("w:pageBreakBefore") if page_break else None,
        spacing,
        ind,
        _el("w:jc", val=jc) if jc else None,
        _el("w:outlineLvl", val=outline) if outline is not None else None,
    )


def _single():
    return _el("w:spacing", before=0, after=0, line=240, lineRule="auto")


def _exact():
    return _el("w:spacing", before=0, after=0, line=LINE_TWIPS, lineRule="exact")


def _indent(first_line: float = 0, right: float | None = None):
    """Indents in characters, with the twips at 三号 as fallback for readers without *Chars."""
    one = BODY_PT * 20
    attrs = {"firstLineChars": round(first_line * 100), "firstLine": round(first_line * one)}
    if right is not None:
        attrs |= {"rightChars": round(right * 100), "right": round(right * one)}
    return _el("w:ind", **attrs)


def _fonts(east_asia: str, latin: str):
    return _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)


def _size(pt: float) -> list:
    return [_el("w:sz", val=round(pt * 2)), _el("w:szCs", val=round(pt * 2))]


def _run(text: str, rpr):
    first, *more = text.split("\n")
    run = _el("w:r", rpr, _text(first))
    for line in more:  # a title's second line (title_lines), a header's word
        run.append(_el("w:br"))
        run.append(_text(line))
    return run


# where a title may break (GB/T 9704 §7.3.3: 回行时词意完整): after these words and marks
_TITLE_BREAKS = ("机关", "工作", "情况", "关于", "、", "，", "和")


def title_lines(title: str, per_line: float) -> list[str]:
    """A title too long for one line, broken where the words allow and the lines are
    most alike in length, the first no longer than a line; one line when it fits or no
    break point fits (then Word breaks it)."""
    if ems(title) <= per_line:
        return [title]
    best = None
    for word in _TITLE_BREAKS:
        at = title.find(word)
        while at >= 0:
            cut = at + len(word)
            head, tail = title[:cut], title[cut:]
            widths = (ems(head), ems(tail))
            if tail and max(widths) <= per_line:
                score = abs(widths[0] - widths[1])
                if best is None or score < best[0]:
                    best = (score, [head, tail])
            at = title.find(word, at + 1)
    return best[1] if best else [title]


def _text(text: str, instr: bool = False):
    t = _make("w:instrText" if instr else "w:t")
    t.text = xml_safe(text)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


def xml_safe(text: str) -> str:
    """Drop control characters (cells copied from other software) that XML cannot hold."""
    return _NOT_XML.sub("", text)


def _replace(parent, new, at=None) -> None:
    """Put ``new`` where the first child with its tag (or ``at``) is; else append it."""
    old = at if at is not None else parent.find(new.tag)
    if old is None:
        parent.append(new)
    else:
        old.addprevious(new)
        parent.remove(old)


def _column_widths(table: Table, pt: float) -> list[int]:
    """Twips: each figure column as wide as its widest header line or value, so that a
    header breaks only where its text has a line break (between words: docs/templates.md,
    默认模板); the unit column gets the rest, as wide as its longest name where the page
    allows."""
    columns = len(table.header)
    if columns == 1:
        return [_TEXT_WIDTH_TWIPS]

    def need(texts) -> int:
        widest = max(ems(line) for text in texts for line in str(text).split("\n"))
        # the slack keeps a line whose width is exactly the column's from wrapping in WPS
        return round(widest * pt * 20 + 2 * TABLE_MARGIN_TWIPS + 30)

    figures = [need([table.header[i], *(row[i] for row in table.rows)]) for i in range(1, columns)]
    first_need = need([table.header[0], *(row[0] for row in table.rows if row)])
    room = _TEXT_WIDTH_TWIPS - sum(figures)
    if room < 4 * pt * 20:  # figures too wide for the page: equal columns, as before
        first = round(min(max(first_need, 4 * pt * 20), _TEXT_WIDTH_TWIPS * 0.3))
        rest, extra = divmod(_TEXT_WIDTH_TWIPS - first, columns - 1)
        return [first] + [rest] * (columns - 2) + [rest + extra]
    first = min(first_need, room)
    # what the unit column does not need is shared among the figure columns
    share, extra = divmod(room - first, columns - 1)
    widths = [first] + [w + share for w in figures]
    widths[-1] += extra
    return widths
