"""A full disk or a failing write leaves every file old or new, whole (docs/rules.md, 用户的电脑).

Our own writer (``write._write_all``) is made to write half its bytes and then fail
as a full disk does; then every file in the folder must be the one that was there
before, byte for byte, or a whole new one, and no temporary file is left.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLE, run
from workreport import write
from workreport.errors import OutputError
from workreport.refresh import refresh_draft
from workreport.report import build_report


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def whole(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return z.testzip() is None


def assert_old_or_new(folder: Path, before: dict[str, bytes]) -> None:
    for name, data in files(folder).items():
        assert not name.startswith("."), f"leftover temporary file {name}"
        assert data == before.get(name) or whole(folder / name), name


def disk_full_at(monkeypatch, n: int) -> list[int]:
    """The n-th write of a run writes half its bytes, then fails like a full disk."""
    calls: list[int] = []
    real = write._write_all

    def half(fh, data):
        calls.append(len(data))
        if len(calls) == n:
            fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fh, data)

    monkeypatch.setattr(write, "_write_all", half)
    return calls


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full-disk") / "d.docx"
    build_report([SAMPLE], out, period="2022H1")
    return out


# another 成文日期 than the sample's: a build that changes nothing writes nothing at all
OTHER_DAY = "2022-07-09"


@pytest.fixture
def built(built_once, tmp_path) -> Path:
    """d.docx and d.底稿.xlsx in the test's own folder: copies of the module's build."""
    for source in built_once.parent.iterdir():
        shutil.copyfile(source, tmp_path / source.name)
    return tmp_path / built_once.name


# the writes of a `build --force` over a draft with its 底稿: the draft's backup, the
# 底稿's backup, the new 底稿, the new draft
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_build_force_on_a_full_disk_changes_nothing(built, monkeypatch, n):
    before = files(built.parent)
    calls = disk_full_at(monkeypatch, n)

    with pytest.raises(OutputError) as e:
        build_report([SAMPLE], built, period="2022H1", signed=OTHER_DAY, force=True)

    assert "磁盘空间不足" in str(e.value)
    assert len(calls) == n
    assert files(built.parent) == before  # no half backup, no useless whole one either


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_refresh_on_a_full_disk_changes_nothing(built, monkeypatch, n):
    from workreport.draft import Draft

    # a hand edit the refresh must keep, so that it has something to write
    draft = Draft.open(built)
    draft.document.add_paragraph("领导批示：请补充典型案例。")
    draft.stamp.period = "2022-01-01..2022-03-31"
    draft.save(built)
    before = files(built.parent)
    disk_full_at(monkeypatch, n)

    with pytest.raises(OutputError):
        refresh_draft(built, [SAMPLE], period="2022H1")

    assert files(built.parent) == before


def test_every_write_of_a_rebuild_fails_in_turn_and_each_file_stays_whole(built, monkeypatch):
    before = files(built.parent)
    for n in range(1, 6):
        calls = disk_full_at(monkeypatch, n)
        with contextlib.suppress(OutputError):
            build_report([SAMPLE], built, period="2022H1", signed=OTHER_DAY, force=True)
        monkeypatch.undo()
        assert_old_or_new(built.parent, before)
        if len(calls) < n:  # the run needed fewer writes: it succeeded
            break


def test_a_failed_draft_rename_puts_the_old_audit_workbook_back(built, monkeypatch):
    before = files(built.parent)
    real = write._replace

    def refuse_docx(tmp, path):
        if path.suffix == ".docx" and not path.stem.endswith(".v1"):
            tmp.unlink()
            raise OutputError(f"无法写入 {path}：磁盘空间不足")
        real(tmp, path)

    monkeypatch.setattr(write, "_replace", refuse_docx)
    with pytest.raises(OutputError):
        build_report([SAMPLE], built, period="2022Q1", force=True)

    assert files(built.parent) == before  # the 底稿 renamed first was rolled back


def test_a_backup_is_written_like_an_output(built, monkeypatch):
    disk_full_at(monkeypatch, 1)

    with pytest.raises(OutputError) as e:
        write.keep_backup(built)

    assert "无法备份" in str(e.value) and "磁盘空间不足" in str(e.value)
    assert sorted(files(built.parent)) == ["d.docx", "d.底稿.xlsx"]


def test_no_audit_moves_the_old_audit_workbook_aside(built):
    result = run("build", SAMPLE, "--period", "2022Q1", "-o", built, "--force", "--no-audit")

    assert result.exit_code == 0, result.output
    assert sorted(files(built.parent)) == ["d.docx", "d.v1.docx", "d.v1.底稿.xlsx"]


def test_no_audit_on_a_new_name_moves_a_stray_audit_workbook_aside(tmp_path):
    (tmp_path / "d.底稿.xlsx").write_bytes(b"from an earlier build")

    build_report([SAMPLE], tmp_path / "d.docx", period="2022H1", audit=False)

    assert sorted(files(tmp_path)) == ["d.docx", "d.v1.底稿.xlsx"]


def test_a_refresh_that_changes_nothing_writes_nothing(built):
    before = files(built.parent)
    stamps = {p.name: p.stat().st_mtime_ns for p in built.parent.iterdir()}

    first = run("refresh", built, SAMPLE)
    second = run("refresh", built, SAMPLE)

    assert first.exit_code == 0 and second.exit_code == 0
    assert "稿件已是最新，未改写" in second.output
    assert files(built.parent) == before
    assert {p.name: p.stat().st_mtime_ns for p in built.parent.iterdir()} == stamps
