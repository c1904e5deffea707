"""The report as plain data, between the templates and Word.

Sections render to :class:`Block` s whose text is split into :class:`Span` s; a
span that shows a figure carries the figure's id, so the Word writer can tag it
(a content control) and ``refresh`` can find it again later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

HEADING1, HEADING2, HEADING3, BODY = "heading1", "heading2", "heading3", "body"


@dataclass(frozen=True)
class Span:
    text: str
    figure_id: str | None = None  # set when this text shows a figure
    missing: bool = False  # a 【待补充：…】 placeholder: highlighted in Word


@dataclass(frozen=True)
class Block:
    """One paragraph.  ``lead`` is a run-in heading such as 「（一）持续强化政治监督。」."""

    kind: str
    spans: tuple[Span, ...]
    lead: tuple[Span, ...] = ()
    lead_kind: str = HEADING2

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.lead + self.spans)


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the last row is the 合计 row
    note: str = ""


@dataclass(frozen=True)
class ReportDocument:
    title: str
    blocks: tuple[Block, ...]
    organisation: str
    date: date
    appendix: Table | None = None
    properties: dict[str, str] = field(default_factory=dict)  # custom document properties

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)
