"""Bounds on a template's work: 10 s and 5 MB of text (docs/rules.md, 用户的电脑).

A template is user-editable input: a nested ``range(99999)`` loop or
``{{ 'x' * 10**9 }}`` must end in an error naming the template, not in minutes of
work or a full memory.  Windows has no SIGALRM and a thread cannot be stopped, so the
sandbox checks the clock and the size itself, at every step a template can repeat:
each loop iteration, each call, each operator that makes a long string or a big
number, each piece of text it produces (literal text included).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

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


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with a :class:`Budget`, renewed by :meth:`start` before each template."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, *args, finalize=None, **kwargs):
        def counted(value):
            value = finalize(value) if finalize is not None else value
            self.budget.spend(str(value))
            return value

        super().__init__(*args, finalize=counted, **kwargs)
        self.budget = Budget(LIMITS)
        self.filters.update(_wr_loop=_loop, _wr_text=_text, _wr_concat=_concat)

    def start(self) -> None:
        self.budget = Budget(LIMITS)

    def _parse(self, source, name, filename):
        return _bounded(super()._parse(source, name, filename))

    def call(self, context, obj, /, *args, **kwargs):
        self.budget.tick()
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
    return 0


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
