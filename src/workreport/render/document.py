"""The report as plain data, between the templates and Word.

Sections render to :class:`Block` s whose text is split into :class:`Span` s; a
span that shows a figure carries its :class:`Tag`, so the draft can mark it in
the .docx and ``refresh`` can find it again later (how a tag is stored in the
file is the draft's business: :mod:`workreport.draft`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from ..period import chinese_date

HEADING1, HEADING2, HEADING3, BODY = "heading1", "heading2", "heading3", "body"
CHART = "chart"  # a native Word chart and its caption (图1 …): docs/templates.md, 图表
TABLE = "table"  # a table of a Word template, its cells rendered (docs/templates.md, Word 模板)


FIGURE, PERIOD, DATE = "figure", "period", "date"  # what a tag stands for
# a tagged span in a paragraph's skeleton: a NUL never reaches a .docx (xml_safe drops it)
SKELETON_SLOT = "\x00"
VALUE = "value"


@dataclass(frozen=True, order=True)
class Tag:
    """What a span of the report stands for, so it can be found and rewritten later.

    ``id`` is a figure id (``activities.走访单位``) or an expression over figures
    (``forms_1 + forms_2``); ``format`` is how it is phrased (``value``, ``approx``,
    ``pct``, ``yoy``); ``kind`` says what sort of thing it is: a figure (the years of
    the period are figures too), a period word (``since``, ``label`` …) or the
    signing date.
    """

    id: str
    format: str = VALUE
    kind: str = FIGURE

    def figures(self) -> set[str]:
        """The figures this tag shows, a grouped one by its group's id
        (``forms_1 + sanctioned_by_rank.县处级`` → forms_1, sanctioned_by_rank)."""
        if self.kind != FIGURE:
            return set()
        terms = re.split(r" [+-] ", self.id)
        return {t.partition(".")[0] for t in terms if not re.fullmatch(r"\d+(?:\.\d+)?", t)}


@dataclass(frozen=True)
class Span:
    text: str
    tag: Tag | None = None  # set when this text shows a figure
    missing: bool = False  # a 【待补充：…】 placeholder: highlighted in Word
    partial: bool = False  # a figure of only some units, not accepted: highlighted too
    prompt: bool = False  # a 【请填写：…】 the analyst writes over: highlighted too

    @property
    def highlighted(self) -> bool:
        """Whether Word shows it highlighted: what must be filled in or settled
        (docs/figures.md)."""
        return self.missing or self.partial or self.prompt

    zero: bool = False  # a figure whose value is 0
    # character formatting the analyst gave this text in a Word template: a w:rPr's XML,
    # laid over the report's fonts (docs/templates.md, Word 模板)
    rpr: str | None = None


@dataclass(frozen=True)
class ChartData:
    """What a chart plots: integer counts by category (charts.py says which figures)."""

    name: str  # ranks, forms: the chart(…) name of a template
    caption: str  # 处分人员职级构成; numbered 图1, 图2 … in document order
    kind: str  # pie or column
    series: str  # the series' name: 处分人数, 人次
    points: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CellParagraph:
    """A paragraph of a table cell: its w:pPr as the template has it, and how many of the
    table block's spans it holds (the next ``count`` after the paragraphs before it)."""

    ppr: str | None
    count: int


@dataclass(frozen=True)
class Cell:
    tcpr: str | None  # the cell's w:tcPr XML: width, merge, shading, borders
    paragraphs: tuple[CellParagraph, ...]


@dataclass(frozen=True)
class Row:
    trpr: str | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class BodyTable:
    """A table of a Word template as the draft shows it: the template's look (w:tblPr,
    w:tblGrid, its table style) around the rendered cells.  The text of every cell is
    the block's spans, in document order, so figures in cells are tagged like any."""

    tblpr: str | None
    grid: str | None
    rows: tuple[Row, ...]
    styles: tuple[str, ...] = ()  # the w:style XML of its table style and those it is based on


@dataclass(frozen=True)
class Block:
    """One paragraph.  ``lead`` is a run-in heading such as 「（一）持续强化政治监督。」."""

    kind: str
    spans: tuple[Span, ...]
    lead: tuple[Span, ...] = ()
    lead_kind: str = HEADING2
    # a CHART block: the chart's name as the template gives it, then its data; its spans
    # are the caption beneath it
    chart_name: str = ""
    chart: ChartData | None = None
    table: BodyTable | None = None  # a TABLE block: its spans are the cells' text

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.lead + self.spans)

    @property
    def skeleton(self) -> str:
        """The text with each tagged span (a figure, a period's words) as one SKELETON_SLOT:
        what stays the same when the figures change (check, C324)."""
        return "".join(SKELETON_SLOT if s.tag else s.text for s in self.lead + self.spans)


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the last row is the 合计 row
    note: str = ""
    subtitle: tuple[Span, ...] = ()  # beneath the title: （2022年1月1日—6月30日）


@dataclass(frozen=True)
class ReportDocument:
    title: str
    blocks: tuple[Block, ...]
    organisation: str
    date: date
    appendix: Table | None = None
    omitted: tuple[Tag, ...] = ()  # figures the template left out because they were 0
    unknown: tuple[Tag, ...] = ()  # missing figures a {% known %} left out (the 通报)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    def spans(self) -> list[Span]:
        """Every span, in document order: the body, the signing date, the appendix's."""
        found = [s for b in self.blocks for s in b.lead + b.spans]
        found.append(self.signed)
        if self.appendix is not None:
            found.extend(self.appendix.subtitle)
        return found

    @property
    def signed(self) -> Span:
        """The 成文日期 under the closing, tagged so that refresh can rewrite it."""
        return Span(chinese_date(self.date), Tag("signed", kind=DATE))

    def tagged_texts(self) -> dict[Tag, list[str]]:
        """Each tag → the texts printed for it, in document order."""
        texts: dict[Tag, list[str]] = {}
        for span in (s for s in self.spans() if s.tag):
            texts.setdefault(span.tag, []).append(span.text)
        return texts

    def charts(self) -> dict[str, list[list]]:
        """Each chart's [category, value] pairs, as a draft records them."""
        return {b.chart.name: [list(p) for p in b.chart.points] for b in self.blocks if b.chart}

    def zeros(self) -> list[tuple[Tag, str]]:
        """(tag, paragraph) of every figure of 0 still in the body's prose (a table of a
        Word template shows its zeros as any statistics table does)."""
        prose = (b for b in self.blocks if b.kind != TABLE)
        return [(s.tag, b.text) for b in prose for s in b.lead + b.spans if s.zero]

    def figures(self) -> set[str]:
        """Every figure the draft shows (``Tag.figures``)."""
        return {fid for s in self.spans() if s.tag for fid in s.tag.figures()}

    def with_partial(self, partial: set[str]) -> ReportDocument:
        """The same report with every span of a figure in ``partial`` highlighted."""

        def mark(spans):
            return tuple(
                replace(s, partial=True) if s.tag and s.tag.figures() & partial else s
                for s in spans
            )

        blocks = tuple(replace(b, lead=mark(b.lead), spans=mark(b.spans)) for b in self.blocks)
        return replace(self, blocks=blocks)

    def placeholders(self) -> list[str]:
        """The 【待补充：…】 texts, each once, in document order."""
        return list(
            dict.fromkeys(s.text for b in self.blocks for s in b.lead + b.spans if s.missing)
        )
