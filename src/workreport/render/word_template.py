"""A Word template (模板.docx) → document blocks, and the default one written from the
.j2 templates (docs/templates.md, Word 模板).

The analyst edits 模板.docx in Word or WPS.  Each paragraph of its body becomes one
line of a single Jinja template, so the paragraph number is the template's line
number and ``{% if %}`` / ``{% endif %}`` alone in their paragraphs leave out the
paragraphs between them, as whole lines do in a .j2 file.  Word splits typed text
into runs wherever formatting, proofing marks or bookmarks change; the runs are
joined before Jinja sees the text, and a change of formatting outside ``{{ }}`` and
``{% %}`` becomes a format mark (sections.format_mark) that the rendered text
carries to the spans of the draft.  Everything after that is the .j2 path: the
same sandbox, context, zero construct and figure tags.

A table's cell paragraphs are lines of the same source, numbered after the body's
paragraphs before them; the first paragraph of each row starts with a ROW mark, put
after the row's own ``{% for %}`` (first cell) when ``{% endfor %}`` ends its last cell,
so a row repeats once per item.  The rendered cells go into a TABLE block with the
template's table, row and cell properties.  What a template cannot hold (a mail-merge
field, full-width braces, hidden text, customXml, altChunk, a nested table) is an error
that says where it is and what to do: never copied, run or dropped in silence.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from jinja2 import FunctionLoader
from lxml import etree

from ..config import StyleConfig
from ..errors import TemplateError
from .document import (
    BODY,
    HEADING1,
    HEADING2,
    HEADING3,
    Block,
    BodyTable,
    Cell,
    CellParagraph,
    Row,
    Tag,
)
from .document import TABLE as TABLE_BLOCK
from .marks import CHART, format_mark, text_in, without_formats
from .sections import (
    SECTION_GLOB,
    block_of,
    make_environment,
    render_one,
    resolve_zeros,
    to_spans,
)

TITLE, SIGNATURE, NOTE = "title", "signature", "note"
DEFAULT_NAME = "模板.docx"

# Styles by name as Word stores them (its built-in names stay English whatever the
# language of its menus; WPS may store the Chinese ones), spaces and case ignored;
# then by id; then through the style each is based on.
_BY_NAME = {
    "title": TITLE,
    "标题": TITLE,
    "heading1": HEADING1,
    "标题1": HEADING1,
    "heading2": HEADING2,
    "标题2": HEADING2,
    "heading3": HEADING3,
    "标题3": HEADING3,
    "落款": SIGNATURE,
    "使用说明": NOTE,
    # the report's own styles, when a paragraph is pasted from a draft
    "公文标题": TITLE,
    "公文一级标题": HEADING1,
    "公文二级标题": HEADING2,
    "公文三级标题": HEADING3,
    "公文落款": SIGNATURE,
}
_BY_ID = {"Title": TITLE, "Heading1": HEADING1, "Heading2": HEADING2, "Heading3": HEADING3}

# Character formatting an analyst gives a phrase; run properties that Word adds on
# its own (language, proofing, theme hints, character spacing) are not kept.
_KEPT = set(
    [
        "b",
        "bCs",
        "i",
        "iCs",
        "u",
        "strike",
        "dstrike",
        "color",
        "highlight",
        "shd",
        "em",
        "vertAlign",
        "caps",
        "smallCaps",
        "rFonts",
        "sz",
        "szCs",
    ]
)
_FONT_SLOTS = {qn(f"w:{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")}

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# Word's AutoFormat and Chinese input methods type these inside a tag: Jinja wants ASCII
_IN_TAGS = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "\u3000": " ", "\xa0": " ", "｜": "|"}
)
# Each line opens with its paragraph number as one character of plane 16 (private use)
_PARAGRAPH_BASE = 0x100000
_MAX_PARAGRAPHS = 0xFFFD
_PARAGRAPH = re.compile("[\U00100000-\U0010fffd]")


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, among all the paragraphs, those in table cells included
    kind: str
    pieces: tuple[tuple[str, str | None], ...]  # (text, the run's kept w:rPr as XML)
    where: str = ""  # 第N段 (the body's paragraphs counted) or 表格N第R行第C列
    cell: tuple[int, int, int] | None = None  # a table cell's: (table, row, column), 0-based
    ppr: str | None = None  # a table cell's: its w:pPr as XML
    row: str = ""  # the first of a table row: ROW_PLAIN, or ROW_TAG when it repeats

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)

    def opening(self, width: int = 16) -> str:
        """The first words, to say which paragraph an error is in."""
        text = self.text.strip()
        return text if len(text) <= width else text[:width] + "…"

    def place(self, name: str) -> str:
        """«模板.docx 第3段（「按照……」）»: where an error is."""
        return f"{name} {self.where}（「{self.opening()}」）"


ROW_PLAIN, ROW_TAG = "row", "tag"  # the row starts here; after its {% for %} / {% if %}
# A row of a table starts at this mark: a row that repeats starts again after the last
# cell of the one before it, on the same line of the rendered text
ROW = "\x13"


@dataclass
class TemplateTable:
    """A table of the template: its look as XML, and each cell's paragraphs (numbers)."""

    number: int  # 1-based, in document order
    tblpr: str | None
    grid: str | None
    styles: tuple[str, ...]
    rows: list[tuple[str | None, list[tuple[str | None, list[int]]]]]


@dataclass(frozen=True)
class Rendered:
    """What a Word template says: the title, the blocks, the 落款 (first line)."""

    title: str | None
    blocks: list[Block]
    signature: str | None
    omitted: list[Tag]


def read_template(path: Path) -> tuple[list[Paragraph], list[TemplateTable]]:
    """The body's paragraphs and tables, under the zip limits of every .docx the tool opens."""
    from ..docxfile import read_docx

    document = read_docx(path, "（Word 模板）")
    reader = _Reader(path, _style_kinds(document.styles.element), document.styles.element)
    reader.walk(document.element.body)
    return reader.paragraphs, reader.tables


_W = {name: qn(f"w:{name}") for name in ("p", "sdt", "sdtContent", "tbl", "tr", "tc")}
_CUSTOM_XML, _ALT_CHUNK = qn("w:customXml"), qn("w:altChunk")


class _Reader:
    """Walks the body: paragraphs, tables, and what a template cannot hold (an error that
    says where and what to do, never silently copied or dropped)."""

    def __init__(self, path: Path, kinds: dict[str, str], styles):
        self.path, self.kinds, self.styles = path, kinds, styles
        self.paragraphs: list[Paragraph] = []
        self.tables: list[TemplateTable] = []
        self.body_count = 0

    def error(self, where: str, message: str) -> TemplateError:
        return TemplateError(f"{self.path.name} {where}", None, message)

    def here(self) -> str:
        """Where the walk is, for what has no paragraph of its own."""
        last = next((p for p in reversed(self.paragraphs) if p.cell is None), None)
        if last is None:
            return "开头"
        return f"第{self.body_count}段（「{last.opening()}」）之后"

    def walk(self, container, cell: tuple[int, int, int] | None = None, where: str = ""):
        numbers = []
        for child in _through_controls(container):
            if child.tag == _W["p"]:
                numbers.append(self.paragraph(child, cell, where))
            elif child.tag == _W["tbl"]:
                if cell is not None:
                    raise self.error(
                        where, "单元格中又有一个表格（嵌套表格）：Word 模板不支持，请把它移到表格外"
                    )
                self.table(child)
            elif child.tag == _CUSTOM_XML:
                raise self.error(where or self.here(), _CUSTOM_XML_TEXT)
            elif child.tag == _ALT_CHUNK:
                raise self.error(
                    where or self.here(),
                    "有一段嵌入的外部内容（altChunk：从网页或其他文档导入、Word 打开时才转换的内容），"
                    "程序不会执行或复制它：请在 Word 中打开模板，把这段内容复制、"
                    "“只保留文本”粘贴后另存为，或删除它",
                )
        return numbers

    def paragraph(self, p, cell, where: str) -> int:
        if cell is None:
            self.body_count += 1
            where = f"第{self.body_count}段"
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        kind = self.kinds.get(style.get(qn("w:val")), BODY) if style is not None else BODY
        ppr = p.find(qn("w:pPr"))
        para = Paragraph(
            len(self.paragraphs) + 1,
            kind if cell is None else BODY,
            tuple(_pieces(p)),
            where,
            cell,
            etree.tostring(ppr, encoding="unicode")
            if cell is not None and ppr is not None
            else None,
        )
        _refuse_in(p, para, self.path.name)
        self.paragraphs.append(para)
        if len(self.paragraphs) > _MAX_PARAGRAPHS:
            raise TemplateError(
                self.path.name, None, f"段落超过 {_MAX_PARAGRAPHS} 段，不像是汇报模板"
            )
        return para.number

    def table(self, tbl) -> None:
        t = len(self.tables)
        tblpr, grid = tbl.find(qn("w:tblPr")), tbl.find(qn("w:tblGrid"))
        table = TemplateTable(t + 1, _xml(tblpr), _xml(grid), self._table_styles(tblpr), [])
        self.tables.append(table)
        rows = _children(tbl, _W["tr"], self, f"表格{t + 1}")
        # a row deleted under tracked changes is not the template's, as deleted text is not
        rows = (tr for tr in rows if tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is None)
        for r, tr in enumerate(rows):
            cells = []
            for c, tc in enumerate(_children(tr, _W["tc"], self, f"表格{t + 1}第{r + 1}行")):
                where = f"表格{t + 1}第{r + 1}行第{c + 1}列"
                numbers = self.walk(tc, (t, r, c), where)
                if c == 0 and numbers:  # the row starts with its first paragraph
                    first = self.paragraphs[numbers[0] - 1]
                    self.paragraphs[numbers[0] - 1] = replace(first, row=ROW_PLAIN)
                cells.append((_xml(tc.find(qn("w:tcPr"))), numbers))
            table.rows.append((_xml(tr.find(qn("w:trPr"))), cells))
            self._check_row(table, r)

    def _check_row(self, table: TemplateTable, r: int) -> None:
        """A {% for %} or {% if %} that is not closed in its own cell is the whole row's:
        it opens the first cell and the last cell closes it (docs/templates.md)."""
        cells = table.rows[r][1]
        texts = ["\n".join(self.paragraphs[n - 1].text for n in numbers) for _, numbers in cells]
        if not cells or all(not any(_balance(t).values()) for t in texts):
            return
        # the first paragraph of the first cell opens with it
        first_cell = cells[0][1]
        m = (
            _ROW_OPEN.match(self.paragraphs[first_cell[0] - 1].text.lstrip())
            if first_cell
            else None
        )
        first = texts[0]
        kind = m[1] if m else ""
        closes = re.search(rf"\{{%-?\s*end{kind}\s*-?%\}}$", texts[-1].rstrip()) if kind else None
        inner = texts[1:-1]
        if (
            m
            and len(cells) > 1
            and closes
            and _balance(first) == {**_ZERO, kind: 1}
            and _balance(texts[-1]) == {**_ZERO, kind: -1}
            and all(not any(_balance(t).values()) for t in inner)
        ):
            numbers = cells[0][1]
            para = self.paragraphs[numbers[0] - 1]
            self.paragraphs[numbers[0] - 1] = replace(para, row=ROW_TAG)
            return
        c = next(i for i, t in enumerate(texts) if any(_balance(t).values()))
        found = next(k for k, v in _balance(texts[c]).items() if v)
        numbers = cells[c][1]
        where = f"表格{table.number}第{r + 1}行第{c + 1}列"
        para = self.paragraphs[numbers[0] - 1] if numbers else None
        raise self.error(
            para.place("")[1:] if para else where,
            f"这一格中的 {{% {found} %}} 没有在同一格内结束。要整行重复，把 {{% for … in … %}} "
            "写在这一行第一列的开头、{% endfor %} 写在最后一列的末尾"
            "（按条件保留整行时用 {% if … %}…{% endif %}，写法相同）；"
            "其他的 {% for %}、{% if %} 须在同一格内结束",
        )

    def _table_styles(self, tblpr) -> tuple[str, ...]:
        """The table's style and those it is based on, as XML (the draft lacks them)."""
        found: list[str] = []
        style = None if tblpr is None else tblpr.find(qn("w:tblStyle"))
        style_id = None if style is None else style.get(qn("w:val"))
        while style_id and len(found) < 10:
            el = next(
                (
                    el
                    for el in self.styles.iterchildren(qn("w:style"))
                    if el.get(qn("w:styleId")) == style_id and el.get(qn("w:type")) == "table"
                ),
                None,
            )
            if el is None:
                break
            found.append(etree.tostring(el, encoding="unicode"))
            based = el.find(qn("w:basedOn"))
            style_id = None if based is None else based.get(qn("w:val"))
        return tuple(reversed(found))


def _xml(el) -> str | None:
    return None if el is None else etree.tostring(el, encoding="unicode")


def _through_controls(container):
    """The children of ``container``, those of a content control's content in its place."""
    for child in container:
        if child.tag == _W["sdt"]:
            content = child.find(_W["sdtContent"])
            if content is not None:
                yield from _through_controls(content)
        else:
            yield child


def _children(parent, tag: str, reader: _Reader, where: str):
    for child in _through_controls(parent):
        if child.tag == tag:
            yield child
        elif child.tag == _CUSTOM_XML:
            raise reader.error(where, _CUSTOM_XML_TEXT)


_CUSTOM_XML_TEXT = (
    "有自定义 XML 标记（customXml，Word 2010 起已不再支持），程序不会复制它：请在 Word 中打开模板，"
    "全选复制到一个新文档后另存为，再用新文档作模板"
)
_ROW_OPEN = re.compile(r"\{%-?\s*(for|if)\b")
_BLOCK_TAG = re.compile(r"\{%-?\s*(for|endfor|if|endif)\b")
_ZERO = {"for": 0, "if": 0}


def _balance(text: str) -> dict[str, int]:
    """How many {% for %} and {% if %} the text opens and does not close."""
    found = dict(_ZERO)
    for m in _BLOCK_TAG.finditer(text):
        kind = m[1].removeprefix("end")
        found[kind] += -1 if m[1].startswith("end") else 1
    return found


_MERGE = re.compile(r"MERGEFIELD\s+(?:\"([^\"]*)\"|(\S+))", re.I)
_FULL_WIDTH = re.compile("[｛{][｛％%]|｛{|[％%][｝}]|}｝|｝[｝}]")
_FULL_WIDTH_CHARS = set("｛｝％")


def _refuse_in(p, para: Paragraph, name: str) -> None:
    """A mail-merge field, hidden text, custom XML or full-width braces in the paragraph:
    an error that says where and what to do (docs/templates.md, Word 模板)."""
    where = para.place(name)
    if any(True for _ in p.iter(_CUSTOM_XML)):
        raise TemplateError(where, None, _CUSTOM_XML_TEXT)
    codes = [f.get(qn("w:instr"), "") for f in p.iter(qn("w:fldSimple"))]
    codes += ["".join(t.text or "" for t in p.iter(qn("w:instrText")))]
    for code in codes:
        if m := _MERGE.search(code):
            raise TemplateError(
                where,
                None,
                f"有邮件合并域「«{m[1] or m[2]}»」：Word 模板不用邮件合并，程序不会执行它；"
                "请删除这个域（选中后按 Delete），在原处写占位符，如 {{ clues }}"
                "（全部名称用 workreport stats --list 查看）",
            )
    hidden = "".join(
        t.text or ""
        for run in p.iter(qn("w:r"))
        if _shown_in(run, p) and _vanished(run)
        for t in run.iter(qn("w:t"))
    )
    if hidden.strip():
        words = hidden.strip()
        words = words if len(words) <= 16 else words[:16] + "…"
        raise TemplateError(
            where,
            None,
            f"有隐藏文字「{words}」：汇报稿不会带上隐藏文字，也不会悄悄删去；"
            "请选中后在“字体”中取消“隐藏”，或删除这些文字",
        )
    for m in _FULL_WIDTH.finditer(para.text):
        if _FULL_WIDTH_CHARS & set(m[0]):
            raise TemplateError(
                where,
                None,
                f"「{m[0]}」是全角括号或百分号（中文输入法输入的）：占位符和标记须用半角的 "
                "{{ }} 和 {% %}，请切换到英文输入法重新输入",
            )


def _vanished(run) -> bool:
    vanish = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
    return vanish is not None and vanish.get(qn("w:val"), "true") not in ("0", "false", "off")


def _style_kinds(styles) -> dict[str, str]:
    """Style id → the kind of paragraph it makes."""
    found = {}
    for el in styles.iterchildren(qn("w:style")):
        name = el.find(qn("w:name"))
        based = el.find(qn("w:basedOn"))
        found[el.get(qn("w:styleId"))] = (
            "" if name is None else name.get(qn("w:val"), ""),
            None if based is None else based.get(qn("w:val")),
        )

    def kind(style_id: str | None, depth: int = 0) -> str:
        if style_id is None or depth > 10:
            return BODY
        name, based = found.get(style_id, ("", None))
        key = re.sub(r"\s+", "", name).lower()
        return _BY_NAME.get(key) or _BY_ID.get(style_id) or kind(based, depth + 1)

    return {style_id: kind(style_id) for style_id in found}


def _pieces(p):
    """The paragraph's text, run by run, with each run's formatting: what a reader sees,
    so text deleted under tracked changes and text boxes anchored here are left out."""
    for run in p.iter(qn("w:r")):
        if not _shown_in(run, p):
            continue
        fmt = _format(run.find(qn("w:rPr")))
        for child in run:
            if child.tag == qn("w:t"):
                yield child.text or "", fmt
            elif child.tag == qn("w:tab"):
                yield "\t", fmt
            elif child.tag == qn("w:noBreakHyphen"):
                yield "-", fmt


_HIDDEN = {qn("w:del"), qn("w:moveFrom"), qn("w:p"), qn("w:txbxContent")}


def _shown_in(run, p) -> bool:
    for parent in run.iterancestors():
        if parent is p:
            return True
        if parent.tag in _HIDDEN:
            return False
    return False


def _format(rpr) -> str | None:
    if rpr is None:
        return None
    kept = OxmlElement("w:rPr")
    for child in rpr:
        name = etree.QName(child).localname
        if child.tag != qn(f"w:{name}") or name not in _KEPT:
            continue
        child = copy.deepcopy(child)
        if name == "rFonts":
            for attr in [a for a in child.attrib if a not in _FONT_SLOTS]:
                del child.attrib[attr]  # theme fonts and hints are Word's, not the analyst's
            if not len(child.attrib):
                continue
        kept.append(child)
    return etree.tostring(kept, encoding="unicode") if len(kept) else None


# --- rendering ------------------------------------------------------------------------


def template_source(paragraphs: list[Paragraph]) -> tuple[str, list[str | None]]:
    """The Jinja source (line N is paragraph N) and the formats its format marks stand for."""
    formats: dict[str | None, int] = {None: 0}
    lines = []
    for para in paragraphs:
        lines.append("" if para.kind == NOTE else _line(para, formats))
    return "\n".join(lines), list(formats)


def _line(para: Paragraph, formats: dict[str | None, int]) -> str:
    text = para.text
    marks = [formats.setdefault(fmt, len(formats)) for piece, fmt in para.pieces for _ in piece]
    head = chr(_PARAGRAPH_BASE + para.number)
    if para.row:  # a table row starts: after the {% for %} or {% if %} that repeats it
        head = ROW + head
    out = [] if para.row == ROW_TAG else [head]
    current = -1  # not known: the first text says its format

    def literal(start: int, end: int) -> None:
        nonlocal current
        for i in range(start, end):
            if marks[i] != current:
                out.append(format_mark(marks[i]))
                current = marks[i]
            out.append(text_in(text[i]))

    pos = 0
    for m in _JINJA.finditer(text):
        if not out:  # the row's own {% for %}: what is before it is blank
            out.extend([text_in(m[0].translate(_IN_TAGS)), head])
            pos = m.end()
            continue
        literal(pos, m.start())
        if m[0].startswith("{{"):  # what it prints takes the format given to it
            if marks[m.start()] != current:
                current = marks[m.start()]
                out.append(format_mark(current))
        else:
            # a block tag may drop the text after it ({% clause %}, {% if %}): the text
            # that follows states its own format again
            current = -1
        out.append(text_in(m[0].translate(_IN_TAGS)))
        pos = m.end()
    literal(pos, len(text))
    return "".join(out)


def render_word_template(path: Path, context: dict) -> Rendered:
    """Render a Word template like the .j2 section templates; an error names the
    paragraph (number and first words, or its table cell) and what is wrong."""
    path = Path(path)
    paragraphs, tables = read_template(path)
    source, formats = template_source(paragraphs)
    env = make_environment(
        path.parent,
        loader=FunctionLoader(lambda name: (source, str(path), lambda: True)),
    )
    try:
        text = render_one(env, path.parent, path.name, context)
    except TemplateError as e:
        if not e.line or e.line > len(paragraphs):
            raise
        para = paragraphs[e.line - 1]
        message = str(e).split("：", 2)[-1]
        raise TemplateError(para.place(path.name), None, message) from e
    # a row repeated by its {% for %} starts where the one before it ends
    text = re.sub(f"(?<!\n){ROW}", "\n" + ROW, text)
    numbers, lines = [], []
    number = 0
    for line in text.split("\n"):
        found = _PARAGRAPH.findall(line)
        if found:
            number = ord(found[-1]) - _PARAGRAPH_BASE
            line = _PARAGRAPH.sub("", line)
        # (paragraph, whether it has a mark of its own, whether a table row starts)
        numbers.append((number, bool(found), line.startswith(ROW)))
        lines.append(line.replace(ROW, ""))
    try:
        resolved, omitted = resolve_zeros("\n".join(lines))
    except ValueError as e:
        raise TemplateError(path.name, None, str(e)) from e
    return _assemble(path, paragraphs, tables, numbers, resolved.split("\n"), formats, omitted)


def _assemble(path, paragraphs, tables, numbers, lines, formats, omitted) -> Rendered:
    title, signature, blocks = None, None, []
    table: _TableOut | None = None
    for (number, own, row_starts), line in zip(numbers, lines, strict=True):
        para = paragraphs[number - 1] if number else None
        if para is not None and para.cell is not None:
            if not own and not to_text(line).strip():
                continue  # the line break after a tag
            t, r, c = para.cell
            if table is None or table.source is not tables[t]:
                if table is not None:
                    blocks.append(table.block())
                table = _TableOut(tables[t], paragraphs, formats, path.name)
            table.add(r, c, para, line, row_starts)
            continue
        if table is not None:
            blocks.append(table.block())
            table = None
        kind = para.kind if para else BODY
        plain = to_text(line).strip()  # to_spans reads the format marks
        if not plain or kind == NOTE:
            continue
        if kind == TITLE:
            if title is not None:
                raise TemplateError(
                    para.place(path.name),
                    None,
                    "只能有一段用「标题」样式（汇报稿的标题）；其他段落请改用「标题 1」「标题 2」或「正文」",
                )
            title = plain
        elif kind == SIGNATURE:
            # the first 落款 line is the organisation; the date beneath it is the tool's
            signature = plain if signature is None else signature
        elif kind in (HEADING1, HEADING2, HEADING3):
            blocks.append(Block(kind, to_spans(line.strip(), formats)))
        else:
            try:
                blocks.append(block_of(line, formats))
            except ValueError as e:  # a {{ chart(…) }} with words beside it
                raise TemplateError(para.place(path.name), None, str(e)) from e
    if table is not None:
        blocks.append(table.block())
    return Rendered(title, blocks, signature, omitted)


class _TableOut:
    """A table of the template as rendered: its rows (a row repeated once per item)."""

    def __init__(self, source: TemplateTable, paragraphs, formats, name: str):
        self.source, self.paragraphs, self.formats, self.name = source, paragraphs, formats, name
        self.rows: list[tuple[int, list[list[tuple[Paragraph, str]]]]] = []

    def add(self, r: int, c: int, para: Paragraph, line: str, row_starts: bool) -> None:
        if row_starts or not self.rows or self.rows[-1][0] != r:
            self.rows.append((r, [[] for _ in self.source.rows[r][1]]))
        self.rows[-1][1][c].append((para, line))

    def block(self) -> Block:
        spans: list = []
        rows = []
        for r, cells in self.rows:
            trpr, shapes = self.source.rows[r]
            out_cells = []
            for (tcpr, numbers), found in zip(shapes, cells, strict=True):
                out = []
                for para, line in found:
                    plain = to_text(line).strip()
                    if not plain and para.text.strip():
                        continue  # a paragraph of tags only: {% if … %}
                    if CHART in without_formats(line):
                        raise TemplateError(
                            para.place(self.name), None, "{{ chart(…) }} 不能放在表格中，请单独成段"
                        )
                    cell_spans = to_spans(line.strip(), self.formats)
                    spans.extend(cell_spans)
                    out.append(CellParagraph(para.ppr, len(cell_spans)))
                if not out:  # a cell holds at least one paragraph
                    first = self.paragraphs[numbers[0] - 1].ppr if numbers else None
                    out.append(CellParagraph(first, 0))
                out_cells.append(Cell(tcpr, tuple(out)))
            rows.append(Row(trpr, tuple(out_cells)))
        table = BodyTable(self.source.tblpr, self.source.grid, tuple(rows), self.source.styles)
        return Block(TABLE_BLOCK, tuple(spans), table=table)


def to_text(line: str) -> str:
    """A rendered line as it reads: each figure's text, no marks."""
    return "".join(s.text for s in to_spans(line))


# --- the default template -------------------------------------------------------------

NOTES = (
    "使用说明（这几段灰色底纹的文字是「使用说明」样式，不会出现在汇报稿中）：",
    "1. 直接修改本文件的文字，保存后运行 workreport build 收文 -o 汇报.docx，即按本模板生成汇报稿。"
    "文字加粗、下划线、改字体等格式会带到稿中。",
    "2. 双花括号中是由台账计算的数字，如 {{ clues }}（受理问题线索数）、"
    "{{ activities.走访单位 }}、{{ talks.廉政谈话 | approx }}（约数，如 450余）。"
    "可以删除、移动或复制，括号里的名称不要改动；全部名称用 workreport stats --list 查看。"
    "{{ period.since }} 是“今年以来”“一季度”这样随统计期间变化的说法，{{ level }} 是“市”“县”等级别。",
    "3. {% clause %}……{% endclause %} 之间的文字，在其中的数字全为 0 时连同一个相邻的标点一起省略；"
    '{% item "一是" %}……{% enditem %} 是自动编号的一项（一是、二是……，省略的项不占编号）。',
    "4. 某几段只在满足条件时保留：在它们前后各加一段，前一段只写 {% if activities.走访单位 > 0 %}，"
    "后一段只写 {% endif %}。表格的单元格中同样可以写占位符；表格的一行按每一项重复时，"
    "在这一行第一列的开头写 {% for name in talks %}，最后一列的末尾写 {% endfor %}。",
    "5. 段落样式：汇报稿标题用「标题」，一、二、……用「标题 1」，（一）（二）……单独成行的小标题用「标题 2」，"
    "其余用「正文」（以“（一）……。”开头的正文段，句号前的文字自动成为楷体小标题）；"
    "落款用「落款」样式，其下的成文日期由程序写入。",
    "6. 出错时，提示会指出第几段（从文件开头数起，空段也算，表格中的段落不算）和该段开头的文字；"
    "表格中的段落指出第几个表格第几行第几列。",
)


def default_word_template(templates: Path, style: StyleConfig, preset: str = "汇报") -> bytes:
    """The default 模板.docx of a template set (汇报 or 通报): its .j2 templates, line by
    line, as paragraphs in the report's layout, with the 使用说明 on top (one source of
    truth: the .j2 files)."""
    import io

    from .docx import styled_document, word_template_styles
    from .sections import _HEADING1

    document = styled_document(style)
    ids = word_template_styles(document, style)

    def add(text: str, style_id: str | None = None) -> None:
        para = document.add_paragraph(text)
        if style_id:
            para._p.get_or_add_pPr().style = style_id

    for note in NOTES:
        add(note, ids["note"])
    add("{{ title }}", ids["title"])
    add("")  # 公文 leave one blank line under the title
    for name in sorted(p.name for p in templates.glob(SECTION_GLOB)):
        for raw in (templates / name).read_text(encoding="utf-8-sig").splitlines():
            line = raw.strip()
            if not line or re.fullmatch(r"\{#.*?#\}", line):
                continue
            add(line, ids["heading1"] if _HEADING1.match(line) else None)
    add("")
    add("{{ organisation }}", ids["signature"])
    add("{{ signed }}", ids["signature"])
    document.core_properties.title = f"{preset}稿模板"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
