"""Fixtures that write small real workbooks into tmp_path."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from workreport.cli import cli
from workreport.config import CACHE_FOLDER, load_config
from workreport.ledgers import ledger_specs
from workreport.period import Period

# the parsed-workbook cache's key goes to the user's profile (cache.py): a throwaway one
# here, inherited by the installed command the tests run too
os.environ["HOME"] = tempfile.mkdtemp(prefix="workreport-home-")
os.environ["APPDATA"] = os.environ["HOME"]

ROOT = Path(__file__).resolve().parent.parent
# The sample ledgers, copied once per test process (each pytest-xdist worker has its own):
# a build of them writes its parse cache beside their workreport.toml, and in sample_data/
# itself one worker's cache writes would meet another worker's copy of the folder
SAMPLE = Path(
    shutil.copytree(
        ROOT / "sample_data",
        Path(os.environ["HOME"]) / "sample_data",
        ignore=shutil.ignore_patterns(CACHE_FOLDER),
    )
)
# the model report (shared/seed/000_92762d29fbcd092e.txt), kept here so the golden test runs anywhere
SEED = ROOT / "tests" / "data" / "seed_report.txt"
H1_2022 = Period(date(2022, 1, 1), date(2022, 6, 30))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The ledger sheets' canonical headers, from their one definition.  The fixtures
# leave out 单位职务 (optional, personal, never counted) so a clue row is nine cells.
HEADERS = {
    spec.name: [c.name for c in spec.columns if c.name != "单位职务"]
    for spec in ledger_specs(load_config(None)).values()
}


def run(*args):
    """Run the workreport command line in-process; every argument as a string."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def paragraphs(path: Path) -> list[str]:
    """Every body paragraph's text of a .docx as Word shows it, content controls included."""
    body = docx.Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]


def text_of(path: Path) -> str:
    return "\n".join(paragraphs(path))


def write_workbook(path: Path, sheets: dict[str, list[list]], *, headers: bool = True) -> Path:
    """Write ``sheets`` (name → rows) as a real .xlsx; the canonical header row is
    added first unless ``headers`` is False or the sheet name is not a ledger."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        if headers and name in HEADERS:
            ws.append(HEADERS[name])
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def clue(
    cid,
    received,
    *,
    source="信访举报",
    top=None,
    lead=None,
    disposal=None,
    filed=None,
    closed=None,
    name="张某甲",
):
    return [cid, received, source, name, top, lead, disposal, filed, closed]


def measure(name, cid, when, form, kind, *, top=None, lead=None):
    return [name, cid, top, lead, when, form, kind]


@pytest.fixture
def config():
    return load_config(None)


@pytest.fixture
def book(tmp_path):
    """book("单位", {"问题线索": [...]}) writes tmp_path/in/单位.xlsx."""

    def make(unit: str, sheets: dict[str, list[list]], **kw) -> Path:
        return write_workbook(make.folder / f"{unit}.xlsx", sheets, **kw)

    make.folder = tmp_path / "in"
    return make


@pytest.fixture(scope="session", autouse=True)
def sample_cache_filled():
    """SAMPLE's parse cache filled once per test process, before any test: the many tests
    that copy SAMPLE (cache folder included) or build it then read cached workbooks from
    the start, whatever order they run in, instead of each parsing the seven again.  The
    cache's own tests copy SAMPLE without it (test_cache.sample) and still see it cold."""
    result = run("validate", SAMPLE)
    assert result.exit_code == 0, result.output
    assert (SAMPLE / CACHE_FOLDER).is_dir()


@pytest.fixture(scope="session")
def built_sample_project(tmp_path_factory) -> Path:
    """收文/ (the sample ledgers) and 汇报.docx built from it, once per test process;
    tests take a copy (test_drafts.project) and never touch this folder."""
    folder = tmp_path_factory.mktemp("sample-project")
    shutil.copytree(SAMPLE, folder / "收文")
    result = run("build", folder / "收文", "-o", folder / "汇报.docx")
    assert result.exit_code == 0, result.output
    return folder


# The files that take longest, first: `--dist loadfile` hands whole files to the workers in
# collection order, and a long file handed out last keeps one worker busy while the other
# waits.  Sorting is stable: each file's tests, and the other files, keep their order.
SLOW_FIRST = (
    "test_word_template.py",
    "test_voice.py",
    "test_drafts.py",
    "test_offline_install.py",
    "test_period_words.py",
    "test_check_final.py",
    "test_console.py",
    "test_cache.py",
    "test_report.py",
    "test_export.py",
    "test_bulletin_report.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
