"""The library front door: ``import workreport`` and the functions it offers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

import workreport
from conftest import ROOT, SAMPLE


def test_importing_the_package_loads_neither_click_nor_pandas():
    code = (
        "import sys, workreport; "
        "print(sorted(m for m in ('click', 'pandas', 'docx', 'openpyxl', 'jinja2') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_exported_name_resolves():
    for name in workreport.__all__:
        assert getattr(workreport, name) is not None, name
    with pytest.raises(AttributeError):
        workreport.no_such_thing  # noqa: B018


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- library-example -->\n```python\n(.*?)```", readme, re.S)[1]
    shutil.copytree(SAMPLE, tmp_path / "sample_data")
    monkeypatch.chdir(tmp_path)

    exec(compile(example, "README.md", "exec"), {})

    out = capsys.readouterr().out
    assert "7 个文件， 0 个错误" in out
    assert "受理问题线索 86 件" in out
    assert "23 件立案（稿中记录）" in out
    assert (tmp_path / "汇报.docx").is_file() and (tmp_path / "汇报.底稿.xlsx").is_file()


def test_invalid_ledgers_raise_with_every_issue(book):
    book("一室", {"谈话": [["2022-13-01", "廉政谈话", 1, None], ["2022-02-01", "闲聊", 1, None]]})

    with pytest.raises(workreport.InvalidData) as e:
        workreport.compute_stats([book.folder], period="2022H1")
    assert [i.code for i in e.value.issues] == ["E103", "E104"]


def test_functions_take_a_config_path_and_a_period_object(tmp_path):
    config = tmp_path / "workreport.toml"
    config.write_text('[report]\norganisation = "yy县纪委监委"\n', encoding="utf-8")
    period = workreport.parse_period("2022Q1")

    stats = workreport.compute_stats([SAMPLE], period=period, config=config)
    result = workreport.build_report([SAMPLE], tmp_path / "q1.docx", period=period, config=config)
    diff = workreport.diff_drafts(result.output, result.output)

    assert stats.period == period and result.stats.values == stats.values
    assert "yy县纪委监委" in "\n".join(
        p.text for p in workreport.Draft.open(result.output).document.paragraphs
    )
    assert diff.figures == [] and diff.periods is None


def test_python_dash_m_runs_the_command():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [sys.executable, "-m", "workreport", "stats", str(SAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert '"clues": 86' in out.stdout
