"""``build``: a new draft, saved beside its 数据底稿.

The verb over a :class:`~workreport.run.Run`: load → validate → compute → render → write,
read top to bottom in :func:`build_report`; every stage is the run's (run.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .config import Config
from .errors import Issue, Refused, UsageError
from .load import Progress
from .period import Period
from .run import Request, Run, Stats, prose_notices, require_level
from .write import ensure_not_open, keep_backup


@dataclass(kw_only=True)
class BuildResult:
    output: Path
    stats: Stats
    backup: Path | None
    issues: list[Issue]  # every warning, in the order the command line lists them
    missing: list[str]  # the figures the draft marks 【待补充】
    audit: Path | None = None
    config: Config | None = None  # the project the run read
    unchanged: bool = False  # the file already was this draft: nothing written, no backup

    def changes(self) -> list | None:
        """The figures that differ from the draft this build replaced (FigureDiff records,
        from the two drafts' own records: docs/drafts.md); None without a backup, or when
        the file replaced was not a draft of this tool.  Read on demand: ``--quiet``
        never pays for it."""
        from .diff import diff_drafts
        from .errors import WorkreportError

        if self.backup is None:
            return None
        try:
            return diff_drafts(self.backup, self.output, config=self.config).figures
        except WorkreportError:
            return None


def build_report(
    paths: list[str | Path],
    output: str | Path,
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    signed: str | None = None,
    preset: str | None = None,
    word_template: str | Path | None = None,
    force: bool = False,
    audit: bool = True,
    cache: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """load → validate → compute → render → a new draft, saved beside its 数据底稿."""
    from .audit import audit_path
    from .draft import Draft, appendix_fingerprint

    request = Request.of(
        period=period, signed=signed, cache=cache, preset=preset, word_template=word_template
    )
    run = Run.open(paths, config=config, request=request, progress=progress)
    output = Path(output)
    period = run.require_period()
    if output.suffix.lower() != ".docx":
        raise UsageError(f"输出文件应以 .docx 结尾：{output}")
    # both outputs are checked before either is written, so they never fall out of step
    for target in (output, audit_path(output)) if audit else (output,):
        ensure_not_open(target)

    checked = run.checked()
    stats = run.stats(by_unit=True)
    doc = run.document(stats)
    table = doc.appendix
    stamp = run.stamp(
        stats,
        doc.tagged_texts(),
        appendix_fingerprint(table.header, table.rows),
        doc.omitted,
        doc.charts(),
    )
    draft = Draft.create(doc, stamp, run.config.style)
    unchanged = already_written(output, draft, (lambda p: run.audit(stats, p)) if audit else None)
    if unchanged:  # a rebuild that changes nothing writes nothing (docs/drafts.md)
        backup, written = None, audit_path(output) if audit else None
    else:
        backup = guard_existing(output, force=force, inputs=run.paths)
        written = run.save(draft, output, stats if audit else None, backup)

    issues = [
        *run.issues,
        *checked.notices(audit),
        *run.missing(doc),
        *stats.empty_period(),
        *run.partial_notices(doc.figures()),  # W230: only for figures the draft shows
        *run.unranked_notices(stats, doc.figures()),
        *run.notices(doc.date, period),
        *prose_notices(doc, run.labels()),
        *bulletin_scope_notices(run, stats),
    ]
    return BuildResult(
        output=output,
        stats=stats,
        backup=backup,
        issues=issues,
        missing=doc.placeholders(),
        audit=written,
        config=run.config,
        unchanged=unchanged,
    )


def bulletin_scope_notices(run, stats) -> list[Issue]:
    """W260: the 通报 says 全{level}纪检监察机关 (docs/templates.md, 本级与下级), yet no
    下级 sent a 上报文件: its figures are the 本级's alone."""
    from .config import DEFAULT_PRESET

    if run.preset == DEFAULT_PRESET or stats.exports:
        return []
    level = require_level(run.config)
    return [
        Issue(
            "W260",
            f"通报写的是“全{level}纪检监察机关”，但没有下级的上报文件，稿中的数字只是{level}本级的",
            suggestion="把各县区用 workreport export 生成的上报文件放进收文后重新 build",
        )
    ]


def already_written(output: Path, draft, audit) -> bool:
    """Whether ``output`` already is ``draft`` as the tool wrote it (untouched, the same
    record) with the same 数据底稿 beside it (``audit``: pairing → its bytes), or none when
    none is asked for."""
    from .audit import audit_path
    from .draft import Draft
    from .write import same_package

    if not output.is_file():
        return False
    try:
        old = Draft.open(output)
    except Exception:  # noqa: BLE001 - not a draft of ours: guard_existing decides
        return False
    if old.edited or replace(old.stamp, fingerprint="") != replace(draft.stamp, fingerprint=""):
        return False  # told apart without writing the draft's bytes a first time
    draft.to_bytes()  # the fingerprint of the content as it would be written
    if old.stamp != draft.stamp:
        return False
    beside = audit_path(output)
    if audit is None:
        return not beside.exists()
    return beside.is_file() and same_package(beside.read_bytes(), audit(draft.pairing()))


def guard_existing(output: Path, *, force: bool, inputs: list[Path] = ()) -> Path | None:
    """Never overwrite a draft edited by hand (docs/drafts.md).  Returns the backup made, if any."""
    from .draft import Draft

    if not output.exists():
        return None
    if not force:
        try:
            edited = Draft.open(output).edited
        except Exception:  # noqa: BLE001 - unreadable or not ours: treat as someone's work
            edited = True
        if edited:
            raise Refused(
                f"{output.name} 在生成后被手工修改过（或不是本工具生成的文件），为保护修改内容，未覆盖。\n"
                f"  · 保留修改、只更新数字：workreport refresh {output} {' '.join(map(str, inputs)) or '台账文件夹'}\n"
                "  · 另存为新文件：用 -o 指定另一个文件名\n"
                "  · 确定要重新生成：加 --force（会先把原文件备份为 .v1.docx 等）"
            )
    return keep_backup(output)
