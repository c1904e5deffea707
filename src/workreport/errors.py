"""Exceptions and the Issue record every data problem is reported as.

Every user-facing failure derives from :class:`WorkreportError`; the CLI turns
them into messages and exit codes in one place.  Data problems are never raised
one at a time: they are collected as :class:`Issue` records and raised together
in an :class:`InvalidData`.
"""

from __future__ import annotations

import errno
import re
from dataclasses import asdict, dataclass
from pathlib import Path

ERROR = "错误"
WARNING = "警告"

# Stable codes (README «错误代码»).  E = error, W = warning.
CODES: dict[str, str] = {
    "E001": "文件无法读取（损坏、截断或不是表格文件）",
    "E002": "文件已加密，需提供未加密的副本",
    "E003": "文件可能是恶意构造的（压缩炸弹、含 DTD/实体声明的 XML、超长标签），已拒绝",
    "E004": "未找到任何台账工作簿",
    "E005": "工作簿中没有任何台账工作表",
    "E006": "公式单元格没有缓存值",
    "E007": "表格超出行列上限",
    "E101": "缺少必填列",
    "E102": "必填单元格为空",
    "E103": "日期无法识别",
    "E104": "取值不在可选范围内",
    "E105": "是/否无法识别",
    "E106": "数字无法识别或超出范围",
    "E107": "线索编号重复",
    "E108": "日期先后顺序不对",
    "E109": "处分处理引用的线索编号不存在",
    "E110": "党纪政务处分对应的线索未立案",
    "E111": "形态与处理方式不一致",
    "E112": "计量单位与活动类型不一致",
    "E113": "文号重复",
    "E114": "未找到表头行",
    "E115": "同一工作簿中有两个同名台账工作表",
    "E116": "表头无法识别，像是拼写不同的台账列",
    "E117": "单元格是 Excel 错误值（#N/A、#DIV/0! 等）",
    "E118": "同一份工作簿重复报送",
    "E119": "两个工作簿对应同一填报单位（原件和更正件？）",
    "E120": "输出文件名无法使用（过长、或是系统保留的名称）",
    "E121": "Word 文档可能是恶意构造的（压缩炸弹、含 DTD/实体声明的 XML），已拒绝",
    "E122": "模板运行超过时间或输出上限",
    # the bulletin columns and figures (docs/figures.md, 通报口径)
    "E130": "处置日期没有处置方式，或早于受理日期",
    "E131": "留置、移送检察机关日期没有立案日期，或早于立案日期",
    "E132": "同一人的职级前后不一致",
    "E133": "非中共党员受到党纪处分",
    "E134": "挽回经济损失的单位不是万元",
    # the 案管室's checks across ledgers (docs/rules.md, 交叉核对)
    "E140": "党纪政务处分的处理日期早于线索的立案日期",
    "E141": "第四种形态没有线索编号，或其线索没有立案日期",
    "E142": "同一人（线索编号＋姓名）的处分处理登记在两个工作簿中",
    # 全市 = 市本级 + 县区: the 上报文件 of lower levels (docs/rules.md)
    "E160": "上报文件无法读取，或其工作表格式不对",
    "E161": "上报文件在生成后被手工修改过（内容校验值不符）",
    "E162": "上报文件的统计期间与本次统计不同",
    "E163": "上报文件的口径版本与本项目不同（指标、单位或口径不一致）",
    "E164": "同一单位有两份上报文件",
    "E165": "本单位自己的上报文件与本级台账一起给出（会重复计数）",
    "E166": "上报单位与本级的填报单位同名",
    # ledgers in their own layout, read through a source profile (docs/sources.md)
    "E170": "按来源配置合并同一线索的各行时，两行的同一列取值不同",
    "E171": "工作簿中没有来源配置所说的列",
    "E172": "工作簿中没有来源配置所说的任何工作表",
    "W201": "跳过合计行",
    "W202": "忽略非台账工作表",
    "W203": "跳过本工具生成的数据底稿或问题清单",
    "W204": "指标缺少数据，报告中以【待补充】标出",
    "W206": "不是台账列的列，已忽略",
    "W207": "缺少可选的台账列，按空白处理",
    "W208": "统计期间内没有任何台账行（期间写错了？）",
    "W210": "成文日期早于统计期间的结束日",
    "W211": "正文中有为 0 的数字（请确认表述是否恰当）",
    "W212": "为 0 的指标，模板已省略相应表述",
    "W213": "刷新：原稿因为 0 而省略的指标现在不为 0（请重新生成）",
    "W214": "刷新：稿中有数字变为 0（请重新生成）",
    "W215": "刷新：统计期间与原稿不同（随期间而变的表述请重新生成）",
    "W216": "配置中仍是占位内容（如单位名称 xx市纪委监委）",
    "W217": "项目中的模板来自旧版本（可用 init --update-templates 更新）",
    "W218": "同时设置了 word_template 和 templates：按 Word 模板生成",
    "W219": "成文日期比统计期间结束日晚 92 天以上（忘了写 --date？）",
    "W220": "以 ~$ 开头的文件其实是工作簿（不是锁文件），已跳过",
    "W221": "check：台账有错误，人名已检查，手工数字和部分单位的指标未按台账核对",
    "W222": "数据底稿与稿件不同步：底稿不是与这份稿件一起生成的",
    "W223": "工作簿的台账工作表中没有任何数据行（未填写的空白台账模板？）",
    "W229": "[report] level 与单位名称中的层级不一致",
    "W230": "只有部分单位报送了某一列，相应指标只统计了这些单位",
    "W231": "挽回经济损失填在未结案的行上，不计入统计",
    "W232": "稿中省略了缺少数据的指标（通报的指标，或信访举报、八项规定、问责这些选填台账的句子）",
    "W233": "处分人员中有未填职级的（稿中不写，只作警告）",
    "W240": "有移送检察机关日期，但没有第四种形态的处分处理记录",
    "W241": "已结案，但没有对应的处分处理记录",
    "W242": "受理后超过期限（默认 30 天）仍未填写处置方式",
    "W243": "暂存待查超过期限（默认 180 天）",
    "W244": "立案超过期限（默认 365 天）仍未结案",
    "W260": "通报写“全市（县、区）纪检监察机关”，但没有下级的上报文件，数字只是本级的",
    # notes every command used to print without a code (docs/drafts.md, 刷新)
    "W270": "工作簿中没有来源配置所说的可选列，按空白处理",
    "W271": "工作簿中没有来源配置所说的某张工作表，相应台账按未报送处理",
    "W272": "map：对方的列未能对应到台账列（请在配置中补写或忽略）",
    "W280": "刷新：数字在稿中被手工改过（或处于修订状态），未自动更新",
    "W281": "刷新：指标的标记在稿中被删除，无法自动更新",
    "W282": "刷新：附表在稿中被手工修改过，未自动更新",
    "W283": "刷新：稿中找不到附表，附表未更新",
    "W284": "刷新：稿中的标记对应的指标已不存在",
    "W285": "配置文件中未知的配置节或键，已忽略",
    "W286": "图表的数据在稿中被手工修改过，未自动更新",
    # workreport check (docs/drafts.md): C301–C319 must be fixed before sending, C320–C330 worth a look
    "C301": "稿中还有【待补充】或【请填写】占位",
    "C302": "稿中还有未接受或拒绝的修订",
    "C303": "稿中还有批注",
    "C304": "稿中有身份证号码（校验位正确的 18 位号码）",
    "C305": "稿中有手机号码",
    "C306": "稿中有台账里的人名（被反映人、姓名；只报位置和台账行，不显示人名）",
    "C307": "稿中的指标只统计了部分单位（未接受为部分单位口径）",
    "C308": "落款日期早于统计期间结束日",
    "C309": "稿中还有占位的单位名称（如 xx市纪委监委）",
    "C310": "稿中有外部链接（链接的图片、外部模板、INCLUDEPICTURE 等域），打开或转换时会访问网络",
    "C311": "数据底稿与稿件不同步：底稿不是与这份稿件一起生成的（重新 refresh）",
    "C321": "正文中出现数字 0（值得一看）",
    "C322": "手工输入的数字与台账计算结果不同（值得一看）",
    "C324": "稿中段落仍是默认模板的原文（值得一看）",
    "C325": "稿中的指标只统计了部分单位，已在 partial_ok 中接受（值得一看）",
    "C326": "台账有案管室交叉核对的警告 W240–W244（值得一看）",
}


# Warnings said even under --quiet: each changes what a number of the draft means, or
# says that the tool left a number of the draft as it was (docs/rules.md, 命令行).
SHOWN_WHEN_QUIET = frozenset(
    {"W204", "W208", "W221", "W210", "W213", "W214", "W215", "W219", "W223", "W230", "W232", "W233"}
    | {"W285", "W260"}
    | {f"W28{n}" for n in (0, 1, 2, 3, 4, 6)}
)


@dataclass(frozen=True)
class Issue:
    """One problem at one place: what a person needs to find and fix it."""

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None  # as Excel shows it (1-based)
    column: str = ""  # header name
    column_letter: str = ""
    suggestion: str = ""

    @property
    def severity(self) -> str:
        return WARNING if self.code.startswith("W") else ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def shown_when_quiet(self) -> bool:
        return self.is_error or self.code in SHOWN_WHEN_QUIET

    def as_dict(self) -> dict:
        return {"severity": self.severity, **asdict(self)}

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            col = f"{self.column}列"
            if self.column_letter:
                col = f"{self.column_letter}列（{self.column}）"
            parts.append(col)
        return " / ".join(p for p in parts if p)


def clip(text: str, limit: int = 80) -> str:
    """A text shortened for a message: a cell or a tag may hold megabytes (docs/rules.md, 命令行)."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(text)} 字）"


class WorkreportError(Exception):
    """Base of every error the user can cause and fix."""

    exit_code = 1

    @property
    def shown(self) -> str:
        """The line the command line prints: «错误：» and the message, unless the message
        already says what kind of error it is (模板错误：…)."""
        return f"错误：{self}"


class UsageError(WorkreportError):
    """Bad options or configuration (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    def __init__(self, message: str, path: Path | str | None = None):
        self.path = path
        super().__init__(f"{path}：{message}" if path else message)


class InvalidData(WorkreportError):
    """The ledgers hold errors; carries every issue found, not only the first."""

    def __init__(self, issues: list[Issue], files: int = 0, rows: int = 0):
        self.issues, self.files, self.rows = issues, files, rows
        errors = sum(1 for i in issues if i.is_error)
        super().__init__(
            f"台账数据有 {errors} 处错误，已停止。请先修正（可用 workreport validate 查看）。"
        )


class TemplateError(WorkreportError):
    """A section template failed; names the template file and line."""

    def __init__(self, template: str, line: int | None, message: str):
        self.template = template
        self.line = line
        where = f"{template} 第{line}行" if line else template
        super().__init__(f"模板错误：{where}：{message}")

    @property
    def shown(self) -> str:
        return str(self)  # not «错误：模板错误：…»


class OutputError(WorkreportError):
    """The report could not be written without risking someone's work."""


class Refused(UsageError):
    """Writing would overwrite a file someone may have worked on: like every usage error,
    exit code 2, for every command (docs/rules.md, 命令行)."""


# Why the system refused, in the clerk's words: Python's own strerror is English.
_ERRNO_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限（操作不被允许）",
    errno.EROFS: "所在位置只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "路径中有同名文件",
    errno.ENOENT: "路径不存在",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.EIO: "读写出错（磁盘或网络故障）",
    errno.EINVAL: "文件名无效",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.ENXIO: "不是普通文件（可能是管道或设备）",
}
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def reason(error: BaseException) -> str:
    """Why a system call or an outside library failed, in Chinese (docs/rules.md, 命令行).

    The libraries' own texts (``Permission denied``, ``File is not a zip file``,
    ``month must be in 1..12``) are English, so they are never shown as they are.
    """
    if isinstance(error, OSError) and error.errno is not None:
        if getattr(error, "winerror", None) in (32, 33):  # Windows: a file open elsewhere
            return "文件正被其他程序（如 Word、Excel、WPS）打开"
        return _ERRNO_REASONS.get(error.errno, f"系统错误（错误号 {error.errno}）")
    name, text = type(error).__name__, str(error)
    if name == "TOMLDecodeError":
        at = _TOML_AT.search(text)
        return f"第 {at[1]} 行第 {at[2]} 列附近写法不对" if at else "写法不对"
    if name in ("BadZipFile", "PackageNotFoundError") or "zip file" in text:
        return "文件已损坏，或不是这种格式的文件"
    if name in ("XMLSyntaxError", "ParseError", "ExpatError"):
        return "其中的 XML 已损坏"
    if isinstance(error, ValueError) and "month must be" in text:
        return "月份应为 1 至 12"
    if isinstance(error, ValueError) and "day is out of range" in text:
        return "这个月没有这一天"
    if isinstance(error, ValueError) and "year" in text:
        return "年份超出范围"
    if name == "TimeoutExpired":
        return "运行超时"
    if name == "CalledProcessError":
        return f"程序出错退出（退出码 {error.returncode}）"
    if isinstance(error, UnicodeError):
        return "文字编码无法识别"
    if isinstance(error, MemoryError):
        return "内存不足"
    return "格式无法识别"


class Terminated(Exception):
    """SIGTERM or SIGHUP while LibreOffice converts (final --pdf): raised so that the
    conversion's clean-up runs (its processes, its temporary folder) before the program
    ends; the command line exits 143, as a terminated program does."""
