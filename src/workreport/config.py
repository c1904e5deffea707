"""workreport.toml → a frozen :class:`Config`.

The package's ``defaults.toml`` is read first; a project's file overrides it key
by key.  Relative paths are resolved against the file that names them.  Options
given on the command line override both (see :func:`load_config`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from .errors import ConfigError, Issue, reason
from .period import Period, parse_period

CONFIG_NAME = "workreport.toml"
CACHE_FOLDER = ".workreport-cache"  # the parsed-workbook cache (cache.py), git-ignored
# The default 谈话 and 文书 vocabularies; a project adds to them, never removes
# (docs/figures.md): the default templates name every one of them.
TALK_TYPES = ("谈心谈话", "廉政谈话", "提醒谈话", "诫勉谈话", "约谈")
LETTER_TYPES = ("廉洁提醒函", "履责提醒函", "纪检监察建议书")
# [checks]: the days after which a clue or a case is worth the 案管室's look (W242–W244,
# docs/rules.md, 交叉核对); the same numbers are written in defaults.toml
CHECK_DAYS = {"undisposed_days": 30, "pending_days": 180, "open_case_days": 365}


@dataclass(frozen=True)
class StyleConfig:
    """Font names of the Word output (docs/rules.md, Word 稿件); ``[style]`` in workreport.toml."""

    title_font: str = "方正小标宋简体"
    body_font: str = "仿宋_GB2312"
    heading1_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    heading3_font: str = "仿宋_GB2312"
    latin_font: str = "Times New Roman"
    page_number_font: str = "宋体"


@dataclass(frozen=True)
class Config:
    title: str = "重点工作推进情况和下步工作打算"
    """The report's title, printed centred at the top."""
    organisation: str = "xx市纪委监委"
    """The issuing organisation: used in the text and the closing."""
    level_given: str | None = None
    """``[report] level`` (市, 县, 区, 旗, 州 …); else read from the organisation."""
    period: Period | None = None
    """``[report] period``: the project's period; a run's own is ``Run.period`` (run.py)."""
    report_date: date | None = None
    """``[report] date``, the 成文日期; a run's own is ``Run.signed`` (run.py)."""
    templates: Path | None = None
    """A folder of section templates; the packaged defaults when not given."""
    word_template: Path | None = None
    """A Word template (模板.docx) the analyst edits; wins over ``templates``."""
    style: StyleConfig = field(default_factory=StyleConfig)
    forms: dict[str, str] = field(default_factory=dict)
    """处理方式 → 形态."""
    party_sanctions: frozenset[str] = frozenset()
    gov_sanctions: frozenset[str] = frozenset()
    activities: dict[str, str] = field(default_factory=dict)
    """活动类型 → 计量单位."""
    talk_types: tuple[str, ...] = TALK_TYPES
    """谈话类型: the defaults, then ``[talks] add``."""
    letter_types: tuple[str, ...] = LETTER_TYPES
    """文书类型: the defaults, then ``[letters] add``."""
    categories: tuple[str, ...] = ()
    """``[categories] names``: the 问题类别 a clue may have (docs/figures.md)."""
    eight_rules: tuple[str, ...] = ()
    """``[categories] eight_rules``: the 问题类别 the 八项规定 figures add up."""
    special: tuple[str, ...] = ()
    """``[special] names``: the 专项 a row's 专项 cell may name (none by default: docs/figures.md)."""
    preset: str = "汇报"
    """``[report] preset``, the built-in template set: 汇报 or 通报 (``build --preset``)."""
    forms_count: str = "人次"
    """``[report] forms_count``: 人次 (one person in one matter, in the heaviest form: the
    上级's rule) or 处理 (one per 处分处理 row): docs/figures.md, 四种形态."""
    yoy: bool = False
    """``[report] yoy``: whether the 通报 states 同比 (the bulletins carry none:
    docs/templates.md, 模板集); the 汇报 states it wherever its templates print ``| yoy``."""
    charts: bool = True
    """``[report] charts``: whether the charts a template places ({{ chart("ranks") }}) are
    drawn; false leaves them out with their captions (docs/templates.md, 图表)."""
    pct_trailing_zero: bool | None = None
    """``[report] pct_trailing_zero``: whether ``| pct`` keeps a trailing .0 (66.0%); unset,
    the 汇报 keeps it and the 通报 drops it (66%) as the bulletins do."""
    partial_ok: frozenset[str] = frozenset()
    """``[figures] partial_ok``: figures of only some units the analyst accepts as they are:
    printed plainly, and ``check`` lists them as worth a look (docs/figures.md)."""
    checks: dict[str, int] = field(default_factory=lambda: dict(CHECK_DAYS))
    """``[checks]``: the days after which the 案管室's checks warn (W242–W244), by key
    (docs/rules.md, 交叉核对)."""
    level_words: dict[str, dict[str, str]] = field(default_factory=dict)
    """``[levels.<level>]``: the words the default templates say for each level (基层 …)."""
    sources: dict[str, dict] = field(default_factory=dict)
    """``[sources."名称"]``: source profiles as written, read and checked against the ledgers
    by sources.py (docs/sources.md): workbooks in a department's or the platform's layout."""
    source: Path | None = None
    """The workreport.toml this came from, if any."""
    warnings: tuple[Issue, ...] = ()
    """W285: sections and keys of the file that were ignored."""

    @property
    def level(self) -> str | None:
        """The organisation's level, the character before 纪委监委 (xx县纪委监委 → 县):
        the default templates say 全县, 县直部门 … with it (docs/templates.md)."""
        if self.level_given:
            return self.level_given
        return organisation_level(self.organisation)

    @property
    def words(self) -> dict[str, str]:
        """The level's words (``words.基层`` in a template), the 其他 row for a level the
        table lacks (docs/templates.md, 层级用语)."""
        other = self.level_words.get(OTHER_LEVEL, {})
        return {**other, **self.level_words.get(self.level or "", {})}


_KNOWN = {
    "report": {
        "title",
        "organisation",
        "level",
        "period",
        "date",
        "templates",
        "word_template",
        "preset",
        "forms_count",
        "yoy",
        "charts",
        "pct_trailing_zero",
    },
    "style": set(StyleConfig.__dataclass_fields__),
    "forms": None,  # free keys
    "sanctions": {"party", "government"},
    "activities": None,
    "talks": {"add"},
    "letters": {"add"},
    "figures": {"partial_ok"},
    "levels": None,
    "checks": set(CHECK_DAYS),
    "categories": {"names", "eight_rules"},
    "special": {"names"},
    "sources": None,  # one table per profile: its keys are checked in _source_keys
}
# the keys of a source profile and of each of its sheet blocks (docs/sources.md)
SOURCE_KEYS = {"match", "unit", "sheets"}
SOURCE_SHEET_KEYS = {"sheet", "ledger", "key", "rows_with", "columns", "values"}
OTHER_LEVEL = "其他"  # the [levels] row of a level the table lacks

# The built-in template sets (docs/templates.md, 模板集): preset name → packaged folder.
PRESETS = {"汇报": "", "通报": "bulletin"}
DEFAULT_PRESET = "汇报"  # the seed report; a project's own templates are its 汇报


def packaged_templates(preset: str = DEFAULT_PRESET) -> Path:
    """The built-in template set of ``preset`` (docs/templates.md, 模板集)."""
    return Path(str(resources.files("workreport.templates"))) / PRESETS[preset]


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"配置文件格式错误：{reason(e)}", path) from e
    except OSError as e:
        raise ConfigError(f"无法读取配置文件：{reason(e)}", path) from e


def _defaults() -> dict:
    text = resources.files("workreport").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def find_config(explicit: Path | None, inputs: list[Path]) -> Path | None:
    """``--config``; else ./workreport.toml; else one in the first input folder or the
    folder above it (docs/rules.md, 命令行)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError("配置文件不存在", explicit)
        return explicit
    here = Path.cwd() / CONFIG_NAME
    if here.is_file():
        return here
    for p in inputs[:1]:
        folder = p if p.is_dir() else p.parent
        # the input folder, or the project around it (workreport init puts 收文/ inside)
        for place in (folder, folder.resolve().parent):
            if (place / CONFIG_NAME).is_file():
                return place / CONFIG_NAME
    return None


def open_config(config: Config | str | Path | None, inputs=()) -> Config:
    """A Config from what a caller has: a Config, a workreport.toml path, or nothing (then
    the file is found the way the command line finds it)."""
    if isinstance(config, Config):
        return config
    explicit = Path(config) if config is not None else None
    return load_config(find_config(explicit, [Path(p) for p in inputs]))


def load_config(path: Path | None = None) -> Config:
    """Defaults, overridden by the project file at ``path`` when given."""
    data = _defaults()
    user = _read_toml(path) if path else {}
    warnings: list[Issue] = []
    for section, value in user.items():
        if section not in _KNOWN:
            warnings.append(Issue("W285", f"未知的配置节 [{section}]，已忽略", file=str(path)))
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"[{section}] 应为一个配置节", path)
        allowed = _KNOWN[section]
        for key in value:
            if allowed is not None and key not in allowed:
                warnings.append(
                    Issue("W285", f"[{section}] 中未知的键 {key}，已忽略", file=str(path))
                )
        if section in ("talks", "letters"):
            # the defaults stay: the default templates name them (docs/templates.md)
            added = _str_list(value.get("add", []), f"[{section}] add", path)
            data[section] = {"add": [*data.get(section, {}).get("add", []), *added]}
        elif section == "activities":
            data[section] = {**data[section], **value}  # add to the vocabulary or change a unit
        elif section == "forms":
            data[section] = _move_measures(data[section], value, path)
        elif section == "sources":
            warnings.extend(_source_keys(value, path))
            data[section] = value
        elif section == "levels":
            # a project changes one word of one level; the rest of the table stays
            levels = data.setdefault("levels", {})
            for level, words in value.items():
                if not isinstance(words, dict):
                    raise ConfigError(f'[levels.{level}] 应为一个配置节，如 基层 = "乡镇"', path)
                levels[level] = {**levels.get(level, {}), **words}
        else:
            data.setdefault(section, {}).update(value)
    return _build(data, path, tuple(warnings))


def _move_measures(default: dict, user: dict, path: Path | None) -> dict:
    """A 处理方式 listed under a 形态 in workreport.toml moves there; the rest stay put."""
    moved = set()
    for form, measures in user.items():
        moved |= set(_str_list(measures, f"[forms] {form}", path))
    merged = {form: [m for m in measures if m not in moved] for form, measures in default.items()}
    for form, measures in user.items():
        merged.setdefault(form, []).extend(m.strip() for m in measures)
    return merged


def _build(data: dict, path: Path | None, warnings: tuple[Issue, ...]) -> Config:
    base = path.parent if path else Path.cwd()
    report = data.get("report", {})
    period = report.get("period")
    report_date = report.get("date")
    if isinstance(report_date, str):
        try:
            report_date = date.fromisoformat(report_date)
        except ValueError as e:
            raise ConfigError(f"[report] date 应为日期，如 2022-07-05：{report_date}", path) from e
    elif report_date is not None and not isinstance(report_date, date):
        raise ConfigError("[report] date 应为日期，如 2022-07-05", path)
    templates = report.get("templates")
    word_template = report.get("word_template")
    for key in ("title", "organisation", "level", "templates", "word_template", "preset"):
        if key in report and not isinstance(report[key], str):
            raise ConfigError(f"[report] {key} 应为文字（用引号括起来）", path)
    for key, value in data.get("style", {}).items():
        if not isinstance(value, str):
            raise ConfigError(f"[style] {key} 应为字体名（文字）", path)
    preset = str(report.get("preset", Config.preset)).strip()
    if preset not in PRESETS:
        raise ConfigError(
            f"[report] preset 应为 {'、'.join(PRESETS)} 之一，而不是「{preset}」", path
        )
    forms_count = str(report.get("forms_count", Config.forms_count)).strip()
    if forms_count not in FORMS_COUNTS:
        raise ConfigError(
            f"[report] forms_count 应为 {'、'.join(FORMS_COUNTS)} 之一，而不是「{forms_count}」",
            path,
        )
    for key in ("yoy", "charts", "pct_trailing_zero"):
        if key in report and not isinstance(report[key], bool):
            raise ConfigError(f"[report] {key} 应为 true 或 false（不加引号）", path)
    if period is not None and not isinstance(period, str | int):
        raise ConfigError('[report] period 应为文字，如 "2022H1"', path)

    forms: dict[str, str] = {}
    for form, measures in data.get("forms", {}).items():
        if form not in FORM_NAMES:
            raise ConfigError(f"[forms] 的键应为 {'、'.join(FORM_NAMES)}，而不是 {form}", path)
        for m in _str_list(measures, f"[forms] {form}", path):
            if m in forms and forms[m] != form:
                raise ConfigError(f"[forms] 处理方式「{m}」同时属于 {forms[m]} 和 {form}", path)
            forms[m] = form
    sanctions = data.get("sanctions", {})
    party = frozenset(_str_list(sanctions.get("party", []), "[sanctions] party", path))
    gov = frozenset(_str_list(sanctions.get("government", []), "[sanctions] government", path))
    for m in sorted(party | gov):
        if m not in forms:
            raise ConfigError(f"[sanctions] 中的「{m}」不在 [forms] 的任何形态里", path)
    activities = {}
    for name, unit in data.get("activities", {}).items():
        if not isinstance(unit, str) or not unit.strip():
            raise ConfigError(f'[activities] {name} 的计量单位应为文字，如 "次"', path)
        activities[str(name).strip()] = unit.strip()
    try:
        style = StyleConfig(
            **{
                k: str(v)
                for k, v in data.get("style", {}).items()
                if k in StyleConfig.__dataclass_fields__
            }
        )
    except TypeError as e:  # pragma: no cover - guarded by the key filter
        raise ConfigError(str(e), path) from e
    return Config(
        title=str(report.get("title", Config.title)),
        organisation=str(report.get("organisation", Config.organisation)),
        level_given=str(report["level"]).strip() or None if "level" in report else None,
        period=parse_period(str(period)) if period else None,
        report_date=report_date,
        templates=(base / templates).resolve() if templates else None,
        word_template=(base / word_template).resolve() if word_template else None,
        style=style,
        forms=forms,
        party_sanctions=party,
        gov_sanctions=gov,
        activities=activities,
        talk_types=_vocabulary(TALK_TYPES, data.get("talks", {}).get("add", [])),
        letter_types=_vocabulary(LETTER_TYPES, data.get("letters", {}).get("add", [])),
        preset=preset,
        forms_count=forms_count,
        yoy=report.get("yoy", Config.yoy),
        charts=report.get("charts", Config.charts),
        pct_trailing_zero=report.get("pct_trailing_zero"),
        partial_ok=frozenset(
            _str_list(data.get("figures", {}).get("partial_ok", []), "[figures] partial_ok", path)
        ),
        checks=_check_days(data.get("checks", {}), path),
        **_categories(data.get("categories", {}), path),
        special=tuple(
            dict.fromkeys(
                n.strip()
                for n in _str_list(
                    data.get("special", {}).get("names", []), "[special] names", path
                )
                if n.strip()
            )
        ),
        level_words={
            str(level): {str(k): str(v) for k, v in words.items()}
            for level, words in data.get("levels", {}).items()
        },
        sources=dict(data.get("sources", {})),
        source=path,
        warnings=warnings,
    )


def _source_keys(profiles: dict, path: Path | None) -> list[Issue]:
    """W285 for the keys of a source profile that mean nothing (a 「colums」 would leave
    the profile's columns unread); what the keys say is checked by sources.py."""
    warnings = []
    for name, profile in profiles.items():
        if not isinstance(profile, dict):
            continue  # sources.py says what a profile should be
        for key in profile:
            if key not in SOURCE_KEYS:
                warnings.append(
                    Issue("W285", f'[sources."{name}"] 中未知的键 {key}，已忽略', file=str(path))
                )
        blocks = profile.get("sheets")
        for n, block in enumerate(blocks if isinstance(blocks, list) else [], 1):
            for key in block if isinstance(block, dict) else ():
                if key not in SOURCE_SHEET_KEYS:
                    where = f'[[sources."{name}".sheets]] 第 {n} 块'
                    warnings.append(
                        Issue("W285", f"{where}中未知的键 {key}，已忽略", file=str(path))
                    )
    return warnings


FORM_NAMES = ("第一种形态", "第二种形态", "第三种形态", "第四种形态")
# 人次: one person in one matter (the 上级's bulletins); 处理: one per row (docs/figures.md)
FORMS_COUNTS = ("人次", "处理")


def _categories(section: dict, path: Path | None) -> dict[str, tuple[str, ...]]:
    """``[categories]``: the 问题类别 names, and those of them the 八项规定 figures add up."""
    names = tuple(
        dict.fromkeys(
            n.strip() for n in _str_list(section.get("names", []), "[categories] names", path)
        )
    )
    eight = tuple(_str_list(section.get("eight_rules", []), "[categories] eight_rules", path))
    for name in eight:
        if name not in names:
            raise ConfigError(f"[categories] eight_rules 中的「{name}」不在 names 中", path)
    return {"categories": names, "eight_rules": eight}


def _vocabulary(defaults: tuple[str, ...], added: list[str]) -> tuple[str, ...]:
    """The default words first (the default templates use them), then the project's own."""
    return tuple(dict.fromkeys([*defaults, *(a for a in added if a)]))


PLACEHOLDER_ORGANISATION = Config.organisation  # what init writes until the analyst says
# the organisation's placeholder as init writes it (xx市纪委监委; xx县纪委监委 under
# init --level 县) and as people write one (XX县纪委监委, 某某区纪委监委): docs/drafts.md
PLACEHOLDER_PATTERN = re.compile(
    r"(?:[xXｘＸ×]{2,}|某{2,})[省市州盟县区旗镇乡]?(?:纪委监委|纪委|监委)"
)


def is_placeholder(organisation: str) -> bool:
    """Whether the organisation is still a placeholder, not a real unit's name."""
    return PLACEHOLDER_PATTERN.fullmatch(organisation.strip()) is not None


def organisation_level(organisation: str) -> str | None:
    """The character before 纪委监委 (or 纪委, 监委): xx县纪委监委 → 县; None if none."""
    for suffix in ("纪委监委", "纪委", "监委"):
        at = organisation.find(suffix)
        if at >= 0:
            before = organisation[at - 1] if at > 0 else ""
            return before if before and not before.isspace() and not before.isascii() else None
    return None


def _check_days(value: dict, path: Path | None) -> dict[str, int]:
    """``[checks]``: each a whole number of days, 0 or more; unknown keys were warned of."""
    days = dict(CHECK_DAYS)
    for key in CHECK_DAYS:
        if key not in value:
            continue
        n = value[key]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ConfigError(
                f"[checks] {key} 应为不小于 0 的整数（天数），如 {CHECK_DAYS[key]}", path
            )
        days[key] = n
    return days


def _str_list(value, where: str, path: Path | None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where} 应为文字列表，如 ["批评教育", "诫勉"]', path)
    return [v.strip() for v in value]
