"""The pipeline: load → validate → compute → render → write.

Each public function here is what one CLI command calls.  Reading top to
bottom shows the whole flow; every stage lives in its own module.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from . import __version__
from .config import Config
from .errors import InvalidData, Issue, OutputError, UsageError
from .figures import (
    compute_figures,
    compute_figures_by_unit,
    compute_previous,
    figure_labels,
    flatten,
    rows_dated_in,
)
from .load import Loaded, load_paths
from .period import Period
from .render.document import ReportDocument, Table
from .validate import Ledgers, validate
from .write import ensure_not_open, keep_backup, write_atomic

PROP_PREFIX = "workreport."


@dataclass
class Checked:
    """Loaded and validated ledgers; ``issues`` holds the warnings that remain."""

    loaded: Loaded
    ledgers: Ledgers
    issues: list[Issue]


def check_inputs(
    paths: list[Path], config: Config, *, progress: Callable | None = None
) -> tuple[Loaded, Ledgers, list[Issue]]:
    """load → validate, returning every issue (for ``validate``)."""
    loaded = load_paths(paths, config, progress=progress)
    ledgers, issues = validate(loaded, config)
    return loaded, ledgers, issues


def load_valid(paths: list[Path], config: Config, *, progress: Callable | None = None) -> Checked:
    """load → validate, refusing to go on when there is any error (SPEC §6)."""
    loaded, ledgers, issues = check_inputs(paths, config, progress=progress)
    if any(i.is_error for i in issues):
        files = {f.name for f in loaded.files} | {i.file for i in issues if i.file}
        raise InvalidData(issues, files=len(files), rows=loaded.rows_read)
    return Checked(loaded, ledgers, issues)


def require_period(period: Period | None) -> Period:
    if period is None:
        raise UsageError(
            "没有指定统计期间：请用 --period 指定（如 --period 2022H1），"
            '或在 workreport.toml 的 [report] 中写 period = "2022H1"'
        )
    return period


@dataclass
class Stats:
    period: Period
    values: dict
    previous: dict
    by_unit: dict[str, dict] = field(default_factory=dict)
    rows_in_period: int = 0  # 0 with ledgers present: the period is probably mistyped

    def as_json(self) -> dict:
        """The stable shape of SPEC §6."""
        out = {"period": self.period.as_dict(), "figures": self.values}
        if self.by_unit:
            out["by_unit"] = self.by_unit
        return out


def compute_stats(
    checked: Checked, config: Config, period: Period, *, by_unit: bool = False
) -> Stats:
    ledgers = checked.ledgers
    values = compute_figures(ledgers, period, config)
    previous = compute_previous(ledgers, period, config)
    units = compute_figures_by_unit(ledgers, period, config) if by_unit else {}
    rows = sum(len(rows_dated_in(ledgers, key, period)) for key in ledgers.frames)
    return Stats(period, values, previous, units, rows)


def template_folder(config: Config) -> Path:
    if config.templates is not None:
        if not config.templates.is_dir():
            raise UsageError(f"模板文件夹不存在：{config.templates}")
        return config.templates
    return Path(str(resources.files("workreport.templates")))


def template_context(stats: Stats, config: Config) -> dict:
    from .render.sections import Fig, figure_context

    year = stats.period.start.year
    labels, groups = figure_labels(config)
    ctx = figure_context(stats.values, stats.previous, labels, groups)
    ctx.update(
        organisation=config.organisation,
        title=config.title,
        # years are tagged like figures, so a refresh for another period updates them too
        year=Fig("year", year, year - 1, "年份"),
        previous_year=Fig("previous_year", year - 1, year - 2, "上一年份"),
        period_start=stats.period.start,
        period_end=stats.period.end,
    )
    return ctx


APPENDIX_COLUMNS = (
    ("受理线索", "clues"),
    ("立案", "cases_filed"),
    ("结案", "cases_closed"),
    ("党纪政务处分(人)", "sanctioned_persons"),
    ("第一种形态", "forms_1"),
    ("第二种形态", "forms_2"),
    ("第三种形态", "forms_3"),
    ("第四种形态", "forms_4"),
    ("谈话(人次)", "talks_total"),
    ("文书(份)", "letters_total"),
)


def appendix_table(stats: Stats) -> Table:
    """附表 各单位主要指标统计表: one row per 填报单位 and a 合计 row (SPEC §5)."""
    from .format import show_value

    rows = [
        (unit, *(show_value(values[fid]) for _, fid in APPENDIX_COLUMNS))
        for unit, values in stats.by_unit.items()
    ]
    rows.append(("合计", *(show_value(stats.values[fid]) for _, fid in APPENDIX_COLUMNS)))
    return Table(
        title="各单位主要指标统计表",
        header=("填报单位", *(name for name, _ in APPENDIX_COLUMNS)),
        rows=tuple(rows),
        note="注：“—”表示该单位未报送相应台账。党纪政务处分按人计，同一人受多项处分只计一次，故合计可能小于各单位之和。",
    )


def render_document(stats: Stats, checked: Checked, config: Config) -> ReportDocument:
    from .render.sections import render_sections

    blocks = render_sections(template_folder(config), template_context(stats, config))
    texts: dict[str, list[str]] = {}
    for span in (s for b in blocks for s in b.lead + b.spans if s.figure_id):
        texts.setdefault(span.figure_id, []).append(span.text)
    appendix = appendix_table(stats)
    properties = draft_properties(
        stats, checked, texts, appendix_fingerprint(appendix.header, appendix.rows)
    )
    return ReportDocument(
        title=config.title,
        blocks=tuple(blocks),
        organisation=config.organisation,
        date=config.report_date or date.today(),
        appendix=appendix,
        properties=properties,
    )


FIGURE_PROP = f"{PROP_PREFIX}figure."
INPUT_PROP = f"{PROP_PREFIX}input."


TAG_PROP = f"{PROP_PREFIX}tag."
EDITED_PROP = f"{PROP_PREFIX}edited"
FINGERPRINT_PROP = f"{PROP_PREFIX}fingerprint"


APPENDIX_PROP = f"{PROP_PREFIX}appendix"


def draft_properties(
    stats: Stats, checked: Checked, texts: dict[str, list[str]], appendix: str = ""
) -> dict[str, str]:
    """What a draft records about itself (SPEC §5): version, period, every figure, every
    input's SHA-256, the text written into each figure tag (so ``refresh`` can tell a
    deleted tag and a number retyped by hand from its own), and the appendix's
    fingerprint.  One property per item: Word keeps at most 255 characters of one."""
    props = {f"{PROP_PREFIX}version": __version__, f"{PROP_PREFIX}period": str(stats.period)}
    for fid, value in flatten(stats.values).items():
        props[f"{FIGURE_PROP}{fid}"] = json.dumps(value)
    for f in checked.loaded.files:
        props[f"{INPUT_PROP}{f.name}"] = f.sha256
    for tag, written in sorted(texts.items()):
        # one property per occurrence: a tag printed many times stays under 255 characters
        for n, text in enumerate(written, start=1):
            props[f"{TAG_PROP}{tag}#{n}"] = text
    if appendix:
        props[APPENDIX_PROP] = appendix
    return props


def recorded(props: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """(figures, input hashes) as a draft recorded them."""
    figures = {
        k[len(FIGURE_PROP) :]: _json(v) for k, v in props.items() if k.startswith(FIGURE_PROP)
    }
    inputs = {k[len(INPUT_PROP) :]: v for k, v in props.items() if k.startswith(INPUT_PROP)}
    return figures, inputs


def recorded_texts(props: dict[str, str]) -> dict[str, list[str]]:
    """Each figure tag → the texts the tool wrote into it, in document order."""
    found: dict[str, dict[int, str]] = {}
    for key, value in props.items():
        tag, sep, n = key[len(TAG_PROP) :].rpartition("#")
        if key.startswith(TAG_PROP) and sep and n.isdigit():
            found.setdefault(tag, {})[int(n)] = value
    return {tag: [texts[n] for n in sorted(texts)] for tag, texts in found.items()}


def appendix_fingerprint(header, rows) -> str:
    """SHA-256 of the appendix's cell texts: tells whether a person changed the table."""
    import hashlib

    text = "\n".join("\t".join(cells) for cells in (header, *rows))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text  # retyped by hand in Word: keep what is there


def docx_bytes(doc: ReportDocument, config: Config) -> bytes:
    """Render, then stamp the fingerprint of the content as written."""
    from .render.docx import render_docx, with_custom_properties
    from .render.read import content_fingerprint

    # a placeholder keeps docProps/custom.xml in the package; it is replaced below
    data = render_docx(
        _with_properties(doc, {**doc.properties, FINGERPRINT_PROP: ""}), config.style
    )
    return with_custom_properties(
        data, {**doc.properties, FINGERPRINT_PROP: content_fingerprint(data)}
    )


def _with_properties(doc: ReportDocument, props: dict[str, str]) -> ReportDocument:
    from dataclasses import replace

    return replace(doc, properties=props)


@dataclass
class BuildResult:
    output: Path
    stats: Stats
    backup: Path | None
    issues: list[Issue]
    missing: list[str]
    audit: Path | None = None


def is_edited(props: dict[str, str], content: str) -> bool:
    """Whether a draft holds work the tool did not write: its content no longer matches
    the fingerprint it was written with, or an earlier ``refresh`` kept hand edits."""
    return props.get(EDITED_PROP) == "1" or props.get(FINGERPRINT_PROP) != content


def guard_existing(output: Path, *, force: bool, inputs: list[Path] = ()) -> Path | None:
    """Never overwrite a draft edited by hand (SPEC §7).  Returns the backup made, if any."""
    from .render.read import content_fingerprint, read_properties

    ensure_not_open(output)
    if not output.exists():
        return None
    if not force:
        try:
            edited = is_edited(read_properties(output), content_fingerprint(output))
        except Exception:  # noqa: BLE001 - unreadable or not ours: treat as someone's work
            edited = True
        if edited:
            raise OutputError(
                f"{output.name} 在生成后被手工修改过（或不是本工具生成的文件），为保护修改内容，未覆盖。\n"
                f"  · 保留修改、只更新数字：workreport refresh {output} {' '.join(map(str, inputs)) or '台账文件夹'}\n"
                "  · 另存为新文件：用 -o 指定另一个文件名\n"
                "  · 确定要重新生成：加 --force（会先把原文件备份为 .v1.docx 等）"
            )
    return keep_backup(output)


def build_report(
    paths: list[Path],
    output: Path,
    config: Config,
    *,
    force: bool = False,
    audit: bool = True,
    progress: Callable | None = None,
) -> BuildResult:
    from .audit import audit_path

    period = require_period(config.period)
    if output.suffix.lower() != ".docx":
        raise UsageError(f"输出文件应以 .docx 结尾：{output}")
    # both outputs are checked before either is written, so they never fall out of step
    for target in (output, audit_path(output)) if audit else (output,):
        ensure_not_open(target)
    checked = load_valid(paths, config, progress=progress)
    stats = compute_stats(checked, config, period, by_unit=True)
    doc = render_document(stats, checked, config)
    data = docx_bytes(doc, config)
    audit_data = audit_workbook(checked, stats, config) if audit else None
    backup = guard_existing(output, force=force, inputs=paths)
    keep_audit_with(backup, output)
    write_atomic(output, data)
    if audit_data is not None:
        write_atomic(audit_path(output), audit_data)
    missing = list(dict.fromkeys(s.text for b in doc.blocks for s in b.lead + b.spans if s.missing))
    return BuildResult(
        output, stats, backup, checked.issues, missing, audit_path(output) if audit else None
    )


def keep_audit_with(backup: Path | None, draft: Path) -> None:
    """The 数据底稿 goes into the backup with its draft: 汇报.v1.docx, 汇报.v1.底稿.xlsx."""
    from .audit import audit_path

    if backup is not None and audit_path(draft).exists():
        write_atomic(audit_path(backup), audit_path(draft).read_bytes())


def audit_workbook(checked: Checked, stats: Stats, config: Config) -> bytes:
    """数据底稿 (SPEC §5a): where each number of the draft comes from."""
    from .audit import audit_bytes

    return audit_bytes(checked.ledgers, stats.values, stats.period, config)
