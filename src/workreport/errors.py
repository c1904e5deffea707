"""Exceptions and the Issue record every data problem is reported as.

Every user-facing failure derives from :class:`WorkreportError`; the CLI turns
them into messages and exit codes in one place.  Data problems are never raised
one at a time: they are collected as :class:`Issue` records and raised together
in an :class:`InvalidData`.
"""

from __future__ import annotations

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
    "W201": "跳过合计行",
    "W202": "忽略非台账工作表",
    "W203": "跳过本工具生成的数据底稿或问题清单",
    "W204": "指标缺少数据，报告中以【待补充】标出",
    "W206": "不是台账列的列，已忽略",
    "W207": "缺少可选的台账列，按空白处理",
    "W208": "统计期间内没有任何台账行（期间写错了？）",
    # workreport check (SPEC §9): C301–C319 must be fixed before sending, C320–C330 worth a look
    "C301": "稿中还有【待补充】占位",
    "C302": "稿中还有未接受或拒绝的修订",
    "C303": "稿中还有批注",
    "C304": "稿中有身份证号码（校验位正确的 18 位号码）",
    "C305": "稿中有手机号码",
    "C306": "稿中有台账里的人名（被反映人、姓名；只报位置和台账行，不显示人名）",
    "C321": "正文中出现数字 0（值得一看）",
    "C322": "手工输入的数字与台账计算结果不同（值得一看）",
    "C323": "落款日期早于统计期间结束日（值得一看）",
}


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


class WorkreportError(Exception):
    """Base of every error the user can cause and fix."""

    exit_code = 1


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


class OutputError(WorkreportError):
    """The report could not be written without risking someone's work."""
