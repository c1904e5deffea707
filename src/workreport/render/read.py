"""Reading a generated draft back: its visible text and its embedded facts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MAX_PART = 64 * 1024 * 1024


def content_fingerprint(source: Path | bytes) -> str:
    """SHA-256 over every part under ``word/``: text, formatting, comments, tracked
    changes and settings, but not the document properties the tool writes itself.

    Any edit saved by Word, WPS or LibreOffice changes it, so a draft whose
    fingerprint no longer matches has been touched by a person (SPEC §7).
    """
    import hashlib

    digest = hashlib.sha256()
    raw = io.BytesIO(source) if isinstance(source, bytes) else source
    with zipfile.ZipFile(raw) as z:
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            if info.filename.startswith("word/"):
                if info.file_size > MAX_PART:
                    raise ValueError(f"{info.filename} 过大")
                digest.update(info.filename.encode() + b"\0" + z.read(info) + b"\0")
    return digest.hexdigest()


def read_properties(source: Path | bytes) -> dict[str, str]:
    from .docx import read_custom_properties

    return read_custom_properties(source)
