"""The families every report quotes (docs/figures.md): the 信访举报 and 问责 sheets and their
figures.  Hand-made ledgers; every expected value worked out by hand in the test."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl

from conftest import HEADERS, clue, run, write_workbook


def petition(received, form, category, repeated=None) -> list:
    return [received, form, category, repeated]


def stats(*paths, period="2022H1") -> dict:
    result = run("stats", *paths, "--period", period, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["figures"]


def test_the_sheet_has_the_four_columns_of_the_spec():
    assert HEADERS["信访举报"] == ["收到日期", "信访形式", "信访类别", "是否重复件", "专项"]


def test_petitions_are_counted_by_form_and_category_and_accusations_once(tmp_path):
    write_workbook(
        tmp_path / "信访室.xlsx",
        {
            "信访举报": [
                petition(date(2022, 1, 5), "来信", "检举控告类"),  # 1: in, accusation
                petition(date(2022, 2, 9), "来访", "检举控告类", "是"),  # 2: in, repeated
                petition(date(2022, 3, 1), "网络举报", "申诉类"),  # 3: in
                petition(date(2022, 6, 30), "网络举报", "检举控告类", "否"),  # 4: in, last day
                petition(date(2022, 7, 1), "来信", "检举控告类"),  # out: the day after
                petition(date(2021, 12, 31), "电话举报", "意见建议类"),  # out: before
            ]
        },
    )
    figures = stats(tmp_path)
    # rows 1–4 are in 2022H1: 4 件次, each counted, a repeated one too
    assert figures["petitions"] == 4
    assert figures["petitions_by_form"] == {
        "来信": 1,
        "来访": 1,
        "网络举报": 2,
        "电话举报": 0,
        "上级转办": 0,
        "其他": 0,
    }
    assert figures["petitions_by_category"] == {
        "检举控告类": 3,  # rows 1, 2, 4
        "申诉类": 1,
        "意见建议类": 0,
        "其他": 0,
    }
    # 检举控告类 not repeated: rows 1 and 4 (row 2 is a 重复件)
    assert figures["petitions_accusations"] == 2


def test_a_project_without_the_sheet_has_the_figures_missing_not_zero(tmp_path):
    write_workbook(tmp_path / "案管室.xlsx", {"问题线索": [clue("A1", date(2022, 3, 1))]})
    figures = stats(tmp_path)
    assert figures["clues"] == 1
    assert figures["petitions"] is None and figures["petitions_accusations"] is None


def test_a_bad_form_is_an_error_with_the_closest_name(tmp_path):
    write_workbook(
        tmp_path / "信访室.xlsx",
        {"信访举报": [petition(date(2022, 1, 5), "网上举报", "检举控告类")]},
    )
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "信访形式" in result.output and "网络举报" in result.output


def test_the_blank_template_has_the_sheet_with_its_dropdowns(tmp_path):
    out = tmp_path / "台账模板.xlsx"
    assert run("template", "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["信访举报"]
    assert [c.value for c in ws[1]][:4] == ["收到日期", "信访形式", "信访类别", "是否重复件"]
    lists = {v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"}
    assert '"来信,来访,网络举报,电话举报,上级转办,其他"' in lists
    assert '"检举控告类,申诉类,意见建议类,其他"' in lists


def test_the_data_workbook_lists_the_petitions_counted(tmp_path):
    data = tmp_path / "收文"
    write_workbook(data / "案管室.xlsx", {"问题线索": [clue("A1", date(2022, 3, 1))]})
    write_workbook(
        data / "信访室.xlsx",
        {
            "信访举报": [
                petition(date(2022, 1, 5), "来信", "检举控告类"),
                petition(date(2022, 8, 5), "来信", "检举控告类"),  # outside 2022H1
            ]
        },
    )
    out = tmp_path / "汇报.docx"
    result = run("build", data, "--period", "2022H1", "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(Path(str(out).replace(".docx", ".底稿.xlsx")), read_only=True)
    assert "信访举报" in book.sheetnames
    rows = [r for r in book["信访举报"].iter_rows(values_only=True) if any(r)]
    assert sum(1 for r in rows if "2022-01-05" in " ".join(map(str, r))) == 1
    assert not any("2022-08-05" in " ".join(map(str, r)) for r in rows)


def test_the_bulletin_opens_with_the_petitions_received_when_a_workbook_sends_them(tmp_path):
    # docs/templates.md, 模板集: «…全市纪检监察机关共接收信访举报X件次，处置问题线索X件…»; no sheet, no clause
    from conftest import SAMPLE, paragraphs

    data = tmp_path / "收文"
    data.mkdir()
    for path in SAMPLE.glob("*.xlsx"):
        (data / path.name).write_bytes(path.read_bytes())
    (data / "workreport.toml").write_bytes((SAMPLE / "workreport.toml").read_bytes())
    # the sample's 信访室 keeps a 信访举报 register: this one sends its clues only
    book = openpyxl.load_workbook(data / "信访室.xlsx")
    del book["信访举报"]
    book.save(data / "信访室.xlsx")
    without = tmp_path / "无.docx"
    assert run("build", data, "--preset", "通报", "-o", without).exit_code == 0
    opening = next(p for p in paragraphs(without) if "纪检监察机关共" in p)
    assert "信访举报" not in opening and "共处置问题线索" in opening
    write_workbook(
        data / "信访室信访.xlsx",
        {
            "信访举报": [
                petition(date(2022, 1, 5), "来信", "检举控告类"),
                petition(date(2022, 2, 5), "来访", "申诉类", "是"),
                petition(date(2022, 9, 5), "来访", "申诉类"),  # outside 2022H1
            ]
        },
    )
    with_sheet = tmp_path / "有.docx"
    assert run("build", data, "--preset", "通报", "-o", with_sheet).exit_code == 0
    opening = next(p for p in paragraphs(with_sheet) if "纪检监察机关共" in p)
    assert "共接收信访举报2件次，处置问题线索" in opening


def test_accountability_counts_organisations_and_leaders_by_their_numbers(tmp_path):
    write_workbook(
        tmp_path / "党风室.xlsx",
        {
            "问责": [
                [date(2022, 2, 1), "党组织", 1, "通报问责"],
                [date(2022, 3, 1), "党员领导干部", 3, "诫勉"],  # one decision, three leaders
                [date(2022, 6, 30), "党员领导干部", 1, None],  # the last day counts
                [date(2022, 7, 1), "党组织", 2, None],  # outside 2022H1
            ]
        },
    )
    figures = stats(tmp_path)
    assert figures["accountability_orgs"] == 1
    assert figures["accountability_persons"] == 3 + 1
    assert HEADERS["问责"] == ["问责日期", "问责对象", "数量", "问责方式", "专项"]


def test_accountability_without_the_sheet_is_missing_and_a_zero_count_is_an_error(tmp_path):
    write_workbook(tmp_path / "案管室.xlsx", {"问题线索": [clue("A1", date(2022, 3, 1))]})
    assert stats(tmp_path)["accountability_persons"] is None
    write_workbook(tmp_path / "党风室.xlsx", {"问责": [[date(2022, 2, 1), "党组织", 0, None]]})
    result = run("validate", tmp_path)
    assert result.exit_code == 1 and "数量" in result.output


def clue_row(cid, received, filed, **cells) -> list:
    """A 问题线索 row in the canonical header's order (conftest.HEADERS), optional cells
    by their column's name."""
    header = HEADERS["问题线索"]
    row = clue(cid, received, filed=filed) + [None] * (len(header) - 9)
    for name, value in cells.items():
        row[header.index(name)] = value
    return row


def categorised(cid, received, filed, category) -> list:
    return clue_row(cid, received, filed, 问题类别=category)


def test_cases_filed_by_category_count_only_the_units_that_report_the_column(tmp_path):
    write_workbook(
        tmp_path / "甲室.xlsx",
        {
            "问题线索": [
                categorised("A1", date(2022, 1, 3), date(2022, 2, 1), "违反中央八项规定精神"),
                categorised("A2", date(2022, 1, 3), date(2022, 3, 1), None),  # 未填
                categorised("A3", date(2022, 1, 3), date(2022, 4, 1), "形式主义官僚主义"),
                categorised("A4", date(2022, 1, 3), date(2022, 8, 1), "违反廉洁纪律"),  # out
            ]
        },
    )
    # 乙室 keeps no 问题类别 (the column is blank): its case is not in the breakdown
    write_workbook(
        tmp_path / "乙室.xlsx",
        {"问题线索": [categorised("B1", date(2022, 1, 3), date(2022, 3, 1), None)]},
    )
    result = run("stats", tmp_path, "--period", "2022H1", "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["figures"]
    assert figures["cases_filed"] == 4  # A1, A2, A3 and B1
    by_category = figures["cases_filed_by_category"]
    assert by_category["违反中央八项规定精神"] == 1
    assert by_category["形式主义官僚主义"] == 1
    assert by_category["未填"] == 1  # A2
    assert sum(by_category.values()) == 3  # 乙室's B1 is not counted: partial
    assert by_category["违反廉洁纪律"] == 0  # A4 was filed in August


def test_an_unknown_category_suggests_the_closest_and_a_project_names_its_own(tmp_path):
    write_workbook(
        tmp_path / "甲室.xlsx",
        {"问题线索": [categorised("A1", date(2022, 1, 3), date(2022, 2, 1), "违反八项规定精神")]},
    )
    result = run("validate", tmp_path)
    assert result.exit_code == 1 and "违反中央八项规定精神" in result.output
    (tmp_path / "workreport.toml").write_text(
        '[categories]\nnames = ["违反八项规定精神", "其他"]\neight_rules = ["违反八项规定精神"]\n',
        encoding="utf-8",
    )
    assert run("validate", tmp_path).exit_code == 0
    (tmp_path / "workreport.toml").write_text(
        '[categories]\nnames = ["其他"]\neight_rules = ["违反八项规定精神"]\n', encoding="utf-8"
    )
    result = run("validate", tmp_path)
    assert (
        result.exit_code == 2
        and "eight_rules 中的「违反八项规定精神」不在 names 中" in result.output
    )


def test_cases_filed_and_government_sanctions_by_rank(tmp_path):
    header = HEADERS["处分处理"]

    def sanction(name, cid, when, kind, rank) -> list:
        row = [name, cid, None, None, when, None, kind] + [None] * (len(header) - 7)
        row[header.index("职级")] = rank
        row[header.index("形态")] = "第三种形态" if kind == "降级" else "第二种形态"
        return row

    write_workbook(
        tmp_path / "甲室.xlsx",
        {
            "问题线索": [
                clue_row("A1", date(2022, 1, 3), date(2022, 2, 1), 职级="县处级"),
                clue_row("A2", date(2022, 1, 3), date(2022, 3, 1), 职级="科级"),  # read 乡科级
                clue_row("A3", date(2022, 1, 3), date(2022, 4, 1)),  # 未填
            ],
            "处分处理": [
                sanction("甲某", "A1", date(2022, 5, 1), "政务警告", "县处级"),
                sanction("甲某", "A1", date(2022, 5, 2), "记过", "县处级"),  # same person
                sanction("乙某", "A2", date(2022, 5, 3), "降级", "乡科级"),
                sanction("丙某", "A3", date(2022, 5, 4), "党纪警告", "一般干部"),  # not 政务
            ],
        },
    )
    figures = stats(tmp_path)
    assert figures["cases_filed_by_rank"] == {
        "省部级": 0,
        "厅局级": 0,
        "县处级": 1,
        "乡科级": 1,
        "一般干部": 0,
        "其他人员": 0,
        "未填": 1,
    }
    # 甲某 once (two 政务处分 on one clue), 乙某; 丙某's 党纪警告 is no 政务处分
    assert figures["gov_sanctioned_by_rank"]["县处级"] == 1
    assert figures["gov_sanctioned_by_rank"]["乡科级"] == 1
    assert sum(figures["gov_sanctioned_by_rank"].values()) == 2


def test_the_eight_rules_trio_counts_clues_persons_and_sanctions_by_the_clue_s_category(tmp_path):
    from conftest import measure

    eight, style, honesty = "违反中央八项规定精神", "形式主义官僚主义", "违反廉洁纪律"
    write_workbook(
        tmp_path / "甲室.xlsx",
        {
            "问题线索": [
                categorised("A1", date(2021, 11, 3), date(2022, 1, 10), eight),
                categorised("A2", date(2022, 1, 3), date(2022, 2, 1), style),
                categorised("A3", date(2022, 1, 3), date(2022, 2, 1), honesty),  # not 八项规定
                categorised("A4", date(2022, 1, 3), None, eight),  # not filed: a 谈话 only
                categorised("A5", date(2022, 1, 3), date(2022, 2, 1), eight),  # measure in July
            ],
            "处分处理": [
                measure("甲某", "A1", date(2022, 3, 1), "第二种形态", "党纪警告"),
                measure("甲某", "A1", date(2022, 3, 2), "第二种形态", "政务警告"),  # same person
                measure("乙某", "A1", date(2022, 3, 3), "第一种形态", "批评教育"),
                measure("丙某", "A2", date(2022, 4, 1), "第一种形态", "谈话提醒"),
                measure("丁某", "A3", date(2022, 4, 1), "第二种形态", "党纪警告"),  # 廉洁纪律
                measure("戊某", "A4", date(2022, 5, 1), "第一种形态", "批评教育"),
                measure("己某", "A5", date(2022, 7, 1), "第二种形态", "党纪警告"),  # outside
                measure("庚某", None, date(2022, 5, 1), "第一种形态", "批评教育"),  # no clue
            ],
        },
    )
    figures = stats(tmp_path)
    # clues with a measure in 2022H1 whose category is 八项规定 or 形式主义官僚主义:
    # A1 (three measures, one 起), A2 and A4; not A3 (廉洁纪律), not A5 (its measure is July)
    assert figures["eight_rules_problems"] == 3
    # persons on them: 甲某 and 乙某 (A1), 丙某 (A2), 戊某 (A4)
    assert figures["eight_rules_persons"] == 4
    # of them with a 党纪 or 政务处分: 甲某 only (twice, one person)
    assert figures["eight_rules_sanctioned"] == 1


def test_the_eight_rules_trio_is_missing_without_the_column_and_partial_with_some_units(
    tmp_path,
):
    from conftest import measure

    write_workbook(
        tmp_path / "甲室.xlsx",
        {
            "问题线索": [clue("A1", date(2022, 1, 3), filed=date(2022, 2, 1))],
            "处分处理": [measure("甲某", "A1", date(2022, 3, 1), "第二种形态", "党纪警告")],
        },
    )
    figures = stats(tmp_path)
    # no unit keeps 问题类别: missing, not 0 (docs/rules.md, 缺少数据不是 0)
    assert figures["eight_rules_problems"] is None and figures["eight_rules_sanctioned"] is None
    write_workbook(
        tmp_path / "乙室.xlsx",
        {
            "问题线索": [
                categorised("B1", date(2022, 1, 3), date(2022, 2, 1), "违反中央八项规定精神")
            ],
            "处分处理": [measure("乙某", "B1", date(2022, 3, 1), "第二种形态", "政务警告")],
        },
    )
    result = run("stats", tmp_path, "--period", "2022H1", "--format", "json")
    figures = json.loads(result.output)["figures"]
    # only 乙室 reports the column: its one clue, one person, one sanction; 甲室 left out
    assert figures["eight_rules_problems"] == 1
    assert figures["eight_rules_persons"] == 1 and figures["eight_rules_sanctioned"] == 1
    warned = run("stats", tmp_path, "--period", "2022H1")
    assert "W230" in warned.output and "甲室" in warned.output
    assert (
        "「问题类别」列只有 1 个单位报送" in warned.output and "查处八项规定问题" in warned.output
    )


SPECIAL_TOML = '[special]\nnames = ["群众身边不正之风和腐败问题集中整治", "乡村振兴领域专项监督"]\n'
MASSES, VILLAGES = "群众身边不正之风和腐败问题集中整治", "乡村振兴领域专项监督"


def special_row(header: list[str], row: list, special) -> list:
    """``row`` padded to ``header`` with its 专项 cell set."""
    row = row + [None] * (len(header) - len(row))
    row[header.index("专项")] = special
    return row


def test_stats_special_counts_only_the_rows_whose_own_cell_names_it(tmp_path):
    from conftest import measure

    clue_header, measure_header = HEADERS["问题线索"], HEADERS["处分处理"]
    (tmp_path / "workreport.toml").write_text(SPECIAL_TOML, encoding="utf-8")
    write_workbook(
        tmp_path / "甲室.xlsx",
        {
            "问题线索": [
                special_row(
                    clue_header, clue("A1", date(2022, 1, 3), filed=date(2022, 2, 1)), MASSES
                ),
                special_row(
                    clue_header, clue("A2", date(2022, 1, 4), filed=date(2022, 2, 2)), MASSES
                ),
                special_row(clue_header, clue("A3", date(2022, 1, 5)), VILLAGES),
                special_row(clue_header, clue("A4", date(2022, 1, 6)), None),
                special_row(clue_header, clue("A5", date(2022, 8, 6)), MASSES),  # outside H1
            ],
            "处分处理": [
                # A1's measure is in the 专项 by its own cell; A2's is not, though its clue is
                special_row(
                    measure_header,
                    measure("甲某", "A1", date(2022, 3, 1), "第二种形态", "党纪警告"),
                    MASSES,
                ),
                special_row(
                    measure_header,
                    measure("乙某", "A2", date(2022, 3, 1), "第二种形态", "党纪警告"),
                    None,
                ),
            ],
        },
    )
    # 乙室 keeps no 专项 column on its 谈话: its talks are in no 专项
    write_workbook(tmp_path / "乙室.xlsx", {"谈话": [[date(2022, 2, 1), "约谈", 3, None]]})

    def special(name) -> dict:
        result = run("stats", tmp_path, "--period", "2022H1", "--special", name, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["special"] == name
        return json.loads(result.output)["figures"]

    masses = special(MASSES)
    assert masses["clues"] == 2  # A1 and A2 (A5 was received in August)
    assert masses["cases_filed"] == 2
    assert masses["forms_2"] == 1  # 甲某 only: 乙某's row names no 专项
    # 谈话: no workbook keeps the 专项 column on it → missing, not 0
    assert masses["talks_total"] is None
    villages = special(VILLAGES)
    assert villages["clues"] == 1 and villages["cases_filed"] == 0  # A3, not filed
    assert villages["forms_2"] == 0  # the sheet keeps the column, no row names it: a true 0
    # the whole: every row, whatever its 专项
    whole = stats(tmp_path)
    assert whole["clues"] == 4 and whole["forms_2"] == 2 and whole["talks_total"] == 3


def test_an_unknown_special_is_refused_with_the_closest_name(tmp_path):
    write_workbook(tmp_path / "甲室.xlsx", {"问题线索": [clue("A1", date(2022, 1, 3))]})
    result = run("stats", tmp_path, "--period", "2022H1", "--special", "乡村振兴")
    assert result.exit_code == 2 and "[special] names" in result.output
    (tmp_path / "workreport.toml").write_text(SPECIAL_TOML, encoding="utf-8")
    result = run("stats", tmp_path, "--period", "2022H1", "--special", "乡村振兴专项监督")
    assert result.exit_code == 2 and f"是否应为「{VILLAGES}」" in result.output
    # a cell naming a 专项 the project does not list is an error that says where to list it
    write_workbook(
        tmp_path / "乙室.xlsx",
        {"问题线索": [special_row(HEADERS["问题线索"], clue("B1", date(2022, 1, 3)), "乡村振兴")]},
    )
    result = run("validate", tmp_path)
    assert result.exit_code == 1 and VILLAGES in result.output


def test_a_template_reads_a_special_s_figures_and_refresh_updates_them(tmp_path):
    from conftest import paragraphs

    data = tmp_path / "收文"
    header = HEADERS["问题线索"]
    write_workbook(
        data / "甲室.xlsx",
        {
            "问题线索": [
                special_row(header, clue("A1", date(2022, 1, 3)), MASSES),
                special_row(header, clue("A2", date(2022, 1, 4)), None),
            ]
        },
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "01_opening.j2").write_text(
        f'受理问题线索{{{{ clues }}}}件，其中{MASSES}{{{{ special["{MASSES}"].clues }}}}件。\n',
        encoding="utf-8",
    )
    (tmp_path / "workreport.toml").write_text(
        SPECIAL_TOML + '[report]\ntemplates = "templates"\nperiod = "2022H1"\n', encoding="utf-8"
    )
    out = tmp_path / "汇报.docx"
    result = run("build", data, "-o", out, "--config", tmp_path / "workreport.toml")
    assert result.exit_code == 0, result.output
    assert f"受理问题线索2件，其中{MASSES}1件。" in paragraphs(out)
    write_workbook(
        data / "乙室.xlsx",
        {"问题线索": [special_row(header, clue("B1", date(2022, 2, 3)), MASSES)]},
    )
    result = run("refresh", out, data, "--config", tmp_path / "workreport.toml")
    assert result.exit_code == 0, result.output
    assert f"受理问题线索3件，其中{MASSES}2件。" in paragraphs(out)


def district_draft(tmp_path, data):
    """A 区's 2022H1 draft of ``data`` with the default templates: (the build's result,
    the draft, its overview paragraph of part 一)."""
    from conftest import paragraphs

    (tmp_path / "workreport.toml").write_text(
        '[report]\norganisation = "xx区纪委监委"\nperiod = "2022H1"\ndate = 2022-07-10\n', "utf-8"
    )
    out = tmp_path / "汇报.docx"
    result = run("build", data, "--config", tmp_path / "workreport.toml", "-o", out)
    assert result.exit_code == 0, result.output
    return result, out, next(p for p in paragraphs(out) if "受理问题线索" in p)


def test_the_default_report_states_petitions_eight_rules_and_accountability_when_sent(tmp_path):
    from conftest import measure

    data = tmp_path / "收文"
    write_workbook(
        data / "案管室.xlsx",
        {
            "问题线索": [
                categorised("A1", date(2022, 1, 3), date(2022, 2, 1), "违反中央八项规定精神"),
                categorised("A2", date(2022, 1, 4), None, "违反廉洁纪律"),
            ],
            "处分处理": [
                measure("甲某", "A1", date(2022, 3, 1), "第二种形态", "党纪警告"),
                measure("乙某", "A1", date(2022, 3, 2), "第一种形态", "批评教育"),
                measure("丙某", "A2", date(2022, 3, 3), "第一种形态", "批评教育"),
            ],
        },
    )
    write_workbook(
        data / "信访室.xlsx",
        {
            "信访举报": [
                petition(date(2022, 1, 5), "来信", "检举控告类"),
                petition(date(2022, 5, 5), "来访", "申诉类", "是"),
                petition(date(2022, 7, 5), "来访", "申诉类"),  # outside 2022H1
            ]
        },
    )
    write_workbook(
        data / "党风室.xlsx",
        {
            "问责": [
                [date(2022, 2, 1), "党组织", 1, None],
                [date(2022, 3, 1), "党员领导干部", 3, None],
            ]
        },
    )
    result, out, overview = district_draft(tmp_path, data)
    # 2 件次 received in 2022H1 (the July one is out); a repeated one is still a 件次
    # without 上报文件 the figures are the 区本级's (docs/templates.md, 本级与下级)
    assert "今年以来，区本级纪检监察机关接收信访举报2件次，受理问题线索2件，" in overview
    # A1 is 八项规定: one 起, 甲某 and 乙某 on it, 甲某 with a 党纪处分; A2 (廉洁纪律) is not
    assert (
        "查处违反中央八项规定精神问题1起，批评教育帮助和处理2人，其中党纪政务处分1人。" in overview
    )
    assert "问责党组织1个、党员领导干部3人。" in overview
    assert "W232" not in result.output


def test_the_default_report_leaves_the_optional_sentences_out_and_says_so(tmp_path):
    from conftest import paragraphs

    data = tmp_path / "收文"
    write_workbook(data / "案管室.xlsx", {"问题线索": [clue("A1", date(2022, 1, 3))]})
    result, out, overview = district_draft(tmp_path, data)
    # the comma went with the sentence
    assert "今年以来，区本级纪检监察机关受理问题线索1件，" in overview
    assert "信访举报" not in overview and "八项规定" not in overview and "问责" not in overview
    assert "接收信访举报" not in "".join(p for p in paragraphs(out) if "【待补充" in p)
    # left out, but not silently (docs/templates.md, 为 0 的内容)
    assert "W232" in result.output and "接收信访举报" in result.output
    assert "问责党员领导干部" in result.output


def test_a_third_release_progress_template_is_outdated_and_updated(tmp_path):
    import hashlib

    from conftest import ROOT

    project = tmp_path / "项目"
    assert run("init", project).exit_code == 0
    # 02_progress.j2 as the third release shipped it (before the optional ledgers' sentences)
    old = (ROOT / "tests" / "data" / "third_release_02_progress.j2").read_bytes()
    from workreport.project import THIRD_RELEASE_TEMPLATES, outdated_templates

    assert hashlib.sha256(old).hexdigest() in THIRD_RELEASE_TEMPLATES
    folder = project / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "02_progress.j2").write_bytes(old)
    assert [p.name for p in outdated_templates(folder)] == ["02_progress.j2"]
    assert run("init", project, "--update-templates").exit_code == 0
    assert "接收信访举报" in (folder / "02_progress.j2").read_text("utf-8")
    assert outdated_templates(folder) == []
