"""``refresh``: new figures in a draft a person has edited, every edit kept.

Open the draft, recompute the figures, rewrite each tag whose text is still the
tool's own, rewrite the appendix unless a person changed it, restamp, save.
Wording, formatting, comments, tracked changes and inserted paragraphs stay as
the analyst left them; a figure retyped by hand or under tracked changes is
left alone and listed (docs/drafts.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, resolve_config
from .draft import CellChange, Draft
from .errors import OutputError, UsageError
from .figures import figure_labels
from .load import Progress
from .period import Period, parse_period
from .render.document import Tag
from .report import (
    Stats,
    appendix_table,
    audit_workbook,
    load_valid,
    require_period,
    save_with_audit,
    stamp_for,
    stats_of,
    template_context,
)
from .write import ensure_not_open, keep_backup


@dataclass
class Change:
    tag: Tag
    label: str
    old: str
    new: str


@dataclass
class RefreshResult:
    output: Path
    stats: Stats
    changes: list[Change]
    lost: list[tuple[Tag, str]]  # (tag, label) of figures whose tag the editor deleted
    unknown: list[Tag]  # tags that name no figure any more (vocabulary changed)
    backup: Path | None
    audit: Path | None = None
    issues: list = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)  # edited by hand inside the tag
    appendix: str = "updated"  # what happened to the appendix table
    cells: list[CellChange] = field(default_factory=list)  # appendix cells changed


def refresh_draft(
    path: str | Path,
    paths: list[str | Path],
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    output: str | Path | None = None,
    audit: bool = True,
    progress: Progress | None = None,
) -> RefreshResult:
    """Recompute the figures and rewrite each tagged figure inside the draft at ``path``.

    The period is ``period`` when given, else the one the draft was made for, else
    the configuration's: a refresh updates the draft's own figures.
    """
    from .audit import audit_path
    from .render.sections import lookup

    path, paths = Path(path), [Path(p) for p in paths]
    output = Path(output) if output is not None else path
    config = resolve_config(config, paths)
    if isinstance(period, str):
        period = parse_period(period)
    if not path.is_file():
        raise UsageError(f"稿件不存在：{path}")
    for target in (path, output, audit_path(output)) if audit else (path, output):
        ensure_not_open(target)
    draft = Draft.open(path, purpose="，无法刷新")
    if period is None and draft.stamp.period:
        period = parse_period(draft.stamp.period)
    config = config.with_overrides(period=period)
    period = require_period(config.period)
    was_edited = draft.edited

    checked = load_valid(paths, config, progress=progress)
    stats = stats_of(checked, config, period, by_unit=True)
    context = template_context(stats, config)
    labels, _ = figure_labels(config)

    changes: list[Change] = []
    kept: list[Change] = []  # figures a person edited inside the tag: not overwritten
    unknown: list[Tag] = []
    before = draft.stamp.written
    written: dict[Tag, list[str]] = {}  # what the draft will hold in each tag afterwards
    for slot in draft.slots():
        tag = slot.tag
        at = len(written.setdefault(tag, []))
        fig = lookup(context, tag)
        old = slot.text
        if fig is None:
            unknown.append(tag)
            written[tag].append(old)
            continue
        new, missing = fig.text(tag.format)
        label = labels.get(fig.id, fig.label or fig.id)
        ours = before.get(tag, [])
        if old == new:
            written[tag].append(new)
        elif slot.revised or (ours and old not in ours):
            # retyped by hand, or inside a tracked change: the person's words stay, and the
            # tag keeps what the tool last wrote, so the next refresh still leaves it alone
            kept.append(Change(tag, label, old, new))
            written[tag].append(ours[min(at, len(ours) - 1)] if ours else old)
        else:
            slot.rewrite(new, missing)
            changes.append(Change(tag, label, old, new))
            written[tag].append(new)
    if before and not any(written.values()):
        raise OutputError(
            f"{path.name} 中找不到任何指标标记（可能用 LibreOffice 等另存过，标记被去掉了），"
            "无法自动刷新，原稿未改动。可用 workreport build 另存一份新稿（-o 新文件名）对照修改。"
        )
    lost = [
        (tag, labels.get(tag.id, tag.id))
        for tag, texts in sorted(before.items())
        if len(written.get(tag, [])) < len(texts)
    ]
    for tag, texts in before.items():
        # a deleted occurrence stays recorded, so every later refresh reports it again
        have = written.setdefault(tag, [])
        have.extend(texts[len(have) :])
    appendix, cells = draft.update_appendix(appendix_table(stats))

    stamp = stamp_for(stats, checked, written, draft.stamp.appendix)
    stamp.others = draft.stamp.others  # properties the analyst added are kept
    # a draft with hand edits stays marked as such, so `build` never replaces it
    stamp.edited = was_edited
    draft.stamp = stamp

    audit_data = audit_workbook(checked, stats, config) if audit else None
    backup = keep_backup(output) if output.exists() else None
    written = save_with_audit(draft, output, audit_data, backup)
    return RefreshResult(
        output,
        stats,
        changes,
        lost,
        unknown,
        backup,
        written,
        checked.issues,
        kept,
        appendix,
        cells,
    )
