"""The blank ledger workbook (issue 3, part 4): read back with openpyxl."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from workreport.config import load_config
from workreport.errors import OutputError, Refused
from workreport.ledger_template import (
    CHOICES_SHEET,
    INSTRUCTIONS_SHEET,
    LAST_ROW,
    TEMPLATE_SHEETS,
    YES_NO,
    display_width,
    write_ledger_template,
)
from workreport.ledgers import BOOL, DATE, ENUM, INT, NUMBER, ledger_specs

SHEETS = ledger_specs(load_config())


def fill_template_with_valid_rows(path: Path) -> Path:
    """Fill the ledger template at ``path`` with one valid row per sheet; return ``path``.

    Writes the template first when ``path`` does not exist.  Dates are real
    date cells and every enum value is taken from the column's choices, as a
    department filling the workbook by hand would do.  The clue is filed and
    closed, and the measure is a 党纪处分 on it, so the cross-sheet rules
    (docs/rules.md, 输入约定; docs/figures.md) are exercised too.
    """
    config = load_config()
    specs = ledger_specs(config)
    if not path.exists():
        write_ledger_template(path, config)
    party = specs["measures"].column("处理方式").choices
    measure = next(m for m in party if m in config.party_sanctions)
    activity = specs["activities"].column("活动类型").choices[0]
    rows = {
        "clues": {
            "线索编号": "CGZ-2022-001",
            "受理日期": datetime(2022, 3, 5),
            "线索来源": "信访举报",
            "被反映人": "张三",
            "单位职务": "城关镇财政所所长",
            "是否一把手": "是",
            "是否领导班子成员": "否",
            "处置方式": "初步核实",
            "立案日期": datetime(2022, 4, 1),
            "结案日期": datetime(2022, 6, 1),
        },
        "measures": {
            "姓名": "张三",
            "线索编号": "CGZ-2022-001",
            "是否一把手": "是",
            "是否领导班子成员": "否",
            "处理日期": datetime(2022, 6, 10),
            "形态": config.forms[measure],
            "处理方式": measure,
        },
        "talks": {
            "日期": datetime(2022, 2, 15),
            "谈话类型": "廉政谈话",
            "人数": 3,
            "对象类别": "一把手",
        },
        "letters": {
            "文号": "城纪函〔2022〕1号",
            "印发日期": datetime(2022, 5, 20),
            "文书类型": "廉洁提醒函",
            "收文单位": "城关镇财政所",
            "督促整改问题数": 2,
        },
        "activities": {
            "日期": datetime(2022, 4, 8),
            "活动类型": activity,
            "数量": 5,
            "计量单位": config.activities[activity],
        },
        "petitions": {
            "收到日期": datetime(2022, 1, 12),
            "信访形式": "来信",
            "信访类别": "检举控告类",
            "是否重复件": "否",
        },
        "accountability": {
            "问责日期": datetime(2022, 3, 18),
            "问责对象": "党员领导干部",
            "数量": 2,
            "问责方式": "诫勉",
        },
    }
    wb = load_workbook(path)
    for key, values in rows.items():
        ws = wb[specs[key].name]
        headers = [c.value for c in ws[1]]
        for name, value in values.items():
            ws.cell(2, headers.index(name) + 1, value)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The blank ledger workbook, written once for the module."""
    path = tmp_path_factory.mktemp("ledger-template") / "台账模板.xlsx"
    write_ledger_template(path, load_config())
    return path


@pytest.fixture(scope="module")
def template_book(written):
    """The blank ledger workbook as openpyxl reads it back, read once: the tests only look."""
    return load_workbook(written)


@pytest.fixture
def template(written, tmp_path) -> Path:
    """A copy of the blank ledger workbook of the test's own."""
    return shutil.copyfile(written, tmp_path / written.name)


def dropdown_values(wb, formula: str) -> tuple[str, ...]:
    """The values a list validation offers: inline ``"a,b"`` or a range on another sheet."""
    formula = formula.lstrip("=")
    if formula.startswith('"'):
        return tuple(formula.strip('"').split(","))
    sheet, ref = formula.rsplit("!", 1)
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    ws = wb[sheet.strip("'")]
    return tuple(
        ws.cell(r, c).value
        for r in range(min_row, max_row + 1)
        for c in range(min_col, max_col + 1)
    )


def validations(ws) -> dict[str, object]:
    """Column letter → the data validation covering that column's data rows."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.min_col == rng.max_col
            found[get_column_letter(rng.min_col)] = dv
    return found


def test_the_template_has_the_instructions_and_the_five_ledgers(template_book):
    wb = template_book

    assert wb.sheetnames == [INSTRUCTIONS_SHEET, *(s.name for s in SHEETS.values()), CHOICES_SHEET]
    assert wb[CHOICES_SHEET].sheet_state == "hidden"
    assert wb.active.title == INSTRUCTIONS_SHEET


def test_headers_are_the_canonical_column_names(template_book):
    wb = template_book

    for spec in SHEETS.values():
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == [c.name for c in spec.columns]
        assert ws.max_column == len(spec.columns)


def test_required_headers_are_marked_by_style_not_by_text(template_book):
    wb = template_book

    for spec in SHEETS.values():
        cells = wb[spec.name][1]
        required = {
            c.fill.fgColor.rgb for c, col in zip(cells, spec.columns, strict=True) if col.required
        }
        optional = {
            c.fill.fgColor.rgb
            for c, col in zip(cells, spec.columns, strict=True)
            if not col.required
        }
        assert len(required) == 1
        assert required.isdisjoint(optional)
        for cell, col in zip(cells, spec.columns, strict=True):
            assert cell.font.bold == col.required


def test_every_enum_and_yes_no_column_has_a_dropdown_equal_to_its_choices(template_book):
    wb = template_book
    ranged = []

    for spec in SHEETS.values():
        ws = wb[spec.name]
        by_column = validations(ws)
        for idx, col in enumerate(spec.columns, start=1):
            if col.kind not in (ENUM, BOOL) or (col.kind == ENUM and not col.choices):
                continue  # 专项 with no [special] names: nothing to choose from yet
            dv = by_column[get_column_letter(idx)]
            expected = col.choices if col.kind == ENUM else YES_NO
            assert dv.type == "list"
            assert dropdown_values(wb, dv.formula1) == expected, (spec.name, col.name)
            assert len(dv.formula1) <= 255  # Excel's limit for a list formula
            assert dv.showErrorMessage
            assert dv.errorStyle == "stop"
            assert col.name in dv.error
            assert dv.allow_blank
            if not dv.formula1.startswith('"'):
                ranged.append(col.name)

    assert {"处理方式", "活动类型"} <= set(ranged)


def test_dropdowns_and_formats_cover_rows_2_to_the_last_row(template_book):
    ws = template_book["问题线索"]

    dv = validations(ws)["C"]  # 线索来源

    assert str(dv.sqref) == f"C2:C{LAST_ROW}"
    assert ws["B2"].number_format == "yyyy-mm-dd"
    assert ws[f"B{LAST_ROW}"].number_format == "yyyy-mm-dd"


def test_date_columns_are_formatted_and_accept_only_dates(template_book):
    wb = template_book

    for spec in SHEETS.values():
        ws = wb[spec.name]
        by_column = validations(ws)
        for idx, col in enumerate(spec.columns, start=1):
            letter = get_column_letter(idx)
            if col.kind == DATE:
                assert ws[f"{letter}2"].number_format == "yyyy-mm-dd"
                assert by_column[letter].type == "date"
                assert by_column[letter].showErrorMessage
            else:
                assert ws[f"{letter}2"].number_format != "yyyy-mm-dd"


def test_number_columns_accept_numbers_from_their_minimum(template_book):
    wb = template_book
    checked = []

    for spec in SHEETS.values():
        by_column = validations(wb[spec.name])
        for idx, col in enumerate(spec.columns, start=1):
            if col.kind in (INT, NUMBER):
                dv = by_column[get_column_letter(idx)]
                assert dv.type == ("whole" if col.kind == INT else "decimal")
                assert dv.operator == "greaterThanOrEqual"
                assert float(dv.formula1) == col.minimum
                checked.append(col.name)

    assert checked == ["挽回经济损失（万元）", "人数", "督促整改问题数", "数量", "数量"]


def test_each_header_carries_a_note_on_meaning_and_format(template_book):
    wb = template_book

    for spec in SHEETS.values():
        ws = wb[spec.name]
        for cell, col in zip(ws[1], spec.columns, strict=True):
            text = cell.comment.text
            assert text.startswith(f"{col.name}（{'必填' if col.required else '选填'}）")
            assert col.note in text
            if col.kind == DATE:
                assert "日期" in text
    assert "是、否" in wb["问题线索"]["F1"].comment.text  # 是否一把手
    assert "谈心谈话、廉政谈话" in wb["谈话"]["B1"].comment.text
    assert "共 30 项" in wb["监督活动"]["B1"].comment.text


def test_header_row_is_frozen_filtered_and_wide_enough(template_book):
    wb = template_book

    for spec in SHEETS.values():
        ws = wb[spec.name]
        last = get_column_letter(len(spec.columns))
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{last}{LAST_ROW}"
        for idx, col in enumerate(spec.columns, start=1):
            width = ws.column_dimensions[get_column_letter(idx)].width
            assert width >= display_width(col.name) + 2, col.name


def test_display_width_counts_cjk_as_two():
    assert display_width("线索编号") == 8
    assert display_width("ID（个）") == 8
    assert display_width("2022-03-05") == 10


def test_instructions_explain_every_sheet_rule_and_column(template_book):
    ws = template_book[INSTRUCTIONS_SHEET]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    whole = "\n".join(texts)
    table = {
        (r[0].value, r[1].value): r
        for r in ws.iter_rows()
        if r[0].value in {s.name for s in SHEETS.values()} and r[1].value
    }

    for spec in SHEETS.values():
        assert spec.note in whole
        for col in spec.columns:
            row = table[(spec.name, col.name)]
            assert row[2].value == ("必填" if col.required else "选填")
            if col.kind == ENUM and col.choices:
                assert row[4].value == "、".join(col.choices)
            elif col.choices_from:
                assert col.choices_from in row[4].value
    for rule in ("城关镇纪委.xlsx", "合计", "个人信息", "日期"):
        assert rule in whole
    assert "走访单位" in texts and "个" in texts  # the activity vocabulary with its units


def test_dropdowns_follow_the_project_vocabulary(tmp_path):
    toml = tmp_path / "workreport.toml"
    long_names = {f"专项监督检查第{i}项重点工作": "次" for i in range(1, 13)}
    toml.write_text(
        "[activities]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in long_names.items()),
        encoding="utf-8",
    )
    config = load_config(toml)
    path = tmp_path / "模板.xlsx"

    write_ledger_template(path, config)

    wb = load_workbook(path)
    dv = validations(wb["监督活动"])["B"]
    # the project's types are added to the default vocabulary
    assert dropdown_values(wb, dv.formula1) == tuple(config.activities)
    assert set(long_names) < set(config.activities)


def test_writing_replaces_an_old_template_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "台账模板.xlsx"
    path.write_bytes(b"old")

    with pytest.raises(Refused) as refused:
        write_ledger_template(path, load_config())
    assert path.read_bytes() == b"old" and refused.value.exit_code == 2

    result = write_ledger_template(path, load_config(), force=True)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账模板.v1.xlsx", "台账模板.xlsx"]
    assert result.backup.read_bytes() == b"old"
    assert load_workbook(path).sheetnames[0] == INSTRUCTIONS_SHEET


def test_a_template_open_in_excel_is_not_overwritten(tmp_path):
    path = tmp_path / "台账模板.xlsx"
    path.write_bytes(b"being edited")
    (tmp_path / "~$台账模板.xlsx").write_bytes(b"lock")

    with pytest.raises(OutputError):
        write_ledger_template(path, load_config())

    assert path.read_bytes() == b"being edited"


def test_a_filled_template_reads_back_as_typed(template, tmp_path):
    path = fill_template_with_valid_rows(template.rename(tmp_path / "城关镇纪委.xlsx"))

    wb = load_workbook(path)
    clues = wb["问题线索"]
    assert clues["A2"].value == "CGZ-2022-001"
    assert clues["A2"].data_type == "s"
    assert clues["B2"].value == datetime(2022, 3, 5)
    assert clues["B2"].is_date
    assert wb["谈话"]["C2"].value == 3
    for spec in SHEETS.values():
        assert wb[spec.name].cell(3, 1).value is None


def _validate_folder(folder: Path):
    from workreport.load import load_paths
    from workreport.validate import validate

    config = load_config()
    loaded = load_paths([folder], config)
    _, issues = validate(loaded, config)
    return loaded, issues


def test_a_filled_template_passes_validate(template, tmp_path):
    fill_template_with_valid_rows(template.rename(tmp_path / "城关镇纪委.xlsx"))

    loaded, issues = _validate_folder(tmp_path)

    assert [i for i in issues if i.is_error] == []
    # the template's own helper sheets may at most be noted as ignored
    assert all(i.code == "W202" and i.sheet in TEMPLATE_SHEETS for i in issues)
    assert {key: len(frame) for key, frame in loaded.frames.items()} == dict.fromkeys(SHEETS, 1)


def test_a_blank_template_passes_validate_with_no_rows(template, tmp_path):
    template.rename(tmp_path / "城关镇纪委.xlsx")

    loaded, issues = _validate_folder(tmp_path)

    assert [i for i in issues if i.is_error] == []
    assert {key: len(frame) for key, frame in loaded.frames.items()} == dict.fromkeys(SHEETS, 0)
