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
