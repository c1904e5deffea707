"""Reading a generated draft back: its visible text and its embedded facts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from defusedxml import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_PART = 64 * 1024 * 1024


def _part(source: Path | bytes, name: str) -> bytes:
    raw = io.BytesIO(source) if isinstance(source, bytes) else source
    with zipfile.ZipFile(raw) as z:
        info = z.getinfo(name)
        if info.file_size > MAX_PART:
            raise ValueError(f"{name} 过大")
        return z.read(name)


def document_text(source: Path | bytes) -> str:
    """Every body paragraph's text, content controls and table cells included.

    Deleted text of tracked changes (``w:delText``) is not text a reader sees.
    """
    root = ElementTree.fromstring(_part(source, "word/document.xml"))
    body = root.find(f"{W}body")
    lines = []
    for p in body.iter(f"{W}p"):
        lines.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return "\n".join(lines)


def read_properties(source: Path | bytes) -> dict[str, str]:
    from .docx import read_custom_properties

    return read_custom_properties(source)
