"""``refresh``: new figures in a draft a person has edited, every edit kept.

Open the draft, recompute the figures, rewrite each tag whose text is still the
tool's own, rewrite the appendix unless a person changed it, restamp, save.
Wording, formatting, comments, tracked changes and inserted paragraphs stay as
the analyst left them; a figure retyped by hand or under tracked changes is
left alone and listed (docs/drafts.md).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .config import Config, resolve_config
from .draft import CellChange, Draft, Stamp
from .errors import Issue, OutputError, UsageError
from .figures import figure_labels
from .load import Progress
from .period import Period, parse_period
from .render.document import Tag
from .report import (
    Stats,
    appendix_table,
    audit_workbook,
    config_notices,
    date_notices,
    load_valid,
    require_period,
    save_with_audit,
    signing_date,
    stamp_for,
    stats_of,
    template_context,
    text_opening,
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
    # the truth of the prose (docs/templates.md, 为 0 的内容): what build must re-render
    period_changed: tuple[Period, Period] | None = None  # (the draft's, this refresh's)
    zeros: list[tuple[str, str]] = field(default_factory=list)  # (label, paragraph)
    became_zero: list[tuple[str, str]] = field(default_factory=list)  # (label, paragraph)
    no_longer_zero: list[str] = field(default_factory=list)  # labels of figures left out
    signed: date | None = None  # the 成文日期 the draft now carries
    notices: list = field(default_factory=list)  # the same, as W210–W217 warnings
    written: bool = True  # False: nothing to change, the draft was left as it was

    def prose_notices(self) -> list[Issue]:
        """W213–W215: what only ``build`` can put right, and W211 zeros in the prose."""
        build = "请用 workreport build 重新生成（可用 -o 另存新稿对照修改）"
        notices = []
        if self.period_changed:
            old, new = self.period_changed
            notices.append(
                Issue(
                    "W215",
                    f"统计期间与原稿不同（{old.label} → {new.label}），已按新期间更新数字和期间用语；"
                    f"正文中其余随期间而变的表述，{build}",
                )
            )
        if self.no_longer_zero:
            names = "、".join(self.no_longer_zero)
            notices.append(
                Issue("W213", f"原稿因为 0 而省略的 {names} 现在不为 0，稿中没有相应表述，{build}")
            )
        if self.became_zero:
            where = "；".join(f"{label}（「{text_opening(p)}」）" for label, p in self.became_zero)
            notices.append(Issue("W214", f"以下数字变为 0，所在的话可能不再恰当：{where}；{build}"))
        if self.zeros:
            where = "；".join(f"{label}（「{text_opening(p)}」）" for label, p in self.zeros)
            notices.append(
                Issue(
                    "W211", f"正文中有 {len(self.zeros)} 个数字为 0，请确认这样写是否恰当：{where}"
                )
            )
        return notices


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
    own = parse_period(draft.stamp.period) if draft.stamp.period else None
    changed_period = (own, period) if own and period and period != own else None
    if period is None:
        period = own
    # the signing date stays the draft's unless --date or [report] date says otherwise
    kept_date = date.fromisoformat(draft.stamp.signed) if draft.stamp.signed else None
    config = config.with_overrides(period=period, report_date=config.report_date or kept_date)
    period = require_period(config.period)
    was_edited = draft.edited
    recorded = copy.deepcopy(draft.stamp)

    checked = load_valid(paths, config, progress=progress)
    stats = stats_of(checked, config, period, by_unit=True)
    context = template_context(stats, config)
    labels, _ = figure_labels(config)

    changes: list[Change] = []
    kept: list[Change] = []  # figures a person edited inside the tag: not overwritten
    unknown: list[Tag] = []
    before = draft.stamp.written
    written: dict[Tag, list[str]] = {}  # what the draft will hold in each tag afterwards
    zeros: list[tuple[str, str]] = []
    became_zero: list[tuple[str, str]] = []
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
        if fig.states_zero(tag.format):
            (zeros if old == new else became_zero).append((label, slot.paragraph))
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

    no_longer_zero = [
        labels.get(tag.id, tag.id)
        for tag in draft.stamp.omitted
        if (fig := lookup(context, tag)) is not None and not fig.states_zero(tag.format)
    ]
    stamp = stamp_for(
        stats,
        checked,
        written,
        draft.stamp.appendix,
        signed=signing_date(config),
        omitted=draft.stamp.omitted,  # the prose is the template's choice until build
    )
    stamp.others = draft.stamp.others  # properties the analyst added are kept
    # a draft with hand edits stays marked as such, so `build` never replaces it
    stamp.edited = was_edited
    draft.stamp = stamp

    # nothing to change: the draft is not rewritten and no backup piles up (docs/drafts.md)
    unchanged = output == path and audit_path(output).exists() == audit and _same(recorded, stamp)
    if unchanged:
        backup, written = None, audit_path(output) if audit else None
    else:
        audit_data = audit_workbook(checked, stats, config) if audit else None
        backup = keep_backup(output) if output.exists() else None
        written = save_with_audit(draft, output, audit_data, backup)
    result = RefreshResult(
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
        changed_period,
        zeros,
        became_zero,
        no_longer_zero,
        signing_date(config),
        written=not unchanged,
    )
    result.notices = [
        *stats.notices,  # W230: a figure that counts only some units
        *config_notices(config),
        *date_notices(result.signed, period),
        *result.prose_notices(),
    ]
    return result


def _same(recorded: Stamp, fresh: Stamp) -> bool:
    """Whether a refresh would write what the draft already records (its fingerprint aside,
    which only a write sets)."""

    def plain(stamp: Stamp) -> Stamp:  # a draft never refreshed records no «edited» at all
        return replace(stamp, fingerprint="", edited=bool(stamp.edited))

    return plain(recorded) == plain(fresh)
