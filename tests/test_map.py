"""``map``: a profile proposed for a workbook in a layout we do not know (docs/sources.md)."""

from __future__ import annotations

import json
import tomllib

from conftest import run
from layouts import NAMES, department, ours, platform
from workreport.mapping import propose_profile


def columns(proposal) -> list[tuple[str, str, dict]]:
    return [(b.sheet, b.ledger, {c.header: c.column for c in b.columns}) for b in proposal.blocks]


def test_the_department_layout_is_mapped_sheet_by_sheet_with_its_abbreviations(tmp_path):
    path = department(tmp_path)
    proposal = propose_profile(path)
    assert columns(proposal) == [
        (
            "线索台账",
            "clues",
            {
                "编号": "线索编号",
                "收到时间": "受理日期",
                "来源渠道": "线索来源",
                "被反映人姓名": "被反映人",
                "是否主要负责人": "是否一把手",
                "办理方式": "处置方式",
                "立案时间": "立案日期",
                "结案时间": "结案日期",
            },
        ),
        (
            "处理台账",
            "measures",
            {
                "姓名": "姓名",
                "线索号": "线索编号",
                "处理时间": "处理日期",
                "运用形态": "形态",
                "处理结果": "处理方式",
            },
        ),
    ]
    values = {c.header: c.values for b in proposal.blocks for c in b.columns if c.values}
    assert values == {
        "来源渠道": {"信访": "信访举报", "巡察": "巡视巡察移交", "监督": "监督检查发现"},
        "办理方式": {"初核": "初步核实", "函询": "谈话函询"},
    }
    # what it could not place is listed: the 说明 sheet and the 承办人 column
    assert [(i.code, i.sheet, i.column) for i in proposal.unplaced] == [
        ("W272", "说明", ""),
        ("W272", "线索台账", "承办人"),
    ]
    assert "置信度" in proposal.toml


def test_the_flat_export_gets_one_block_per_ledger(tmp_path):
    path = platform(tmp_path)
    proposal = propose_profile(path)
    clues, measures = proposal.blocks
    assert (clues.sheet, clues.ledger, clues.key, clues.rows_with) == (
        "线索处置",
        "clues",
        "线索编号",
        "",
    )
    assert (measures.sheet, measures.ledger, measures.key, measures.rows_with) == (
        "线索处置",
        "measures",
        "",
        "处理对象",
    )
    assert {c.header: c.column for c in clues.columns} == {
        "线索编码": "线索编号",
        "收件日期": "受理日期",
        "线索来源": "线索来源",
        "反映对象": "被反映人",
        "是否一把手": "是否一把手",
        "处置方式": "处置方式",
        "立案日期": "立案日期",
        "结案日期": "结案日期",
    }
    assert {c.header: c.column for c in measures.columns} == {
        "线索编码": "线索编号",
        "处理对象": "姓名",
        "处理日期": "处理日期",
        "处理种类": "处理方式",
    }
    assert {c.header: c.values for c in clues.columns if c.values} == {
        "处置方式": {"初核": "初步核实", "函询": "谈话函询"}
    }
    assert all(0.65 <= c.confidence <= 1 for c in clues.columns + measures.columns)


def test_the_proposed_profile_reads_the_workbook_as_the_ledgers(tmp_path):
    """What map writes is a profile the loader takes as it is, giving the ledgers' figures."""
    ours(tmp_path / "ours")
    path = platform(tmp_path / "flat")
    result = run("map", path, "-o", tmp_path / "平台.toml")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "平台.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["sources"]["第一室平台导出"]["sheets"][0]["key"] == "线索编号"
    config = tmp_path / "workreport.toml"
    config.write_text(
        text.replace('match = "第一室平台导出.xlsx"', 'match = "*平台导出*.xlsx"'), encoding="utf-8"
    )
    figures = []
    for folder in ("ours", "flat"):
        out = run(
            "stats",
            tmp_path / folder,
            "--period",
            "2022H1",
            "--config",
            config,
            "--format",
            "json",
            "--by",
            "单位",
            "--no-cache",
        )
        assert out.exit_code == 0, out.output
        figures.append(json.loads(out.stdout))
    assert figures[0] == figures[1]


def test_map_writes_the_block_to_stdout_never_a_name_and_refuses_to_overwrite(tmp_path):
    for path in (department(tmp_path / "d"), platform(tmp_path / "p")):
        result = run("map", path)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("# workreport map")
        assert not any(name in result.output for name in NAMES)
    target = tmp_path / "已有.toml"
    target.write_text("# 分析员自己的配置\n", encoding="utf-8")
    result = run("map", path, "-o", target)
    assert result.exit_code == 2
    assert "已存在，未覆盖" in result.stderr
    assert target.read_text(encoding="utf-8") == "# 分析员自己的配置\n"
    result = run("map", path, "-o", target, "--force")
    assert result.exit_code == 0
    assert (tmp_path / "已有.v1.toml").read_text(encoding="utf-8") == "# 分析员自己的配置\n"


def test_map_refuses_a_file_that_is_no_workbook(tmp_path):
    broken = tmp_path / "导出.xlsx"
    broken.write_text("线索编码,收件日期\n", encoding="utf-8")
    result = run("map", broken)
    assert result.exit_code == 1
    assert "E001" in result.output
    assert "Traceback" not in result.output
