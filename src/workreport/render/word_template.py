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
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from jinja2 import FunctionLoader
from lxml import etree

from ..config import StyleConfig
from ..errors import TemplateError
from .document import BODY, HEADING1, HEADING2, HEADING3, Block, Tag
from .sections import (
    SECTION_GLOB,
    block_of,
    format_mark,
    make_environment,
    render_one,
    resolve_zeros,
    text_in,
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
    number: int  # 1-based, among the paragraphs of the body
    kind: str
    pieces: tuple[tuple[str, str | None], ...]  # (text, the run's kept w:rPr as XML)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)

    def opening(self, width: int = 16) -> str:
        """The first words, to say which paragraph an error is in."""
        text = self.text.strip()
        return text if len(text) <= width else text[:width] + "…"


@dataclass(frozen=True)
class Rendered:
    """What a Word template says: the title, the blocks, the 落款 (first line)."""

    title: str | None
    blocks: list[Block]
    signature: str | None
    omitted: list[Tag]


def read_template(path: Path) -> list[Paragraph]:
    """The body's paragraphs, under the zip limits of every .docx the tool opens."""
    from ..draft import read_docx

    document = read_docx(path, "（Word 模板）")
    kinds = _style_kinds(document.styles.element)
    paragraphs: list[Paragraph] = []
    for p in _body_paragraphs(document.element.body, path, paragraphs):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        kind = kinds.get(style.get(qn("w:val")), BODY) if style is not None else BODY
        paragraphs.append(Paragraph(len(paragraphs) + 1, kind, tuple(_pieces(p))))
        if len(paragraphs) > _MAX_PARAGRAPHS:
            raise TemplateError(path.name, None, f"段落超过 {_MAX_PARAGRAPHS} 段，不像是汇报模板")
    return paragraphs


def _body_paragraphs(body, path: Path, seen: list[Paragraph]):
    for child in body:
        if child.tag == qn("w:p"):
            yield child
        elif child.tag == qn("w:sdt"):  # a content control around whole paragraphs
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_paragraphs(content, path, seen)
        elif child.tag == qn("w:tbl"):
            after = f"第{seen[-1].number}段（「{seen[-1].opening()}」）之后" if seen else "开头"
            raise TemplateError(
                path.name,
                None,
                f"{after}有一个表格：Word 模板中不能放表格（附表由程序生成），请删除或改为文字",
            )


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
    out = [chr(_PARAGRAPH_BASE + para.number)]
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
    paragraph (number and first words) and what is wrong."""
    path = Path(path)
    paragraphs = read_template(path)
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
        where = f"{path.name} 第{para.number}段（「{para.opening()}」）"
        raise TemplateError(where, None, message) from e
    numbers, lines = [], []
    number = 0
    for line in text.split("\n"):
        found = _PARAGRAPH.findall(line)
        if found:
            number = ord(found[-1]) - _PARAGRAPH_BASE
            line = _PARAGRAPH.sub("", line)
        numbers.append(number)
        lines.append(line)
    try:
        resolved, omitted = resolve_zeros("\n".join(lines))
    except ValueError as e:
        raise TemplateError(path.name, None, str(e)) from e
    return _assemble(path, paragraphs, numbers, resolved.split("\n"), formats, omitted)


def _assemble(path, paragraphs, numbers, lines, formats, omitted) -> Rendered:
    title, signature, blocks = None, None, []
    for number, line in zip(numbers, lines, strict=True):
        kind = paragraphs[number - 1].kind if number else BODY
        plain = to_text(line).strip()  # to_spans reads the format marks
        if not plain or kind == NOTE:
            continue
        if kind == TITLE:
            if title is not None:
                para = paragraphs[number - 1]
                raise TemplateError(
                    f"{path.name} 第{number}段（「{para.opening()}」）",
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
                para = paragraphs[number - 1]
                where = f"{path.name} 第{number}段（「{para.opening()}」）"
                raise TemplateError(where, None, str(e)) from e
    return Rendered(title, blocks, signature, omitted)


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
    "后一段只写 {% endif %}。",
    "5. 段落样式：汇报稿标题用「标题」，一、二、……用「标题 1」，（一）（二）……单独成行的小标题用「标题 2」，"
    "其余用「正文」（以“（一）……。”开头的正文段，句号前的文字自动成为楷体小标题）；"
    "落款用「落款」样式，其下的成文日期由程序写入。",
    "6. 出错时，提示会指出第几段（从文件开头数起，空段也算）和该段开头的文字。",
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
