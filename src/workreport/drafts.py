"""Working on drafts that already exist: refresh the figures in place, compare two.

``refresh`` touches nothing but the text inside the figure tags (and the
appendix table, which the tool owns): wording, formatting, comments, tracked
changes and inserted paragraphs stay as the analyst left them (SPEC §5a).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import OutputError, UsageError
from .figures import figure_labels
from .period import Period, parse_period
from .report import (
    EDITED_PROP,
    FINGERPRINT_PROP,
    PROP_PREFIX,
    Stats,
    appendix_table,
    audit_workbook,
    compute_stats,
    draft_properties,
    is_edited,
    load_valid,
    recorded,
    recorded_tags,
    require_period,
    template_context,
)
from .write import ensure_not_open, keep_backup, write_atomic


@dataclass
class Change:
    tag: str
    label: str
    old: str
    new: str


@dataclass
class RefreshResult:
    output: Path
    stats: Stats
    changes: list[Change]
    lost: list[tuple[str, str]]  # (tag, label) of figures whose tag the editor deleted
    unknown: list[str]  # tags that name no figure any more (vocabulary changed)
    backup: Path | None
    audit: Path | None = None
    issues: list = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)  # edited by hand inside the tag


def refresh_draft(
    draft: Path,
    paths: list[Path],
    config: Config,
    *,
    output: Path | None = None,
    period: Period | None = None,
    audit: bool = True,
    progress: Callable | None = None,
) -> RefreshResult:
    """Recompute the figures and rewrite each tagged figure inside ``draft``.

    The period is ``period`` when given, else the one the draft was made for, else
    the configuration's: a refresh updates the draft's own figures.
    """
    import docx

    from .audit import audit_path
    from .render.docx import (
        control_text,
        figure_controls,
        has_revisions,
        read_custom_properties,
        set_control_text,
        set_custom_properties,
        with_custom_properties,
    )
    from .render.read import content_fingerprint
    from .render.sections import lookup

    output = output or draft
    if not draft.is_file():
        raise UsageError(f"稿件不存在：{draft}")
    for target in (draft, output, audit_path(output)) if audit else (draft, output):
        ensure_not_open(target)
    props = read_custom_properties(draft)
    if not props.get(f"{PROP_PREFIX}version"):
        raise OutputError(
            f"{draft.name} 不是 workreport 生成的稿件（没有嵌入的指标信息），无法刷新。"
        )
    if period is None and props.get(f"{PROP_PREFIX}period"):
        period = parse_period(props[f"{PROP_PREFIX}period"])
    config = config.with_overrides(period=period)
    period = require_period(config.period)
    was_edited = is_edited(props, content_fingerprint(draft))

    checked = load_valid(paths, config, progress=progress)
    stats = compute_stats(checked, config, period, by_unit=True)
    context = template_context(stats, config)
    labels, _ = figure_labels(config)

    document = docx.Document(str(draft))
    changes: list[Change] = []
    kept: list[Change] = []  # figures a person edited inside the tag: not overwritten
    unknown: list[str] = []
    before, _ = recorded(props)
    present: Counter[str] = Counter()
    for tag, sdt in figure_controls(document):
        present[tag] += 1
        found = lookup(context, tag)
        if found is None:
            unknown.append(tag)
            continue
        fig, fmt = found
        new, missing = fig.text(fmt)
        old = control_text(sdt)
        label = labels.get(fig.id, fig.id)
        if old == new:
            continue
        if has_revisions(sdt):
            # rewriting inside a tracked change would corrupt it: the analyst decides
            kept.append(Change(tag, label, old, new))
            continue
        written = _written_text(fig, fmt, before)
        if written is not None and old != written:
            kept.append(Change(tag, label, old, new))  # retyped by hand: their words stay
            continue
        set_control_text(sdt, new, missing)
        changes.append(Change(tag, label, old, new))
    expected = recorded_tags(props)
    lost = [
        (tag, labels.get(tag.split("|")[0], tag))
        for tag, n in sorted(expected.items())
        if present[tag] < n
    ]
    _refresh_appendix(document, stats)

    new_props = {
        k: v
        for k, v in props.items()
        if not k.startswith(PROP_PREFIX)  # keep properties the analyst added
    }
    new_props.update(draft_properties(stats, checked, expected))
    buffer = io.BytesIO()
    set_custom_properties(document, new_props)
    document.save(buffer)
    new_props[FINGERPRINT_PROP] = content_fingerprint(buffer.getvalue())
    # a draft with hand edits stays marked as such, so `build` never replaces it (SPEC §7)
    new_props[EDITED_PROP] = "1" if was_edited else "0"
    data = with_custom_properties(buffer.getvalue(), new_props)

    audit_data = audit_workbook(checked, stats, config) if audit else None
    backup = keep_backup(output) if output.exists() else None
    write_atomic(output, data)
    if audit_data is not None:
        write_atomic(audit_path(output), audit_data)
    return RefreshResult(
        output,
        stats,
        changes,
        lost,
        unknown,
        backup,
        audit_path(output) if audit else None,
        checked.issues,
        kept,
    )


def _written_text(fig, fmt: str, before: dict) -> str | None:
    """The text the tool last wrote for this tag, from the value the draft recorded;
    None when it cannot be known (a 同比, whose previous value is not recorded)."""
    from .render.sections import Fig

    if fmt == "yoy" or fig.id not in before:
        return None
    return Fig(fig.id, before[fig.id], None, fig.label).text(fmt)[0]


def _refresh_appendix(document, stats: Stats) -> None:
    """The appendix is the tool's own table: rewrite its cells from the new figures."""
    import copy

    from docx.table import _Row

    table = next(
        (
            t
            for t in reversed(document.tables)
            if t.rows and t.rows[0].cells[0].text.strip() == "填报单位"
        ),
        None,
    )
    if table is None or len(table.rows) < 2:
        return
    wanted = {row[0]: row for row in appendix_table(stats).rows}
    body = list(table.rows)[1:]
    pattern = copy.deepcopy(body[0]._tr)
    total = body[-1]._tr
    for row in body:
        values = wanted.pop(row.cells[0].text.strip(), None)
        if values is None:
            total.getparent().remove(row._tr)  # that unit sent nothing this time
        else:
            _fill(row, values)
    for values in wanted.values():  # units that are new since the draft was made
        tr = copy.deepcopy(pattern)
        total.addprevious(tr)
        _fill(_Row(tr, table), values)


def _fill(row, values) -> None:
    for cell, text in zip(row.cells, values, strict=False):
        _set_cell(cell, text)


def _set_cell(cell, text: str) -> None:
    paragraph = cell.paragraphs[0]
    runs = paragraph.runs
    if runs:
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""
    else:
        paragraph.add_run(text)


@dataclass
class FigureDiff:
    id: str
    label: str
    unit: str
    old: object
    new: object


@dataclass
class DraftDiff:
    figures: list[FigureDiff]
    inputs: list[tuple[str, str | None, str | None]]  # (file, old hash, new hash)
    periods: tuple[str, str] | None

    def as_json(self) -> dict:
        return {
            "periods": None
            if self.periods is None
            else {"a": self.periods[0], "b": self.periods[1]},
            "figures": [vars(f) for f in self.figures],
            "inputs": [{"file": n, "a": a, "b": b} for n, a, b in self.inputs],
        }


def diff_drafts(a: Path, b: Path, config: Config) -> DraftDiff:
    """Which figures, inputs and periods differ between two drafts, from their embedded facts."""
    from .figures import figure_ids
    from .render.docx import read_custom_properties

    props = []
    for path in (a, b):
        if not path.is_file():
            raise UsageError(f"稿件不存在：{path}")
        p = read_custom_properties(path)
        if not p.get(f"{PROP_PREFIX}version"):
            raise OutputError(f"{path.name} 不是 workreport 生成的稿件（没有嵌入的指标信息）。")
        props.append(p)
    (fa, ia), (fb, ib) = recorded(props[0]), recorded(props[1])
    labels, _ = figure_labels(config)
    units = {fid: unit for fid, _, unit, _ in figure_ids(config)}
    figures = [
        FigureDiff(fid, labels.get(fid, fid), units.get(fid, ""), fa.get(fid), fb.get(fid))
        for fid in dict.fromkeys([*fa, *fb])
        if fa.get(fid) != fb.get(fid)
    ]
    inputs = [
        (n, ia.get(n), ib.get(n)) for n in sorted(set(ia) | set(ib)) if ia.get(n) != ib.get(n)
    ]
    pa, pb = props[0].get(f"{PROP_PREFIX}period", ""), props[1].get(f"{PROP_PREFIX}period", "")
    return DraftDiff(figures, inputs, None if pa == pb else (pa, pb))
