"""Parsed ledger frames packed as columns of codes: what the loader's workers send back,
what the cache keeps, and how the parts of a ledger become one frame.

A ledger repeats its values (units, sheet names, enum values, dates), so a text column
travels as a code per row and each distinct text once.  Sending pandas frames between
processes pickled every cell (≈ 35 ms a 5,000-row workbook), and building one frame
per workbook, then concatenating 500 of them, cost more than parsing them
(benchmarks/README.md, 读取).  Packed, a workbook is a few numpy arrays and short lists;
the parts of one ledger are joined column by column, and the frame is built once.

A column is packed as one of:

- ``array``: a numpy array of numbers, booleans or dates, as it is;
- ``text``: a code per row (int32, -1 for blank) and the distinct texts;
- ``flag``: yes / no / blank (int8: 0 blank, 1 no, 2 yes), for a yes/no column that
  keeps its blanks;
- ``objects``: anything else, as Python objects (sent to a worker's parent only,
  never cached: see :func:`to_bytes`).

``to_bytes`` / ``from_bytes`` store packed frames with a JSON header and raw arrays:
nothing in the file can run code when read, and every array is checked against the
header (dtype, length, bounds) before use.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from functools import cache
from itertools import chain

import numpy as np
import pandas as pd
from pandas.api.types import pandas_dtype

ARRAY, TEXT, FLAG, OBJECTS = "array", "text", "flag", "objects"
MAGIC = b"workreport-packed\n"
_FLAGS = np.array([None, False, True], dtype=object)
# numpy kinds a stored array may have: numbers, booleans, dates (never objects)
_STORED_KINDS = set("biufM")


class Unpackable(Exception):
    """A value the stored form cannot hold: such a workbook is simply not cached."""


@dataclass
class PackedColumn:
    name: str
    dtype: str  # the pandas dtype of the column, as str(dtype)
    kind: str
    data: np.ndarray  # the array, the codes, the flags or the objects
    texts: list[str] | None = None  # the distinct texts of a ``text`` column

    def values(self) -> np.ndarray:
        """The column's cells as a numpy array (text and flags as Python objects)."""
        if self.kind == TEXT:
            lookup = np.empty(len(self.texts) + 1, dtype=object)
            lookup[:-1] = self.texts
            lookup[-1] = None
            return lookup[self.data]
        if self.kind == FLAG:
            return _FLAGS[self.data]
        return self.data


@dataclass
class PackedFrame:
    rows: int
    columns: list[PackedColumn]

    def signature(self) -> tuple:
        return tuple((c.name, c.dtype, c.kind) for c in self.columns)


@cache
def text_dtype() -> str:
    """The dtype pandas gives a column of texts (and a column set to one text):
    ``str`` where it infers text (pandas 3), else ``object``."""
    return str(pd.Series(np.array(["text", None], dtype=object)).dtype)


def from_array(name: str, values: np.ndarray) -> PackedColumn:
    """A column of numbers, booleans or dates, as a frame would store it."""
    if values.dtype.kind == "M" and values.dtype != "datetime64[s]":
        values = values.astype("datetime64[s]")  # pandas keeps day dates in seconds
    return PackedColumn(name, str(values.dtype), ARRAY, values)


def from_values(name: str, values: list, codes: np.ndarray) -> PackedColumn:
    """A column given as its distinct values (Python objects) and a code per row into
    them, packed without making a value per row: what the parser has in hand.

    Its dtype is the one a frame would give the whole column; pandas decides it from
    the kinds of values alone (all text → ``str``), so it is read off the values used.
    """
    lookup = np.empty(len(values), dtype=object)
    lookup[:] = values
    used = np.zeros(len(values), dtype=bool)
    used[codes] = True
    kinds = {type(v) for v in lookup[used] if v is not None}
    if kinds == {str}:
        dtype = text_dtype()
    elif kinds <= {bool, np.bool_}:  # nothing but blanks, or yes/no: pandas keeps objects
        dtype = "object"
    else:
        dtype = str(pd.Series(lookup[used], copy=False).dtype)
    if kinds <= {str}:  # text, or nothing but blanks
        blank = np.array([v is None for v in values] + [True])  # the last: code -1 itself
        order = np.cumsum(~blank) - 1  # a text's place among the texts
        remap = np.where(blank, -1, order).astype(np.int32)
        texts = [v for v in values if v is not None]
        return PackedColumn(name, dtype, TEXT, remap[codes], texts)
    if kinds <= {bool, np.bool_}:  # yes/no with blanks
        flags = np.array([0 if v is None else 1 + bool(v) for v in values], dtype=np.int8)
        return PackedColumn(name, "object", FLAG, flags[codes])
    return PackedColumn(name, dtype, OBJECTS, lookup[codes])


def unpack(parts: list[PackedFrame]) -> pd.DataFrame:
    """The parts of one ledger (in order) as one frame with a fresh 0..n-1 index."""
    rows = sum(p.rows for p in parts)
    if len({p.signature() for p in parts}) > 1:
        # workbooks that disagree on a column's type: joined the way pandas joins frames
        frames = [unpack([p]) for p in parts]
        return pd.concat(frames, ignore_index=True)
    out = {}
    for j, first in enumerate(parts[0].columns):
        column = [p.columns[j] for p in parts]
        out[first.name] = _joined(first.kind, first.dtype, column)
    return pd.DataFrame(out, index=pd.RangeIndex(rows), copy=False)


def _joined(kind: str, dtype: str, column: list[PackedColumn]) -> pd.Series:
    if kind == ARRAY:
        return pd.Series(np.concatenate([c.data for c in column]), copy=False)
    if kind == TEXT:
        texts = list(chain.from_iterable(c.texts for c in column))
        # each part's codes shifted past the texts of the parts before it; -1 stays blank
        before = np.cumsum([0] + [len(c.texts) for c in column[:-1]])
        codes = np.concatenate([c.data for c in column]).astype(np.int64)
        shift = np.repeat(before, [len(c.data) for c in column])
        joined = np.where(codes < 0, -1, codes + shift)
        # each distinct text made a pandas value once, then taken by code; -1 → blank
        lookup = np.empty(len(texts) + 1, dtype=object)
        lookup[:-1] = texts
        lookup[-1] = None
        where = np.where(joined < 0, len(texts), joined)
        if dtype == "object":
            return pd.Series(lookup[where], dtype=object, copy=False)
        return pd.Series(pd.array(lookup, dtype=_pandas_dtype(dtype)).take(where), copy=False)
    values = np.concatenate([c.values() for c in column])
    return pd.Series(values, dtype=_pandas_dtype(dtype), copy=False)


@cache
def _pandas_dtype(name: str):
    """pandas' dtype of that name, looked up once (a thousand cached workbooks name the
    same few dtypes 57,000 times)."""
    return pandas_dtype(name)


def to_bytes(meta: dict, frames: dict[str, PackedFrame]) -> bytes:
    """``meta`` (JSON) and packed frames as one file; raises :class:`Unpackable` for a
    frame with an ``objects`` column."""
    blobs: list[bytes] = []
    offset = 0
    described = {}
    for key, frame in frames.items():
        columns = []
        for c in frame.columns:
            if c.kind == OBJECTS:
                raise Unpackable(c.name)
            data = np.ascontiguousarray(c.data)
            columns.append([c.name, c.dtype, c.kind, data.dtype.str, offset, len(data), c.texts])
            raw = data.tobytes()
            blobs.append(raw)
            offset += len(raw)
        described[key] = {"rows": frame.rows, "columns": columns}
    header = json.dumps({**meta, "frames": described}, ensure_ascii=False).encode()
    return b"".join([MAGIC, struct.pack("<Q", len(header)), header, *blobs])


def from_bytes(data: bytes) -> tuple[dict, dict[str, PackedFrame]]:
    """What :func:`to_bytes` wrote; ValueError for anything else (a damaged or planted
    file), never an object the file chose."""
    if not data.startswith(MAGIC):
        raise ValueError("not a packed file")
    start = len(MAGIC) + 8
    (size,) = struct.unpack_from("<Q", data, len(MAGIC))
    meta = json.loads(data[start : start + size].decode("utf-8"))
    body = start + size
    frames = {}
    for key, described in meta.pop("frames").items():
        rows = int(described["rows"])
        columns = []
        for name, dtype, kind, stored, offset, length, texts in described["columns"]:
            array_dtype = np.dtype(stored)
            if array_dtype.kind not in _STORED_KINDS or kind not in (ARRAY, TEXT, FLAG):
                raise ValueError(f"unexpected column {name!r}")
            if int(length) != rows:
                raise ValueError(f"column {name!r} has {length} rows, not {rows}")
            at = body + int(offset)
            array = np.frombuffer(data, dtype=array_dtype, count=int(length), offset=at)
            if kind == TEXT:
                if not isinstance(texts, list) or not set(map(type, texts)) <= {str}:
                    raise ValueError(f"column {name!r}: texts")
                if length and (array.min() < -1 or array.max() >= len(texts)):
                    raise ValueError(f"column {name!r}: codes out of range")
            elif kind == FLAG and length and (array.min() < 0 or array.max() > 2):
                raise ValueError(f"column {name!r}: flags out of range")
            _pandas_dtype(dtype)  # a dtype pandas knows, or ValueError/TypeError
            columns.append(PackedColumn(str(name), str(dtype), kind, array, texts))
        frames[key] = PackedFrame(rows, columns)
    return meta, frames
