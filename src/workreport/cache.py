"""A cache of parsed workbooks, so that a rerun on mostly the same files skips their parsing.

The analyst runs validate → build → refresh, and build again after each correction,
on mostly the same files (docs/rules.md, 命令行).  Each workbook's parse — its typed
frames, its issues and its :class:`SourceFile` — is kept in a hidden
``.workreport-cache/`` beside the configuration in use (else in the first input
folder), keyed by everything that decides it: the file's bytes (SHA-256), its
display name, the ledger contracts the parser reads (vocabularies from the
configuration), the source of the parsing code and the versions of the libraries it
runs on.  A changed file, configuration or parser is therefore never served stale.

Names never lie in the cache in clear (docs/rules.md, 绝不允许): the personal columns
are replaced by keyed hashes (BLAKE2b in its keyed mode, a MAC) in every run that uses the cache, freshly
parsed or not, so equal names stay equal (a person is 线索编号 + 姓名) and nothing
downstream prints them.  The key lives in the user's own profile, readable by the
owner only, never beside the cache.  ``check``, which looks for names in the draft,
reads the ledgers without the cache.

Format: one file per workbook in the packed form of ``packed.py`` (a JSON header and
raw numeric arrays, text columns as codes and their distinct texts), behind its length
and an HMAC-SHA256 with the user's key over the entry's identity (parser, contracts,
the file's SHA-256 and name) and its bytes.  Only a plain file whose size is the one
its head gives is read, and only an entry whose MAC is right is used: a rewritten,
swapped or planted entry, a link, a FIFO or a device is skipped and the workbook
parsed again, so the figures are always the real file's.  Nothing in an entry can run
code when read, and every array is checked against its header.  Any failure of the
cache — a read-only folder, a full disk, a damaged entry — falls back to parsing,
silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import struct
import time
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from .config import CACHE_FOLDER as FOLDER
from .errors import Issue
from .ledgers import SheetSpec, SourceFile
from .packed import OBJECTS, TEXT, PackedColumn, PackedFrame, Unpackable, from_bytes, to_bytes

SUFFIX = ".wrc"
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO put in an entry's place never blocks
FORMAT = 3
# an entry: this magic, the length of its packed body, the body's MAC, the body
ENTRY_MAGIC = b"workreport-cache\n"
_LENGTH = struct.Struct("<Q")
MAC_BYTES = 32
ENTRY_HEAD = len(ENTRY_MAGIC) + _LENGTH.size + MAC_BYTES
MAX_ENTRIES = 5000  # a province's pile is a few thousand workbooks
MAX_BYTES = 1 << 30  # the oldest entries go first past 1 GiB
KEY_BYTES = 32
# the modules whose code decides a parse: a change to any of them is a new parser
PARSER_MODULES = (
    *("load", "parse", "ledgers", "safety", "config", "errors", "cache", "packed"),
    "sources",
)


def key_file() -> Path:
    """Where the user's hashing key lives: in their own profile, never beside the cache."""
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "workreport" / "cache-key"
    return Path.home() / ".workreport" / "cache-key"


def user_key() -> bytes:
    """The user's random key, created on first use with owner-only permissions (0o600)."""
    path = key_file()
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return _read_key(path)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise ValueError("damaged key file")
    return key


def cache_folder(config_source: Path | None, paths) -> Path | None:
    """The configuration's folder, else the first input folder (a file's own folder)."""
    if config_source is not None:
        return config_source.parent / FOLDER
    for p in paths:
        p = Path(p)
        return (p if p.is_dir() else p.parent) / FOLDER
    return None


def _own_folder(folder: Path) -> bool:
    """A folder of its own, never a link or a junction to another: the cache deletes
    files in it (prune, clear), and must never reach into a folder someone pointed it at."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and not getattr(st, "st_reparse_tag", 0)


def _own_files(folder: Path):
    """(path, lstat) of each plain file in ``folder``: links are neither followed nor
    counted."""
    with os.scandir(folder) as found:
        for e in found:
            st = e.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode):
                yield Path(e.path), st


@cache
def parser_fingerprint() -> str:
    """The source of the parsing code and the versions of the readers it relies on."""
    import pandas as pd
    import python_calamine

    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in PARSER_MODULES:
        h.update((here / f"{name}.py").read_bytes())
    h.update(f"pandas={pd.__version__};numpy={np.__version__};".encode())
    # calamine has no __version__: its compiled module's name, size and time stand for it
    # (reading the installed packages' metadata cost ~10 ms a run; benchmarks/README.md, 启动)
    for binary in sorted(Path(python_calamine.__file__).parent.glob("*python_calamine*")):
        st = binary.stat()
        h.update(f"{binary.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    h.update(f"format={FORMAT}".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class ParsedCache:
    """An open cache: its folder, the user's key, and what every entry here is keyed on."""

    folder: Path
    key: bytes
    salt: str  # parser, contracts and key: one hex string

    @classmethod
    def open(
        cls, folder: Path | None, specs: dict[str, SheetSpec], profiles=()
    ) -> ParsedCache | None:
        """The cache in ``folder``, or None where it cannot be used (silently).
        ``profiles``: the source profiles in force (sources.py), part of every key."""
        if folder is None:
            return None
        try:
            key = user_key()
            folder.mkdir(exist_ok=True)
            if not _own_folder(folder):
                return None  # a link to elsewhere: never followed (cache.py, prune)
            salt = hashlib.sha256(
                "\x1f".join(
                    [
                        parser_fingerprint(),
                        repr(sorted(specs.items())),
                        repr(tuple(profiles)),
                        hmac.new(key, b"key-id", "sha256").hexdigest(),
                    ]
                ).encode()
            ).hexdigest()
        except (OSError, ValueError, RuntimeError):
            # RuntimeError: no profile folder at all (no HOME and no passwd entry, a service
            # account; Windows without APPDATA or USERPROFILE): run without a cache
            return None
        return cls(folder, key, salt)

    def entry(self, sha256: str, name: str) -> Path:
        digest = hashlib.sha256(self._identity(sha256, name)).hexdigest()
        return self.folder / f"{digest[:40]}{SUFFIX}"

    def _identity(self, sha256: str, name: str) -> bytes:
        return f"{self.salt}\x1f{sha256}\x1f{name}".encode()

    def _mac(self, sha256: str, name: str, body: bytes) -> bytes:
        # bound to the entry's identity: an entry moved onto another's name fails too
        mac = hmac.new(self.key, self._identity(sha256, name) + b"\x00", "sha256")
        mac.update(body)
        return mac.digest()

    def _read(self, entry: Path, sha256: str, name: str) -> bytes | None:
        """The entry's authenticated body, or None: a link, a FIFO, a device, a size
        other than its head says or a wrong MAC is skipped, the rest of it unread."""
        try:
            if not stat.S_ISREG(os.lstat(entry).st_mode):
                return None
            fd = os.open(entry, os.O_RDONLY | _O_BINARY | _O_NOFOLLOW | _O_NONBLOCK)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size < ENTRY_HEAD:
                return None
            head = fh.read(ENTRY_HEAD)
            if not head.startswith(ENTRY_MAGIC):
                return None
            (length,) = _LENGTH.unpack_from(head, len(ENTRY_MAGIC))
            if length > MAX_BYTES or st.st_size != ENTRY_HEAD + length:
                return None
            body = fh.read(length)
            expected = self._mac(sha256, name, body)
            if len(body) != length or not hmac.compare_digest(head[-MAC_BYTES:], expected):
                return None
            with contextlib.suppress(OSError, NotImplementedError):
                os.utime(fd if os.utime in os.supports_fd else entry)  # used: evicted last
        return body

    def pseudonymise(
        self, frames: dict[str, PackedFrame], specs: dict[str, SheetSpec]
    ) -> dict[str, PackedFrame]:
        """Personal columns → keyed hashes; blanks stay blank, equal names stay equal.

        A packed text column holds each distinct name once, so only those are hashed."""
        out = {}
        for key, frame in frames.items():
            personal = {c.name for c in specs[key].columns if c.personal}
            columns = [self._hashed(c) if c.name in personal else c for c in frame.columns]
            out[key] = PackedFrame(frame.rows, columns)
        return out

    def _hashed(self, column: PackedColumn) -> PackedColumn:
        if column.kind == TEXT:
            return replace(column, texts=[self._hash(t) for t in column.texts])
        if column.kind == OBJECTS:  # mixed values (not seen in a parsed ledger): texts hashed
            values = np.empty(len(column.data), dtype=object)
            values[:] = [self._hash(v) if isinstance(v, str) else v for v in column.data]
            return replace(column, data=values)
        return column

    def _hash(self, name: str) -> str:
        # keyed BLAKE2b is a MAC by design and ~3× faster than HMAC-SHA256 here: two
        # thousand names a workbook (benchmarks/README.md, 读取)
        return "#" + hashlib.blake2b(name.encode(), key=self.key, digest_size=16).hexdigest()

    def get(self, path: Path, name: str, sha256: str):
        """(source, packed frames, issues) as parsed before, or None."""
        body = self._read(self.entry(sha256, name), sha256, name)
        if body is None:
            return None
        try:
            meta, frames = from_bytes(body)
            if meta.get("format") != FORMAT:
                return None
            s = meta["source"]
            source = SourceFile(
                path=path,
                name=name,
                unit=s["unit"],
                sha256=sha256,
                sheets=tuple(s["sheets"]),
                sheet_names=s["sheet_names"],
                letters=s["letters"],
                all_sheets=tuple(s["all_sheets"]),
                headers=s.get("headers", {}),
            )
            issues = [Issue(**i) for i in meta["issues"]]
        except Exception:  # noqa: BLE001 - a damaged entry is parsed afresh
            return None
        return source, frames, issues

    def put(self, source: SourceFile, frames: dict[str, PackedFrame], issues: list[Issue]):
        """Keep one workbook's parse; silently nothing where it cannot be written."""
        meta = {
            "format": FORMAT,
            "source": {
                "unit": source.unit,
                "sheets": list(source.sheets),
                "sheet_names": source.sheet_names,
                "letters": source.letters,
                "all_sheets": list(source.all_sheets),
                "headers": source.headers,
            },
            "issues": [asdict(i) for i in issues],
        }
        try:
            body = to_bytes(meta, frames)
        except Unpackable:
            return
        mac = self._mac(source.sha256, source.name, body)
        entry = self.entry(source.sha256, source.name)
        # a name of this process's own beside the entry, created exclusively (never through
        # a link someone placed there): a third of tempfile's cost, a thousand times a
        # pile (benchmarks/README.md, 读取)
        tmp = entry.with_name(f".{entry.stem}.{os.getpid()}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY | _O_NOFOLLOW
        try:
            fd = os.open(tmp, flags, 0o600)
        except OSError:
            return  # left by a stopped run (pruned later), or an unwritable folder
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(ENTRY_MAGIC + _LENGTH.pack(len(body)) + mac)
                fh.write(body)
            os.replace(tmp, entry)
        except OSError:
            tmp.unlink(missing_ok=True)

    def prune(self) -> None:
        """Bounded: the least recently used entries go past MAX_ENTRIES or MAX_BYTES."""
        if not _own_folder(self.folder):
            return
        try:
            entries = []
            now = time.time()
            for p, st in _own_files(self.folder):
                if p.suffix == ".tmp" and now - st.st_mtime > 3600:
                    p.unlink(missing_ok=True)  # left by a run that was stopped
                elif p.suffix == SUFFIX:
                    entries.append((st.st_mtime, st.st_size, p))
            entries.sort(reverse=True)
            total = 0
            for n, (_, size, p) in enumerate(entries):
                total += size
                if n >= MAX_ENTRIES or total > MAX_BYTES:
                    p.unlink(missing_ok=True)
        except OSError:
            pass


def describe(folder: Path) -> tuple[int, int]:
    """(entries, bytes) of the cache in ``folder``."""
    if not _own_folder(folder):
        return 0, 0
    sizes = [st.st_size for p, st in _own_files(folder) if p.suffix == SUFFIX]
    return len(sizes), sum(sizes)


def clear_cache(folder: Path) -> int:
    """Delete every entry of the cache in ``folder``; the number deleted.  A ``folder``
    that is a link is left alone, and so is what it points to."""
    n = 0
    if not _own_folder(folder):
        return 0
    for p, _ in list(_own_files(folder)):
        if p.suffix in (SUFFIX, ".tmp"):
            p.unlink(missing_ok=True)
            n += p.suffix == SUFFIX
    with contextlib.suppress(OSError):
        folder.rmdir()
    return n


@dataclass
class CacheStatus:
    """``cache``: where the cache of a project is, and what it holds (or held)."""

    folder: Path
    entries: int  # workbooks held (after ``clear``: 0)
    size: int  # bytes
    cleared: int | None = None  # with ``clear``: the workbooks deleted


def cache_status(paths=(), *, config=None, clear: bool = False) -> CacheStatus:
    """``cache``: the cache of the project ``config`` (found as the command line finds
    it) or of the first input folder; ``clear`` deletes it."""
    from .config import open_config
    from .errors import UsageError

    paths = [Path(p) for p in paths]
    folder = cache_folder(open_config(config, paths).source, paths)
    if folder is None:
        raise UsageError("请给出台账文件或文件夹，或在项目文件夹中运行")
    if clear:
        return CacheStatus(folder, 0, 0, clear_cache(folder))
    return CacheStatus(folder, *describe(folder))
