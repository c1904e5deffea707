"""The bulletin figures and columns (docs/figures.md, 通报口径) on hand-made workbooks;
every expected value is worked out by hand in the test."""

from __future__ import annotations

import json
from datetime import date

from conftest import H1_2022, paragraphs, run, write_workbook
from workreport.config import load_config
from workreport.figures import compute_figures, compute_figures_by_unit, compute_previous
from workreport.load import load_paths
from workreport.report import build_report
from workreport.run import compute_stats
from workreport.validate import validate

CLUE_BASE = ("线索编号", "受理日期", "线索来源", "被反映人", "处置方式", "立案日期", "结案日期")
MEASURE_BASE = ("姓名", "线索编号", "处理日期", "形态", "处理方式")


def sheet(columns, rows: list[dict]) -> list[list]:
    """A header row of exactly ``columns``, then each row's cells by column name."""
    return [list(columns), *([r.get(c) for c in columns] for r in rows)]


def c(cid, received, **cells) -> dict:
    return {
        "线索编号": cid,
        "受理日期": received,
        "线索来源": "信访举报",
        "被反映人": "某甲",
        **cells,
    }


def m(name, cid, when, form, kind, **cells) -> dict:
    return {
        "姓名": name,
        "线索编号": cid,
        "处理日期": when,
        "形态": form,
        "处理方式": kind,
        **cells,
    }


def write(folder, unit, sheets: dict[str, list[list]]):
    return write_workbook(folder / f"{unit}.xlsx", sheets, headers=False)


def checked(folder, config=None):
    config = config or load_config(None)
    ledgers, issues = validate(load_paths([folder], config), config)
    return ledgers, issues, config


def figures(folder, period=H1_2022):
    ledgers, issues, config = checked(folder)
    assert [i for i in issues if i.is_error] == []
    return compute_figures(ledgers, period, config)


FILED = {"立案日期": date(2022, 1, 20)}


def one_case(folder, received, columns, measures):
    """案管室: clue C1, received on ``received`` and filed, and ``measures`` on it."""
    write(
        folder,
        "案管室",
        {
            "问题线索": sheet(CLUE_BASE, [c("C1", received, **FILED)]),
            "处分处理": sheet(columns, measures),
        },
    )


def test_a_person_sanctioned_twice_is_counted_once_under_one_rank(tmp_path):
    folder = tmp_path / "in"
    clues = [c("C1", date(2022, 1, 5), **FILED), c("C2", date(2022, 1, 6), **FILED)]
    measures = [
        # 张三: two sanctions, 职级 on the first only: one person, 县处级 once
        m("张三", "C1", date(2022, 3, 1), "第二种形态", "党纪警告", 职级="县处级"),
        m("张三", "C1", date(2022, 4, 1), "第二种形态", "记过"),
        # 李四: 乡科级 written 科级, one sanction
        m("李四", "C2", date(2022, 5, 1), "第三种形态", "开除党籍", 职级="科级"),
        # 王五: 诫勉 is no 党纪政务处分, so no rank is counted for him
        m("王五", "C2", date(2022, 5, 2), "第一种形态", "诫勉", 职级="一般干部"),
    ]
    write(
        folder,
        "案管室",
        {
            "问题线索": sheet(CLUE_BASE, clues),
            "处分处理": sheet((*MEASURE_BASE, "职级"), measures),
        },
    )
    f = figures(folder)
    # 张三 (县处级) + 李四 (乡科级) = 2 persons; the parts sum to sanctioned_persons
    assert f["sanctioned_persons"] == 2
    assert f["sanctioned_by_rank"] == {
        "省部级": 0,
        "厅局级": 0,
        "县处级": 1,
        "乡科级": 1,
        "一般干部": 0,
        "其他人员": 0,
        "未填": 0,
    }


def test_a_blank_rank_counts_as_unfilled(tmp_path):
    folder = tmp_path / "in"
    one_case(
        folder,
        date(2022, 1, 5),
        (*MEASURE_BASE, "职级"),
        [
            m("甲", "C1", date(2022, 2, 1), "第二种形态", "政务警告", 职级="处级"),
            # 乙 has no 职级 on any row: 未填
            m("乙", "C1", date(2022, 2, 2), "第二种形态", "记过"),
            m("乙", "C1", date(2022, 2, 3), "第二种形态", "党纪警告"),
        ],
    )
    rank = figures(folder)["sanctioned_by_rank"]
    # 甲 县处级 (处级 read as 县处级), 乙 未填 once although sanctioned twice
    assert (rank["县处级"], rank["未填"], sum(rank.values())) == (1, 1, 2)


def test_two_ranks_for_one_person_are_an_error_without_a_period(tmp_path):
    folder = tmp_path / "in"
    one_case(
        folder,
        date(2021, 1, 5),
        (*MEASURE_BASE, "职级"),
        [
            m("甲", "C1", date(2022, 2, 1), "第二种形态", "政务警告", 职级="县处级"),
            m("甲", "C1", date(2023, 2, 1), "第二种形态", "记过", 职级="乡科级"),
        ],
    )
    result = run("validate", folder, "--format", "json")
    assert result.exit_code == 1
    issues = json.loads(result.output)["issues"]
    errors = [i for i in issues if i["code"].startswith("E")]
    assert [(i["code"], i["row"], i["column"]) for i in errors] == [("E132", 3, "职级")]
    assert "案管室.xlsx / 处分处理 / 第2行" in errors[0]["message"]


def test_a_non_member_with_a_party_sanction_is_an_error(tmp_path):
    folder = tmp_path / "in"
    one_case(
        folder,
        date(2022, 1, 5),
        (*MEASURE_BASE, "政治面貌"),
        [
            m("甲", "C1", date(2022, 2, 1), "第二种形态", "党纪警告", 政治面貌="群众"),
            m("乙", "C1", date(2022, 2, 1), "第二种形态", "记过", 政治面貌="非党员"),
        ],
    )
    _, issues, _ = checked(folder)
    assert [(i.code, i.row) for i in issues if i.is_error] == [("E133", 2)]


def test_non_party_persons_and_voluntary_surrender_count_persons(tmp_path):
    folder = tmp_path / "in"
    columns = (*MEASURE_BASE, "政治面貌", "主动投案")
    one_case(
        folder,
        date(2022, 1, 5),
        columns,
        [
            # 甲: 非中共党员 (written 群众), 政务处分 twice, surrendered: 1 and 1
            m(
                "甲",
                "C1",
                date(2022, 2, 1),
                "第二种形态",
                "记过",
                政治面貌="群众",
                主动投案="是",
            ),
            m(
                "甲",
                "C1",
                date(2022, 3, 1),
                "第三种形态",
                "撤职",
                政治面貌="群众",
                主动投案="是",
            ),
            # 乙: 中共党员; 主动投案 blank counts as 否
            m("乙", "C1", date(2022, 2, 1), "第二种形态", "党纪警告", 政治面貌="党员"),
            # 丙: surrendered, given a first-form measure only: surrender counts any measure
            m("丙", "C1", date(2022, 2, 5), "第一种形态", "诫勉", 主动投案="√"),
            # 丁: surrendered, but the measure is after the period
            m("丁", "C1", date(2022, 7, 1), "第一种形态", "诫勉", 主动投案="是"),
        ],
    )
    f = figures(folder)
    assert f["sanctioned_non_party_persons"] == 1  # 甲
    assert f["voluntary_surrender_persons"] == 2  # 甲 once, 丙


def test_disposal_counts_by_its_own_date_not_the_received_date(tmp_path):
    folder = tmp_path / "in"
    columns = (*CLUE_BASE, "处置日期")
    rows = [
        # received in the period, disposed after it: a clue, not a disposal
        c("D1", date(2022, 6, 20), 处置方式="谈话函询", 处置日期=date(2022, 7, 5)),
        # received before the period, disposed in it: a disposal, not a clue
        c("D2", date(2021, 12, 20), 处置方式="谈话函询", 处置日期=date(2022, 1, 10)),
        # both in the period
        c("D3", date(2022, 2, 1), 处置方式="初步核实", 处置日期=date(2022, 2, 15)),
        # not yet disposed
        c("D4", date(2022, 3, 1)),
    ]
    write(folder, "信访室", {"问题线索": sheet(columns, rows)})
    f = figures(folder)
    assert f["clues"] == 3  # D1, D3, D4
    assert f["clues_disposed"] == 2  # D2, D3
    assert f["clues_disposed_by_method"] == {
        "谈话函询": 1,
        "初步核实": 1,
        "暂存待查": 0,
        "予以了结": 0,
    }


def test_disposal_date_needs_a_method_and_comes_after_receipt(tmp_path):
    folder = tmp_path / "in"
    rows = [
        c("D1", date(2022, 3, 1), 处置日期=date(2022, 3, 5)),
        c("D2", date(2022, 3, 1), 处置方式="予以了结", 处置日期=date(2022, 2, 5)),
        c("D3", date(2022, 3, 1), 留置日期=date(2022, 4, 1)),
        c("D4", date(2022, 3, 1), 立案日期=date(2022, 4, 1), 移送检察机关日期=date(2022, 3, 20)),
    ]
    write(
        folder,
        "信访室",
        {"问题线索": sheet((*CLUE_BASE, "处置日期", "留置日期", "移送检察机关日期"), rows)},
    )
    _, issues, _ = checked(folder)
    assert [(i.code, i.row, i.column) for i in issues if i.is_error] == [
        ("E130", 2, "处置方式"),
        ("E130", 3, "处置日期"),
        ("E131", 4, "留置日期"),
        ("E131", 5, "移送检察机关日期"),
    ]


def test_detention_transfer_and_losses(tmp_path):
    folder = tmp_path / "in"
    columns = (*CLUE_BASE, "留置日期", "移送检察机关日期", "挽回经济损失（万元）")
    rows = [
        c(
            "L1",
            date(2021, 10, 1),
            立案日期=date(2021, 11, 1),
            留置日期=date(2022, 1, 3),
            结案日期=date(2022, 3, 1),
            移送检察机关日期=date(2022, 2, 20),
            **{"挽回经济损失（万元）": 1.005},
        ),
        c(
            "L2",
            date(2021, 11, 1),
            立案日期=date(2021, 12, 1),
            留置日期=date(2021, 12, 31),
            结案日期=date(2022, 6, 30),
            **{"挽回经济损失（万元）": "2.5"},
        ),
        # closed after the period: its losses are not this period's
        c(
            "L3",
            date(2022, 1, 1),
            立案日期=date(2022, 1, 2),
            结案日期=date(2022, 7, 1),
            **{"挽回经济损失（万元）": 100},
        ),
        # not closed: a warning, never counted
        c("L4", date(2022, 1, 1), 立案日期=date(2022, 1, 2), **{"挽回经济损失（万元）": 7}),
    ]
    write(folder, "审查室", {"问题线索": sheet(columns, rows)})
    ledgers, issues, config = checked(folder)
    # (W207: this sheet leaves out the optional columns of the first release; W240–W244:
    # the 案管室's checks of these clues, tested in test_crossrules.py)
    assert [(i.code, i.row) for i in issues if i.code != "W207" and i.code[:3] != "W24"] == [
        ("W231", 5)
    ]
    f = compute_figures(ledgers, H1_2022, config)
    assert f["detained_persons"] == 1  # L1 (L2's 留置日期 is 2021-12-31)
    assert f["transferred_persons"] == 1  # L1
    # L1 + L2 = 1.005 + 2.5 = 3.505, half up to two decimals: 3.51 (a float sum gives 3.50)
    assert f["losses_recovered"] == 3.51


def test_losses_in_yuan_are_refused(tmp_path):
    folder = tmp_path / "in"
    rows = [c("L1", date(2022, 1, 1), 立案日期=date(2022, 1, 2), 结案日期=date(2022, 2, 1))]
    table = sheet((*CLUE_BASE, "挽回经济损失（元）"), rows)
    write(folder, "审查室", {"问题线索": table})
    _, issues, _ = checked(folder)
    assert [(i.code, i.column_letter) for i in issues if i.is_error] == [("E134", "H")]


def test_a_column_only_some_units_report_gives_a_partial_figure(tmp_path):
    folder = tmp_path / "in"
    # 信访室 reports 处置日期; 审查室 has no such column; 案管室 has it, every cell blank
    write(
        folder,
        "信访室",
        {
            "问题线索": sheet(
                (*CLUE_BASE, "处置日期"),
                [c("A1", date(2022, 1, 1), 处置方式="初步核实", 处置日期=date(2022, 1, 9))],
            )
        },
    )
    write(
        folder,
        "审查室",
        {"问题线索": sheet(CLUE_BASE, [c("B1", date(2022, 1, 1), 处置方式="初步核实")])},
    )
    write(
        folder,
        "案管室",
        {
            "问题线索": sheet(
                (*CLUE_BASE, "处置日期"), [c("C1", date(2022, 1, 1), 处置方式="暂存待查")]
            )
        },
    )
    stats = compute_stats([folder], period="2022H1", config=load_config(None), by_unit=True)
    # only 信访室's A1 counts; clues counts all three
    assert (stats.values["clues"], stats.values["clues_disposed"]) == (3, 1)
    assert {u: v["clues_disposed"] for u, v in stats.by_unit.items()} == {
        "信访室": 1,
        "审查室": None,
        "案管室": None,
    }
    assert [(n.code, n.message) for n in stats.notices] == [
        (
            "W230",
            "「处置日期」列只有 1 个单位报送，处置问题线索、按处置方式处置问题线索只统计了这些单位；"
            "未报送的单位：审查室、案管室",
        )
    ]


def test_a_column_no_unit_reports_is_missing_not_zero(tmp_path):
    folder = tmp_path / "in"
    write(folder, "信访室", {"问题线索": sheet(CLUE_BASE, [c("A1", date(2022, 1, 1))])})
    result = run("stats", folder, "--period", "2022H1", "--format", "json")
    assert result.exit_code == 0
    figures_ = json.loads(result.stdout)["figures"]
    assert figures_["clues"] == 1
    assert figures_["clues_disposed"] is None
    assert figures_["clues_disposed_by_method"] is None
    assert figures_["losses_recovered"] is None
    assert figures_["sanctioned_by_rank"] is None  # no 处分处理 sheet at all


def test_yoy_of_a_bulletin_figure_needs_last_years_column(tmp_path):
    folder = tmp_path / "in"
    columns = (*CLUE_BASE, "处置日期")
    write(
        folder,
        "信访室",
        {
            "问题线索": sheet(
                columns,
                [
                    c("A0", date(2021, 2, 1), 处置方式="初步核实", 处置日期=date(2021, 2, 9)),
                    c("A1", date(2022, 2, 1), 处置方式="初步核实", 处置日期=date(2022, 2, 9)),
                    c("A2", date(2022, 3, 1), 处置方式="予以了结", 处置日期=date(2022, 3, 9)),
                ],
            )
        },
    )
    # 审查室 reports 处置日期 this year only: its last year's rows leave it blank
    write(
        folder,
        "审查室",
        {
            "问题线索": sheet(
                columns,
                [
                    c("B0", date(2021, 2, 1)),
                    c("B1", date(2022, 2, 1), 处置方式="初步核实", 处置日期=date(2022, 2, 9)),
                ],
            )
        },
    )
    ledgers, _, config = checked(folder)
    previous = compute_previous(ledgers, H1_2022, config)
    assert previous["clues"] == 2  # both units sent last year's rows
    assert previous["clues_disposed"] is None  # 审查室 did not fill 处置日期 then

    # without 审查室 the 同比 is known: 1 last year, 2 now
    (folder / "审查室.xlsx").unlink()
    ledgers, _, config = checked(folder)
    assert compute_previous(ledgers, H1_2022, config)["clues_disposed"] == 1
    assert compute_figures(ledgers, H1_2022, config)["clues_disposed"] == 2


def test_per_unit_figures_match_the_plain_path(tmp_path):
    folder = tmp_path / "in"
    write(
        folder,
        "甲",
        {
            "问题线索": sheet(
                (*CLUE_BASE, "挽回经济损失（万元）"),
                [
                    c(
                        "A1",
                        date(2022, 1, 1),
                        立案日期=date(2022, 1, 2),
                        结案日期=date(2022, 2, 1),
                        **{"挽回经济损失（万元）": 0.125},
                    )
                ],
            ),
            "处分处理": sheet(
                (*MEASURE_BASE, "职级"),
                [m("x", "A1", date(2022, 2, 2), "第二种形态", "记过", 职级="其他")],
            ),
        },
    )
    write(folder, "乙", {"问题线索": sheet(CLUE_BASE, [c("B1", date(2022, 1, 1))])})
    ledgers, _, config = checked(folder)
    by_unit = compute_figures_by_unit(ledgers, H1_2022, config)
    for unit in ("甲", "乙"):
        assert by_unit[unit] == compute_figures(ledgers, H1_2022, config, unit=unit)
    # 0.125 half up: 0.13; 其他 read as 其他人员
    assert by_unit["甲"]["losses_recovered"] == 0.13
    assert by_unit["甲"]["sanctioned_by_rank"]["其他人员"] == 1
    assert by_unit["乙"]["losses_recovered"] is None


def test_talks_and_letters_vocabularies_can_be_extended(tmp_path):
    toml = tmp_path / "workreport.toml"
    toml.write_text(
        '[talks]\nadd = ["集体廉政谈话"]\n[letters]\nadd = ["监察建议书"]\n', encoding="utf-8"
    )
    config = load_config(toml)
    assert config.talk_types[-2:] == ("约谈", "集体廉政谈话")
    assert config.letter_types == ("廉洁提醒函", "履责提醒函", "纪检监察建议书", "监察建议书")
    folder = tmp_path / "in"
    write(
        folder,
        "党风室",
        {
            "谈话": [
                ["日期", "谈话类型", "人数"],
                [date(2022, 3, 1), "集体廉政谈话", 40],
                [date(2022, 3, 2), "约谈", 2],
            ],
            "文书": [["印发日期", "文书类型"], [date(2022, 3, 1), "监察建议书"]],
        },
    )
    ledgers, issues, _ = checked(folder, config)
    assert [i for i in issues if i.is_error] == []
    f = compute_figures(ledgers, H1_2022, config)
    assert (f["talks"]["集体廉政谈话"], f["talks_total"]) == (40, 42)
    assert (f["letters"]["监察建议书"], f["letters_total"]) == (1, 1)


BULLETIN_TOML = '[report]\norganisation = "某县纪委监委"\ndate = 2022-07-05\npreset = "通报"\n'


def _bulletin_ledgers(folder, *, last_year: bool):
    clues = [
        c(
            "A1",
            date(2022, 1, 3),
            处置方式="谈话函询",
            处置日期=date(2022, 1, 9),
            立案日期=date(2022, 2, 1),
        ),
        c(
            "A2",
            date(2022, 1, 4),
            处置方式="初步核实",
            处置日期=date(2022, 1, 9),
            立案日期=date(2022, 2, 1),
        ),
        c("A3", date(2022, 1, 5), 处置方式="初步核实", 处置日期=date(2022, 1, 10)),
        c("A4", date(2022, 1, 6)),
    ]
    measures = [
        m("甲", "A1", date(2022, 3, 1), "第二种形态", "党纪警告", 职级="乡科级"),
        m("乙", "A2", date(2022, 3, 2), "第二种形态", "记过", 职级="一般干部"),
        m("丙", "A3", date(2022, 3, 3), "第一种形态", "谈话提醒"),
        m("丁", "A3", date(2022, 3, 3), "第一种形态", "谈话提醒"),
    ]
    if last_year:
        clues += [
            c(
                "Z1",
                date(2021, 1, 3),
                处置方式="谈话函询",
                处置日期=date(2021, 1, 9),
                立案日期=date(2021, 2, 1),
            ),
            c("Z2", date(2021, 1, 4), 处置方式="予以了结", 处置日期=date(2021, 1, 9)),
        ]
        measures.append(m("戊", "Z1", date(2021, 3, 1), "第二种形态", "党纪警告", 职级="乡科级"))
    write(
        folder,
        "案管室",
        {
            "问题线索": sheet((*CLUE_BASE, "处置日期"), clues),
            "处分处理": sheet((*MEASURE_BASE, "职级"), measures),
        },
    )


def _bulletin_text(tmp_path, *, last_year: bool, yoy: bool = False):
    toml = BULLETIN_TOML + ("yoy = true\n" if yoy else "")
    (tmp_path / "workreport.toml").write_text(toml, encoding="utf-8")
    _bulletin_ledgers(tmp_path / "in", last_year=last_year)
    result = build_report(
        [tmp_path / "in"],
        tmp_path / "通报.docx",
        period="2022H1",
        config=tmp_path / "workreport.toml",
    )
    # the two paragraphs, each followed by its chart and caption (图1, 图2)
    shown = [p for p in paragraphs(result.output)[2:] if p.strip()]
    return [shown[0], shown[2]], result.issues


def test_bulletin_text_with_last_years_data_and_yoy(tmp_path):
    text, notices = _bulletin_text(tmp_path, last_year=True, yoy=True)
    # disposed 3 (2 last year: +50%), of which 谈话函询 1; cases 2 (1: +100%); sanctioned
    # 甲 乙 = 2 (戊 1: +100%), party 1 (甲), government 1 (乙); ranks 乡科级 1, 一般干部 1;
    # forms 4 = 2 first (50%) + 2 second (50%), last year 1
    assert text == [
        "2022年上半年，全县纪检监察机关共处置问题线索3件，同比增长50.0%，谈话函询1件次，"
        "立案2件，同比增长100.0%，处分2人（其中党纪处分1人、政务处分1人），同比增长100.0%。"
        "处分乡科级干部1人，一般干部1人。",
        "2022年上半年，全县纪检监察机关运用“四种形态”批评教育帮助和处理共4人次，同比增长300.0%。"
        "其中，运用第一种形态批评教育帮助2人次，占总人次的50%；运用第二种形态处理2人次，占50%；"
        "运用第三种形态处理0人次，占0%；运用第四种形态处理0人次，占0%。",
    ]
    # 留置, 移送, 主动投案 and 挽回经济损失: no unit reports their columns
    assert [n.message for n in notices if n.code == "W232"] == [
        "以下指标缺少数据，稿中省略了相应的表述：接收信访举报、留置、移送检察机关、主动投案、挽回经济损失"
    ]


def test_bulletin_text_has_no_yoy_unless_asked(tmp_path):
    text, _ = _bulletin_text(tmp_path, last_year=True)
    assert text[0] == (
        "2022年上半年，全县纪检监察机关共处置问题线索3件，谈话函询1件次，立案2件，"
        "处分2人（其中党纪处分1人、政务处分1人）。处分乡科级干部1人，一般干部1人。"
    )
    assert text[1].startswith(
        "2022年上半年，全县纪检监察机关运用“四种形态”批评教育帮助和处理共4人次。其中，"
    )


def test_bulletin_text_without_last_years_data_leaves_out_the_yoy(tmp_path):
    text, _ = _bulletin_text(tmp_path, last_year=False, yoy=True)
    assert text[0] == (
        "2022年上半年，全县纪检监察机关共处置问题线索3件，谈话函询1件次，立案2件，"
        "处分2人（其中党纪处分1人、政务处分1人）。处分乡科级干部1人，一般干部1人。"
    )
    assert text[1].startswith(
        "2022年上半年，全县纪检监察机关运用“四种形态”批评教育帮助和处理共4人次。其中，"
    )


def test_preset_on_the_command_line_and_an_unknown_preset(tmp_path):
    (tmp_path / "workreport.toml").write_text('[report]\npreset = "简报"\n', encoding="utf-8")
    result = run("stats", tmp_path, "--config", tmp_path / "workreport.toml", "--list")
    assert result.exit_code == 2
    assert "[report] preset 应为 汇报、通报 之一，而不是「简报」" in result.output


def test_preset_chooses_the_bulletin_over_a_projects_own_report_templates(tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "01.j2").write_text("本单位自己的汇报：受理问题线索{{ clues }}件。\n", encoding="utf-8")
    toml = tmp_path / "workreport.toml"
    toml.write_text(
        '[report]\norganisation = "某县纪委监委"\ndate = 2022-07-05\ntemplates = "templates"\n',
        encoding="utf-8",
    )
    _bulletin_ledgers(tmp_path / "in", last_year=False)
    common = ("build", tmp_path / "in", "-p", "2022H1", "--config", toml, "-q")
    report = run(*common, "-o", tmp_path / "汇报.docx")
    bulletin = run(*common, "--preset", "通报", "-o", tmp_path / "通报.docx")
    assert (report.exit_code, bulletin.exit_code) == (0, 0), report.output + bulletin.output
    assert paragraphs(tmp_path / "汇报.docx")[2] == "本单位自己的汇报：受理问题线索4件。"
    assert paragraphs(tmp_path / "通报.docx")[2].startswith(
        "2022年上半年，全县纪检监察机关共处置问题线索3件，"
    )
    # the same from the file: [report] preset = "通报"
    toml.write_text(toml.read_text(encoding="utf-8") + 'preset = "通报"\n', encoding="utf-8")
    again = run(*common, "-o", tmp_path / "通报2.docx")
    assert again.exit_code == 0, again.output
    assert paragraphs(tmp_path / "通报2.docx")[2] == paragraphs(tmp_path / "通报.docx")[2]
    # a missing figure is named even with -q
    assert (
        "W232 警告：以下指标缺少数据，稿中省略了相应的表述：接收信访举报、留置、移送检察机关"
        in again.output
    )


def test_the_blank_ledger_offers_the_bulletin_columns_with_dropdowns_and_notes(tmp_path):
    from openpyxl import load_workbook

    from workreport.ledger_template import write_ledger_template

    path = tmp_path / "台账模板.xlsx"
    write_ledger_template(path, load_config(None))
    ws = load_workbook(path)["处分处理"]
    header = [c.value for c in ws[1]]
    assert header[-4:] == ["职级", "政治面貌", "主动投案", "专项"]  # 专项 ends every sheet
    rank = ws.cell(1, header.index("职级") + 1).comment.text
    assert rank.startswith("职级（选填）") and "同一人各行须一致" in rank
    lists = {
        str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation
    }
    assert (
        lists[chr(ord("A") + header.index("职级"))]
        == '"省部级,厅局级,县处级,乡科级,一般干部,其他人员"'
    )
    clues = [c.value for c in load_workbook(path)["问题线索"][1]]
    assert clues[-7:-3] == ["处置日期", "留置日期", "移送检察机关日期", "挽回经济损失（万元）"]
    assert clues[-3:] == ["职级", "问题类别", "专项"]  # docs/figures.md's optional columns


def test_annotate_marks_a_conflicting_rank(tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "in"
    one_case(
        folder,
        date(2022, 1, 5),
        (*MEASURE_BASE, "职级"),
        [
            m("甲", "C1", date(2022, 2, 1), "第二种形态", "政务警告", 职级="县处级"),
            m("甲", "C1", date(2022, 3, 1), "第二种形态", "记过", 职级="乡科级"),
        ],
    )
    result = run("validate", folder, "--annotate", tmp_path / "退回", "-q")
    assert result.exit_code == 1
    marked = load_workbook(tmp_path / "退回" / "案管室.xlsx")["处分处理"]["F3"]
    assert marked.comment is not None and "E132" in marked.comment.text


def test_preset_chooses_the_bulletin_over_a_word_template(tmp_path):
    assert run("word-template", "-o", tmp_path / "模板.docx").exit_code == 0
    toml = tmp_path / "workreport.toml"
    toml.write_text(
        '[report]\norganisation = "某县纪委监委"\ndate = 2022-07-05\nword_template = "模板.docx"\n',
        encoding="utf-8",
    )
    _bulletin_ledgers(tmp_path / "in", last_year=False)
    common = ("build", tmp_path / "in", "-p", "2022H1", "--config", toml, "-q")
    result = run(*common, "--preset", "通报", "-o", tmp_path / "通报.docx")
    assert result.exit_code == 0, result.output
    assert paragraphs(tmp_path / "通报.docx")[2].startswith("2022年上半年，全县纪检监察机关共处置")
