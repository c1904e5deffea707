"""Working on drafts that already exist: refresh the figures in place, compare two.

``refresh`` touches nothing but the text inside the figure tags (and the
appendix table, which the tool owns): wording, formatting, comments, tracked
changes and inserted paragraphs stay as the analyst left them (SPEC §5a).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import OutputError, UsageError
from .figures import figure_labels
from .period import Period, parse_period
from .report import (
    APPENDIX_PROP,
    EDITED_PROP,
    FINGERPRINT_PROP,
    PROP_PREFIX,
    Stats,
    appendix_fingerprint,
    appendix_table,
    audit_workbook,
    compute_stats,
    draft_properties,
    is_edited,
    keep_audit_with,
    load_valid,
    recorded,
    recorded_texts,
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
    appendix: str = "updated"  # what happened to the appendix table


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
    before = recorded_texts(props)
    written: dict[str, list[str]] = {}  # what the draft will hold in each tag afterwards
    for tag, sdt in figure_controls(document):
        at = len(written.setdefault(tag, []))
        found = lookup(context, tag)
        old = control_text(sdt)
        if found is None:
            unknown.append(tag)
            written[tag].append(old)
            continue
        fig, fmt = found
        new, missing = fig.text(fmt)
        label = labels.get(fig.id, fig.label or fig.id)
        ours = before.get(tag, [])
        if old == new:
            written[tag].append(new)
        elif has_revisions(sdt) or (ours and old not in ours):
            # retyped by hand, or inside a tracked change: the person's words stay, and the
            # tag keeps what the tool last wrote, so the next refresh still leaves it alone
            kept.append(Change(tag, label, old, new))
            written[tag].append(ours[min(at, len(ours) - 1)] if ours else old)
        else:
            set_control_text(sdt, new, missing)
            changes.append(Change(tag, label, old, new))
            written[tag].append(new)
    if before and not any(written.values()):
        raise OutputError(
            f"{draft.name} 中找不到任何指标标记（可能用 LibreOffice 等另存过，标记被去掉了），"
            "无法自动刷新，原稿未改动。可用 workreport build 另存一份新稿（-o 新文件名）对照修改。"
        )
    lost = [
        (tag, labels.get(tag.split("|")[0], tag))
        for tag, texts in sorted(before.items())
        if len(written.get(tag, [])) < len(texts)
    ]
    for tag, texts in before.items():
        # a deleted occurrence stays recorded, so every later refresh reports it again
        have = written.setdefault(tag, [])
        have.extend(texts[len(have) :])
    appendix = _refresh_appendix(document, stats, props.get(APPENDIX_PROP, ""))

    new_props = {
        k: v
        for k, v in props.items()
        if not k.startswith(PROP_PREFIX)  # keep properties the analyst added
    }
    new_props.update(draft_properties(stats, checked, written, appendix.fingerprint))
    buffer = io.BytesIO()
    set_custom_properties(document, new_props)
    document.save(buffer)
    new_props[FINGERPRINT_PROP] = content_fingerprint(buffer.getvalue())
    # a draft with hand edits stays marked as such, so `build` never replaces it (SPEC §7)
    new_props[EDITED_PROP] = "1" if was_edited else "0"
    data = with_custom_properties(buffer.getvalue(), new_props)

    audit_data = audit_workbook(checked, stats, config) if audit else None
    backup = keep_backup(output) if output.exists() else None
    keep_audit_with(backup, output)
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
        appendix.state,
    )


@dataclass
class AppendixRefresh:
    state: str  # "updated", "unchanged", "edited" (left alone), "missing" (not found)
    fingerprint: str  # what to record for the table now


def _refresh_appendix(document, stats: Stats, recorded: str) -> AppendixRefresh:
    """The appendix is the tool's own table: rewrite it from the new figures, unless a
    person changed it since (then it is left alone and reported)."""
    import copy

    from docx.table import _Row

    from .render.docx import appendix_tables

    table = next(appendix_tables(document), None)
    if table is None:
        return AppendixRefresh("missing", recorded)
    current = [[c.text for c in row.cells] for row in table.rows]
    if not current or appendix_fingerprint(current[0], current[1:]) != recorded:
        return AppendixRefresh("edited", recorded)
    fresh = appendix_table(stats)
    fingerprint = appendix_fingerprint(fresh.header, fresh.rows)
    if fingerprint == recorded:
        return AppendixRefresh("unchanged", recorded)
    body = list(table.rows)[1:]
    pattern = copy.deepcopy(body[0]._tr)
    total = body[-1]._tr
    wanted = {row[0]: row for row in fresh.rows}
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
    # rows keep the unit order of the fresh table only when no unit came or went
    return AppendixRefresh("updated", appendix_fingerprint(*_read_back(table)))


def _read_back(table):
    rows = [[c.text for c in row.cells] for row in table.rows]
    return rows[0], rows[1:]


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
