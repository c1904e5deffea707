"""(Re)write docs/figures.md from the figure registry and the ledger specs, and the list
of the 案管室's checks in docs/rules.md from their declarations (ledgers.CROSS_RULES).

    python tools/make_docs.py

tests/test_docs.py regenerates the handbook in memory and fails when the
committed file differs; run this and commit the result.
"""

from pathlib import Path

from workreport.config import load_config
from workreport.docs import HANDBOOK_PATH, RULES_PATH, figure_handbook, rules_page

target = Path(__file__).resolve().parent.parent / HANDBOOK_PATH
target.parent.mkdir(exist_ok=True)
# newline="\n": the same bytes on Windows, so the staleness test compares like with like
with open(target, "w", encoding="utf-8", newline="\n") as fh:
    fh.write(figure_handbook(load_config(None)))
print(f"wrote {target.relative_to(target.parent.parent)}")
rules = target.parent.parent / RULES_PATH
page = rules_page(rules.read_text(encoding="utf-8"), load_config(None))
with open(rules, "w", encoding="utf-8", newline="\n") as fh:
    fh.write(page)
print(f"wrote {RULES_PATH} (交叉核对)")
