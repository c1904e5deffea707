"""The console the user reads: never an exception for a character it cannot show.

A Chinese Windows console is GBK and a minimal Linux login may be ASCII; a file
or a unit named 「城关镇•纪委」 must still be listed, so a character the terminal
cannot show is replaced.  Output that goes to a file or a pipe is read by a
program or opened in Excel, so it is UTF-8 whatever the console's code page
(docs/rules.md, 命令行).
"""

from __future__ import annotations

import sys

BOM = "\ufeff"


def is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or replaced by an embedding program
        return False


def setup() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe to print anything to."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if is_terminal(stream):
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8", errors="replace")
        except (ValueError, OSError):  # a stream already written to keeps its encoding
            continue


def for_stream(text: str, stream) -> str:
    """``text`` as it should reach ``stream``: a byte-order mark only goes into a file or a
    pipe, where it tells Excel the CSV is UTF-8; on a terminal it would print as «?»."""
    return text.removeprefix(BOM) if is_terminal(stream) else text
