"""The README stays true: error codes, commands."""

from __future__ import annotations

import re

from conftest import ROOT
from workreport.cli import cli
from workreport.errors import CODES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_error_code_is_listed_in_the_readme_with_its_meaning():
    listed = dict(re.findall(r"^\| ([EW]\d{3}) \| (.+?) \|$", README, flags=re.M))
    assert listed == CODES


def test_every_command_is_in_the_readme_reference():
    for name in cli.commands:
        assert f"`workreport {name}" in README, name


def test_the_two_commands_are_there_for_ci():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- build-command -->" in README and "<!-- test-command -->" in README
    assert "command_after test-command" in ci and "command_after build-command" in ci
    assert "workreport build sample_data" in README


def test_the_figure_handbook_is_generated_from_the_registry_and_up_to_date():
    from workreport.config import load_config
    from workreport.docs import HANDBOOK_PATH, REGENERATE, figure_handbook

    committed = (ROOT / HANDBOOK_PATH).read_text(encoding="utf-8")
    fresh = figure_handbook(load_config(None))
    assert committed == fresh, (
        f"{HANDBOOK_PATH} is stale: the figure registry or the ledger specs changed. "
        f"Run `{REGENERATE}` and commit the result."
    )


def test_the_handbook_lists_every_figure_id_and_every_ledger_column():
    from workreport.config import load_config
    from workreport.figures import figure_ids
    from workreport.ledgers import ledger_specs

    config = load_config(None)
    handbook = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
    for fid, label, unit, basis in figure_ids(config):
        assert (
            f"`{fid}` | {label} | {unit} |" in handbook
            or f"`{fid}`（分组） | {label} |" in handbook
        ), fid
        assert basis in handbook, fid
    for spec in ledger_specs(config).values():
        assert f"### {spec.name}（`{spec.key}`）" in handbook
        for column in spec.columns:
            assert f"\n| {column.name} | " in handbook, column.name


def test_importing_the_docs_generator_does_not_import_pandas():
    import subprocess
    import sys

    code = "import sys, workreport.docs; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
