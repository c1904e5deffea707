"""Files → typed ledger frames with provenance (file, sheet, Excel row).

The loader reads the way a person reads a sheet (docs/rules.md, 输入约定): it finds the header
under title rows, maps header spelling variants to canonical names, spreads
merged cells, skips blank and 合计 rows, and remembers where every row came from
so that each later problem can be reported at the cell a person would look at.
Each workbook's cells are then parsed by :func:`workreport.parse.parse_workbook`
in the same worker, so many workbooks are read and parsed in parallel.

The rules that live here are the reader's, about how a file and its sheets are
read: which files (E001, E004, W203), which sheets (E005, E115, W202), the header
(E101, E114, E116, W206, W207), the rows (E007, W201) and cells the reader cannot
give (E006, E117).  Cell values are ``parse.py``'s, rules across rows and
workbooks ``validate.py``'s, hostile files ``safety.py``'s.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import threading
from collections.abc import Iterable
from dataclasses import replace
from itertools import zip_longest
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from .cache import ParsedCache
from .config import Config
from .errors import ERROR, Issue, reason
from .ledgers import (
    EXTRA_COLUMNS,
    UNIT_COLUMN,
    SheetSpec,
    SourceFile,
    ledger_specs,
    normalise_header,
)
from .loaded import Loaded
from .measure import column_letter
from .packed import PackedFrame, unpack
from .parse import RawSheet, empty_ledger, parse_workbook
from .safety import MAX_COLUMNS, MAX_ROWS, OLE_MAGIC, ZIP_MAGIC
from .xlsxwrite import OWN_OUTPUT_PROPERTY

SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
KINDS = ".xlsx/.xlsm/.xlsb/.xls/.ods"  # as messages list them
HEADER_SCAN_ROWS = 10  # the header is within the first 10 rows (docs/rules.md, 输入约定)
TOTAL_WORDS = {"合计", "总计", "小计"}
TOTAL_MARK = "计"  # in every total word: the cheap test before the exact one
# Sheets of our own ledger template and annotated copies: skipped without a note.
OWN_SHEETS = {"填表说明", "选项", "问题清单"}
PARALLEL_MIN_FILES = 8
QUEUED_PER_WORKER = 2  # jobs sent to each worker ahead of the one it is parsing
OWN_OUTPUTS = (".底稿.xlsx", ".问题清单.xlsx")
BLANK_TEMPLATE = "台账模板.xlsx"  # what `workreport init` writes: not a unit's ledger
OWN_OUTPUT = "本工具生成的文件，不作为台账读取"
# the property's XML as Excel, WPS, LibreOffice and openpyxl write it
_OWN_OUTPUT_XML = re.compile(
    rb"""\bname\s*=\s*["']""" + OWN_OUTPUT_PROPERTY.encode() + rb"""["']"""
)
MAX_CUSTOM_PROPERTIES = 1 << 20  # bytes of docProps/custom.xml read, at most
MISSING = "文件或文件夹不存在"
NOT_A_FILE = "不是普通文件（可能是管道或设备），无法读取"


class Progress(Protocol):
    """What the loader reports while it reads many workbooks (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, name: str) -> None: ...

    def finish(self) -> None: ...


class Layout(Protocol):
    """A source profile (sources.py): how a workbook in a department's or the platform's
    own layout is read as ledger sheets (docs/sources.md)."""

    def matches(self, name: str) -> bool: ...

    def read(self, sheets: list[str], rows_of, file: str, specs: dict[str, SheetSpec]) -> tuple:
        """→ (RawSheets, letters, headers, sheet names, all by ledger key; unit; issues)."""
        ...


def find_workbooks(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[Issue]]:
    """Expand files and folders (recursively) into (path, display name) pairs.

    Office lock files ``~$*`` and hidden files are skipped (docs/rules.md, 输入约定).
    """
    found: list[tuple[Path, str]] = []
    issues: list[Issue] = []
    paths = [Path(p) for p in paths]
    for given in paths:
        if given.is_dir():
            # with several folders, names keep the folder so that two 城关镇纪委.xlsx stay apart
            prefix = f"{given.resolve().name}/" if len(paths) > 1 else ""
            for p in sorted(given.rglob("*")):
                rel = p.relative_to(given)
                if any(part.startswith((".", "~$")) for part in rel.parts):
                    issues.extend(_not_a_lock_file(p, prefix + rel.as_posix()))
                    continue
                if not (p.is_file() and p.suffix.lower() in SUFFIXES):
                    continue
                if p.name.endswith(OWN_OUTPUTS) or p.name == BLANK_TEMPLATE:
                    # our own 数据底稿 has ledger-like sheets: reading it would count every row twice
                    issues.append(Issue("W203", OWN_OUTPUT, file=prefix + rel.as_posix()))
                    continue
                found.append((p, prefix + rel.as_posix()))
        elif given.is_file():
            if given.name.startswith("~$"):
                issues.extend(_not_a_lock_file(given, given.name))
                continue
            if given.suffix.lower() not in SUFFIXES:
                issues.append(
                    Issue(
                        "E001",
                        f"不是支持的表格文件（支持 {'、'.join(sorted(SUFFIXES))}）",
                        file=given.name,
                    )
                )
                continue
            found.append((given, given.name))
        elif given.exists():
            # a pipe or a device: opening it would wait for a writer that never comes
            issues.append(Issue("E001", NOT_A_FILE, file=given.name))
        else:
            issues.append(Issue("E001", MISSING, file=str(given)))
    seen: set[Path] = set()
    unique = []
    for p, name in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((p, name))
    return unique, issues


def _nothing_found(paths: list[Path], skipped: list[Issue]) -> Issue:
    """E004: where it looked, so that a wrong folder is seen at once, and what it saw
    there but did not read (files of other types, the blank template, a 底稿)."""
    where = "、".join(str(p) if p.name else str(p.resolve()) for p in paths)
    others = sorted(
        p.name
        for given in paths
        if given.is_dir()
        for p in given.rglob("*")
        if p.is_file()
        and p.suffix.lower() not in SUFFIXES
        and not any(part.startswith((".", "~$")) for part in p.relative_to(given).parts)
    )
    seen = []
    if others:
        named = "、".join(others[:3]) + ("等" if len(others) > 3 else "")
        seen.append(f"其他类型的文件 {len(others)} 个（{named}），未读取")
    for issue in skipped:
        if issue.code == "W203":
            what = "空白台账模板" if Path(issue.file).name == BLANK_TEMPLATE else "本工具生成的文件"
            seen.append(f"{issue.file} 是{what}，不作为台账读取")
    return Issue(
        "E004",
        f"在 {where} 中没有找到任何台账工作簿（{KINDS}）" + "".join(f"；{t}" for t in seen),
        suggestion="请把各单位填报的台账工作簿放进这个文件夹，或指定正确的文件夹",
    )


def _not_a_lock_file(path: Path, name: str) -> list[Issue]:
    """W220 for a skipped ``~$`` file that is a workbook: Office's lock files are a few
    hundred bytes of user name, never a zip or OLE file (docs/rules.md, 用户的电脑)."""
    if not path.name.startswith("~$") or path.suffix.lower() not in SUFFIXES:
        return []
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return []
    if not head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return []
    return [
        Issue(
            "W220",
            "文件名以 ~$ 开头，像是 Office 的锁文件，但内容是工作簿，未读取",
            file=name,
            suggestion="如需统计，请把文件改名，去掉开头的 ~$",
        )
    ]


def use_python_strings() -> None:
    """pandas 3 stores text columns in pyarrow when it is installed and in Python objects
    otherwise: pinned to Python objects, so that the figures, the cache and the time do
    not depend on whether pyarrow happens to be installed (benchmarks/README.md, pyarrow).
    Set where a run starts (``Run``, the loader, a worker's job), never on import, so
    that importing workreport leaves the host program's pandas as it was."""
    pd.set_option("mode.string_storage", "python")


def load_paths(
    paths: Iterable[Path],
    config: Config,
    *,
    cache: Path | None = None,
    progress: Progress | None = None,
    profiles: tuple[Layout, ...] = (),
    set_aside=None,
) -> Loaded:
    """Read every workbook under ``paths``; never stops at the first bad file.  ``cache``:
    the folder of the parsed-workbook cache (cache.py), None to read every workbook.
    ``profiles``: the source profiles a matching workbook is read through (sources.py).
    ``set_aside``: path → whether it is not a ledger workbook but one its caller reads
    (a 上报文件, whatever its name): listed in ``Loaded.set_aside``, never parsed here."""
    use_python_strings()
    paths = list(paths)
    workbooks, issues = find_workbooks(paths)
    specs = ledger_specs(config)
    if not workbooks and not any(i.severity == ERROR for i in issues):
        # nothing to read, though perhaps a blank 台账模板.xlsx or a 底稿 was skipped (W203):
        # a draft of placeholders would be built from nothing
        issues.append(_nothing_found(paths, issues))
    found = len(workbooks) + sum(1 for i in issues if i.code == "E001" and i.message != MISSING)
    aside = [w for w in workbooks if set_aside is not None and set_aside(w[0])]
    workbooks = [w for w in workbooks if w not in aside]
    if progress is not None:
        progress.start(len(workbooks))
    cache = ParsedCache.open(cache, specs, profiles)
    # a workbook parsed before, unchanged, under the same parser and contracts, is not
    # parsed again (cache.py); the others go to the workers
    results: list = [None] * len(workbooks)
    if cache is not None:
        for i, (p, name) in enumerate(workbooks):
            results[i] = _cached(cache, p, name)
            if results[i] is not None and progress is not None:
                progress.advance(name)
    todo = [i for i, r in enumerate(results) if r is None]
    jobs = [(*workbooks[i], specs, cache, profiles) for i in todo]
    parsed = _parse_jobs(jobs, progress)
    for i, result in zip(todo, parsed, strict=True):
        results[i] = result
    if cache is not None:
        cache.prune()

    if progress is not None:
        progress.finish()
    parts: dict[str, list[PackedFrame]] = {k: [] for k in specs}
    files: list[SourceFile] = []
    rows_read = 0
    for source, packed, file_issues in results:
        issues.extend(file_issues)
        if source is None:
            continue
        files.append(source)
        for key, frame in packed.items():
            parts[key].append(frame)
            rows_read += frame.rows
    # each ledger's frame built once from the parts of every workbook (packed.py)
    frames = {
        key: unpack(chunks) if chunks else empty_ledger(specs[key]) for key, chunks in parts.items()
    }
    return Loaded(
        frames=frames, files=files, issues=issues, rows_read=rows_read, found=found, set_aside=aside
    )


def _cached(cache: ParsedCache, path: Path, name: str):
    try:
        digest = _sha256(path)
    except OSError:
        return None  # read (and reported) by the worker
    return cache.get(path, name, digest)


def _parse_jobs(jobs: list, progress: Progress | None) -> list:
    """Every job's result, in job order.  Parsing is CPU-bound and workbooks are
    independent (benchmarks/README.md, 读取): with many, worker processes take jobs from
    the front of the list while this process takes them from the back, so every core
    parses — this one included — and a machine that starts workers slowly (Windows)
    waits for one worker fewer.  A thread keeps the workers fed while this process
    parses, so a long workbook here never leaves them idle."""
    results: list = [None] * len(jobs)

    def done(at: int, result) -> None:
        results[at] = result
        if progress is not None:
            progress.advance(result[0].name if result[0] else "")

    helpers = min((os.cpu_count() or 1) - 1, 3)
    if len(jobs) < PARALLEL_MIN_FILES or helpers < 1:
        for at, job in enumerate(jobs):
            done(at, _read_workbook_job(job))
        return results
    # imported here: a few workbooks (the sample, a county) never start a worker
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    lock = threading.Lock()
    ends = [0, len(jobs)]  # the jobs not yet taken: [front, back)

    def take(front: bool) -> int | None:
        with lock:
            if ends[0] >= ends[1]:
                return None
            ends[0 if front else 1] += 1 if front else -1
            return ends[0] - 1 if front else ends[1]

    finished: queue.SimpleQueue = queue.SimpleQueue()  # (job index, future) done by workers
    failed: list[BaseException] = []

    queued: dict = {}  # future → job index

    def fill(pool) -> None:
        while len(queued) < QUEUED_PER_WORKER * helpers and (at := take(True)) is not None:
            queued[pool.submit(_read_workbook_job, jobs[at])] = at

    def feed(pool) -> None:
        try:
            while queued:
                for future in wait(queued, return_when=FIRST_COMPLETED).done:
                    finished.put((queued.pop(future), future))
                fill(pool)
        except BaseException as e:  # noqa: BLE001 - raised again in this process's thread
            failed.append(e)

    def collect() -> None:
        while not finished.empty():
            at, future = finished.get()
            done(at, future.result())

    with ProcessPoolExecutor(max_workers=helpers) as pool:
        # the first jobs are sent from this thread: with fork, the workers start at the
        # first submit, and must not be forked while another thread of ours runs
        fill(pool)
        feeder = threading.Thread(target=feed, args=(pool,), daemon=True)
        feeder.start()
        try:
            while (at := take(False)) is not None:
                done(at, _read_workbook_job(jobs[at]))
                collect()
        except BaseException:
            # Ctrl+C or a failure here: no more jobs go out, the queued ones are dropped
            with lock:
                ends[0] = ends[1]
            for future in list(queued):
                future.cancel()
            raise
        finally:
            feeder.join()
        collect()
    if failed:
        raise failed[0]
    return results


def _read_workbook_job(job) -> tuple[SourceFile | None, dict[str, PackedFrame], list[Issue]]:
    """Read one workbook and parse its cells, in a worker process when there are many;
    the frames come back packed (packed.py): cheap to send, ready to cache."""
    path, name, specs, cache, profiles = job
    use_python_strings()  # a spawned worker (Windows) did not inherit it
    source, frames, issues = read_workbook(path, name, specs, profiles)
    if source is None:
        return source, {}, issues
    packed, cell_issues = parse_workbook(source, frames, specs)
    # a formula without its result (E006) explains the blank the parser sees there
    formulas = {(i.sheet, i.row, i.column_letter) for i in issues if i.code in ("E006", "E117")}
    issues = issues + [i for i in cell_issues if (i.sheet, i.row, i.column_letter) not in formulas]
    if cache is not None:
        # names only as keyed hashes wherever the cache is used (docs/rules.md, 绝不允许)
        packed = cache.pseudonymise(packed, specs)
        cache.put(source, packed, issues)
    return source, packed, issues


def small_part(path: Path, part: str, limit: int) -> bytes | None:
    """One part of an .xlsx/.xlsm, read whole when it is at most ``limit`` bytes; None
    for another kind of file, a part missing or larger, or a package that cannot be
    read.  What tells this tool's own workbooks apart before any is parsed (the
    hostile-file checks come later, for the workbooks that are read)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(part)
            return z.read(info) if info.file_size <= limit else None
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, RuntimeError):
        return None


def own_output(path: Path) -> bool:
    """Whether ``path`` is a workbook this tool wrote for people (a 底稿, a 问题清单),
    known by the document property it carries (xlsxwrite.py), whatever its name."""
    xml = small_part(path, "docProps/custom.xml", MAX_CUSTOM_PROPERTIES)
    return xml is not None and _OWN_OUTPUT_XML.search(xml) is not None


def read_workbook(
    path: Path, name: str, specs: dict[str, SheetSpec], profiles: tuple[Layout, ...] = ()
) -> tuple[SourceFile | None, dict[str, pd.DataFrame], list[Issue]]:
    """One workbook → its ledger frames.  Problems come back as issues, never raised.
    A workbook whose name a profile matches is read through it (docs/sources.md)."""
    from . import safety

    checked, formula_parts = safety.inspect_workbook(path)
    refused = [replace(i, file=name) for i in checked]
    if refused:
        return None, {}, refused
    if own_output(path):
        # a 底稿 or 问题清单 renamed (「汇报.底稿 (1).xlsx」): its rows would count twice
        return None, {}, [Issue("W203", OWN_OUTPUT, file=name)]
    try:
        digest = _sha256(path)
        wb = _open(path)
    except BaseException as e:  # noqa: BLE001 - any reader failure is a refused file
        if not _reader_failed(e):
            raise
        return None, {}, [_unreadable(name, e)]

    issues: list[Issue] = []
    try:
        sheet_names = [m.name for m in wb.sheets_metadata]
        profile = next((p for p in profiles if p.matches(name)), None)
        if profile is not None:
            return _read_through(profile, wb, path, name, digest, specs, sheet_names, formula_parts)
        chosen: dict[str, str] = {}
        for sheet_name in sheet_names:
            key = _match_sheet(sheet_name, specs)
            if key is None and sheet_name in OWN_SHEETS:
                continue
            if key is None:
                issues.append(
                    Issue(
                        "W202",
                        f"工作表「{sheet_name}」不是台账工作表，已忽略",
                        file=name,
                        sheet=sheet_name,
                    )
                )
            elif key in chosen:
                issues.append(
                    Issue(
                        "E115",
                        f"工作簿中有两个「{specs[key].name}」工作表：「{chosen[key]}」和「{sheet_name}」",
                        file=name,
                        sheet=sheet_name,
                        suggestion="把数据合并到一个工作表中，或删除多余的工作表",
                    )
                )
            else:
                chosen[key] = sheet_name
        if not chosen:
            have = "、".join(f"「{s}」" for s in sheet_names) or "（无）"
            want = "、".join(s.name for s in specs.values())
            issues.append(
                Issue(
                    "E005",
                    f"没有台账工作表。现有工作表：{have}",
                    file=name,
                    suggestion=f"台账工作表应命名为：{want}",
                )
            )
            return None, {}, issues

        # cells the reader gives as blank though they are not: a formula saved without its
        # result (E006) and an error value such as #N/A (E117)
        unreadable = {
            "E006": safety.formula_cells_without_value(path, formula_parts)
            if formula_parts
            else {},
            "E117": safety.error_cells(path, formula_parts) if formula_parts else {},
        }
        unit = unit_of(name)
        # calamine knows merged ranges of .xlsx/.xls only; an .ods names them in its XML
        ods_merges = _ods_merges(path) if path.suffix.lower() == ".ods" else {}
        frames: dict[str, pd.DataFrame] = {}
        letters: dict[str, dict[str, str]] = {}
        for key, sheet_name in chosen.items():
            try:
                sheet = wb.get_sheet_by_name(sheet_name)
                frame, letters[key], sheet_issues = read_sheet(
                    sheet, specs[key], name, sheet_name, unit, ods_merges.get(sheet_name)
                )
            except BaseException as e:  # noqa: BLE001 - a damaged sheet must not stop the others
                if not _reader_failed(e):
                    raise
                issues.append(_unreadable(name, e, sheet=sheet_name))
                continue
            issues.extend(sheet_issues)
            if frame is not None:
                issues.extend(_unreadable_cells(unreadable, frame, letters[key], name, sheet_name))
                frames[key] = frame
        if frames and not any(len(frame.rows) for frame in frames.values()):
            # a blank 台账模板.xlsx renamed after a unit, sent back as it was
            issues.append(
                Issue(
                    "W223",
                    "工作簿的台账工作表中没有任何数据行（只有表头），像是未填写的空白台账模板",
                    file=name,
                    suggestion="如该单位本期确实没有任何记录，可忽略；否则请填写后重新报送",
                )
            )
        source = SourceFile(
            path=path,
            name=name,
            unit=unit,
            sha256=digest,
            sheets=tuple(frames),
            sheet_names={k: chosen[k] for k in frames},
            letters=letters,
            all_sheets=tuple(sheet_names),
        )
        return source, frames, issues
    except BaseException as e:  # noqa: BLE001 - an odd file is refused, and every other file still read
        if not _reader_failed(e):
            raise
        return None, {}, [*issues, _unreadable(name, e)]
    finally:
        wb.close()


def _read_through(profile: Layout, wb, path, name, digest, specs, sheet_names, formula_parts):
    """A workbook in its own layout, read as ledger sheets through its source profile:
    the sheets, rows and letters stay the workbook's own (docs/sources.md)."""
    from . import safety

    ods_merges = _ods_merges(path) if path.suffix.lower() == ".ods" else {}

    def rows_of(sheet_name: str):
        return _sheet_rows(
            wb.get_sheet_by_name(sheet_name), name, sheet_name, ods_merges.get(sheet_name)
        )

    frames, letters, headers, chosen, unit, issues = profile.read(sheet_names, rows_of, name, specs)
    if not frames:
        return None, {}, issues
    unreadable = {
        "E006": safety.formula_cells_without_value(path, formula_parts) if formula_parts else {},
        "E117": safety.error_cells(path, formula_parts) if formula_parts else {},
    }
    for key, frame in frames.items():
        found = _unreadable_cells(unreadable, frame, letters[key], name, chosen[key])
        issues.extend(replace(i, column=headers[key].get(i.column, i.column)) for i in found)
    source = SourceFile(
        path=path,
        name=name,
        unit=unit,
        sha256=digest,
        sheets=tuple(frames),
        sheet_names=chosen,
        letters=letters,
        all_sheets=tuple(sheet_names),
        headers=headers,
    )
    return source, frames, issues


_UNREADABLE_CELL = {
    "E006": (
        "是公式，但文件中没有保存计算结果",
        "用 Excel 或 WPS 打开后保存一次，或把公式改为数值",
    ),
    "E117": ("是错误值（如 #N/A、#DIV/0!），无法当作数据", "改正公式或填写实际数值"),
}


def _unreadable_cells(found: dict, frame: RawSheet, letters: dict[str, str], file: str, sheet: str):
    """Issues for the unreadable cells that lie in a ledger column of a data row."""
    columns = {letter: name for name, letter in letters.items()}
    rows = set(frame.rows.tolist())
    for code, by_sheet in found.items():
        what, fix = _UNREADABLE_CELL[code]
        for ref in by_sheet.get(sheet, []):
            letter = "".join(ch for ch in ref if ch.isalpha()).upper()
            row = int("".join(ch for ch in ref if ch.isdigit()))
            if letter in columns and row in rows:
                yield Issue(
                    code, f"单元格 {ref} {what}", file, sheet, row, columns[letter], letter, fix
                )


def _reader_failed(error: BaseException) -> bool:
    """Whether ``error`` is the reader failing on a file (refused, the other files still
    read) rather than Ctrl+C or an exit.  python-calamine turns a panic of its Rust code
    into pyo3's PanicException, which is no ``Exception``: a file that makes the reader
    panic is refused all the same."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _open(path: Path):
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path))


def _unreadable(name: str, error: Exception, sheet: str = "") -> Issue:
    import python_calamine

    if isinstance(error, python_calamine.PasswordError):
        return Issue(
            "E002",
            "文件已加密，无法读取",
            file=name,
            sheet=sheet,
            suggestion="请提供未设置打开密码的副本",
        )
    return Issue(
        "E001",
        f"文件无法读取（{reason(error)}）",
        file=name,
        sheet=sheet,
        suggestion="用 Excel 或 WPS 打开后另存为 .xlsx 再提交",
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _match_sheet(sheet_name: str, specs: dict[str, SheetSpec]) -> str | None:
    norm = normalise_header(sheet_name)
    for key, spec in specs.items():
        if norm == spec.name:
            return key
    # 「问题线索台账」「2022年谈话台账」 name the same ledger
    for key, spec in specs.items():
        if spec.name in norm:
            return key
    return None


_REVISION_WORDS = "更正|修改|修订|改|终稿|定稿|最终版?|最新|新|补报|重报"
_COPY_MARK = re.compile(
    r"(?:"
    r"\s*[（(【\[]\s*(?:\d+|"
    + _REVISION_WORDS
    + r")(?:稿|版)?\s*\d*\s*[)）】\]]"  # (1) （更正） 【终稿】
    r"|\s*[-_]?\s*副本\s*(?:[（(]?\d+[)）]?)?"  # 副本, - 副本 (2)
    r"|\s*[-_]?\s*[vV]\d+"  # v2, _v2
    # a bare word only after a separator: 「科技创新」 keeps its 新
    r"|(?:\s*[-_]\s*|\s+)(?:" + _REVISION_WORDS + r")(?:稿|版)?\d*"
    r")+$"
)


def unit_of(name: str) -> str:
    """填报单位 from a file name: the stem, without the marks a copy gets
    (「城关镇纪委 (1)」「城关镇纪委 - 副本」)."""
    stem = Path(name).stem
    return _COPY_MARK.sub("", stem) or stem


def read_sheet(sheet, spec: SheetSpec, file: str, sheet_name: str, unit: str, merges=None):
    """One calamine sheet → (its ledger columns and where each row came from, the column
    letters, issues)."""
    rows, issues = _sheet_rows(sheet, file, sheet_name, merges)
    if rows is None:
        return None, {}, issues
    return _ledger_sheet(rows, spec, file, sheet_name, unit)


def _sheet_rows(sheet, file: str, sheet_name: str, merges=None) -> tuple[list | None, list[Issue]]:
    """A sheet's cells as rows, merged ranges spread; None past the size limits (E007)."""
    end_row, end_col = sheet.end if sheet.end else (0, 0)
    if end_row + 1 > MAX_ROWS or end_col + 1 > MAX_COLUMNS:
        return (
            None,
            [
                Issue(
                    "E007",
                    f"工作表声明了 {end_row + 1} 行 × {end_col + 1} 列，超过上限（{MAX_ROWS} 行、{MAX_COLUMNS} 列）",
                    file=file,
                    sheet=sheet_name,
                    suggestion="删除多余的空行空列，或把数据拆到多个工作簿",
                )
            ],
        )
    rows = sheet.to_python(skip_empty_area=False)
    _spread_merges(rows, merges if merges is not None else sheet.merged_cell_ranges or [])
    return rows, []


def _ledger_sheet(rows: list[list], spec: SheetSpec, file: str, sheet_name: str, unit: str):
    """A ledger sheet's rows → (its RawSheet, the column letters, issues): the header
    found, then checked (missing, misspelt and ignored columns, units), then the data rows
    kept and turned into columns."""
    header_at, mapping = _find_header(rows, spec)
    if header_at is None:
        issue = Issue(
            "E114",
            f"前 {HEADER_SCAN_ROWS} 行中没有找到「{spec.name}」的表头行",
            file=file,
            sheet=sheet_name,
            suggestion="表头应包含：" + "、".join(c.name for c in spec.columns),
        )
        return None, {}, [issue]
    header = rows[header_at]
    at = {"file": file, "sheet": sheet_name, "row": header_at + 1}  # the header row
    seen_headers = {normalise_header(v): i for i, v in enumerate(header) if str(v).strip()}
    issues = _missing_columns(spec, mapping, seen_headers, at)
    misspelt, suspected = _other_headers(header, spec, mapping, at)
    issues += misspelt + _column_notes(header, spec, mapping, suspected, at)
    unit_index = seen_headers.get(UNIT_COLUMN)
    ledger_columns = sorted({*mapping.values(), *([unit_index] if unit_index is not None else [])})
    kept, excel_rows, skipped = _data_rows(rows, header_at, ledger_columns, file, sheet_name)
    frame = _raw_sheet(kept, excel_rows, spec, mapping, unit, unit_index, file, sheet_name)
    letters = {name: column_letter(i) for name, i in mapping.items()}
    return frame, letters, issues + skipped


def _missing_columns(
    spec: SheetSpec, mapping: dict[str, int], seen_headers: dict[str, int], at: dict
) -> list[Issue]:
    """E101: a required column the header lacks, with the header it may be misspelt as."""
    from difflib import get_close_matches  # for near names only: not in every run's imports

    issues = []
    for col in (c for c in spec.columns if c.required and c.name not in mapping):
        unknown = [h for h in seen_headers if h not in mapping.values() and h]
        near = get_close_matches(col.name, unknown, n=1, cutoff=0.5)
        issues.append(
            Issue(
                "E101",
                f"缺少必填列「{col.name}」",
                **at,
                column=col.name,
                suggestion=(
                    f"表头「{near[0]}」是否应为「{col.name}」？"
                    if near
                    else f"在表头行添加「{col.name}」列"
                ),
            )
        )
    return issues


def _other_headers(
    header: list, spec: SheetSpec, mapping: dict[str, int], at: dict
) -> tuple[list[Issue], set[str]]:
    """The headers that are no ledger column: W206 (ignored), or E116 when one looks like
    an optional column spelt otherwise, which would leave that column silently empty.
    Also returns the optional columns an E116 points at."""
    from difflib import get_close_matches

    optional = {
        spelling: c.name
        for c in spec.columns
        if not c.required and c.name not in mapping
        for spelling in (c.name, *c.aliases)
    }
    used = set(mapping.values())
    issues, suspected = [], set()
    for j, cell in enumerate(header):
        h = normalise_header(cell) if isinstance(cell, str) else ""
        if not h or j in used or h in EXTRA_COLUMNS:
            continue
        near = [optional[n] for n in get_close_matches(h, list(optional), n=1, cutoff=0.6)]
        place = {**at, "column": h, "column_letter": column_letter(j)}
        if not near:
            issues.append(
                Issue(
                    "W206",
                    f"列「{h}」不是台账列，已忽略",
                    **place,
                    suggestion="如该列应计入统计，请把表头改为台账的列名（见台账模板）",
                )
            )
        else:
            suspected.add(near[0])
            issues.append(
                Issue(
                    "E116",
                    f"表头「{h}」无法识别，可能是「{near[0]}」列，该列将被当作空白",
                    **place,
                    suggestion=f"如是，请把表头改为「{near[0]}」；如不是，请换一个不易混淆的列名",
                )
            )
    return issues, suspected


def _column_notes(
    header: list, spec: SheetSpec, mapping: dict[str, int], suspected: set[str], at: dict
) -> list[Issue]:
    """E134: a header stating another unit than the column's (元 for 万元); W207: an
    optional column the sheet lacks, every row at its default."""
    issues = []
    for col in spec.columns:
        stated = _unit_note(header[mapping[col.name]]) if col.name in mapping else ""
        if col.unit_note and stated and stated != col.unit_note:
            # 挽回经济损失（元） read as 万元 would be ten thousand times too much (docs/figures.md)
            issues.append(
                Issue(
                    "E134",
                    f"「{col.name}」的单位应为{col.unit_note}，表头写的是「{stated}」",
                    **at,
                    column=col.name,
                    column_letter=column_letter(mapping[col.name]),
                    suggestion=f"把金额换算为{col.unit_note}，表头改为「{col.name}」",
                )
            )
        # a bulletin column is kept by some departments only: the build names them (W230)
        if col.partial:
            continue
        if not col.required and col.counted and col.name not in mapping.keys() | suspected:
            issues.append(
                Issue(
                    "W207",
                    f"没有「{col.name}」列，每一行都按此项空白（默认值）统计",
                    **at,
                    column=col.name,
                    suggestion=f"如有此项数据，请加上「{col.name}」列",
                )
            )
    return issues


def _data_rows(
    rows: list[list], header_at: int, ledger_columns: list[int], file: str, sheet_name: str
) -> tuple[list[list], list[int], list[Issue]]:
    """The rows below the header that hold ledger data, with their Excel row numbers;
    blank rows and a 序号 with nothing else are passed over, a 合计 row is skipped (W201)."""
    issues: list[Issue] = []
    kept: list[list] = []
    excel_rows: list[int] = []
    in_ledger = set(ledger_columns)
    # the usual row has its first cell filled, and a filled first ledger column: looked at
    # directly, the rest through _first_value (benchmarks/README.md, 读取)
    lead = ledger_columns[0] if ledger_columns else 0
    for offset, row in enumerate(rows[header_at + 1 :]):
        first = row[0] if row else None
        if not _filled(first):
            at, first = _first_value(row)
            if first is None:
                continue
        else:
            at = 0
        excel_row = header_at + 2 + offset
        if type(first) is str and TOTAL_MARK in first and "".join(first.split()) in TOTAL_WORDS:
            # a 合计 row is never counted (docs/rules.md, 绝不允许)
            issues.append(
                Issue(
                    "W201",
                    f"跳过合计行（「{first.strip()}」），不计入统计",
                    file=file,
                    sheet=sheet_name,
                    row=excel_row,
                )
            )
            continue
        if (
            at not in in_ledger
            and not (lead < len(row) and _filled(row[lead]))
            and _first_value([row[j] for j in ledger_columns if j < len(row)])[1] is None
        ):
            continue  # a 序号 with nothing else: an empty row of a pre-numbered sheet
        kept.append(row)
        excel_rows.append(excel_row)
    return kept, excel_rows, issues


def _raw_sheet(
    kept: list[list],
    excel_rows: list[int],
    spec: SheetSpec,
    mapping: dict[str, int],
    unit: str,
    unit_index: int | None,
    file: str,
    sheet_name: str,
) -> RawSheet:
    """The kept rows turned into the ledger's columns once (a short row is blank to its
    right), each row with its 填报单位."""
    by_column = list(zip_longest(*kept)) if kept else []
    cells = {}
    for col in spec.columns:
        at = mapping.get(col.name)
        cells[col.name] = np.empty(len(kept), dtype=object)
        if at is not None and at < len(by_column):
            cells[col.name][:] = by_column[at]
    # a 填报单位 column names the unit row by row; blank cells fall back to the file stem
    units = unit if unit_index is None else [_text_or(_cell(r, unit_index), unit) for r in kept]
    return RawSheet(file, sheet_name, np.asarray(excel_rows, dtype=np.int64), units, cells)


def _unit_note(header) -> str:
    """The unit a header states in brackets at its end (挽回经济损失（万元） → 万元)."""
    text = "".join(str(header or "").split())
    found = re.search(r"[（(]([^（）()]*)[)）]$", text)
    return found[1] if found else ""


def _filled(v) -> bool:
    """Whether a cell holds something: not None, not empty, not only spaces."""
    return not (v is None or v == "" or (isinstance(v, str) and not v.strip()))


def _first_value(row: list) -> tuple[int, object]:
    """(index, value) of the first non-empty cell of a row; (-1, None) for a blank row."""
    for i, v in enumerate(row):
        if _filled(v):
            return i, v
    return -1, None


def _cell(row: list, idx: int | None):
    if idx is None or idx >= len(row):
        return None
    v = row[idx]
    return None if v == "" else v


def _text_or(value, default: str) -> str:
    text = str(value).strip() if value is not None else ""
    return text or default


_ODS = {
    "table": "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}",
}


def _ods_merges(path: Path) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Merged ranges of every table of an .ods, as calamine gives them for .xlsx."""
    import zipfile

    from defusedxml.ElementTree import iterparse

    from .safety import _count

    t = _ODS["table"]
    merges: dict[str, list] = {}
    row = col = 0
    name = ""
    with zipfile.ZipFile(path) as z, z.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{t}table":
                    name, row = el.get(f"{t}name", ""), 0
                    merges.setdefault(name, [])
                elif tag == f"{t}table-row":
                    col = 0
                elif tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                    down = _count(el.get(f"{t}number-rows-spanned"))
                    across = _count(el.get(f"{t}number-columns-spanned"))
                    if down > 1 or across > 1:
                        merges[name].append(((row, col), (row + down - 1, col + across - 1)))
                    col += _count(el.get(f"{t}number-columns-repeated"))
            elif tag == f"{t}table-row":
                row += _count(el.get(f"{t}number-rows-repeated"))
                el.clear()  # rows are done with: memory stays bounded on a large sheet
    return merges


def _spread_merges(rows: list[list], merges) -> None:
    """A merged range's value applies to every cell it covers (docs/rules.md, 输入约定)."""
    for (r0, c0), (r1, c1) in merges:
        if r0 >= len(rows) or (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            continue
        row0 = rows[r0]
        value = row0[c0] if c0 < len(row0) else ""
        for r in range(r0, r1 + 1):
            while r >= len(rows):
                rows.append([])
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


def _find_header(rows: list[list], spec: SheetSpec) -> tuple[int | None, dict[str, int]]:
    """The first row (of the first 10) that holds the sheet's known columns."""
    names = {c.name: c for c in spec.columns}
    aliases = {a: c.name for c in spec.columns for a in c.aliases}
    need = min(2, len(spec.required))
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        for j, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            h = normalise_header(cell)
            canonical = h if h in names else aliases.get(h)
            if canonical and canonical not in mapping:
                mapping[canonical] = j
        if len(mapping) >= max(need, 1) and (len(mapping) >= 2 or len(names) == 1):
            return i, mapping
    return None, {}
