"""``workreport init``: scaffold a reporting project an analyst can work in."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from .config import CONFIG_NAME, Config
from .errors import OutputError, UsageError, reason
from .write import write_atomic

INBOX = "收文"
LEDGER_TEMPLATE = "台账模板.xlsx"


def config_text(today: date) -> str:
    """A commented workreport.toml; the period defaults to the half-year just ended."""
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    return f"""\
# workreport 项目配置。在本文件夹中运行命令时自动读取；命令行选项优先于本文件。
# 例：workreport build {INBOX} -o 汇报.docx

[report]
title = "重点工作推进情况和下步工作打算"   # 汇报稿标题
organisation = "xx市纪委监委"               # 单位名称：正文和落款使用
period = "{year}H{half}"                    # 统计期间：2022H1、2022Q3、2022、2022-01-01..2022-06-30
# date = {today.isoformat()}                # 成文日期（落款）；不写时为生成当天
templates = "templates"                     # 各部分的模板（可直接修改文字）

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
"""


def init_project(
    folder: Path, config: Config, templates: Path, *, today: date | None = None
) -> list[Path]:
    """Write the project skeleton into ``folder``; never overwrites an existing file."""
    from .ledger_template import write_ledger_template

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"无法创建文件夹 {folder}：{reason(e)}") from e
    target = folder / CONFIG_NAME
    if target.exists():
        raise UsageError(f"{target} 已存在：这里已经是一个 workreport 项目，未做任何修改。")
    written: list[Path] = []
    own = folder / "templates"
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
    ledger = folder / LEDGER_TEMPLATE
    if not ledger.exists():
        write_ledger_template(ledger, config)
        written.append(ledger)
    write_atomic(target, config_text(today or date.today()).encode("utf-8"))
    written.append(target)
    return written
