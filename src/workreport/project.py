"""``workreport init``: scaffold a reporting project an analyst can work in."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date
from pathlib import Path

from .config import (
    CACHE_FOLDER,
    CONFIG_NAME,
    DEFAULT_PRESET,
    PLACEHOLDER_ORGANISATION,
    PRESETS,
    Config,
    packaged_templates,
)
from .errors import OutputError, Refused, UsageError, reason
from .period import Period, find_period, parse_period
from .write import Written, ensure_not_open, refuse_existing, write_atomic

INBOX = "收文"
LEDGER_TEMPLATE = "台账模板.xlsx"
TEMPLATES = "templates"
WORD_TEMPLATE = "模板.docx"
OLD_TEMPLATES = "旧版模板"  # where --update-templates keeps the project's copies
# The default templates of the first release, unchanged: a project still using one says
# 今年以来 for every period and states zeros (docs/templates.md, 旧版模板).
FIRST_RELEASE_TEMPLATES = {
    "ed38fcd7b1c8778ff2a9877f35a04e028cc076f280056d7c0e8695977c09bb57",
    "3e123e1517b12fa58a66b1be5df2c23b2f54195e3e63921f6a3261f9d06ebcfc",
    "0f3915f095c2849a049806ddd6348782e9775f025455aa739b93444352b459cb",
    "e3745c9cf0b43c39be871e8d268b7a31e9bd1f75f42379b4233894b95552323f",
}
# the second release's default set: the seed's own text, true for its unit only (docs/templates.md)
SECOND_RELEASE_TEMPLATES = {
    "e2e3ec46d7c58cd90f09a524e5aba9a73ad1b5995d7c803f1ba4452063ec6edb",
    "a13f41522a2ae01ea746e7fe079f8e2c5d079f8f2fa08989f8fd58bcf3c8bcda",
    "8acf6eb1b22a8bd6491cb26be87015fa13cd0c4563760119b8d31ce4965f529a",
    "3c34709ab524ad0be53f5131f69d422c81d9163372fd33d4fcc4a859a97f3e8a",
}
# the third release's 02_progress.j2: true for any unit, without the optional ledgers'
# sentences (信访举报, 八项规定, 问责: docs/templates.md, 默认模板)
THIRD_RELEASE_TEMPLATES = {"0e9c8133ea4f3346045aadb74545be9b85d5f1667c6c84c682f9340a3913ef1c"}
_ORGANISATION = re.compile(r"[^\s\d_\-—（）()]+?纪委监委")


def from_folder_name(name: str) -> tuple[Period | None, str | None]:
    """The period and the organisation a project folder's name speaks of:
    「2022上半年汇报」 → 2022H1; 「xx县纪委监委2022年一季度」 → both."""
    m = _ORGANISATION.search(name)
    return find_period(name), m[0] if m else None


def config_text(
    period: Period | None, organisation: str | None, today: date, level: str | None = None
) -> str:
    """A commented workreport.toml; what the folder's name did not say stays a placeholder
    that ``build`` names in a warning (or, for the period, asks for); ``level``: ``init
    --level`` (a 县's project exports its figures to the city: docs/rules.md, 上报文件)."""
    if period is not None:
        period_line = f'period = "{_period_text(period)}"'
        period_note = f"# 统计期间（{period.label}）：2022H1、2022Q3、2022、2022-01-01..2022-06-30"
    else:
        period_line = '# period = "2022H1"'
        period_note = (
            "# 统计期间：请填写后去掉行首的 #，如 2022H1、2022Q3、2022、2022-01-01..2022-06-30"
        )
    if organisation is not None:
        org_line = f'organisation = "{organisation}"'
        org_note = "# 单位名称：正文和落款使用"
    else:
        # under init --level 县 the placeholder is a 县's, true to the level it states
        placeholder = f"xx{level}纪委监委" if level else PLACEHOLDER_ORGANISATION
        org_line = f'organisation = "{placeholder}"'
        org_note = "# 单位名称：请改为实际名称（正文和落款使用；生成时仍是占位名称会有提示）"
    return f"""\
# workreport 项目配置。在本文件夹中运行命令时自动读取；命令行选项优先于本文件。
# 例：workreport build {INBOX} -o 汇报.docx

[report]
title = "重点工作推进情况和下步工作打算"   # 汇报稿标题
{org_note}
{org_line}
# 级别：默认取单位名称中“纪委监委”前的一个字（市、县、区…），模板据此写“全市”“县直部门”等
{f'level = "{level}"' if level else '# level = "市"'}
{period_note}
{period_line}
# 成文日期（落款）；不写时为生成当天，也可用 --date 指定
# date = {today.isoformat()}
word_template = "{WORD_TEMPLATE}"               # 汇报稿的 Word 模板：在 Word 或 WPS 中修改文字
# 用文本模板（.j2）时，删掉上一行，去掉下一行行首的 #（两者都写时按 Word 模板生成）
# templates = "{TEMPLATES}"
# 模板集：写 preset = "通报" 时按中央纪委国家监委通报的写法生成（用自带的通报模板，
# 不用上面的模板），也可在命令行用 --preset 通报
# preset = "通报"
# 通报默认不写同比、百分比去掉末尾的 .0（66%）、画两张图表；需要时去掉行首的 # 修改
# yoy = true
# pct_trailing_zero = true
# charts = false

[style]
# 公文字体（GB/T 9704-2012）。打开稿件的电脑上没有这些字体时，可改为已安装的字体名，
# 如 仿宋、楷体、宋体。
title_font = "方正小标宋简体"
body_font = "仿宋_GB2312"
heading1_font = "黑体"
heading2_font = "楷体_GB2312"
heading3_font = "仿宋_GB2312"
latin_font = "Times New Roman"
page_number_font = "宋体"

# 监督活动的活动类型及计量单位：这里写的会加入默认词表（或修改其计量单位），
# 默认词表见 workreport stats --list 中以 activities. 开头的各项。
# [activities]
# "廉政教育基地参观" = "次"

# 处理方式 → 四种形态：把某种处理方式写在另一种形态下，它就改归该形态，其余不变。
# [forms]
# "第三种形态" = ["降职"]

# 谈话类型、文书类型：这里写的会加入默认词表（默认的几种保留）。
# [talks]
# add = ["集体廉政谈话"]
# [letters]
# add = ["监察建议书"]

# 案管室交叉核对的期限（天）：基准日（统计期间的结束日）时超过即警告（W242–W244）。
# [checks]
# undisposed_days = 30   # 受理后仍未填写处置方式
# pending_days = 180     # 暂存待查
# open_case_days = 365   # 立案后仍未结案

# 问题线索「问题类别」列可选的类别，默认十类（违反中央八项规定精神、形式主义官僚主义……其他）；
# eight_rules 是八项规定的数字按哪些类别合计。
# [categories]
# names = ["违反中央八项规定精神", "形式主义官僚主义", "违反廉洁纪律", "其他"]
# eight_rules = ["违反中央八项规定精神", "形式主义官僚主义"]

# 专项：各台账的「专项」列可填的名称（默认没有）。workreport stats 收文 --special 名称
# 只统计该专项的行；模板中 special["名称"].cases_filed 是该专项的立案数。
# [special]
# names = ["群众身边不正之风和腐败问题集中整治"]
"""


def _period_text(period: Period) -> str:
    """The shortest form that names the period (2022H1), else its dates."""
    y = period.end.year
    forms = (f"{y}", f"{y}H1", f"{y}H2", *(f"{y}Q{q}" for q in range(1, 5)), f"{y}Q1-Q3")
    for text in (*forms, f"{y}-{period.start.month:02d}"):
        if parse_period(text) == period:
            return text
    return str(period)


OLD_RELEASE_TEMPLATES = FIRST_RELEASE_TEMPLATES | SECOND_RELEASE_TEMPLATES | THIRD_RELEASE_TEMPLATES


def outdated_templates(folder: Path) -> list[Path]:
    """The project's copies of default templates made by an older version: unchanged
    files of an earlier release, or edited ones that still open with a literal 今年以来."""
    from .render.sections import SECTION_GLOB

    old = []
    for path in sorted(folder.glob(SECTION_GLOB)) if folder.is_dir() else []:
        try:
            data = path.read_bytes().replace(b"\r\n", b"\n")
        except OSError:
            continue
        text = data.decode("utf-8-sig", errors="replace")
        if hashlib.sha256(data).hexdigest() in OLD_RELEASE_TEMPLATES or (
            "今年以来" in text and "{% clause" not in text and "period." not in text
        ):
            old.append(path)
    return old


def update_templates(
    folder: str | Path, templates: Path | None = None
) -> list[tuple[Path, Path | None]]:
    """``init --update-templates``: the project's templates replaced by today's defaults,
    each changed file first copied to 旧版模板/ (numbered when one is there already).
    Returns (template, its old copy or None) for each file changed."""

    folder, templates = Path(folder), templates or packaged_templates()
    if not (folder / CONFIG_NAME).is_file():
        raise UsageError(f"{folder} 不是 workreport 项目（没有 {CONFIG_NAME}），未做任何修改。")
    own = folder / TEMPLATES
    done: list[tuple[Path, Path | None]] = []
    try:
        own.mkdir(exist_ok=True)
        for source in sorted(templates.glob("*.j2")):
            dest, fresh = own / source.name, source.read_bytes()
            if dest.exists() and dest.read_bytes() == fresh:
                continue
            kept = None
            if dest.exists():
                kept = _free_name(own / OLD_TEMPLATES / source.name)
                kept.parent.mkdir(exist_ok=True)
                write_atomic(kept, dest.read_bytes())
            write_atomic(dest, fresh)
            done.append((dest, kept))
    except OSError as e:
        raise OutputError(f"无法更新 {own} 中的模板：{reason(e)}") from e
    return done


def _free_name(path: Path) -> Path:
    n, candidate = 1, path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.v{n}{path.suffix}")
        n += 1
    return candidate


def init_project(
    folder: str | Path,
    *,
    templates: Path | None = None,
    today: date | None = None,
    level: str | None = None,
) -> list[Path]:
    """``init``: write the project skeleton into ``folder`` (workreport.toml, the
    templates, 模板.docx, a blank ledger workbook, 收文/); never overwrites an existing
    file.  Returns what was written."""
    from .config import load_config
    from .ledger_template import write_ledger_template

    # a new project starts from the packaged defaults, whatever project is around it
    folder, config = Path(folder), load_config(None)
    templates = templates or packaged_templates()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"无法创建文件夹 {folder}：{reason(e)}") from e
    target = folder / CONFIG_NAME
    if target.exists():
        raise Refused(f"{target} 已存在：这里已经是一个 workreport 项目，未做任何修改。")
    written: list[Path] = []
    own = folder / TEMPLATES
    try:
        (folder / INBOX).mkdir(exist_ok=True)
        written.append(folder / INBOX)
        own.mkdir(exist_ok=True)
        for source in sorted(templates.glob("*.j2")):
            dest = own / source.name
            if not dest.exists():
                shutil.copyfile(source, dest)
                written.append(dest)
    except OSError as e:
        raise OutputError(f"无法在 {folder} 中写入：{reason(e)}") from e
    word = folder / WORD_TEMPLATE
    if not word.exists():
        from .render.word_template import default_word_template

        write_atomic(word, default_word_template(templates, config.style))
        written.append(word)
    ledger = folder / LEDGER_TEMPLATE
    if not ledger.exists():
        write_ledger_template(ledger, config)
        written.append(ledger)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        # the parsed-workbook cache is the analyst's own, never shared (cache.py)
        write_atomic(ignore, f"{CACHE_FOLDER}/\n".encode())
        written.append(ignore)
    period, organisation = from_folder_name(folder.resolve().name)
    text = config_text(period, organisation, today or date.today(), level)
    write_atomic(target, text.encode("utf-8"))
    written.append(target)
    return written


def write_word_template(
    output: str | Path,
    *,
    config: Config | str | Path | None = None,
    force: bool = False,
    preset: str | None = None,
) -> Written:
    """``word-template``: the default 模板.docx in the project's fonts (docs/templates.md,
    Word 模板), of the 汇报 or (``preset="通报"``) of the 通报; an existing file is
    replaced only with ``force``, after a backup."""
    from .config import open_config
    from .render.word_template import default_word_template

    output, config = Path(output), open_config(config)
    if output.suffix.lower() != ".docx":
        raise UsageError(f"Word 模板应以 .docx 结尾：{output}")
    ensure_not_open(output)
    backup = refuse_existing(output, force=force, what="可能是改过的模板")
    # the packaged templates, not a project's own: this is the default 模板.docx
    preset = preset or DEFAULT_PRESET
    if preset not in PRESETS:
        raise UsageError(f"模板集应为 {'、'.join(PRESETS)} 之一，而不是「{preset}」")
    templates = packaged_templates(preset)
    write_atomic(output, default_word_template(templates, config.style, preset))
    return Written(output, backup)
