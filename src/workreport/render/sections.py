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
from collections.abc import Sequence
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
    HEADING1,
    HEADING2,
    HEADING3,
    Block,
    Span,
    Tag,
)
from .document import (
    CHART as CHART_BLOCK,
)
from .limits import BoundedEnvironment, LimitExceeded
from .marks import (
    CHART,
    CLAUSE_CLOSE,
    CLAUSE_OPEN,
    CLOSE,
    DROPPED,
    FORMAT,
    FORMAT_BASE,
    ITEM_CLOSE,
    ITEM_OPEN,
    KEPT,
    KNOWN_OPEN,
    MARK,
    NUMBER,
    OPEN,
    SEP,
    text_in,
    text_out,
    without_formats,
)
from .values import Fig, Word

SECTION_GLOB = "*.j2"
# context keys the tool sets for the filters: whether pct keeps a trailing .0
PCT_TRAILING_ZERO = "pct_trailing_zero"


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
            plain = MARK.sub(lambda m: m[5], line)
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
            m = MARK.fullmatch(part)
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
                    out.append(DROPPED)
            else:
                out.append(_render_kept(children, omitted, unknown))
            continue
        if _all_zero(children):
            omitted.extend(Tag(m[2], m[3], m[1]) for m in _figures(children) if m[4] == "z")
            out.append(DROPPED)
            continue
        number = f"{NUMBER}{style}{SEP}" if kind == ITEM_OPEN else ""
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
    while (at := line.find(DROPPED)) >= 0:
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
    places = [i for i, ch in enumerate(text) if not FORMAT.match(ch)]
    at = places[which]
    return text[:at] + text[at + 1 :]


_NUMBERED = re.compile(f"{NUMBER}([^{SEP}]*){SEP}")
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
    plain = without_formats(MARK.sub(lambda m: m[5], line))
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


_PIECE = re.compile(f"({MARK.pattern})|{FORMAT.pattern}")
