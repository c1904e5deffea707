"""The sample ledgers against their golden figures, by a build and by an independent recount.

``python tools/make_sample_data.py`` regenerates ``sample_data/`` and
``tests/data/sample_figures.json``; review the diff of the golden file.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date

from conftest import ROOT, SAMPLE, run
from recount import recount

GOLDEN = json.loads((ROOT / "tests" / "data" / "sample_figures.json").read_text(encoding="utf-8"))


def known(figures: dict) -> dict:
    """The figures that have a value (a unit without a sheet has null for its figures)."""
    return {k: v for k, v in figures.items() if v is not None}


def test_stats_on_the_sample_prints_the_golden_figures():
    result = run("stats", SAMPLE, "--format", "json", "--by", "单位")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == GOLDEN


def test_an_openpyxl_recount_of_the_sample_gives_the_golden_figures():
    period = GOLDEN["period"]
    start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
    counted, ledgers = recount(SAMPLE, start, end)
    assert ledgers.problems == []
    assert len(set(ledgers.totals_skipped)) == 2  # the 合计 rows were read and left out
    assert counted["figures"] == known(GOLDEN["figures"])
    assert counted["by_unit"] == {u: known(f) for u, f in GOLDEN["by_unit"].items()}


def test_the_sample_has_the_figures_of_the_model_report():
    spec = importlib.util.spec_from_file_location("scenario", ROOT / "tools/sample/scenario.py")
    scenario = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scenario)
    flat = {}
    for key, value in GOLDEN["figures"].items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    assert {k: flat[k] for k in scenario.TARGETS} == scenario.TARGETS
