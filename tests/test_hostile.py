"""Corrupt and hostile workbooks are refused before any parser sees them (docs/rules.md, 绝不允许).

The builders below write each broken file into a folder; other test modules can
reuse them with ``from test_hostile import make_all_hostile, HOSTILE_CODES``.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from conftest import clue, run, write_workbook
from workreport.safety import (
    MAX_COLUMNS,
    MAX_ROWS,
    check_sheet_size,
    check_workbook,
    formula_cells_without_value,
)

MB = 1024**2

# --- hand-written OOXML -------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="问题线索" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)
EXTERNAL_ENTITY = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def sheet_xml(sheet_data: str, *, dimension: str = "", prolog: str = DECLARATION) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f"{prolog}"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )


LEDGER_ROWS = row(1, text_cell("A1", "线索编号"), text_cell("B1", "受理日期")) + row(
    2, text_cell("A2", "XS-001"), text_cell("B2", "2022-03-05")
)


def write_xlsx(path: Path, sheet: str, *, workbook: str = WORKBOOK, **parts: str) -> Path:
    """A minimal workbook with one sheet 「问题线索」 whose XML is ``sheet``."""
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        **parts,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def write_ledger(path: Path) -> Path:
    """A normal ledger as openpyxl writes it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题线索"
    ws.append(["线索编号", "受理日期", "线索来源"])
    ws.append(["XS-001", "2022-03-05", "信访举报"])
    wb.save(path)
    return path


# --- hand-written ODS ----------------------------------------------------------------


def write_ods(path: Path, *, prolog: str = "") -> Path:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="问题线索">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>线索编号</text:p>'
        "</table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


# --- hand-written XLSB (binary records in a zip; MS-XLSB) --------------------------------


def xlsb_record(kind: int, body: bytes = b"") -> bytes:
    """A record: its type and length in 7-bit groups, then its body."""
    head = bytes([kind]) if kind < 0x80 else bytes([kind & 0x7F | 0x80, kind >> 7])
    length, size = bytearray(), len(body)
    while True:
        length.append(size & 0x7F | (0x80 if size >= 0x80 else 0))
        size >>= 7
        if not size:
            break
    return head + bytes(length) + body


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_sheet(rows: dict[int, list[tuple[int, object]]], shared: list[str] | None = None) -> bytes:
    """A sheet part: 0-based row → [(0-based column, text, number or error code)]; with
    ``shared``, texts go there and the cells name them, as Excel writes them."""
    records = []
    for r, values in rows.items():
        records.append(xlsb_record(0x0000, struct.pack("<IIHHB", r, 0, 300, 0, 0)))  # BrtRowHdr
        for c, value in values:
            cell = struct.pack("<II", c, 0)
            if isinstance(value, str) and shared is not None:
                shared.append(value)
                isst = struct.pack("<I", len(shared) - 1)
                records.append(xlsb_record(0x0007, cell + isst))  # BrtCellIsst
            elif isinstance(value, str):
                records.append(xlsb_record(0x0006, cell + wide(value)))  # BrtCellSt
            elif isinstance(value, bytes):  # an error value's code: b"\x2a" is #N/A
                records.append(xlsb_record(0x0003, cell + value))  # BrtCellError
            else:
                records.append(xlsb_record(0x0005, cell + struct.pack("<d", value)))  # BrtCellReal
    cells = b"".join(records)
    last_row = max(rows, default=0)
    last_col = max((c for values in rows.values() for c, _ in values), default=0)
    return b"".join(
        [
            xlsb_record(0x0081),  # BrtBeginSheet
            xlsb_record(0x0094, struct.pack("<IIII", 0, last_row, 0, last_col)),  # BrtWsDim
            xlsb_record(0x0091),  # BrtBeginSheetData
            cells,
            xlsb_record(0x0092),  # BrtEndSheetData
            xlsb_record(0x0082),  # BrtEndSheet
        ]
    )


def xlsb_shared_strings(strings: list[str]) -> bytes:
    """The shared strings part: BrtBeginSst (total, unique), a BrtSSTItem each, BrtEndSst."""
    items = b"".join(xlsb_record(0x0013, b"\0" + wide(text)) for text in strings)
    count = struct.pack("<II", len(strings), len(strings))
    return xlsb_record(0x009F, count) + items + xlsb_record(0x00A0)


def write_xlsb(path: Path, sheets: dict[str, bytes], **parts: bytes | str) -> Path:
    """An .xlsb of ``sheets`` (name → sheet part from :func:`xlsb_sheet`), as Excel lays it out."""
    bundles, rels = b"", ""
    for i, name in enumerate(sheets, 1):
        bundles += xlsb_record(0x009C, struct.pack("<II", 0, i) + wide(f"rId{i}") + wide(name))
        rels += (
            f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.bin" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        )
    workbook = b"".join(
        [
            xlsb_record(0x0083),  # BrtBeginBook
            xlsb_record(0x008F),  # BrtBeginBundleShs
            bundles,
            xlsb_record(0x0090),  # BrtEndBundleShs
            xlsb_record(0x009D, bytes(12)),  # BrtCalcProp
            xlsb_record(0x0084),  # BrtEndBook
        ]
    )
    package_rels = PACKAGE_RELS.replace("xl/workbook.xml", "xl/workbook.bin")
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES.replace("workbook.xml", "workbook.bin"),
        "_rels/.rels": package_rels,
        "xl/workbook.bin": workbook,
        "xl/_rels/workbook.bin.rels": (
            f"{DECLARATION}<Relationships xmlns="
            f'"http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
        ),
        **{f"xl/worksheets/sheet{i}.bin": part for i, part in enumerate(sheets.values(), 1)},
        **parts,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


# --- hand-written OLE2 (Compound File Binary) -----------------------------------------

END_OF_CHAIN, FREE, FAT_SECTOR, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` at its root.

    Streams under 4 KiB go into the mini stream, as Office puts them.
    """
    sector, mini = 512, 64
    minifat: list[int] = []
    container = b""
    starts: dict[str, int] = {}
    for name, data in streams.items():
        if len(data) < 4096:
            count = -(-len(data) // mini)
            starts[name] = len(minifat)
            minifat += [*range(len(minifat) + 1, len(minifat) + count), END_OF_CHAIN]
            container += data.ljust(count * mini, b"\0")
    assert len(minifat) <= sector // 4, "one mini FAT sector is enough for test files"
    fat = [FAT_SECTOR]

    def allocate(count: int) -> int:
        first = len(fat)
        fat.extend([*range(first + 1, first + count), END_OF_CHAIN])
        return first

    dir_sectors = -(-(1 + len(streams)) * 128 // sector)
    allocate(dir_sectors)  # sectors 1…: the directory
    minifat_start = allocate(1) if minifat else END_OF_CHAIN
    container_start = allocate(-(-len(container) // sector)) if container else END_OF_CHAIN
    big = {name: data for name, data in streams.items() if len(data) >= 4096}
    for name, data in big.items():
        starts[name] = allocate(-(-len(data) // sector))
    assert len(fat) <= sector // 4, "one FAT sector is enough for test files"
    fat += [FREE] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le")
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            raw,
            len(raw) + 2,
            kind,
            1,  # black
            NO_STREAM,
            right,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )

    directory = entry("Root Entry", 5, 1, NO_STREAM, container_start, len(container))
    for i, (name, data) in enumerate(streams.items(), start=1):
        right = i + 1 if i < len(streams) else NO_STREAM
        directory += entry(name, 2, NO_STREAM, right, starts[name], len(data))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,  # minor version
        3,  # major version: 512-byte sectors
        0xFFFE,
        9,  # sector shift
        6,  # mini sector shift
        b"\0" * 6,
        0,
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,  # mini stream cutoff
        minifat_start,
        1 if minifat else 0,
        END_OF_CHAIN,  # no DIFAT sectors
        0,
        0,  # the FAT is sector 0
        *([FREE] * 108),
    )

    def padded(data: bytes) -> bytes:
        return data.ljust(-(-len(data) // sector) * sector, b"\0")

    return b"".join(
        [
            header,
            struct.pack(f"<{sector // 4}I", *fat),
            padded(directory),
            padded(struct.pack(f"<{len(minifat)}I", *minifat)) if minifat else b"",
            padded(container),
            *(padded(data) for data in big.values()),
        ]
    )


def biff_record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff_bof(substream: int) -> bytes:
    return biff_record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 0))


BIFF_EOF = biff_record(0x000A)
# RC4 encryption header: type 1, version 1.1, then salt and verifier (any bytes will do here)
BIFF_FILEPASS = biff_record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x5a" * 48)


def xls_workbook(
    cells: list[tuple[int, int, float]], *, encrypted: bool = False, stream: str = "Workbook"
) -> bytes:
    """A BIFF8 .xls with one sheet 「问题线索」 of NUMBER cells at 0-based (row, col), in
    the stream named ``stream``."""
    name = "问题线索".encode("utf-16-le")
    boundsheet_len = 4 + 8 + len(name)
    head = biff_bof(0x0005) + (BIFF_FILEPASS if encrypted else b"")
    sheet_at = len(head) + boundsheet_len + len(BIFF_EOF)
    boundsheet = biff_record(
        0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(name) // 2, 1) + name
    )
    numbers = b"".join(biff_record(0x0203, struct.pack("<HHHd", r, c, 0, v)) for r, c, v in cells)
    data = head + boundsheet + BIFF_EOF + biff_bof(0x0010) + numbers + BIFF_EOF
    return ole_file({stream: data})


# --- zip surgery ---------------------------------------------------------------------


def set_declared_size(path: Path, member: str, size: int) -> None:
    """Overwrite a member's uncompressed size in its local header and the zip index."""
    with zipfile.ZipFile(path) as zf:
        local = zf.getinfo(member).header_offset
    data = bytearray(path.read_bytes())
    central = data.rfind(member.encode()) - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, size)
    struct.pack_into("<I", data, local + 22, size)
    path.write_bytes(bytes(data))


# --- the hostile files, each with the code it must be refused with --------------------


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _csv_renamed(path: Path) -> None:
    path.write_text("线索编号,受理日期,线索来源\nXS-001,2022-03-05,信访举报\n", encoding="gbk")


def _html_renamed(path: Path) -> None:
    # what many office systems export as «.xls»
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>线索编号</td></tr><tr><td>XS-001</td></tr></table></body></html>",
        encoding="utf-8",
    )


def _truncated(path: Path) -> None:
    write_ledger(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 5])


def _bad_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + b"\x00\x13\x37" * 500)


def _corrupt_member(path: Path) -> None:
    write_xlsx(path, sheet_xml(LEDGER_ROWS * 50))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start : start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))


def _encrypted_ooxml(path: Path) -> None:
    # what Excel writes for a workbook with an open password, whatever its extension
    path.write_bytes(
        ole_file(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00",
                "EncryptedPackage": b"\x17" * 5000,
            }
        )
    )


def _encrypted_xls(path: Path) -> None:
    path.write_bytes(xls_workbook([(0, 0, 1.0)], encrypted=True))


def _xls_renamed(path: Path) -> None:
    path.write_bytes(xls_workbook([(0, 0, 1.0), (1, 1, 2.0)]))


def _word_renamed(path: Path) -> None:
    path.write_bytes(ole_file({"WordDocument": b"\xec\xa5" + b"\0" * 100}))


def _xlsx_renamed_xls(path: Path) -> None:
    write_ledger(path)


def _ods_renamed_xlsx(path: Path) -> None:
    write_ods(path)


def _bomb_declared(path: Path) -> None:
    # the zip index claims 300 MB of pixels; nothing is inflated to find out
    write_xlsx(path, sheet_xml(LEDGER_ROWS), **{"xl/media/image1.png": "x" * 1000})
    set_declared_size(path, "xl/media/image1.png", 300 * MB)


def _bomb_ratio(path: Path) -> None:
    # 20 MB of zeros deflate to about 20 KB: a ratio no ledger has
    write_xlsx(path, sheet_xml(LEDGER_ROWS))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/image1.png", bytes(20 * MB))


def _bomb_lying(path: Path) -> None:
    # the index says 200 bytes; the deflate stream holds 2 MB of rows
    write_xlsx(path, sheet_xml(row(1, text_cell("A1", "x")) + "<row/>" * 350_000))
    set_declared_size(path, "xl/worksheets/sheet1.xml", 200)


def _too_many_members(path: Path) -> None:
    write_xlsx(path, sheet_xml(LEDGER_ROWS))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        for i in range(10_001):
            zf.writestr(f"customXml/item{i}.xml", "")


def _laughs_in_sheet(path: Path) -> None:
    write_xlsx(path, sheet_xml(row(1, text_cell("A1", "&lol9;")), prolog=DECLARATION + LAUGHS))


def _external_entity_in_workbook(path: Path) -> None:
    workbook = WORKBOOK.replace(DECLARATION, DECLARATION + EXTERNAL_ENTITY)
    write_xlsx(path, sheet_xml(LEDGER_ROWS), workbook=workbook)


def _dtd_after_long_comment(path: Path) -> None:
    prolog = DECLARATION + "<!--" + "填充" * 20_000 + "-->" + LAUGHS
    write_xlsx(path, sheet_xml(LEDGER_ROWS), **{"xl/sharedStrings.xml": prolog + "<sst/>"})


def _dtd_in_utf16_part(path: Path) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS + "<styleSheet/>"
    write_xlsx(path, sheet_xml(LEDGER_ROWS))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/styles.xml", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))


def _dtd_in_ods(path: Path) -> None:
    write_ods(path, prolog=LAUGHS)


def _far_corner(path: Path) -> None:
    # two values, A1 and XFD1048576: calamine would ask for a 512 GiB grid and abort
    write_xlsx(
        path,
        sheet_xml(row(1, text_cell("A1", "线索编号")) + row(1048576, text_cell("XFD1048576", "x"))),
    )


def _million_rows(path: Path) -> None:
    write_xlsx(
        path,
        sheet_xml(row(1, text_cell("A1", "线索编号")) + row(1_000_000, text_cell("A1000000", "x"))),
    )


def _far_cell_without_refs(path: Path) -> None:
    # no r attributes at all: the reader counts rows and cells, and so must we
    cells = "<c/>" * 20_000 + '<c t="inlineStr"><is><t>x</t></is></c>'
    first = "<row>" + '<c t="inlineStr"><is><t>线索编号</t></is></c>' + "</row>"
    write_xlsx(path, sheet_xml(first + "<row/>" * 250_000 + f"<row>{cells}</row>"))


def _duplicate_ref(path: Path) -> None:
    # the reader keeps the last r of a tag
    cell = '<c r="A2" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
    write_xlsx(path, sheet_xml(row(1, text_cell("A1", "线索编号")) + f'<row r="2">{cell}</row>'))


def _xls_far_column(path: Path) -> None:
    # BIFF8 allows columns up to IV, but the record field holds 65535, and the reader believes it
    path.write_bytes(
        xls_workbook([(0, 0, 1.0), *((r, 1, 2.0) for r in range(1, 300)), (65535, 65535, 3.0)])
    )


def _prefixed_far_cell(path: Path) -> None:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    write_xlsx(
        path,
        f'<x:worksheet xmlns:x="{ns}"><x:sheetData><x:row r="1">'
        '<x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
        "<x:c r = 'ZZ300000' t='inlineStr'><x:is><x:t>b</x:t></x:is></x:c>"
        "</x:row></x:sheetData></x:worksheet>",
    )


def stored_copy(path: Path) -> None:
    """Rewrite a zip with every member stored (not deflated), so its bytes can be edited."""
    with zipfile.ZipFile(path) as zf:
        members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members:
            zf.writestr(name, data)


def flip_byte(path: Path, member: str, text: bytes) -> None:
    """Change one byte of a stored member's data, in the middle of ``text``: its CRC no
    longer matches, what a download or a copy cut short or garbled leaves."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data = bytearray(path.read_bytes())
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    at = data.index(text, start, start + info.compress_size) + len(text) // 2
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _bad_crc_in_workbook_part(path: Path) -> None:
    # the part that names the sheets, read before any other: was an exit 3 (BadZipFile)
    write_xlsx(path, sheet_xml(LEDGER_ROWS))
    stored_copy(path)
    flip_byte(path, "xl/workbook.xml", b"sheetId")


ODS_ENCRYPTED_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" '
    'manifest:size="1800"><manifest:encryption-data '
    'manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" '
    'manifest:checksum="c2hhMjU2"><manifest:algorithm '
    'manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
    'manifest:initialisation-vector="aXYxMjM0NTY3ODkwMTI="/>'
    '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" '
    'manifest:iteration-count="100000" manifest:salt="c2FsdHNhbHRzYWx0"/>'
    "</manifest:encryption-data></manifest:file-entry></manifest:manifest>"
)


def _encrypted_ods(path: Path) -> None:
    # LibreOffice's «save with password»: the zip is not encrypted, each part is, and the
    # manifest says so; content.xml is then no XML at all (was an exit 3: ParseError)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", ODS_ENCRYPTED_MANIFEST, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", bytes((i * 151 + 7) % 256 for i in range(1800)))


def _xlsb_far_corner(path: Path) -> None:
    # the .xlsx far corner in binary records: the reader builds the same 512 GiB grid
    write_xlsb(path, {"问题线索": xlsb_sheet({0: [(0, "线索编号")], 1048575: [(16383, "x")]})})


def _xlsb_bomb_ratio(path: Path) -> None:
    write_xlsb(path, {"问题线索": xlsb_sheet({0: [(0, "线索编号")]})})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/image1.png", bytes(20 * MB))


def _xlsb_sheet_without_relationship(path: Path) -> None:
    # the workbook names a sheet by a relationship that does not exist: python-calamine
    # panics on it (pyo3's PanicException, no Exception); refused before it is opened
    write_xlsb(path, {"问题线索": xlsb_sheet({0: [(0, "线索编号")]})})
    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    rels = "xl/_rels/workbook.bin.rels"
    members[rels] = members[rels].replace(b'Id="rId1"', b'Id="rId7"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _xlsb_shared_string_out_of_range(path: Path) -> None:
    # a cell names shared string 99 of none: python-calamine panics on it when the sheet is
    # read, and writes a Rust backtrace to the terminal; refused before it is opened
    sheet = xlsb_sheet({0: [(0, "线索编号")]})
    end = xlsb_record(0x0092)  # BrtEndSheetData
    write_xlsb(
        path,
        {"问题线索": sheet.replace(end, xlsb_record(0x0007, struct.pack("<III", 1, 0, 99)) + end)},
    )


HOSTILE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "empty.xlsx": ("E001", _empty),
    "csv_renamed.xlsx": ("E001", _csv_renamed),
    "html_renamed.xls": ("E001", _html_renamed),
    "truncated.xlsx": ("E001", _truncated),
    "bad_zip.xlsx": ("E001", _bad_zip),
    "corrupt_member.xlsx": ("E001", _corrupt_member),
    "encrypted.xlsx": ("E002", _encrypted_ooxml),
    "encrypted.xls": ("E002", _encrypted_xls),
    "xls_renamed.xlsx": ("E001", _xls_renamed),
    "word_renamed.xls": ("E001", _word_renamed),
    "xlsx_renamed.xls": ("E001", _xlsx_renamed_xls),
    "ods_renamed.xlsx": ("E001", _ods_renamed_xlsx),
    "bomb_declared.xlsx": ("E003", _bomb_declared),
    "bomb_ratio.xlsx": ("E003", _bomb_ratio),
    "bomb_lying.xlsx": ("E003", _bomb_lying),
    "too_many_members.xlsx": ("E003", _too_many_members),
    "laughs_in_sheet.xlsx": ("E003", _laughs_in_sheet),
    "external_entity.xlsx": ("E003", _external_entity_in_workbook),
    "dtd_after_comment.xlsx": ("E003", _dtd_after_long_comment),
    "dtd_utf16.xlsx": ("E003", _dtd_in_utf16_part),
    "dtd.ods": ("E003", _dtd_in_ods),
    "far_corner.xlsx": ("E007", _far_corner),
    "million_rows.xlsx": ("E007", _million_rows),
    "far_cell_without_refs.xlsx": ("E007", _far_cell_without_refs),
    "duplicate_ref.xlsx": ("E007", _duplicate_ref),
    "prefixed_far_cell.xlsx": ("E007", _prefixed_far_cell),
    "far_column.xls": ("E007", _xls_far_column),
    "bad_crc_workbook.xlsx": ("E001", _bad_crc_in_workbook_part),
    "encrypted.ods": ("E002", _encrypted_ods),
    "far_corner.xlsb": ("E007", _xlsb_far_corner),
    "bomb_ratio.xlsb": ("E003", _xlsb_bomb_ratio),
    "sheet_without_relationship.xlsb": ("E001", _xlsb_sheet_without_relationship),
    "shared_string_out_of_range.xlsb": ("E001", _xlsb_shared_string_out_of_range),
}
HOSTILE_CODES = {name: code for name, (code, _) in HOSTILE.items()}
# cells placed far enough to make python-calamine abort the process when the sheet is opened
ABORTS_CALAMINE = (
    "far_corner.xlsx",
    "duplicate_ref.xlsx",
    "far_cell_without_refs.xlsx",
    "prefixed_far_cell.xlsx",
    "far_column.xls",
    "far_corner.xlsb",
)


def make_all_hostile(directory: Path) -> dict[str, Path]:
    """Write every hostile file into ``directory``; file name → path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (_, build) in HOSTILE.items():
        build(directory / name)
        paths[name] = directory / name
    return paths


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    return make_all_hostile(tmp_path_factory.mktemp("hostile"))


# --- every hostile file is refused with its code, its name and a way out ---------------


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_refused_with_its_code(hostile, name):
    issues = check_workbook(hostile[name])
    assert [(i.code, i.file) for i in issues] == [(HOSTILE_CODES[name], name)]
    assert issues[0].message and issues[0].suggestion


@pytest.mark.parametrize("name", HOSTILE)
def test_checking_a_hostile_file_allocates_little(hostile, name):
    tracemalloc.start()
    try:
        check_workbook(hostile[name])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MB


def test_messages_say_what_the_file_really_is(hostile):
    def message(name):
        return check_workbook(hostile[name])[0].message

    assert message("empty.xlsx") == "文件是空的（0 字节）"
    assert (
        message("csv_renamed.xlsx") == "不是 Excel 工作簿，而是文本或 CSV 文件，只是扩展名为 .xlsx"
    )
    assert (
        message("html_renamed.xls") == "不是 Excel 工作簿，而是网页（HTML）文件，只是扩展名为 .xls"
    )
    assert message("xls_renamed.xlsx") == "这是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 .xlsx"
    assert message("xlsx_renamed.xls") == "这是 .xlsx 工作簿，扩展名却是 .xls"
    assert message("ods_renamed.xlsx") == "这是 ODS 表格（.ods），扩展名却是 .xlsx"
    assert message("word_renamed.xls") == "不是 Excel 工作簿，而是 Word 文档，只是扩展名为 .xls"
    assert message("encrypted.xlsx") == "文件已加密（设置了打开密码）"
    assert message("truncated.xlsx").startswith("文件已损坏或不完整")


def test_encrypted_workbook_asks_for_an_unprotected_copy(hostile):
    [issue] = check_workbook(hostile["encrypted.xlsx"])
    assert issue.suggestion == "请另存一份未加密的副本后再提交"


def test_dtd_message_names_the_part(hostile):
    [issue] = check_workbook(hostile["laughs_in_sheet.xlsx"])
    assert issue.message == (
        "文件中的「xl/worksheets/sheet1.xml」含有 DTD/实体声明，可能是恶意构造的文件，已拒绝读取"
    )


def test_far_cell_names_the_sheet_and_the_cell(hostile):
    [issue] = check_workbook(hostile["far_corner.xlsx"])
    assert (issue.sheet, issue.file) == ("问题线索", "far_corner.xlsx")
    assert (issue.row, issue.column_letter) == (1048576, "XFD")
    assert issue.message.startswith("单元格 XFD1048576 有内容，超出表格上限")


def test_cells_placed_by_counting_are_found_where_the_reader_puts_them(hostile):
    [issue] = check_workbook(hostile["far_cell_without_refs.xlsx"])
    assert issue.message.startswith("单元格 ACOG250002 有内容")


# --- files that may be parsed -----------------------------------------------------------


def test_normal_openpyxl_workbook_passes(tmp_path):
    assert check_workbook(write_ledger(tmp_path / "纪检监察室.xlsx")) == []


def test_normal_xlsxwriter_workbook_passes(tmp_path):
    path = tmp_path / "第一派驻组.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("谈话")
    ws.write_row(0, 0, ["日期", "谈话类型", "人数"])
    ws.write_row(1, 0, ["2022-03-05", "廉政谈话", 3])
    wb.close()
    assert check_workbook(path) == []


def test_xlsm_and_ods_and_xls_pass(tmp_path):
    xlsm = write_ledger(tmp_path / "宏.xlsm")
    ods = write_ods(tmp_path / "开源.ods")
    xls = tmp_path / "旧版.xls"
    _xls_renamed(xls)
    assert [check_workbook(p) for p in (xlsm, ods, xls)] == [[], [], []]


def test_hand_written_xls_is_a_real_workbook(tmp_path):
    # the test writers are checked against the reader, in the mini stream and out of it
    small, large = tmp_path / "small.xls", tmp_path / "large.xls"
    small.write_bytes(xls_workbook([(0, 0, 1.0), (1, 1, 2.0)]))
    large.write_bytes(xls_workbook([(r, 0, float(r)) for r in range(300)]))
    sheets = [
        python_calamine.CalamineWorkbook.from_path(str(p)).get_sheet_by_name("问题线索")
        for p in (small, large)
    ]
    assert [(s.height, s.width) for s in sheets] == [(2, 2), (300, 1)]
    assert [check_workbook(p) for p in (small, large)] == [[], []]


def test_xls_far_cell_names_the_sheet(hostile):
    [issue] = check_workbook(hostile["far_column.xls"])
    assert (issue.sheet, issue.message[:16]) == ("问题线索", "单元格 CRXP65536 有内")


def test_a_claimed_million_row_dimension_is_harmless(tmp_path):
    # calamine ignores <dimension>: only cells that hold values size the grid
    path = write_xlsx(
        tmp_path / "dimension.xlsx", sheet_xml(LEDGER_ROWS, dimension="A1:XFD1048576")
    )
    assert check_workbook(path) == []
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("问题线索")
    assert (sheet.height, sheet.width) == (2, 2)


def test_cells_up_to_the_limits_pass_and_one_beyond_is_refused(tmp_path):
    last = f"GR{MAX_ROWS}"
    assert MAX_COLUMNS == 200  # GR
    cases = {"last.xlsx": last, "right.xlsx": "GS1", "below.xlsx": f"A{MAX_ROWS + 1}"}
    codes = {}
    for name, ref in cases.items():
        number = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        path = write_xlsx(
            tmp_path / name, sheet_xml(LEDGER_ROWS + row(number, text_cell(ref, "x")))
        )
        codes[name] = [i.code for i in check_workbook(path)]
    assert codes == {"last.xlsx": [], "right.xlsx": ["E007"], "below.xlsx": ["E007"]}


def test_styled_empty_cells_far_away_do_not_count(tmp_path):
    # Excel writes <c r=".." s="3"/> for formatted empty cells; the reader skips them
    far = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    path = write_xlsx(tmp_path / "styled.xlsx", sheet_xml(LEDGER_ROWS + far))
    assert check_workbook(path) == []


def test_a_real_bomb_is_refused_under_a_smaller_limit(tmp_path):
    path = write_xlsx(tmp_path / "big.xlsx", sheet_xml(LEDGER_ROWS * 20_000))
    assert [i.code for i in check_workbook(path, max_unpacked=1 * MB)] == ["E003"]
    assert check_workbook(path) == []


def test_unsupported_extension_and_missing_file(tmp_path):
    csv = tmp_path / "台账.csv"
    csv.write_text("线索编号\n", encoding="utf-8")
    missing = check_workbook(tmp_path / "没有.xlsx")
    assert [(i.code, i.message) for i in check_workbook(csv)] == [
        ("E001", "不支持的文件类型「.csv」")
    ]
    assert [(i.code, i.file) for i in missing] == [("E001", "没有.xlsx")]


def test_check_sheet_size_for_sheets_already_read():
    assert check_sheet_size(MAX_ROWS, MAX_COLUMNS) is None
    issue = check_sheet_size(MAX_ROWS + 1, 3, file="a.ods", sheet="谈话")
    assert (issue.code, issue.file, issue.sheet) == ("E007", "a.ods", "谈话")


# --- what workreport and python-calamine do with each file -------------------------------


def test_validate_reports_every_hostile_file_and_reads_the_good_one(tmp_path):
    # docs/rules.md (绝不允许): each bad file is refused with its code; the other files are still checked
    folder = tmp_path / "收文"
    make_all_hostile(folder)
    write_workbook(folder / "案件监督管理室.xlsx", {"问题线索": [clue("A1", date(2022, 1, 5))]})
    result = run("validate", folder, "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert {i["file"]: i["code"] for i in report["issues"]} == HOSTILE_CODES
    # every file found is counted, the refused ones too (docs/rules.md, 命令行)
    assert (report["files"], report["rows"], report["errors"]) == (
        len(HOSTILE) + 1,
        1,
        len(HOSTILE),
    )


@pytest.mark.parametrize("name", ABORTS_CALAMINE)
def test_calamine_aborts_the_process_on_far_cells(hostile, name):
    # the fixtures are truly dangerous, so the test above shows workreport refuses them
    # before python-calamine opens the sheet: no except clause catches this abort
    code = textwrap.dedent(f"""
        import resource, python_calamine
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
        wb = python_calamine.CalamineWorkbook.from_path({str(hostile[name])!r})
        try:
            wb.get_sheet_by_name("问题线索")
        except BaseException:
            raise SystemExit(0)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode < 0  # killed by SIGABRT, not an exception


# --- formulas without a cached value -----------------------------------------------------


def test_openpyxl_formulas_have_no_cached_value(tmp_path):
    path = tmp_path / "公式.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "处分处理"
    ws.append(["姓名", "人数"])
    ws["B2"] = 3
    ws["D7"] = "=SUM(B2:B3)"
    other = wb.create_sheet("谈话")
    other["C2"] = "=1+1"
    wb.create_sheet("说明")["A1"] = "没有公式"
    wb.save(path)
    assert check_workbook(path) == []
    assert formula_cells_without_value(path) == {"处分处理": ["D7"], "谈话": ["C2"]}


def test_xlsxwriter_formulas_carry_a_cached_value(tmp_path):
    path = tmp_path / "公式.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("谈话")
    ws.write_formula("A1", "=1+1")  # cached 0
    ws.write_formula("A2", "=1+1", None, 2)
    ws.write_formula("A3", '="x"', None, "x")
    wb.close()
    assert formula_cells_without_value(path) == {}


def test_empty_string_result_counts_as_a_value_only_when_typed_as_string(tmp_path):
    # Excel saves ="" as t="str" with an empty <v>; an untyped empty <v> (xlsxwriter's
    # value="", openpyxl's every formula) cannot be told from «never calculated»
    cells = row(1, '<c r="A1" t="str"><f>""</f><v></v></c>', '<c r="B1"><f>""</f><v></v></c>')
    path = write_xlsx(tmp_path / "empty.xlsx", sheet_xml(cells))
    assert formula_cells_without_value(path) == {"问题线索": ["B1"]}


def test_shared_and_unreferenced_formula_cells(tmp_path):
    cells = (
        row(1, '<c r="A1"><f t="shared" ref="A1:A2" si="0">B1*2</f><v>4</v></c>')
        + row(2, '<c r="A2"><f t="shared" si="0"/></c>')
        + "<row><c><v>1</v></c><c><f>A3+1</f><v></v></c></row>"
    )
    path = write_xlsx(tmp_path / "shared.xlsx", sheet_xml(cells))
    assert formula_cells_without_value(path) == {"问题线索": ["A2", "B3"]}


def test_formula_cells_written_unusually_are_parsed(tmp_path):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    prefixed = (
        f'<x:worksheet xmlns:x="{ns}"><x:sheetData><x:row r="4">'
        '<x:c r="B4"><x:f>1+1</x:f></x:c><x:c r="C4"><x:f>1+2</x:f><x:v>3</x:v></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    )
    spaced = sheet_xml(
        row(2, '<c s="1" r="D2" t="str"><f>""</f><v /></c>', '<c r="E2"><f\n>1</f></c>')
    )
    paths = [write_xlsx(tmp_path / f"{i}.xlsx", xml) for i, xml in enumerate((prefixed, spaced))]
    assert [formula_cells_without_value(p) for p in paths] == [
        {"问题线索": ["B4"]},
        {"问题线索": ["E2"]},
    ]


def test_conditional_formatting_formulas_are_not_cells(tmp_path):
    sheet = sheet_xml(LEDGER_ROWS).replace(
        "</worksheet>",
        '<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1">'
        "<formula>A1&gt;0</formula></cfRule></conditionalFormatting></worksheet>",
    )
    path = write_xlsx(tmp_path / "cf.xlsx", sheet)
    assert formula_cells_without_value(path) == {}


def test_formulas_are_looked_for_only_in_xlsx_and_xlsm(tmp_path):
    assert formula_cells_without_value(write_ods(tmp_path / "a.ods")) == {}
