"""Refuse corrupt and hostile workbooks before any parser touches them (SPEC §7).

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
saved, whose value cannot be known without evaluating them (SPEC §2).
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

from .errors import Issue

MAX_UNPACKED = 200 * 1024**2  # SPEC §7: parts unpacking to more than this are refused
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # a member compressed more than 100:1 ...
RATIO_MIN_SIZE = 10 * 1024**2  # ... and larger than 10 MiB is a bomb, not a ledger
MAX_CENTRAL_DIRECTORY = 4 * 1024**2  # a real workbook's zip index is a few KiB
MAX_ROWS = 200_000  # per sheet, counted from row 1
MAX_COLUMNS = 200  # per sheet, counted from column A (GR)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
SUFFIXES = (*ZIP_SUFFIXES, ".xls")

CHUNK = 1 << 20
PROLOG_LIMIT = 64 * 1024  # the root element must start within this many bytes
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


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
    """Errors that stop ``path`` from being parsed at all; ``[]`` when it may be.

    Reads headers, zip indexes and the XML parts in bounded chunks; never
    inflates more than the parts declare, nor more than ``max_unpacked`` bytes.
    """
    path = Path(path)
    try:
        issues = _check(path, max_unpacked)
    except _Refused as r:
        issues = [Issue(r.code, r.message, sheet=r.sheet, suggestion=r.suggestion)]
    except OSError as e:
        why = e.strerror or str(e)
        issues = [Issue("E001", f"文件无法打开：{why}", suggestion="请确认文件存在且有读取权限")]
    return [replace(i, file=path.name) for i in issues]


def _check(path: Path, max_unpacked: int) -> list[Issue]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _Refused("E001", f"不支持的文件类型「{suffix or '无扩展名'}」", RESAVE)
    if path.stat().st_size == 0:
        raise _Refused("E001", "文件是空的（0 字节）", "请重新导出或另存一份后再提交")
    with path.open("rb") as f:
        head = f.read(4096)
        if head.startswith(ZIP_MAGIC):
            return _check_zip(f, suffix, max_unpacked)
        if head.startswith(OLE_MAGIC):
            _check_ole(f, suffix)
            return []
    raise _Refused(
        "E001", f"不是 Excel 工作簿，而是{_describe(head)}，只是扩展名为 {suffix}", RESAVE
    )


def _describe(head: bytes) -> str:
    """What a non-spreadsheet file looks like, from its first bytes."""
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00").lower().replace(b"\x00", b"")
    if text.startswith(b"%pdf"):
        return "PDF 文件"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "Excel 2003 XML 表格"
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


def _check_ole(f: BinaryIO, suffix: str) -> None:
    ole = _Ole(f)
    names = ole.names()
    if "EncryptionInfo" in names or "EncryptedPackage" in names or ole.biff_filepass():
        raise _Refused("E002", "文件已加密（设置了打开密码）", "请另存一份未加密的副本后再提交")
    is_xls = "Workbook" in names or "Book" in names
    if suffix == ".xls" and not is_xls:
        kind = "Word 文档" if "WordDocument" in names else "其他 Office 文件"
        raise _Refused("E001", f"不是 Excel 工作簿，而是{kind}，只是扩展名为 .xls", RESAVE)
    if suffix != ".xls":
        if is_xls:
            raise _Refused(
                "E001",
                f"这是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 {suffix}",
                "请把扩展名改回 .xls，或用 Excel 打开后另存为 .xlsx",
            )
        raise _Refused(
            "E001", f"不是 Excel 工作簿（是其他 Office 文件），只是扩展名为 {suffix}", RESAVE
        )


class _Ole:
    """Just enough of the Compound File Binary format to list stream names."""

    FREE_OR_END = 0xFFFFFFFA  # sector ids at or above this end a chain
    MAX_SECTORS = 1 << 16  # directory/DIFAT sectors we are willing to follow

    def __init__(self, f: BinaryIO):
        f.seek(0)
        header = f.read(512)
        if len(header) < 512:
            raise _damaged("文件头不完整")
        (shift,) = struct.unpack_from("<H", header, 0x1E)
        if shift not in (9, 12):
            raise _damaged("文件结构异常")
        self.f, self.size = f, 1 << shift
        (self.first_dir,) = struct.unpack_from("<I", header, 0x30)
        (self.mini_cutoff,) = struct.unpack_from("<I", header, 0x38)
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

    def entries(self) -> dict[str, tuple[int, int]]:
        """Stream and storage name → (first sector, size); the first of each name wins."""
        if self._entries is None:
            self._entries = {}
            sector, seen = self.first_dir, set()
            while sector < self.FREE_OR_END:
                if sector in seen or len(seen) > self.MAX_SECTORS:
                    raise _damaged("目录结构异常")
                seen.add(sector)
                data = self._sector(sector)
                for off in range(0, self.size, 128):
                    name_len, kind = struct.unpack_from("<HB", data, off + 64)
                    if kind in (1, 2) and 2 <= name_len <= 64:
                        name = data[off : off + name_len - 2].decode("utf-16-le", "replace")
                        start, size = struct.unpack_from("<II", data, off + 116)
                        self._entries.setdefault(name, (start, size))
                sector = self._next(sector)
        return self._entries

    def names(self) -> set[str]:
        return set(self.entries())

    def biff_filepass(self) -> bool:
        """True if the .xls workbook stream opens with a FILEPASS (password) record."""
        start, size = self.entries().get("Workbook") or self.entries().get("Book") or (0, 0)
        if size < max(self.mini_cutoff, 8):
            return False  # kept in the mini stream: left to the reader, which refuses it too
        data = self._sector(start)
        pos = 0
        for _ in range(32):  # FILEPASS follows BOF at the very start of the globals
            if pos + 4 > len(data):
                break
            kind, length = struct.unpack_from("<HH", data, pos)
            if kind == 0x002F:
                return True
            if kind == 0x000A:  # EOF of the globals
                break
            pos += 4 + length
        return False


# --- zip (OOXML and ODS) ---------------------------------------------------------


def _check_zip(f: BinaryIO, suffix: str, max_unpacked: int) -> list[Issue]:
    entries, directory_size = _zip_directory(f)
    if entries > MAX_MEMBERS or directory_size > MAX_CENTRAL_DIRECTORY:
        raise _too_many(entries)
    try:
        zf = zipfile.ZipFile(f)
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error, NotImplementedError) as e:
        raise _damaged("压缩结构损坏") from e
    if len(infos) > MAX_MEMBERS:
        raise _too_many(len(infos))
    _check_sizes(infos, max_unpacked)
    if any(i.flag_bits & 0x1 for i in infos):
        raise _Refused("E002", "文件已加密（压缩包设置了密码）", "请另存一份未加密的副本后再提交")
    _check_kind({i.filename for i in infos}, suffix)
    sheets = {} if suffix == ".ods" else _sheet_parts(zf)
    issues: list[Issue] = []
    for info in infos:
        if info.is_dir():
            continue
        sheet = sheets.get(info.filename)
        is_xml = info.filename.endswith((".xml", ".rels")) or sheet is not None
        ref = _scan_member(f, info, check_prolog=is_xml, sheet=sheet is not None)
        if ref:
            issues.append(_too_big(sheet, ref))
    return issues


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
        "请确认文件来源；如确为台账，请用 Excel 打开后另存为新文件再提交",
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
                "请确认文件来源；如确为台账，请用 Excel 打开后另存为新文件再提交",
            )


def _mb(n: int) -> str:
    return f"{n / 1024**2:.0f} MB"


def _check_kind(names: set[str], suffix: str) -> None:
    """The zip holds the kind of workbook its extension promises."""
    is_ods = "content.xml" in names and "mimetype" in names
    is_ooxml = "[Content_Types].xml" in names
    if suffix == ".ods" and is_ooxml:
        raise _Refused("E001", "这是 .xlsx 工作簿，扩展名却是 .ods", "请把扩展名改为 .xlsx")
    if suffix == ".ods" and not is_ods:
        raise _Refused("E001", "不是 ODS 表格（压缩包中没有表格内容）", RESAVE)
    if suffix == ".xls":
        real = ".ods" if is_ods else ".xlsx"
        raise _Refused("E001", f"这是 {real} 工作簿，扩展名却是 .xls", f"请把扩展名改为 {real}")
    if suffix in (".xlsx", ".xlsm") and not is_ooxml:
        if is_ods:
            raise _Refused(
                "E001", f"这是 ODS 表格（.ods），扩展名却是 {suffix}", "请把扩展名改为 .ods"
            )
        raise _Refused(
            "E001", f"不是 Excel 工作簿（压缩包中没有工作簿内容），只是扩展名为 {suffix}", RESAVE
        )
    if suffix in (".xlsx", ".xlsm") and not any(n.startswith("xl/") for n in names):
        kind = "Word 文档" if "word/document.xml" in names else "其他 Office 文件"
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
                "请确认文件来源；如确为台账，请用 Excel 打开后另存为新文件再提交",
            )
        crc = zlib.crc32(out, crc)
        if out:
            yield out
        if inflate is not None and inflate.eof:
            break
    if produced != info.file_size or crc != info.CRC:
        raise _damaged("校验失败")


def _scan_member(f: BinaryIO, info: zipfile.ZipInfo, *, check_prolog: bool, sheet: bool) -> str:
    """Inflate one member once; refuse a DTD; for a worksheet, the first cell beyond limits."""
    chunks = _member_chunks(f, info)
    if check_prolog:
        chunks = _checked_prolog(chunks, info.filename)
    if not sheet:
        for _ in chunks:
            pass
        return ""
    beyond = _fast_beyond(_tag_pieces(chunks))
    if beyond is None:  # not every cell is a plain in-bounds <c r="…">: look closely
        beyond = _exact_beyond(_tag_pieces(_member_chunks(f, info)))
    return beyond


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
                    "请确认文件来源；如确为台账，请用 Excel 打开后另存为新文件再提交",
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


def column_letter(index: int) -> str:
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
        + _at_most(column_letter(MAX_COLUMNS), _UPPER, _UPPER)
        + _at_most(str(MAX_ROWS), "123456789", "0123456789")
        + '"(?: (?!r=)[a-z]+="[^"<>]*")*/?>'
    ).encode()
)
_ODD_CELL = re.compile(rb"<c[\t\r\n]")  # whitespace other than a space after the name
_PREFIXED_CELL = re.compile(rb":c[\s/>]")  # <x:c …>: calamine matches local names


def _tag_pieces(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Re-cut chunks so that no tag is split: each piece ends before a '<'."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            carry = data
            continue
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def _fast_beyond(pieces: Iterator[bytes]) -> str | None:
    """'' when every cell tag is plain and in bounds; None when unsure.

    Consumes the pieces to the end either way, so the member is fully verified.
    """
    plain = True
    for piece in pieces:
        if plain:
            cells = piece.count(b"<c ") + piece.count(b"<c>")
            plain = (
                _PLAIN_CELL.subn(b"", piece)[1] == cells
                and not _ODD_CELL.search(piece)
                and not _PREFIXED_CELL.search(piece)
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
                return f"{column_letter(pos[1] + 1)}{pos[0] + 1}"
    return ""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper()[:8]:  # eight letters are far beyond any limit already
        n = n * 26 + ch - 64
    return n


def _too_big(sheet: str | None, ref: str) -> Issue:
    return Issue(
        "E007",
        f"单元格 {ref} 有内容，超出表格上限（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列），已拒绝读取",
        sheet=sheet or "",
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
    """Worksheet part name → sheet name, from workbook.xml and its relationships."""
    workbook = _main_part(zf)
    if workbook is None:
        return {}
    rels_name = posixpath.join(
        posixpath.dirname(workbook), "_rels", posixpath.basename(workbook) + ".rels"
    )
    try:
        rels = _parse_small(zf, rels_name)
        book = _parse_small(zf, workbook)
    except (KeyError, SafeET.ParseError, ValueError):
        return {}  # the reader will fail on it too, without allocating
    targets = {
        rel.get("Id"): _resolve(workbook, rel.get("Target", ""))
        for rel in rels.iter(f"{PKG_REL_NS}Relationship")
    }
    parts = {}
    for sheet in book.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"))
        if target:
            parts[target] = sheet.get("name", "")
    return parts


def _main_part(zf: zipfile.ZipFile) -> str | None:
    try:
        rels = _parse_small(zf, "_rels/.rels")
    except (KeyError, SafeET.ParseError, ValueError):
        return "xl/workbook.xml" if "xl/workbook.xml" in zf.NameToInfo else None
    for rel in rels.iter(f"{PKG_REL_NS}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return _resolve("", rel.get("Target", ""))
    return None


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _parse_small(zf: zipfile.ZipFile, name: str):
    """Parse a small XML part (relationships, workbook.xml) without DTDs."""
    info = zf.getinfo(name)
    if info.file_size > 16 * 1024**2:
        raise ValueError(f"{name} is too large")
    return SafeET.fromstring(zf.read(info), forbid_dtd=True)


# --- formulas without a cached value -----------------------------------------------


def formula_cells_without_value(path: Path) -> dict[str, list[str]]:
    """Sheet name → refs ("D7") of formula cells saved without their result.

    For .xlsx/.xlsm only (an .xls stores every formula's result; other kinds
    give ``{}``).  Call after :func:`check_workbook` has passed the file.  Only
    sheets whose XML contains a formula tag are parsed.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        for part, sheet in _sheet_parts(zf).items():
            try:
                refs = _has_formula(zf, part) and _formulas_without_value(zf, part)
            except (KeyError, SafeET.ParseError, DefusedXmlException, zipfile.BadZipFile):
                continue  # a broken sheet part: the reader reports it when it opens the sheet
            if refs:
                found[sheet] = refs
    return found


_FORMULA_TAG = re.compile(rb"[<:]f[\s/>]")  # <f>, <f t="shared" …/>, <x:f>; not <formula1>


def _has_formula(zf: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            if _FORMULA_TAG.search(data):
                return True
            tail = data[-2:]
    return False


def _formulas_without_value(zf: zipfile.ZipFile, part: str) -> list[str]:
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
                ref = elem.get("r") or f"{column_letter(col)}{row}"
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
