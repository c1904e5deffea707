"""The report's charts: which figures each one plots (docs/templates.md, 图表).

Pure: figures in, :class:`ChartData` out.  A template places a chart with
``{{ chart("ranks") }}`` alone on its line; the chart is drawn as a native Word
chart (render/chart.py) and ``refresh`` rewrites its values like a figure's.
"""

from __future__ import annotations

from dataclasses import replace

from .config import FORM_NAMES
from .ledgers import RANKS
from .render.document import CHART, Block, ChartData, Span

# name → (caption, kind, series name); the bulletins' two charts (docs/templates.md, 模板集)
CHARTS = {
    "ranks": ("处分人员职级构成", "pie", "处分人数"),
    "forms": ("运用“四种形态”情况", "column", "人次"),
}


def chart_points(name: str, values: dict) -> tuple[tuple[str, int], ...] | None:
    """The chart's (category, count) pairs from the figures; None when its figures are
    missing or all 0 (the chart is then left out: an empty chart states nothing)."""
    if name == "ranks":
        ranks = values.get("sanctioned_by_rank")
        if not isinstance(ranks, dict):
            return None
        # zero ranks left out as in the text; blank 职级 is a warning, never a category
        points = tuple((rank, int(ranks[rank])) for rank in RANKS if ranks.get(rank))
    elif name == "forms":
        counts = [values.get(f"forms_{n}") for n in range(1, 5)]
        if any(c is None for c in counts):
            return None
        points = tuple((form, int(c)) for form, c in zip(FORM_NAMES, counts, strict=True))
    else:
        raise KeyError(name)
    return points if any(v for _, v in points) else None


def chart_data(name: str, values: dict) -> ChartData | None:
    caption, kind, series = CHARTS[name]
    points = chart_points(name, values)
    return None if points is None else ChartData(name, caption, kind, series, points)


def chart_marker(name: str) -> str:
    """What ``{{ chart("ranks") }}`` prints: the name between two CHART marks."""
    from .render.marks import CHART as MARK
    from .render.sections import TemplateMessage

    if name not in CHARTS:
        raise TemplateMessage(
            f"没有名为「{name}」的图表，可用：" + "、".join(f"「{n}」" for n in CHARTS)
        )
    return f"{MARK}{name}{MARK}"


def resolve_charts(blocks, values: dict, enabled: bool = True) -> list[Block]:
    """The chart blocks filled with their data and numbered 图1, 图2 …; a chart whose
    figures are missing or all 0, or every chart when ``[report] charts = false``, left out."""
    out, n = [], 0
    for block in blocks:
        if block.kind != CHART:
            out.append(block)
            continue
        data = chart_data(block.chart_name, values) if enabled else None
        if data is None:
            continue
        n += 1
        out.append(replace(block, chart=data, spans=(Span(f"图{n} {data.caption}"),)))
    return out
