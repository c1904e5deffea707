"""(Re)write docs/figures.md from the figure registry and the ledger specs.

    python tools/make_docs.py

tests/test_docs.py regenerates the handbook in memory and fails when the
committed file differs; run this and commit the result.
"""

from pathlib import Path

from workreport.config import load_config
from workreport.docs import HANDBOOK_PATH, figure_handbook

target = Path(__file__).resolve().parent.parent / HANDBOOK_PATH
target.parent.mkdir(exist_ok=True)
# newline="\n": the same bytes on Windows, so the staleness test compares like with like
with open(target, "w", encoding="utf-8", newline="\n") as fh:
    fh.write(figure_handbook(load_config(None)))
print(f"wrote {target.relative_to(target.parent.parent)}")
