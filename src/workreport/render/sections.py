"""Section templates → document blocks.

Templates are user-editable input, so they run in Jinja's sandbox with
StrictUndefined: a mistyped figure name fails the build naming the template
file and line.  Every figure reaches the template as a :class:`Fig`, every
period word as a :class:`Word`; printing one (directly or through
``approx``/``yoy``/``pct``) leaves an invisible marker around its text, which
becomes a tagged :class:`Span` the draft marks and ``refresh`` can find again.

No achievement of zero (docs/templates.md, 为 0 的内容): ``{% clause %}…{% endclause %}``
and ``{% item "一是" %}…{% enditem %}`` mark the words that state figures; after
rendering, a clause or item whose figures are all 0 is left out with one of
the separators around it, and the items still kept are numbered again.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping, Sequence
from functools import cache, partial
from pathlib import Path

from jinja2 import (
    BaseLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
    nodes,
    pass_context,
)
from jinja2 import (
    TemplateError as JinjaTemplateError,
)
from jinja2.ext import Extension
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError
from .document import (
    BODY,
    DATE,
    FIGURE,
    HEADING1,
    HEADING2,
    HEADING3,
    PERIOD,
    VALUE,
    Block,
    Span,
    Tag,
)
from .document import (
    CHART as CHART_BLOCK,
)
from .limits import BoundedEnvironment, LimitExceeded

# A printed figure travels through Jinja's output as OPEN kind SEP id SEP format SEP
# state SEP text CLOSE; the state is v (a value), z (a value of 0), m (missing: a
# 【待补充】 placeholder) or n (not a count: a year, a period word, the date).  The marks
# are C0 control characters: no text the renderer carries can hold one, because a .docx
# cannot (xml_safe drops them) and text_in takes them out of everything that comes in
# (templates, a Word template's text, the project's words).  None of them is whitespace
# to str.strip() or a line break to str.splitlines().  Private-use characters are the
# user's (a 造字 from U+E000 is part of a name) and pass through (docs/templates.md).
OPEN, SEP, CLOSE = "\x01", "\x02", "\x03"
_MARK = re.compile(
    f"{OPEN}([^{SEP}]*){SEP}([^{SEP}]*){SEP}([^{SEP}]*){SEP}([vzmn]){SEP}([^{CLOSE}]*){CLOSE}"
)
# {% clause %} and {% item "一是" %} leave these around their text (see resolve_zeros)
CLAUSE_OPEN, CLAUSE_CLOSE, ITEM_OPEN, ITEM_CLOSE = "\x04", "\x05", "\x06", "\x07"
_DROPPED, _NUMBER = "\x08", "\x0e"
KNOWN_OPEN = "\x0f"  # {% known %}: closed by CLAUSE_CLOSE
KEPT = "\x10"  # {% kept %}: the number of parts kept beside it (抓好“三类教育”)
# A character of planes 15 and 16 (private use) travels as ESCAPE and its code point in
# six hex digits: those planes number a Word template's formats and paragraphs below
ESCAPE = "\x11"
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # tab, LF and CR are text
_HIGH_PRIVATE = re.compile("[\U000f0000-\U0010ffff]")
_ESCAPED = re.compile(f"{ESCAPE}([0-9A-F]{{6}})")


def text_in(text: str) -> str:
    """Text that enters the renderer: no control characters (the marks are), and each
    character of planes 15 and 16 escaped."""
    text = _CONTROLS.sub("", text)
    return _HIGH_PRIVATE.sub(lambda m: f"{ESCAPE}{ord(m[0]):06X}", text)


def text_out(text: str) -> str:
    """Rendered text as the draft shows it: the escaped characters back."""
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text) if ESCAPE in text else text


# "\x13" starts a row of a Word template's table (render/word_template.py, ROW)
CHART = "\x12"  # {{ chart("ranks") }}: a chart's name between two of these, alone on its line
SECTION_GLOB = "*.j2"
# context keys the tool sets for the filters: whether pct keeps a trailing .0
PCT_TRAILING_ZERO = "pct_trailing_zero"
# A Word template's character formatting travels as one character of plane 15 (private
# use) before the text it applies to: format number k is chr(FORMAT_BASE + k), 0 for none
# (render/word_template.py; docs/templates.md, Word 模板).
FORMAT_BASE = 0xF0000
_FORMAT = re.compile("[\U000f0000-\U000ffffd]")


def format_mark(k: int) -> str:
    return chr(FORMAT_BASE + k)


def without_formats(text: str) -> str:
    return _FORMAT.sub("", text)


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
        return _marker(self.tag(fmt), state, text)

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


def _marker(tag: Tag, state: str, text: str) -> str:
    # an id or a label may hold the project's words (a unit's 造字, a control character)
    return (
        f"{OPEN}{tag.kind}{SEP}{text_in(tag.id)}{SEP}{tag.format}{SEP}{state}{SEP}"
        f"{text_in(text)}{CLOSE}"
    )


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
        return _marker(self.tag(), "n", self.value)

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


def _as_fig(value, name: str) -> Fig:
    if not isinstance(value, Fig):
        raise TypeError(f"过滤器 {name} 只能用于指标，如 {{{{ clues | {name} }}}}")
    return value


def approx(value) -> str:
    return _as_fig(value, "approx").tagged("approx")


@pass_context
def pct(context, value) -> str:
    # the phrasing goes into the tag, so refresh writes the same form (docs/templates.md, 百分比)
    trim = not context.get(PCT_TRAILING_ZERO, True)
    return _as_fig(value, "pct").tagged("pct_trim" if trim else "pct")


def yoy(value) -> str:
    return _as_fig(value, "yoy").tagged("yoy")


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    n = int(n)
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def cn_heading(n: int) -> str:
    return f"{chinese_number(n)}、"


def cn_paren(n: int) -> str:
    return f"（{chinese_number(n)}）"


def cn_ordinal(n: int) -> str:
    return f"{chinese_number(n)}是"


ITEM_STYLES = {
    "一是": cn_ordinal,
    "（1）": lambda n: f"（{n}）",
    "（一）": cn_paren,
    "1.": lambda n: f"{n}.",
}


class ZeroExtension(Extension):
    """``{% clause %}…{% endclause %}`` and ``{% item "一是" %}…{% enditem %}``: words
    that are left out when every figure they hold is 0 (docs/templates.md, 为 0 的内容);
    ``{% known %}…{% endknown %}``: words left out when a figure they hold is missing,
    as the 通报 leaves out what it cannot state (docs/templates.md, 模板集)."""

    tags = {"clause", "item", "known", "kept"}

    def parse(self, parser):
        # the marks are printed around the words in place, in a scope of their own as a
        # {% call %} body has: a caller macro per part made Jinja compile ≈ 1.3× longer
        # (benchmarks/README.md, 启动)
        token = next(parser.stream)
        lineno = token.lineno
        if token.value == "kept":
            # a lead-in that counts its items agrees with those left (docs/templates.md)
            return nodes.Output([nodes.TemplateData(KEPT)]).set_lineno(lineno)
        if token.value == "clause":
            body = parser.parse_statements(("name:endclause",), drop_needle=True)
            opening, closing = nodes.TemplateData(CLAUSE_OPEN), CLAUSE_CLOSE
        elif token.value == "known":
            body = parser.parse_statements(("name:endknown",), drop_needle=True)
            opening, closing = nodes.TemplateData(KNOWN_OPEN), CLAUSE_CLOSE
        else:
            style = parser.parse_expression()
            body = parser.parse_statements(("name:enditem",), drop_needle=True)
            opening, closing = self.call_method("_item", [style]), ITEM_CLOSE
        before = nodes.Output([opening]).set_lineno(lineno)
        after = nodes.Output([nodes.TemplateData(closing)]).set_lineno(lineno)
        return [before, nodes.Scope(body, lineno=lineno), after]

    def _item(self, style) -> str:
        if style not in ITEM_STYLES:
            raise ValueError(
                f"编号样式「{style}」不可用，可用：" + "、".join(f"「{k}」" for k in ITEM_STYLES)
            )
        return f"{ITEM_OPEN}{style}{SEP}"


class _Sources(FileSystemLoader):
    """The .j2 files of a folder, their text as the renderer carries it (text_in)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return text_in(source), filename, uptodate


def make_environment(folder: Path, loader: BaseLoader | None = None) -> SandboxedEnvironment:
    """The sandbox every template runs in: the .j2 files of ``folder``, or what ``loader``
    gives (a Word template, render/word_template.py)."""
    # bounded: a template may not run past 10 s or 5 MB of text (docs/rules.md, 用户的电脑)
    env = BoundedEnvironment(
        # utf-8-sig: a template saved by Notepad starts with a BOM that is not text
        loader=loader or _Sources(str(folder), encoding="utf-8-sig"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=lambda v: v.tagged() if isinstance(v, Fig | Word) else v,
        extensions=[ZeroExtension],
    )
    env.filters.update(
        approx=approx,
        pct=pct,
        yoy=yoy,
        cn=chinese_number,
        cn_heading=cn_heading,
        cn_paren=cn_paren,
        cn_ordinal=cn_ordinal,
    )
    return env


def _shipped(folder: Path) -> bool:
    """Whether ``folder`` is one of the template sets inside the package: they never change
    while the program runs, so their compiled templates are kept (a build renders the
    default set twice: the project's, and the stamp's C324 digests)."""
    from importlib import resources

    shipped = Path(str(resources.files("workreport.templates")))
    return folder == shipped or shipped in folder.parents


@cache
def _shipped_environment(folder: Path) -> SandboxedEnvironment:
    return make_environment(folder)


_FOLDER_ENVIRONMENTS: dict[tuple, SandboxedEnvironment] = {}


def _folder_environment(folder: Path) -> SandboxedEnvironment:
    """A project's folder of templates, compiled once a process for as long as its files
    say the same (their names and bytes: never a stale template, whatever the clock)."""
    try:
        key = (folder, *((p.name, p.read_bytes()) for p in sorted(folder.glob(SECTION_GLOB))))
    except OSError:
        return make_environment(folder)  # unreadable: render_one says which and why
    if key not in _FOLDER_ENVIRONMENTS:
        if len(_FOLDER_ENVIRONMENTS) >= 16:  # a long-lived process: the oldest goes
            _FOLDER_ENVIRONMENTS.pop(next(iter(_FOLDER_ENVIRONMENTS)))
        _FOLDER_ENVIRONMENTS[key] = make_environment(folder)
    return _FOLDER_ENVIRONMENTS[key]


def section_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(SECTION_GLOB))


def render_sections(
    folder: Path, context: dict, unknown: list[Tag] | None = None
) -> tuple[list[Block], list[Tag]]:
    """Render every section template in file-name order into blocks; also returns the
    tags of the figures left out because they were 0.  The tags of missing figures
    that a ``{% known %}`` left out are added to ``unknown``."""
    env = _shipped_environment(folder) if _shipped(folder) else _folder_environment(folder)
    names = section_names(folder)
    if not names:
        raise TemplateError(str(folder), None, "模板文件夹中没有 .j2 模板")
    blocks: list[Block] = []
    omitted: list[Tag] = []
    for name in names:
        try:
            text, dropped = resolve_zeros(render_one(env, folder, name, context), unknown)
            blocks.extend(parse_blocks(text))
        except ValueError as e:
            raise TemplateError(name, None, str(e)) from e
        omitted.extend(dropped)
    return blocks, omitted


_SEPARATORS = "、，；,;"


def resolve_zeros(text: str, unknown: list[Tag] | None = None) -> tuple[str, list[Tag]]:
    """Leave out every clause and item whose figures are all 0, with one separator next
    to it, and number the items kept (一是、二是…; （1）（2）… across consecutive lines).

    Statistics outside any clause stay, zero or not; a clause with no figure, or with a
    missing one (【待补充】), stays: missing is never taken for 0.
    """
    omitted: list[Tag] = []
    lines = []
    for line in text.split("\n"):
        opened = sum(line.count(m) for m in (CLAUSE_OPEN, ITEM_OPEN, KNOWN_OPEN))
        if opened != line.count(CLAUSE_CLOSE) + line.count(ITEM_CLOSE):
            # a paragraph is the unit that is kept or left out: a part cannot span two
            plain = _MARK.sub(lambda m: m[5], line)
            words = text_out("".join(ch for ch in without_formats(plain) if ch >= " "))
            raise ValueError(
                f"「{words[:16]}…」所在段落中的 {{% clause %}}、{{% item %}} 或 {{% known %}} "
                "没有在同一段内结束：开始和结束标记须写在同一段（同一行）中"
            )
        tree, _ = _parse_marks(line, 0, "")
        lines.append(_tidy(_render_kept(tree, omitted, unknown if unknown is not None else [])))
    return _number_items(lines), list(dict.fromkeys(omitted))


def _parse_marks(text: str, at: int, closing: str) -> tuple[list, int]:
    """The line as a tree: plain text and figure markers, with [kind, style, children]
    for each clause or item."""
    out: list = []
    start = at
    while at < len(text):
        ch = text[at]
        if ch in (CLAUSE_OPEN, ITEM_OPEN, KNOWN_OPEN):
            out.append(text[start:at])
            style = ""
            if ch == ITEM_OPEN:
                end = text.index(SEP, at)
                style, at = text[at + 1 : end], end
            children, at = _parse_marks(
                text, at + 1, ITEM_CLOSE if ch == ITEM_OPEN else CLAUSE_CLOSE
            )
            out.append([ch, style, children])
            start = at
            continue
        elif ch == closing:
            out.append(text[start:at])
            return out, at + 1
        elif ch == OPEN:
            end = text.index(CLOSE, at) + 1
            out.append(text[start:at])
            out.append(text[at:end])
            start = at = end
            continue
        at += 1
    out.append(text[start:])
    return out, at


def _figures(tree: list, nested: bool = True, known: bool = True) -> list[re.Match]:
    """The counts in ``tree`` (not years or words), with those of nested parts or not
    (and of nested ``{% known %}`` parts or not: each answers for its own)."""
    found = []
    for part in tree:
        if isinstance(part, list):
            if nested and (known or part[0] != KNOWN_OPEN):
                found.extend(_figures(part[2], known=known))
        elif part.startswith(OPEN):
            m = _MARK.fullmatch(part)
            if m[4] != "n":
                found.append(m)
    return found


def _all_zero(children: list) -> bool:
    """A part goes when its own counts are all 0 («明确0方面8项» goes whole); one with no
    count of its own goes when every count of the parts inside it is 0."""
    own = _figures(children, nested=False)
    counts = own or _figures(children)
    return bool(counts) and all(m[4] == "z" for m in counts)


def _render_kept(tree: list, omitted: list[Tag], unknown: list[Tag]) -> str:
    out = []
    # {% kept %}: the clauses and items of this level that stay, in Chinese (三)
    kept = sum(
        1
        for part in tree
        if isinstance(part, list) and part[0] != KNOWN_OPEN and not _all_zero(part[2])
    )
    for part in tree:
        if not isinstance(part, list):
            # before a measure word 2 is 两 (两类、两个)
            out.append(part.replace(KEPT, "两" if kept == 2 else chinese_number(kept)))
            continue
        kind, style, children = part
        if kind == KNOWN_OPEN:
            gone = [m for m in _figures(children, known=False) if m[4] == "m"]
            if gone:
                unknown.extend(Tag(m[2], m[3], m[1]) for m in gone)
                # words that open with their own punctuation («，同比增长…») go with it;
                # others go like a clause, with one separator beside them
                if not without_formats(_opening_text(children)).startswith(tuple(_SEPARATORS)):
                    out.append(_DROPPED)
            else:
                out.append(_render_kept(children, omitted, unknown))
            continue
        if _all_zero(children):
            omitted.extend(Tag(m[2], m[3], m[1]) for m in _figures(children) if m[4] == "z")
            out.append(_DROPPED)
            continue
        number = f"{_NUMBER}{style}{SEP}" if kind == ITEM_OPEN else ""
        out.append(number + _render_kept(children, omitted, unknown))
    return "".join(out)


_RANK = {"、": 0, "，": 1, ",": 1, "；": 2, ";": 2}  # the weaker separator of two goes


def _opening_text(tree: list) -> str:
    for part in tree:
        text = _opening_text(part[2]) if isinstance(part, list) else part
        if text:
            return text
    return ""


def _tidy(line: str) -> str:
    """Take out each left-out part with one separator beside it: the one after it, else
    the one before it; a part alone between two full stops takes the second.  Format
    marks of a Word template are not text: they are looked past and kept."""
    while (at := line.find(_DROPPED)) >= 0:
        before, after = line[:at], line[at + 1 :]
        seen_before, seen_after = without_formats(before), without_formats(after)
        if (
            seen_after[:1] in _RANK
            and seen_before[-1:] in _RANK
            and _RANK[seen_before[-1]] <= _RANK[seen_after[0]]
        ):
            # the last of a list goes with the 、 before it: «A、B、[C]；D» → «A、B；D»
            before = _drop_visible(before, -1)
        elif seen_after[:1] in tuple(_SEPARATORS):
            after = _drop_visible(after, 0)
        elif seen_before[-1:] in tuple(_SEPARATORS):
            before = _drop_visible(before, -1)
        elif seen_after[:1] == "。" and (not seen_before.strip() or seen_before[-1] in "。：:"):
            after = _drop_visible(after, 0)
        line = before + after
    return line


def _drop_visible(text: str, which: int) -> str:
    """``text`` without its first (0) or last (-1) character that is not a format mark."""
    places = [i for i, ch in enumerate(text) if not _FORMAT.match(ch)]
    at = places[which]
    return text[:at] + text[at + 1 :]


_NUMBERED = re.compile(f"{_NUMBER}([^{SEP}]*){SEP}")
_PER_PARAGRAPH = {"一是"}


def _number(running: dict[str, int], inline: dict[str, int], m: re.Match) -> str:
    style = m[1]
    # 一是、二是 start again in every paragraph; （1）（2） run on across them
    counter = running if m.start() == 0 and style not in _PER_PARAGRAPH else inline
    counter[style] = counter.get(style, 0) + 1
    return ITEM_STYLES[style](counter[style])


def _number_items(lines: list[str]) -> str:
    """Number the items kept: 一是 within its paragraph; （1）, （一）, 1. across the
    consecutive lines they start (a line left out entirely does not break the count)."""
    out = []
    running: dict[str, int] = {}  # style → the last number of the lines' series
    for line in lines:
        if not line.strip():
            out.append(line)
            continue
        line = line.lstrip() if _NUMBERED.match(line.lstrip()) else line
        if not _NUMBERED.match(line):
            running = {}
        out.append(_NUMBERED.sub(partial(_number, running, {}), line))
    return "\n".join(out)


def render_one(env: SandboxedEnvironment, folder: Path, name: str, context: dict) -> str:
    try:
        template = env.get_template(name)
        if isinstance(env, BoundedEnvironment):
            env.start()
        return template.render(context)
    except LimitExceeded as e:
        raise TemplateError(name, _template_line(e, folder / name), str(e)) from e
    except RecursionError as e:
        # a macro that calls itself, a template that includes itself: Python's own bound
        raise TemplateError(
            name,
            _template_line(e, folder / name),
            "E122 模板调用自身过深（宏调用自身，或模板包含自身？），已停止",
        ) from e
    except TemplateSyntaxError as e:
        raise TemplateError(name, e.lineno, f"语法错误：{_syntax(e.message or '')}") from e
    except UnicodeDecodeError as e:
        raise TemplateError(
            name, None, "模板不是 UTF-8 编码，请用记事本“另存为”UTF-8 后再试"
        ) from e
    except (
        JinjaTemplateError,
        TypeError,
        ValueError,
        ArithmeticError,
        AttributeError,
        KeyError,
    ) as e:
        raise TemplateError(name, _template_line(e, folder / name), _explain(e)) from e


def _template_line(error: BaseException, path: Path) -> int | None:
    # Jinja rewrites tracebacks so template frames carry the template's file and line.
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if Path(frame.filename).name == path.name:
            line = frame.lineno
    return line


class TemplateMessage(ValueError):
    """A mistake in a template that the tool explains in the analyst's words (an unknown
    chart name): said as it is."""


def _explain(error: BaseException) -> str:
    if isinstance(error, TemplateMessage):
        return str(error)
    message = str(error)
    m = re.match(r"'(.+)' is undefined", message)
    if m:
        return f"未定义的名称「{m[1]}」（指标名写错了吗？用 workreport stats --list 查看全部指标）"
    m = re.match(r"'(.+)' has no attribute '(.+)'", message)
    if m:
        return (
            f"「{m[2]}」不存在（指标名或分类名写错了吗？用 workreport stats --list 查看全部指标）"
        )
    if isinstance(error, ZeroDivisionError):
        return "除数为 0（用 if 先判断分母不为 0）"
    # Jinja's and Python's own texts are English (docs/rules.md, 命令行): the kind is enough
    return f"计算出错（{type(error).__name__}），请检查这一行的写法"


# Jinja's syntax messages, in the analyst's words (docs/templates.md); the rest: see the line
_SYNTAX = (
    (
        re.compile(r"Unexpected end of template", re.I),
        "模板在这里意外结束（缺少 {{% endif %}} 或 {{% endfor %}}？）",
    ),
    (re.compile(r"Encountered unknown tag '(.+?)'"), "不认识的标记「{0}」"),
    (
        re.compile(r"No filter named '(.+?)'"),
        "没有过滤器「{0}」（Word 自行排版：center、indent、wordwrap 等文本排版过滤器在模板中不可用）",
    ),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"), "这里应为「{0}」，却是「{1}」"),
    (re.compile(r"unexpected char '(.+?)'"), "多余或写错的字符「{0}」"),
    (re.compile(r"unexpected '(.+?)'"), "多余或写错的「{0}」"),
)


_TOKEN_NAMES = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "模板结尾",
    "name": "名称",
    "integer": "整数",
    "string": "文字",
}


def _syntax(message: str) -> str:
    for pattern, text in _SYNTAX:
        if m := pattern.search(message):
            return text.format(*(_TOKEN_NAMES.get(g, g) for g in m.groups()))
    # the rule itself: an offline install has no docs/ folder to point at
    return (
        "写法不对：{{ }} 中只写指标名、运算或过滤器（如 {{ clues }}、{{ talks.廉政谈话 | approx }}），"
        "{% %} 中写 if、for、clause 等标记，且每个 {% if %}、{% for %}、{% clause %} 都要有对应的结束标记；"
        "请检查这一行的括号和标记"
    )


_HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
_HEADING2 = re.compile(r"^（(?:[一二三四五六七八九十]+|\d+)）")
_HEADING3 = re.compile(r"^\d+[.．]")
_LEAD_END = "。"
_LEAD_MAX = 40


def parse_blocks(text: str) -> list[Block]:
    """One paragraph per non-empty line; 一、/（一）/1. set the heading style (docs/templates.md, 一行一段)."""
    return [b for b in map(block_of, text.splitlines()) if b is not None]


def block_of(raw: str, formats: Sequence[str | None] = ()) -> Block | None:
    """A rendered line as a paragraph, or None when it is blank; ``formats`` are the
    character formats its format marks stand for (a Word template's)."""
    line = raw.strip()
    plain = without_formats(_MARK.sub(lambda m: m[5], line))
    if not plain.strip():
        return None
    if CHART in plain:
        name = plain.strip()
        if name.count(CHART) != 2 or not (name.startswith(CHART) and name.endswith(CHART)):
            raise ValueError("{{ chart(…) }} 须单独成段（一行只写它，前后不加文字）")
        return Block(CHART_BLOCK, (), chart_name=name[1:-1])
    spans = partial(to_spans, formats=formats)
    if _HEADING1.match(plain.lstrip()):
        return Block(HEADING1, spans(line))
    plain = plain.lstrip()
    kind = HEADING2 if _HEADING2.match(plain) else HEADING3 if _HEADING3.match(plain) else None
    cut = line.find(_LEAD_END)
    lead = line[: cut + 1]
    if kind and 0 < len(without_formats(lead)) - 1 <= _LEAD_MAX and OPEN not in lead:
        return Block(BODY, spans(line[cut + 1 :]), lead=spans(lead), lead_kind=kind)
    return Block(BODY, spans(line))


_PROMPT = re.compile("(【请填写[^】]*】)")


def _literal(text: str, rpr: str | None) -> list[Span]:
    """Literal text, each 【请填写：…】 prompt a highlighted span of its own (docs/templates.md)."""
    return [
        Span(piece, rpr=rpr, prompt=bool(i % 2))
        for i, piece in enumerate(_PROMPT.split(text))
        if piece
    ]


def to_spans(line: str, formats: Sequence[str | None] = ()) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos, rpr = 0, None
    for m in _PIECE.finditer(line):
        if m.start() > pos:
            spans.extend(_literal(text_out(line[pos : m.start()]), rpr))
        pos = m.end()
        if m[0][0] != OPEN:  # a Word template's format mark
            rpr = formats[ord(m[0]) - FORMAT_BASE] if formats else None
            continue
        state = m[5]
        tag = Tag(text_out(m[3]), m[4], m[2])
        spans.append(
            Span(text_out(m[6]), tag=tag, missing=state == "m", zero=state == "z", rpr=rpr)
        )
    if pos < len(line):
        spans.extend(_literal(text_out(line[pos:]), rpr))
    return tuple(spans)


_PIECE = re.compile(f"({_MARK.pattern})|{_FORMAT.pattern}")


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


SPECIAL_TAG = "专项/"  # the ids of special["名称"]'s figures: 专项/名称/clues (SPEC §16)


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
