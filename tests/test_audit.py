"""The 数据底稿 (docs/rules.md, 数据底稿): every counted row, laid out for Excel/WPS."""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime

import numpy as np
import openpyxl
import pytest

from conftest import H1_2022, SAMPLE
from workreport.audit import audit_bytes, audit_tables
from workreport.config import load_config
from workreport.figures import (
    FIGURES,
    compute_figures,
    figure_ids,
    figure_labels,
    flatten,
)
from workreport.ledgers import ledger_specs
from workreport.load import load_paths
from workreport.validate import validate
from workreport.xlsxwrite import AUTO, DATETIME, NUMBER, Column, Table, workbook_bytes


@pytest.fixture(scope="module")
def sample():
    config = load_config(None)
    ledgers, issues = validate(load_paths([SAMPLE], config), config)
    assert not [i for i in issues if i.is_error]
    return ledgers, compute_figures(ledgers, H1_2022, config), config


def read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def expected_rows(table) -> list[tuple]:
    """The rows a ledger table should show, cell by cell, as openpyxl reads them back."""

    def cell(kind, v):
        if kind == DATETIME:
            return None if np.isnat(v) else datetime.fromisoformat(str(v))
        if kind == NUMBER:
            return None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v))
        return v

    columns = [[cell(kind, v) for v in values] for kind, values in table.columns.values()]
    return list(zip(*columns, strict=True))


def test_every_counted_row_is_written_cell_for_cell(sample):
    ledgers, values, config = sample
    summary, tables = audit_tables(ledgers, values, H1_2022, config)
    book = read(audit_bytes(ledgers, values, H1_2022, config))
    assert book.sheetnames == ["指标汇总", *tables]
    for name, table in tables.items():
        ws = book[name]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == "内部资料 注意保密"
        assert rows[1][0] == f"{name}：计入指标的行（统计期间 2022-01-01 至 2022-06-30）"
        assert rows[2] == tuple(table.columns)
        assert rows[3:] == expected_rows(table)
        assert table.rows > 0
    figures = list(book["指标汇总"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[4], r[5]) for r in figures] == [
        (fid, "缺少数据" if v is None else v, n) for fid, v, n in summary
    ]


def test_the_layout_is_for_reading_in_excel(sample):
    ledgers, values, config = sample
    book = read(audit_bytes(ledgers, values, H1_2022, config))
    for ws in book.worksheets:
        assert ws.freeze_panes == "A4"  # banner, title and header stay in view
        assert ws.auto_filter.ref == f"A3:{ws.cell(3, ws.max_column).column_letter}{ws.max_row}"
        assert ws["A1"].font.b and ws["A1"].font.color.rgb == "FFC00000"
        assert all(c.font.b for c in ws[3])
        for c in ws[3]:  # every column at least as wide as its header (CJK counts two)
            width = ws.column_dimensions[c.column_letter].width
            if c.value.startswith("计入："):  # a figure's long label wraps over its cells
                assert c.alignment.wrap_text and width >= 10, (ws.title, c.value)
            else:
                assert width >= 2 * len(c.value), (ws.title, c.value)
    ws = book["问题线索"]
    header = [c.value for c in ws[3]]
    received = ws.cell(4, header.index("受理日期") + 1)
    assert isinstance(received.value, datetime) and received.number_format == "yyyy-mm-dd"
    assert all(ws.column_dimensions[c.column_letter].width <= 60 for c in ws[3])  # capped


def test_a_filter_on_one_value_selects_exactly_one_figures_rows(sample):
    """计入指标 held English ids joined in one cell: a filter «包含 clues» gave 88 rows for a
    figure of 86 (top_clues, clues_by_source… matched too).  Now a column per figure,
    headed by its Chinese label, holds one exact value: 是, or the category counted."""
    ledgers, values, config = sample
    book = read(audit_bytes(ledgers, values, H1_2022, config))
    labels, groups = figure_labels(config)
    flat = flatten(values)
    ids = {fid for fid, *_ in figure_ids(config)}
    checked = 0
    for name in ("问题线索", "处分处理", "谈话", "文书", "监督活动"):
        rows = list(book[name].iter_rows(min_row=3, values_only=True))
        header, body = rows[0], rows[1:]
        assert "计入指标" not in header
        for figure in (f for f in FIGURES if f.sheet == ledger_key(name)):
            j = header.index(f"计入：{labels[figure.id]}")
            cells = [r[j] for r in body]
            assert not any(fid in str(c) for c in cells for fid in ids if c is not None)
            wanted = (
                [(figure.id, "是")]
                if not figure.grouped
                else [(f"{figure.id}.{cat}", cat) for cat in groups[figure.id]]
            )
            for fid, value in wanted:
                n = sum(c == value for c in cells)
                if fid in COUNTED_BY_ROW and flat.get(fid) is not None:
                    assert n == flat[fid], (fid, n, flat[fid])
                    checked += 1
    assert checked >= 8
    clues = [r for r in book["问题线索"].iter_rows(min_row=4, values_only=True)]
    column = [c.value for c in book["问题线索"][3]].index("计入：受理问题线索")
    assert sum(r[column] == "是" for r in clues) == flat["clues"] > 0


# figures whose value is their number of rows (one row, one clue or case)
COUNTED_BY_ROW = {
    "clues",
    "cases_filed",
    "cases_closed",
    "top_clues",
    "top_cases_filed",
    "clues_disposed",
    *(f"clues_by_source.{c}" for c in ("信访举报", "巡视巡察移交", "监督检查发现", "其他")),
    *(f"clues_by_disposal.{c}" for c in ("谈话函询", "初步核实", "暂存待查", "予以了结")),
}


def ledger_key(sheet: str) -> str:
    return next(k for k, s in ledger_specs(load_config(None)).items() if s.name == sheet)


def test_every_sheet_prints_as_a_report(sample):
    """Not 62 pages of split columns: A4 landscape, every column on the page's width, the
    title rows and header repeated on each page, the filter kept."""
    ledgers, values, config = sample
    data = audit_bytes(ledgers, values, H1_2022, config, checks=[])
    book = read(data)
    assert book.sheetnames[-1] == "交叉核对"
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$3"
        assert ws.auto_filter.ref.startswith("A3:")
        assert "&P" in ws.oddFooter.center.text
    # and the file stays one Excel opens: re-saved by openpyxl and read again
    again = io.BytesIO()
    book.save(again)
    assert read(again.getvalue())["问题线索"].print_title_rows == "$1:$3"


def test_a_list_longer_than_a_sheet_goes_on_on_further_sheets(sample):
    ledgers, values, config = sample
    whole = read(audit_bytes(ledgers, values, H1_2022, config))
    split = read(audit_bytes(ledgers, values, H1_2022, config, max_rows=10))
    clues = [list(r) for r in whole["问题线索"].iter_rows(min_row=4, values_only=True)]
    assert len(clues) > 14  # at least three sheets of 7 data rows
    parts = [n for n in split.sheetnames if n.startswith("问题线索")]
    assert parts[:3] == ["问题线索", "问题线索（续）", "问题线索（续2）"]
    assert len(parts) == -(-len(clues) // 7)
    continued = []
    for name in parts:
        ws = split[name]
        assert ws.max_row <= 10
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == "内部资料 注意保密" and rows[2] == tuple(
            whole["问题线索"][3][i].value for i in range(len(rows[2]))
        )
        assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:")
        continued += [list(r) for r in rows[3:]]
    assert continued == clues


def test_text_from_the_ledgers_stays_text(book, config):
    book(
        "城关镇纪委",
        {"文书": [["纪1号", date(2022, 3, 1), "廉洁提醒函", "=1+1", 1]]},
    )
    wb = openpyxl.load_workbook(book.folder / "城关镇纪委.xlsx")
    wb["文书"]["D2"].data_type = "s"  # the department typed the text "=1+1"
    wb.save(book.folder / "城关镇纪委.xlsx")
    ledgers, issues = validate(load_paths([book.folder], config), config)
    values = compute_figures(ledgers, H1_2022, config)
    ws = read(audit_bytes(ledgers, values, H1_2022, config))["文书"]
    header = [c.value for c in ws[3]]
    cell = ws.cell(4, header.index("收文单位") + 1)
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_any_text_survives_the_round_trip():
    texts = ["=SUM(A1:A2)", " 前后有空格 ", "a\x01b", "_x0041_", "<&>\"'", "换\n行", ""]
    data = workbook_bytes(
        [
            Table(
                "表",
                [("标题", 0)],
                [
                    Column("文字", texts),
                    Column("混合", [1, 2.5, None, "是", True, 0, -3.25], AUTO),
                    Column("数", [1.0, np.nan, 3.5, 1e20, 0.0, -2.0, 7.0], NUMBER),
                ],
            )
        ]
    )
    rows = list(read(data)["表"].iter_rows(min_row=2, values_only=True))
    # openpyxl shows the escape Excel decodes for a character XML cannot hold
    shown = [t.replace("\x01", "_x0001_") for t in texts]
    assert [r[0] for r in rows] == ["文字", *shown]
    assert [r[1] for r in rows[1:]] == [1, 2.5, None, "是", "是", 0, -3.25]
    assert [r[2] for r in rows[1:]] == [1, None, 3.5, 1e20, 0, -2, 7]


def read_folder(folder, config):
    loaded = load_paths([folder], config)
    return loaded, {k: len(v) for k, v in loaded.frames.items()}


@pytest.mark.parametrize("resaved", [False, True])
def test_a_renamed_audit_workbook_is_known_by_its_content(sample, tmp_path, resaved):
    """A 底稿 downloaded again lands as «汇报.底稿 (1).xlsx»: skipped all the same (W203),
    also after Excel (here openpyxl) saved it again, instead of counting every row twice."""
    ledgers, values, config = sample
    folder = shutil.copytree(SAMPLE, tmp_path / "收文")
    _, alone = read_folder(folder, config)
    audit = folder / "汇报.底稿 (1).xlsx"
    audit.write_bytes(audit_bytes(ledgers, values, H1_2022, config))
    if resaved:
        read(audit.read_bytes()).save(audit)
    loaded, counted = read_folder(folder, config)
    assert counted == alone
    assert [(i.code, i.file) for i in loaded.issues if i.file == audit.name] == [
        ("W203", audit.name)
    ]
    assert audit.name not in {f.name for f in loaded.files}
