"""docs/figures.md, the figure handbook, generated from the registry and the ledger specs.

``python tools/make_docs.py`` writes it; ``tests/test_docs.py`` regenerates it in
memory and fails when the committed file differs, so the handbook can never
drift from the code.  Only the stable public surface is read: the default
:class:`~workreport.config.Config`, :func:`~workreport.ledgers.ledger_specs`,
:data:`~workreport.figures.FIGURES`, :func:`~workreport.figures.figure_ids` and
:func:`~workreport.figures.figure_labels`.  The output depends on nothing but
them (no dates, no paths), so it is the same on every machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # figures pulls in pandas: imported inside figure_handbook only
    from .config import Config

HANDBOOK_PATH = "docs/figures.md"
REGENERATE = "python tools/make_docs.py"

KIND_NAMES = {
    "text": "文字 text",
    "date": "日期 date",
    "enum": "枚举 enum",
    "bool": "是/否 yes/no",
    "int": "整数 integer",
    "number": "数字 number",
}
INLINE_CHOICES = 8  # longer enum lists are printed below the column table


def figure_handbook(config: Config) -> str:
    """The Markdown text of docs/figures.md for ``config`` (the package defaults in the repo)."""
    from .figures import FIGURES, figure_ids, figure_labels
    from .ledgers import ledger_specs

    specs = ledger_specs(config)
    ids = figure_ids(config)
    _, groups = figure_labels(config)
    by_id = {f.id: f for f in FIGURES}
    sheet_names = {key: spec.name for key, spec in specs.items()}

    out: list[str] = [
        f"<!-- 本文件由 `{REGENERATE}` 生成，请勿手工修改。"
        " Generated from src/workreport/figures.py, ledgers.py and defaults.toml;"
        " tests/test_docs.py fails when it is stale. -->",
        "",
        "# 指标与台账手册 · Figure handbook",
        "",
        "本手册列出全部指标（标识、名称、单位、口径）和各张台账的全部列，内容取自程序本身"
        "（指标登记表 `FIGURES`、台账定义 `ledger_specs` 和默认配置 `defaults.toml`），"
        "与 `workreport stats --list`、`workreport template` 生成的空白台账一致。"
        "计数规则（按行自身日期、首尾两天都算、缺少数据不是 0、同比）见 [rules.md](rules.md)；"
        "模板中如何引用指标见 [templates.md](templates.md)。",
        "",
        "*Generated from the figure registry and the ledger specs with the package defaults."
        " A project's `workreport.toml` can add 监督活动 types, change their units and move"
        " 处理方式 between 形态; `workreport stats --list` shows the figures of a project.*",
        "",
        "## 指标 · Figures",
        "",
        "模板中用「标识」引用指标，如 `{{ clues }}`；分组指标的每一类用 `标识.分类` 引用，"
        "如 `{{ activities.走访单位 }}`（见下文[分组指标](#分组指标--grouped-figures)）。"
        "「计数依据」是统计期间内必须落入的那一列日期。",
        "",
        "| 标识 id | 名称 label | 单位 unit | 口径 | 台账 sheet | 计数依据 date |",
        "|---|---|---|---|---|---|",
    ]
    for fid, label, unit, basis in ids:
        if "." in fid:
            continue  # categories are listed with their group below
        figure = by_id.get(fid)
        if figure is not None:
            sheet, dated = sheet_names[figure.sheet], figure.dated_by(config)
        else:  # forms_shares: derived from forms_1 … forms_4
            sheet, dated = sheet_names[by_id["forms_1"].sheet], by_id["forms_1"].dated_by(config)
        shown = f"`{fid}`" + ("（分组）" if fid in groups else "")
        out.append(
            f"| {shown} | {_cell(label)} | {_cell(unit)} | {_cell(basis)} | {sheet} | {dated} |"
        )

    out += [
        "",
        "## 分组指标 · Grouped figures",
        "",
        "分组指标按类别给出数值，每个类别都列出（为 0 的也列出）。"
        '模板中写 `标识.分类` 或 `标识["分类"]`；`stats --format json` 中是以类别为键的对象。'
        "类别取自默认配置；项目的 `workreport.toml` 可增加监督活动类型。",
        "",
    ]
    units = {fid: unit for fid, _, unit, _ in ids}
    labels = {fid: label for fid, label, _, _ in ids}
    # in the order of the figure list above (figure_labels puts forms_shares first)
    for gid in (fid for fid, _, _, _ in ids if fid in groups):
        categories = groups[gid]
        out += [
            f"### `{gid}` {labels[gid]}",
            "",
            "| 标识 id | 名称 label | 单位 unit |",
            "|---|---|---|",
        ]
        for cat in categories:
            key = f"{gid}.{cat}"
            out.append(f"| `{key}` | {_cell(labels[key])} | {_cell(units[key])} |")
        out.append("")

    out += [
        "## 四种形态 · counted in 人次",
        "",
        "按中央纪委国家监委通报的口径，四种形态按**人次**统计，各形态不重不漏：一人在一件问题线索中计 1 人次"
        "（线索编号＋姓名；没有线索编号的，同一工作簿中同一姓名、同一处理日期的各条记录为一件）。统计期间内"
        "一个人次有几条处分处理记录，只计一次，按其中**最重**的形态（第四种 > 第三种 > 第二种 > 第一种）计入；"
        "任一条记录标为一把手或领导班子成员的，计入 `top_forms_1`。例：同一线索同一人 党纪警告＋政务警告，"
        "是第二种形态 1 人次；开除党籍＋开除公职＋移送检察机关，是第四种形态 1 人次。"
        "一个人次计入决定其形态的那条记录所在的填报单位。数据底稿「处分处理」表的「人次序号」列标出"
        "每条记录并入的人次（R1、R2 …）。E111 仍逐条检查形态与处理方式是否相符。",
        "",
        '项目的 `workreport.toml` 中写 `[report] forms_count = "处理"`，则按原来的本地做法每条处分处理记录计 1 人次；'
        "`stats --list` 和数据底稿的口径随之写明。",
        "",
        "## 处理方式与形态 · 处理方式 → 形态",
        "",
        "「处分处理」台账的「形态」必须与「处理方式」相符（E111）。默认对应关系如下，"
        "项目的 `workreport.toml` 的 `[forms]` 可把某种处理方式改归另一种形态。",
        "",
        "| 形态 | 处理方式 |",
        "|---|---|",
    ]
    forms: dict[str, list[str]] = {}
    for measure, form in config.forms.items():
        forms.setdefault(form, []).append(measure)
    for form, measures in forms.items():
        out.append(f"| {form} | {'、'.join(measures)} |")
    out += [
        "",
        "计入 `party_sanctioned_persons`（党纪处分）的处理方式："
        + "、".join(_in_order(config.party_sanctions, config.forms))
        + "。",
        "",
        "计入 `gov_sanctioned_persons`（政务处分）的处理方式："
        + "、".join(_in_order(config.gov_sanctions, config.forms))
        + "。",
        "",
        "`sanctioned_persons`（党纪政务处分）计入两者之一的人，同一人（线索编号＋姓名）只计一次。",
        "",
        "## 通报口径与部分单位报送的列 · Bulletin figures and partial columns",
        "",
        "中央纪委国家监委通报中的指标（处置问题线索、留置、移送检察机关、挽回经济损失、处分人员按职级、"
        "处分非中共党员公职人员、主动投案）来自下列**选填列**："
        + "、".join(
            f"{spec.name}「{c.name}」" for spec in specs.values() for c in spec.columns if c.partial
        )
        + "。一个工作簿**报送**某列，是指它的台账工作表有这一列、且至少有一个单元格不是空白。"
        "这些指标只统计报送了相应列的单位：其他单位在按单位统计中为 `null`（「—」），"
        "这样的指标是**部分单位**的数字：`stats` 以 W230 警告列出每个这样的列和未报送的单位，`build`、`refresh` "
        "只为稿中用到的指标警告；稿中这样的数字高亮显示，`check` 列为必须修改（C307），`final` 不生成，"
        "直到各单位补报该列，或在 `workreport.toml` 的 `[figures] partial_ok` 中接受它"
        "（接受后正常显示，`check` 列为值得一看，C325）；"
        "没有任何单位报送时指标为缺少数据（`null`、【待补充】），而不是 0。"
        "在报送该列的工作簿中，空白的是/否按「否」、空白的职级按「未填」、空白的日期和金额不计。"
        "同比的规则与其他指标相同，并按列判断：本期报送该列的每个单位上年同期的行也须填了这一列。",
        "",
        "- 同一人（线索编号＋姓名）在各台账中填了两个不同的职级是错误（E132），"
        "某一行职级空白时取此人其他行所填的职级，所以一人只按一个职级计一次。",
        "- 政治面貌为非中共党员而受到党纪处分是错误（E133）。",
        "- 处置日期须有处置方式、不早于受理日期（E130）；留置日期、移送检察机关日期须有立案日期、"
        "不早于立案日期（E131）；挽回经济损失以万元计，表头写了其他单位（如「（元）」）是错误（E134），"
        "填在没有结案日期的行上不计入并警告（W231）。",
        "",
        "## 八项规定、专项 · 八项规定 and 专项",
        "",
        "八项规定的三个指标（`eight_rules_problems` 查处问题X起、`eight_rules_persons` 批评教育帮助和处理X人、"
        "`eight_rules_sanctioned` 其中党纪政务处分X人）统计处理日期在统计期间内的处分处理行，"
        "按该行线索编号对应的问题线索的「问题类别」归类：类别在 `[categories] eight_rules` 中"
        "（默认 违反中央八项规定精神、形式主义官僚主义，与中央纪委国家监委每月通报的口径相同）的计入。"
        "一条线索计一起，同一人（线索编号＋姓名）计一人；没有线索编号的处分处理行不计入。"
        "只统计问题线索台账报送了「问题类别」列的单位（W230），没有任何单位报送时为缺少数据。",
        "",
        "每张台账都可以有选填的「专项」列：属于某项专项工作（如 群众身边不正之风和腐败问题集中整治）的行填写专项名称，"
        "名称须先在 `workreport.toml` 中列出：",
        "",
        "```toml",
        "[special]",
        'names = ["群众身边不正之风和腐败问题集中整治", "乡村振兴领域专项监督"]',
        "```",
        "",
        '`workreport stats 收文 --special 名称` 和模板中的 `special["名称"]` 给出只统计该专项各行的全部指标。'
        "一行属于哪个专项只看它自己的「专项」单元格：处分处理行不随其线索归入专项。"
        "某张台账有单位报送了「专项」列、但没有一行是该专项时，相应指标是真实的 0；"
        "没有任何单位在某张台账上报送「专项」列时，这张台账的指标在专项中为缺少数据（【待补充】），而不是 0。"
        "默认没有专项；台账中填了未列出的专项名称是错误（E104），并提示最接近的名称。",
        "",
        "## 台账列 · Ledger columns",
        "",
        "每个工作簿可包含下列台账工作表中的任意几张。列名可带空格、换行或单位注释"
        "（如「人数（人）」），「别名」一栏中的表头也按该列读取。"
        "「个人信息」列只用于去重计数，不会出现在报告、数据底稿、日志或终端输出中。"
        "读表规则见 [rules.md](rules.md#输入约定--input-contract)。",
        "",
    ]
    for key, spec in specs.items():
        out += [
            f"### {spec.name}（`{key}`）",
            "",
            f"{spec.note}。" if spec.note else "",
            "",
            f"- 计数依据日期列 · date column: **{spec.date_column}**",
            f"- 必填列 · required: {'、'.join(spec.required) or '无'}",
            "",
            "| 列名 column | 类型 type | 必填 | 可选值 choices | 默认值 default | 最小值 min"
            " | 别名 aliases | 说明 notes | 个人信息 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        long_lists = []
        for col in spec.columns:
            if len(col.choices) > INLINE_CHOICES:
                choices = f"见下方（{len(col.choices)} 项）"
                long_lists.append(col)
            else:
                choices = "、".join(col.choices)
            note = col.note
            if col.identifier:
                note += (
                    "（比对时忽略空格及全角/半角差异）" if note else "比对时忽略空格及全角/半角差异"
                )
            out.append(
                "| "
                + " | ".join(
                    (
                        col.name,
                        KIND_NAMES.get(col.kind, col.kind),
                        "是" if col.required else "",
                        choices,
                        _default(col.default),
                        "" if col.minimum is None else f"{col.minimum:g}",
                        "、".join(col.aliases),
                        _cell(note + _readings(col)),
                        "是" if col.personal else "",
                    )
                )
                + " |"
            )
        for col in long_lists:
            out += [
                "",
                f"「{col.name}」可选值（{len(col.choices)} 项）：{'、'.join(col.choices)}。",
            ]
        out.append("")
    return "\n".join(line for line in _squeeze(out)) + "\n"


def _readings(col) -> str:
    if not col.readings:
        return ""
    return "。也按所指读取：" + "，".join(f"{a} → {b}" for a, b in col.readings)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _in_order(names, forms: dict[str, str]) -> list[str]:
    """``names`` in the order of the 形态 mapping, so the text never depends on set order."""
    order = {m: i for i, m in enumerate(forms)}
    return sorted(names, key=lambda m: (order.get(m, len(order)), m))


def _squeeze(lines: list[str]):
    """Drop repeated blank lines (a sheet without a note leaves one)."""
    blank = False
    for line in lines:
        if line == "" and blank:
            continue
        blank = line == ""
        yield line


# docs/rules.md's list of the 案管室's checks is written between these two lines
RULES_PATH = "docs/rules.md"
CROSS_BEGIN = "<!-- cross-rules: generated by `python tools/make_docs.py` -->"
CROSS_END = "<!-- /cross-rules -->"


def cross_rules_table(config: Config) -> str:
    """The 案管室's checks as docs/rules.md lists them: one row per rule of
    ``ledgers.CROSS_RULES``, the very declarations the validator evaluates."""
    from .errors import CODES
    from .ledgers import CROSS_RULES, ledger_specs

    specs = ledger_specs(config)
    lines = [
        CROSS_BEGIN,
        "| 代码 | 含义 | 标在（台账 / 列） | 关系 | 针对的行 | 期限 `[checks]` |",
        "|---|---|---|---|---|---|",
    ]
    for rule in CROSS_RULES:
        where = "；".join(str(w) for w in rule.where) or "全部"
        days = f"`{rule.threshold}` = {config.checks[rule.threshold]} 天" if rule.threshold else "—"
        lines.append(
            f"| {rule.code} | {_cell(CODES[rule.code])} | {specs[rule.sheet].name} / "
            f"{rule.column} | {_cell(_relation(rule, specs))} | {_cell(where)} | {days} |"
        )
    lines.append(CROSS_END)
    return "\n".join(lines)


def _relation(rule, specs) -> str:
    """A rule's relation in words, from its declaration."""
    from .ledgers import BEFORE, LINKED_BLANK, NO_ROW, OVERDUE, TWO_FILES

    other = specs[rule.other].name if rule.other else ""
    if rule.relation == BEFORE:
        return f"{rule.column}早于{other}中同一线索编号的{rule.other_column}"
    if rule.relation == LINKED_BLANK:
        return f"没有线索编号，或{other}中该线索的{rule.other_column}为空"
    if rule.relation == TWO_FILES:
        return f"同一{'＋'.join(rule.key)}出现在两个工作簿中（每个工作簿都报）"
    if rule.relation == NO_ROW:
        which = "、".join(str(w) for w in rule.other_where)
        return f"{other}中没有同一线索编号的行" + (f"（{which}）" if which else "")
    if rule.relation == OVERDUE:
        since = "（没有时取".join(rule.since) + "）" * (len(rule.since) - 1)
        until = f"，且{rule.until}为空或晚于基准日" if rule.until else ""
        return f"从{since}到基准日超过期限天数{until}"
    raise ValueError(rule.relation)  # pragma: no cover - a relation the docs do not know


def rules_page(text: str, config: Config) -> str:
    """docs/rules.md with its list of the 案管室's checks regenerated."""
    start, end = text.index(CROSS_BEGIN), text.index(CROSS_END) + len(CROSS_END)
    return text[:start] + cross_rules_table(config) + text[end:]
