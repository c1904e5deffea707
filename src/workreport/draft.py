"""The draft: a generated report as a .docx, and what it carries to be found again.

A draft is the Word document of a :class:`~workreport.render.document.ReportDocument`
plus its *stamp*, everything ``refresh``, ``diff`` and ``build`` need later:

- each printed figure is marked with its :class:`Tag`, so it can be found and
  rewritten while the words around it stay the analyst's;
- the appendix table is named, so it can be found and rewritten;
- a :class:`Stamp` records the tool version, the period, every figure's value,
  each input file's SHA-256, the text written into each tag, the appendix's
  fingerprint and a fingerprint of the content as written, so a draft touched
  by a person is never overwritten (docs/drafts.md).

How all this is stored in the file is private to this module: callers work
with :class:`Draft`, :class:`Stamp`, :class:`Slot` and :class:`Appendix`.
Storage: an inline content control whose ``w:tag`` is ``id`` or ``id|format``
(what Word keeps) holding a bookmark ``wr_0001``… around the figure's run (what
LibreOffice keeps: it drops the controls' tags), each bookmark mapped to its tag
in a custom property ``workreport.bookmark.wr_0001``; the appendix table's
caption ``workreport.appendix`` and a bookmark ``wr_appendix`` in its first
cell; one custom document property per recorded item (Word keeps at most 255
characters of one).  Drafts of 0.1.0 have content controls only, and still work.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import count
from pathlib import Path

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from . import __version__
from .config import StyleConfig
from .docxfile import open_docx
from .errors import OutputError, UsageError, WorkreportError, clip, reason
from .period import Period, parse_period
from .render.document import DATE, FIGURE, PERIOD, VALUE, ReportDocument, Table, Tag
from .write import ensure_not_open, write_atomic

_PREFIX = "workreport."
_VERSION, _PERIOD, _DATE = f"{_PREFIX}version", f"{_PREFIX}period", f"{_PREFIX}date"
_OMITTED = f"{_PREFIX}omitted#"
_FIGURE, _INPUT, _TAG = f"{_PREFIX}figure.", f"{_PREFIX}input.", f"{_PREFIX}tag."
_APPENDIX, _EDITED, _FINGERPRINT = f"{_PREFIX}appendix", f"{_PREFIX}edited", f"{_PREFIX}fingerprint"
_BOOKMARK = f"{_PREFIX}bookmark."
_PARTIAL, _ACCEPTED = f"{_PREFIX}partial.", f"{_PREFIX}partial_ok#"
_DEFAULT = f"{_PREFIX}default#"
# a figure's text is a run or a few (Word and WPS split runs at proofing marks): a
# bookmark around more is a person's or a hostile draft's, never a figure's
MAX_FIGURE_RUNS = 64
_CHART = f"{_PREFIX}chart#"
_APPENDIX_CAPTION = "workreport.appendix"  # the table's own name, which Word keeps
# Word bookmark names match [A-Za-z][A-Za-z0-9_]{0,39} and are unique: generated, then
# mapped to tags in the properties (a tag such as "forms_1 + forms_2|pct" is no name)
_BOOKMARK_NAME = "wr_{:04d}"
_APPENDIX_BOOKMARK = "wr_appendix"  # LibreOffice drops the table caption, keeps bookmarks
_REVISION = frozenset({qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")})

_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one fmtid Office uses
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_MAX_PART = 64 * 1024 * 1024


@dataclass
class Stamp:
    """What a draft records about itself."""

    period: str = ""  # the period as ``2022-01-01..2022-06-30``
    signed: str = ""  # the 成文日期, 2022-07-05: refresh keeps it unless told otherwise
    figures: dict[str, object] = field(default_factory=dict)  # flat figure id → value
    inputs: dict[str, str] = field(default_factory=dict)  # input file → SHA-256
    # what the tool wrote into each tag, in document order: a text that differs later
    # was typed by a person, a missing occurrence was deleted by one
    written: dict[Tag, list[str]] = field(default_factory=dict)
    appendix: str = ""  # fingerprint of the appendix table as the tool wrote it
    edited: bool | None = None  # a refresh kept hand edits (None: never refreshed)
    fingerprint: str = ""  # of the content as the tool wrote it
    # figures the template left out because they were 0: refresh says when one no longer is
    omitted: list[Tag] = field(default_factory=list)
    # figures counted from only some units → the units that did not report (docs/figures.md), and
    # those of them the analyst accepted ([figures] partial_ok): check reads them from here
    partial: dict[str, list[str]] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)
    # skeleton_digest of each paragraph the shipped default templates would write for these
    # figures: a paragraph of the draft still the same is the default's text (check, C324)
    defaults: list[str] = field(default_factory=list)
    # each chart's (category, value) pairs as the tool drew them: a chart that shows
    # others was edited by a person, and refresh leaves it alone (docs/drafts.md, 图表)
    charts: dict[str, list[list]] = field(default_factory=dict)
    version: str = __version__
    others: dict[str, str] = field(default_factory=dict)  # properties a person added

    def own_period(self) -> Period | None:
        """The period the draft was made for (None: it records none)."""
        return parse_period(self.period) if self.period else None

    def own_signed(self) -> date | None:
        """The 成文日期 the draft carries (None: it records none)."""
        if not self.signed:
            return None
        try:
            return date.fromisoformat(self.signed)
        except ValueError as e:  # a property edited by hand or by another program
            raise UsageError(f"稿件记录的成文日期「{clip(self.signed)}」无法识别") from e

    @classmethod
    def from_properties(cls, props: dict[str, str]) -> Stamp:
        written: dict[Tag, dict[int, str]] = {}
        for key, value in props.items():
            name, sep, n = key[len(_TAG) :].rpartition("#")
            if key.startswith(_TAG) and sep and n.isdigit():
                written.setdefault(_read_tag(name), {})[int(n)] = value
        edited = props.get(_EDITED)
        omitted = {
            int(k[len(_OMITTED) :]): _read_tag(v)
            for k, v in props.items()
            if k.startswith(_OMITTED) and k[len(_OMITTED) :].isdigit()
        }
        partial: dict[str, dict[int, str]] = {}
        for key, value in props.items():
            fid, sep, n = key[len(_PARTIAL) :].rpartition("#")
            if key.startswith(_PARTIAL) and sep and n.isdigit():
                partial.setdefault(fid, {})[int(n)] = value
        accepted = {
            int(k[len(_ACCEPTED) :]): v
            for k, v in props.items()
            if k.startswith(_ACCEPTED) and k[len(_ACCEPTED) :].isdigit()
        }
        defaults = {
            int(k[len(_DEFAULT) :]): v
            for k, v in props.items()
            if k.startswith(_DEFAULT) and k[len(_DEFAULT) :].isdigit()
        }
        return cls(
            period=props.get(_PERIOD, ""),
            defaults=[defaults[n] for n in sorted(defaults)],
            partial={fid: [units[n] for n in sorted(units)] for fid, units in partial.items()},
            accepted=[accepted[n] for n in sorted(accepted)],
            signed=props.get(_DATE, ""),
            charts=_charts(props),
            omitted=[omitted[n] for n in sorted(omitted)],
            figures={
                k[len(_FIGURE) :]: _json(v) for k, v in props.items() if k.startswith(_FIGURE)
            },
            inputs={k[len(_INPUT) :]: v for k, v in props.items() if k.startswith(_INPUT)},
            written={tag: [texts[n] for n in sorted(texts)] for tag, texts in written.items()},
            appendix=props.get(_APPENDIX, ""),
            edited=None if edited is None else edited == "1",
            fingerprint=props.get(_FINGERPRINT, ""),
            version=props.get(_VERSION, ""),
            others={k: v for k, v in props.items() if not k.startswith(_PREFIX)},
        )

    def properties(self) -> dict[str, str]:
        props = {**self.others, _VERSION: self.version, _PERIOD: self.period}
        if self.signed:
            props[_DATE] = self.signed
        for fid, value in self.figures.items():
            props[f"{_FIGURE}{fid}"] = json.dumps(value)
        for name, digest in self.inputs.items():
            props[f"{_INPUT}{name}"] = digest
        for name, texts in sorted((_tag_value(t), texts) for t, texts in self.written.items()):
            # one property per occurrence: a tag printed many times stays under 255 characters
            for n, text in enumerate(texts, start=1):
                props[f"{_TAG}{name}#{n}"] = text
        for n, tag in enumerate(self.omitted, start=1):
            props[f"{_OMITTED}{n}"] = _tag_value(tag)
        for fid, units in self.partial.items():
            # one property per unit: many units stay under Word's 255 characters
            for n, unit in enumerate(units, start=1):
                props[f"{_PARTIAL}{fid}#{n}"] = unit
        for n, fid in enumerate(self.accepted, start=1):
            props[f"{_ACCEPTED}{n}"] = fid
        for n, digest in enumerate(self.defaults, start=1):
            props[f"{_DEFAULT}{n}"] = digest
        for n, (name, points) in enumerate(self.charts.items(), start=1):
            # numbered: the charts' order in the document is kept (Draft.charts)
            props[f"{_CHART}{n}"] = json.dumps([name, points], ensure_ascii=False)
        if self.appendix:
            props[_APPENDIX] = self.appendix
        props[_FINGERPRINT] = self.fingerprint
        if self.edited is not None:
            props[_EDITED] = "1" if self.edited else "0"
        return props


class Slot:
    """One place in the draft that shows a tag: the runs inside its content control,
    or between its bookmark's start and end when the control lost its tag."""

    def __init__(self, tag: Tag, runs: list, anchor, *, inside: bool):
        self.tag = tag
        self._runs = runs
        self._anchor = anchor  # where a run goes when none is left: into it, or after it
        self._inside = inside

    @property
    def text(self) -> str:
        """What the draft shows here (text deleted under tracked changes left out)."""
        return "".join(t.text or "" for run in self._runs for t in run.iter(qn("w:t")))

    @property
    def paragraph(self) -> str:
        """The text of the paragraph it stands in (to say where a warning points)."""
        anchor = self._runs[0] if self._runs else self._anchor
        p = anchor if anchor.tag == qn("w:p") else next(anchor.iterancestors(qn("w:p")), None)
        return "" if p is None else "".join(t.text or "" for t in p.iter(qn("w:t")))

    @property
    def revised(self) -> bool:
        """Whether a tracked insertion or deletion lies inside."""
        for run in self._runs:
            for parent in run.iterancestors():
                if parent.tag in _REVISION:
                    return True
                if parent.tag == qn("w:p"):
                    break
        return False

    @property
    def highlighted(self) -> bool:
        """Whether its runs are highlighted (a 【待补充】, a partial figure)."""
        return any(run.find(f"{qn('w:rPr')}/{qn('w:highlight')}") is not None for run in self._runs)

    def rewrite(self, text: str, highlight: bool) -> None:
        """Show ``text`` in the first run, keeping its formatting, and empty the others
        (Word and WPS split a figure into several runs); a 【待补充】 placeholder or a
        figure of only some units not accepted is highlighted, a plain figure is not
        (docs/drafts.md)."""
        from .render.docx import xml_safe

        texts = [t for run in self._runs for t in run.iter(qn("w:t"))]
        if not texts:
            if not self._runs:
                run = OxmlElement("w:r")
                if self._inside:
                    self._anchor.append(run)
                else:
                    self._anchor.addnext(run)
                self._runs.append(run)
            texts = [OxmlElement("w:t")]
            self._runs[0].append(texts[0])
        texts[0].text = xml_safe(text)
        texts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for t in texts[1:]:
            t.text = ""
        for run in self._runs:
            rpr = run.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                run.insert(0, rpr)
            mark = rpr.find(qn("w:highlight"))
            if highlight and mark is None:
                mark = OxmlElement("w:highlight")
                mark.set(qn("w:val"), "yellow")
                rpr.append(mark)
            elif not highlight and mark is not None:
                rpr.remove(mark)


@dataclass(frozen=True)
class CellChange:
    """One cell of the appendix that a refresh changed (old or new is "" for a row
    that came or went)."""

    unit: str
    column: str
    old: str
    new: str


class Appendix:
    """The appendix table 各单位主要指标统计表 inside a draft."""

    def __init__(self, table):
        self._table = table

    def cells(self) -> list[list[str]]:
        return [[c.text for c in row.cells] for row in self._table.rows]

    def changes(self, fresh: Table) -> list[CellChange]:
        """The cells ``rewrite(fresh)`` changes, unit by unit (合计 included)."""
        header, *rows = self.cells()
        old = {row[0].strip(): row for row in rows}
        new = {row[0]: row for row in fresh.rows}
        found = []
        for unit in dict.fromkeys([*old, *new]):
            before, after = old.get(unit), new.get(unit)
            for i, column in enumerate(header[1:], start=1):
                a = before[i] if before is not None and i < len(before) else ""
                b = after[i] if after is not None and i < len(after) else ""
                if a != b:  # a header's lines are one name (受理\n线索 → 受理线索)
                    found.append(CellChange(unit, column.replace("\n", ""), a, b))
        return found

    @property
    def fingerprint(self) -> str:
        cells = self.cells()
        return appendix_fingerprint(cells[0], cells[1:]) if cells else ""

    def rewrite(self, fresh: Table) -> None:
        """Put ``fresh``'s figures in, row by unit; a unit that sent nothing this time
        loses its row, a new unit gets one before the 合计 row."""
        from docx.table import _Row

        body = list(self._table.rows)[1:]
        pattern = copy.deepcopy(body[0]._tr)
        total = body[-1]._tr
        wanted = {row[0]: row for row in fresh.rows}
        for row in body:
            values = wanted.pop(row.cells[0].text.strip(), None)
            if values is None:
                total.getparent().remove(row._tr)
            else:
                _fill(row, values)
        for values in wanted.values():
            tr = copy.deepcopy(pattern)
            total.addprevious(tr)
            _fill(_Row(tr, self._table), values)


def pairing_of(stamp: Stamp) -> str:
    """What a 数据底稿 records of the draft it was written with: the fingerprint of the
    draft's content as written, its period and its inputs.  A hand edit keeps it (the
    draft's own record does not change); every write by the tool makes a new one
    (docs/drafts.md, 数据底稿与稿件)."""
    text = json.dumps([stamp.fingerprint, stamp.period, sorted(stamp.inputs.items())])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def skeleton_digest(skeleton: str) -> str:
    """A short digest of a paragraph's skeleton (``Block.skeleton``): 64 bits tell some
    thirty paragraphs apart, and a draft's properties stay small."""
    return hashlib.sha256(skeleton.encode("utf-8")).hexdigest()[:16]


def appendix_fingerprint(header, rows) -> str:
    """SHA-256 of the appendix's cell texts: tells whether a person changed the table."""
    text = "\n".join("\t".join(cells) for cells in (header, *rows))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _charts(props: dict[str, str]) -> dict[str, list[list]]:
    """workreport.chart#<n> → [name, points], in the order the draft shows the charts."""
    found = {}
    for key, value in props.items():
        n = key[len(_CHART) :]
        if key.startswith(_CHART) and n.isdigit():
            entry = _json(value)
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str):
                found[int(n)] = entry
    return {found[n][0]: found[n][1] for n in sorted(found)}


class ChartSlot:
    """One chart of the draft: its chart part, and the workbook embedded behind it."""

    def __init__(self, name: str, part):
        self.name = name
        self._part = part

    @property
    def points(self) -> list[list]:
        """[category, value] pairs as the chart shows them (its data as Word last wrote it)."""
        from .render.chart import read_points

        return [list(p) for p in read_points(self._part.blob)]

    def rewrite(self, chart) -> None:
        """Show ``chart``'s values (a ChartData), the chart's formatting kept."""
        from .render.chart import rewrite_points

        xml, workbook = rewrite_points(self._part.blob, chart)
        self._part._blob = xml
        for rel in self._part.rels.values():
            if rel.reltype == RT.PACKAGE and not rel.is_external:
                rel.target_part._blob = workbook


class Draft:
    """A report as a Word document with its stamp: create, open, rewrite, save."""

    def __init__(
        self,
        document,
        stamp: Stamp,
        source: bytes | None = None,
        bookmarks: dict[str, str] | None = None,
    ):
        self.document = document  # python-docx Document
        self.stamp = stamp
        self._source = source  # the file as opened, to tell whether a person changed it
        self._bookmarks = dict(bookmarks or {})  # bookmark name → tag value

    @classmethod
    def create(cls, doc: ReportDocument, stamp: Stamp, style: StyleConfig) -> Draft:
        """A new draft of ``doc``, every figure and the appendix marked."""
        from .render.docx import build_document

        marks = _Marks()
        return cls(build_document(doc, style, marks), stamp, bookmarks=marks.bookmarks)

    @classmethod
    def open(cls, path: Path, *, purpose: str = "") -> Draft:
        """A draft written by this tool; anything else is an error (``purpose`` ends it)."""
        document, source = open_docx(path, purpose)
        props = _read_properties(document, path)
        stamp = Stamp.from_properties(props)
        if not stamp.version:
            raise OutputError(
                f"{Path(path).name} 不是 workreport 生成的稿件（没有嵌入的指标信息）{purpose}。"
            )
        bookmarks = {k[len(_BOOKMARK) :]: v for k, v in props.items() if k.startswith(_BOOKMARK)}
        return cls(document, stamp, source, bookmarks)

    @property
    def edited(self) -> bool:
        """Whether the draft holds work the tool did not write: its content no longer
        matches the fingerprint it was written with, or a refresh kept hand edits."""
        if self._source is None:
            return False
        return bool(self.stamp.edited) or self.stamp.fingerprint != _fingerprint(self._source)

    def slots(self) -> list[Slot]:
        """Every place that shows a tag, in document order: a content control that
        keeps its tag, else one of our bookmarks (each figure counted once)."""
        return [slot for slot, _ in self._places()]

    def _places(self) -> list[tuple[Slot, bool]]:
        """(slot, whether it carries our bookmark), in document order.

        A figure's bookmark ends in its own paragraph, around a few runs: one that never
        ends, ends in another paragraph or spans more than MAX_FIGURE_RUNS runs is not a
        figure's (a hostile draft's thousands of open bookmarks would otherwise make this
        quadratic)."""
        body = self.document.element.body
        w_p, w_sdt, w_start, w_end, w_r = (
            qn(t) for t in ("w:p", "w:sdt", "w:bookmarkStart", "w:bookmarkEnd", "w:r")
        )
        ends = {e.get(qn("w:id")) for e in body.iter(w_end)}
        found: list[list] = []  # [slot, whether it carries one of our bookmarks]
        controls: dict = {}  # content control that keeps its tag → its entry in found
        open_: dict[str, tuple[Slot, object]] = {}  # bookmark id → (slot, its paragraph)
        dropped: set[int] = set()  # id() of the slots that turned out not to be figures

        def drop(key: str) -> None:
            dropped.add(id(open_.pop(key)[0]))

        for el in body.iter(w_p, w_sdt, w_start, w_end, w_r):
            if el.tag == w_p:
                if open_:
                    within = set(el.iterancestors(w_p))
                    for key in [k for k, (_, p) in open_.items() if p not in within]:
                        drop(key)
            elif el.tag == w_r:
                for key, (slot, _) in list(open_.items()):
                    slot._runs.append(el)
                    if len(slot._runs) > MAX_FIGURE_RUNS:
                        drop(key)
            elif el.tag == w_end:
                open_.pop(el.get(qn("w:id")), None)
            elif el.tag == w_start:
                value = self._bookmarks.get(el.get(qn("w:name"), ""))
                if value is None or el.get(qn("w:id")) not in ends:
                    continue
                control = next((a for a in el.iterancestors(w_sdt) if a in controls), None)
                if control is not None:
                    controls[control][1] = True  # the control's own bookmark: one figure
                else:
                    slot = Slot(_read_tag(value), [], el, inside=False)
                    open_[el.get(qn("w:id"))] = (slot, next(el.iterancestors(w_p), None))
                    found.append([slot, True])
            else:
                tag = el.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
                content = el.find(qn("w:sdtContent"))
                if tag is not None and content is not None:
                    value = tag.get(qn("w:val"), "")
                    slot = Slot(_read_tag(value), list(content.iter(w_r)), content, inside=True)
                    controls[el] = [slot, False]
                    found.append(controls[el])
        for key in list(open_):
            drop(key)  # still open at the end of the body
        return [(slot, marked) for slot, marked in found if id(slot) not in dropped]

    def place(self, slot: Slot) -> str:
        """Where ``slot`` stands, as ``check`` says it: «正文第N段» (docs/drafts.md)."""
        anchor = slot._runs[0] if slot._runs else slot._anchor
        p = anchor if anchor.tag == qn("w:p") else next(anchor.iterancestors(qn("w:p")), None)
        n = 0
        for paragraph in self.document.element.body.iter(qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t"), qn("w:delText")))
            n += bool(text.strip())
            if paragraph is p:
                inside = any(True for _ in paragraph.iterancestors(qn("w:tc")))
                return f"正文第{n}段{'（表格中）' if inside else ''}"
        return "正文"

    def skeletons(self) -> list[tuple[str, str, str]]:
        """(place, text, skeleton) of every paragraph of the body outside tables: the
        skeleton shows each tag's place as one SKELETON_SLOT, as ``Block.skeleton`` does."""
        from .render.document import SKELETON_SLOT

        slot_of = {id(run): slot for slot in self.slots() for run in slot._runs}
        found, n = [], 0
        for paragraph in self.document.element.body.iter(qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t"), qn("w:delText")))
            if not text.strip():
                continue
            n += 1
            if any(True for _ in paragraph.iterancestors(qn("w:tc"))):
                continue
            parts, last = [], None
            for run in paragraph.iter(qn("w:r")):
                slot = slot_of.get(id(run))
                if slot is None:
                    parts.extend(t.text or "" for t in run.iter(qn("w:t")))
                elif slot is not last:
                    parts.append(SKELETON_SLOT)
                last = slot
            found.append((f"正文第{n}段", text, "".join(parts)))
        return found

    def shown(self) -> dict[Tag, list[str]]:
        """Each tag → the text the draft shows for it, in document order."""
        shown: dict[Tag, list[str]] = {}
        for slot in self.slots():
            shown.setdefault(slot.tag, []).append(slot.text)
        return shown

    def paragraphs(self, appendix: bool = True) -> list[str]:
        """The text of every non-empty paragraph of the body, tables included, in order
        (text deleted under tracked changes left out); the appendix table's cells left
        out when not ``appendix`` (``diff`` compares those cell by cell)."""
        skip = set()
        if not appendix and (table := self.appendix()) is not None:
            skip = set(table._table._tbl.iter(qn("w:p")))
        texts = (
            "".join(t.text or "" for t in p.iter(qn("w:t")))
            for p in self.document.element.body.iter(qn("w:p"))
            if p not in skip
        )
        return [text for text in texts if text.strip()]

    def appendix(self) -> Appendix | None:
        """The appendix table, found by its caption (Word) or its bookmark (LibreOffice)."""
        for table in self.document.tables:
            caption = table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
            if caption is not None and caption.get(qn("w:val")) == _APPENDIX_CAPTION:
                return Appendix(table)
            for start in table._tbl.iter(qn("w:bookmarkStart")):
                if start.get(qn("w:name")) == _APPENDIX_BOOKMARK:
                    return Appendix(table)
        return None

    def update_appendix(self, fresh: Table) -> tuple[str, list[CellChange]]:
        """Rewrite the appendix from ``fresh`` unless a person changed it since it was
        written.  Returns "updated", "unchanged", "edited" (left alone) or "missing",
        and the cells changed."""
        table = self.appendix()
        if table is None:
            return "missing", []
        if not table.cells() or table.fingerprint != self.stamp.appendix:
            return "edited", []
        if appendix_fingerprint(fresh.header, fresh.rows) == self.stamp.appendix:
            return "unchanged", []
        changes = table.changes(fresh)
        table.rewrite(fresh)
        # rows keep the unit order of the fresh table only when no unit came or went
        self.stamp.appendix = table.fingerprint
        return "updated", changes

    def charts(self) -> list[ChartSlot]:
        """The charts the tool drew, in document order, found by their drawings' names
        (render/chart.py); in a draft LibreOffice saved, which renames every drawing
        (Object1 …), the charts in order stand for the charts the draft records, when
        there are as many."""
        from .render.chart import NAME_PREFIX

        found: list[tuple[str, object]] = []  # (our name or "", chart part)
        for pr in self.document.element.body.iter(f"{{{_WP}}}docPr"):
            ref = next(pr.getparent().iter(f"{{{_C}}}chart"), None)
            rid = ref.get(f"{{{_R}}}id") if ref is not None else None
            part = self.document.part.related_parts.get(rid) if rid else None
            if part is None:
                continue
            name = pr.get("name", "")
            found.append((name[len(NAME_PREFIX) :] if name.startswith(NAME_PREFIX) else "", part))
        named = [name for name, _ in found if name]
        left = [name for name in self.stamp.charts if name not in named]
        if not named and len(left) == len(found):
            return [ChartSlot(name, part) for name, (_, part) in zip(left, found, strict=True)]
        return [ChartSlot(name, part) for name, part in found if name]

    def texts(self) -> list[tuple[str, str]]:
        """(place, text) for every paragraph of every part a reader can see or find
        (body and its tables, headers, footers, comments, notes) and every document
        property; text deleted under tracked changes included: it is still in the file."""
        found = []
        for part in self.document.part.package.iter_parts():
            if str(part.partname).startswith("/docProps/"):
                root = etree.fromstring(part.blob, _SAFE_PARSER)
                for prop in root.iter(f"{{{_CUSTOM_NS}}}property"):
                    if not prop.get("name", "").startswith(_PREFIX):
                        # a person's property: its name is written by them too
                        found.append(("自定义属性的名称", prop.get("name", "")))
                    if prop.get("name", "").startswith(_INPUT):
                        # an input's SHA-256 in hex: eleven digits in a row are chance, not a
                        # telephone number, and final removes it anyway (docs/drafts.md)
                        continue
                    found.append(
                        (f"自定义属性「{prop.get('name', '')}」", "".join(prop.itertext()))
                    )
                if not root.tag.startswith(f"{{{_CUSTOM_NS}}}"):
                    for el in root.iter():
                        if isinstance(el.tag, str) and el.text and el.text.strip() and not len(el):
                            found.append((f"文档属性「{etree.QName(el).localname}」", el.text))
                continue
            place = _word_part(part)
            if place is None:
                continue
            kind, root = place
            n = 0
            for paragraph in root.iter(qn("w:p")):
                text = "".join(t.text or "" for t in paragraph.iter(qn("w:t"), qn("w:delText")))
                if text.strip():
                    n += 1
                    where = (
                        "（表格中）"
                        if any(True for _ in paragraph.iterancestors(qn("w:tc")))
                        else ""
                    )
                    found.append((f"{kind}第{n}段{where}", text))
            found += _hidden_texts(root, kind)
        return found

    def visible(self) -> list[tuple[str, str]]:
        """(place, text) for every paragraph a reader of the draft sees: the body and its
        tables, text boxes, headers, footers, foot- and endnotes; never text deleted under
        tracked changes, comments or document properties (docs/drafts.md)."""
        fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
        found = []
        for part in self.document.part.package.iter_parts():
            place = _word_part(part)
            if place is None or place[0] == "批注":
                continue
            kind, root = place
            n = 0
            for paragraph in root.iter(qn("w:p")):
                # a text box is written twice, for Word and for older readers: count it once
                if any(a.tag == fallback for a in paragraph.iterancestors()):
                    continue
                # a text box's paragraphs are its own, not the paragraph that anchors it
                text = "".join(
                    t.text or ""
                    for t in paragraph.iter(qn("w:t"))
                    if next(t.iterancestors(qn("w:p"))) is paragraph
                )
                if text.strip():
                    n += 1
                    inside = any(True for _ in paragraph.iterancestors(qn("w:tc")))
                    found.append((f"{kind}第{n}段{'（表格中）' if inside else ''}", text))
        return found

    def revisions(self) -> int:
        """How many tracked changes (insertions, deletions, moves, formatting) are left."""
        marks = [
            qn(f"w:{t}") for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange")
        ]
        count_ = 0
        for part in self.document.part.package.iter_parts():
            if str(part.partname).startswith("/word/") and hasattr(part, "element"):
                count_ += sum(1 for _ in part.element.iter(*marks))
        return count_

    def comments(self) -> int:
        """How many comments are left."""
        for part in self.document.part.package.iter_parts():
            if str(part.partname) == "/word/comments.xml":
                root = (
                    part.element
                    if hasattr(part, "element")
                    else etree.fromstring(part.blob, _SAFE_PARSER)
                )
                return sum(1 for _ in root.iter(qn("w:comment")))
        return 0

    def plain_bytes(self) -> bytes:
        """The copy that is sent (docs/drafts.md): every mark of ours turned into plain
        text, our properties (stamp, fingerprints, input hashes) removed, nothing else."""
        body = self.document.element.body
        ours = {*self._bookmarks, _APPENDIX_BOOKMARK}
        tags = {_tag_value(t) for t in self.stamp.written} | set(self._bookmarks.values())
        for sdt in list(body.iter(qn("w:sdt"))):
            tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
            marked = any(b.get(qn("w:name")) in ours for b in sdt.iter(qn("w:bookmarkStart")))
            content = sdt.find(qn("w:sdtContent"))
            if content is not None and (
                marked or (tag is not None and tag.get(qn("w:val")) in tags)
            ):
                for child in list(content):
                    sdt.addprevious(child)
                sdt.getparent().remove(sdt)
        ids = set()
        for start in list(body.iter(qn("w:bookmarkStart"))):
            if start.get(qn("w:name")) in ours:
                ids.add(start.get(qn("w:id")))
                start.getparent().remove(start)
        for end in list(body.iter(qn("w:bookmarkEnd"))):
            if end.get(qn("w:id")) in ids:
                end.getparent().remove(end)
        from .render.chart import NAME_PREFIX

        for n, pr in enumerate(
            (p for p in body.iter(f"{{{_WP}}}docPr") if p.get("name", "").startswith(NAME_PREFIX)),
            start=1,
        ):
            pr.set("name", f"图表 {n}")  # Word's own name for a chart it draws
        for caption in list(body.iter(qn("w:tblCaption"))):
            if caption.get(qn("w:val")) == _APPENDIX_CAPTION:
                caption.getparent().remove(caption)
        self._bookmarks = {}
        _set_custom_properties(self.document, dict(self.stamp.others))
        from .render.docx import set_app_properties

        set_app_properties(self.document)
        buffer = io.BytesIO()
        self.document.save(buffer)
        # the copy that is sent, and the one LibreOffice converts, can fetch nothing
        return without_external_links(buffer.getvalue())

    def external_links(self) -> list[tuple[str, str]]:
        """(place, what) for every reference to something outside the file that an
        office suite would fetch on opening or converting it: a linked image, a VML
        image, an attached template, a linked object, an INCLUDEPICTURE field …
        (docs/drafts.md, C310).  Hyperlinks are not fetched and are not listed; the
        address itself is never given, since it may hold anything."""
        return _external_links(self._source) if self._source is not None else []

    def to_bytes(self) -> bytes:
        """The .docx, stamped with the fingerprint of its content as written.  A figure
        whose control has no bookmark yet (a 0.1.0 draft) gets one, so that the draft
        survives LibreOffice from now on."""
        self._bookmark_controls()
        _set_custom_properties(self.document, self._properties(self.stamp))
        buffer = io.BytesIO()
        self.document.save(buffer)
        data = buffer.getvalue()
        # the draft now records what was written: its pairing is the written one's
        self.stamp = replace(self.stamp, fingerprint=_fingerprint(data))
        return _with_custom_properties(data, self._properties(self.stamp))

    def pairing(self) -> str:
        return pairing_of(self.stamp)

    def _properties(self, stamp: Stamp) -> dict[str, str]:
        # one property per bookmark: each stays far under Word's 255 characters
        marks = {f"{_BOOKMARK}{name}": value for name, value in self._bookmarks.items()}
        return {**stamp.properties(), **marks}

    def _bookmark_controls(self) -> None:
        body = self.document.element.body
        ids = [
            int(b.get(qn("w:id")))
            for b in body.iter(qn("w:bookmarkStart"))
            if b.get(qn("w:id"), "").isdigit()
        ]
        next_id = max(ids, default=0) + 1
        n = len(self._bookmarks) + 1
        for slot, marked in self._places():
            if marked or not slot._inside:
                continue
            while _BOOKMARK_NAME.format(n) in self._bookmarks:
                n += 1
            name = _BOOKMARK_NAME.format(n)
            self._bookmarks[name] = _tag_value(slot.tag)
            start, end = _bookmark(name, next_id)
            slot._anchor.insert(0, start)
            slot._anchor.append(end)
            next_id += 1

    def save(self, path: Path) -> None:
        """Write the draft atomically (never while Word has it open)."""
        ensure_not_open(path)
        write_atomic(path, self.to_bytes())


class _Marks:
    """How a new draft marks its figures and its appendix (see the module docstring)."""

    def __init__(self):
        self._ids = count(1)
        self.bookmarks: dict[str, str] = {}  # bookmark name → tag value

    def figure(self, run, tag: Tag):
        """An inline rich-text content control, named and tagged after the figure,
        around a bookmark around the run."""
        name, n = _tag_value(tag), next(self._ids)
        props = OxmlElement("w:sdtPr")
        for child, value in (("w:alias", name), ("w:tag", name), ("w:id", n)):
            el = OxmlElement(child)
            el.set(qn("w:val"), str(value))
            props.append(el)
        mark = _BOOKMARK_NAME.format(n)
        self.bookmarks[mark] = name
        start, end = _bookmark(mark, n)
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        content.extend([start, run, end])
        sdt.extend([props, content])
        return sdt

    def appendix(self, table) -> None:
        """The caption in ``w:tblPr``; a bookmark around the first cell's text."""
        caption = OxmlElement("w:tblCaption")
        caption.set(qn("w:val"), _APPENDIX_CAPTION)
        table.find(qn("w:tblPr")).append(caption)
        paragraph = table.find(f".//{qn('w:p')}")
        start, end = _bookmark(_APPENDIX_BOOKMARK, next(self._ids))
        first = paragraph.find(qn("w:r"))
        if first is None:
            paragraph.extend([start, end])
        else:
            first.addprevious(start)
            first.addnext(end)


_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def _word_part(part) -> tuple[str, etree._Element] | None:
    """(the place it is named by, its XML) for a part of the document a reader can see or
    find — body, headers, footers, comments, notes —, else None."""
    name = str(part.partname)
    kind = _PART_PLACES.get(re.sub(r"\d*\.xml$", "", name.rsplit("/", 1)[-1]))
    if kind is None or not name.startswith("/word/"):
        return None
    root = part.element if hasattr(part, "element") else etree.fromstring(part.blob, _SAFE_PARSER)
    return kind, root


def _hidden_texts(root, kind: str) -> list[tuple[str, str]]:
    """Text a reader does not see on the page but the file holds and Word shows on asking:
    a picture's alternative text, a table's title and description, field codes (a
    HYPERLINK's address and tip)."""
    found = []
    for el in root.iter(
        f"{{{_WP}}}docPr", f"{{{_PIC}}}cNvPr", "{urn:schemas-microsoft-com:vml}shape"
    ):
        for attribute in ("descr", "title", "alt"):
            if el.get(attribute, "").strip():
                found.append((f"{kind}中图片的替代文字", el.get(attribute)))
    for el in root.iter(qn("w:tblCaption"), qn("w:tblDescription")):
        if el.get(qn("w:val"), "").strip():
            found.append((f"{kind}中表格的标题或说明", el.get(qn("w:val"))))
    for paragraph in root.iter(qn("w:p")):
        code = "".join(t.text or "" for t in paragraph.iter(qn("w:instrText")))
        code += "".join(f.get(qn("w:instr"), "") for f in paragraph.iter(qn("w:fldSimple")))
        if code.strip():
            found.append((f"{kind}中的域代码", code))
    return found


def _bookmark(name: str, n: int):
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(n))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(n))
    return start, end


_PART_PLACES = {
    "document": "正文",
    "header": "页眉",
    "footer": "页脚",
    "comments": "批注",
    "footnotes": "脚注",
    "endnotes": "尾注",
}


_KINDS = (PERIOD, DATE)  # stored as kind:id; a figure as id or id|format (the first release)


def _tag_value(tag: Tag) -> str:
    if tag.kind != FIGURE:
        return f"{tag.kind}:{tag.id}"
    return tag.id if tag.format == VALUE else f"{tag.id}|{tag.format}"


def _read_tag(value: str) -> Tag:
    kind, colon, name = value.partition(":")
    if colon and kind in _KINDS:
        return Tag(name, VALUE, kind)
    fid, _, fmt = value.partition("|")
    return Tag(fid, fmt or VALUE, FIGURE)


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text  # retyped by hand in Word: keep what is there


def _fingerprint(data: bytes) -> str:
    """SHA-256 over every part under ``word/``: text, formatting, comments, tracked
    changes and settings, but not the document properties the tool writes itself.

    Any edit saved by Word, WPS or LibreOffice changes it, so a draft whose
    fingerprint no longer matches has been touched by a person.
    """
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            if info.filename.startswith("word/"):
                if info.file_size > _MAX_PART:
                    raise ValueError(f"{info.filename} 过大")
                digest.update(info.filename.encode() + b"\0" + z.read(info) + b"\0")
    return digest.hexdigest()


_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# what a link of each kind is, in the analyst's words (by the relationship type's last word)
_LINK_KINDS = {
    "image": "链接的图片",
    "attachedTemplate": "附加的外部模板",
    "oleObject": "链接的对象",
    "package": "链接的对象",
    "subDocument": "子文档",
    "frame": "框架",
    "audio": "链接的音频",
    "video": "链接的视频",
}
# elements that are nothing but the link: removed with it
_LINK_ONLY = frozenset({qn("w:attachedTemplate"), qn("w:subDoc")})
# fields that fetch what they name when updated or converted
_FETCHING_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|IMPORT|DDEAUTO|DDE)\b", re.I)


def _source_part(rels_name: str) -> str:
    """word/_rels/document.xml.rels → word/document.xml"""
    folder, _, name = rels_name.rpartition("_rels/")
    return folder + name[: -len(".rels")]


def _part_place(name: str) -> str:
    base = re.sub(r"\d*\.xml$", "", name.rsplit("/", 1)[-1])
    return {**_PART_PLACES, "settings": "文档设置", "webSettings": "网页设置"}.get(base, name)


def _external_rels(z: zipfile.ZipFile) -> dict[str, list]:
    """rels part → its external relationships other than hyperlinks."""
    found = {}
    for name in z.namelist():
        if not name.endswith(".rels"):
            continue
        root = etree.fromstring(z.read(name), _SAFE_PARSER)
        links = [
            rel
            for rel in root.iter(f"{{{_RELS_NS}}}Relationship")
            if rel.get("TargetMode", "").lower() == "external"
            and not rel.get("Type", "").endswith("/hyperlink")
        ]
        if links:
            found[name] = links
    return found


def _fetching_fields(root) -> list:
    """(first, last, instruction) of every field whose instruction fetches: a simple field
    is one element, a complex one the runs from its begin to its end (same paragraph)."""
    found = []
    for simple in root.iter(qn("w:fldSimple")):
        if _FETCHING_FIELD.match(simple.get(qn("w:instr"), "")):
            found.append((simple, simple, simple.get(qn("w:instr"))))
    for paragraph in root.iter(qn("w:p")):
        stack: list[list] = []  # [begin run, instruction, separated]
        for run in paragraph.iter(qn("w:r")):
            char = run.find(qn("w:fldChar"))
            kind = None if char is None else char.get(qn("w:fldCharType"))
            if kind == "begin":
                stack.append([run, "", False])
            elif kind == "separate" and stack:
                stack[-1][2] = True
            elif kind == "end" and stack:
                begin, instruction, _ = stack.pop()
                if _FETCHING_FIELD.match(instruction):
                    found.append((begin, run, instruction))
            elif stack and not stack[-1][2]:
                stack[-1][1] += "".join(t.text or "" for t in run.iter(qn("w:instrText")))
    return found


def _external_links(data: bytes) -> list[tuple[str, str]]:
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name, links in _external_rels(z).items():
            place = _part_place(_source_part(name))
            for rel in links:
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                found.append((place, _LINK_KINDS.get(kind, "外部链接")))
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name), _SAFE_PARSER)
                for _, _, instruction in _fetching_fields(root):
                    field_name = instruction.split()[0].upper()
                    found.append((_part_place(name), f"{field_name} 域（引用外部文件）"))
    return found


def without_external_links(data: bytes) -> bytes:
    """``data`` with every link an office suite would fetch removed (docs/drafts.md,
    报送稿): the external relationships but hyperlinks, what points at them, and the
    fields that fetch (a complex field's result, the text or picture last shown, stays).
    Every other part byte for byte."""
    source = zipfile.ZipFile(io.BytesIO(data))
    external = _external_rels(source)
    dropped = {
        _source_part(name): {rel.get("Id") for rel in links} for name, links in external.items()
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info)
            name = info.filename
            if name in external:
                root = etree.fromstring(blob, _SAFE_PARSER)
                ids = {rel.get("Id") for rel in external[name]}
                for rel in list(root):
                    if rel.get("Id") in ids:
                        root.remove(rel)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif name.endswith(".xml") and (name in dropped or name.startswith("word/")):
                blob = _unlinked(blob, dropped.get(name, set()))
            target.writestr(info, blob)
    return out.getvalue()


def _unlinked(blob: bytes, ids: set[str]) -> bytes:
    root = etree.fromstring(blob, _SAFE_PARSER)
    changed = False
    if ids:
        for el in list(root.iter()):
            refs = [k for k, v in el.attrib.items() if k.startswith(f"{{{_R_NS}}}") and v in ids]
            for key in refs:
                del el.attrib[key]
                changed = True
            if refs and el.tag in _LINK_ONLY and el.getparent() is not None:
                el.getparent().remove(el)
    for first, last, _ in _fetching_fields(root):
        changed = True
        if first is last:  # a simple field: its result stays as plain runs
            for child in [c for c in first if c.tag != qn("w:fldSimple")]:
                first.addprevious(child)
            first.getparent().remove(first)
            continue
        if first.getparent() is None:  # nested in a field removed already
            continue
        # a complex field: the runs of its code go, the runs of its result stay
        runs, inside, code = [], False, True
        for run in next(first.iterancestors(qn("w:p"))).iter(qn("w:r")):
            if run is first:
                inside = True
            if not inside:
                continue
            char = run.find(qn("w:fldChar"))
            if char is not None and char.get(qn("w:fldCharType")) == "separate" and code:
                runs.append(run)
                code = False
            elif code or run is last:
                runs.append(run)
            if run is last:
                break
        for run in runs:
            if run.getparent() is not None:  # a field nested in another's code: gone already
                run.getparent().remove(run)
    if not changed:
        return blob
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _read_properties(document, path: Path) -> dict[str, str]:
    """The custom document properties, every value as text."""
    package = document.part.package
    rels = [r for r in package.rels.values() if r.reltype == RT.CUSTOM_PROPERTIES]
    if not rels:
        return {}
    try:
        root = etree.fromstring(rels[0].target_part.blob, _SAFE_PARSER)
    except etree.XMLSyntaxError as e:
        raise WorkreportError(
            f"{path}：自定义属性（docProps/custom.xml）已损坏：{reason(e)}"
        ) from e
    props = {}
    for prop in root.iter(f"{{{_CUSTOM_NS}}}property"):
        value = next(iter(prop), None)  # vt:lpwstr here; vt:i4, vt:bool … if edited in Word
        props[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return props


def _set_custom_properties(document, properties: dict[str, str]) -> None:
    package = document.part.package
    blob = _custom_properties_xml(properties)
    for rel in package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            rel.target_part._blob = blob
            return
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _with_custom_properties(data: bytes, properties: dict[str, str]) -> bytes:
    """``data`` with its custom properties part replaced; every other part byte for byte."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info)
            if info.filename == "docProps/custom.xml":
                blob = _custom_properties_xml(properties)
            target.writestr(info, blob)
    return out.getvalue()


def _custom_properties_xml(properties: dict[str, str]) -> bytes:
    from .render.docx import xml_safe

    root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for pid, (name, value) in enumerate(properties.items(), start=2):  # pids start at 2
        prop = etree.SubElement(
            root, f"{{{_CUSTOM_NS}}}property", fmtid=_CUSTOM_FMTID, pid=str(pid)
        )
        prop.set("name", xml_safe(str(name)))
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = xml_safe(str(value))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _fill(row, values) -> None:
    for cell, text in zip(row.cells, values, strict=False):
        paragraph = cell.paragraphs[0]
        runs = paragraph.runs
        if runs:
            runs[0].text = text
            for run in runs[1:]:
                run.text = ""
        else:
            paragraph.add_run(text)
