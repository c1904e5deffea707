"""The parsed-workbook cache: served when nothing changed, never stale, never a name in clear."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import SAMPLE, clue, measure, run, write_workbook
from workreport import cache as cache_module
from workreport.cache import ParsedCache, key_file
from workreport.config import CACHE_FOLDER, load_config
from workreport.ledgers import ledger_specs
from workreport.load import find_workbooks

NAMES = ("张某甲", "李某乙", "王某丙")


def sample(tmp_path: Path) -> Path:
    return shutil.copytree(SAMPLE, tmp_path / "样例", ignore=shutil.ignore_patterns(CACHE_FOLDER))


def entries(folder: Path) -> set[str]:
    return {p.name for p in (folder / CACHE_FOLDER).glob(f"*{cache_module.SUFFIX}")}


def stats_json(folder: Path, *extra) -> str:
    result = run("stats", folder, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return result.output


def served(folder: Path) -> list[bool]:
    """For each workbook of ``folder``: whether the cache holds its parse."""
    config = load_config(folder / "workreport.toml")
    cache = ParsedCache.open(folder / CACHE_FOLDER, ledger_specs(config))
    workbooks, _ = find_workbooks([folder])
    return [
        cache.get(p, name, cache_module.hashlib.sha256(p.read_bytes()).hexdigest()) is not None
        for p, name in workbooks
    ]


def test_a_second_run_is_served_from_the_cache_with_identical_figures(tmp_path):
    folder = sample(tmp_path)
    fresh = stats_json(folder, "--no-cache")
    assert not (folder / CACHE_FOLDER).exists()
    first = stats_json(folder)
    assert served(folder) == [True] * 7
    before = entries(folder)
    second = stats_json(folder)
    assert fresh == first == second
    assert entries(folder) == before  # nothing parsed again
    assert run("validate", folder).output == run("validate", folder, "--no-cache").output


def test_a_changed_file_is_parsed_again_and_only_it(tmp_path):
    folder = sample(tmp_path)
    stats_json(folder)
    before = entries(folder)
    changed = sorted(folder.glob("*.xlsx"))[0]
    import openpyxl

    wb = openpyxl.load_workbook(changed)
    wb.create_sheet("说明").append(["改过"])
    wb.save(changed)
    assert sorted(served(folder)) == [False] + [True] * 6
    after_changed = stats_json(folder)
    assert len(entries(folder) - before) == 1
    assert after_changed == stats_json(folder, "--no-cache")


def test_a_changed_vocabulary_misses_every_entry(tmp_path):
    folder = sample(tmp_path)
    stats_json(folder)
    before = entries(folder)
    toml = folder / "workreport.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[talks]\nadd = ["座谈"]\n', "utf-8")
    assert served(folder) == [False] * 7
    stats_json(folder)
    assert len(entries(folder) - before) == 7


def test_a_changed_parser_misses_every_entry(tmp_path, monkeypatch):
    folder = sample(tmp_path)
    stats_json(folder)
    assert served(folder) == [True] * 7
    # what a change to load.py, parse.py … gives: another fingerprint of their source
    monkeypatch.setattr(cache_module, "parser_fingerprint", lambda: "another parser")
    assert served(folder) == [False] * 7


def test_the_fingerprint_covers_the_parsing_modules_source():
    assert {"load", "parse", "ledgers", "safety", "config"} <= set(cache_module.PARSER_MODULES)
    assert len(cache_module.parser_fingerprint()) == 64


def test_no_name_is_kept_in_clear_and_persons_are_still_told_apart(tmp_path):
    folder = tmp_path / "收文"
    write_workbook(
        folder / "城关镇纪委.xlsx",
        {
            "问题线索": [
                clue(
                    "A1",
                    date(2022, 2, 1),
                    disposal="初步核实",
                    filed=date(2022, 3, 1),
                    name=NAMES[0],
                ),
                clue(
                    "A2",
                    date(2022, 2, 5),
                    disposal="初步核实",
                    filed=date(2022, 3, 2),
                    name=NAMES[1],
                ),
            ],
            "处分处理": [
                measure(NAMES[0], "A1", date(2022, 4, 1), "第四种形态", "开除党籍"),
                measure(NAMES[0], "A1", date(2022, 4, 2), "第四种形态", "开除公职"),
                measure(NAMES[2], "A2", date(2022, 4, 3), "第一种形态", "批评教育"),
            ],
        },
    )
    plain = run("stats", folder, "-p", "2022H1", "--format", "json", "--no-cache").output
    assert run("stats", folder, "-p", "2022H1", "--format", "json").output == plain
    assert run("stats", folder, "-p", "2022H1", "--format", "json").output == plain
    assert run("validate", folder).output == run("validate", folder, "--no-cache").output
    files = list((folder / CACHE_FOLDER).iterdir())
    assert files
    for path in files:
        data = path.read_bytes()
        for name in NAMES:
            for encoding in ("utf-8", "utf-16-le", "utf-32-le", "gb18030"):
                assert name.encode(encoding) not in data, (path.name, name, encoding)


def test_check_reads_the_names_without_the_cache(tmp_path):
    folder = sample(tmp_path)
    draft = tmp_path / "汇报.docx"
    assert run("build", folder, "-o", draft).exit_code == 0
    assert entries(folder)
    import docx

    document = docx.Document(str(draft))
    from workreport.load import load_paths

    config = load_config(folder / "workreport.toml")
    name = next(
        v for v in load_paths([folder], config).frames["clues"]["被反映人"] if isinstance(v, str)
    )
    document.paragraphs[2].add_run(f"{name}的问题。")
    document.save(str(draft))
    result = run("check", draft, folder)
    assert result.exit_code == 1 and "C306" in result.output


def test_an_unwritable_cache_folder_is_skipped_silently(tmp_path):
    folder = sample(tmp_path)
    (folder / CACHE_FOLDER).write_text("not a folder")  # cannot be made a folder
    fresh = stats_json(folder, "--no-cache")
    result = run("stats", folder, "--format", "json")
    assert result.exit_code == 0 and result.output == fresh


def test_no_profile_folder_at_all_runs_without_a_cache(tmp_path, monkeypatch):
    # issue 26: a service account with no HOME and no passwd entry (Windows: no APPDATA
    # nor USERPROFILE) has nowhere for the key; the figures come without a cache
    import pwd

    folder = sample(tmp_path)
    fresh = stats_json(folder, "--no-cache")

    def no_entry(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("APPDATA", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(RuntimeError):
        Path.home()
    result = run("stats", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.output == fresh
    assert not (folder / CACHE_FOLDER).exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_a_read_only_folder_is_skipped_silently(tmp_path):
    folder = sample(tmp_path)
    fresh = stats_json(folder, "--no-cache")
    folder.chmod(0o555)
    try:
        assert stats_json(folder) == fresh
        assert not (folder / CACHE_FOLDER).exists()
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_key_is_in_the_profile_readable_by_its_owner_only(tmp_path):
    folder = sample(tmp_path)
    stats_json(folder)
    key = key_file()
    assert key.is_file() and not key.is_relative_to(folder)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) == 32


def test_the_cache_is_cleared_and_bounded(tmp_path, monkeypatch):
    folder = sample(tmp_path)
    stats_json(folder)
    assert len(entries(folder)) == 7
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 3)
    stats_json(folder)
    assert len(entries(folder)) == 3
    result = run("cache", folder, "--clear")
    assert result.exit_code == 0 and "3 个工作簿" in result.output
    assert not (folder / CACHE_FOLDER).exists()


def test_a_damaged_entry_is_parsed_again(tmp_path):
    folder = sample(tmp_path)
    fresh = stats_json(folder)
    for path in (folder / CACHE_FOLDER).glob(f"*{cache_module.SUFFIX}"):
        path.write_bytes(b"PK\x03\x04 damaged")
    assert stats_json(folder) == fresh


def test_init_ignores_the_cache_in_git(tmp_path):
    assert run("init", tmp_path / "项目").exit_code == 0
    assert (tmp_path / "项目" / ".gitignore").read_text() == f"{CACHE_FOLDER}/\n"


STORAGE = (
    "import sys; {block}from workreport.cli import cli; "
    "sys.argv = ['workreport', 'stats', {folder!r}, '--format', 'json', '--no-cache'];"
    "cli(standalone_mode=False)"
)


def _stats_with(folder: Path, *, block_pyarrow: bool) -> str:
    import subprocess
    import sys

    block = "sys.modules['pyarrow'] = None;" if block_pyarrow else ""
    # blocked before pandas is imported: pandas then finds no pyarrow
    code = STORAGE.format(block=block, folder=str(folder))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout


def test_the_same_figures_with_and_without_pyarrow(tmp_path):
    """pandas' string storage is pinned (load.py), so pyarrow changes nothing."""
    import importlib.util

    folder = sample(tmp_path)
    without = _stats_with(folder, block_pyarrow=True)
    assert json.loads(without)["period"]
    if importlib.util.find_spec("pyarrow") is None:
        pytest.skip("pyarrow is not installed here: only the half without it ran")
    assert _stats_with(folder, block_pyarrow=False) == without


def test_text_columns_are_stored_as_python_objects(tmp_path):
    import pandas as pd

    from workreport.load import load_paths

    loaded = load_paths([sample(tmp_path)], load_config(None))
    assert pd.get_option("mode.string_storage") == "python"
    for frame in loaded.frames.values():
        for dtype in frame.dtypes:
            assert getattr(dtype, "storage", "python") == "python"


def linked_cache(tmp_path: Path, folder: Path) -> Path:
    """``.workreport-cache`` as a link to another folder holding a stale ``.tmp`` and
    an entry-like file of someone else's."""
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    (elsewhere / "草稿.tmp").write_text("someone's")
    (elsewhere / f"数据{cache_module.SUFFIX}").write_text("someone's")
    old = 1_000_000_000
    os.utime(elsewhere / "草稿.tmp", (old, old))
    (folder / CACHE_FOLDER).symlink_to(elsewhere, target_is_directory=True)
    return elsewhere


def test_a_linked_cache_folder_is_never_followed_by_prune(tmp_path):
    folder = sample(tmp_path)
    elsewhere = linked_cache(tmp_path, folder)
    assert stats_json(folder) == stats_json(folder, "--no-cache")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["数据.wrc", "草稿.tmp"]


def test_a_linked_cache_folder_is_never_followed_by_clear(tmp_path):
    folder = sample(tmp_path)
    elsewhere = linked_cache(tmp_path, folder)
    result = run("cache", folder)
    assert result.exit_code == 0, result.output
    result = run("cache", folder, "--clear")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["数据.wrc", "草稿.tmp"]
    assert (folder / CACHE_FOLDER).is_symlink()


def clues(folder: Path, count: int) -> None:
    """The same workbook of ``count`` clues, each received in 2022."""
    rows = [clue(f"A{i}", date(2022, 2, i + 1)) for i in range(count)]
    write_workbook(folder / "城关镇纪委.xlsx", {"问题线索": rows})


def h1(folder: Path, *extra) -> str:
    result = run("stats", folder, "-p", "2022H1", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return result.output


def one_entry(tmp_path: Path) -> tuple[Path, Path, str]:
    folder = tmp_path / "收文"
    clues(folder, 2)
    figures = h1(folder)
    (name,) = entries(folder)
    return folder, folder / CACHE_FOLDER / name, figures


def test_an_entry_moved_onto_another_files_name_is_not_served(tmp_path):
    """A rewritten entry: the figures of an older version of the file under the current
    one's name.  Its MAC is over its own file's hash and name: parsed again."""
    folder, old, two = one_entry(tmp_path)
    clues(folder, 3)
    three = h1(folder)
    assert three != two
    (new,) = entries(folder) - {old.name}
    shutil.copyfile(old, folder / CACHE_FOLDER / new)
    assert h1(folder) == three == h1(folder, "--no-cache")


def test_an_entry_with_bytes_beyond_its_length_is_parsed_again(tmp_path):
    folder, entry, figures = one_entry(tmp_path)
    size = entry.stat().st_size
    with entry.open("ab") as fh:
        fh.write(b"\0" * 4096)
    assert h1(folder) == figures
    assert entry.stat().st_size == size  # written afresh, not served


def test_a_link_in_an_entrys_place_is_not_followed(tmp_path):
    folder, entry, figures = one_entry(tmp_path)
    elsewhere = shutil.copyfile(entry, tmp_path / "别处.wrc")
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert h1(folder) == figures
    assert not entry.is_symlink() and entry.is_file()  # written afresh


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_an_entrys_place_is_never_opened(tmp_path):
    folder, entry, figures = one_entry(tmp_path)
    entry.unlink()
    os.mkfifo(entry)
    done = threading.Event()
    opened = []

    def writer():
        # opens (without waiting) only while a reader has the FIFO open
        while not done.is_set():
            try:
                fd = os.open(entry, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.005)
                continue
            # once written afresh the entry is a plain file: that is not the FIFO opened
            opened.append(stat.S_ISFIFO(os.fstat(fd).st_mode))
            os.close(fd)
            return

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        assert h1(folder) == figures
    finally:
        done.set()
        thread.join(5)
    assert True not in opened
