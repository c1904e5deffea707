"""Refuse corrupt and hostile workbooks before any parser touches them (docs/rules.md, 绝不允许).

:func:`check_workbook` looks at a file's bytes without trusting them: what kind
of container it really is, whether it is encrypted, whether its zip parts would
unpack to more than we accept, whether any XML part declares a DTD, and whether
a worksheet has a value so far down or to the right that the reader would have
to allocate a grid of billions of cells.  That last one matters because
python-calamine builds a dense grid from the first to the last non-empty cell
when a sheet is opened: two values at A1 and XFD1048576 make it ask for 512 GiB
and the process aborts, which no ``except`` can catch.  The ``<dimension>``
element is not the risk: calamine ignores it.

:func:`formula_cells_without_value` finds formula cells whose result was never
saved, whose value cannot be known without evaluating them (docs/rules.md, 输入约定).
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .errors import Issue, reason

MAX_UNPACKED = 200 * 1024**2  # docs/rules.md: parts unpacking to more than this are refused
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # a member compressed more than 100:1 ...
RATIO_MIN_SIZE = 10 * 1024**2  # ... and larger than 10 MiB is a bomb, not a ledger
MAX_CENTRAL_DIRECTORY = 4 * 1024**2  # a real workbook's zip index is a few KiB
MAX_ROWS = 200_000  # per sheet, counted from row 1
MAX_COLUMNS = 200  # per sheet, counted from column A (GR)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
SUFFIXES = (*ZIP_SUFFIXES, ".xls")

CHUNK = 1 << 20
PROLOG_LIMIT = 64 * 1024  # the root element must start within this many bytes
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"
CHECK_SOURCE = "请确认文件来源；如确为台账，请用 Excel 打开后另存为新文件再提交"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


# what reading a damaged zip or XML part raises
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, struct.error, ValueError, SafeET.ParseError)


class _Refused(Exception):
    """A file that must not reach a parser; becomes one Issue."""

    def __init__(self, code: str, message: str, suggestion: str = RESAVE, sheet: str = ""):
        super().__init__(message)
        self.code, self.message, self.suggestion, self.sheet = code, message, suggestion, sheet


def _damaged(detail: str = "") -> _Refused:
    why = f"（{detail}）" if detail else ""
    return _Refused(
        "E001",
        f"文件已损坏或不完整{why}，可能在下载或拷贝时被截断",
        "请让填报单位重新保存后再发送一次",
    )


# ---------------------------------------------------------------------------
# the checks, in the order a file meets them


def check_workbook(path: Path, *, max_unpacked: int = MAX_UNPACKED) -> list[Issue]:
    """The issues of :func:`inspect_workbook` alone."""
    return inspect_workbook(path, max_unpacked=max_unpacked)[0]


def inspect_workbook(
    path: Path, *, max_unpacked: int = MAX_UNPACKED
) -> tuple[list[Issue], frozenset[str] | None]:
    """(errors, formula parts): the errors that stop ``path`` from being parsed, and
    the .xlsx sheet parts that hold a formula tag (None when not known), found in the
    same single pass so that :func:`formula_cells_without_value` opens only those.

    Errors that stop ``path`` from being parsed at all; ``[]`` when it may be.

    E001 empty, truncated, damaged, or not the kind of file its extension says;
    E002 encrypted; E003 zip bomb or a DTD in an XML part; E007 a value cell
    beyond :data:`MAX_ROWS` × :data:`MAX_COLUMNS` (one issue per sheet, .xlsx/.xlsm/.xlsb/.xls).

    Reads headers, zip indexes and the parts in bounded chunks, inflating each
    part once and never past its declared size nor ``max_unpacked`` in total.
    """
    path = Path(path)
    formulas: set[str] | None = set()
    try:
        issues = _check(path, max_unpacked, formulas)
    except _Refused as r:
        issues = [Issue(r.code, r.message, sheet=r.sheet, suggestion=r.suggestion)]
    except OSError as e:
        why = reason(e)
        issues = [Issue("E001", f"文件无法打开：{why}", suggestion="请确认文件存在且有读取权限")]
    except _DAMAGE:
        # damage a check met before it was looked for: refused all the same, never raised
        r = _damaged("文件结构异常")
        issues = [Issue(r.code, r.message, suggestion=r.suggestion)]
    found = (
        None
        if formulas is None or path.suffix.lower() not in (".xlsx", ".xlsm", ".xlsb")
        else frozenset(formulas)
    )
    return [replace(i, file=path.name) for i in issues], found


def check_document(path: Path, *, max_unpacked: int | None = None) -> str:
    """Why a Word document (a draft, a Word template) must not be unpacked, or "".

    The workbook's zip limits, before python-docx unpacks anything: a document.xml that
    inflates to 1 GiB would otherwise be read whole into memory (docs/rules.md, 用户的电脑).
    A file that is no zip at all is left to python-docx, which says so.
    """
    try:
        with Path(path).open("rb") as f:
            if not f.read(4).startswith(ZIP_MAGIC):
                return ""
            _, infos = _zip_index(f)
            _check_sizes(infos, MAX_UNPACKED if max_unpacked is None else max_unpacked)
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    _scan_member(f, info, cells=False)
    except _Refused as r:
        # damaged, not hostile: python-docx's own error says the file cannot be read
        return "" if r.code == "E001" else r.message
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return ""  # damaged: python-docx's own error says the file cannot be read
    return ""


def _check(path: Path, max_unpacked: int, formulas: set[str]) -> list[Issue]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _Refused("E001", f"不支持的文件类型「{suffix or '无扩展名'}」", RESAVE)
    if path.stat().st_size == 0:
        raise _Refused("E001", "文件是空的（0 字节）", "请重新导出或另存一份后再提交")
    with path.open("rb") as f:
        head = f.read(4096)
        if head.startswith(ZIP_MAGIC):
            return _check_zip(f, suffix, max_unpacked, formulas)
        if head.startswith(OLE_MAGIC):
            return _check_ole(f, suffix)
    raise _Refused(
        "E001", f"不是 Excel 工作簿，而是{_describe(head)}，只是扩展名为 {suffix}", RESAVE
    )


def _describe(head: bytes) -> str:
    """What a non-spreadsheet file looks like, from its first bytes."""
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00").lower().replace(b"\x00", b"")
    if text.startswith(b"%pdf"):
        return " PDF 文件"  # the leading space sets Latin apart from the Chinese before it
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return " Excel 2003 XML 表格"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in text:
        return "网页（HTML）文件"
    if head.startswith(b"PK"):
        return "空的或不完整的压缩包"
    if any(_is_text(head, encoding) for encoding in ("utf-8", "gb18030")):
        return "文本或 CSV 文件"
    return "无法识别的文件"


def _is_text(head: bytes, encoding: str) -> bool:
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # only a character cut off by the 4 KiB window is forgiven
            return False
        text = head[: e.start].decode(encoding)
    return bool(text) and not any(ch < " " and ch not in "\t\r\n" for ch in text)


# --- OLE2 (.xls, and password-protected OOXML, which Office wraps in OLE2) -----


def _check_ole(f: BinaryIO, suffix: str) -> list[Issue]:
    ole = _Ole(f)
    names = ole.names()
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise _encrypted()
    # BIFF8, BIFF5; the reader also finds them spelt in capitals (WORKBOOK)
    books = [n for n in ("Workbook", "WORKBOOK", "Book", "BOOK") if n in names]
    book = books[0] if books else None
    if book and suffix != ".xls":
        raise _Refused(
            "E001",
            f"这是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 {suffix}",
            "请把扩展名改回 .xls，或用 Excel 打开后另存为 .xlsx",
        )
    if not book:
        kind = " Word 文档" if "WordDocument" in names else "其他 Office 文件"
        raise _Refused("E001", f"不是 Excel 工作簿，而是{kind}，只是扩展名为 {suffix}", RESAVE)
    issues: list[Issue] = []
    for name in books:  # each one the reader might pick: none may be hostile
        issues += _check_biff(ole.stream(name))
    return issues


def _check_biff(stream: bytes) -> list[Issue]:
    globals_ = list(_biff_records(stream, 0))
    if any(kind == 0x002F for kind, _, _ in globals_):  # FILEPASS
        raise _encrypted()
    issues = []
    walked = bytearray(len(stream))  # record starts already checked, shared by all sheets
    for kind, body, length in globals_:
        if kind == 0x0085 and length >= 8:  # BOUNDSHEET: where a sheet's records start
            (offset,) = struct.unpack_from("<I", stream, body)
            ref = _biff_beyond(stream, offset, walked)
            if ref:
                issues.append(_too_big(_biff_sheet_name(stream, body, length), "", ref))
    return issues


def _encrypted() -> _Refused:
    return _Refused("E002", "文件已加密（设置了打开密码）", "请另存一份未加密的副本后再提交")


def _biff_records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(record type, body offset, body length) from ``pos`` to the substream's EOF."""
    while pos >= 0 and pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, pos + 4, min(length, len(stream) - pos - 4)
        if kind == 0x000A:  # EOF
            return
        pos += 4 + length


# records that hold a value at (row, column); BLANK and MULBLANK are formatting only
_BIFF_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6, 0x00BD}
_MULRK = 0x00BD


def _biff_beyond(stream: bytes, offset: int, walked: bytearray) -> str:
    """The first value cell of a sheet substream beyond the limits, or ''.

    Records are walked once however many sheets point into them: from a record
    start already walked, the rest of the walk is the same.
    """
    for kind, body, length in _biff_records(stream, offset):
        if walked[body - 4]:
            return ""
        walked[body - 4] = 1
        if kind not in _BIFF_CELLS or length < 4:
            continue
        row, col = struct.unpack_from("<HH", stream, body)
        if kind == _MULRK and length >= 6:  # several cells: the last column ends the record
            (col,) = struct.unpack_from("<H", stream, body + length - 2)
        if row >= MAX_ROWS or col >= MAX_COLUMNS:
            return f"{_column_name(col + 1)}{row + 1}"
    return ""


def _biff_sheet_name(stream: bytes, body: int, length: int) -> str:
    cch, flags = stream[body + 6], stream[body + 7] if length > 7 else 0
    raw = stream[body + 8 : body + length]
    try:
        return raw[: cch * 2].decode("utf-16-le") if flags & 1 else raw[:cch].decode("latin-1")
    except UnicodeDecodeError:
        return ""


class _Ole:
    """Just enough of the Compound File Binary format to list and read streams."""

    FREE_OR_END = 0xFFFFFFFA  # sector ids at or above this end a chain
    MAX_SECTORS = 1024  # directory and DIFAT sectors we follow: real files need a handful
    MINI = 64

    def __init__(self, f: BinaryIO):
        f.seek(0)
        header = f.read(512)
        if len(header) < 512:
            raise _damaged("文件头不完整")
        (shift,) = struct.unpack_from("<H", header, 0x1E)
        if shift not in (9, 12):
            raise _damaged("文件结构异常")
        self.f, self.size = f, 1 << shift
        self.file_size = f.seek(0, 2)
        (self.first_dir,) = struct.unpack_from("<I", header, 0x30)
        self.mini_cutoff, self.first_minifat = struct.unpack_from("<II", header, 0x38)
        first_difat, n_difat = struct.unpack_from("<II", header, 0x44)
        self.difat = list(struct.unpack_from("<109I", header, 0x4C))
        sector = first_difat
        for _ in range(min(n_difat, self.MAX_SECTORS)):
            if sector >= self.FREE_OR_END:
                break
            ids = struct.unpack(f"<{self.size // 4}I", self._sector(sector))
            self.difat.extend(ids[:-1])
            sector = ids[-1]
        self._fat: dict[int, tuple[int, ...]] = {}
        self._entries: dict[str, tuple[int, int]] | None = None
        self._root = (0, 0)

    def _sector(self, sector: int) -> bytes:
        self.f.seek((sector + 1) * self.size)
        data = self.f.read(self.size)
        if len(data) != self.size:
            raise _damaged("数据不完整")
        return data

    def _next(self, sector: int) -> int:
        per = self.size // 4
        index = sector // per
        if index >= len(self.difat) or self.difat[index] >= self.FREE_OR_END:
            raise _damaged("文件结构异常")
        if index not in self._fat:
            self._fat[index] = struct.unpack(f"<{per}I", self._sector(self.difat[index]))
        return self._fat[index][sector % per]

    def _chain(self, sector: int, limit: int) -> Iterator[int]:
        """The sector ids of a chain; a chain longer than ``limit`` sectors is damage."""
        for _ in range(limit + 1):
            if sector >= self.FREE_OR_END:
                return
            yield sector
            sector = self._next(sector)
        raise _damaged("扇区链异常")

    def entries(self) -> dict[str, tuple[int, int]]:
        """Stream and storage name → (first sector, size); the first of each name wins."""
        if self._entries is None:
            self._entries = {}
            for sector in self._chain(self.first_dir, self.MAX_SECTORS):
                data = self._sector(sector)
                for off in range(0, self.size, 128):
                    name_len, kind = struct.unpack_from("<HB", data, off + 64)
                    start, size = struct.unpack_from("<II", data, off + 116)
                    if kind == 5:  # the root entry owns the mini stream
                        self._root = (start, size)
                    elif kind in (1, 2) and 2 <= name_len <= 64:
                        name = data[off : off + name_len - 2].decode("utf-16-le", "replace")
                        self._entries.setdefault(name, (start, size))
        return self._entries

    def names(self) -> set[str]:
        return set(self.entries())

    def _read(self, start: int, size: int) -> bytes:
        if size > self.file_size:
            raise _damaged("数据长度异常")
        sectors = self._chain(start, size // self.size + 1)
        return b"".join(self._sector(s) for s in sectors)[:size]

    def stream(self, name: str) -> bytes:
        """A stream's bytes; small ones live in 64-byte sectors inside the root's mini stream."""
        start, size = self.entries()[name]
        if size >= self.mini_cutoff:
            return self._read(start, size)
        mini = self._read(*self._root)
        minifat_bytes = self._read(self.first_minifat, len(mini) // self.MINI * 4)
        minifat = struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes)
        out, sector = bytearray(), start
        while len(out) < size:
            if sector >= len(minifat) or (sector + 1) * self.MINI > len(mini):
                raise _damaged("数据不完整")
            out += mini[sector * self.MINI : (sector + 1) * self.MINI]
            sector = minifat[sector]
        return bytes(out[:size])


# --- zip (OOXML and ODS) ---------------------------------------------------------


def _zip_index(f: BinaryIO) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The zip's members, once its index is known to be of a sane size."""
    entries, directory_size = _zip_directory(f)
    if entries > MAX_MEMBERS:
        raise _too_many(entries)
    if directory_size > MAX_CENTRAL_DIRECTORY:
        raise _Refused(
            "E003", "文件的压缩包目录异常庞大，可能是恶意构造的文件，已拒绝读取", CHECK_SOURCE
        )
    try:
        zf = zipfile.ZipFile(f)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as e:
        raise _damaged("压缩结构损坏") from e
    if len(infos) > MAX_MEMBERS:
        raise _too_many(len(infos))
    return zf, infos


def _check_zip(f: BinaryIO, suffix: str, max_unpacked: int, formulas: set[str]) -> list[Issue]:
    zf, infos = _zip_index(f)
    _check_sizes(infos, max_unpacked)
    if any(i.flag_bits & 0x1 for i in infos):
        raise _Refused("E002", "文件已加密（压缩包设置了密码）", "请另存一份未加密的副本后再提交")
    names = _member_names(infos)
    _check_kind(set(names), suffix)
    if suffix == ".ods":
        _check_ods_manifest(f, zf, names)
    # every member, not only the parts the index names: the reader follows
    # relationships we might misread, so nothing it could open goes unchecked.  Each is
    # inflated once and its CRC checked before anything parses it (a damaged part is
    # E001 here, never a parser's exception)
    beyond: list[tuple[str, str]] = []
    for info in infos:
        binary = suffix == ".xlsb" and _normal(info.filename).lower().endswith(".bin")
        ref, has_formula = _scan_member(f, info, cells=suffix in (".xlsx", ".xlsm"), xml=not binary)
        if has_formula:
            formulas.add(info.filename)
        if ref:
            beyond.append((info.filename, ref))
    if suffix == ".xlsb":
        return _xlsb_extent(f, zf, names, formulas)
    sheets = {} if suffix == ".ods" else _sheet_parts(zf)
    issues = [_too_big(sheets.get(part), part, ref) for part, ref in beyond]
    if suffix == ".ods" and "content.xml" in names:
        issues.extend(_ods_extent(zf, names["content.xml"]))
    return issues


def _normal(name: str) -> str:
    """A member's name as the reader looks it up: some writers put backslashes in paths."""
    return name.replace("\\", "/")


def _member_names(infos: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Normalised name → the member's name in the zip (the last of a name wins, as in
    :mod:`zipfile`)."""
    return {_normal(i.filename): i.filename for i in infos}


_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"


def _check_ods_manifest(f: BinaryIO, zf: zipfile.ZipFile, names: dict[str, str]) -> None:
    """E002 for an .ods saved with a password: its parts are encrypted one by one (the zip
    itself is not), and its manifest says so with ``manifest:encryption-data``."""
    name = names.get("META-INF/manifest.xml")
    if name is None:
        return
    info = zf.getinfo(name)
    _scan_member(f, info, cells=False)  # CRC and DTD first
    try:
        manifest = _parse_small(zf, name)
    except (SafeET.ParseError, ValueError) as e:
        raise _damaged("清单文件损坏") from e
    if any(el.tag == f"{_MANIFEST}encryption-data" for el in manifest.iter()):
        raise _encrypted()


# --- .xlsb: binary records in a zip -------------------------------------------------

XLSB_RELS = "xl/_rels/workbook.bin.rels"
_XLSB_ROW = 0x0000  # BrtRowHdr: the row of the cells that follow
_XLSB_CELLS = frozenset(range(0x0002, 0x000B))  # the values the reader keeps (RK … BrtFmlaBool)
_XLSB_ERROR = 0x0003  # BrtCellError
_XLSB_SHARED_STRING = 0x0007  # BrtCellIsst: an index into the shared strings
_XLSB_BEGIN_SST = 0x009F  # BrtBeginSst: how many shared strings there are
# the body a cell record needs for the reader to take its value without panicking
_XLSB_CELL_SIZE = {0x0000: 4, 0x0002: 12, 0x0003: 9, 0x0004: 9, 0x0005: 16, 0x0006: 12}
_XLSB_CELL_SIZE |= {0x0007: 12, 0x0008: 12, 0x0009: 16, 0x000A: 9}
_XLSB_FORMULA_ERROR = 0x000B  # BrtFmlaError: a formula whose result is an error value
_XLSB_SHEET = 0x009C  # BrtBundleSh: a sheet's name and relationship
_XLSB_END_SHEETS = 0x0090  # BrtEndBundleShs
_XLSB_NAME_BYTES = 64 * 1024  # of a BrtBundleSh: far more than a name needs


def _xlsb_extent(
    f: BinaryIO, zf: zipfile.ZipFile, names: dict[str, str], flagged: set[str]
) -> list[Issue]:
    """E007 for an .xlsb sheet with a value beyond the limits: the reader builds the same
    dense grid from a sheet's binary records as from an .xlsx sheet's XML.  The sheet
    parts that hold an error value are added to ``flagged`` (for :func:`error_cells`).

    The parts looked at are the workbook's sheets and, should the workbook be misread,
    every part under xl/worksheets/ (never other binary parts, such as a VBA project,
    whose bytes are no records).
    """
    sheets = _xlsb_sheets(f, zf, names)
    parts = set(sheets) | {
        n for n in names if n.startswith("xl/worksheets/") and n.lower().endswith(".bin")
    }
    strings = _xlsb_strings(f, zf, names)
    issues = []
    for part in sorted(parts & names.keys()):
        errors: list[str] = []
        ref = _xlsb_beyond(_member_chunks(f, zf.getinfo(names[part])), errors, strings)
        if ref:
            issues.append(_too_big(sheets.get(part), names[part], ref))
        if errors:
            flagged.add(names[part])
    return issues


def _xlsb_sheets(f: BinaryIO, zf: zipfile.ZipFile, names: dict[str, str]) -> dict[str, str]:
    """Normalised sheet part → sheet name, from xl/workbook.bin and its relationships."""
    try:
        rels = _parse_small(zf, names[XLSB_RELS]) if XLSB_RELS in names else None
    except _UNREADABLE_PART:
        return {}  # the reader fails on it too, before any sheet
    targets: dict[str, set[str]] = {}
    for rel in rels.iter() if rels is not None else ():
        if rel.tag.rsplit("}", 1)[-1] == "Relationship":
            target = _normal(rel.get("Target", ""))
            # the reader looks up xl/ + target as written; a resolved path as well, to be sure
            found = {"xl/" + target, _resolve("xl/workbook.bin", target)}
            targets.setdefault(rel.get("Id", ""), set()).update(found)
    sheets: dict[str, str] = {}
    chunks = _member_chunks(f, zf.getinfo(names["xl/workbook.bin"]))
    keep = {_XLSB_SHEET: _XLSB_NAME_BYTES}
    for kind, body, _ in _xlsb_records(chunks, keep):
        if kind == _XLSB_END_SHEETS:
            break
        if kind != _XLSB_SHEET:
            continue
        if len(body) < 12:
            raise _damaged("工作表记录不完整")  # the reader would panic on it
        (rel_len,) = struct.unpack_from("<I", body, 8)
        if rel_len == 0xFFFFFFFF or 12 + 2 * rel_len > len(body):
            continue
        rel_id = body[12 : 12 + 2 * rel_len].decode("utf-16-le", "replace")
        name = _wide_str(body[12 + 2 * rel_len :])
        if rel_id not in targets:
            # the reader looks the relationship up without asking whether it is there, and
            # panics: refused here, before it is opened
            raise _damaged(f"工作表「{name}」的关系缺失")
        for part in targets[rel_id]:
            sheets[part] = name
    return sheets


def _wide_str(data: bytes) -> str:
    if len(data) < 4:
        return ""
    (n,) = struct.unpack_from("<I", data)
    return data[4 : 4 + 2 * n].decode("utf-16-le", "replace")


def _xlsb_beyond(
    chunks: Iterator[bytes], errors: list[str] | None = None, strings: int | None = None
) -> str:
    """The first value cell of a sheet part beyond the limits, or ''; the refs of its
    error values (#N/A …, which the reader gives as blank) are added to ``errors``.

    Placed as the reader places it: the row of the last BrtRowHdr, the column the cell
    record names.  Stricter than the reader where it gives up (a row past 1,048,576 ends
    its reading; here the cells after it are still looked at).  With ``strings`` (the
    number of shared strings), a cell record too short for its value or a shared string
    that does not exist is damage: the reader would panic on it (E001).
    """
    row = 0
    keep = dict.fromkeys((_XLSB_ROW, *_XLSB_CELLS, _XLSB_FORMULA_ERROR), 12)
    for kind, body, length in _xlsb_records(chunks, keep):
        if strings is not None and (
            length < _XLSB_CELL_SIZE.get(kind, 0)
            or (kind == _XLSB_SHARED_STRING and struct.unpack_from("<I", body, 8)[0] >= strings)
        ):
            raise _damaged("单元格记录不完整")
        if len(body) < 4:
            continue
        (value,) = struct.unpack_from("<I", body)
        if kind == _XLSB_ROW:
            row = value
            continue
        if errors is not None and kind in (_XLSB_ERROR, _XLSB_FORMULA_ERROR):
            errors.append(f"{_column_name(value + 1)}{row + 1}")
        if kind in _XLSB_CELLS and (row >= MAX_ROWS or value >= MAX_COLUMNS):
            return f"{_column_name(value + 1)}{row + 1}"
    return ""


def _xlsb_strings(f: BinaryIO, zf: zipfile.ZipFile, names: dict[str, str]) -> int:
    """How many shared strings the reader holds: the count BrtBeginSst declares (the
    reader reads that many, or fails)."""
    name = names.get("xl/sharedStrings.bin")
    if name is None:
        return 0
    chunks = _member_chunks(f, zf.getinfo(name))
    for kind, body, _ in _xlsb_records(chunks, {_XLSB_BEGIN_SST: 8}):
        if kind == _XLSB_BEGIN_SST:
            return struct.unpack_from("<I", body, 4)[0] if len(body) >= 8 else 0
    return 0


def _xlsb_records(
    chunks: Iterator[bytes], keep: dict[int, int]
) -> Iterator[tuple[int, bytes, int]]:
    """(type, the first ``keep[type]`` bytes of its body, its length) of every record.

    Read as the reader reads them: a type of one or two bytes, a length of one to four
    (seven bits each); the bodies not kept are skipped without being held.  A record cut
    short ends the walk (the reader fails there, without allocating).
    """
    data, pos = b"", 0
    source = iter(chunks)

    def have(n: int) -> bool:
        nonlocal data, pos
        while len(data) - pos < n:
            chunk = next(source, None)
            if chunk is None:
                return False
            data, pos = data[pos:] + chunk, 0
        return True

    while have(1):
        kind = data[pos]
        if kind & 0x80:
            if not have(2):
                return
            kind = (kind & 0x7F) + ((data[pos + 1] & 0x7F) << 7)
            pos += 2
        else:
            pos += 1
        length, shift = 0, 0
        for _ in range(4):
            if not have(1):
                return
            byte = data[pos]
            pos += 1
            length += (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        wanted = min(keep.get(kind, 0), length)
        if not have(wanted):
            return
        body = data[pos : pos + wanted]
        skip = length - wanted
        pos += wanted
        yield kind, body, length
        while skip > len(data) - pos:  # a long body: dropped chunk by chunk
            skip -= len(data) - pos
            data, pos = next(source, None), 0
            if data is None:
                return
        pos += skip


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_extent(zf: zipfile.ZipFile, content: str = "content.xml") -> list[Issue]:
    """E007 for an .ods table whose repeated rows or columns spread a value beyond the
    limits: `number-rows-repeated` / `number-columns-repeated` make a million cells
    cost a few bytes, and the reader would build every one of them."""
    try:
        return _ods_tables(zf, content)
    except SafeET.ParseError as e:
        # what the reader would fail on too: an encrypted part, or XML cut short
        raise _damaged("表格内容无法解析") from e


def _ods_tables(zf: zipfile.ZipFile, content: str) -> list[Issue]:
    t = _ODS_TABLE
    name, row, col, width = "", 0, 0, 0
    with zf.open(content) as fh:
        for event, el in SafeET.iterparse(fh, events=("start", "end")):
            if event == "start":
                if el.tag == f"{t}table":
                    name, row = el.get(f"{t}name", ""), 0
                elif el.tag == f"{t}table-row":
                    col = width = 0
            elif el.tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                col += _count(el.get(f"{t}number-columns-repeated"))
                if el.get(f"{_ODS_OFFICE}value-type") is not None or len(el):
                    width = col  # this cell holds something: the row reaches this far
            elif el.tag == f"{t}table-row":
                # trailing empty rows are often written as one row repeated a million times
                rows = _count(el.get(f"{t}number-rows-repeated"))
                if width and (row + rows > MAX_ROWS or width > MAX_COLUMNS):
                    return [check_sheet_size(row + rows, width, sheet=name)]
                row += rows
                el.clear()
    return []


def _count(value: str | None) -> int:
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1


def _zip_directory(f: BinaryIO) -> tuple[int, int]:
    """(entries, bytes) of the central directory, read from the end record only."""
    end = f.seek(0, 2)
    tail_len = min(end, 22 + 0xFFFF)
    f.seek(end - tail_len)
    tail = f.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        raise _damaged("找不到压缩包目录")
    entries, size = struct.unpack_from("<HI", tail, pos + 10)
    locator = pos - 20
    if (
        (entries == 0xFFFF or size == 0xFFFFFFFF)
        and locator >= 0
        and tail[locator : locator + 4] == b"PK\x06\x07"
    ):
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        f.seek(offset)
        record = f.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            entries, size = struct.unpack_from("<QQ", record, 32)
    return entries, size


def _too_many(n: int) -> _Refused:
    return _Refused(
        "E003",
        f"文件内部有 {n} 个部件（上限 {MAX_MEMBERS}），可能是恶意构造的压缩包，已拒绝读取",
        CHECK_SOURCE,
    )


def _check_sizes(infos: list[zipfile.ZipInfo], max_unpacked: int) -> None:
    total = sum(i.file_size for i in infos)
    if total > max_unpacked:
        raise _Refused(
            "E003",
            f"文件解压后共 {_mb(total)}，超过上限 {_mb(max_unpacked)}，可能是压缩炸弹，已拒绝读取",
            "如确为台账，请删除多余的工作表和图片后重新保存再提交",
        )
    for i in infos:
        if i.file_size > RATIO_MIN_SIZE and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise _Refused(
                "E003",
                f"文件中的「{i.filename}」压缩比异常（约 {ratio}:1），可能是压缩炸弹，已拒绝读取",
                CHECK_SOURCE,
            )


def _mb(n: int) -> str:
    return f"{n / 1024**2:.0f} MB"


def _check_kind(names: set[str], suffix: str) -> None:
    """The zip holds the kind of workbook its extension promises.

    No stricter than the reader: a package without ``[Content_Types].xml`` or with
    backslashes in its paths is read by it, so it passes here (``names`` normalised).
    """
    is_ods = "content.xml" in names and "mimetype" in names
    is_xlsb = "xl/workbook.bin" in names
    is_ooxml = "[Content_Types].xml" in names or "xl/workbook.xml" in names
    if suffix == ".ods" and (is_ooxml or is_xlsb):
        real = ".xlsb" if is_xlsb and not is_ooxml else ".xlsx"
        raise _Refused("E001", f"这是 {real} 工作簿，扩展名却是 .ods", f"请把扩展名改为 {real}")
    if suffix == ".ods" and not is_ods:
        raise _Refused("E001", "不是 ODS 表格（压缩包中没有表格内容）", RESAVE)
    if suffix == ".xls":
        real = ".ods" if is_ods else ".xlsb" if is_xlsb else ".xlsx"
        raise _Refused("E001", f"这是 {real} 工作簿，扩展名却是 .xls", f"请把扩展名改为 {real}")
    if suffix == ".xlsb" and not is_xlsb:
        if is_ods or "xl/workbook.xml" in names:
            real = ".ods" if is_ods else ".xlsx"
            raise _Refused(
                "E001", f"这是 {real} 工作簿，扩展名却是 .xlsb", f"请把扩展名改为 {real}"
            )
        kind = " Word 文档" if "word/document.xml" in names else "其他 Office 文件"
        raise _Refused("E001", f"不是 Excel 工作簿，而是{kind}，只是扩展名为 .xlsb", RESAVE)
    if suffix in (".xlsx", ".xlsm") and is_xlsb and "xl/workbook.xml" not in names:
        raise _Refused(
            "E001",
            f"这是 Excel 二进制工作簿（.xlsb），扩展名却是 {suffix}",
            "请把扩展名改为 .xlsb",
        )
    if suffix in (".xlsx", ".xlsm") and not is_ooxml:
        if is_ods:
            raise _Refused(
                "E001", f"这是 ODS 表格（.ods），扩展名却是 {suffix}", "请把扩展名改为 .ods"
            )
        if "word/document.xml" in names:
            raise _Refused(
                "E001", f"不是 Excel 工作簿，而是 Word 文档，只是扩展名为 {suffix}", RESAVE
            )
        raise _Refused(
            "E001", f"不是 Excel 工作簿（压缩包中没有工作簿内容），只是扩展名为 {suffix}", RESAVE
        )
    if suffix in (".xlsx", ".xlsm") and not any(n.startswith("xl/") for n in names):
        kind = " Word 文档" if "word/document.xml" in names else "其他 Office 文件"
        raise _Refused("E001", f"不是 Excel 工作簿，而是{kind}，只是扩展名为 {suffix}", RESAVE)


def _member_chunks(f: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, inflated by us in bounded chunks.

    Never yields more than the size the zip index declares (a reader that
    trusts the deflate stream instead would inflate whatever follows), and
    checks the CRC, so damage is found here and not halfway through a parse.
    """
    f.seek(info.header_offset)
    local = f.read(30)
    if len(local) < 30 or not local.startswith(ZIP_MAGIC):
        raise _damaged("压缩数据不完整")
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    f.seek(info.header_offset + 30 + name_len + extra_len)
    left, produced, crc = info.compress_size, 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        inflate = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise _Refused("E001", f"文件使用了不支持的压缩方式（{info.compress_type}）", RESAVE)
    while True:
        if inflate is not None and inflate.unconsumed_tail:
            data = inflate.unconsumed_tail
        elif left:
            data = f.read(min(CHUNK, left))
            if not data:
                raise _damaged("压缩数据不完整")
            left -= len(data)
        else:
            break
        try:
            out = data if inflate is None else inflate.decompress(data, CHUNK)
        except zlib.error as e:
            raise _damaged("压缩数据损坏") from e
        produced += len(out)
        if produced > info.file_size:
            raise _Refused(
                "E003",
                f"文件中的「{info.filename}」实际解压后比声明的大，可能是恶意构造的文件，已拒绝读取",
                CHECK_SOURCE,
            )
        crc = zlib.crc32(out, crc)
        if out:
            yield out
        if inflate is not None and inflate.eof:
            break
    if produced != info.file_size or crc != info.CRC:
        raise _damaged("校验失败")


def _scan_member(
    f: BinaryIO, info: zipfile.ZipInfo, *, cells: bool, xml: bool = True
) -> tuple[str, bool]:
    """Inflate one member once: refuse a DTD; with ``cells``, the first cell beyond
    limits, and whether the part holds a formula tag.  ``xml=False``: a binary part
    (an .xlsb's records), only inflated and its CRC checked."""
    chunks = _member_chunks(f, info)
    if xml:
        chunks = _checked_prolog(chunks, info.filename)
    if not cells:
        for _ in chunks:
            pass
        return "", False
    formula: list[bool] = [False]
    beyond = _fast_beyond(_tag_pieces(chunks, info.filename), formula)
    if beyond is None:  # not every cell is a plain in-bounds <c r="…">: look closely
        beyond = _exact_beyond(_tag_pieces(_member_chunks(f, info), info.filename))
        formula[0] = True  # unusual XML: let the formula scan look for itself
    return beyond, formula[0]


def _checked_prolog(chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """Pass the chunks through, refusing a DTD (entity bombs, external entities).

    A DOCTYPE can only stand before the root element, so only the prolog is read.
    """
    head = b""
    for chunk in chunks:
        if head is not None:
            head += chunk
            verdict = _prolog_verdict(head)
            if verdict == "dtd":
                raise _Refused(
                    "E003",
                    f"文件中的「{name}」含有 DTD/实体声明，可能是恶意构造的文件，已拒绝读取",
                    CHECK_SOURCE,
                )
            if verdict == "ok":
                head = None
            elif len(head) > PROLOG_LIMIT:
                raise _Refused("E003", f"文件中的「{name}」开头结构异常，已拒绝读取", RESAVE)
        yield chunk


_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


def _prolog_verdict(head: bytes) -> str:
    """'dtd', 'ok' (the root element starts) or '' (need more bytes)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        encoding = "utf-16-be" if head[:2] in (b"\xfe\xff", b"\x00<") else "utf-16-le"
        head = head[: len(head) // 2 * 2].decode(encoding, "ignore").lstrip("\ufeff").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    rest = head[_PROLOG.match(head).end() :]
    if rest.startswith(b"<!") and not b"<!--".startswith(rest[:4]):
        return "dtd"
    if rest[:1] == b"<" and rest[1:2] not in (b"", b"?", b"!"):
        return "ok"
    if rest and rest[:1] != b"<":
        return "ok"  # text before the root: not XML a parser accepts, and no DTD either
    return ""


# --- how far the cells reach ------------------------------------------------------


def _at_most(limit: str, first: str, rest: str) -> str:
    """Regex for the strings over [first][rest]* that sort at or below ``limit``.

    Shorter strings sort lower: true of decimal numbers without leading zeros
    and of column letters alike.
    """
    n = len(limit)
    alts = [f"[{first}][{rest}]{{0,{n - 2}}}"] if n > 1 else []
    for i, ch in enumerate(limit):
        lower = (first if i == 0 else rest).split(ch)[0]
        if lower:
            alts.append(f"{limit[:i]}[{lower}][{rest}]{{{n - i - 1}}}")
    alts.append(limit)
    return "(?:" + "|".join(alts) + ")"


def _column_name(index: int) -> str:
    """1-based column number → Excel letters (1 → A, 28 → AB)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# a cell tag as every spreadsheet writer emits it: r first, in bounds, once
_PLAIN_CELL = re.compile(
    (
        '<c r="'
        + _at_most(_column_name(MAX_COLUMNS), _UPPER, _UPPER)
        + _at_most(str(MAX_ROWS), "123456789", "0123456789")
        + '"(?: (?!r=)[a-z]+="[^"<>]*")*/?>'
    ).encode()
)
# a cell tag that is not plain: one search, no match per cell (benchmarks/README.md, 读取)
_NOT_PLAIN_CELL = re.compile(b"<c(?=[ >])(?!" + _PLAIN_CELL.pattern[len(b"<c") :] + b")")
_ODD_CELL = re.compile(rb"<c[\t\r\n]")  # whitespace other than a space after the name
_PREFIXED_CELL = re.compile(rb":c[\s/>]")  # <x:c …>: calamine matches local names


_COMPLETE_TAG = re.compile(rb"<[^<>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^<>\"']*)*>")
MAX_TAG = 1 << 20  # a tag longer than this is not something any spreadsheet writes


def _tag_pieces(chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """Re-cut chunks so that no tag is split across two pieces.

    '<' never occurs inside a tag or in text, so everything before the last
    '<' is whole; so is the rest once the tag it opens has closed.
    """
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        last = data.rfind(b"<")
        if last < 0 or _COMPLETE_TAG.match(data, last):
            yield data
            carry = b""
            continue
        if last:
            yield data[:last]
        carry = data[last:]
        if len(carry) > MAX_TAG:
            raise _Refused(
                "E003", f"文件中的「{name}」含有超长的 XML 标签，已拒绝读取", CHECK_SOURCE
            )
    if carry:
        yield carry


def _fast_beyond(pieces: Iterator[bytes], formula: list[bool]) -> str | None:
    """'' when every cell tag is plain and in bounds; None when unsure.

    Consumes the pieces to the end either way, so the member is fully verified;
    sets ``formula[0]`` when a piece holds a formula tag.
    """
    plain = True
    for piece in pieces:
        if not formula[0] and (
            b't="e"' in piece  # an error value (#N/A …) reads as blank: look at it too
            or _has_formula_tag(piece)
        ):
            formula[0] = True
        if plain:
            plain = not (
                _NOT_PLAIN_CELL.search(piece)
                or _ODD_CELL.search(piece)
                or _PREFIXED_CELL.search(piece)
            )
    return "" if plain else None


_TAG = re.compile(rb"<(/?)(?:[^\s<>/!?:]+:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"([A-Za-z]*)([0-9]*)")


def _exact_beyond(pieces: Iterator[bytes]) -> str:
    """The first value cell beyond the limits, placed the way calamine places it.

    A cell without ``r`` sits after the previous cell of its row; a row without
    ``r`` follows the previous row; the last ``r`` of a tag wins.
    """
    row, col = 0, 0  # 0-based, like the reader's counters
    for piece in pieces:
        for end, name, attrs in _TAG.findall(piece):
            closed = attrs.endswith(b"/")
            r = None
            if not end:
                for key, dq, sq in _ATTR.findall(attrs):
                    if key == b"r":
                        r = dq or sq
            if name == b"row":
                m = _REF.fullmatch(r) if r is not None else None
                if m and m.group(2):
                    row = max(int(m.group(2)) - 1, 0)
                if end or closed:  # the reader sees <row/> as a start and an end
                    row, col = row + 1, 0
                continue
            if end:
                continue
            pos = (row, col)
            if r is not None:
                m = _REF.fullmatch(r)
                if not m or not m.group(1) or not m.group(2):
                    continue  # the reader refuses such a reference without allocating
                pos = (int(m.group(2)) - 1, _column_number(m.group(1)) - 1)
            col = pos[1] + 1
            if not closed and (pos[0] >= MAX_ROWS or pos[1] >= MAX_COLUMNS):
                return f"{_column_name(pos[1] + 1)}{pos[0] + 1}"
    return ""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper()[:8]:  # eight letters are far beyond any limit already
        n = n * 26 + ch - 64
    return n


def _too_big(sheet: str | None, part: str, ref: str) -> Issue:
    where = "" if sheet is not None else f"（文件中的「{part}」）"
    letters = ref.rstrip("0123456789")
    return Issue(
        "E007",
        f"单元格 {ref}{where} 有内容，超出表格上限（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列），已拒绝读取",
        sheet=sheet or "",
        row=int(ref[len(letters) :]),
        column_letter=letters,
        suggestion="删除表格下方或右侧多余的内容（在 Excel 中按 Ctrl+End 可定位最后一个单元格），或把数据拆到多个工作簿",
    )


def check_sheet_size(height: int, width: int, *, file: str = "", sheet: str = "") -> Issue | None:
    """E007 for a sheet already read (.xls, .ods) whose data exceeds the limits."""
    if height <= MAX_ROWS and width <= MAX_COLUMNS:
        return None
    return Issue(
        "E007",
        f"工作表有 {height} 行、{width} 列数据，超出上限（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列）",
        file=file,
        sheet=sheet,
        suggestion="删除表格下方或右侧多余的内容，或把数据拆到多个工作簿",
    )


# --- which part is which sheet ------------------------------------------------------


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name (as in the zip) → sheet name, from workbook.xml and its
    relationships.  Paths are compared with backslashes read as slashes, as the reader
    compares them."""
    names = _member_names(zf.infolist())
    workbook = _main_part(zf, names)
    if workbook is None:
        return {}
    rels_name = posixpath.join(
        posixpath.dirname(workbook), "_rels", posixpath.basename(workbook) + ".rels"
    )
    try:
        rels = _parse_small(zf, names[rels_name])
        book = _parse_small(zf, names[workbook])
    except _UNREADABLE_PART:
        return {}  # the reader will fail on it too, without allocating
    targets = {
        rel.get("Id"): _resolve(workbook, rel.get("Target", ""))
        for rel in rels.iter(f"{PKG_REL_NS}Relationship")
    }
    parts = {}
    for sheet in book.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"))
        if target and target in names:
            parts[names[target]] = sheet.get("name", "")
    return parts


# a part that cannot be parsed: missing, damaged, not XML (a DTD was refused before)
_UNREADABLE_PART = (
    KeyError,
    SafeET.ParseError,
    ValueError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
)


def _main_part(zf: zipfile.ZipFile, names: dict[str, str]) -> str | None:
    """The workbook part's normalised name."""
    try:
        rels = _parse_small(zf, names["_rels/.rels"])
    except _UNREADABLE_PART:
        return "xl/workbook.xml" if "xl/workbook.xml" in names else None
    for rel in rels.iter(f"{PKG_REL_NS}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return _resolve("", rel.get("Target", ""))
    return None


def _resolve(source: str, target: str) -> str:
    target = _normal(target)
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _parse_small(zf: zipfile.ZipFile, name: str):
    """Parse a small XML part (relationships, workbook.xml) without DTDs."""
    info = zf.getinfo(name)
    if info.file_size > 16 * 1024**2:
        raise ValueError(f"{name} is too large")
    return SafeET.fromstring(zf.read(info), forbid_dtd=True)


# --- cells holding an Excel error value -------------------------------------------

_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*\bt\s*=\s*[\"']e[\"'][^>]*)>")
_CELL_REF = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]+[0-9]+)[\"']")


def error_cells(path: Path, parts: frozenset[str]) -> dict[str, list[str]]:
    """Sheet name → refs of cells whose value is an Excel error (#N/A, #DIV/0! …).

    The reader gives such a cell as blank, which would let a default stand in
    for it; only the ``parts`` :func:`inspect_workbook` flagged are read.
    """
    if Path(path).suffix.lower() == ".xlsb":
        return _xlsb_error_cells(Path(path), parts)
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        for part, sheet in _sheet_parts(zf).items():
            if part not in parts:
                continue
            refs = [
                ref[1].decode()
                for attrs in _ERROR_CELL.findall(zf.read(part))
                if (ref := _CELL_REF.search(attrs))
            ]
            if refs:
                found[sheet] = refs
    return found


def _xlsb_error_cells(path: Path, parts: frozenset[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with path.open("rb") as f:
        zf = zipfile.ZipFile(f)
        names = _member_names(zf.infolist())
        for part, sheet in _xlsb_sheets(f, zf, names).items():
            if names.get(part) not in parts:
                continue
            refs: list[str] = []
            _xlsb_beyond(_member_chunks(f, zf.getinfo(names[part])), refs)
            if refs:
                found[sheet] = refs
    return found


# --- formulas without a cached value -----------------------------------------------


def formula_cells_without_value(
    path: Path, parts: frozenset[str] | None = None
) -> dict[str, list[str]]:
    """Sheet name → refs ("D7") of formula cells saved without their result.

    For .xlsx/.xlsm only (an .xls stores every formula's result; other kinds
    give ``{}``).  Call after :func:`check_workbook` has passed the file.  Only
    sheets whose XML contains a formula tag are parsed; ``parts`` from
    :func:`inspect_workbook` names them without reading the file again.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        for part, sheet in _sheet_parts(zf).items():
            if parts is not None and part not in parts:
                continue  # inspect_workbook saw no formula tag in it
            try:
                refs = (parts is not None or _has_formula(zf, part)) and _formulas_without_value(
                    zf, part
                )
            except (KeyError, SafeET.ParseError, DefusedXmlException, zipfile.BadZipFile):
                continue  # a broken sheet part: the reader reports it when it opens the sheet
            if refs:
                found[sheet] = refs
    return found


# <f>, <f t="shared" …/>, <x:f>; not <formula1>.  Two patterns, each starting with a
# literal that the regex engine looks for quickly: one "[<:]f" pattern tried every byte
# (11 ms on a 1,000-row sheet; benchmarks/README.md, 读取)
_FORMULA_TAGS = (re.compile(rb"<f[\s/>]"), re.compile(rb":f[\s/>]"))


def _has_formula_tag(data: bytes) -> bool:
    return any(
        mark in data and tag.search(data)
        for mark, tag in zip((b"<f", b":f"), _FORMULA_TAGS, strict=True)
    )


def _has_formula(zf: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            if _has_formula_tag(data):
                return True
            tail = data[-2:]
    return False


def _formulas_without_value(zf: zipfile.ZipFile, part: str) -> list[str]:
    refs = _plain_formulas_without_value(zf, part)
    return _parsed_formulas_without_value(zf, part) if refs is None else refs


# a formula cell as spreadsheet writers emit it: r first, <f> first inside
_FORMULA_CELL = re.compile(rb'<c r="([A-Za-z]+[0-9]+)"([^>]*)><f[ >]((?:[^<]|<(?!/c>))*)</c>')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_EMPTY_VALUE = re.compile(rb"<v\s*/>")
_ODD_FORMULA = re.compile(rb"<f[\t\r\n/]")
_PREFIXED_FORMULA = re.compile(rb":f[\s/>]")
MAX_CELL_GAP = 8 * CHUNK  # bytes without a </c>: no longer a sheet of ordinary cells


def _plain_formulas_without_value(zf: zipfile.ZipFile, part: str) -> list[str] | None:
    """Refs found by pattern, or None when some formula cell is not written the usual way."""
    refs: list[str] = []
    carry = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(CHUNK)
            data = carry + chunk
            cut = data.rfind(b"</c>") + 4 if chunk else len(data)  # never split a cell
            if cut < 4:
                if len(data) > MAX_CELL_GAP:
                    return None
                carry = data
                continue
            piece, carry = data[:cut], data[cut:]
            cells = _FORMULA_CELL.findall(piece)
            if (
                len(cells) != piece.count(b"<f>") + piece.count(b"<f ")
                or _ODD_FORMULA.search(piece)
                or _PREFIXED_FORMULA.search(piece)
            ):
                return None
            refs += [ref.decode().upper() for ref, attrs, body in cells if _no_cache(attrs, body)]
            if not chunk:
                return refs


def _no_cache(attrs: bytes, body: bytes) -> bool:
    value = _VALUE.search(body)
    if value and value.group(1).strip():
        return False
    # a formula whose result is the empty string is saved as t="str" with an empty <v>
    return not (b't="str"' in attrs and (value or _EMPTY_VALUE.search(body)))


def _parsed_formulas_without_value(zf: zipfile.ZipFile, part: str) -> list[str]:
    refs = []
    row, col = 1, 1  # 1-based; placed like the reader places cells without r
    sheet_data = None
    with zf.open(part) as fh:
        for event, elem in SafeET.iterparse(fh, events=("start", "end"), forbid_dtd=True):
            tag = elem.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "sheetData":
                    sheet_data = elem
                elif tag == "row" and elem.get("r", "").isdigit():
                    row, col = int(elem.get("r")), 1
                continue
            if tag == "c":
                ref = elem.get("r") or f"{_column_name(col)}{row}"
                m = re.fullmatch(r"([A-Za-z]+)([0-9]+)", ref)
                if m:
                    col = _column_number(m.group(1).encode())
                if _lacks_value(elem):
                    refs.append(ref.upper())
                col += 1
                elem.clear()
            elif tag == "row":
                row, col = row + 1, 1
                if sheet_data is not None and len(sheet_data) and sheet_data[0] is elem:
                    del sheet_data[0]  # keep memory flat on long sheets
    return refs


def _lacks_value(cell) -> bool:
    children = {child.tag.rsplit("}", 1)[-1]: child for child in cell}
    if "f" not in children:
        return False
    v = children.get("v")
    if v is None:
        return True
    # a formula whose result is the empty string is saved as t="str" with an empty <v>
    return not (v.text or "").strip() and cell.get("t") != "str"
