"""``reconcile``: the ledgers against the platform's export (docs/sources.md)."""

from __future__ import annotations

import csv
import io
import json

from conftest import run
from layouts import CLUES, NAMES, PLATFORM_PROFILE, ours, platform
from test_sources import project
from workreport.reconcile import reconcile_inputs


def sets(tmp_path, **platform_kw):
    config = project(tmp_path, PLATFORM_PROFILE)
    ours(tmp_path / "台账")
    platform(tmp_path / "平台", **platform_kw)
    return config


def reconciled(tmp_path, config, *more):
    return run(
        "reconcile",
        tmp_path / "台账",
        "--against",
        tmp_path / "平台",
        "--period",
        "2022H1",
        "--config",
        config,
        "--no-cache",
        *more,
    )


def test_the_ledgers_and_the_export_they_came_from_agree(tmp_path):
    config = sets(tmp_path)
    result = reconciled(tmp_path, config)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("两组数据一致。")
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    out = json.loads(reconciled(tmp_path, config, "--format", "json").stdout)
    assert out["agrees"] is True
    clues = {(f["unit"], f["id"]): (f["here"], f["there"]) for f in out["figures"]}
    assert clues[("合计", "clues")] == (4, 4)
    assert clues[("第一室", "forms_total")] == (3, 3)
    assert out["only_here"] == out["only_there"] == out["differences"] == []


def test_one_missing_clue_one_date_and_one_outcome_are_each_found(tmp_path):
    changed = [list(c) for c in CLUES]
    changed[1][1] = "2022-02-16"  # XS002 received a day later on the platform
    changed[2][5] = "谈话函询"  # XS003 disposed otherwise
    config = sets(tmp_path, clues=[tuple(c) for c in changed[:3]])  # XS004 missing
    result = reconciled(tmp_path, config, "--format", "json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["agrees"] is False
    assert out["only_here"] == [{"clue": "XS004", "unit": "第一室"}]
    assert out["only_there"] == []
    assert out["differences"] == [
        {
            "clue": "XS002",
            "unit": "第一室",
            "field": "受理日期",
            "here": "2022-02-15",
            "there": "2022-02-16",
        },
        {
            "clue": "XS003",
            "unit": "第一室",
            "field": "处置方式",
            "here": "初步核实",
            "there": "谈话函询",
        },
    ]
    differing = {(f["unit"], f["id"]) for f in out["figures"] if f["here"] != f["there"]}
    assert differing == {("合计", "clues"), ("第一室", "clues")}

    table = reconciled(tmp_path, config)
    assert table.exit_code == 1
    text = table.stdout
    assert "只在一方的线索" in text and "XS004" in text
    assert "日期或结果不同的线索" in text and "谈话函询" in text
    assert text.rstrip().endswith(
        "两组数据不一致：2 个指标不同，1 条线索只在本方，2 条线索的日期或结果不同（2 处）。"
    )
    assert all(len(line) <= 80 for line in text.splitlines())
    rows = list(
        csv.reader(
            io.StringIO(reconciled(tmp_path, config, "--format", "csv").stdout.lstrip("\ufeff"))
        )
    )
    assert rows[0] == ["类别", "单位", "指标或线索", "项目", "本方", "对方", "一致"]
    assert ["线索只在一方", "第一室", "XS004", "线索编号", "有", "无", "否"] in rows
    for output in (result.stdout, text, str(rows)):
        assert not any(name in output for name in NAMES)


def test_a_measure_that_differs_is_an_outcome_difference(tmp_path):
    config = sets(tmp_path)
    from layouts import MEASURES

    measures = [list(m) for m in MEASURES]
    measures[3][4] = "谈话提醒"  # XS003: 谈话提醒 on the platform, 诫勉 in the ledger
    platform(tmp_path / "平台", measures=[tuple(m) for m in measures])
    result = reconcile_inputs(
        [tmp_path / "台账"], [tmp_path / "平台"], period="2022H1", config=config
    )
    assert not result.agrees
    assert [(d.clue, d.field, d.here, d.there) for d in result.differences] == [
        ("XS003", "处理方式/形态", "第一种形态：诫勉", "第一种形态：谈话提醒")
    ]
    assert result.differing_figures == []


def test_reconcile_needs_a_period_and_the_other_set(tmp_path):
    config = sets(tmp_path)
    result = run("reconcile", tmp_path / "台账", "--against", tmp_path / "平台", "--config", config)
    assert result.exit_code == 2
    assert "没有指定统计期间" in result.stderr
    result = run("reconcile", tmp_path / "台账", "--config", config, "--period", "2022H1")
    assert result.exit_code == 2
    assert "--against" in result.stderr
