"""Writing output without ever losing someone's work (docs/rules.md, 绝不允许).

Files are written to a temporary file beside the target and renamed into
place, so a crash leaves either the old file or the new one, never half of
each.  A target that Word has open (``~$`` lock beside it) is not touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, Refused, reason


def lock_file(path: Path) -> Path | None:
    """The lock file an editor keeps beside ``path`` while it is open: Word's and WPS's
    ``~$`` + the name (long names lose their first two characters), LibreOffice's
    ``.~lock.<name>#``."""
    folder, name = path.parent, path.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")
    for candidate in candidates:
        if (folder / candidate).exists():
            return folder / candidate
    return None


# Windows refuses these as file names whatever the extension; a draft made on Linux
# travels to Windows machines, so they are refused everywhere (docs/rules.md, 用户的电脑)
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{d}{i}" for d in ("COM", "LPT") for i in range(1, 10))}
NAME_MAX = 255  # bytes on ext4 and most Linux file systems; UTF-16 units on NTFS
_DERIVED = 16  # the longest name made from the output's: .~lock.<name>#, <stem>.v12.底稿.xlsx
WINDOWS_PATH_MAX = 259


def check_name(path: Path) -> None:
    """A clear error for an output name the file system would refuse (E120)."""
    name = path.name
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        raise OutputError(f"E120 「{name}」是 Windows 保留的名称，不能用作文件名，请换一个文件名。")
    if name != name.rstrip(" ."):
        raise OutputError(f"E120 「{name}」以空格或句点结尾，Windows 无法使用，请换一个文件名。")
    size = len(name.encode("utf-8"))
    if size + _DERIVED > NAME_MAX:
        raise OutputError(
            f"E120 文件名过长（{size} 字节，最多约 {NAME_MAX - _DERIVED} 字节，"
            f"一个汉字占 3 字节），请用短一些的文件名：{name[:20]}…"
        )
    if os.name == "nt" and len(str(path.absolute())) + _DERIVED > WINDOWS_PATH_MAX:
        raise OutputError(
            f"E120 路径过长（超过 Windows 的 {WINDOWS_PATH_MAX} 个字符），"
            "请换一个短一些的文件夹或文件名。"
        )


def ensure_not_open(path: Path) -> None:
    check_name(path)
    try:
        lock = lock_file(path)
    except OSError as e:
        raise OutputError(f"E120 无法使用文件名 {path.name}：{reason(e)}") from e
    if lock is not None:
        raise OutputError(
            f"{path.name} 正在被 Word/WPS 打开（发现锁文件 {lock.name}），未写入任何内容。"
            "请先关闭该文件再重试，或用 -o 指定另一个文件名。"
        )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    _replace(_temp_file(path, data), path)


def _temp_file(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path``, whole and on disk, or an error and no file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OutputError(f"无法写入 {path}：{reason(e)}") from e
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as fh:
            _write_all(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"无法写入 {path}：{reason(e)}") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _write_all(fh, data: bytes) -> None:
    """Every byte the tool writes to disk passes here (the tests make it fail half way)."""
    fh.write(data)


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"无法写入 {path}：{reason(e)}") from e


def replace_together(steps: list[tuple[Path, bytes | None, Path | None]]) -> None:
    """Files that must agree, replaced in the order given, all or none.

    Each step is (target, data, backup): ``data`` replaces the target, or with ``None``
    the target is moved to ``backup``.  Every new file is written to a temporary file
    before anything is renamed; when a rename fails, the steps already done are undone
    in reverse order, each target put back from its old version (docs/rules.md, 用户的电脑).
    """
    temps: dict[Path, Path] = {}
    try:
        for target, data, _ in steps:
            if data is not None:
                temps[target] = _temp_file(target, data)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    undo: list = []
    try:
        for target, data, backup in steps:
            if data is None:
                _move(target, backup)
                undo.append(lambda t=target, b=backup: _move(b, t))
                continue
            old = _keep_old(target, backup)
            _replace(temps.pop(target), target)
            undo.append(lambda t=target, o=old: _put_back(t, o))
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        for step in reversed(undo):
            # nothing more can be done if this fails too; the error raised says why
            with contextlib.suppress(OSError, OutputError):
                step()
        raise
    finally:
        for target, _, _ in steps:
            _drop_link(target)


def _old_link(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def _keep_old(target: Path, backup: Path | None) -> tuple[Path | None, bool]:
    """Where the target's old version can be taken back from: a hard link (costs no space
    on a full disk), else its numbered backup; (None, False) when there was none."""
    if not target.exists():
        return None, False
    link = _old_link(target)
    try:
        link.unlink(missing_ok=True)
        os.link(target, link)
        return link, True
    except OSError:  # no hard links here (FAT32 stick): fall back on the backup's bytes
        return (backup if backup is not None and backup.exists() else None), False


def _put_back(target: Path, old: tuple[Path | None, bool]) -> None:
    source, linked = old
    if source is None:
        target.unlink(missing_ok=True)
    elif linked:
        os.replace(source, target)
    else:
        write_atomic(target, source.read_bytes())


def _drop_link(target: Path) -> None:
    with contextlib.suppress(OSError):
        _old_link(target).unlink(missing_ok=True)


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError as e:
        raise OutputError(f"无法把 {source.name} 改名为 {target.name}：{reason(e)}") from e


@dataclass
class Written:
    """A file a command wrote, and the backup of the file it replaced (``--force``)."""

    output: Path
    backup: Path | None = None


def refuse_existing(path: Path, *, force: bool, what: str, option: str = "--force") -> Path | None:
    """An existing file is somebody's: replaced only with ``force`` (the command's
    ``option``), after a backup."""
    if not path.exists():
        return None
    if not force:
        raise Refused(
            f"{path} 已存在，未覆盖（{what}）。换一个文件名，或加 {option}（会先备份原文件）。"
        )
    return keep_backup(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def backup_path(path: Path) -> Path:
    """The next free numbered backup: 汇报.v1.docx, 汇报.v2.docx …"""
    # names are compared literally: 「汇报[定稿].docx」 must not read as a glob pattern
    prefix, suffix = f"{path.stem}.v", path.suffix
    taken = [
        int(p.name[len(prefix) : len(p.name) - len(suffix)])
        for p in path.parent.iterdir()
        if p.name.startswith(prefix)
        and p.name.endswith(suffix)
        and p.name[len(prefix) : len(p.name) - len(suffix)].isdigit()
    ]
    return path.with_name(f"{path.stem}.v{max(taken, default=0) + 1}{path.suffix}")


def keep_backup(path: Path) -> Path:
    """A numbered copy of ``path``, written like any output: whole, or not at all."""
    target = backup_path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise OutputError(f"无法备份 {path}：{reason(e)}，未写入任何内容") from e
    try:
        write_atomic(target, data)
    except OutputError as e:
        raise OutputError(f"无法备份 {path}（{e}），未写入任何内容") from e
    with contextlib.suppress(OSError):
        shutil.copystat(path, target)  # the backup keeps the draft's own date
    return target


def drop_if_same(backup: Path, original: Path) -> None:
    """Remove a backup that a failed write made useless: the original is still there, unchanged."""
    with contextlib.suppress(OSError):
        if backup.exists() and original.exists() and backup.read_bytes() == original.read_bytes():
            backup.unlink()


def same_package(a: bytes, b: bytes) -> bool:
    """Whether two zip packages (.xlsx, .docx) hold the same parts with the same bytes,
    whatever their zip entries' dates."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            names = za.namelist()
            return names == zb.namelist() and all(za.read(n) == zb.read(n) for n in names)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
