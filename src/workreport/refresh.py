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

from .config import Config
from .diff import figure_like, typed_text
from .draft import CellChange, Draft, Stamp, pairing_of
from .errors import Issue, OutputError, UsageError, clip
from .load import Progress
from .period import Period
from .render.document import Tag
from .run import Request, Run, Stats, appendix_table, text_opening, zeros_notice
from .write import ensure_not_open, keep_backup


@dataclass
class Change:
    tag: Tag
    label: str
    old: str
    new: str


@dataclass
class ChartChange:
    """A chart whose values a refresh rewrote, or left alone because a person edited it."""

    name: str
    caption: str
    old: list[list]  # [category, value] pairs the draft showed
    new: list[list]  # those the ledgers give


@dataclass(kw_only=True)
class RefreshResult:
    output: Path
    stats: Stats
    changes: list[Change]  # figures rewritten
    kept: list[Change] = field(default_factory=list)  # edited by hand inside the tag
    lost: list[tuple[Tag, str]] = field(default_factory=list)  # (tag, label): tag deleted
    unknown: list[Tag] = field(default_factory=list)  # tags that name no figure any more
    appendix: str = "updated"  # what happened to the appendix table
    charts: list[ChartChange] = field(default_factory=list)  # charts rewritten
    charts_kept: list[ChartChange] = field(default_factory=list)  # edited by hand: left alone
    cells: list[CellChange] = field(default_factory=list)  # appendix cells changed
    backup: Path | None = None
    audit: Path | None = None
    signed: date | None = None  # the 成文日期 the draft now carries
    rewritten: bool = True  # False: nothing to change, the draft was left as it was
    issues: list[Issue] = field(default_factory=list)  # every warning, in the order listed
    config: Config | None = None  # the project the run read


@dataclass
class _Prose:
    """The truth of the prose after a refresh (docs/templates.md, 为 0 的内容): what only
    ``build`` can put right."""

    period_changed: tuple[Period, Period] | None = None  # (the draft's, this refresh's)
    zeros: list[tuple[str, str]] = field(default_factory=list)  # (label, paragraph)
    became_zero: list[tuple[str, str]] = field(default_factory=list)  # (label, paragraph)
    no_longer_zero: list[str] = field(default_factory=list)  # labels of figures left out

    def notices(self) -> list[Issue]:
        """W213–W215, and W211 zeros in the prose."""
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
            notices.append(zeros_notice(self.zeros))
        return notices


# What a refresh does with one figure of the draft (docs/drafts.md, 刷新)
SAME = "same"  # the draft already shows the ledgers' text
UPDATE = "update"  # the tool's own text, now out of date: rewritten
KEEP = "keep"  # a person's text (retyped, or under a tracked change): left as it is, listed


def decide(shown: str, fresh: str, ours: list[str], revised: bool) -> str:
    """The rule «never overwrite a hand edit», for one tagged figure.

    ``shown`` is the text inside the tag now, ``fresh`` what the ledgers give, ``ours``
    every text the tool wrote into this tag before (one per place it appears, from
    the draft's record) and ``revised`` whether the text sits inside a tracked change.
    A text the tool never wrote is a person's: it stays.  A draft from before the
    record (``ours`` empty) is taken as the tool's own.
    """
    if shown == fresh:
        return SAME
    if revised or (ours and shown not in ours):
        return KEEP
    return UPDATE


def lost_tags(
    before: dict[Tag, list[str]], found: dict[Tag, list[str]], labels: dict[str, str]
) -> list[tuple[Tag, str]]:
    """(tag, label) of each figure the draft shows in fewer places than the tool wrote it:
    a person deleted its tag (W281), so a refresh can no longer update it there."""
    return [
        (tag, labels.get(tag.id, tag.id))
        for tag, texts in sorted(before.items())
        if len(found.get(tag, [])) < len(texts)
    ]


def _said(text: str) -> str:
    return f"为「{clip(text)}」" if figure_like(text) else text


def left_alone(
    kept: list[Change], lost: list[tuple[Tag, str]], unknown: list[Tag], appendix: str
) -> list[Issue]:
    """W280–W284: what the refresh left as the draft has it, for a person to check."""
    notes = [
        Issue(
            "W280",
            f"{clip(c.label)}（{clip(c.tag.id)}）在稿中被手工改过（或处于修订状态），未自动更新，"
            f"请人工核对：稿中现{_said(c.old)}，台账计算为「{clip(c.new)}」",
        )
        for c in kept
    ]
    if lost:
        names = "、".join(clip(label) for _, label in lost)
        notes.append(
            Issue(
                "W281",
                f"以下 {len(lost)} 个指标的标记已在稿中被删除，无法自动更新，请人工核对：{names}",
            )
        )
    if appendix == "edited":
        notes.append(Issue("W282", "附表在稿中被手工修改过，未自动更新，请人工核对。"))
    elif appendix == "missing":
        notes.append(Issue("W283", "稿中找不到附表（可能已删除），附表未更新。"))
    if unknown:
        names = "、".join(clip(t.id) for t in unknown)
        notes.append(Issue("W284", f"以下标记对应的指标已不存在：{names}"))
    return notes


def refresh_draft(
    path: str | Path,
    paths: list[str | Path],
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    output: str | Path | None = None,
    signed: str | None = None,
    audit: bool = True,
    cache: bool = False,
    progress: Progress | None = None,
) -> RefreshResult:
    """Recompute the figures and rewrite each tagged figure inside the draft at ``path``.

    The period is ``period`` when given, else the one the draft was made for, else
    the configuration's; the signing date ``signed``, else ``[report] date``, else the
    draft's own (run.py, choose_period and choose_signed).
    """
    from .audit import audit_path, out_of_step
    from .render.values import lookup

    path = Path(path)
    output = Path(output) if output is not None else path
    if not path.is_file():
        raise UsageError(f"稿件不存在：{path}")
    for target in (path, output, audit_path(output)) if audit else (path, output):
        ensure_not_open(target)
    draft = Draft.open(path, purpose="，无法刷新")
    own = draft.stamp.own_period()
    request = Request.of(period=period, signed=signed, cache=cache)
    run = Run.open(paths, config=config, request=request, progress=progress, draft=draft.stamp)
    period = run.require_period()
    prose = _Prose(period_changed=(own, period) if own and period != own else None)
    was_edited = draft.edited
    as_recorded = copy.deepcopy(draft.stamp)

    checked = run.checked()
    stats = run.stats(by_unit=True)
    context = run.context(stats)
    labels = run.labels()
    highlighted = run.highlighted(stats)  # figures of only some units, not accepted

    changes: list[Change] = []
    kept: list[Change] = []  # figures a person edited inside the tag: not overwritten
    unknown: list[Tag] = []
    before = draft.stamp.written  # what the tool wrote into each tag last time
    recorded: dict[Tag, list[str]] = {}  # what the draft's record will say it wrote
    for slot in draft.slots():
        tag = slot.tag
        at = len(recorded.setdefault(tag, []))
        fig = lookup(context, tag)
        old = slot.text
        if fig is None:
            unknown.append(tag)
            recorded[tag].append(old)
            continue
        new, missing = fig.text(tag.format)
        highlight = missing or bool(tag.figures() & highlighted)
        label = labels.get(fig.id, fig.label or fig.id)
        if fig.states_zero(tag.format):
            (prose.zeros if old == new else prose.became_zero).append((label, slot.paragraph))
        ours = before.get(tag, [])
        decision = decide(old, new, ours, slot.revised)
        if decision == SAME:
            if slot.highlighted != highlight and not slot.revised:
                # the figure became complete, or partial, or accepted: the text stays
                slot.rewrite(new, highlight)
            recorded[tag].append(new)
        elif decision == KEEP:
            # the tag keeps what the tool last wrote, so the next refresh still leaves it
            # alone; what the person typed is said only when it reads as a figure
            kept.append(Change(tag, label, typed_text(old, draft.place(slot)), new))
            recorded[tag].append(ours[min(at, len(ours) - 1)] if ours else old)
        else:
            said = old if old in ours else typed_text(old, draft.place(slot))
            slot.rewrite(new, highlight)
            changes.append(Change(tag, label, said, new))
            recorded[tag].append(new)
    if before and not any(recorded.values()):
        raise OutputError(
            f"{path.name} 中找不到任何指标标记（可能用 LibreOffice 等另存过，标记被去掉了），"
            "无法自动刷新，原稿未改动。可用 workreport build 另存一份新稿（-o 新文件名）对照修改。"
        )
    shown = {fid for tag in recorded for fid in tag.figures()}
    lost = lost_tags(before, recorded, labels)
    for tag, texts in before.items():
        # a deleted occurrence stays recorded, so every later refresh reports it again
        have = recorded.setdefault(tag, [])
        have.extend(texts[len(have) :])
    appendix, cells = draft.update_appendix(appendix_table(stats))
    charts, charts_kept, drawn = refresh_charts(draft, stats.values)

    prose.no_longer_zero = [
        labels.get(tag.id, tag.id)
        for tag in draft.stamp.omitted
        if (fig := lookup(context, tag)) is not None and not fig.states_zero(tag.format)
    ]
    # the prose is the template's choice until build: what it left out stays recorded
    stamp = run.stamp(stats, recorded, draft.stamp.appendix, draft.stamp.omitted, drawn)
    stamp.others = draft.stamp.others  # properties the analyst added are kept
    # a draft with hand edits stays marked as such, so `build` never replaces it
    stamp.edited = was_edited
    draft.stamp = stamp

    # nothing to change: the draft is not rewritten and no backup piles up (docs/drafts.md)
    unchanged = (
        output == path
        and audit_path(output).exists() == audit
        and (not audit or out_of_step(output, pairing_of(as_recorded)) is None)
        and _same(as_recorded, stamp)
    )
    if unchanged:
        backup, audit_written = None, audit_path(output) if audit else None
    else:
        backup = keep_backup(output) if output.exists() else None
        audit_written = run.save(draft, output, stats if audit else None, backup)
    issues = [
        *run.issues,
        *checked.notices(audit),
        *left_alone(kept, lost, unknown, appendix),
        *charts_left_alone(charts_kept),
        *stats.empty_period(),
        *run.partial_notices(shown),  # W230: a figure the draft shows counts only some units
        *run.unranked_notices(stats, shown),
        *run.notices(run.signed, period),
        *prose.notices(),
    ]
    return RefreshResult(
        output=output,
        stats=stats,
        changes=changes,
        kept=kept,
        lost=lost,
        unknown=unknown,
        appendix=appendix,
        cells=cells,
        charts=charts,
        charts_kept=charts_kept,
        backup=backup,
        audit=audit_written,
        signed=run.signed,
        rewritten=not unchanged,
        issues=issues,
        config=run.config,
    )


def refresh_charts(
    draft: Draft, values: dict
) -> tuple[list[ChartChange], list[ChartChange], dict[str, list[list]]]:
    """Rewrite each chart's values from ``values`` unless a person changed them since the
    tool drew it (docs/drafts.md, 图表).  Returns the charts rewritten, those left alone,
    and each chart's values as the draft now records them."""
    from .charts import CHARTS, chart_data

    changed, kept, drawn = [], [], {}
    for slot in draft.charts():
        shown, ours = slot.points, draft.stamp.charts.get(slot.name)
        fresh = chart_data(slot.name, values) if slot.name in CHARTS else None
        new = [list(p) for p in fresh.points] if fresh is not None else None
        caption = CHARTS.get(slot.name, (slot.name,))[0]
        if ours is not None and shown != ours:
            # the person's values stay, and the tool's stay recorded: left alone every time
            if new is not None and new != shown:
                kept.append(ChartChange(slot.name, caption, shown, new))
            drawn[slot.name] = ours
            continue
        if new is not None and new != shown:
            slot.rewrite(fresh)
            changed.append(ChartChange(slot.name, caption, shown, new))
            shown = new
        drawn[slot.name] = shown
    return changed, kept, drawn


def charts_left_alone(kept: list[ChartChange]) -> list[Issue]:
    """W286: a chart whose data a person edited, left as the draft has it."""
    return [
        Issue(
            "W286",
            f"图表「{c.caption}」的数据在稿中被手工修改过，未自动更新，请人工核对："
            f"稿中现为{_points(c.old)}，台账计算为{_points(c.new)}",
        )
        for c in kept
    ]


def _points(points: list[list]) -> str:
    return "、".join(f"{c}{v}" for c, v in points) or "空"


def _same(recorded: Stamp, fresh: Stamp) -> bool:
    """Whether a refresh would write what the draft already records (its fingerprint aside,
    which only a write sets)."""

    def plain(stamp: Stamp) -> Stamp:  # a draft never refreshed records no «edited» at all
        return replace(stamp, fingerprint="", edited=bool(stamp.edited))

    return plain(recorded) == plain(fresh)
