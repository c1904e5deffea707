"""The pipeline: load → validate → compute → render → write.

Each public function here is what one CLI command calls, and what ``import
workreport`` offers a program: plain arguments in (paths, a period, a
configuration or the path of one), a result object out.  Reading top to bottom
shows the whole flow; every stage lives in its own module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from .config import DEFAULT_PRESET, Config, resolve_config
from .errors import InvalidData, Issue, OutputError, UsageError
from .figures import (
    compute_figures,
    compute_figures_by_unit,
    compute_previous,
    dated_in,
    figure_labels,
    flatten,
    partial_notices,
)
from .load import Loaded, Progress, load_paths
from .period import Period
from .render.document import ReportDocument, Table, Tag
from .validate import Ledgers, validate
from .write import (
    backup_path,
    drop_if_same,
    ensure_not_open,
    keep_backup,
    replace_together,
    write_atomic,
)


@dataclass
class Checked:
    """Loaded and validated ledgers; ``issues`` holds the warnings that remain."""

    loaded: Loaded
    ledgers: Ledgers
    issues: list[Issue]


@dataclass
class Validation:
    """Every problem of every workbook found (``validate``)."""

    issues: list[Issue]
    files: int  # every file found, the refused ones included
    rows: int  # ledger rows read

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_ledgers(
    paths: list[str | Path],
    *,
    config: Config | str | Path | None = None,
    progress: Progress | None = None,
) -> Validation:
    """Check every workbook under ``paths``; every issue comes back, none is raised."""
    paths = [Path(p) for p in paths]
    loaded, _, issues = _check(paths, resolve_config(config, paths), progress)
    return Validation(issues, loaded.found, loaded.rows_read)


def _check(paths: list[Path], config: Config, progress) -> tuple[Loaded, Ledgers, list[Issue]]:
    loaded = load_paths(paths, config, progress=progress)
    ledgers, issues = validate(loaded, config)
    return loaded, ledgers, issues


def load_valid(paths: list[Path], config: Config, *, progress: Progress | None = None) -> Checked:
    """load → validate, refusing to go on when there is any error (docs/rules.md, 命令行)."""
    loaded, ledgers, issues = _check(paths, config, progress)
    if any(i.is_error for i in issues):
        raise InvalidData(issues, files=loaded.found, rows=loaded.rows_read)
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
    notices: list[Issue] = field(default_factory=list)  # W230: figures some units left out

    def as_json(self) -> dict:
        """The stable JSON shape given in docs/rules.md (命令行)."""
        out = {"period": self.period.as_dict(), "figures": self.values}
        if self.by_unit:
            out["by_unit"] = self.by_unit
        return out


def compute_stats(
    paths: list[str | Path],
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    by_unit: bool = False,
    progress: Progress | None = None,
) -> Stats:
    """Every figure for the period (``stats``); invalid ledgers raise InvalidData."""
    paths = [Path(p) for p in paths]
    config = resolve_config(config, paths, period)
    period = require_period(config.period)
    return stats_of(load_valid(paths, config, progress=progress), config, period, by_unit=by_unit)


def stats_of(checked: Checked, config: Config, period: Period, *, by_unit: bool = False) -> Stats:
    ledgers = checked.ledgers
    values = compute_figures(ledgers, period, config)
    previous = compute_previous(ledgers, period, config)
    units = compute_figures_by_unit(ledgers, period, config) if by_unit else {}
    rows = sum(int(dated_in(ledgers, key, period).sum()) for key in ledgers.frames)
    return Stats(period, values, previous, units, rows, partial_notices(ledgers, config))


def template_folder(config: Config) -> Path:
    """The built-in 通报 set when ``[report] preset`` or ``--preset`` asks for it; else
    the project's own templates (its 汇报), else the built-in 汇报 (docs/templates.md, 模板集)."""
    from .config import PRESETS

    if config.templates is not None and config.preset == DEFAULT_PRESET:
        if not config.templates.is_dir():
            raise UsageError(f"模板文件夹不存在：{config.templates}")
        return config.templates
    return Path(str(resources.files("workreport.templates"))) / PRESETS[config.preset]


def write_word_template(output: Path, config: Config, *, force: bool = False) -> Path | None:
    """``word-template``: the default 模板.docx (docs/templates.md, Word 模板); an existing
    file is replaced only with ``force``, after a backup, which is returned."""
    from .render.word_template import default_word_template
    from .write import refuse_existing

    output = Path(output)
    if output.suffix.lower() != ".docx":
        raise UsageError(f"Word 模板应以 .docx 结尾：{output}")
    ensure_not_open(output)
    backup = refuse_existing(output, force=force, what="可能是改过的模板")
    # the packaged templates, not a project's own: this is the default 模板.docx
    write_atomic(output, default_word_template(template_folder(Config()), config.style))
    return backup


def signing_date(config: Config) -> date:
    """The 成文日期: ``--date``, else ``[report] date``, else today (docs/drafts.md)."""
    return config.report_date or date.today()


def require_level(config: Config) -> str:
    """The organisation's level the default templates speak with (全市, 县直部门 …)."""
    if config.level is None:
        raise UsageError(
            f"无法从单位名称「{config.organisation}」看出是市、县还是区级（名称中没有“纪委监委”）。"
            '请在 workreport.toml 的 [report] 中写明，如 level = "县"'
        )
    return config.level


def template_context(stats: Stats, config: Config) -> dict:
    """What a template sees: every figure, the period's words, the organisation and its
    level, the signing date (docs/templates.md)."""
    from .render.sections import Fig, PeriodWords, figure_context, signing_word

    year = stats.period.year
    signed = signing_date(config)
    labels, groups = figure_labels(config)
    ctx = figure_context(stats.values, stats.previous, labels, groups)
    ctx.update(
        organisation=config.organisation,
        level=require_level(config),
        title=config.title,
        # years are tagged like figures, so a refresh for another period updates them too
        year=Fig("year", year, year - 1, "年份", counted=False),
        previous_year=Fig("previous_year", year - 1, year - 2, "上一年份", counted=False),
        period=PeriodWords(stats.period, signed),
        signed=signing_word(signed),
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
    """附表 各单位主要指标统计表: one row per 填报单位 and a 合计 row (docs/rules.md, Word 稿件);
    the period it counts beneath its title, tagged so that ``refresh --period`` rewrites it."""
    from .format import show_value
    from .render.document import PERIOD, Span

    rows = [
        (unit, *(show_value(values[fid]) for _, fid in APPENDIX_COLUMNS))
        for unit, values in stats.by_unit.items()
    ]
    rows.append(("合计", *(show_value(stats.values[fid]) for _, fid in APPENDIX_COLUMNS)))
    return Table(
        title="各单位主要指标统计表",
        subtitle=(
            Span("（"),
            Span(stats.period.dates(), tag=Tag("dates", kind=PERIOD)),
            Span("）"),
        ),
        header=("填报单位", *(name for name, _ in APPENDIX_COLUMNS)),
        rows=tuple(rows),
        note="注：“—”表示该单位未报送相应台账。党纪政务处分按人计，同一人受多项处分只计一次，故合计可能小于各单位之和。",
    )


def render_document(stats: Stats, config: Config) -> ReportDocument:
    """Figures → the report as plain data: the templates' text and the appendix."""
    from .render.sections import render_sections

    context = template_context(stats, config)
    title, organisation = config.title, config.organisation
    unknown: list[Tag] = []
    if config.word_template is not None and config.preset == DEFAULT_PRESET:
        from .render.word_template import render_word_template

        if not config.word_template.is_file():
            raise UsageError(f"Word 模板不存在：{config.word_template}")
        rendered = render_word_template(config.word_template, context)
        blocks, omitted = rendered.blocks, rendered.omitted
        title, organisation = rendered.title or title, rendered.signature or organisation
    else:
        blocks, omitted = render_sections(template_folder(config), context, unknown)
    return ReportDocument(
        title=title,
        blocks=tuple(blocks),
        organisation=organisation,
        date=signing_date(config),
        appendix=appendix_table(stats),
        omitted=tuple(omitted),
        unknown=tuple(dict.fromkeys(unknown)),
    )


def stamp_for(
    stats: Stats,
    checked: Checked,
    written: dict[Tag, list[str]],
    appendix: str,
    *,
    signed: date,
    omitted: list[Tag],
):
    """What a draft records about its figures and inputs (docs/drafts.md)."""
    from .draft import Stamp

    return Stamp(
        period=str(stats.period),
        signed=signed.isoformat(),
        omitted=list(omitted),
        figures=flatten(stats.values),
        inputs={f.name: f.sha256 for f in checked.loaded.files},
        written=written,
        appendix=appendix,
    )


@dataclass
class BuildResult:
    output: Path
    stats: Stats
    backup: Path | None
    issues: list[Issue]
    missing: list[str]
    audit: Path | None = None
    notices: list[Issue] = field(default_factory=list)  # W210–W217: is the prose true?


def prose_notices(
    doc: ReportDocument, labels: dict[str, str], config: Config, period: Period
) -> list[Issue]:
    """What the analyst should know about the truth of a new draft's words
    (docs/templates.md, 为 0 的内容; docs/drafts.md, 成文日期)."""

    def label(tag: Tag) -> str:
        return labels.get(tag.id, tag.id)

    notices = [*config_notices(config), *date_notices(doc.date, period)]
    zeros = doc.zeros()
    if zeros:
        where = "；".join(f"{label(tag)}（「{text_opening(text)}」）" for tag, text in zeros)
        notices.append(
            Issue("W211", f"正文中有 {len(zeros)} 个数字为 0，请确认这样写是否恰当：{where}")
        )
    if doc.omitted:
        left_out = "、".join(dict.fromkeys(label(t) for t in doc.omitted))
        notices.append(Issue("W212", f"以下指标为 0，模板已省略相应的表述：{left_out}"))
    # a 同比 with no last year's data goes quietly: only a figure itself is worth naming
    unknown = [t for t in doc.unknown if t.format != "yoy"]
    if unknown:
        # a grouped figure is named once (处分人员按职级), not by each of its categories
        left_out = "、".join(dict.fromkeys(labels.get(t.id.split(".")[0], t.id) for t in unknown))
        notices.append(Issue("W232", f"以下指标缺少数据，稿中省略了相应的表述：{left_out}"))
    return notices


def date_notices(signed: date, period: Period) -> list[Issue]:
    if signed >= period.end:
        return []
    return [
        Issue(
            "W210",
            f"成文日期 {signed.isoformat()} 早于统计期间的结束日 {period.end.isoformat()}；"
            "请用 --date 或 workreport.toml 的 [report] date 写明成文日期",
        )
    ]


def config_notices(config: Config) -> list[Issue]:
    """Placeholders of a new project still in force, and templates from an older version."""
    from .config import PLACEHOLDER_ORGANISATION

    notices = []
    if config.organisation == PLACEHOLDER_ORGANISATION:
        where = f"（{config.source}）" if config.source else "（没有找到 workreport.toml）"
        notices.append(
            Issue(
                "W216",
                f"单位名称仍是占位的「{PLACEHOLDER_ORGANISATION}」{where}："
                '请在 workreport.toml 的 [report] 中写 organisation = "实际单位名称"',
            )
        )
    if config.word_template is not None and config.templates is not None:
        notices.append(
            Issue(
                "W218",
                f"同时设置了 word_template 和 templates：按 Word 模板 {config.word_template.name} "
                f"生成，文本模板文件夹 {config.templates.name} 未使用",
            )
        )
    text_templates = config.templates if config.word_template is None else None
    old = []
    if text_templates:
        from .project import outdated_templates

        old = outdated_templates(text_templates)
    if old:
        notices.append(
            Issue(
                "W217",
                f"项目中的模板 {'、'.join(p.name for p in old)} 来自旧版本（统计期间写作“今年以来”，"
                "为 0 的内容不会省略）：运行 workreport init --update-templates 更新（旧模板先备份）",
            )
        )
    return notices


def text_opening(text: str, width: int = 16) -> str:
    return text if len(text) <= width else text[:width] + "…"


def guard_existing(output: Path, *, force: bool, inputs: list[Path] = ()) -> Path | None:
    """Never overwrite a draft edited by hand (docs/drafts.md).  Returns the backup made, if any."""
    from .draft import Draft

    ensure_not_open(output)
    if not output.exists():
        return None
    if not force:
        try:
            edited = Draft.open(output).edited
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
    paths: list[str | Path],
    output: str | Path,
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    force: bool = False,
    audit: bool = True,
    progress: Progress | None = None,
) -> BuildResult:
    """load → validate → compute → render → a new draft, saved beside its 数据底稿."""
    from .audit import audit_path
    from .draft import Draft, appendix_fingerprint

    paths, output = [Path(p) for p in paths], Path(output)
    config = resolve_config(config, paths, period)
    period = require_period(config.period)
    if output.suffix.lower() != ".docx":
        raise UsageError(f"输出文件应以 .docx 结尾：{output}")
    # both outputs are checked before either is written, so they never fall out of step
    for target in (output, audit_path(output)) if audit else (output,):
        ensure_not_open(target)
    checked = load_valid(paths, config, progress=progress)
    stats = stats_of(checked, config, period, by_unit=True)
    doc = render_document(stats, config)
    table = doc.appendix
    stamp = stamp_for(
        stats,
        checked,
        doc.tagged_texts(),
        appendix_fingerprint(table.header, table.rows),
        signed=doc.date,
        omitted=list(doc.omitted),
    )
    draft = Draft.create(doc, stamp, config.style)
    audit_data = audit_workbook(checked, stats, config) if audit else None
    backup = guard_existing(output, force=force, inputs=paths)
    written = save_with_audit(draft, output, audit_data, backup)
    notices = [*stats.notices, *prose_notices(doc, figure_labels(config)[0], config, period)]
    return BuildResult(output, stats, backup, checked.issues, doc.placeholders(), written, notices)


def save_with_audit(draft, output: Path, audit_data: bytes | None, backup: Path | None):
    """Write the draft and its 数据底稿 (if any) side by side; the 底稿 of the file that was
    backed up goes with its backup.  Returns the 底稿's path, or None.

    The two must never disagree (docs/rules.md, 用户的电脑): both are written to temporary
    files, then renamed 底稿 first, draft second, and a failed second rename puts the old
    底稿 back.  Without a new 底稿, one left from an earlier build is moved to its backup
    name.  When nothing could be written, the backups made for this run are removed:
    the originals are still in place.
    """
    from .audit import audit_path

    audit = audit_path(output)
    ensure_not_open(output)
    try:
        if audit_data is not None:
            steps = [(audit, audit_data, keep_audit_with(backup, output))]
        elif audit.exists():
            steps = [(audit, None, audit_path(backup or backup_path(output)))]
        else:
            steps = []
        replace_together([*steps, (output, draft.to_bytes(), backup)])
    except OutputError:
        if backup is not None:
            drop_if_same(backup, output)
            drop_if_same(audit_path(backup), audit)
        raise
    return audit if audit_data is not None else None


def keep_audit_with(backup: Path | None, draft: Path) -> Path | None:
    """The 数据底稿 goes into the backup with its draft: 汇报.v1.docx, 汇报.v1.底稿.xlsx."""
    from .audit import audit_path

    if backup is not None and audit_path(draft).exists():
        write_atomic(audit_path(backup), audit_path(draft).read_bytes())
        return audit_path(backup)
    return None


def audit_workbook(checked: Checked, stats: Stats, config: Config) -> bytes:
    """数据底稿: where each number of the draft comes from (docs/rules.md)."""
    from .audit import audit_bytes

    return audit_bytes(checked.ledgers, stats.values, stats.period, config)
