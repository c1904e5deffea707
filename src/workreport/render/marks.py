"""The marks a template's output carries through Jinja, read back by the block parser.

Jinja renders text; what the draft needs besides the text (which span is which
figure, which words a {% clause %} holds, a Word template's formats and paragraph
numbers, a chart's place) rides along as C0 control characters, and plane-15/16
characters escaped, between the template and :func:`render.sections.to_spans`, which
turns them into typed values (:class:`render.document.Span`, ``Tag``) before anything
else sees the report.  This module is the whole protocol: both renderers
(sections.py, word_template.py) and nothing else write or read it; no character a
user can type reaches the renderer unescaped (:func:`text_in`), so none collides.
"""

from __future__ import annotations

import re

from .document import Tag

# A printed figure travels through Jinja's output as OPEN kind SEP id SEP format SEP
# state SEP text CLOSE; the state is v (a value), z (a value of 0), m (missing: a
# 【待补充】 placeholder) or n (not a count: a year, a period word, the date).  The marks
# are C0 control characters: no text the renderer carries can hold one, because a .docx
# cannot (xml_safe drops them) and text_in takes them out of everything that comes in
# (templates, a Word template's text, the project's words).  None of them is whitespace
# to str.strip() or a line break to str.splitlines().  Private-use characters are the
# user's (a 造字 from U+E000 is part of a name) and pass through (docs/templates.md).
OPEN, SEP, CLOSE = "\x01", "\x02", "\x03"
MARK = re.compile(
    f"{OPEN}([^{SEP}]*){SEP}([^{SEP}]*){SEP}([^{SEP}]*){SEP}([vzmn]){SEP}([^{CLOSE}]*){CLOSE}"
)
# {% clause %} and {% item "一是" %} leave these around their text (see resolve_zeros)
CLAUSE_OPEN, CLAUSE_CLOSE, ITEM_OPEN, ITEM_CLOSE = "\x04", "\x05", "\x06", "\x07"
DROPPED, NUMBER = "\x08", "\x0e"
KNOWN_OPEN = "\x0f"  # {% known %}: closed by CLAUSE_CLOSE
KEPT = "\x10"  # {% kept %}: the number of parts kept beside it (抓好“三类教育”)
# A character of planes 15 and 16 (private use) travels as ESCAPE and its code point in
# six hex digits: those planes number a Word template's formats and paragraphs below
ESCAPE = "\x11"
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # tab, LF and CR are text
_HIGH_PRIVATE = re.compile("[\U000f0000-\U0010ffff]")
_ESCAPED = re.compile(f"{ESCAPE}([0-9A-F]{{6}})")


def text_in(text: str) -> str:
    """Text that enters the renderer: no control characters (the marks are), and each
    character of planes 15 and 16 escaped."""
    text = _CONTROLS.sub("", text)
    return _HIGH_PRIVATE.sub(lambda m: f"{ESCAPE}{ord(m[0]):06X}", text)


def text_out(text: str) -> str:
    """Rendered text as the draft shows it: the escaped characters back."""
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text) if ESCAPE in text else text


# "\x13" starts a row of a Word template's table (render/word_template.py, ROW)
CHART = "\x12"  # {{ chart("ranks") }}: a chart's name between two of these, alone on its line
# A Word template's character formatting travels as one character of plane 15 (private
# use) before the text it applies to: format number k is chr(FORMAT_BASE + k), 0 for none
# (render/word_template.py; docs/templates.md, Word 模板).
FORMAT_BASE = 0xF0000
FORMAT = re.compile("[\U000f0000-\U000ffffd]")


def format_mark(k: int) -> str:
    return chr(FORMAT_BASE + k)


def without_formats(text: str) -> str:
    return FORMAT.sub("", text)


def marker(tag: Tag, state: str, text: str) -> str:
    # an id or a label may hold the project's words (a unit's 造字, a control character)
    return (
        f"{OPEN}{tag.kind}{SEP}{text_in(tag.id)}{SEP}{tag.format}{SEP}{state}{SEP}"
        f"{text_in(text)}{CLOSE}"
    )
