"""Writing output without ever losing someone's work (docs/rules.md, 绝不允许).

Files are written to a temporary file beside the target and renamed into
place, so a crash leaves either the old file or the new one, never half of
each.  A target that Word has open (``~$`` lock beside it) is not touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputError


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


def ensure_not_open(path: Path) -> None:
    lock = lock_file(path)
    if lock is not None:
        raise OutputError(
            f"{path.name} 正在被 Word/WPS 打开（发现锁文件 {lock.name}），未写入任何内容。"
            "请先关闭该文件再重试，或用 -o 指定另一个文件名。"
        )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OutputError(f"无法写入 {path}：{_why(e)}") from e
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"无法写入 {path}：{_why(e)}") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _why(error: OSError) -> str:
    reasons = {
        "EACCES": "没有写入权限",
        "EPERM": "没有写入权限",
        "EROFS": "所在位置只读",
        "ENOSPC": "磁盘空间不足",
        "EISDIR": "这是一个文件夹",
        "ENOTDIR": "路径中有一段不是文件夹",
        "EEXIST": "路径中有同名文件",
        "ENOENT": "路径不存在",
    }
    import errno

    return reasons.get(errno.errorcode.get(error.errno or 0, ""), error.strerror or str(error))


def refuse_existing(path: Path, *, force: bool, what: str) -> Path | None:
    """An existing file is somebody's: replaced only with ``force``, after a backup."""
    if not path.exists():
        return None
    if not force:
        raise OutputError(
            f"{path} 已存在，未覆盖（{what}）。换一个文件名，或加 --force（会先备份原文件）。"
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
    target = backup_path(path)
    try:
        shutil.copy2(path, target)
    except OSError as e:
        raise OutputError(f"无法备份 {path}：{_why(e)}，未写入任何内容") from e
    return target
