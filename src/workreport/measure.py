"""How much room text takes: one rule for the terminal, the workbooks and the draft.

A character is two columns wide when Unicode's East Asian Width calls it Wide or
Fullwidth (汉字, 。, Ａ), one otherwise; a Word or WPS page gives such a character a
full em and a Latin letter or digit about half.  Before this module, four copies
with two rules measured the same text differently (issue 30).
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache


# a table measures each cell twice, and a long list repeats its files and suggestions:
# the 25,000 案管室 warnings of the benchmark's large set took 1.4 s to lay out, 0.6 s now
@lru_cache(maxsize=1 << 16)
def width(text: str) -> int:
    """Columns ``text`` takes: a Chinese character two, a Latin letter or digit one."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


@cache
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def ems(text: str) -> float:
    """The width of ``text`` on a page, in ems of its font (a Chinese character is 1)."""
    return width(text) / 2


def lines(text: object, columns: int) -> int:
    """Lines ``text`` takes in a box ``columns`` wide, each of its own lines wrapped
    where it runs out (a cell comment, a wrapped cell of the 填表说明)."""
    columns = max(columns, 1)
    return sum(max(1, -(-width(line) // columns)) for line in str(text).split("\n"))


def column_letter(index: int) -> str:
    """A 0-based column index as Excel writes it: 0 → A, 25 → Z, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
