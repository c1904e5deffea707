"""Packed frames (packed.py): what the workers send and the cache keeps gives back the
very frames the parser made: same values, same dtypes, same blanks."""

import json
import struct

import numpy as np
import pandas as pd
import pytest

from workreport.packed import (
    ARRAY,
    FLAG,
    MAGIC,
    OBJECTS,
    TEXT,
    PackedFrame,
    Unpackable,
    from_array,
    from_bytes,
    from_values,
    to_bytes,
    unpack,
)


def pack(frame: pd.DataFrame) -> PackedFrame:
    """A frame packed the way the parser hands its columns over: numbers, booleans and
    dates as arrays, anything else as its distinct values and a code per row."""
    columns = []
    for name, series in frame.items():
        if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biufM":
            columns.append(from_array(name, series.to_numpy()))
            continue
        values = series.to_numpy(dtype=object, copy=True)  # the frame itself stays as it is
        if not isinstance(series.dtype, np.dtype):  # text: its blanks are None to the parser
            values[pd.isna(values)] = None
        index: dict = {}  # each distinct value, blanks as they are (None or NaN)
        codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.intp)
        columns.append(from_values(name, list(index), codes))
    return PackedFrame(len(frame), columns)


def parsed_like(units, rows0=2) -> pd.DataFrame:
    """A frame with the column kinds the parser makes."""
    n = len(units)
    return pd.DataFrame(
        {
            "填报单位": pd.Series(units, dtype="str"),
            "行号": np.arange(rows0, rows0 + n, dtype=np.int64),
            "受理日期": pd.Series(
                pd.to_datetime(["2022-03-05", None, "2022-04-01"][:n]).to_numpy("datetime64[s]")
            ),
            "人数": np.array([1.0, np.nan, 3.0][:n]),
            "是否": np.array([True, False, True][:n]),
            "主动投案": np.array([None, True, False][:n], dtype=object),
            "备注": np.array(["甲", None, "甲"][:n], dtype=object),
            "线索编号": pd.Series(["A1", None, "A3"][:n], dtype="str"),
        }
    )


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for column in a.columns:
        # blanks of the same kind: None stays None, NaN stays NaN
        assert [type(v) for v in a[column].to_numpy(dtype=object)] == [
            type(v) for v in b[column].to_numpy(dtype=object)
        ], column


def test_each_column_kind_round_trips_through_pack_and_the_stored_form():
    frame = parsed_like(["城关镇纪委", "城关镇纪委", "第三派驻组"])
    packed = pack(frame)
    kinds = {c.name: c.kind for c in packed.columns}
    assert kinds == {
        "填报单位": TEXT,
        "行号": ARRAY,
        "受理日期": ARRAY,
        "人数": ARRAY,
        "是否": ARRAY,
        "主动投案": FLAG,
        "备注": TEXT,
        "线索编号": TEXT,
    }
    units = next(c for c in packed.columns if c.name == "填报单位")
    assert units.texts == ["城关镇纪委", "第三派驻组"]  # each distinct text once
    assert units.data.tolist() == [0, 0, 1]
    same(unpack([packed]), frame)
    meta, frames = from_bytes(to_bytes({"format": 9}, {"clues": packed}))
    assert meta == {"format": 9}
    same(unpack([frames["clues"]]), frame)


def test_the_parts_of_a_ledger_are_joined_as_pandas_would_join_them():
    a, b = parsed_like(["甲", "乙", "甲"]), parsed_like(["乙", "丙"], rows0=10)
    joined = unpack([pack(a), pack(b)])
    same(joined, pd.concat([a, b], ignore_index=True))
    assert joined["填报单位"].tolist() == ["甲", "乙", "甲", "乙", "丙"]


def test_parts_that_disagree_on_a_type_fall_back_to_pandas():
    a = pd.DataFrame({"x": np.array(["a", None], dtype=object)})
    b = pd.DataFrame({"x": pd.Series([1.5, 2.0])})
    same(unpack([pack(a), pack(b)]), pd.concat([a, b], ignore_index=True))


def test_mixed_values_travel_as_objects_and_are_never_stored():
    frame = pd.DataFrame({"x": np.array(["a", 3, None], dtype=object)})
    packed = pack(frame)
    assert packed.columns[0].kind == OBJECTS
    same(unpack([packed]), frame)
    with pytest.raises(Unpackable):
        to_bytes({}, {"k": packed})


def test_an_object_column_with_nan_blanks_keeps_them():
    frame = pd.DataFrame({"x": np.array(["a", np.nan], dtype=object)})
    same(unpack([pack(frame)]), frame)


def test_texts_with_any_character_survive_storage():
    texts = ["", " 前后空格 ", "引号\"'<>&", "\x00控制\x1f", "𠀀扩展区", "末尾\x00"]
    frame = pd.DataFrame({"x": np.array(texts, dtype=object)})
    _, frames = from_bytes(to_bytes({}, {"k": pack(frame)}))
    assert unpack([frames["k"]])["x"].tolist() == texts


def stored(columns, rows=2, body=b"") -> bytes:
    header = json.dumps({"frames": {"k": {"rows": rows, "columns": columns}}}).encode()
    return MAGIC + struct.pack("<Q", len(header)) + header + body


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not ours",
        MAGIC + b"\xff" * 8,
        stored([["x", "object", "array", "|O", 0, 2, None]], body=b"\0" * 16),  # objects
        stored([["x", "str", "text", "<i4", 0, 2, ["a"]]], body=struct.pack("<2i", 0, 5)),
        stored([["x", "str", "text", "<i4", 0, 2, [1]]], body=struct.pack("<2i", 0, 0)),
        stored([["x", "object", "flag", "|i1", 0, 2, None]], body=bytes([0, 7])),
        stored([["x", "float64", "array", "<f8", 0, 3, None]], body=b"\0" * 24),  # 3 ≠ 2 rows
        stored([["x", "float64", "array", "<f8", 0, 2, None]], body=b"\0" * 8),  # truncated
        stored([["x", "float64", "pickle", "<f8", 0, 2, None]], body=b"\0" * 16),
        stored([["x", "not a dtype", "array", "<f8", 0, 2, None]], body=b"\0" * 16),
    ],
)
def test_a_damaged_or_planted_file_is_refused(data):
    with pytest.raises((ValueError, TypeError, KeyError, struct.error)):
        meta, frames = from_bytes(data)
        unpack(list(frames.values()))


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        (["甲", "乙", None], [0, 1, 2, 0]),  # text with blanks → str
        (["甲", None], [1, 1]),  # an unused text does not make blanks text
        ([None, "默认"], [0, 0]),  # only blanks used → object
        ([True, False, None], [0, 2, 1]),  # yes/no with blanks → object flags
        ([3, "甲", None], [0, 1, 2]),  # mixed → objects
        (["甲"], []),  # no rows
    ],
)
def test_a_column_packed_from_its_distinct_values_is_the_column_a_frame_would_hold(values, codes):
    from workreport.packed import PackedFrame, from_values

    codes = np.array(codes, dtype=np.intp)
    lookup = np.empty(len(values), dtype=object)
    lookup[:] = values
    expected = pd.DataFrame({"x": lookup[codes]})
    column = from_values("x", values, codes)
    same(unpack([PackedFrame(len(codes), [column])]), expected)


def test_day_dates_are_packed_as_a_frame_stores_them():
    from workreport.packed import PackedFrame, from_array

    days = np.array(["2022-03-05", "NaT"], dtype="datetime64[D]")
    same(unpack([PackedFrame(2, [from_array("d", days)])]), pd.DataFrame({"d": days}))
