#!/usr/bin/env python3
"""Write the sample department ledgers and the golden file of their figures.

    python tools/make_sample_data.py     # (re)write sample_data/ and tests/data/sample_figures.json

The scenario is data (``tools/sample/scenario.py``); ``tools/sample/rows.py``
turns it into rows and ``tools/sample/workbook.py`` writes each department's
messy workbook.  The golden file is what ``workreport stats sample_data
--format json --by 单位`` prints; the script refuses to write it unless the
figures are those of the model report (``scenario.TARGETS``).  After a change
to the sample, review ``git diff tests/data/sample_figures.json``; the test
suite checks the file against a build and against an independent openpyxl
recount (``tests/test_sample.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from sample import rows, scenario, workbook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sample_data"
GOLDEN = ROOT / "tests" / "data" / "sample_figures.json"


def write_sample(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for unit, sheets in rows.build().items():
        path = out / f"{unit}.xlsx"
        workbook.write_workbook(path, unit, sheets)
        print(f"写入 {shown(path)}：{'、'.join(name for name, _, _ in sheets)}")
    (out / "workreport.toml").write_text(scenario.CONFIG_TEXT, encoding="utf-8")
    print(f"写入 {shown(out / 'workreport.toml')}")
    # the seed's own templates live with the sample (CONFIG_TEXT names them); a copy
    # elsewhere takes them along so its workreport.toml still holds
    if out.resolve() != OUT.resolve():
        shutil.copytree(OUT / "templates", out / "templates", dirs_exist_ok=True)
        print(f"写入 {shown(out / 'templates')}")


def stats_json(folder: Path) -> str:
    """What the installed command prints for the sample, by unit."""
    here = Path(sys.executable).with_name("workreport")
    command = str(here) if here.exists() else shutil.which("workreport") or "workreport"
    args = [command, "stats", str(folder), "--format", "json", "--by", "单位", "--quiet"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(figures: dict) -> dict[str, object]:
    """``{"talks": {"约谈": 5}}`` → ``{"talks.约谈": 5}``."""
    out: dict[str, object] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT, help="台账输出目录（默认 sample_data/）")
    p.add_argument("--golden", type=Path, default=GOLDEN, help="指标金标准文件")
    args = p.parse_args(argv)
    write_sample(args.out)
    text = stats_json(args.out)
    figures = flat(json.loads(text)["figures"])
    wrong = {k: (v, figures.get(k)) for k, v in scenario.TARGETS.items() if figures.get(k) != v}
    for key, (want, got) in wrong.items():
        print(f"不符：{key} 应为 {want}，实为 {got}")
    if wrong:
        print(f"示例台账与范文指标不符，未写出 {shown(args.golden)}")
        return 1
    args.golden.write_text(text, encoding="utf-8")
    print(f"写入 {shown(args.golden)}：{len(scenario.TARGETS)} 项范文指标一致")
    return 0


if __name__ == "__main__":
    sys.exit(main())
