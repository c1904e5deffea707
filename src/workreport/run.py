"""One run at the centre: what a command asks, resolved once, loaded and validated once.

A :class:`Run` holds what the project *is* (the :class:`~workreport.config.Config` read
from workreport.toml: vocabularies, 形态, ledger specs, report settings) apart from what
this run *asks* (a :class:`Request`: period, signing date, cache, preset, Word template).
It settles every precedence once (:func:`choose_period`, :func:`choose_signed`), loads
and validates the ledgers once, and offers the stages every command shares: the
figures, the template context, the report, the 数据底稿 and the save beside it.  Each
command (``build``, ``refresh``, ``check``, ``stats``, ``validate`` …) is a short verb
over a Run; its notes come back as :class:`~workreport.errors.Issue` s with codes, for
the command line to format (docs/rules.md, 命令行).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .config import DEFAULT_PRESET, PRESETS, Config, open_config, packaged_templates
from .errors import CODES, ConfigError, InvalidData, Issue, OutputError, UsageError
from .figures import (
    PARTIAL_CAPABLE,
    SHARES_ID,
    compute_figures,
    compute_figures_by_unit,
    compute_previous,
    dated_in,
    figure_labels,
    flatten,
    partial_figures,
    partial_notices,
    registry,
    special_ledgers,
)
from .load import Progress, load_paths, use_python_strings
from .loaded import Ledgers, Loaded
from .period import Period, parse_period
from .render.document import ReportDocument, Table, Tag
from .validate import in_reading_order, validate
from .write import backup_path, drop_if_same, replace_together, write_atomic


@dataclass(frozen=True)
class Request:
    """What one run asks, over what the project file says: the options of a command or
    the arguments of a library call.  None leaves the decision to the project file (and
    for ``refresh`` and ``check``, to the draft)."""

    period: Period | None = None
    signed: date | None = None  # the 成文日期 (``--date``)
    cache: bool = False  # read and write the parsed-workbook cache (cache.py)
    preset: str | None = None  # 汇报 or 通报 (``--preset``)
    word_template: Path | None = None  # ``--word-template``

    @classmethod
    def of(
        cls,
        *,
        period: str | Period | None = None,
        signed: str | date | None = None,
        cache: bool = False,
        preset: str | None = None,
        word_template: str | Path | None = None,
    ) -> Request:
        """A request from what a caller has: a period as the user writes it (2022H1),
        a date as a ledger cell writes it (2022-07-05, 2022年7月5日)."""
        if preset is not None and preset not in PRESETS:
            raise UsageError(f"模板集应为 {'、'.join(PRESETS)} 之一，而不是「{preset}」")
        return cls(
            period=parse_period(period) if isinstance(period, str) else period,
            signed=read_date(signed) if isinstance(signed, str) else signed,
            cache=cache,
            preset=preset,
            word_template=Path(word_template) if word_template is not None else None,
        )


def read_date(text: str) -> date:
    """``--date``, read the way a date cell of a ledger is read (2022-07-05, 2022/7/5,
    2022年7月5日)."""
    from .parse import parse_date

    value = parse_date(text)
    if not isinstance(value, date):
        raise UsageError(f"无法识别成文日期「{text}」，请写成 2022-07-05")
    return value


def choose_period(
    asked: Period | None, config: Config, draft: Period | None = None
) -> Period | None:
    """The period a run counts: the option, else the draft's own (``refresh`` and
    ``check`` update or check the draft they are given), else ``[report] period``."""
    return asked or draft or config.period


def choose_signed(asked: date | None, config: Config, draft: date | None = None) -> date:
    """The 成文日期: the option, else ``[report] date``, else the draft's own (a refresh
    keeps it), else today (docs/drafts.md, 成文日期)."""
    return asked or config.report_date or draft or date.today()


def require_period(period: Period | None) -> Period:
    if period is None:
        raise UsageError(
            "没有指定统计期间：请用 --period 指定（如 --period 2022H1），"
            '或在 workreport.toml 的 [report] 中写 period = "2022H1"'
        )
    return period


@dataclass(kw_only=True)
class Checked:
    """Loaded and validated ledgers; ``issues`` holds the warnings that remain."""

    loaded: Loaded
    ledgers: Ledgers
    issues: list[Issue]

    def notices(self, audited: bool) -> list[Issue]:
        """The warnings a draft's build lists: each at its place, but the 案管室's
        findings said once per code, for ``validate`` lists them all and the 底稿 has
        them on its 交叉核对 sheet (docs/rules.md, 交叉核对)."""
        from .crossrules import CROSS_CODES

        found: dict[str, int] = {}
        for i in self.issues:
            if i.code in CROSS_CODES:
                found[i.code] = found.get(i.code, 0) + 1
        where = "数据底稿的「交叉核对」表和 " if audited else " "
        day = self.ledgers.reference
        said = [
            Issue(
                code,
                f"{n} 处：{CODES[code]}（基准日 {day}；见{where}workreport validate 的清单）",
            )
            for code, n in sorted(found.items())
        ]
        return [i for i in self.issues if i.code not in CROSS_CODES] + said


@dataclass(kw_only=True)
class Validation:
    """Every problem of every workbook found (``validate``)."""

    issues: list[Issue]
    files: int  # every file found, the refused ones included
    rows: int  # ledger rows read
    annotated: list[Path] = field(default_factory=list)  # ``--annotate``: the copies written
    reference: date | None = None  # the day the 案管室's checks counted to (交叉核对)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(kw_only=True)
class Stats:
    period: Period
    values: dict
    previous: dict
    by_unit: dict[str, dict] = field(default_factory=dict)
    rows_in_period: int = 0  # 0 with ledgers present: the period is probably mistyped
    notices: list[Issue] = field(default_factory=list)  # W230: figures some units left out
    # figures counted from only some units → the units that did not report
    # (docs/figures.md, 部分单位报送的列)
    partial: dict[str, tuple[str, ...]] = field(default_factory=dict)
    special_name: str = ""  # ``stats --special``: the 专项 these figures are of
    # the 上报文件 of lower levels added in (export.py), and the figures of each scope:
    # 本级 (the project's own ledgers) and 下级 (the exports summed), with last year's
    exports: list = field(default_factory=list)
    scope: dict[str, tuple[dict, dict]] = field(default_factory=dict)

    def as_json(self) -> dict:
        """The stable JSON shape given in docs/rules.md (命令行)."""
        out = {"period": self.period.as_dict(), "figures": self.values}
        if self.special_name:
            out["special"] = self.special_name
        if self.by_unit:
            out["by_unit"] = self.by_unit
        return out

    def empty_period(self) -> list[Issue]:
        """W208: ledgers, but not one row dated in the period."""
        if self.rows_in_period or self.exports:
            return []
        return [
            Issue(
                "W208",
                f"统计期间 {self.period} 内没有任何台账行，稿中数字全为 0。期间是否写错了？",
            )
        ]


class Run:
    """One command's run: its inputs resolved once, its ledgers loaded and validated once."""

    def __init__(
        self,
        paths: list[Path],
        config: Config,
        request: Request,
        *,
        progress: Progress | None = None,
        draft_period: Period | None = None,
        draft_signed: date | None = None,
    ):
        self.paths = paths
        self.config = config
        self.request = request
        self.progress = progress
        self.period = choose_period(request.period, config, draft_period)
        self.signed = choose_signed(request.signed, config, draft_signed)
        self.preset = request.preset or config.preset
        # an id that is no figure at all is a typo, whatever the inputs turn out to be
        refuse_partial_ok(config, {*PARTIAL_CAPABLE, *registry(), SHARES_ID})
        from .sources import read_profiles

        # a profile naming a column or a value we do not have stops here, exit 2
        self.profiles = read_profiles(config)
        # by cache folder: names in clear (no cache) are never served from a keyed-hash load
        self._loaded: dict[Path | None, tuple[Loaded, Ledgers, list[Issue]]] = {}
        self._special: dict[Period, dict[str, tuple[dict, dict]]] = {}  # special_figures
        # template folder and period → its blocks, rendered once a run (document, stamp)
        self._rendered: dict[tuple[Path, str], tuple[list, list]] = {}
        # figure id → the sources (本级, 上报单位) that lack it, once stats added them up
        self._missing_in: dict[str, tuple[str, ...]] = {}

    @classmethod
    def open(
        cls,
        paths=(),
        *,
        config: Config | str | Path | None = None,
        request: Request | None = None,
        progress: Progress | None = None,
        draft=None,
    ) -> Run:
        """A run over the ledgers at ``paths``; ``config`` is a Config, the path of a
        workreport.toml, or None (found the way the command line finds it).  ``draft``:
        the Stamp of the draft a refresh or a check works on, whose period and date come
        after the request's (choose_period, choose_signed)."""
        use_python_strings()
        paths = [Path(p) for p in paths]
        if not isinstance(config, Config):
            config = open_config(config, paths)
        return cls(
            paths,
            config,
            request or Request(),
            progress=progress,
            draft_period=draft.own_period() if draft is not None else None,
            draft_signed=draft.own_signed() if draft is not None else None,
        )

    # ---- what was asked, resolved ------------------------------------------------------

    def require_period(self) -> Period:
        return require_period(self.period)

    @property
    def reference(self) -> date | None:
        """The day the 案管室's checks count to: the period's end; None leaves it to the
        ledgers' latest date (docs/rules.md, 交叉核对)."""
        return self.period.end if self.period is not None else None

    @property
    def cache_folder(self) -> Path | None:
        """Where parsed workbooks are kept (cache.py): beside workreport.toml, else in the
        first input folder; None when the request does not use the cache."""
        if not self.request.cache:
            return None
        from .cache import cache_folder

        return cache_folder(self.config.source, self.paths)

    @property
    def word_template(self) -> Path | None:
        """The Word template the draft is made from: ``--word-template``, else
        ``[report] word_template``; for the 通报 only ``--word-template`` (docs/templates.md, 模板集)."""
        if self.preset != DEFAULT_PRESET:
            # the project's own 模板.docx is its 汇报: the 通报 takes one named on the command
            # line only (workreport word-template --preset 通报)
            return self.request.word_template
        return self.request.word_template or self.config.word_template

    def template_folder(self) -> Path:
        """The built-in 通报 set when the preset asks for it; else the project's own
        templates (its 汇报), else the built-in 汇报 (docs/templates.md, 模板集)."""
        own = self.config.templates
        if own is not None and self.preset == DEFAULT_PRESET:
            if not own.is_dir():
                raise UsageError(f"模板文件夹不存在：{own}")
            return own
        return packaged_templates(self.preset)

    @property
    def issues(self) -> list[Issue]:
        """What the project file itself is worth a warning for (W285)."""
        return list(self.config.warnings)

    # ---- load → validate ---------------------------------------------------------------

    def _load(self, *, clear_names: bool = False) -> tuple[Loaded, Ledgers, list[Issue]]:
        # the cache keeps names only as keyed hashes (cache.py): check reads them in clear
        cache = None if clear_names else self.cache_folder
        if cache not in self._loaded:
            from .export import check_exports, is_export, read_export

            loaded = load_paths(
                self.paths,
                self.config,
                cache=cache,
                progress=self.progress,
                profiles=self.profiles,
                set_aside=is_export,
            )
            ledgers, issues = validate(loaded, self.config, self.reference)
            if loaded.set_aside:  # the 上报文件 of lower levels (docs/rules.md, 上报文件)
                for path, name in loaded.set_aside:
                    export, found = read_export(path, name)
                    issues += found
                    loaded.exports += [export] if export is not None else []
                own = set(ledgers.units)
                issues += check_exports(
                    loaded.exports, self.config, self.period, own, bool(loaded.files)
                )
                issues = in_reading_order(issues, loaded.files)
            self._loaded[cache] = loaded, ledgers, issues
        return self._loaded[cache]

    def loaded(self, *, clear_names: bool = False) -> Loaded:
        """The ledgers as read, errors or not (``check`` looks for names in every one)."""
        return self._load(clear_names=clear_names)[0]

    def validation(self) -> Validation:
        """Every issue of every workbook; none is raised."""
        loaded, ledgers, issues = self._load()
        return Validation(
            issues=issues, files=loaded.found, rows=loaded.rows_read, reference=ledgers.reference
        )

    def checked(self, *, clear_names: bool = False) -> Checked:
        """load → validate, refusing to go on when there is any error (docs/rules.md, 命令行).
        ``clear_names``: the names stay as the ledgers write them, never keyed hashes."""
        loaded, ledgers, issues = self._load(clear_names=clear_names)
        if any(i.is_error for i in issues):
            raise InvalidData(issues, files=loaded.found, rows=loaded.rows_read)
        if not loaded.exports:
            # of the project's own ledgers only a bulletin column's figures can be partial;
            # with 上报文件 any figure can, where a 县 sent no such sheet (docs/rules.md)
            refuse_partial_ok(self.config, set(PARTIAL_CAPABLE))
        return Checked(loaded=loaded, ledgers=ledgers, issues=issues)

    # ---- compute -----------------------------------------------------------------------

    def stats(
        self, *, by_unit: bool = False, clear_names: bool = False, special: str | None = None
    ) -> Stats:
        """Every figure for the run's period, last year's, and per unit if asked; with
        ``special``, of that 专项's rows only (``stats --special``, docs/figures.md)."""
        period = self.require_period()
        checked, config = self.checked(clear_names=clear_names), self.config
        ledgers = checked.ledgers
        if special is not None:
            ledgers = special_ledgers(ledgers, require_special(special, config))
        values = compute_figures(ledgers, period, config)
        previous = compute_previous(ledgers, period, config)
        units = compute_figures_by_unit(ledgers, period, config) if by_unit else {}
        rows = sum(int(dated_in(ledgers, key, period).sum()) for key in ledgers.frames)
        notices = partial_notices(ledgers, config)
        stats = Stats(
            period=period,
            values=values,
            previous=previous,
            by_unit=units,
            rows_in_period=rows,
            notices=notices,
            partial=partial_figures(ledgers),
        )
        stats.special_name = special or ""
        if special is not None:
            # a 上报文件 carries no 专项: the figures of one are the 本级's rows alone
            return stats
        return self._with_exports(stats, checked.loaded)

    def special_figures(self, period: Period) -> dict[str, tuple[dict, dict]]:
        """Each of the project's 专项 → (figures, last year's) of its rows, for the
        templates' ``special["名称"]`` (docs/figures.md): counted once a period, and only
        for a draft (``stats`` and ``export`` never show them).  The 本级's rows alone: a
        上报文件 carries no 专项."""
        if not self.config.special:
            return {}
        if period not in self._special:
            ledgers, config = self.checked().ledgers, self.config
            found = {}
            for name in config.special:
                cut = special_ledgers(ledgers, name)
                found[name] = (
                    compute_figures(cut, period, config),
                    compute_previous(cut, period, config),
                )
            self._special[period] = found
        return self._special[period]

    def _with_exports(self, stats: Stats, loaded: Loaded) -> Stats:
        """The figures of the 上报文件 added to the project's own (docs/rules.md,
        上报文件); ``scope`` keeps each side apart for the templates."""
        from .export import add_exports, export_notices

        exports = loaded.exports
        stats.exports = list(exports)
        # the project's own ledgers are a source of the sum only when it has some; named
        # 市本级 where the level is known (stats asks for no level otherwise)
        own = f"{self.config.level or ''}本级" if loaded.files else None
        summed = add_exports(stats.values, stats.previous, stats.partial, own, exports)
        stats.values, stats.previous, stats.partial = summed.values, summed.previous, summed.partial
        stats.scope, self._missing_in = summed.scope, summed.missing_in
        if stats.by_unit:
            stats.by_unit.update((e.organisation, e.values) for e in exports)
        stats.notices += export_notices(self._missing_in, self.labels())
        return stats

    def partial_notices(self, shown: set[str]) -> list[Issue]:
        """W230 for the figures of only some units that a draft shows (``stats`` lists all)."""
        from .export import export_notices

        own = partial_notices(self.checked().ledgers, self.config, shown)
        return own + export_notices(self._missing_in, self.labels(), shown)

    def unranked_notices(self, stats: Stats, shown: set[str]) -> list[Issue]:
        """W233: sanctioned persons with a blank 职级, when the draft shows the ranks: a
        data-quality note is a warning, never a sentence of the draft (docs/figures.md)."""
        from .ledgers import UNRANKED

        ranks = stats.values.get("sanctioned_by_rank")
        blank = ranks.get(UNRANKED) if isinstance(ranks, dict) else None
        if "sanctioned_by_rank" not in shown or not blank:
            return []
        return [
            Issue(
                "W233",
                f"处分人员中有 {blank} 人未填职级，稿中按职级列出的人数之和小于处分人数",
                suggestion="请相关单位在「处分处理」台账中补填「职级」列",
            )
        ]

    def highlighted(self, stats: Stats) -> set[str]:
        """The figures of only some units the analyst has not accepted (``[figures]
        partial_ok``): highlighted in the draft, must-fix in ``check`` (docs/figures.md)."""
        return set(stats.partial) - self.config.partial_ok

    def title(self, period: Period) -> str:
        """``[report] title`` for the 汇报; the 通报 has its own, naming the period and the
        level as the bulletins do (docs/templates.md, 模板集)."""
        if self.preset == DEFAULT_PRESET:
            return self.config.title
        return BULLETIN_TITLE.format(period=period.bulletin, level=require_level(self.config))

    def pct_trailing_zero(self) -> bool:
        """Whether ``| pct`` prints 66.0%: ``[report] pct_trailing_zero``, else the 汇报
        does and the 通报 prints 66% (docs/templates.md, 百分比)."""
        if self.config.pct_trailing_zero is not None:
            return self.config.pct_trailing_zero
        return self.preset == DEFAULT_PRESET

    def labels(self) -> dict[str, str]:
        """Each id a draft may hold → its name, the project's 专项 figures included."""
        from .render.values import SPECIAL_TAG

        labels = figure_labels(self.config)[0]
        return labels | {
            f"{SPECIAL_TAG}{name}/{key}": f"{label}（{name}）"
            for name in self.config.special
            for key, label in labels.items()
        }

    def context(self, stats: Stats) -> dict:
        """What a template sees: every figure, the period's words, the organisation and
        its level, the signing date (docs/templates.md)."""
        from .charts import chart_marker
        from .render.marks import text_in
        from .render.sections import PCT_TRAILING_ZERO
        from .render.values import Fig, PeriodWords, figure_context, signing_word

        config, year = self.config, stats.period.year
        labels, groups = figure_labels(config)
        whole_year = stats.period.whole_year
        ctx = figure_context(stats.values, stats.previous, labels, groups, whole_year=whole_year)
        ctx["special"] = {
            name: figure_context(values, prev, labels, groups, whole_year=whole_year, special=name)
            for name, (values, prev) in self.special_figures(stats.period).items()
        }
        ctx.update(
            # the project's words enter the renderer as its text does (render/sections.py)
            organisation=text_in(config.organisation),
            level=text_in(require_level(config)),
            words={key: text_in(word) for key, word in config.words.items()},
            title=text_in(self.title(stats.period)),
            # the settings a template may ask about: {% if report.yoy %}
            report={"yoy": config.yoy, "charts": config.charts},
            chart=chart_marker,
            # years are tagged like figures, so a refresh for another period updates them
            year=Fig("year", year, year - 1, "年份", counted=False),
            previous_year=Fig("previous_year", year - 1, year - 2, "上一年份", counted=False),
            period=PeriodWords(stats.period, self.signed),
            signed=signing_word(self.signed),
            period_start=stats.period.start,
            period_end=stats.period.end,
        )
        ctx[PCT_TRAILING_ZERO] = self.pct_trailing_zero()
        # 全市 = 市本级 + 县区 (docs/templates.md, 本级与下级): each side's figures, and the
        # subject that states the summed ones
        level = require_level(config)
        ctx["scope"] = {
            name: figure_context(
                values, before, labels, groups,
                whole_year=stats.period.whole_year, prefix=f"scope.{name}.",
            )
            for name, (values, before) in stats.scope.items()
        }  # fmt: skip
        ctx["exports"] = [text_in(e.organisation) for e in stats.exports]
        ctx["subject"] = text_in(
            f"全{level}纪检监察机关" if stats.exports else f"{level}本级纪检监察机关"
        )
        return ctx

    # ---- render ------------------------------------------------------------------------

    def document(self, stats: Stats) -> ReportDocument:
        """Figures → the report as plain data: the templates' text and the appendix."""
        from .charts import resolve_charts
        from .render.sections import render_sections

        context = self.context(stats)
        title, organisation = self.title(stats.period), self.config.organisation
        unknown: list[Tag] = []
        word_template = self.word_template
        if word_template is not None:
            from .render.word_template import render_word_template

            if not word_template.is_file():
                raise UsageError(f"Word 模板不存在：{word_template}")
            rendered = render_word_template(word_template, context)
            blocks, omitted = rendered.blocks, rendered.omitted
            title, organisation = rendered.title or title, rendered.signature or organisation
        else:
            blocks, omitted = render_sections(self.template_folder(), context, unknown)
            self._rendered[(self.template_folder(), str(stats.period))] = (blocks, omitted)
        return ReportDocument(
            title=title,
            blocks=tuple(resolve_charts(blocks, stats.values, self.config.charts)),
            organisation=organisation,
            date=self.signed,
            appendix=appendix_table(stats),
            omitted=tuple(omitted),
            unknown=tuple(dict.fromkeys(unknown)),
        ).with_partial(self.highlighted(stats))

    def stamp(
        self, stats: Stats, written: dict[Tag, list[str]], appendix: str, omitted, charts=None
    ):
        """What a draft records about its figures and inputs (docs/drafts.md)."""
        from .draft import Stamp

        return Stamp(
            period=str(stats.period),
            signed=self.signed.isoformat(),
            omitted=list(omitted),
            figures=flatten(stats.values),
            inputs=self.inputs(),
            written=written,
            appendix=appendix,
            partial={fid: list(units) for fid, units in stats.partial.items()},
            accepted=sorted(set(stats.partial) & self.config.partial_ok),
            charts=dict(charts or {}),
            defaults=self.default_paragraphs(stats),
        )

    def inputs(self) -> dict[str, str]:
        """Every input file read, ledgers and 上报文件, with its SHA-256."""
        loaded = self.checked().loaded
        return {f.name: f.sha256 for f in [*loaded.files, *loaded.exports]}

    def default_paragraphs(self, stats: Stats) -> list[str]:
        """The digests of the paragraphs the shipped default set of the preset writes for
        these figures, headings and 【请填写】 prompts left out (check says them, C301): a
        paragraph of the draft with the same skeleton is still the default's text (C324,
        docs/drafts.md).  Whatever the project's templates, a paragraph a person copied
        from the default set unchanged is one."""
        from .draft import skeleton_digest
        from .render.document import BODY
        from .render.sections import render_sections

        folder = packaged_templates(self.preset)
        # a project without templates of its own has just rendered this very set
        blocks, _ = self._rendered.get((folder, str(stats.period))) or render_sections(
            folder, self.context(stats)
        )
        return sorted(
            {
                skeleton_digest(block.skeleton)
                for block in blocks
                if block.kind == BODY and not any(s.prompt for s in block.lead + block.spans)
            }
        )

    def missing(self, doc: ReportDocument) -> list[Issue]:
        """W204: figures the draft marks 【待补充】."""
        missing = doc.placeholders()
        if not missing:
            return []
        return [
            Issue(
                "W204",
                f"{len(missing)} 个指标缺少数据，稿中以高亮的【待补充】标出：" + "、".join(missing),
            )
        ]

    def notices(self, signed: date, period: Period) -> list[Issue]:
        """W210, W216–W218: whether a draft signed ``signed`` for ``period`` is true of
        its dates and its project (docs/drafts.md, 成文日期)."""
        return [*config_notices(self.config, self.word_template), *date_notices(signed, period)]

    # ---- write -------------------------------------------------------------------------

    def audit(self, stats: Stats, pairing: str = "") -> bytes:
        """数据底稿: where each number of the draft comes from (docs/rules.md); ``pairing``
        names the draft it goes with."""
        from .audit import audit_bytes
        from .crossrules import CROSS_CODES

        checked = self.checked()
        found = [i for i in checked.issues if i.code in CROSS_CODES]
        return audit_bytes(
            checked.ledgers,
            stats.values,
            stats.period,
            self.config,
            checks=found,
            pairing=pairing,
            exports=checked.loaded.exports,
        )

    def save(self, draft, output: Path, stats: Stats | None, backup: Path | None):
        """Write the draft and, given ``stats``, its 数据底稿 naming it (save_with_audit)."""
        audit = None if stats is None else (lambda pairing: self.audit(stats, pairing))
        return save_with_audit(draft, output, audit, backup)


# the 通报's title (docs/templates.md, 模板集): the period as the bulletins name it, 全 and the level
BULLETIN_TITLE = "{period}全{level}纪检监察机关监督检查、审查调查情况"


def refuse_partial_ok(config: Config, capable: set[str]) -> None:
    """``[figures] partial_ok`` may name only figures that can be partial (docs/figures.md,
    部分单位报送的列): a bulletin column's, and with 上报文件 among the inputs any figure."""
    unknown = sorted(config.partial_ok - capable)
    if unknown:
        raise ConfigError(
            f"[figures] partial_ok 中的 {'、'.join(unknown)} 不是可由部分单位报送的指标；"
            f"可以写的有：{'、'.join(PARTIAL_CAPABLE)}，有下级上报文件时还可以写任何指标",
            config.source,
        )


def require_special(name: str, config: Config) -> str:
    """A 专项 the project lists in [special] names, else a usage error with the closest."""
    if name in config.special:
        return name
    from difflib import get_close_matches

    near = get_close_matches(name, config.special, n=1, cutoff=0.4)
    if near:
        hint = f"是否应为「{near[0]}」？"
    elif config.special:
        hint = "本项目的专项：" + "、".join(config.special)
    else:
        hint = "本项目还没有专项：请先在 workreport.toml 的 [special] names 中列出"
    raise UsageError(f"专项「{name}」不在 [special] names 中。{hint}")


def require_level(config: Config) -> str:
    """The organisation's level the default templates speak with (全市, 县直部门 …)."""
    if config.level is None:
        raise UsageError(
            f"无法从单位名称「{config.organisation}」看出是市、县还是区级（名称中没有“纪委监委”）。"
            '请在 workreport.toml 的 [report] 中写明，如 level = "县"'
        )
    return config.level


# the appendix's columns: a header's lines are its words, so that no column header breaks
# inside a word (docs/templates.md, 默认模板; docs/rules.md, Word 稿件); the unit of each count in （）
APPENDIX_COLUMNS = (
    ("受理\n线索", "clues"),
    ("立案", "cases_filed"),
    ("结案", "cases_closed"),
    ("党纪\n政务\n处分\n（人）", "sanctioned_persons"),
    ("第一种\n形态", "forms_1"),
    ("第二种\n形态", "forms_2"),
    ("第三种\n形态", "forms_3"),
    ("第四种\n形态", "forms_4"),
    ("谈话\n（人次）", "talks_total"),
    ("文书\n（份）", "letters_total"),
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
        note=(
            "注：“—”表示该单位未报送相应台账。受理线索、立案、结案以件计，“四种形态”以人次计。"
            "党纪政务处分按人计，同一人受多项处分只计一次，故合计可能小于各单位之和。"
            # the counties' rows are their 上报文件's (docs/rules.md, 上报文件)
            + ("下级各上报单位一行，数字取自其上报文件。" if stats.exports else "")
        ),
    )


def prose_notices(doc: ReportDocument, labels: dict[str, str]) -> list[Issue]:
    """What the analyst should know about the truth of a new draft's words
    (docs/templates.md, 为 0 的内容)."""

    def label(tag: Tag) -> str:
        return labels.get(tag.id, tag.id)

    notices = []
    zeros = doc.zeros()
    if zeros:
        notices.append(zeros_notice([(label(tag), text) for tag, text in zeros]))
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


def zeros_notice(zeros: list[tuple[str, str]]) -> Issue:
    """W211: zeros the prose states, each with the opening of its paragraph."""
    where = "；".join(f"{label}（「{text_opening(text)}」）" for label, text in zeros)
    return Issue("W211", f"正文中有 {len(zeros)} 个数字为 0，请确认这样写是否恰当：{where}")


# a signing date this long after the period's end is most likely a forgotten --date: a
# quarter's report is signed within the next quarter (docs/drafts.md, 成文日期)
LATE_SIGNING_DAYS = 92


def date_notices(signed: date, period: Period) -> list[Issue]:
    """W210: signed before the period's end; W219: signed more than 92 days after it."""
    if signed < period.end:
        return [
            Issue(
                "W210",
                f"成文日期 {signed.isoformat()} 早于统计期间的结束日 {period.end.isoformat()}；"
                "请用 --date 或 workreport.toml 的 [report] date 写明成文日期",
            )
        ]
    late = (signed - period.end).days
    if late > LATE_SIGNING_DAYS:
        return [
            Issue(
                "W219",
                f"成文日期 {signed.isoformat()} 比统计期间的结束日 {period.end.isoformat()} "
                f"晚 {late} 天，是否忘了写成文日期？"
                "请用 --date 或 workreport.toml 的 [report] date 写明成文日期",
            )
        ]
    return []


def config_notices(config: Config, word_template: Path | None = None) -> list[Issue]:
    """Placeholders of a new project still in force, and templates from an older version."""
    from .config import is_placeholder, organisation_level

    notices = []
    if is_placeholder(config.organisation):
        where = f"（{config.source}）" if config.source else "（没有找到 workreport.toml）"
        notices.append(
            Issue(
                "W216",
                f"单位名称仍是占位的「{config.organisation}」{where}："
                '请在 workreport.toml 的 [report] 中写 organisation = "实际单位名称"',
            )
        )
    named = organisation_level(config.organisation)
    if config.level_given and named and named != config.level_given:
        # the level words (全县, 镇（街道）…) follow [report] level (docs/templates.md, 层级用语)
        notices.append(
            Issue(
                "W229",
                f"[report] level 写的是「{config.level_given}」，而单位名称「{config.organisation}」"
                f"是{named}级：稿中的层级用语按「{config.level_given}」写，请核对",
            )
        )
    word_template = word_template or config.word_template
    if word_template is not None and config.templates is not None:
        notices.append(
            Issue(
                "W218",
                f"同时设置了 word_template 和 templates：按 Word 模板 {word_template.name} "
                f"生成，文本模板文件夹 {config.templates.name} 未使用",
            )
        )
    text_templates = config.templates if word_template is None else None
    old = []
    if text_templates:
        from .project import outdated_templates

        old = outdated_templates(text_templates)
    if old:
        notices.append(
            Issue(
                "W217",
                f"项目中的模板 {'、'.join(p.name for p in old)} 来自旧版本（写有样稿单位自己的做法，"
                "或统计期间写作“今年以来”、为 0 的内容不会省略）："
                "运行 workreport init --update-templates 更新（旧模板先备份）",
            )
        )
    return notices


def text_opening(text: str, width: int = 16) -> str:
    return text if len(text) <= width else text[:width] + "…"


def save_with_audit(draft, output: Path, audit, backup: Path | None):
    """Write the draft and its 数据底稿 (``audit``: the draft's pairing → the 底稿's bytes;
    None for none) side by side; the 底稿 of the file that was backed up goes with its
    backup.  Returns the 底稿's path, or None.

    The two must never disagree (docs/rules.md, 用户的电脑): both are written to temporary
    files, then renamed 底稿 first, draft second, and a failed second rename puts the old
    底稿 back.  Without a new 底稿, one left from an earlier build is moved to its backup
    name.  When nothing could be written, the backups made for this run are removed:
    the originals are still in place.  The verbs check the lock files before they start.
    """
    from .audit import audit_path

    data = draft.to_bytes()  # first: the 底稿 names the draft as written
    audit_data = None if audit is None else audit(draft.pairing())
    audit = audit_path(output)
    try:
        if audit_data is not None:
            steps = [(audit, audit_data, keep_audit_with(backup, output))]
        elif audit.exists():
            steps = [(audit, None, audit_path(backup or backup_path(output)))]
        else:
            steps = []
        replace_together([*steps, (output, data, backup)])
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


# ---- the two verbs that are the run itself ---------------------------------------------


def validate_ledgers(
    paths: list[str | Path],
    *,
    config: Config | str | Path | None = None,
    period: str | Period | None = None,
    cache: bool = False,
    annotate: str | Path | None = None,
    progress: Progress | None = None,
) -> Validation:
    """``validate``: check every workbook under ``paths``; every issue comes back, none is
    raised.  ``period``: its end is the day the 案管室's checks count to (else the
    project's period's, else the ledgers' latest date: docs/rules.md, 交叉核对).
    ``annotate``: a folder where each workbook with a problem is copied with its cells
    marked and a 问题清单 (docs/rules.md, 退回修改)."""
    request = Request.of(period=period, cache=cache)
    run = Run.open(paths, config=config, request=request, progress=progress)
    result = run.validation()
    if annotate is not None and result.issues:
        from .annotate import annotate_workbooks
        from .load import find_workbooks

        # every workbook found, the refused ones too: they get a 问题清单 of their own
        sources = {name: p for p, name in find_workbooks(run.paths)[0]}
        result.annotated = annotate_workbooks(result.issues, sources, Path(annotate))
    return result


def compute_stats(
    paths: list[str | Path],
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    by_unit: bool = False,
    special: str | None = None,
    cache: bool = False,
    progress: Progress | None = None,
) -> Stats:
    """``stats``: every figure for the period (with ``special``: of that 专项's rows);
    invalid ledgers raise InvalidData."""
    request = Request.of(period=period, cache=cache)
    run = Run.open(paths, config=config, request=request, progress=progress)
    run.require_period()
    if special is not None:
        require_special(special, run.config)  # before the ledgers are read
    return run.stats(by_unit=by_unit, special=special)


@dataclass(kw_only=True)
class Exported:
    """``export``: the 上报文件 written, the backup of the file it replaced, the figures."""

    output: Path
    backup: Path | None
    stats: Stats
    issues: list[Issue]


def export_figures(
    paths: list[str | Path],
    output: str | Path,
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    force: bool = False,
    cache: bool = False,
    progress: Progress | None = None,
) -> Exported:
    """``export``: the project's figures for the level above, as one 上报文件 (export.py):
    every figure overall and per 填报单位, the period, the organisation and its level, the
    registry version, the inputs' hashes; no name, no 线索编号 (docs/rules.md,
    上报文件).  Invalid ledgers raise InvalidData; an existing file is replaced only
    with ``force``, after a backup."""
    from .export import export_bytes
    from .write import ensure_not_open, refuse_existing

    request = Request.of(period=period, cache=cache)
    run = Run.open(paths, config=config, request=request, progress=progress)
    run.require_period()
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"上报文件应以 .xlsx 结尾（如 县名.上报.xlsx）：{output}")
    ensure_not_open(output)
    stats = run.stats(by_unit=True)
    level = require_level(run.config)
    data = export_bytes(stats, run.config, level=level, inputs=list(run.inputs().items()))
    backup = refuse_existing(output, force=force, what="可能是已报出的上报文件")
    write_atomic(output, data)
    issues = [
        *run.issues,
        *run.checked().notices(False),
        *stats.empty_period(),
        *stats.notices,
        # W216: the organisation is what the city adds the figures up by
        *(i for i in config_notices(run.config) if i.code == "W216"),
    ]
    return Exported(output=output, backup=backup, stats=stats, issues=issues)
