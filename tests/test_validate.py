"""Loading messy ledgers and every validation rule: exact code, row and column."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import numpy as np
import openpyxl

from conftest import H1_2022, HEADERS, clue, measure, write_workbook
from workreport.figures import compute_figures
from workreport.load import load_paths
from workreport.parse import parse_bool, parse_date
from workreport.validate import validate


def edit_part(path, name: str, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` in one part of a zip package, in place, as a hand-made
    or hostile file would differ from what the writer produced."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    part = next(n for n in parts if n.startswith(name))
    assert old in parts[part], "the edit must apply, or the test proves nothing"
    parts[part] = parts[part].replace(old, new, 1)
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(
                n,
                data,
                compress_type=zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED,
            )


def check(folder, config):
    ledgers, issues = validate(load_paths([folder], config), config)
    return ledgers, issues


def found(issues, code):
    return [(i.file, i.sheet, i.row, i.column, i.column_letter) for i in issues if i.code == code]


def test_date_forms_a_person_reads_as_dates():
    assert parse_date(date(2022, 3, 5)) == date(2022, 3, 5)
    assert parse_date(datetime(2022, 3, 5, 14, 30)) == date(2022, 3, 5)
    assert parse_date(44625.0) == date(2022, 3, 5)  # Excel serial number
    for text in (
        "2022-03-05",
        "2022/3/5",
        "2022.3.5",
        "2022年3月5日",
        " ２０２２年３月５日 ",
        "2022-03-05 10:00:00",
    ):
        assert parse_date(text) == date(2022, 3, 5), text


def test_yes_no_forms():
    for yes in ("是", "Y", "y", "√", "TRUE", True, 1, "1"):
        assert parse_bool(yes) is True, yes
    for no in ("否", "N", "×", "FALSE", False, 0, "0"):
        assert parse_bool(no) is False, no


def test_header_under_title_rows_with_spelling_variants(tmp_path, config):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "谈话"
    ws.append(["城关镇纪委谈话台账（2022年上半年）"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["序号", " 日 期 ", "谈话\n类型", "人数（人）", "对象类别", "备注"])
    ws.append([1, date(2022, 1, 3), "廉政谈话", 4, "一般干部", "x"])
    ws.append([])
    ws.append([2, "2022/2/3", "廉政谈话", "2", None, None])
    ws.append(["合计", None, None, 6, None, None])
    (tmp_path / "in").mkdir()
    wb.save(tmp_path / "in" / "城关镇纪委.xlsx")
    ledgers, issues = check(tmp_path / "in", config)
    assert [i.code for i in issues if i.is_error] == []
    assert found(issues, "W201") == [("城关镇纪委.xlsx", "谈话", 7, "", "")]
    talks = ledgers.frames["talks"]
    assert list(talks["_row"]) == [
        4,
        6,
    ]  # Excel row numbers, after the title rows and the blank row
    assert compute_figures(ledgers, H1_2022, config)["talks"]["廉政谈话"] == 6


def test_merged_cells_in_data_area_apply_to_every_row(tmp_path, config):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "监督活动"
    ws.append(HEADERS["监督活动"])
    ws.append([date(2022, 1, 3), "走访单位", 3, "个"])
    ws.append([date(2022, 1, 4), None, 4, "个"])
    ws.merge_cells("B2:B3")
    (tmp_path / "in").mkdir()
    wb.save(tmp_path / "in" / "室.xlsx")
    ledgers, issues = check(tmp_path / "in", config)
    assert [i for i in issues if i.is_error] == []
    assert compute_figures(ledgers, H1_2022, config)["activities"]["走访单位"] == 7


def test_unit_is_the_file_stem_unless_a_unit_column_says_otherwise(book, config):
    book(
        "汇总",
        {
            "谈话": [
                [date(2022, 1, 3), "约谈", 1, None, "甲镇纪委"],
                [date(2022, 1, 3), "约谈", 2, None, None],
            ]
        },
        headers=False,
    )
    # write the header by hand with an extra 填报单位 column
    path = book.folder / "汇总.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["谈话"].insert_rows(1)
    for c, h in enumerate([*HEADERS["谈话"][:4], "填报单位"], start=1):
        wb["谈话"].cell(1, c, h)
    wb.save(path)
    ledgers, issues = check(book.folder, config)
    assert [i for i in issues if i.is_error] == []
    assert sorted(ledgers.frames["talks"]["_unit"]) == ["汇总", "甲镇纪委"]
    assert ledgers.present["talks"] == {"汇总", "甲镇纪委"}


def test_missing_required_column_suggests_the_near_header(book, config):
    book(
        "室", {"谈话": [["日期", "谈话种类", "人数"], [date(2022, 1, 3), "约谈", 1]]}, headers=False
    )
    _, issues = check(book.folder, config)
    e = [i for i in issues if i.code == "E101"]
    assert [(i.sheet, i.row, i.column) for i in e] == [("谈话", 1, "谈话类型")]
    assert e[0].suggestion == "表头「谈话种类」是否应为「谈话类型」？"


def test_every_cell_problem_is_reported_at_its_cell(book, config):
    book(
        "城关镇纪委",
        {
            "监督活动": [
                [date(2022, 1, 3), "廉政家仿", 2, "次"],  # row 2: enum typo
                ["2022-13-01", "廉政家访", 2, "次"],  # row 3: no such month
                [date(2022, 1, 5), "廉政家访", -1, "次"],  # row 4: below 0
                [None, "廉政家访", "两次", None],  # row 5: missing date, not a number
                [date(2022, 1, 5), "廉政家访", 1, "个"],  # row 6: wrong unit
            ],
            "问题线索": [clue("Q1", date(2022, 1, 1), top="也许")],  # row 2: yes/no
        },
    )
    _, issues = check(book.folder, config)
    codes = sorted(
        (i.code, i.sheet, i.row, i.column, i.column_letter) for i in issues if i.is_error
    )
    assert codes == [
        ("E102", "监督活动", 5, "日期", "A"),
        ("E103", "监督活动", 3, "日期", "A"),
        ("E104", "监督活动", 2, "活动类型", "B"),
        ("E105", "问题线索", 2, "是否一把手", "E"),
        ("E106", "监督活动", 4, "数量", "C"),
        ("E106", "监督活动", 5, "数量", "C"),
        ("E112", "监督活动", 6, "计量单位", "D"),
    ]
    typo = next(i for i in issues if i.code == "E104")
    assert typo.message == "「廉政家仿」不是有效的取值"
    assert typo.suggestion == "是否应为「廉政家访」？"


def test_clue_ids_are_unique_across_workbooks_naming_both_places(book, config):
    book("甲室", {"问题线索": [clue("D1", date(2022, 1, 1))]})
    book("乙室", {"问题线索": [clue("D2", date(2022, 1, 1)), clue("D1", date(2022, 1, 2))]})
    _, issues = check(book.folder, config)
    dup = [i for i in issues if i.code == "E107"]
    assert [(i.file, i.row, i.column) for i in dup] == [("甲室.xlsx", 2, "线索编号")]
    assert dup[0].message == "线索编号「D1」重复，首次出现在 乙室.xlsx / 问题线索 / 第3行"


def test_case_dates_must_be_in_order(book, config):
    book(
        "室",
        {
            "问题线索": [
                clue("O1", date(2022, 3, 1), closed=date(2022, 4, 1)),  # closed, never filed
                clue(
                    "O2", date(2022, 3, 1), filed=date(2022, 4, 1), closed=date(2022, 3, 15)
                ),  # closed before filed
                clue("O3", date(2022, 3, 1), filed=date(2022, 2, 1)),  # filed before received
            ]
        },
    )
    _, issues = check(book.folder, config)
    assert found(issues, "E108") == [
        ("室.xlsx", "问题线索", 2, "立案日期", "H"),
        ("室.xlsx", "问题线索", 3, "结案日期", "I"),
        ("室.xlsx", "问题线索", 4, "立案日期", "H"),
    ]


def test_measures_reference_filed_clues_and_agree_with_form(book, config):
    book(
        "室",
        {
            "问题线索": [
                clue("M1", date(2022, 1, 1)),
                clue("M2", date(2022, 1, 1), filed=date(2022, 2, 1)),
            ],
            "处分处理": [
                measure("甲", "M9", date(2022, 3, 1), "第一种形态", "诫勉"),  # row 2: no such clue
                measure(
                    "乙", "M1", date(2022, 3, 1), "第二种形态", "党纪警告"
                ),  # row 3: clue not filed
                measure(
                    "丙", None, date(2022, 3, 1), "第二种形态", "记过"
                ),  # row 4: sanction without clue
                measure(
                    "丁", "M2", date(2022, 3, 1), "第一种形态", "记过"
                ),  # row 5: 记过 is the second form
                measure("戊", "M2", date(2022, 3, 1), "第二种形态", "记过"),  # row 6: fine
            ],
        },
    )
    _, issues = check(book.folder, config)
    got = sorted((i.code, i.row, i.column) for i in issues if i.is_error)
    assert got == [
        ("E109", 2, "线索编号"),
        ("E110", 3, "线索编号"),
        ("E110", 4, "线索编号"),
        ("E111", 5, "形态"),
    ]


def test_document_numbers_are_unique(book, config):
    book(
        "室",
        {
            "文书": [
                ["纪〔2022〕1号", date(2022, 1, 3), "廉洁提醒函", None, 0],
                ["纪〔2022〕1号", date(2022, 1, 4), "廉洁提醒函", None, 0],
            ]
        },
    )
    _, issues = check(book.folder, config)
    assert found(issues, "E113") == [("室.xlsx", "文书", 3, "文号", "A")]


def test_a_workbook_without_ledger_sheets_lists_the_sheets_it_has(book, config):
    book("封面", {"封面": [["x"]], "说明": [["y"]]})
    _, issues = check(book.folder, config)
    e = [i for i in issues if i.code == "E005"]
    assert e[0].message == "没有台账工作表。现有工作表：「封面」、「说明」"


def test_other_sheets_are_ignored_with_a_note(book, config):
    book("室", {"封面": [["..."]], "填表说明": [["..."]], "谈话": []})
    _, issues = check(book.folder, config)
    assert found(issues, "W202") == [
        ("室.xlsx", "封面", None, "", "")
    ]  # our own 填表说明 needs no note


def test_a_sheet_without_a_header_row_is_an_error(book, config):
    book("室", {"谈话": [["a", "b"], [1, 2]]}, headers=False)
    _, issues = check(book.folder, config)
    assert [i.code for i in issues] == ["E114"]


def test_formula_like_text_stays_text(book, config):
    path = book(
        "室", {"文书": [["纪〔2022〕1号", date(2022, 1, 3), "廉洁提醒函", "placeholder", 0]]}
    )
    wb = openpyxl.load_workbook(path)
    cell = wb["文书"]["D2"]
    cell.value = "=cmd|' /C calc'!A0"
    cell.data_type = "s"  # a text cell that merely starts with '=', as a department might type
    wb.save(path)
    ledgers, issues = check(book.folder, config)
    assert [i for i in issues if i.is_error] == []
    assert ledgers.frames["letters"]["收文单位"].iat[0] == "=cmd|' /C calc'!A0"


def test_all_problems_of_all_files_come_back_together(book, config):
    book("甲室", {"谈话": [[date(2022, 1, 3), "闲聊", 1, None]]})
    book("乙室", {"谈话": [["昨天", "约谈", 1, None]]})
    write_workbook(book.folder / "丙室.xlsx", {"谈话": [[date(2022, 1, 3), "约谈", 1, None]]})
    (book.folder / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    _, issues = check(book.folder, config)
    assert sorted((i.file, i.code) for i in issues if i.is_error) == [
        ("乙室.xlsx", "E103"),
        ("坏文件.xlsx", "E001"),
        ("甲室.xlsx", "E104"),
    ]


def test_lock_and_hidden_files_are_skipped(book, config):
    book("室", {"谈话": []})
    (book.folder / "~$室.xlsx").write_bytes(b"lock")
    (book.folder / ".隐藏.xlsx").write_bytes(b"hidden")
    loaded = load_paths([book.folder], config)
    assert [f.name for f in loaded.files] == ["室.xlsx"]
    assert [i.code for i in loaded.issues] == ["W223"]  # its one sheet has no rows


def test_a_formula_without_a_cached_value_is_an_error_at_its_cell(book, config):
    path = book(
        "室",
        {
            "监督活动": [
                [date(2022, 1, 3), "走访单位", 3, "个"],
                [date(2022, 1, 4), "走访单位", "=C2*2", "个"],
            ]
        },
    )
    # openpyxl saves a formula without its result, as a generator script would
    assert openpyxl.load_workbook(path, data_only=True)["监督活动"]["C3"].value is None
    _, issues = check(book.folder, config)
    assert [(i.code, i.row, i.column_letter) for i in issues if i.is_error] == [("E006", 3, "C")]


def test_calamine_and_openpyxl_read_the_same_values_from_the_sample_ledgers():
    """The loader reads with calamine for speed; openpyxl is the reference (issue 6)."""
    import python_calamine

    from conftest import SAMPLE
    from workreport.load import _spread_merges

    for path in sorted(SAMPLE.glob("*.xlsx")):
        book = openpyxl.load_workbook(path, data_only=True)
        fast = python_calamine.CalamineWorkbook.from_path(str(path))
        for ws in book.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            for merged in ws.merged_cells.ranges:
                value = rows[merged.min_row - 1][merged.min_col - 1]
                for r in range(merged.min_row - 1, merged.max_row):
                    for c in range(merged.min_col - 1, merged.max_col):
                        rows[r][c] = value
            sheet = fast.get_sheet_by_name(ws.title)
            theirs = sheet.to_python(skip_empty_area=False)
            _spread_merges(theirs, sheet.merged_cell_ranges or [])
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    other = theirs[r][c] if r < len(theirs) and c < len(theirs[r]) else ""
                    if v is None:
                        assert other == "", (path.name, ws.title, r + 1, c + 1)
                    elif isinstance(v, int | float) and not isinstance(v, bool):
                        assert float(other) == float(v), (path.name, ws.title, r + 1, c + 1)
                    elif isinstance(v, datetime):
                        assert other in (v, v.date()), (path.name, ws.title, r + 1, c + 1)
                    else:
                        assert other == v, (path.name, ws.title, r + 1, c + 1)


def test_a_workbook_sent_twice_or_with_its_correction_is_an_error(book, config):
    import shutil

    first = book("城关镇纪委", {"谈话": [[date(2022, 1, 3), "廉政谈话", 10, None]]})
    shutil.copy(first, book.folder / "城关镇纪委 (1).xlsx")  # the browser's copy of the same file
    write_workbook(
        book.folder / "更正" / "城关镇纪委（更正）.xlsx",
        {"谈话": [[date(2022, 1, 3), "廉政谈话", 12, None]]},
    )
    ledgers, issues = check(book.folder, config)
    found = [(i.code, i.file, i.message) for i in issues if i.code in ("E118", "E119")]
    assert found == [
        ("E118", "城关镇纪委.xlsx", "与「城关镇纪委 (1).xlsx」内容完全相同，是重复报送"),
        (
            "E119",
            "更正/城关镇纪委（更正）.xlsx",
            "与「城关镇纪委 (1).xlsx」对应同一填报单位「城关镇纪委」，两份数据会重复计入",
        ),
    ]
    # the copy and correction marks are not part of the unit's name
    assert set(ledgers.frames["talks"]["_unit"]) == {"城关镇纪委"}


def test_copy_and_correction_marks_are_not_part_of_the_unit():
    from workreport.load import unit_of

    for name in (
        "城关镇纪委 (1).xlsx",
        "城关镇纪委 - 副本.xlsx",
        "城关镇纪委（更正）.xlsx",
        "城关镇纪委_v2.xlsx",
        "城关镇纪委-修改版.xlsx",
        "城关镇纪委【终稿】.xlsx",
    ):
        assert unit_of(name) == "城关镇纪委", name
    assert unit_of("第一派驻纪检监察组.xlsx") == "第一派驻纪检监察组"
    assert unit_of("新城镇纪委.xlsx") == "新城镇纪委"
    assert unit_of("科技创新.xlsx") == "科技创新"


def test_our_own_audit_workbook_is_not_read_as_a_ledger(book, config):
    book("室", {"谈话": [[date(2022, 1, 3), "廉政谈话", 10, None]]})
    book("汇报.底稿", {"谈话": [[date(2022, 1, 3), "廉政谈话", 10, None]]})
    ledgers, issues = check(book.folder, config)
    assert [(i.code, i.file) for i in issues] == [("W203", "汇报.底稿.xlsx")]
    assert len(ledgers.frames["talks"]) == 1


def test_an_unknown_column_with_a_header_is_noted(book, config):
    book(
        "室",
        {
            "谈话": [
                ["日期", "谈话类型", "人数", "对象类别", "处置情况"],
                [date(2022, 1, 3), "约谈", 2, None, "x"],
            ]
        },
        headers=False,
    )
    _, issues = check(book.folder, config)
    assert [(i.code, i.column, i.column_letter) for i in issues] == [("W206", "处置情况", "E")]


def test_near_miss_headers_are_errors_and_common_variants_are_understood(book, config):
    book(
        "室",
        {
            "问题线索": [
                [
                    "线索编号",
                    "受理日期",
                    "线索来源",
                    "被反映人",
                    "是否为一把手",
                    "立案时间",
                    "结案时问",
                ],
                [
                    "Q1",
                    date(2022, 1, 1),
                    "信访举报",
                    "甲",
                    "是",
                    date(2022, 2, 1),
                    date(2022, 3, 1),
                ],
            ]
        },
        headers=False,
    )
    ledgers, issues = check(book.folder, config)
    # 是否为一把手 and 立案时间 are what a person means; 结案时问 is a typo that would hide a column
    assert [(i.code, i.column, i.column_letter) for i in issues if i.is_error] == [
        ("E116", "结案时问", "G")
    ]
    # the optional columns this sheet lacks are named, so nothing is silently counted as blank
    assert sorted(i.column for i in issues if i.code == "W207") == ["处置方式", "是否领导班子成员"]
    assert next(i for i in issues if i.code == "E116").suggestion.startswith(
        "如是，请把表头改为「结案日期」"
    )
    clues = ledgers.frames["clues"]
    assert bool(clues["是否一把手"].iat[0]) is True
    assert clues["立案日期"].iat[0] == np.datetime64("2022-02-01")


def test_an_excel_error_value_is_an_error_not_a_blank(tmp_path, config):

    path = write_workbook(
        tmp_path / "in" / "室.xlsx", {"谈话": [[date(2022, 1, 3), "廉政谈话", 5, None]]}
    )
    # turn C2 (人数) into a cached #N/A, as Excel saves a failed lookup; t before r, as
    # some writers order the attributes
    edit_part(
        path,
        "xl/worksheets/sheet",
        b'<c r="C2" t="n"><v>5</v></c>',
        b'<c t="e" r="C2"><v>#N/A</v></c>',
    )
    _, issues = check(tmp_path / "in", config)
    assert [(i.code, i.row, i.column, i.column_letter) for i in issues] == [
        ("E117", 2, "人数", "C")
    ]


def test_spaces_inside_a_name_do_not_make_two_persons(book, config):
    book(
        "室",
        {
            "问题线索": [clue("AG1", date(2021, 10, 1), filed=date(2021, 12, 1))],
            "处分处理": [
                measure("王  五", "AG1", date(2022, 3, 1), "第二种形态", "党纪警告"),
                measure("王　五", "ＡＧ1", date(2022, 3, 2), "第二种形态", "政务警告"),
            ],
        },
    )
    ledgers, issues = check(book.folder, config)
    assert [i for i in issues if i.is_error] == []
    assert compute_figures(ledgers, H1_2022, config)["sanctioned_persons"] == 1


def test_a_row_with_only_a_serial_number_is_an_empty_row(book, config):
    book(
        "室",
        {
            "谈话": [
                ["序号", "日期", "谈话类型", "人数", "对象类别"],
                [1, date(2022, 1, 3), "约谈", 2],
                [2, None, None, None],
                [3],
            ]
        },
        headers=False,
    )
    ledgers, issues = check(book.folder, config)
    assert issues == []
    assert len(ledgers.frames["talks"]) == 1


def test_a_unit_column_filled_on_every_row_leaves_no_phantom_unit(book, config):
    path = book(
        "汇总",
        {
            "谈话": [
                [date(2022, 1, 3), "约谈", 1, None, "甲镇纪委"],
                [date(2022, 1, 3), "约谈", 2, None, "乙镇纪委"],
            ]
        },
        headers=False,
    )
    wb = openpyxl.load_workbook(path)
    wb["谈话"].insert_rows(1)
    for c, h in enumerate([*HEADERS["谈话"][:4], "填报单位"], start=1):
        wb["谈话"].cell(1, c, h)
    wb.save(path)
    ledgers, _ = check(book.folder, config)
    assert ledgers.units == ["乙镇纪委", "甲镇纪委"]  # no 「汇总」 row of zeros in the appendix


def write_ods(path, name: str, rows: list[list], merges: dict[tuple[int, int], int]):
    """A minimal OpenDocument spreadsheet; ``merges`` maps (row, col) → rows spanned."""
    import zipfile
    from xml.sax.saxutils import escape

    covered = {(r + k, c) for (r, c), n in merges.items() for k in range(1, n)}
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, v in enumerate(row):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            span = f' table:number-rows-spanned="{merges[(r, c)]}"' if (r, c) in merges else ""
            if isinstance(v, int):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{v}"{span}><text:p>{v}</text:p></table:table-cell>'
                )
            elif isinstance(v, date):
                cells.append(
                    f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}"{span}><text:p>{v}</text:p></table:table-cell>'
                )
            elif v is None:
                cells.append(f"<table:table-cell{span}/>")
            else:
                cells.append(
                    f'<table:table-cell office:value-type="string"{span}><text:p>{escape(v)}</text:p></table:table-cell>'
                )
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_merged_cells_in_an_ods_apply_to_every_row(tmp_path, config):
    rows = [
        ["城关镇纪委谈话台账", None, None],
        ["日期", "谈话类型", "人数"],
        [date(2022, 1, 3), "廉政谈话", 10],
        [date(2022, 1, 4), None, None],
        [date(2022, 1, 5), None, None],
    ]
    # 谈话类型 and 人数 merged down three rows: each talk is 廉政谈话 with 10 people
    write_ods(tmp_path / "in" / "城关镇纪委.ods", "谈话", rows, {(0, 0): 1, (2, 1): 3, (2, 2): 3})
    ledgers, issues = check(tmp_path / "in", config)
    assert [i for i in issues if i.is_error] == []
    assert compute_figures(ledgers, H1_2022, config)["talks"]["廉政谈话"] == 30


def test_an_ods_that_repeats_a_value_a_million_times_is_refused(tmp_path, config):

    path = write_ods(
        tmp_path / "in" / "室.ods",
        "谈话",
        [["日期", "谈话类型", "人数"], [date(2022, 1, 3), "约谈", 1]],
        {},
    )
    # one row with a value, repeated 900,000 times: a few bytes that unpack to 2.7 million cells
    edit_part(
        path,
        "content.xml",
        b'<table:table-row><table:table-cell office:value-type="date"',
        b'<table:table-row table:number-rows-repeated="900000"><table:table-cell office:value-type="date"',
    )
    from workreport import safety

    # refused by the pre-scan, before the reader builds 2.7 million cells
    assert [(i.code, i.sheet) for i in safety.check_workbook(path)] == [("E007", "谈话")]
    _, issues = check(tmp_path / "in", config)
    assert [(i.code, i.file, i.sheet) for i in issues] == [("E007", "室.ods", "谈话")]


def test_an_odd_ods_attribute_is_read_tolerantly(tmp_path, config):

    path = write_ods(
        tmp_path / "in" / "室.ods",
        "谈话",
        [["日期", "谈话类型", "人数"], [date(2022, 1, 3), "约谈", 1]],
        {},
    )
    edit_part(
        path,
        "content.xml",
        b'office:value-type="string"><text:p>\xe7\xba\xa6',  # the 约谈 cell
        b'office:value-type="string" table:number-rows-spanned="2.0"><text:p>\xe7\xba\xa6',
    )
    _, issues = check(tmp_path / "in", config)
    assert [i for i in issues if i.is_error] == []


def test_cells_read_leniently_before_are_errors_at_their_cell(book, config):
    """Numbers only as people write them, dates only in 1954–2119, and a NaN stored in a
    cell (by some other program) is neither blank nor a value (docs/rules.md, 输入约定)."""
    path = book(
        "城关镇纪委",
        {
            "监督活动": [
                [date(2022, 1, 3), "廉政家访", "1E5", "次"],  # row 2: an exponent
                [date(2022, 1, 3), "廉政家访", "1_000", "次"],  # row 3: an underscore
                [date(2022, 1, 3), "廉政家访", "\u0661\u0662", "次"],  # row 4: Arabic-Indic
                [60, "廉政家访", 1, "次"],  # row 5: serial 60 shown as a date, below
                [date(1950, 1, 3), "廉政家访", 1, "次"],  # row 6: before 1954
                ["2150-01-03", "廉政家访", 1, "次"],  # row 7: after 2119
                [date(2022, 1, 3), "廉政家访", 7777, "次"],  # row 8: NaN, below
                [8888, "廉政家访", 1, "次"],  # row 9: NaN, below
                [date(2022, 1, 3), "廉政家访", "1,200", "次"],  # row 10: fine
                ["\u0662\u0660\u0662\u0662-01-03", "廉政家访", 1, "次"],  # row 11
            ]
        },
    )
    wb = openpyxl.load_workbook(path)
    wb["监督活动"]["A5"].number_format = "yyyy-mm-dd"  # Excel's phantom 1900-02-29
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            parts[name] = data.replace(b"<v>7777</v>", b"<v>NaN</v>").replace(
                b"<v>8888</v>", b"<v>NaN</v>"
            )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)

    _, issues = check(book.folder, config)
    errors = sorted((i.row, i.code, i.column_letter, i.message) for i in issues if i.is_error)
    nan = "单元格中存的是 NaN（非数字），既不是空白，也不是有效的值"
    assert errors == [
        (2, "E106", "C", "「1E5」不是数字"),
        (3, "E106", "C", "「1_000」不是数字"),
        (4, "E106", "C", "「\u0661\u0662」不是数字"),
        (5, "E103", "A", "日期 1900-02-28 不在 1954 年至 2119 年之间"),
        (6, "E103", "A", "日期 1950-01-03 不在 1954 年至 2119 年之间"),
        (7, "E103", "A", "日期 2150-01-03 不在 1954 年至 2119 年之间"),
        (8, "E106", "C", nan),
        (9, "E103", "A", nan),
        (11, "E103", "A", "无法识别日期「\u0662\u0660\u0662\u0662-01-03」"),
    ]


def test_dates_at_the_ends_of_the_range_are_read():
    assert parse_date(date(1954, 1, 1)) == date(1954, 1, 1)
    assert parse_date("2119年12月31日") == date(2119, 12, 31)
    assert parse_date(19725) == date(1954, 1, 1)  # the serial number of 1954-01-01
    assert parse_date(datetime(2119, 12, 31, 23, 59)) == date(2119, 12, 31)
