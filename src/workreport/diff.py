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
    kind: str  # "added", "removed", "changed"
    a: str | None
    b: str | None


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
        paragraph_changes(da.paragraphs(), db.paragraphs()) if text else None,
        [
            Issue(
                "W222",
                f"数据底稿 {audit.name} 不是与稿件 {path.name} 一起生成的（可能生成时被中断）："
                "其中的来源行与稿件的数字不对应，请用 workreport refresh 重新生成",
            )
            for path, draft in ((Path(a), da), (Path(b), db))
            if (audit := out_of_step(path, draft.pairing())) is not None
        ],
        chart_changes(da, db),
    )


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
    from .render.sections import Fig, FigGroup, lookup

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
    """The paragraphs added, removed and changed from ``a`` to ``b``, in order."""
    changes = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = a[i1:i2], b[j1:j2]
        paired = min(len(old), len(new)) if op == "replace" else 0
        changes += [TextChange("changed", x, y) for x, y in zip(old, new, strict=False)][:paired]
        changes += [TextChange("removed", x, None) for x in old[paired:]]
        changes += [TextChange("added", None, y) for y in new[paired:]]
    return changes
