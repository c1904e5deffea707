"""Rewrite README.md's error-code table from workreport.errors.CODES (tests/test_docs.py checks it)."""

from pathlib import Path

from workreport.errors import CODES

readme = Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
start = text.index("<!-- codes -->")
end = text.index("\n## ", start)
table = "<!-- codes -->\n| 代码 | 含义 |\n|---|---|\n" + "".join(
    f"| {k} | {v} |\n" for k, v in CODES.items()
)
readme.write_text(text[:start] + table + text[end:], encoding="utf-8")
