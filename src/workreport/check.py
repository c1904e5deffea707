"""``check``: what must be fixed before a draft goes to a leader or up the line.

Must fix (docs/drafts.md): 【待补充】 and 【请填写】 placeholders and the organisation's
placeholder in what the draft shows, tracked changes, comments, ID numbers, mobile
numbers and names from the ledgers anywhere in the package, figures of only some units
not accepted, a signing date before the period's end.  Worth a look: zeros in the
prose, figures typed by hand that differ from the ledgers, figures of only some units
the analyst accepted, the number of the 案管室's warnings on the ledgers (C326).  A
name is never printed: only where it is and the ledger row it comes from (docs/rules.md,
绝不允许).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from .config import PLACEHOLDER_PATTERN, Config
from .errors import InvalidData, Issue, UsageError
from .load import Progress
from .period import Period
from .run import Request, Run

MUST_FIX = frozenset(
    {"C301", "C302", "C303", "C304", "C305", "C306", "C307", "C308", "C309", "C310", "C311"}
)

_PLACEHOLDERS = ("【待补充", "【请填写")
# the organisation's placeholder as init writes it and the sample keeps it (docs/drafts.md)
_ORGANISATION = PLACEHOLDER_PATTERN
# numbers as people type them: full-width digits read as digits (one character for one,
# so places stay), a space, a full-width space or a dash between digits (138 0013 8000)
_HALF_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－", "0123456789Xx+-")
_GAP = "[ \u3000-]?"
# a mobile number: 1, then 3–9, then 9 digits, with no digit on either side; +86 before it
_MOBILE = re.compile(
    rf"(?<![0-9])(?<![0-9][ \u3000-])(?:\+?86{_GAP})?1{_GAP}[3-9](?:{_GAP}\d){{9}}"
    r"(?![ \u3000-]?[0-9])"
)
# an ID number candidate: 17 digits and a digit or X, not part of a longer code
_ID = re.compile(
    rf"(?<![0-9A-Za-z])(?<![0-9][ \u3000-])\d(?:{_GAP}\d){{16}}{_GAP}[0-9Xx]"
    r"(?![ \u3000-]?[0-9A-Za-z])"
)
_GAPS = re.compile("[ \u3000-]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# a zero counted in the prose («查处0件»): docs/templates.md (为 0 的内容)
_ZERO = re.compile(r"(?<![\d.])0\s*(?:人次|件次|件|人|次|个|份|家|起|条|项|名|篇|场|批|户)")
_SIGNED = re.compile(r"\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*")


@dataclass(frozen=True)
class Finding:
    """One thing found: its code, where it is in the draft, what it is, and for a
    name the ledger row it comes from (never the name itself)."""

    code: str
    place: str
    message: str
    source: str = ""

    @property
    def must_fix(self) -> bool:
        return self.code in MUST_FIX


@dataclass(kw_only=True)
class CheckResult:
    draft: Path
    findings: list[Finding]
    names_checked: bool  # False: no ledgers given, the name check did not run
    period: Period | None = None
    issues: list[Issue] = field(default_factory=list)  # W285: the project file's warnings

    @property
    def must_fix(self) -> list[Finding]:
        return [f for f in self.findings if f.must_fix]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.must_fix]

    def as_json(self) -> dict:
        return {
            "draft": str(self.draft),
            "names_checked": self.names_checked,
            "must_fix": [asdict(f) for f in self.must_fix],
            "warnings": [asdict(f) for f in self.warnings],
        }


def check_draft(
    path: str | Path,
    paths: list[str | Path] = (),
    *,
    period: str | Period | None = None,
    config: Config | str | Path | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Check the draft at ``path`` before it is sent; with ``paths`` (the ledgers) also
    for names from the ledgers and figures typed by hand that differ from them.

    The names are always read in clear from the ledgers, never through the cache, whose
    names are keyed hashes (cache.py): there is no way to ask for the cache here."""
    from .audit import out_of_step
    from .draft import Draft

    path, paths = Path(path), [Path(p) for p in paths]
    if not path.is_file():
        raise UsageError(f"稿件不存在：{path}")
    draft = Draft.open(path, purpose="，无法检查")
    # without ledgers no workreport.toml is read: the period is the option's or the draft's
    run = Run.open(
        paths,
        config=config if config is not None or paths else Config(),
        request=Request.of(period=period),
        progress=progress,
        draft=draft.stamp,
    )
    period = run.period

    shown = draft.visible()  # placeholders: what a reader sees, never the tool's properties
    findings = [
        Finding("C301", place, f"{mark}】占位未补")
        for place, text in shown
        for mark in _PLACEHOLDERS
        if mark in text
    ]
    findings += [
        Finding("C309", place, f"单位名称仍是占位的「{match.group()}」")
        for place, text in shown
        for match in _ORGANISATION.finditer(text)
    ]
    # the tool never opens a connection, nor lets LibreOffice open one for it (final.py)
    findings += [
        Finding("C310", place, f"有{what}，打开或转换时会访问外部地址（报送稿中将去掉）")
        for place, what in draft.external_links()
    ]
    # a 底稿 sent with the draft must be the one written with it (docs/drafts.md)
    if (audit := out_of_step(path, draft.pairing())) is not None:
        findings.append(
            Finding(
                "C311",
                audit.name,
                "数据底稿不是与这份稿件一起生成的（可能生成时被中断，或从别处复制）："
                f"请运行 workreport refresh {path.name} 收文/ 重新生成",
            )
        )
    texts = draft.texts()
    if revisions := draft.revisions():
        findings.append(Finding("C302", "全文", f"还有 {revisions} 处修订未接受或拒绝"))
    if comments := draft.comments():
        findings.append(Finding("C303", "全文", f"还有 {comments} 条批注未删除"))
    for place, text in texts:
        text = text.translate(_HALF_WIDTH)
        for match in _ID.finditer(text):
            if id_number_valid(_GAPS.sub("", match.group())):
                findings.append(Finding("C304", place, "有身份证号码"))
        for _ in _MOBILE.finditer(text):
            findings.append(Finding("C305", place, "有手机号码"))

    issues = list(run.issues)
    stats = None
    if paths:
        run.require_period()
        # names are checked in every ledger that could be read, even when some row has an
        # error; the figures only from ledgers without one (docs/drafts.md, W221)
        findings += _names(texts, run.loaded(clear_names=True).frames)
        findings += _cross(run.validation().issues)
        try:
            stats = run.stats(clear_names=True)
        except InvalidData as e:
            errors = sum(1 for i in e.issues if i.is_error)
            issues.append(
                Issue(
                    "W221",
                    f"台账有 {errors} 处错误（可用 workreport validate 查看）：人名已按读得出的台账检查，"
                    "手工输入的数字和只统计了部分单位的指标未按台账核对（按稿件自身的记录）",
                )
            )
    if stats is not None:
        findings += _typed(draft, run, stats)
        # the ledgers say which figures are partial now; the project which are accepted
        partial, accepted = stats.partial, run.config.partial_ok
    else:
        # the draft's own record (docs/drafts.md); a --config given may accept more
        partial = draft.stamp.partial
        accepted = set(draft.stamp.accepted) | run.config.partial_ok
    findings += _partial(draft, partial, accepted, run.labels())
    findings += _default_text(draft)
    findings += _zeros(texts)
    findings += _signed_early(draft, period)
    order = {code: n for n, code in enumerate(sorted({f.code for f in findings}))}
    findings.sort(key=lambda f: order[f.code])  # stable: places stay in document order
    return CheckResult(
        draft=path, findings=findings, names_checked=bool(paths), period=period, issues=issues
    )


def id_number_valid(number: str) -> bool:
    """An 18-character ID number whose check digit is right (GB 11643-1999): the
    weighted sum of the first 17 digits mod 11 picks the last character."""
    if not re.fullmatch(r"\d{17}[0-9Xx]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number, _ID_WEIGHTS, strict=False))
    return "10X98765432"[total % 11] == number[-1].upper()


def _names(texts, frames) -> list[Finding]:
    """C306: a name from the ledgers, as people write it: spaces (ASCII or full-width)
    between its characters too (董　某亥, 王 伟)."""
    from .ledgers import FILE, ROW, SHEET

    findings = []
    names: dict[str, list[str]] = {}  # name → the ledger rows it comes from
    for frame in frames.values():
        for column in ("被反映人", "姓名"):
            if column not in frame.columns:
                continue
            for value, file, sheet, row in zip(
                frame[column], frame[FILE], frame[SHEET], frame[ROW], strict=True
            ):
                name = str(value).strip() if isinstance(value, str) else ""
                if len(name) >= 2:
                    names.setdefault(name, []).append(f"{file} / {sheet} / 第{row}行（{column}）")
    if names:
        # longest first, so that 张三丰 is one name and not 张三 plus 丰
        pattern = re.compile(
            "|".join(
                r"\s*".join(map(re.escape, name)) for name in sorted(names, key=len, reverse=True)
            )
        )
        for place, text in texts:
            for match in pattern.finditer(text):
                rows = names[re.sub(r"\s", "", match.group())]
                more = f" 等 {len(rows)} 处" if len(rows) > 1 else ""
                findings.append(Finding("C306", place, "有台账中的人名", rows[0] + more))
    return findings


def _cross(issues: list[Issue]) -> list[Finding]:
    """C326: the number of the 案管室's warnings on the ledgers (W240–W244), worth a look
    before the draft goes up: validate lists where each one is (docs/rules.md, 交叉核对)."""
    from .crossrules import CROSS_CODES

    counts: dict[str, int] = {}
    for issue in issues:
        if issue.code in CROSS_CODES and not issue.is_error:
            counts[issue.code] = counts.get(issue.code, 0) + 1
    if not counts:
        return []
    each = "、".join(f"{code} {n} 处" for code, n in sorted(counts.items()))
    message = (
        f"台账有 {sum(counts.values())} 处案管室交叉核对的警告（{each}），"
        "可用 workreport validate 查看位置"
    )
    return [Finding("C326", "台账", message)]


def _typed(draft, run: Run, stats) -> list[Finding]:
    """C322: a figure typed by hand that differs from what the ledgers give."""
    from .diff import figure_like, typed_by_hand, typed_text
    from .render.document import FIGURE
    from .render.values import lookup

    findings = []
    context = run.context(stats)
    labels = run.labels()
    for (tag, _), (shown, _, where) in typed_by_hand(draft).items():
        fig = lookup(context, tag) if tag.kind == FIGURE else None  # the date has C308
        if fig is None:
            continue
        computed, _ = fig.text(tag.format)
        if shown != computed:
            label = labels.get(tag.id, tag.id)
            # what a person typed is shown only when it reads as a figure: it may hold a name
            typed = f"为「{shown}」" if figure_like(shown) else typed_text(shown, where)
            findings.append(
                Finding(
                    "C322", f"指标 {tag.id}（{label}）", f"稿中{typed}，台账计算为「{computed}」"
                )
            )
    return findings


def _partial(draft, partial: dict, accepted: set[str], labels: dict) -> list[Finding]:
    """C307 (must fix) for each figure of only some units the draft shows, C325 (worth a
    look) once the analyst accepted it in ``[figures] partial_ok`` (docs/figures.md)."""
    found = []
    seen = set()
    for slot in draft.slots():
        for fid in sorted(slot.tag.figures() & set(partial) - seen):
            seen.add(fid)
            units = "、".join(partial[fid])
            place = f"指标 {fid}（{labels.get(fid, fid)}）"
            if fid in accepted:
                message = f"只统计了部分单位（已在 [figures] partial_ok 中接受），未报送：{units}"
                found.append(Finding("C325", place, message))
            else:
                message = (
                    f"只统计了部分单位，未报送：{units}（补报后 refresh，"
                    "或在 workreport.toml 的 [figures] partial_ok 中接受）"
                )
                found.append(Finding("C307", place, message))
    return found


def _default_text(draft) -> list[Finding]:
    """C324: paragraphs still as the shipped default set writes them, figures aside; a
    prompt's paragraph is C301's (docs/drafts.md)."""
    from .draft import skeleton_digest
    from .run import text_opening

    defaults = set(draft.stamp.defaults)
    if not defaults:
        return []  # a draft of an earlier version records none
    return [
        Finding(
            "C324", place, f"「{text_opening(text)}」仍是默认模板的原文，请结合本单位实际修改或确认"
        )
        for place, text, skeleton in draft.skeletons()
        if skeleton_digest(skeleton) in defaults and not any(m in text for m in _PLACEHOLDERS)
    ]


def _zeros(texts) -> list[Finding]:
    found = []
    for place, text in texts:
        if place.startswith("正文第") and "表格" not in place:
            for match in _ZERO.finditer(text):
                # only the zero and its unit: the words around it might hold a name
                found.append(Finding("C321", place, f"正文中出现数字 0（「{match.group()}」）"))
    return found


def _signed_early(draft, period: Period | None) -> list[Finding]:
    if period is None:
        return []
    for text in draft.paragraphs():
        match = _SIGNED.fullmatch(text)
        if match:
            signed = date(*map(int, match.groups()))
            if signed < period.end:
                return [
                    Finding(
                        "C308",
                        "落款",
                        f"落款日期 {signed.isoformat()} 早于统计期间结束日 {period.end.isoformat()}",
                    )
                ]
            return []
    return []
