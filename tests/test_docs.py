"""The README stays true: error codes, commands."""

from __future__ import annotations

import re

from conftest import ROOT
from workreport.cli import cli
from workreport.config import load_config
from workreport.errors import CODES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_error_code_is_listed_in_the_readme_with_its_meaning():
    listed = dict(re.findall(r"^\| ([EWC]\d{3}) \| (.+?) \|$", README, flags=re.M))
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


def test_the_rules_page_lists_every_cross_ledger_rule_from_its_declaration():
    from workreport.docs import RULES_PATH, rules_page
    from workreport.ledgers import CROSS_RULES

    committed = (ROOT / RULES_PATH).read_text(encoding="utf-8")
    assert committed == rules_page(committed, load_config(None)), (
        f"{RULES_PATH}'s list of the 案管室's checks is stale: run `python tools/make_docs.py`"
    )
    codes = re.findall(r"^\| ([EW]\d{3}) \| ", committed, flags=re.M)
    assert (
        codes
        == [rule.code for rule in CROSS_RULES]
        == [
            "E140",
            "E141",
            "E142",
            "W240",
            "W241",
            "W242",
            "W243",
            "W244",
        ]
    )
    # every threshold with its default, as defaults.toml has it
    assert "`undisposed_days` = 30 天" in committed
    assert "`pending_days` = 180 天" in committed
    assert "`open_case_days` = 365 天" in committed


def test_importing_the_docs_generator_does_not_import_pandas():
    import subprocess
    import sys

    code = "import sys, workreport.docs; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# Each row of docs/templates.md's filter table: (template, figure values, previous values, output).
FILTER_EXAMPLES = [
    ("{{ clues }}", {"clues": 453}, {}, "453"),
    ("{{ clues | approx }}", {"clues": 453}, {}, "450余"),
    ("{{ clues | approx }}", {"clues": 1234}, {}, "1200余"),
    ("{{ clues | approx }}", {"clues": 450}, {}, "450"),
    ("{{ clues | approx }}", {"clues": 9}, {}, "9"),
    ("{{ forms_shares.第一种形态 | pct }}", {"forms_shares": {"第一种形态": 83.1}}, {}, "83.1%"),
    ("{{ clues | yoy }}", {"clues": 450}, {"clues": 400}, "同比增长12.5%"),
    ("{{ clues | yoy }}", {"clues": 370}, {"clues": 382}, "同比下降3.1%"),
    ("{{ clues | yoy }}", {"clues": 5}, {"clues": 5}, "与上年同期持平"),
    ("{{ clues | yoy }}", {"clues": 5}, {"clues": 0}, "上年同期为零"),
    ("{{ clues | yoy }}", {"clues": 10001}, {"clues": 10000}, "与上年同期基本持平"),
    (
        "{{ forms_shares.第一种形态 | yoy }}",
        {"forms_shares": {"第一种形态": 80.0}},
        {"forms_shares": {"第一种形态": 75.0}},
        "同比上升5.0个百分点",
    ),
    ("{{ clues | yoy }}", {"clues": 453}, {}, "【待补充：受理问题线索（上年同期）】"),
    ("{{ 12 | cn }}", {}, {}, "十二"),
    ("{{ 21 | cn }}", {}, {}, "二十一"),
    ("{{ 2 | cn_heading }}", {}, {}, "二、"),
    ("{{ 3 | cn_paren }}", {}, {}, "（三）"),
    ("{{ 4 | cn_ordinal }}", {}, {}, "四是"),
]


def _render(tmp_path, template: str, values: dict, previous: dict) -> str:
    from workreport.figures import figure_labels
    from workreport.render.sections import render_sections
    from workreport.render.values import figure_context

    labels, groups = figure_labels(load_config())
    (tmp_path / "01.j2").write_text(template + "\n", encoding="utf-8")
    blocks, _ = render_sections(tmp_path, figure_context(values, previous, labels, groups))
    return "".join(b.text for b in blocks)


def test_every_filter_example_in_the_templates_page_is_what_the_code_prints(tmp_path):
    page = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    table = page.split("<!-- filter-examples -->", 1)[1].split("\n\n", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| ") and "`{{" in r]
    documented = [tuple(re.findall(r"`([^`]+)`", r.replace("\\|", "|"))[-2:]) for r in rows]
    printed = [
        (template, _render(tmp_path, template, values, previous))
        for template, values, previous, _ in FILTER_EXAMPLES
    ]
    assert printed == [(t, out) for t, _, _, out in FILTER_EXAMPLES]
    assert documented == printed


def _slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_between_the_docs_pages_points_at_a_heading_that_exists():
    pages = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")}
    anchors = {
        name: {_slug(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.M)}
        for name, text in pages.items()
    }
    for name, text in pages.items():
        for target, anchor in re.findall(r"\]\(([\w.]*\.md)?(?:#([^)]*))?\)", text):
            target = target or name
            assert target in pages, (name, target)
            assert not anchor or anchor in anchors[target], (name, f"{target}#{anchor}")
        # and every picture a page shows is in docs/
        for picture in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
            assert (ROOT / "docs" / picture).is_file(), (name, picture)
