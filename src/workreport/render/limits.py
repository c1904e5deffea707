"""Bounds on a template's work: 10 s and 5 MB of text (docs/rules.md, 用户的电脑).

A template is user-editable input: a nested ``range(99999)`` loop or
``{{ 'x' * 10**9 }}`` must end in an error naming the template, not in minutes of
work or a full memory.  Windows has no SIGALRM and a thread cannot be stopped, so the
sandbox checks the clock and the size itself, at every step a template can repeat:
each loop iteration, each call, each operator that makes a long string or a big
number, each piece of text it produces (literal text included).
"""

from __future__ import annotations

import re
import string
import time
from dataclasses import dataclass
from functools import wraps

from jinja2 import nodes, pass_context
from jinja2.sandbox import SandboxedEnvironment


@dataclass(frozen=True)
class Limits:
    seconds: float = 10.0
    characters: int = 5 * 1024 * 1024


LIMITS = Limits()  # what every render gets; tests set smaller ones


class LimitExceeded(Exception):
    """A template went past its bounds; the message says which."""


class Budget:
    """What one template may still spend."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.produced = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"E122 运行超过 {self.limits.seconds:g} 秒，已停止（模板中有过大的循环？）"
            )

    def fits(self, size: int) -> None:
        if size > self.limits.characters:
            raise LimitExceeded(
                f"E122 生成的文字超过 {self.limits.characters / 1024**2:g} MB，已停止"
                "（模板中有过大的循环或重复？）"
            )

    def spend(self, text: str) -> None:
        self.tick()
        self.produced += len(text)
        self.fits(self.produced)


# Jinja's layout helpers for plain text: a Word report is laid out by Word, and each can
# be asked for gigabytes (center(10**9), lipsum(10**6)) or minutes (wordwrap of a long
# word is quadratic).  A template that uses one gets an error naming it (docs/templates.md).
LAYOUT_FILTERS = ("center", "indent", "wordwrap", "urlize", "batch", "slice", "xmlattr")
LAYOUT_GLOBALS = ("lipsum",)


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with a :class:`Budget`, renewed by :meth:`start` before each template."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args, finalize=None, **kwargs):
        def counted(value):
            value = finalize(value) if finalize is not None else value
            self.budget.spend(str(value))
            return value

        super().__init__(*args, finalize=counted, **kwargs)
        self.budget = Budget(LIMITS)
        for name in LAYOUT_FILTERS:
            self.filters.pop(name, None)
        for name in LAYOUT_GLOBALS:
            self.globals.pop(name, None)
        # the filters whose result can be far longer than what they are given: sized first
        for name, size in _SIZED_FILTERS.items():
            self.filters[name] = self._sized(self.filters[name], size)
        self.filters.update(_wr_loop=_loop, _wr_text=_text, _wr_concat=_concat)

    def _sized(self, function, size):
        """``function`` as a filter whose result's size is checked before it is made."""
        passes = getattr(function, "jinja_pass_arg", None) is not None

        @wraps(function)  # keeps jinja_pass_arg: Jinja passes the same first argument
        def sized(*args, **kwargs):
            self.budget.fits(size(*(args[1:] if passes else args), **kwargs))
            return function(*args, **kwargs)

        return sized

    def start(self) -> None:
        self.budget = Budget(LIMITS)

    def _parse(self, source, name, filename):
        return _bounded(super()._parse(source, name, filename))

    def call(self, context, obj, /, *args, **kwargs):
        self.budget.tick()
        # the sandbox hands str.format out wrapped: the string is the wrapped method's
        owner = getattr(getattr(obj, "__wrapped__", obj), "__self__", None)
        if isinstance(owner, str) and (size := _STR_METHODS.get(obj.__name__)) is not None:
            self.budget.fits(size(owner, *args, **kwargs))  # "x".ljust(10**9), "{:>9999}".format
        return super().call(context, obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        self.budget.tick()
        self.budget.fits(_predicted(operator, left, right))
        return super().call_binop(context, operator, left, right)


def _predicted(operator: str, left, right) -> int:
    """About how many characters (or digits) the result would have, before it is made."""
    sized = (str, list, tuple)
    if operator == "*":
        if isinstance(left, sized) and isinstance(right, int):
            return len(left) * max(right, 0)
        if isinstance(right, sized) and isinstance(left, int):
            return len(right) * max(left, 0)
    if operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        return len(left) + len(right)
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        return abs(left).bit_length() * right // 3  # decimal digits, roughly
    if operator == "%" and isinstance(left, str):
        return _percent_size(left, right)
    return 0


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")


def _widths(args) -> int:
    """The numbers a format takes its widths from (``%*d``), at most."""
    values = args if isinstance(args, tuple | list) else (args,)
    return sum(abs(v) for v in values if isinstance(v, int) and not isinstance(v, bool))


def _text_size(value) -> int:
    # a huge int has no cheap str(): its digits, from its bits
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    return len(value) if isinstance(value, str) else 64


def _args_size(args) -> int:
    values = args if isinstance(args, tuple | list) else (args,)
    if isinstance(args, dict):
        values = tuple(args.values())
    return sum(_text_size(v) for v in values)


def _percent_size(fmt: str, args) -> int:
    """``fmt % args``: the text, the arguments, and every width and precision asked for."""
    asked = sum(int(n) for spec in _PERCENT_SPEC.findall(fmt) for n in spec if n.isdigit())
    starred = "*" in "".join(w for spec in _PERCENT_SPEC.findall(fmt) for w in spec)
    return len(fmt) + _args_size(args) + asked + (_widths(args) if starred else 0)


def _brace_size(fmt: str, *args, **kwargs) -> int:
    """``fmt.format(...)``: the text, the arguments, and every number in a format spec."""
    asked = 0
    try:
        for _, _, spec, _ in string.Formatter().parse(fmt):
            asked += sum(int(n) for n in re.findall(r"\d+", spec or ""))
    except ValueError:
        pass  # a malformed format fails on its own, quickly
    return len(fmt) + _args_size(args) + _args_size(kwargs) + asked


def _replace_size(text, old="", new="", count=-1, *_) -> int:
    text, old, new = str(text), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _join_size(value, d="", *_) -> int:
    items = value if isinstance(value, list | tuple | str) else ()
    return sum(_text_size(i) if isinstance(i, int) else len(str(i)) for i in items) + len(
        str(d)
    ) * max(len(items) - 1, 0)


_SIZED_FILTERS = {
    "format": lambda value, *args, **kwargs: _percent_size(str(value), args or kwargs),
    "replace": _replace_size,
    "join": _join_size,
}


def _width_size(text: str, width=0, *_) -> int:
    return max(len(text), width if isinstance(width, int) else 0)


_STR_METHODS = {
    "ljust": _width_size,
    "rjust": _width_size,
    "center": _width_size,
    "zfill": _width_size,
    "expandtabs": lambda text, tabsize=8: len(text) + text.count("\t") * max(tabsize, 0),
    "format": _brace_size,
    "format_map": lambda fmt, mapping={}: _brace_size(fmt, **dict(mapping)),
    "replace": _replace_size,
    "join": lambda sep, items=(): _join_size(items, sep),
}


def _bounded(tree: nodes.Template) -> nodes.Template:
    """Route every loop, every piece of literal text and every ``~`` through the budget."""

    def filtered(node, name):
        return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)

    found = _nodes(tree)
    for loop in found[nodes.For]:
        loop.iter = filtered(loop.iter, "_wr_loop")
    for output in found[nodes.Output]:
        output.nodes = [
            filtered(nodes.Const(n.data, lineno=n.lineno), "_wr_text")
            if isinstance(n, nodes.TemplateData)
            else n
            for n in output.nodes
        ]
    for concat in found[nodes.Concat]:
        concat.nodes = [filtered(nodes.List(concat.nodes, lineno=concat.lineno), "_wr_concat")]
    return tree


def _nodes(tree: nodes.Node) -> dict[type, list]:
    """The loops, outputs and ``~`` of ``tree``, in one walk: ``find_all`` walks the tree
    once per type, through a generator per level, 2.5× the time (benchmarks/README.md, 启动).
    The three rewrites do not depend on each other, so the order found does not matter."""
    found: dict[type, list] = {nodes.For: [], nodes.Output: [], nodes.Concat: []}
    stack = [tree]
    while stack:
        node = stack.pop()
        for kind, bucket in found.items():
            if isinstance(node, kind):
                bucket.append(node)
        for name in node.fields:
            value = getattr(node, name, None)
            if isinstance(value, nodes.Node):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, nodes.Node))
    return found


# pass_context keeps Jinja from running these once at compile time instead of every time


@pass_context
def _loop(context, iterable):
    budget = context.environment.budget
    for item in iterable:
        budget.tick()
        yield item


@pass_context
def _text(context, text: str) -> str:
    return text


@pass_context
def _concat(context, items) -> str:
    parts = [str(i) for i in items]
    context.environment.budget.fits(sum(map(len, parts)))
    return "".join(parts)
