"""The figures and words a template sees, and how a tag finds its value again.

:class:`Fig` (a figure: prints as its number, tagged), :class:`FigGroup` (a grouped
figure), :class:`Word` and :class:`PeriodWords` (the period's words and the signing
date), the number phrasings (``value``, ``approx``, ``pct``, ``yoy``), and
:func:`lookup`, which refresh, check and diff use to find what a tag in a draft
stands for today (docs/templates.md, 上下文变量; 标记与 refresh).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .document import DATE, FIGURE, PERIOD, VALUE, Tag
from .marks import marker


def placeholder(label: str) -> str:
    return f"【待补充：{label}】"


def format_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def approx_text(value) -> str:
    """453 → 450余: bulletins round counts down and say 余 (docs/templates.md)."""
    n = int(value)
    if n < 10:
        return str(n)
    step = 10 if n < 1000 else 100 if n < 10_000 else 1000
    floor = n // step * step
    return str(n) if floor == n else f"{floor}余"


def pct_text(value, digits: int = 1) -> str:
    return f"{float(value):.{digits}f}%"


def pct_trim_text(value) -> str:
    """66.0 → 66%, 3.5 → 3.5%: the bulletins drop a trailing .0 (docs/templates.md, 百分比)."""
    text = pct_text(value)
    return text.replace(".0%", "%")


def _yoy(fig) -> str | None:
    from ..figures import change_phrase

    return change_phrase(fig.id, fig.value, fig.previous, fig.whole_year)


FORMATS = {
    "value": lambda fig: format_number(fig.value),
    "approx": lambda fig: approx_text(fig.value),
    "pct": lambda fig: pct_text(fig.value),
    "pct_trim": lambda fig: pct_trim_text(fig.value),
    "yoy": _yoy,
}


class Fig:
    """A figure as a template sees it: prints as its number, tagged with its id."""

    __slots__ = ("id", "value", "previous", "label", "counted", "whole_year")

    def __init__(
        self,
        id: str,
        value,
        previous=None,
        label: str = "",
        counted: bool = True,
        whole_year: bool = False,
    ):
        self.id, self.value, self.previous, self.label = id, value, previous, label
        # a count states work done; a year does not, and never makes a clause "all zero"
        self.counted = counted
        # 同比 over a whole year compares with 上年, not 上年同期 (docs/rules.md, 同比)
        self.whole_year = whole_year

    @property
    def missing(self) -> bool:
        return self.value is None

    def tag(self, fmt: str = VALUE) -> Tag:
        """The tag of this figure printed in phrasing ``fmt``."""
        return Tag(self.id, fmt)

    def text(self, fmt: str = VALUE) -> tuple[str, bool]:
        """(text as printed, whether it is a 【待补充】 placeholder)."""
        text = None if self.missing else FORMATS[fmt](self)
        if text is None:
            what = self.label + ("（上年同期）" if fmt == "yoy" and not self.missing else "")
            return placeholder(what), True
        return text, False

    def states_zero(self, fmt: str = VALUE) -> bool:
        """Whether, printed in ``fmt``, it states a count of 0: a year does not, nor a
        同比 phrase of an unchanged figure (docs/templates.md, 为 0 的内容)."""
        return self.counted and fmt != "yoy" and self.value == 0

    def tagged(self, fmt: str = VALUE) -> str:
        text, missing = self.text(fmt)
        state = (
            "n" if not self.counted else "m" if missing else "z" if self.states_zero(fmt) else "v"
        )
        return marker(self.tag(fmt), state, text)

    def __str__(self) -> str:
        return self.tagged()

    # Arithmetic gives a derived figure: tagged with its expression (「forms_1 + forms_2」) so
    # that refresh recomputes it, and missing when any part is missing, never 0 (docs/rules.md, 缺少数据不是 0).
    def _combine(self, other, sign: str, swap: bool = False):
        if isinstance(other, Fig):
            right = other
        elif isinstance(other, int | float) and not isinstance(other, bool):
            right = Fig(format_number(other), other, other, format_number(other))
        else:
            return NotImplemented
        left, right = (right, self) if swap else (self, right)
        return combine(left, sign, right)

    def __add__(self, other):
        return self._combine(other, "+")

    def __radd__(self, other):
        return self._combine(other, "+", swap=True)

    def __sub__(self, other):
        return self._combine(other, "-")

    def __rsub__(self, other):
        return self._combine(other, "-", swap=True)

    def _number(self):
        if self.value is None:
            raise ValueError(f"指标「{self.label}」缺少数据，不能用于计算")
        return self.value

    def __int__(self):
        return int(self._number())

    def __float__(self):
        return float(self._number())

    def __eq__(self, other):
        return self.value == (other.value if isinstance(other, Fig) else other)

    def __hash__(self):
        return hash(self.id)

    # A missing figure compares false either way, so {% if %} takes neither branch's number.
    def _compare(self, other, test) -> bool:
        right = other.value if isinstance(other, Fig) else other
        return self.value is not None and right is not None and test(self.value, right)

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)


class Word:
    """A word of the report that depends on the period or the signing date (上半年,
    今年以来, 2022年7月5日): printed tagged like a figure, so ``refresh`` can rewrite it."""

    __slots__ = ("kind", "id", "value", "label")
    missing = False
    counted = False  # a word states no count: it never makes a clause "all zero"

    def states_zero(self, fmt: str = VALUE) -> bool:
        return False

    def __init__(self, kind: str, id: str, value: str, label: str):
        self.kind, self.id, self.value, self.label = kind, id, value, label

    def tag(self, fmt: str = VALUE) -> Tag:
        return Tag(self.id, VALUE, self.kind)

    def text(self, fmt: str = VALUE) -> tuple[str, bool]:
        return self.value, False

    def tagged(self, fmt: str = VALUE) -> str:
        return marker(self.tag(), "n", self.value)

    def __str__(self) -> str:
        return self.tagged()

    def __eq__(self, other):
        return self.value == (other.value if isinstance(other, Word) else other)

    def __hash__(self):
        return hash((self.kind, self.id))


class PeriodWords:
    """``period`` in a template: ``start`` and ``end`` (dates) and the words of
    docs/templates.md (统计期间用语): ``year``, ``label``, ``phrase``, ``since``, ``dates``."""

    WORDS = {
        "year": "统计年度",
        "label": "统计期间",
        "phrase": "统计期间",
        "since": "统计期间（今年以来）",
        "dates": "统计期间起止日期",
        "bulletin": "统计期间（通报写法）",
    }

    def __init__(self, period, signed):
        self.start, self.end = period.start, period.end
        texts = {
            "year": str(period.year),
            "label": period.label,
            "phrase": period.phrase,
            "since": period.since(signed),
            "dates": period.dates(),
            "bulletin": period.bulletin,
        }
        for name, label in self.WORDS.items():
            setattr(self, name, Word(PERIOD, name, texts[name], label))

    def word(self, name: str) -> Word | None:
        return getattr(self, name) if name in self.WORDS else None


def signing_word(signed) -> Word:
    """The 成文日期 under the closing, tagged so that ``refresh --date`` rewrites it."""
    from ..period import chinese_date

    return Word(DATE, "signed", chinese_date(signed), "成文日期")


OPERATORS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b}


def combine(left: Fig, sign: str, right: Fig) -> Fig:
    def apply(a, b):
        return None if a is None or b is None else OPERATORS[sign](a, b)

    return Fig(
        f"{left.id} {sign} {right.id}",
        apply(left.value, right.value),
        apply(left.previous, right.previous),
        f"{left.label}{sign}{right.label}",
        counted=left.counted and right.counted,
        whole_year=left.whole_year,
    )


class FigGroup(Mapping):
    """A grouped figure: ``activities.走访单位`` or ``activities["走访单位"]``."""

    def __init__(self, id: str, figs: dict[str, Fig]):
        self.id, self._figs = id, figs

    def __getitem__(self, key):
        return self._figs[key]

    def __getattr__(self, key):
        try:
            return self._figs[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self):
        return iter(self._figs)

    def __len__(self):
        return len(self._figs)


def lookup(context: dict, tag: Tag) -> Fig | Word | None:
    """What a tag names in ``context``: a figure (``activities.走访单位``, ``forms_1 +
    forms_2``), a period word or the signing date; None when it names nothing (or a
    phrasing this version lacks)."""
    if tag.kind == PERIOD:
        words = context.get("period")
        return words.word(tag.id) if isinstance(words, PeriodWords) else None
    if tag.kind == DATE:
        word = context.get("signed")
        return word if isinstance(word, Word) and word.id == tag.id else None
    if tag.kind != FIGURE or tag.format not in FORMATS:
        return None
    terms = re.split(r" ([+-]) ", tag.id)
    fig = _term(context, terms[0])
    for sign, name in zip(terms[1::2], terms[2::2], strict=True):
        right = _term(context, name)
        fig = None if fig is None or right is None else combine(fig, sign, right)
    return fig


SCOPE = "scope"  # the figures of one side of a sum: scope.本级, scope.下级 (run.py)


def _term(context: dict, name: str) -> Fig | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", name):
        number = float(name) if "." in name else int(name)
        return Fig(name, number, number, name)
    if name.startswith(SPECIAL_TAG):  # 专项/名称/clues: special["名称"].clues
        special, _, name = name.removeprefix(SPECIAL_TAG).partition("/")
        context = context.get("special", {}).get(special, {})
    root, _, cat = name.partition(".")
    fig = context.get(root)
    if root == SCOPE and isinstance(fig, dict):  # scope.本级.clues (docs/templates.md, 本级与下级)
        side, _, rest = cat.partition(".")
        return _term(fig[side], rest) if isinstance(fig.get(side), dict) and rest else None
    if cat:
        fig = fig.get(cat) if isinstance(fig, FigGroup) else None
    return fig if isinstance(fig, Fig) else None


SPECIAL_TAG = "专项/"  # the ids of special["名称"]'s figures: 专项/名称/clues (docs/figures.md)


def figure_context(
    values: dict,
    previous: dict,
    labels: Mapping[str, str],
    groups: Mapping[str, tuple[str, ...]],
    *,
    whole_year: bool = False,
    special: str = "",
    prefix: str = "",
) -> dict:
    """Template names: every figure id as a Fig, grouped figures as a FigGroup;
    ``whole_year``: the period is a calendar year (同比 then says 与上年持平);
    ``special``: the figures of that 专项's rows, tagged 专项/名称/id and labelled
    with the 专项's name, so that a refresh finds them again; ``prefix``: before every
    other tag's id (``scope.本级.``: one side of a summed figure, docs/templates.md)."""
    prefix = f"{SPECIAL_TAG}{special}/" if special else prefix

    def label(key: str, default: str) -> str:
        text = labels.get(key, default)
        return f"{text}（{special}）" if special else text

    def part(d, cat):
        return d.get(cat) if isinstance(d, dict) else None

    ctx: dict = {}
    for key, value in values.items():
        prev = previous.get(key)
        if key in groups:
            ctx[key] = FigGroup(
                prefix + key,
                {
                    cat: Fig(
                        f"{prefix}{key}.{cat}",
                        part(value, cat),
                        part(prev, cat),
                        label(f"{key}.{cat}", cat),
                        whole_year=whole_year,
                    )
                    for cat in groups[key]
                },
            )
        else:
            ctx[key] = Fig(prefix + key, value, prev, label(key, key), whole_year=whole_year)
    return ctx
