"""Fixtures that write small real workbooks into tmp_path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from workreport.config import load_config
from workreport.period import Period

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
# the model report (shared/seed/000_92762d29fbcd092e.txt), kept here so the golden test runs anywhere
SEED = ROOT / "tests" / "data" / "seed_report.txt"
H1_2022 = Period(date(2022, 1, 1), date(2022, 6, 30))

HEADERS = {
    "问题线索": [
        "线索编号",
        "受理日期",
        "线索来源",
        "被反映人",
        "是否一把手",
        "是否领导班子成员",
        "处置方式",
        "立案日期",
        "结案日期",
    ],
    "处分处理": [
        "姓名",
        "线索编号",
        "是否一把手",
        "是否领导班子成员",
        "处理日期",
        "形态",
        "处理方式",
    ],
    "谈话": ["日期", "谈话类型", "人数", "对象类别"],
    "文书": ["文号", "印发日期", "文书类型", "收文单位", "督促整改问题数"],
    "监督活动": ["日期", "活动类型", "数量", "计量单位"],
}


def write_workbook(path: Path, sheets: dict[str, list[list]], *, headers: bool = True) -> Path:
    """Write ``sheets`` (name → rows) as a real .xlsx; the canonical header row is
    added first unless ``headers`` is False or the sheet name is not a ledger."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        if headers and name in HEADERS:
            ws.append(HEADERS[name])
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def clue(
    cid,
    received,
    *,
    source="信访举报",
    top=None,
    lead=None,
    disposal=None,
    filed=None,
    closed=None,
    name="张某甲",
):
    return [cid, received, source, name, top, lead, disposal, filed, closed]


def measure(name, cid, when, form, kind, *, top=None, lead=None):
    return [name, cid, top, lead, when, form, kind]


@pytest.fixture
def config():
    return load_config(None)


@pytest.fixture
def book(tmp_path):
    """book("单位", {"问题线索": [...]}) writes tmp_path/in/单位.xlsx."""

    def make(unit: str, sheets: dict[str, list[list]], **kw) -> Path:
        return write_workbook(make.folder / f"{unit}.xlsx", sheets, **kw)

    make.folder = tmp_path / "in"
    return make
