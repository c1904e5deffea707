"""Command line: the only module that imports click.

Each command parses options, calls one library function and prints the result.
pandas, openpyxl and python-docx are imported inside the commands so that
``workreport --help`` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, click_zh
from .errors import InvalidData, Terminated, WorkreportError, reason


class _Input(click_zh.ZhPath):
    """An input that exists (a missing path is a usage error, exit 2) and can be read:
    a pipe or a device given by mistake would block the reader (docs/rules.md, 命令行)."""

    def __init__(self, **kwargs):
        super().__init__(exists=True, path_type=Path, **kwargs)

    def convert(self, value, param, ctx):
        path = super().convert(value, param, ctx)
        if not (path.is_dir() or path.is_file()):
            self.fail(f"「{value}」不是普通文件（可能是管道或设备），无法读取。", param, ctx)
        return path


PATHS = click.argument("paths", nargs=-1, required=True, type=_Input(), cls=click_zh.ZhArgument)


def _columns(err: bool = False) -> int | None:
    """The terminal's width when the output goes to a terminal; None into a file or a pipe,
    where a table's rows stay whole (docs/rules.md, 命令行)."""
    stream = sys.stderr if err else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _period_option(f):
    return click.option(
        "--period",
        "-p",
        default=None,
        metavar="PERIOD",
        help="统计期间：2022-01-01..2022-06-30、2022、2022H1、2022Q3、2022Q1-Q3、2022-03、"
        "2022上半年、2022年一季度、2022年1-9月、2022年度（默认取 workreport.toml）。",
    )(f)


PRESET_HELP = (
    "自带的模板集：汇报（默认；有 [report] templates 时用项目自己的模板）"
    "或 通报（按中央纪委国家监委通报的口径和写法）。"
)


def _date_option(f):
    return click.option(
        "--date",
        "signed",
        default=None,
        metavar="YYYY-MM-DD",
        help="成文日期（落款），如 2022-07-05（默认取 workreport.toml，再默认为当天；"
        "refresh 默认沿用原稿的日期）。",
    )(f)


def _config_option(f):
    return click.option(
        "--config",
        "config_path",
        default=None,
        type=click_zh.ZhPath(path_type=Path, dir_okay=False),
        help="配置文件（默认：当前目录或第一个输入文件夹中的 workreport.toml）。",
    )(f)


def _format_option(*choices: str):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="输出格式。",
    )


def _output_option(help: str, required: bool = True):
    return click.option(
        "--output",
        "-o",
        required=required,
        type=click_zh.ZhPath(path_type=Path, dir_okay=False),
        help=help,
    )


def _quiet_option(f):
    return click.option("--quiet", "-q", is_flag=True, help="不显示进度和提示。")(f)


def _cache_option(f):
    return click.option(
        "--no-cache",
        is_flag=True,
        help="不使用已解析台账的缓存，每个工作簿都重新读取。",
    )(f)


class Progress:
    """A progress bar on stderr for many files; silent when stderr is not a terminal."""

    MIN_FILES = 6

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar = None

    def start(self, total: int) -> None:
        if self.enabled and total >= self.MIN_FILES:
            self.bar = click.progressbar(length=total, label="读取台账", file=sys.stderr)
            self.bar.__enter__()

    def advance(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _config(config_path: Path | None, paths=()):
    """The project's configuration: ``--config``, else found the way docs/rules.md says."""
    from .config import open_config

    return open_config(config_path, list(paths))


def _json(data) -> str:
    import json  # only for --format json: not worth its import in every command

    return json.dumps(data, ensure_ascii=False, indent=2)


def _echo_issues(issues, quiet: bool, what: str = "（不影响生成）") -> None:
    """Every warning a command's result lists, counted as listed: those at a place in a
    workbook (or the project file) as a table, the others one per line.  ``--quiet``
    keeps only those that change what a number means (errors.SHOWN_WHEN_QUIET)."""
    from .format import issue_line, issues_table

    shown = [i for i in issues if not quiet or i.shown_when_quiet]
    if not shown:
        return
    if not quiet:
        click.echo(f"提示：{len(shown)} 个警告{what}：", err=True)
    placed = [i for i in shown if i.file]
    if placed:
        click.echo(issues_table(placed, _columns(err=True)), err=True)
    for issue in shown:
        if not issue.file:
            click.echo(issue_line(issue), err=True)


class _Group(click_zh.ZhGroup):
    """Turns the library's errors into messages and exit codes, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InvalidData as e:
            from .format import issues_summary, issues_table

            click.echo(issues_table(e.issues, _columns(err=True)), err=True)
            click.echo(issues_summary(e.issues, e.files, e.rows), err=True)
            click.echo(f"错误：{e}", err=True)
            ctx.exit(1)
        except WorkreportError as e:
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(e.shown, err=True)
            ctx.exit(e.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Terminated:
            click.echo("已停止：收到终止信号，LibreOffice 已关闭，未生成 PDF。", err=True)
            ctx.exit(143)
        except OSError as e:  # the system refused (a permission, a full disk): say why in Chinese
            if (ctx.obj or {}).get("debug"):
                raise
            where = f"{e.filename}：" if e.filename else ""
            click.echo(f"错误：{where}{reason(e)}", err=True)
            ctx.exit(1)
        except Exception as e:  # a bug, not a user error: brief, --debug shows the trace
            if (ctx.obj or {}).get("debug"):
                raise
            # the exception's own text is English: its class name is enough for a report
            click.echo(
                f"程序内部错误（{type(e).__name__}）。请加 --debug 重新运行，并把输出反馈给开发者。",
                err=True,
            )
            ctx.exit(3)


def _echo_changes(result) -> None:
    """What a regeneration changed (docs/rules.md, 稿件的重新生成)."""
    from .format import figure_changes_table

    changed = result.changes()
    if changed is None:
        return  # the previous file was not a workreport draft: nothing to compare
    if not changed:
        click.echo("与上一稿相比，数字没有变化。")
        return
    click.echo(f"与上一稿（{result.backup.name}）相比，{len(changed)} 个数字有变化：")
    click.echo(figure_changes_table(changed, "上一稿", "本稿", _columns()))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    "--version",
    "-V",
    prog_name="workreport",
    # given here: Click words them when the command is declared, not when it runs
    message=click_zh.gettext("%(prog)s, version %(version)s"),
    help=click_zh.gettext("Show the version and exit."),
)
@click.option("--debug", is_flag=True, help="出错时显示 Python 调用栈（排查程序问题用）。")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """把各部门 Excel 台账生成《重点工作推进情况和下步工作打算》Word 汇报稿。

    \b
    例：
      workreport validate 收文/                 检查台账，列出全部问题
      workreport build sample_data -o 汇报.docx  生成汇报稿
      workreport stats sample_data --format json 查看全部指标
    """
    ctx.obj = {"debug": debug}


@cli.command()
@PATHS
@_output_option("输出的 .docx 文件。")
@_period_option
@_config_option
@_date_option
@click.option("--preset", type=click.Choice(["汇报", "通报"]), help=PRESET_HELP)
@click.option("--force", is_flag=True, help="覆盖手工改过的稿子（会先备份为 .v1.docx 等）。")
@click.option("--no-audit", is_flag=True, help="不写数据底稿（<稿名>.底稿.xlsx）。")
@click.option(
    "--word-template",
    default=None,
    type=click_zh.ZhPath(path_type=Path, dir_okay=False),
    help="按这个 Word 模板（.docx）生成，优先于 workreport.toml 中的设置。",
)
@_cache_option
@_quiet_option
def build(
    paths,
    output,
    period,
    config_path,
    signed,
    preset,
    force,
    no_audit,
    word_template,
    no_cache,
    quiet,
):
    """检查台账、计算指标，生成 Word 汇报稿。

    台账有错误时不生成，并列出全部问题。输出文件已被手工修改过时不覆盖。

    \b
    例：workreport build sample_data -o 工作推进情况汇报.docx
        workreport build 收文/ --period 2022H1 -o 汇报.docx
        workreport build 收文/ --period 2022Q3 --date 2022-10-10 -o 三季度汇报.docx
        workreport build 收文/ --word-template 模板.docx -o 汇报.docx
        workreport build 收文/ --period 2022H1 --preset 通报 -o 通报.docx
    """
    from .report import build_report

    result = build_report(
        paths,
        output,
        period=period,
        config=_config(config_path, paths),
        signed=signed,
        preset=preset,
        word_template=word_template,
        force=force,
        audit=not no_audit,
        cache=not no_cache,
        progress=Progress(quiet),
    )
    _echo_issues(result.issues, quiet)
    if result.backup:
        click.echo(f"原文件已备份为 {result.backup.name}", err=True)
        if not quiet:
            _echo_changes(result)
    where = result.config.source
    source = f"，配置 {where}" if where else "，未找到 workreport.toml，使用默认配置"
    if result.unchanged:
        click.echo(
            f"稿件已是最新，未改写 {result.output}，也没有新增备份"
            f"（统计期间 {result.stats.period}{source}）。"
        )
    else:
        click.echo(f"已生成 {result.output}（统计期间 {result.stats.period}{source}）")
    if result.audit:
        click.echo(f"数据底稿：{result.audit}")


@cli.command()
@click.argument("paths", nargs=-1, type=_Input(), cls=click_zh.ZhArgument)
@_period_option
@_config_option
@_format_option("table", "json", "csv")
@click.option(
    "--by", "by", type=click.Choice(["单位", "unit"]), default=None, help="按填报单位分列。"
)
@click.option(
    "--special",
    metavar="名称",
    default=None,
    help="只统计「专项」列为该名称的行（名称须在 [special] names 中）。",
)
@click.option(
    "--list",
    "list_ids",
    is_flag=True,
    help="列出全部指标的标识、名称、单位和口径（供编写模板用）。",
)
@_cache_option
@_quiet_option
def stats(paths, period, config_path, fmt, by, special, list_ids, no_cache, quiet):
    """计算并显示全部指标。

    \b
    例：workreport stats sample_data
        workreport stats sample_data --format json --by 单位
        workreport stats 收文 --special 群众身边不正之风和腐败问题集中整治
        workreport stats --list
    """
    if not paths and not list_ids:  # said before anything heavy is imported
        raise click.UsageError("请给出台账文件或文件夹，例如 workreport stats sample_data")
    from .figures import list_figures
    from .run import compute_stats
    from .stats_output import figures_listing, stats_csv, stats_table

    config = _config(config_path, paths)
    _echo_issues(config.warnings, quiet, what="")
    if list_ids:
        click.echo(figures_listing(list_figures(config), fmt, _columns()))
        return
    result = compute_stats(
        paths,
        period=period,
        config=config,
        by_unit=by is not None,
        special=special,
        cache=not no_cache,
        progress=Progress(quiet),
    )
    if fmt == "table":  # JSON and CSV are read by programs: there a partial unit is null
        _echo_issues(result.notices, quiet, what="")
    if fmt == "json":
        click.echo(_json(result.as_json()))
    elif fmt == "csv":
        from .console import for_stream

        click.echo(for_stream(stats_csv(result, config), sys.stdout), nl=False)
    else:
        click.echo(stats_table(result, config, _columns()))


@cli.command(name="validate")
@PATHS
@_period_option
@_config_option
@_format_option("table", "json")
@click.option("--strict", is_flag=True, help="把警告也当作错误。")
@click.option(
    "--annotate",
    "annotate_dir",
    default=None,
    type=click_zh.ZhPath(path_type=Path, file_okay=False),
    help="把有问题的工作簿标注后另存到此文件夹（不修改原文件）。",
)
@_cache_option
@_quiet_option
def validate_cmd(paths, period, config_path, fmt, strict, annotate_dir, no_cache, quiet):
    """检查台账，一次列出所有文件的全部问题。

    有错误时退出码为 1。每一行都会检查；统计期间只决定案管室交叉核对的基准日
    （期间的结束日；没有期间时取台账中最晚的日期），据此判断线索、案件是否超期。

    \b
    例：workreport validate 收文/
        workreport validate 收文/ --period 2022H1
        workreport validate 收文/ --annotate 退回/
    """
    from .format import issues_summary, issues_table
    from .run import validate_ledgers

    config = _config(config_path, paths)
    _echo_issues(config.warnings, quiet, what="")
    result = validate_ledgers(
        paths,
        config=config,
        period=period,
        cache=not no_cache,
        annotate=annotate_dir,
        progress=Progress(quiet),
    )
    issues = result.issues
    failing = issues if strict else result.errors
    if fmt == "json":
        out = {
            "files": result.files,
            "rows": result.rows,
            # the day the 案管室's checks counted to (docs/rules.md, 交叉核对)
            "reference": result.reference.isoformat() if result.reference else None,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "issues": [i.as_dict() for i in issues],
        }
        click.echo(_json(out))
    else:
        if issues:
            click.echo(issues_table(issues, _columns()))
        click.echo(issues_summary(issues, result.files, result.rows))
    if annotate_dir is not None and issues:
        click.echo(f"已在 {annotate_dir} 写出 {len(result.annotated)} 个标注副本。", err=True)
    if failing:
        sys.exit(1)


@cli.command(name="export")
@PATHS
@_output_option("输出的上报文件（.xlsx），如 甲县.上报.xlsx。")
@_period_option
@_config_option
@click.option("--force", is_flag=True, help="覆盖已有的文件（先备份）。")
@_cache_option
@_quiet_option
def export_cmd(paths, output, period, config_path, force, no_cache, quiet):
    """写出本单位的上报文件，供上级纪委监委汇总（全市 = 市本级 + 县区）。

    上报文件只有指标数字（总数和各填报单位的数），以及统计期间、单位和层级、口径版本、
    所用台账的校验值；没有人名、线索编号等个人信息。上级把它和本级的台账放在一起
    build、stats、validate、refresh、check 即可，文件名不限。请勿手工修改上报文件。

    \b
    例：workreport export 收文/ --period 2022H1 -o 甲县.上报.xlsx
    """
    from .run import export_figures

    result = export_figures(
        paths,
        output,
        period=period,
        config=_config(config_path, paths),
        force=force,
        cache=not no_cache,
        progress=Progress(quiet),
    )
    _echo_issues(result.issues, quiet)
    if result.backup:
        click.echo(f"原文件已备份为 {result.backup.name}", err=True)
    click.echo(f"已生成上报文件 {result.output}（统计期间 {result.stats.period}）")


@cli.command()
@_output_option("输出的 .xlsx 文件。")
@_config_option
@click.option("--force", is_flag=True, help="覆盖已有的文件（先备份）。")
def template(output, config_path, force):
    """写出空白台账模板（各张台账表、表头说明、下拉选项），发给各部门填报。

    已有同名文件时不覆盖（加 --force 则先备份再覆盖）。

    \b
    例：workreport template -o 台账模板.xlsx
    """
    from .ledger_template import write_ledger_template

    config = _config(config_path)
    _echo_issues(config.warnings, False, what="")
    result = write_ledger_template(output, config, force=force)
    if result.backup:
        click.echo(f"原文件已备份为 {result.backup.name}", err=True)
    click.echo(f"已生成 {result.output}")


@cli.command("word-template")
@_output_option("输出的 .docx 文件。")
@_config_option
@click.option("--force", is_flag=True, help="覆盖已有的文件（先备份）。")
@click.option(
    "--preset",
    type=click.Choice(["汇报", "通报"]),
    help="写出哪个模板集的 Word 模板（默认 汇报）。",
)
def word_template_command(output, config_path, force, preset):
    """写出默认的 Word 模板（模板.docx）：在 Word 或 WPS 中修改汇报稿或通报的文字。

    在 workreport.toml 的 [report] 中写 word_template = "模板.docx"（或 build 加
    --word-template）即按它生成；通报的 Word 模板用 build --preset 通报 --word-template
    指定。已有同名文件时不覆盖（加 --force 则先备份再覆盖）。

    \b
    例：workreport word-template -o 模板.docx
        workreport word-template --preset 通报 -o 通报模板.docx
    """
    from .project import write_word_template

    config = _config(config_path)
    _echo_issues(config.warnings, False, what="")
    result = write_word_template(output, config=config, force=force, preset=preset)
    if result.backup:
        click.echo(f"原文件已备份为 {result.backup.name}", err=True)
    click.echo(f"已生成 {result.output}")


@cli.command()
@click.argument("draft", type=_Input(dir_okay=False), cls=click_zh.ZhArgument)
@PATHS
@_period_option
@_config_option
@_output_option("写到另一个文件（默认覆盖原稿，并先备份为 .v1.docx 等）。", required=False)
@_date_option
@click.option("--no-audit", is_flag=True, help="不写数据底稿。")
@_cache_option
@_quiet_option
def refresh(draft, paths, period, config_path, output, signed, no_audit, no_cache, quiet):
    """更新手工改过的稿子里的数字，保留所有修改。

    只改动稿中带标记的数字（及附表），文字、格式、批注、修订和新加的段落都保持原样。
    原稿先备份为 汇报.v1.docx、v2 …。统计期间和成文日期默认沿用原稿的。

    \b
    例：workreport refresh 汇报.docx 收文/
    """
    from .errors import clip
    from .format import table
    from .refresh import refresh_draft

    result = refresh_draft(
        draft,
        paths,
        period=period,
        config=_config(config_path, paths),
        output=output,
        signed=signed,
        audit=not no_audit,
        cache=not no_cache,
        progress=Progress(quiet),
    )
    if result.changes:
        rows = [(clip(c.tag.id), c.label, clip(c.old), clip(c.new)) for c in result.changes]
        click.echo(table(("指标", "名称", "原数字", "新数字"), rows, max_width=_columns()))
    if result.cells:
        click.echo(f"附表 {len(result.cells)} 个单元格有变化：")
        rows = [
            (c.unit, c.column, clip(c.old or "（无此行）"), clip(c.new or "（无此行）"))
            for c in result.cells
        ]
        click.echo(table(("单位", "栏目", "原数字", "新数字"), rows, max_width=_columns()))
    for chart in result.charts:
        click.echo(f"图表「{chart.caption}」的数据已更新：")
        click.echo(table(("类别", "原数值", "新数值"), _chart_rows(chart), max_width=_columns()))
    if not result.changes and not result.cells and not result.charts:
        click.echo("数字没有变化。")
    _echo_issues(result.issues, quiet)
    if result.backup:
        click.echo(f"原稿已备份为 {result.backup.name}", err=True)
    if not result.rewritten:
        click.echo(f"稿件已是最新，未改写 {result.output}，也没有新增备份。")
        return
    click.echo(
        f"已更新 {result.output}（{len(result.changes)} 处数字变化，统计期间 {result.stats.period}）"
    )


def _chart_rows(chart) -> list[tuple[str, str, str]]:
    """A chart's changed categories, a value it lacks shown as —."""
    from .diff import ChartDiff

    rows = ChartDiff(chart.name, chart.caption, chart.old, chart.new).rows()
    return [(c, "—" if a is None else str(a), "—" if b is None else str(b)) for c, a, b in rows]


@cli.command(name="map", short_help="为格式不同的工作簿（部门自己的台账、平台导出）建议来源配置。")
@click.argument("file", type=_Input(dir_okay=False), cls=click_zh.ZhArgument)
@_output_option("把建议的配置写到此文件（默认显示在屏幕上）。", required=False)
@click.option("--name", default=None, help="配置的名称（默认取文件名）。")
@_config_option
@click.option("--force", is_flag=True, help="覆盖已有的文件（先备份）。")
def map_cmd(file, output, name, config_path, force):
    """为格式不同的工作簿（部门自己的台账、平台导出）建议一段来源配置 [sources."名称"]。

    每张工作表对应哪张台账，每列对应哪个台账列，以及取值对照（如 函询 → 谈话函询）；\
    每项都注明置信度和依据，未能对应的列在最后列出；不显示人名。核对后并入 workreport.toml。

    \b
    例：workreport map 第一室平台导出.xlsx
        workreport map 第一室平台导出.xlsx -o 平台导出.toml
    """
    from .mapping import propose_profile, write_proposal

    config = _config(config_path, [file])
    _echo_issues(config.warnings, False, what="")
    proposal = propose_profile(file, config=config, name=name)
    _echo_issues(proposal.unplaced, False, what="（未能对应，请核对）")
    if output is None:
        click.echo(proposal.toml, nl=False)
        return
    written = write_proposal(proposal, output, force=force)
    if written.backup:
        click.echo(f"原文件已备份为 {written.backup.name}", err=True)
    click.echo(f"已写出 {written.output}")


class _AgainstCommand(click_zh.ZhCommand):
    """``reconcile PATHS… --against PATHS…``: every path after ``--against``, up to the
    next option, is of the other set (an option takes one value in Click)."""

    def parse_args(self, ctx, args):
        if "--against" in args:
            at = args.index("--against")
            rest = args[at + 1 :]
            n = next((i for i, a in enumerate(rest) if a.startswith("-")), len(rest))
            others = [x for a in rest[:n] for x in ("--against", a)] or ["--against"]
            args = args[:at] + others + rest[n:]
        return super().parse_args(ctx, args)


@cli.command(cls=_AgainstCommand, short_help="核对两组数据（如各部门台账与平台导出）的指标和线索。")
@PATHS
@click.option(
    "--against",
    "against",
    multiple=True,
    required=True,
    type=_Input(),
    metavar="PATHS…",
    help="对照的另一组输入（如平台导出的文件或文件夹），可以给多个。",
)
@_period_option
@_config_option
@_format_option("table", "json", "csv")
@_cache_option
@_quiet_option
def reconcile(paths, against, period, config_path, fmt, no_cache, quiet):
    """核对两组数据（如各部门台账与平台导出）的指标和线索。

    并排列出各单位的受理、处置、立案、结案、处分人数和四种形态人次，只在一方的线索，\
    以及日期或处置、处理结果不同的线索。

    不一致时退出码为 1，一致时为 0。不显示任何人名。

    \b
    例：workreport reconcile 收文/ --against 平台导出/ --period 2022H1
        workreport reconcile 收文/ --against 平台导出.xlsx --format csv > 核对.csv
    """
    from .reconcile import reconcile_inputs

    config = _config(config_path, paths)
    _echo_issues(config.warnings, quiet, what="")
    result = reconcile_inputs(paths, against, period=period, config=config, cache=not no_cache)
    if fmt == "json":
        click.echo(_json(result.as_json()))
    elif fmt == "csv":
        from .console import for_stream

        click.echo(for_stream(result.as_csv(), sys.stdout), nl=False)
    else:
        click.echo(result.as_table(_columns()))
    if not result.agrees:
        sys.exit(1)


@cli.command()
@click.argument("a", type=_Input(dir_okay=False), cls=click_zh.ZhArgument)
@click.argument("b", type=_Input(dir_okay=False), cls=click_zh.ZhArgument)
@_config_option
@_format_option("table", "json")
@click.option("--text", "with_text", is_flag=True, help="同时列出增加、删除和改动的段落。")
def diff(a, b, config_path, fmt, with_text):
    """比较两份稿件：稿中显示的数字哪些不同、哪些是手工输入的、哪些台账文件变了。

    按两份稿件实际显示的文字比较；稿中数字与稿件记录的数值不符的，标为手工输入。
    不需要台账本身。加 --text 还列出段落的增删改。

    \b
    例：workreport diff 汇报.v1.docx 汇报.docx
        workreport diff 汇报.v1.docx 汇报.docx --text --format json
    """
    from .diff import diff_drafts
    from .errors import clip
    from .format import figure_changes_table, table, text_change_lines

    config = _config(config_path)
    _echo_issues(config.warnings, False, what="")
    result = diff_drafts(a, b, config=config, text=with_text)
    _echo_issues(result.issues, False, what="")
    if fmt == "json":
        click.echo(_json(result.as_json()))
        return
    if result.periods:
        click.echo(f"统计期间不同：{result.periods[0]} → {result.periods[1]}")
    first, second = result.names  # 一稿/汇报.docx, 二稿/汇报.docx when the names are the same
    if result.figures:
        click.echo(figure_changes_table(result.figures, first, second, _columns()))
    else:
        click.echo("两份稿件显示的数字相同。")
    if result.typed:
        click.echo(f"以下 {len(result.typed)} 个数字是手工输入的（与稿件记录的数值不符）：")
        names = {"a": first, "b": second}
        rows = [
            (names[t.draft], t.id, t.label, clip(t.shown), clip(t.expected)) for t in result.typed
        ]
        header = ("稿件", "指标", "名称", "稿中显示", "记录的数值")
        click.echo(table(header, rows, max_width=_columns()))
    for chart in result.charts:
        click.echo(f"图表「{chart.caption}」的数据不同：")
        header = ("类别", first, second)
        click.echo(table(header, _chart_rows(chart), max_width=_columns()))
    for name, old, new in result.inputs:
        state = "新增" if old is None else "移除" if new is None else "内容有变化"
        click.echo(f"台账 {name}：{state}")
    if result.text is not None:
        if not result.text:
            click.echo("两份稿件的段落相同。")
        else:
            click.echo(f"段落的增删改（{first} → {second}）：")
            click.echo("\n".join(text_change_lines(result.text, _columns())))


@cli.command()
@click.argument("draft", type=_Input(dir_okay=False), cls=click_zh.ZhArgument)
@click.argument("paths", nargs=-1, type=_Input(), cls=click_zh.ZhArgument)
@_period_option
@_config_option
@_format_option("table", "json")
@_quiet_option
def check(draft, paths, period, config_path, fmt, quiet):
    """送领导或报送前检查稿件：必须修改的问题（退出码 1）和值得一看的地方。

    必须修改：【待补充】占位、修订、批注、身份证号码、手机号码、台账里的人名
    （给出台账时检查；人名不显示，只报位置和来自台账的哪一行）。
    值得一看：正文中的 0、与台账不符的手工数字、台账中案管室交叉核对的警告（给出台账时）。

    \b
    例：workreport check 汇报.docx 收文/
        workreport check 汇报.docx
    """
    from .check import check_draft
    from .errors import clip
    from .format import table

    # the ledgers' names are read in clear, never through the cache (check.py)
    config = _config(config_path, paths) if paths else None
    result = check_draft(draft, paths, period=period, config=config, progress=Progress(quiet))
    _echo_issues(result.issues, quiet, what="")
    if fmt == "json":
        click.echo(_json(result.as_json()))
    else:
        for title, findings in (("必须修改", result.must_fix), ("值得一看", result.warnings)):
            if findings:
                click.echo(f"{title}（{len(findings)} 处）：")
                rows = [(f.code, f.place, clip(f.message, 200), f.source) for f in findings]
                header = ("代码", "位置", "问题", "来自台账")
                click.echo(table(header, rows, max_width=_columns()))
        if not result.names_checked:
            click.echo("人名检查未运行：没有给出台账（workreport check 稿件.docx 收文/）。")
        if not result.findings:
            click.echo("没有发现问题。")
        elif not result.must_fix:
            click.echo("没有必须修改的问题。")
    if result.must_fix:
        sys.exit(1)


@cli.command()
@click.argument("draft", type=_Input(dir_okay=False), cls=click_zh.ZhArgument)
@_output_option("报送稿（.docx）。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转出 PDF（同名 .pdf）。")
@click.option("--force", is_flag=True, help="有必须修改的问题时也生成（列出这些问题）。")
@click.option(
    "--overwrite", is_flag=True, help="报送稿（或 PDF）已存在时替换它（先备份为 .v1.docx 等）。"
)
def final(draft, output, pdf, force, overwrite):
    """生成报送稿：去掉本工具的标记、指纹和台账信息，其余原样不动。

    数字标记变为普通文字，文档属性中本工具记录的指标、台账指纹全部删除；
    稿件本身不改动。workreport check 发现必须修改的问题时不生成（--force 仍然生成）。
    报送稿或 PDF 已存在时不覆盖（可能已手工改过）；--overwrite 先备份再替换。

    \b
    例：workreport final 汇报.docx -o 报送稿.docx
        workreport final 汇报.docx -o 报送稿.docx --pdf
    """
    from .errors import clip
    from .final import final_copy

    result = final_copy(draft, output, pdf=pdf, force=force, overwrite=overwrite)
    for backup in result.backups:
        click.echo(f"原文件已备份为 {backup.name}", err=True)
    for f in result.forced:
        click.echo(
            f"警告：{f.code} {f.place}：{clip(f.message, 200)}（--force，仍然生成）", err=True
        )
    click.echo(f"已生成报送稿 {result.output}")
    if result.pdf:
        click.echo(f"已生成 PDF：{result.pdf}")
    elif pdf:
        click.echo(f"错误：{result.pdf_missing}", err=True)
        sys.exit(1)


@cli.command("cache")
@click.argument("paths", nargs=-1, type=_Input(), cls=click_zh.ZhArgument)
@_config_option
@click.option("--clear", is_flag=True, help="删除缓存。")
def cache_cmd(paths, config_path, clear):
    """显示或删除已解析台账的缓存。

    缓存放在配置文件所在的文件夹（没有配置文件时放在第一个台账文件夹），
    台账未改动时再次运行可跳过解析；缓存中的人名只以加密散列保存。

    \b
    例：workreport cache 收文/
        workreport cache 收文/ --clear
    """
    from .cache import cache_status

    config = _config(config_path, paths)
    _echo_issues(config.warnings, False, what="")
    result = cache_status(paths, config=config, clear=clear)
    if result.cleared is not None:
        click.echo(f"已删除缓存 {result.folder}（{result.cleared} 个工作簿）")
        return
    click.echo(f"缓存 {result.folder}：{result.entries} 个工作簿，{result.size / 1e6:.1f} MB")


@cli.command()
@click.argument(
    "directory", type=click_zh.ZhPath(path_type=Path, file_okay=False), cls=click_zh.ZhArgument
)
@click.option(
    "--update-templates",
    is_flag=True,
    help="把已有项目的模板换成本版本的默认模板（原模板先备份到 templates/旧版模板/）。",
)
@click.option(
    "--level",
    default=None,
    help="单位的层级（市、县、区…），写入 workreport.toml；县区的项目用 export 向市里报送。",
)
def init(directory, update_templates, level):
    """新建一个汇报项目：配置文件、Word 模板（模板.docx）、文本模板、空白台账模板和收文文件夹。

    文件夹名中有统计期间和单位名称时（如「xx县纪委监委2022年一季度」）直接写入配置。
    之后在该文件夹中运行命令会自动读取其中的 workreport.toml。

    \b
    例：workreport init 2022上半年汇报
        cd 2022上半年汇报 && workreport build 收文 -o 汇报.docx
        workreport init 2022上半年汇报 --update-templates
        workreport init 甲县2022上半年 --level 县
    """
    from .project import init_project
    from .project import update_templates as update

    if update_templates:
        done = update(directory)
        for path, kept in done:
            click.echo(f"  {path}" + (f"（原模板备份为 {kept}）" if kept else ""))
        click.echo(f"已更新 {len(done)} 个模板。" if done else "模板已是最新，未做修改。")
        return
    if level is not None and not level.strip():
        raise click.BadParameter("层级不能为空，如 --level 县", param_hint="--level")
    written = init_project(directory, level=level.strip() if level else None)
    for path in written:
        click.echo(f"  {path}")
    click.echo(
        f"已创建项目 {directory}。把各部门台账放进 {directory / '收文'} 后运行 workreport build。"
    )


def main() -> None:
    from .console import setup

    setup()
    try:
        cli(prog_name="workreport")
    except SystemExit as e:
        _exit_now(e.code)
        raise


def _exit_now(code) -> None:
    """End the process here, once the command is done and said so: CPython's own exit
    frees every object of pandas, numpy and lxml one module at a time, ≈ 0.1 s of a
    0.8 s build, work the system does at once (benchmarks/README.md, 启动).  Returns,
    for the ordinary exit, when anything could still be lost: output that cannot be
    flushed, a thread or a worker process still running, an unusual exit code, or a
    profiler or debugger that writes its report when Python exits."""
    import atexit
    import os
    import threading

    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if code is None:
        code = 0
    if not isinstance(code, int) or run_exit_functions is None or threading.active_count() > 1:
        return
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return
    if "multiprocessing" in sys.modules and sys.modules["multiprocessing"].active_children():
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: started without the stream (pythonw, closed fd)
                stream.flush()
        except (AttributeError, OSError, ValueError):  # a closed pipe: said as before
            return
    run_exit_functions()  # logging's and multiprocessing's, as the ordinary exit would
    os._exit(code)
