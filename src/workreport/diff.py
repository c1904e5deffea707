"""``diff``: what differs between two drafts, as each draft shows it.

The figures are compared as the drafts show them (so a number typed by hand
counts as what it says); a shown figure that differs from the value the draft
recorded, formatted as its tag says, is reported as typed by hand.  Input files
and periods come from what each draft recorded about itself (its stamp), so the
ledgers are not needed.  With ``text=True`` the paragraphs added, removed and
changed are listed too (docs/drafts.md).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import Config, open_config
from .errors import Issue, UsageError
from .render.document import VALUE, Tag


@dataclass
class FigureDiff:
    """A figure that differs: ``old``/``new`` are what A and B show (None: not shown)."""

    id: str
    label: str
    unit: str
    old: object
    new: object
    format: str = VALUE
    typed: tuple[bool, bool] = (False, False)  # typed by hand in A, in B


@dataclass
class Typed:
    """A figure whose shown text is not its recorded value as the tool phrases it."""

    draft: str  # "a" or "b"
    id: str
    label: str
    format: str
    shown: str  # only when figure-like (typed_text): else where it is
    expected: str
    place: str = ""  # «正文第N段»


@dataclass
class TextChange:
    """A paragraph added, removed or changed, or a cell of the appendix table changed.

    ``a``/``b``: the whole text in A and in B (None: not there).  A changed paragraph also
    has its ``segments`` (what A and B say there, and where in B's text: ``at``) and an
    ``excerpt``: its opening and each change inside the sentence, «…立案【23→25】件，结案…».
    A cell of the appendix table has ``place`` 附件表格 and its ``unit`` and ``column``."""

    kind: str  # "added", "removed", "changed"
    a: str | None
    b: str | None
    segments: list[dict] = field(default_factory=list)
    excerpt: str = ""
    place: str = "正文"  # or APPENDIX
    unit: str | None = None
    column: str | None = None

    @property
    def label(self) -> str:
        """How a person finds it: «附件表格 城关镇纪委 · 立案»; a paragraph: ""."""
        if self.place != APPENDIX:
            return ""
        return f"{APPENDIX} {self.unit} · {self.column}"


APPENDIX = "附件表格"


@dataclass
class ChartDiff:
    """A chart whose values differ: [category, value] pairs as A and B show them (None:
    the draft has no such chart)."""

    name: str
    caption: str
    old: list[list] | None
    new: list[list] | None

    def rows(self) -> list[tuple[str, object, object]]:
        """(category, A's value, B's value) for each category whose value differs."""
        a, b = dict(map(tuple, self.old or [])), dict(map(tuple, self.new or []))
        cats = list(dict.fromkeys([*a, *b]))
        return [(c, a.get(c), b.get(c)) for c in cats if a.get(c) != b.get(c)]


@dataclass
class DraftDiff:
    figures: list[FigureDiff]
    inputs: list[tuple[str, str | None, str | None]]  # (file, old hash, new hash)
    periods: tuple[str, str] | None
    typed: list[Typed] = field(default_factory=list)
    values: list[FigureDiff] = field(default_factory=list)  # recorded values that differ
    text: list[TextChange] | None = None  # with text=True
    issues: list[Issue] = field(default_factory=list)  # W222: a 底稿 out of step with its draft
    charts: list[ChartDiff] = field(default_factory=list)  # charts whose values differ
    names: tuple[str, str] = ("A", "B")  # the drafts as messages name them (draft_names)

    def as_json(self) -> dict:
        out = {
            "periods": None
            if self.periods is None
            else {"a": self.periods[0], "b": self.periods[1]},
            "figures": [_figure_json(f) for f in self.figures],
            "typed": [asdict(t) for t in self.typed],
            "values": [_figure_json(f) for f in self.values],
            "inputs": [{"file": n, "a": a, "b": b} for n, a, b in self.inputs],
            "charts": [asdict(c) for c in self.charts],
        }
        if self.text is not None:
            out["text"] = [asdict(c) for c in self.text]
        out["drafts"] = {"a": self.names[0], "b": self.names[1]}
        out["warnings"] = [{"code": i.code, "message": i.message} for i in self.issues]
        return out


def _figure_json(f: FigureDiff) -> dict:
    return {**asdict(f), "typed": {"a": f.typed[0], "b": f.typed[1]}}


def diff_drafts(
    a: str | Path,
    b: str | Path,
    *,
    config: Config | str | Path | None = None,
    text: bool = False,
) -> DraftDiff:
    """What differs between the drafts at ``a`` and ``b``: the figures they show, the
    figures typed by hand, inputs and periods; with ``text`` the paragraphs too."""
    from .audit import out_of_step
    from .draft import Draft
    from .figures import figure_ids, figure_labels

    config = open_config(config)
    called = draft_names(Path(a), Path(b))
    drafts = []
    for path in (Path(a), Path(b)):
        if not path.is_file():
            raise UsageError(f"稿件不存在：{path}")
        drafts.append(Draft.open(path))
    da, db = drafts
    sa, sb = da.stamp, db.stamp
    labels, _ = figure_labels(config)
    units = {fid: unit for fid, _, unit, _ in figure_ids(config)}

    def label(tag: Tag) -> str:
        return labels.get(tag.id, tag.id)

    shown_a, shown_b = da.shown(), db.shown()
    typed_a, typed_b = typed_by_hand(da), typed_by_hand(db)
    figures = []
    for tag in dict.fromkeys([*shown_a, *shown_b]):
        texts_a, texts_b = shown_a.get(tag, []), shown_b.get(tag, [])
        for n in range(max(len(texts_a), len(texts_b))):
            old = texts_a[n] if n < len(texts_a) else None
            new = texts_b[n] if n < len(texts_b) else None
            if old != new:
                flags = ((tag, n) in typed_a, (tag, n) in typed_b)
                # what a person typed is shown only when it reads as a figure (typed_text)
                if flags[0]:
                    old = typed_text(old, typed_a[(tag, n)][2])
                if flags[1]:
                    new = typed_text(new, typed_b[(tag, n)][2])
                figures.append(
                    FigureDiff(
                        tag.id, label(tag), units.get(tag.id, ""), old, new, tag.format, flags
                    )
                )
    typed = [
        Typed(side, tag.id, label(tag), tag.format, typed_text(shown, place), expected, place)
        for side, found in (("a", typed_a), ("b", typed_b))
        for (tag, _), (shown, expected, place) in found.items()
    ]
    values = [
        FigureDiff(
            fid, labels.get(fid, fid), units.get(fid, ""), sa.figures.get(fid), sb.figures.get(fid)
        )
        for fid in dict.fromkeys([*sa.figures, *sb.figures])
        if sa.figures.get(fid) != sb.figures.get(fid)
    ]
    names = sorted(set(sa.inputs) | set(sb.inputs))
    inputs = [
        (n, sa.inputs.get(n), sb.inputs.get(n))
        for n in names
        if sa.inputs.get(n) != sb.inputs.get(n)
    ]
    return DraftDiff(
        figures,
        inputs,
        None if sa.period == sb.period else (sa.period, sb.period),
        typed,
        values,
        paragraph_changes(da.paragraphs(appendix=False), db.paragraphs(appendix=False))
        + appendix_changes(da, db)
        if text
        else None,
        [
            Issue(
                "W222",
                f"数据底稿 {audit.name} 不是与稿件 {name} 一起生成的（可能生成时被中断）："
                "其中的来源行与稿件的数字不对应，请用 workreport refresh 重新生成",
            )
            for path, draft, name in ((Path(a), da, called[0]), (Path(b), db, called[1]))
            if (audit := out_of_step(path, draft.pairing())) is not None
        ],
        chart_changes(da, db),
        called,
    )


def draft_names(a: Path, b: Path) -> tuple[str, str]:
    """The two drafts as messages name them: their file names, or, when those are the
    same, as much of their paths as tells them apart (一稿/汇报.docx, 二稿/汇报.docx)."""
    if a.name != b.name:
        return a.name, b.name
    pa, pb = a.absolute().parts, b.absolute().parts
    for n in range(2, max(len(pa), len(pb)) + 1):
        na, nb = "/".join(pa[-n:]), "/".join(pb[-n:])
        if na != nb:
            return na, nb
    return str(a), str(b)  # the same file twice


def chart_changes(da, db) -> list[ChartDiff]:
    """The charts whose values the two drafts show differently (docs/drafts.md, 图表)."""
    from .charts import CHARTS

    shown_a = {c.name: c.points for c in da.charts()}
    shown_b = {c.name: c.points for c in db.charts()}
    return [
        ChartDiff(name, CHARTS.get(name, (name,))[0], shown_a.get(name), shown_b.get(name))
        for name in dict.fromkeys([*shown_a, *shown_b])
        if shown_a.get(name) != shown_b.get(name)
    ]


def typed_by_hand(draft) -> dict[tuple[Tag, int], tuple[str, str, str]]:
    """(tag, occurrence) → (shown, expected, place) for each figure whose shown text is
    not the value the draft recorded, phrased as its tag says.  ``shown`` is what a person
    typed, whatever it is: a message gives it through :func:`typed_text`."""
    expected = expected_texts(draft.stamp)
    found = {}
    seen: dict[Tag, int] = {}
    for slot in draft.slots():
        n = seen[slot.tag] = seen.get(slot.tag, -1) + 1
        want = expected(slot.tag, n)
        if want is not None and slot.text != want:
            found[(slot.tag, n)] = (slot.text, want, draft.place(slot))
    return found


# a figure as a person types one: digits (full-width too) with 余, 多, 万, %, a measure word,
# a date or a 同比 phrase around them; nothing else (a name, a telephone number in words)
_WORD = r"(?:约|近|超过|逾|共|计|同比|增长|下降|上升|减少|其中)"
_UNIT = (
    r"(?:%|％|‰|个百分点|倍|万元|亿元|元|人次|件次|件|人|次|个|份|家|起|条|项|名|篇|场|批|户|"
    r"上半年|下半年|前三季度|季度|年|月|日)"
)
_NUMBER = rf"{_WORD}*[0-9０-９][0-9０-９.．,，]*[万亿千百]?(?:余|多)?{_UNIT}?"
_FIGURE_LIKE = re.compile(rf"\s*{_NUMBER}(?:\s*[—\-－～~至、/]?\s*{_NUMBER})*\s*")


# ten digits or more in a row, spaces, dashes, commas or points between them: no count of
# the ledgers is that long, an ID or a mobile number is (138 0013 8000)
_LONG_NUMBER = re.compile(r"\d(?:[\s\-－,，.．]*\d){9,}")


def figure_like(text: str) -> bool:
    """Whether what a person typed reads as a figure, and so may be shown."""
    return (
        len(text) <= 40
        and _FIGURE_LIKE.fullmatch(text) is not None
        and _LONG_NUMBER.search(text) is None
    )


def typed_text(text: str, place: str) -> str:
    """What a person typed into a figure's place, as a message may show it: itself when
    it reads as a figure, else only where it is, since it may hold a name or a telephone
    number (docs/drafts.md, 比较)."""
    return text if figure_like(text) else f"（{place}的文字不是数字，不显示）"


def expected_texts(stamp):
    """A function (tag, occurrence) → the text the draft's recorded values call for.

    The recorded value phrased as the tag says (``approx``, ``pct`` …); where the
    stamp does not hold what that needs (a year-on-year change, the year itself) or
    the figure is missing, the text the tool wrote there."""
    from .render.values import Fig, FigGroup, lookup

    context: dict = {}
    groups: dict[str, dict[str, Fig]] = {}
    for fid, value in stamp.figures.items():
        root, dot, cat = fid.partition(".")
        if dot:
            groups.setdefault(root, {})[cat] = Fig(fid, value, None, fid)
        else:
            context[fid] = Fig(fid, value, None, fid)
    context.update((root, FigGroup(root, figs)) for root, figs in groups.items())

    def expected(tag: Tag, n: int) -> str | None:
        fig = lookup(context, tag)
        if fig is not None and not fig.missing and tag.format != "yoy":
            return fig.text(tag.format)[0]
        written = stamp.written.get(tag, [])
        return written[min(n, len(written) - 1)] if written else None

    return expected


def paragraph_changes(a: list[str], b: list[str]) -> list[TextChange]:
    """The paragraphs added, removed and changed from ``a`` to ``b``, in order; a changed
    one with the changes inside it (:func:`inline_changes`)."""
    changes = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = a[i1:i2], b[j1:j2]
        paired = min(len(old), len(new)) if op == "replace" else 0
        for x, y in list(zip(old, new, strict=False))[:paired]:
            segments, excerpt = inline_changes(x, y)
            changes.append(TextChange("changed", x, y, segments, excerpt))
        changes += [TextChange("removed", x, None) for x in old[paired:]]
        changes += [TextChange("added", None, y) for y in new[paired:]]
    return changes


def appendix_changes(da, db) -> list[TextChange]:
    """The cells of the appendix table that differ, by unit (the first column) and column
    (its header, a header's lines joined: 受理\n线索 → 受理线索)."""

    def cells(draft) -> dict[tuple[str, str], str]:
        table = draft.appendix()
        rows = table.cells() if table is not None else []
        if not rows:
            return {}
        header = [h.replace("\n", "").replace("\r", "").strip() for h in rows[0]]
        return {
            (row[0].strip(), column): value.strip()
            for row in rows[1:]
            for column, value in zip(header[1:], row[1:], strict=False)
        }

    old, new = cells(da), cells(db)
    changes = []
    for unit, column in dict.fromkeys([*old, *new]):
        x, y = old.get((unit, column)), new.get((unit, column))
        if x != y:
            kind = "added" if x is None else "removed" if y is None else "changed"
            changes.append(TextChange(kind, x, y, place=APPENDIX, unit=unit, column=column))
    return changes


# the pieces a paragraph is compared in: a number whole (23, 1,234.5, 12%), else a character
_PIECE = re.compile(r"\d+(?:[.,．]\d+)*[%％]?|\s+|.", re.S)
OPENING = 12  # characters of a changed paragraph's opening shown before its changes
CONTEXT = 10  # characters shown on either side of a change
_MAX_SHOWN = 80  # characters of one side of a change shown, at most
_MAX_MATCH = 4_000_000  # pieces × pieces compared, at most; beyond, the middle is one change


def inline_changes(a: str, b: str) -> tuple[list[dict], str]:
    """What changed inside a paragraph: the segments ({"a", "b", "at": where in ``b``})
    and the excerpt a person reads, «一、主要工作…立案【23→25】件，结案…»: the opening,
    each change marked 【A→B】 (【增：B】, 【删：A】) with a little context."""
    pa, pb = _PIECE.findall(a), _PIECE.findall(b)
    head = 0
    while head < min(len(pa), len(pb)) and pa[head] == pb[head]:
        head += 1
    tail = 0
    while tail < min(len(pa), len(pb)) - head and pa[-1 - tail] == pb[-1 - tail]:
        tail += 1
    ma, mb = pa[head : len(pa) - tail], pb[head : len(pb) - tail]
    if len(ma) * len(mb) <= _MAX_MATCH:
        ops = difflib.SequenceMatcher(None, ma, mb, autojunk=False).get_opcodes()
    else:  # a huge rewrite: one change
        ops = [("replace", 0, len(ma), 0, len(mb))]
    ops = [("equal", 0, head, 0, head)] + [
        (op, i1 + head, i2 + head, j1 + head, j2 + head) for op, i1, i2, j1, j2 in ops
    ]
    ops.append(("equal", len(pa) - tail, len(pa), len(pb) - tail, len(pb)))
    segments, parts = [], []
    offsets = [0]
    for piece in pb:
        offsets.append(offsets[-1] + len(piece))
    changed = [
        k for k, op in enumerate(ops) if op[0] != "equal" and (op[2] > op[1] or op[4] > op[3])
    ]
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            text = "".join(pb[j1:j2])
            if not text:
                continue
            first = not changed or k < changed[0]
            last = not changed or k > changed[-1]
            if first and last:
                continue  # no change at all
            if first:
                shown = (
                    text
                    if len(text) <= OPENING + CONTEXT + 1
                    else (f"{text[:OPENING]}…{text[-CONTEXT:]}")
                )
            elif last:
                shown = text if len(text) <= CONTEXT + 1 else f"{text[:CONTEXT]}…"
            else:
                shown = (
                    text
                    if len(text) <= 2 * CONTEXT + 1
                    else (f"{text[:CONTEXT]}…{text[-CONTEXT:]}")
                )
            parts.append(shown)
            continue
        old, new = "".join(pa[i1:i2]), "".join(pb[j1:j2])
        if not old and not new:
            continue
        at = offsets[j1]
        segments.append({"a": old, "b": new, "at": at})
        if not old:
            parts.append(f"【增：{_clipped(new)}】")
        elif not new:
            parts.append(f"【删：{_clipped(old)}】")
        else:
            parts.append(f"【{_clipped(old)}→{_clipped(new)}】")
    return segments, "".join(parts)


def _clipped(text: str) -> str:
    if len(text) <= _MAX_SHOWN:
        return text
    half = _MAX_SHOWN // 2
    return f"{text[:half]}…{text[-half:]}"
