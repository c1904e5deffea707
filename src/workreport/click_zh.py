"""Click's own words in Chinese: usage errors, ``--help`` boilerplate, the version line.

Click marks every message it prints with ``gettext`` (``from gettext import gettext
as _`` in each of its modules).  :func:`installed` rebinds that ``_`` (and
``ngettext``) in click's modules only, to a lookup in :data:`MESSAGES`, while our
command runs (:meth:`ZhGroup.main`), so the clerk reads Chinese (docs/rules.md, 命令行)
and nothing else in the process changes its gettext domain, not even on import.  A message Click adds in a later version and missing here stays
English; ``tests/test_voice.py`` runs every command's usage errors and fails on it.

:class:`ZhHelpFormatter` lays the help out with Chinese characters counted two columns
wide.  With ``cli.py``, the only module that imports click; it imports nothing heavy, for
``workreport --help`` answers at once.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager

import click
from click.formatting import HelpFormatter

from .format import width, wrap

# msgid (exactly as in click's source) → Chinese.  Placeholders keep their names;
# ``!r`` is dropped where a quoted English repr would read oddly, and 「」 quote instead.
MESSAGES: dict[str, str] = {
    # formatting.py / core.py: help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    # exceptions.py: how a usage error is shown
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 {command} {option} 查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令 {name}。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Could not open file {filename!r}: {message}": "无法打开文件「{filename}」：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中止。",
    # parser.py
    "Option {name!r} does not take a value.": "选项 {name} 不接受取值。",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的首字符无效（{option}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Value must be an iterable.": "取值应为多个值。",
    # types.py: values that do not fit
    "{value!r} is not {choice}.": "「{value}」不是 {choice}。",
    "{value!r} is not one of {choices}.": "「{value}」不是可选值，可选：{choices}。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "「{value}」不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "「{value}」不是是/否值。可用：{states}"
    ),
    "{value!r} does not match the format {format}.": "「{value}」不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "「{value}」不符合格式 {formats}。",
    "{value!r} is not a valid UUID.": "「{value}」不是有效的标识。",
    "{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，给了 {len_value} 个。"
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "需要 {len_type} 个值，给了 {len_value} 个。"
    ),
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}「{filename}」不存在。",
    "{name} {filename!r} is a file.": "{name}「{filename}」是文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "{name}「{filename}」是文件夹，应为文件。",
    "{name} {filename!r} is not readable.": "{name}「{filename}」没有读取权限。",
    "{name} {filename!r} is not writable.": "{name}「{filename}」没有写入权限。",
    "{name} {filename!r} is not executable.": "{name}「{filename}」不可执行。",
    # termui.py, decorators.py: prompts (not used by workreport today, but Click's)
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不提示，直接确认。",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    # shell_completion.py
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Bash 4.4 以下的版本不支持命令补全。"
    ),
    "Couldn't detect Bash version, shell completion is not supported.": (
        "无法确定 Bash 版本，不支持命令补全。"
    ),
}

_CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "shell_completion",
    "termui",
    "types",
    "utils",
)


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    # Chinese has one form; the table holds both msgids all the same
    return gettext(singular if n == 1 else plural)


@contextmanager
def installed():
    """Click's modules translate through :data:`MESSAGES` while our command runs, and as
    they did before once it returns: importing workreport, or running it inside another
    program's process, leaves that program's Click as it was."""
    saved = []
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}") or importlib.import_module(f"click.{name}")
        for attr, ours in (("_", gettext), ("ngettext", ngettext)):
            if hasattr(module, attr):
                saved.append((module, attr, getattr(module, attr)))
                setattr(module, attr, ours)
    try:
        yield
    finally:
        for module, attr, theirs in reversed(saved):
            setattr(module, attr, theirs)


class ZhHelpFormatter(HelpFormatter):
    """Click's help layout, measured in terminal columns (a Chinese character is two).

    Click measures text in characters, so a Chinese option help of 40 characters,
    80 columns, ran past an 80-column terminal.
    """

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max)
        first_col += col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second.replace("\n", " "), max(self.width - first_col - 2, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{indent}{'':>{first_col}}{line}\n")


class ZhContext(click.Context):
    formatter_class = ZhHelpFormatter


# the usage line in Chinese too: «用法：workreport build [选项] 路径...»
OPTIONS_METAVAR = "[选项]"
ARGUMENT_NAMES = {
    "PATHS": "路径",
    "DRAFT": "稿件",
    "A": "稿件A",
    "B": "稿件B",
    "DIRECTORY": "文件夹",
}


class ZhPath(click.Path):
    """click.Path, named in Chinese (文件, 文件夹, 路径) in its messages: Click names it
    when the command is declared, before :func:`installed` runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = gettext(self.name)


class ZhArgument(click.Argument):
    """An argument whose metavar is Chinese (路径..., [路径]...), brackets and dots Click's."""

    def make_metavar(self, *args, **kwargs) -> str:
        text = super().make_metavar(*args, **kwargs)
        name = (self.name or "").upper()
        return text.replace(name, ARGUMENT_NAMES.get(name, name), 1) if name else text


class ZhCommand(click.Command):
    context_class = ZhContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class ZhGroup(click.Group):
    context_class = ZhContext
    command_class = ZhCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):
        with installed():  # the usage errors Click raises before invoke are in Chinese too
            return super().main(*args, **kwargs)
