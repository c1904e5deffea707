"""The figures as a terminal table, CSV, or a listing for template authors."""

from __future__ import annotations

import csv
import io

from .config import Config
from .figures import change_phrase, figure_ids, figure_labels, flatten
from .format import show_value, table
from .render.sections import format_number
from .run import Stats

TABLE_HEADER = ("标识", "指标", "单位", "数值", "上年同期", "同比")
LISTING_HEADER = ("标识", "名称", "单位", "口径")


def _rows(stats: Stats, config: Config):
    """(id, label, unit, value, previous) for every figure, grouped ones spread."""
    units = {fid: unit for fid, _, unit, _ in figure_ids(config)}
    labels, _ = figure_labels(config)
    values, previous = flatten(stats.values), flatten(stats.previous)
    for fid, value in values.items():
        yield fid, labels.get(fid, fid), units.get(fid, ""), value, previous.get(fid)


def stats_table(stats: Stats, config: Config, max_width: int | None = None) -> str:
    if stats.by_unit:
        units = list(stats.by_unit)
        per_unit = {u: flatten(v) for u, v in stats.by_unit.items()}
        rows = [
            (
                fid,
                label,
                unit,
                show_value(value),
                *(show_value(per_unit[u].get(fid)) for u in units),
            )
            for fid, label, unit, value, _ in _rows(stats, config)
        ]
        header = ("标识", "指标", "单位", "合计", *units)
        numeric = range(3, 4 + len(units))
    else:
        rows = [
            (
                fid,
                label,
                unit,
                show_value(value),
                show_value(prev),
                change_phrase(fid, value, prev, stats.period.whole_year) or "",
            )
            for fid, label, unit, value, prev in _rows(stats, config)
        ]
        header = TABLE_HEADER
        numeric = (3, 4)
    title = f"统计期间：{stats.period.start} 至 {stats.period.end}（“—”表示缺少数据）"
    if stats.special_name:
        title = f"专项：{stats.special_name}\n{title}"
    return title + "\n" + table(header, rows, numeric=tuple(numeric), max_width=max_width)


def stats_csv(stats: Stats, config: Config) -> str:
    # a byte-order mark, so that Excel on Chinese Windows opens the file as UTF-8
    out = io.StringIO("\ufeff")
    out.seek(0, io.SEEK_END)
    writer = csv.writer(out, lineterminator="\n")
    units = list(stats.by_unit)
    per_unit = {u: flatten(v) for u, v in stats.by_unit.items()}
    # the id stays Latin (templates name figures by it); the rest read as the table's
    # headers do (docs/rules.md, 命令行)
    writer.writerow(["id", *TABLE_HEADER[1:], *units])
    for fid, label, unit, value, prev in _rows(stats, config):
        writer.writerow(
            [
                fid,
                label,
                unit,
                "" if value is None else format_number(value),
                "" if prev is None else format_number(prev),
                change_phrase(fid, value, prev, stats.period.whole_year) or "",
                *(
                    "" if per_unit[u].get(fid) is None else format_number(per_unit[u].get(fid))
                    for u in units
                ),
            ]
        )
    return out.getvalue()


def figures_listing(figures: list, fmt: str = "table", max_width: int | None = None) -> str:
    """``stats --list`` (figures.list_figures) as a table, JSON or CSV."""
    rows = [(f.id, f.label, f.unit, f.basis) for f in figures]
    if fmt == "json":
        import json

        return json.dumps(
            [{"id": i, "label": label, "unit": u, "basis": b} for i, label, u, b in rows],
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([("id", *LISTING_HEADER[1:]), *rows])
        return out.getvalue()
    return table(LISTING_HEADER, rows, max_width=max_width)
