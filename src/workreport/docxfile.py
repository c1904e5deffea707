"""Opening a .docx the tool reads (a draft, a Word template): the zip limits before
anything is unpacked, then python-docx, and a message in Chinese for a file that is no
Word document (docs/rules.md, 用户的电脑).

Below the draft and the renderer, which both open Word documents through it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from .errors import WorkreportError, reason

_UNREADABLE = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    etree.XMLSyntaxError,
    KeyError,
    ValueError,
    OSError,
)


def refuse_hostile(path: Path, purpose: str = "") -> None:
    """Every .docx the tool opens gets the workbook's zip limits before it is unpacked
    (docs/rules.md, 用户的电脑)."""
    from .safety import check_document

    reason = check_document(path)
    if reason:
        raise WorkreportError(f"E121 {Path(path).name}：{reason}{purpose}。")


def read_docx(path: Path, purpose: str = ""):
    """Any .docx the tool reads (a Word template too), after the zip limits."""
    return open_docx(path, purpose)[0]


def open_docx(path: Path, purpose: str = ""):
    """The document and the bytes it was read from (a draft's fingerprint is theirs)."""
    refuse_hostile(path, purpose)
    source = Path(path).read_bytes()
    return _open(source, path), source


def _open(source: bytes, path: Path):
    from .safety import MAX_MEMBERS, MAX_UNPACKED

    try:
        with zipfile.ZipFile(io.BytesIO(source)) as z:
            infos = z.infolist()
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise WorkreportError(
                f"{path}：文档解压后过大或部件过多，可能是恶意构造的文件，已拒绝。"
            )
        return Document(io.BytesIO(source))
    except _UNREADABLE as e:
        if _opendocument(source):
            raise WorkreportError(
                f"{path}：这是 OpenDocument 文本（.odt），不是 Word 文档：请在 WPS 或 LibreOffice "
                "中用「另存为」保存为 Word 文档（.docx）后再试"
            ) from e
        raise WorkreportError(
            f"{path}：无法读取，不是有效的 Word 文档（.docx）：{reason(e)}"
        ) from e


def _opendocument(source: bytes) -> bool:
    """An ODF package starts with its stored «mimetype» member (ODF 1.2 §3.3)."""
    return source[30:38] == b"mimetype" and b"application/vnd.oasis.opendocument" in source[:200]
