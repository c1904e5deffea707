"""Annotated copies of faulty workbooks (issue 3, part 3): read back with openpyxl."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from workreport.annotate import (
    ERROR_FILL,
    ISSUES_SHEET,
    WARNING_FILL,
    annotate_workbooks,
)
from workreport.config import load_config
from workreport.errors import Issue, Refused
from workreport.load import load_paths

NAME = "城关镇纪委.xlsx"


def _rgb(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else ""


RED, YELLOW = ERROR_FILL.fgColor.rgb[-6:], WARNING_FILL.fgColor.rgb[-6:]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workbook(tmp_path) -> Path:
    """A small ledger with a title row, a merge, a formula, a '=cmd' text and a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "问题线索"
    ws["A1"] = "城关镇纪委问题线索台账"
    ws.merge_cells("A1:D1")
    ws.append(["线索编号", "受理日期", "线索来源", "被反映人"])  # header in row 2
    ws.append(["CGZ-001", datetime(2022, 3, 5), "信访", "张三"])  # row 3
    ws.append(["CGZ-002", "2022年13月1日", "审计移交", "=cmd|' /C calc'!A0"])  # row 4
    ws.append(["CGZ-003", datetime(2022, 4, 1), None, "李四"])  # row 5
    ws.merge_cells("C4:C5")
    ws.append(["合计", None, None, None])  # row 6
    ws["D4"].data_type = "s"  # text from the department, not a formula
    ws["B3"].comment = Comment("这是部门自己的批注", "王科长")
    talks = wb.create_sheet("谈话")
    talks.append(["日期", "谈话类型"])
    talks.append([datetime(2022, 5, 1), "廉政谈话"])
    acts = wb.create_sheet("监督活动")
    acts.append(["日期", "活动类型", "数量"])
    acts.append([datetime(2022, 5, 2), "走访单位", "=2+3"])
    folder = tmp_path / "收文"
    folder.mkdir()
    path = folder / NAME
    wb.save(path)
    return path


def _issues() -> list[Issue]:
    return [
        Issue(
            "E104",
            "线索来源「信访」不在可选范围内",
            NAME,
            "问题线索",
            3,
            "线索来源",
            "C",
            "信访举报",
        ),
        Issue("E103", "受理日期「2022年13月1日」无法识别", NAME, "问题线索", 4, "受理日期", "B"),
        Issue("E108", "结案日期早于立案日期", NAME, "问题线索", 3, "线索来源", "C", "核对两个日期"),
        Issue("W201", "跳过合计行", NAME, "问题线索", 6),
        Issue(
            "E102", "被反映人为空", NAME, "问题线索", 4, "被反映人"
        ),  # no letter: found by header
        Issue(
            "E102", "线索来源为空", NAME, "问题线索", 5, "线索来源", "C"
        ),  # inside the C4:C5 merge
        Issue(
            "E999", "受理日期「=cmd|' /C calc'!A0」无法识别", NAME, "问题线索", 3, "受理日期", "B"
        ),
        Issue("E101", "缺少必填列「人数」", NAME, "谈话", suggestion="在表头加上「人数」列"),
        Issue("E104", "别的文件的问题", "其他单位.xlsx", "谈话", 2, "谈话类型", "B"),
    ]


def test_each_bad_cell_is_filled_and_commented(workbook, tmp_path):
    before = _sha(workbook)

    written = annotate_workbooks(_issues(), {NAME: workbook}, tmp_path / "退回")

    assert written == [tmp_path / "退回" / NAME]
    assert _sha(workbook) == before  # the input is never modified
    ws = load_workbook(written[0])["问题线索"]
    assert _rgb(ws["C3"]) == RED
    assert ws["C3"].comment.text == (
        "[E104] 线索来源「信访」不在可选范围内\n建议：信访举报\n\n[E108] 结案日期早于立案日期\n建议：核对两个日期"
    )
    assert ws["C3"].comment.author == "workreport"
    assert _rgb(ws["B4"]) == RED
    assert ws["B4"].comment.text == "[E103] 受理日期「2022年13月1日」无法识别"
    assert _rgb(ws["D4"]) == RED  # located by the header 被反映人
    assert ws["D4"].comment.text == "[E102] 被反映人为空"
    assert _rgb(ws["A6"]) == YELLOW  # a row-level warning marks the row's first cell
    assert ws["A6"].comment.text == "[W201] 跳过合计行"
    assert ws["C4"].comment.text == "[E102] 线索来源为空"  # a merge is marked at its top-left
    assert _rgb(ws["A3"]) == "" and ws["A3"].comment is None


def test_the_departments_own_comment_is_kept_below_ours(workbook, tmp_path):
    written = annotate_workbooks(_issues(), {NAME: workbook}, tmp_path / "退回")

    ws = load_workbook(written[0])["问题线索"]
    assert ws["B3"].comment.text == (
        "[E999] 受理日期「=cmd|' /C calc'!A0」无法识别\n\n原批注（王科长）：这是部门自己的批注"
    )


def test_the_issue_list_is_the_first_sheet_and_lists_every_issue(workbook, tmp_path):
    written = annotate_workbooks(_issues(), {NAME: workbook}, tmp_path / "退回")

    wb = load_workbook(written[0])
    assert wb.sheetnames == [ISSUES_SHEET, "问题线索", "谈话", "监督活动"]
    assert wb.active.title == ISSUES_SHEET
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets] == [True, False, False, False]
    ws = wb[ISSUES_SHEET]
    assert ws["A1"].value.startswith(f"「{NAME}」共有 7 处错误、1 处警告。")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == ["序号", "代码", "级别", "工作表", "行", "列", "问题", "建议"]
    assert rows[1:] == [
        [
            1,
            "E999",
            "错误",
            "问题线索",
            3,
            "B（受理日期）",
            "受理日期「=cmd|' /C calc'!A0」无法识别",
            None,
        ],
        [
            2,
            "E104",
            "错误",
            "问题线索",
            3,
            "C（线索来源）",
            "线索来源「信访」不在可选范围内",
            "信访举报",
        ],
        [3, "E108", "错误", "问题线索", 3, "C（线索来源）", "结案日期早于立案日期", "核对两个日期"],
        [
            4,
            "E103",
            "错误",
            "问题线索",
            4,
            "B（受理日期）",
            "受理日期「2022年13月1日」无法识别",
            None,
        ],
        [5, "E102", "错误", "问题线索", 4, "被反映人", "被反映人为空", None],
        [6, "E102", "错误", "问题线索", 5, "C（线索来源）", "线索来源为空", None],
        [7, "W201", "警告", "问题线索", 6, None, "跳过合计行", None],
        [8, "E101", "错误", "谈话", None, None, "缺少必填列「人数」", "在表头加上「人数」列"],
    ]
    assert _rgb(ws["C3"]) == RED and _rgb(ws["C9"]) == YELLOW
    assert ws["D3"].hyperlink.location == "'问题线索'!B3"
    assert ws["D7"].hyperlink.location == "'问题线索'!D4"  # found by its header
    assert ws["D8"].hyperlink.location == "'问题线索'!C4"  # the top-left of the merge
    assert ws["D10"].hyperlink.location == "'谈话'!A1"  # no cell to point at: the sheet
    assert ws.freeze_panes == "A3"


def test_sheets_with_issues_get_a_coloured_tab(workbook, tmp_path):
    written = annotate_workbooks(_issues(), {NAME: workbook}, tmp_path / "退回")

    wb = load_workbook(written[0])
    assert wb["问题线索"].sheet_properties.tabColor.rgb.endswith("FF0000")
    assert wb["谈话"].sheet_properties.tabColor.rgb.endswith("FF0000")
    assert wb["监督活动"].sheet_properties.tabColor is None


def test_text_starting_with_equals_stays_text(workbook, tmp_path):
    written = annotate_workbooks(_issues(), {NAME: workbook}, tmp_path / "退回")

    wb = load_workbook(written[0])
    cell = wb["问题线索"]["D4"]  # the department's text, marked by an issue
    assert (cell.value, cell.data_type) == ("=cmd|' /C calc'!A0", "s")
    listed = wb[ISSUES_SHEET]["G3"]  # an issue message quoting it
    assert (listed.value, listed.data_type) == ("受理日期「=cmd|' /C calc'!A0」无法识别", "s")


def test_a_message_that_is_all_formula_is_written_as_text(workbook, tmp_path):
    issues = [Issue("E104", '=HYPERLINK("http://x")', NAME, "问题线索", 3, "线索来源", "C", "=1+1")]

    written = annotate_workbooks(issues, {NAME: workbook}, tmp_path / "退回")

    ws = load_workbook(written[0])[ISSUES_SHEET]
    assert [(c.value, c.data_type) for c in ws[3][6:8]] == [
        ('=HYPERLINK("http://x")', "s"),
        ("=1+1", "s"),
    ]


def test_formulas_in_the_input_stay_formulas(workbook, tmp_path):
    written = annotate_workbooks(_issues(), {NAME: workbook}, tmp_path / "退回")

    wb = load_workbook(written[0])
    assert wb["监督活动"]["C2"].value == "=2+3"
    assert wb["监督活动"]["C2"].data_type == "f"
    assert wb.calculation.fullCalcOnLoad  # Excel recomputes the dropped cached values


def test_a_workbook_without_issues_is_not_copied(workbook, tmp_path):
    other = tmp_path / "收文" / "其他单位.xlsx"
    other.write_bytes(workbook.read_bytes())

    written = annotate_workbooks(
        _issues()[:1], {NAME: workbook, "其他单位.xlsx": other}, tmp_path / "退回"
    )

    assert written == [tmp_path / "退回" / NAME]
    assert sorted(p.name for p in (tmp_path / "退回").iterdir()) == [NAME]


def test_annotating_an_annotated_copy_clears_the_old_marks(workbook, tmp_path):
    first = annotate_workbooks(_issues(), {NAME: workbook}, tmp_path / "退回")[0]
    resent = tmp_path / "收文2" / NAME
    resent.parent.mkdir()
    resent.write_bytes(first.read_bytes())
    still = [
        Issue("E103", "受理日期「2022年13月1日」无法识别", NAME, "问题线索", 4, "受理日期", "B")
    ]

    second = annotate_workbooks(still, {NAME: resent}, tmp_path / "退回2")[0]

    wb = load_workbook(second)
    ws = wb["问题线索"]
    assert _rgb(ws["C3"]) == "" and ws["C3"].comment is None  # fixed since
    assert ws["B3"].comment.text == "这是部门自己的批注"  # restored as it was
    assert ws["B3"].comment.author == "王科长"
    assert ws["B4"].comment.text == "[E103] 受理日期「2022年13月1日」无法识别"
    assert wb["谈话"].sheet_properties.tabColor is None
    assert wb.sheetnames.count(ISSUES_SHEET) == 1
    assert wb[ISSUES_SHEET].max_row == 3


@pytest.mark.parametrize("name", ["乡镇纪委.xls", "乡镇纪委.ods"])
def test_a_workbook_openpyxl_cannot_write_gets_an_issue_list_only(tmp_path, name):
    source = tmp_path / "收文" / name
    source.parent.mkdir()
    source.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    before = _sha(source)
    issues = [
        Issue(
            "E104",
            "谈话类型「廉政谈活」不在可选范围内",
            name,
            "谈话",
            3,
            "谈话类型",
            "B",
            "廉政谈话",
        )
    ]

    written = annotate_workbooks(issues, {name: source}, tmp_path / "退回")

    assert written == [tmp_path / "退回" / "乡镇纪委.问题清单.xlsx"]
    assert _sha(source) == before
    wb = load_workbook(written[0])
    assert wb.sheetnames == [ISSUES_SHEET]
    assert "无法直接批注" in wb[ISSUES_SHEET]["A1"].value
    assert [c.value for c in wb[ISSUES_SHEET][3]][1:6] == [
        "E104",
        "错误",
        "谈话",
        3,
        "B（谈话类型）",
    ]
    # renamed into a folder of ledgers, it is still known as the tool's own (W203)
    renamed = tmp_path / "收文2" / "乡镇纪委 (1).xlsx"
    renamed.parent.mkdir()
    shutil.copyfile(written[0], renamed)
    loaded = load_paths([renamed.parent], load_config(None))
    assert [(i.code, i.file) for i in loaded.issues] == [("W203", renamed.name)]


@pytest.mark.parametrize(
    ("content", "issue"),
    [
        (b"", Issue("E001", "文件无法读取", NAME)),
        (b"PK\x03\x04 truncated", Issue("E001", "文件无法读取", NAME)),
        (b"<html>not excel</html>", Issue("E002", "文件已加密，无法读取", NAME)),
    ],
)
def test_a_refused_file_is_never_opened_and_gets_an_issue_list(tmp_path, content, issue):
    source = tmp_path / "收文" / NAME
    source.parent.mkdir()
    source.write_bytes(content)

    written = annotate_workbooks([issue], {NAME: source}, tmp_path / "退回")

    assert written == [tmp_path / "退回" / "城关镇纪委.问题清单.xlsx"]
    assert source.read_bytes() == content
    assert load_workbook(written[0])[ISSUES_SHEET]["B3"].value == issue.code


def test_files_of_the_same_name_from_two_folders_do_not_overwrite_each_other(workbook, tmp_path):
    twin = tmp_path / "收文" / "乡镇" / NAME
    twin.parent.mkdir()
    twin.write_bytes(workbook.read_bytes())
    sources = {NAME: workbook, f"乡镇/{NAME}": twin}
    issues = [
        Issue("W201", "跳过合计行", NAME, "问题线索", 6),
        Issue("W201", "跳过合计行", f"乡镇/{NAME}", "问题线索", 6),
    ]

    written = annotate_workbooks(issues, sources, tmp_path / "退回")

    assert sorted(p.name for p in written) == sorted([NAME, f"乡镇_{NAME}"])


@pytest.mark.parametrize("inside", [".", "退回"])
def test_refuses_to_write_into_the_folder_of_the_inputs(workbook, inside):
    before = _sha(workbook)
    out_dir = workbook.parent / inside

    with pytest.raises(Refused) as err:
        annotate_workbooks(_issues(), {NAME: workbook}, out_dir)

    assert f"批注副本不能写到台账所在的文件夹 {workbook.parent.resolve()} 之内" in str(err.value)
    assert _sha(workbook) == before and err.value.exit_code == 2
    assert sorted(p.name for p in workbook.parent.iterdir()) == [NAME]


def test_a_macro_workbook_keeps_its_macros(workbook, tmp_path):
    source = tmp_path / "收文" / "城关镇纪委.xlsm"
    with zipfile.ZipFile(workbook) as zin, zipfile.ZipFile(source, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/vbaProject.bin", b"fake macros")
    name = source.name
    issues = [Issue("W201", "跳过合计行", name, "问题线索", 6)]

    written = annotate_workbooks(issues, {name: source}, tmp_path / "退回")

    assert written == [tmp_path / "退回" / name]
    with zipfile.ZipFile(written[0]) as z:
        assert z.read("xl/vbaProject.bin") == b"fake macros"
    assert load_workbook(written[0])["问题线索"]["A6"].comment.text == "[W201] 跳过合计行"


def test_a_copy_of_a_filled_template_keeps_its_header_notes_and_dropdowns(tmp_path):
    # docs/rules.md (命令行): the column instructions are what a clerk needs when correcting
    from datetime import date

    from conftest import run
    from workreport.config import load_config
    from workreport.ledger_template import write_ledger_template

    ledger = tmp_path / "收文" / "城关镇纪委.xlsx"
    ledger.parent.mkdir()
    write_ledger_template(ledger, load_config(None))
    wb = load_workbook(ledger)
    ws = wb["问题线索"]
    header = [c.value for c in ws[1]]
    row = {"线索编号": "A1", "受理日期": date(2022, 4, 2), "线索来源": "信访举报"}
    row |= {"被反映人": "张某甲", "立案日期": date(2022, 3, 1)}
    ws.cell(2, 1)  # the template's rows are formatted, not filled: write into row 2
    for c, name in enumerate(header, start=1):
        ws.cell(2, c, row.get(name))
    wb.save(ledger)

    def notes_and_lists(book):
        return {
            name: (
                [(c.coordinate, c.comment.text) for c in book[name][1] if c.comment],
                sorted(
                    (str(v.sqref), v.formula1) for v in book[name].data_validations.dataValidation
                ),
            )
            for name in book.sheetnames
            if name != "问题清单"
        }

    result = run("validate", ledger.parent, "--annotate", tmp_path / "退回")
    assert result.exit_code == 1
    assert "E108 错误：立案日期 2022-03-01 早于受理日期 2022-04-02" in result.output
    copy = load_workbook(tmp_path / "退回" / "城关镇纪委.xlsx")  # read back once, for both
    assert notes_and_lists(copy) == notes_and_lists(load_workbook(ledger))
    marked = copy["问题线索"]["I2"].comment.text
    assert (
        marked
        == "[E108] 立案日期 2022-03-01 早于受理日期 2022-04-02\n建议：立案日期不得早于受理日期"
    )
