"""The 通报 as the 上级 writes it (docs/templates.md, 模板集): its title, period words, sentences and
percentages, and its two native Word charts, on hand-made ledgers and figures; every
expected text is written out by hand in the test."""

from __future__ import annotations

import json
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import paragraphs, run, write_workbook
from test_office_suites import libreoffice
from workreport.config import load_config
from workreport.period import Period, parse_period
from workreport.run import Request, Run, Stats

Q1_2023 = Period(date(2023, 1, 1), date(2023, 3, 31))
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"

CLUES = (
    "线索编号",
    "受理日期",
    "线索来源",
    "被反映人",
    "处置方式",
    "处置日期",
    "立案日期",
    "结案日期",
    "留置日期",
    "移送检察机关日期",
    "挽回经济损失（万元）",
)
MEASURES = ("姓名", "线索编号", "处理日期", "形态", "处理方式", "职级", "主动投案")

# The bulletin the ledgers below are built from, as a city commission publishes it
PARAGRAPH_1 = (
    "2023年第一季度，全市纪检监察机关共处置问题线索12件，谈话函询5件次，立案6件，"
    "处分6人（其中党纪处分5人、政务处分2人）。处分县处级干部1人，乡科级干部2人，"
    "一般干部1人，农村、企业等其他人员2人。留置1人，移送检察机关1人，1人主动投案，"
    "挽回经济损失35.5万元。"
)
PARAGRAPH_2 = (
    "2023年第一季度，全市纪检监察机关运用“四种形态”批评教育帮助和处理共40人次。其中，"
    "运用第一种形态批评教育帮助30人次，占总人次的75%；运用第二种形态处理7人次，占17.5%；"
    "运用第三种形态处理2人次，占5%；运用第四种形态处理1人次，占2.5%。"
)
TITLE = "2023年第一季度全市纪检监察机关监督检查、审查调查情况"


def row(columns, **cells) -> list:
    return [cells.get(c) for c in columns]


def bulletin_ledgers(folder: Path, *, first_form: int = 30) -> Path:
    """案管室's ledgers for 2023 一季度, giving PARAGRAPH_1 and PARAGRAPH_2."""
    d = date
    clues = []
    # 12 clues disposed: 5 谈话函询, 6 初步核实 (all filed), 1 予以了结
    methods = ["谈话函询"] * 5 + ["初步核实"] * 6 + ["予以了结"]
    for n, method in enumerate(methods, start=1):
        cells = {"处置方式": method, "处置日期": d(2023, 1, 10)}
        if method == "初步核实":
            cells["立案日期"] = d(2023, 1, 20)
        clues.append(
            {
                "线索编号": f"C{n:02d}",
                "受理日期": d(2023, 1, 5),
                "线索来源": "信访举报",
                "被反映人": "某甲",
                **cells,
            }
        )
    filed = [c for c in clues if c.get("立案日期")]  # C06 … C11
    filed[4]["留置日期"] = d(2023, 2, 1)
    filed[5].update(
        {
            "移送检察机关日期": d(2023, 3, 10),
            "结案日期": d(2023, 3, 20),
            "挽回经济损失（万元）": 35.5,
        }
    )
    ids = [c["线索编号"] for c in filed]
    when = d(2023, 3, 1)
    measures = [
        # 6 sanctioned persons, one on each filed clue: 党纪 5, 政务 2
        dict(
            姓名="人员A", 线索编号=ids[0], 形态="第二种形态", 处理方式="党纪严重警告", 职级="县处级"
        ),
        dict(姓名="人员A", 线索编号=ids[0], 形态="第二种形态", 处理方式="记过", 职级="县处级"),
        dict(姓名="人员B", 线索编号=ids[1], 形态="第二种形态", 处理方式="党纪警告", 职级="乡科级"),
        dict(姓名="人员C", 线索编号=ids[2], 形态="第三种形态", 处理方式="留党察看", 职级="乡科级"),
        dict(
            姓名="人员D", 线索编号=ids[3], 形态="第二种形态", 处理方式="政务警告", 职级="一般干部"
        ),
        dict(
            姓名="人员E", 线索编号=ids[4], 形态="第三种形态", 处理方式="开除党籍", 职级="其他人员"
        ),
        # 开除党籍 and 移送检察机关 on one clue: one 人次, of the 第四种形态
        dict(
            姓名="人员F", 线索编号=ids[5], 形态="第三种形态", 处理方式="开除党籍", 职级="其他人员"
        ),
        dict(
            姓名="人员F",
            线索编号=ids[5],
            形态="第四种形态",
            处理方式="移送检察机关",
            职级="其他人员",
            主动投案="是",
        ),
    ]
    # 4 more of the 第二种形态 (组织处理) and the 第一种形态's 人次, each a matter of its own
    measures += [dict(姓名=f"人员G{n}", 形态="第二种形态", 处理方式="免职") for n in range(4)]
    measures += [
        dict(姓名=f"人员H{n}", 形态="第一种形态", 处理方式="批评教育") for n in range(first_form)
    ]
    for m in measures:
        m["处理日期"] = when
    write_workbook(
        folder / "案管室.xlsx",
        {
            "问题线索": [list(CLUES), *(row(CLUES, **c) for c in clues)],
            "处分处理": [list(MEASURES), *(row(MEASURES, **m) for m in measures)],
        },
        headers=False,
    )
    return folder


def project(tmp_path: Path, extra: str = "") -> Path:
    folder = tmp_path / "收文"
    bulletin_ledgers(folder)
    (tmp_path / "workreport.toml").write_text(
        f'[report]\norganisation = "某市纪委监委"\nperiod = "2023Q1"\ndate = 2023-04-10\n{extra}',
        encoding="utf-8",
    )
    return folder


def body(path: Path) -> list[str]:
    """The non-empty paragraphs as Word shows them, figures inside their controls included."""
    return [p for p in paragraphs(path) if p.strip()]


def chart_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("word/charts/chart")}


def chart_values(xml: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(xml)
    ser = root.find(f".//{C}ser")
    cats = [v.text for v in ser.find(f"{C}cat").iter(f"{C}v")]
    vals = [v.text for v in ser.find(f"{C}val").iter(f"{C}v")]
    return list(zip(cats, vals, strict=True))


# --- a bulletin's worth of ledgers -------------------------------------------------------


def test_a_bulletins_ledgers_give_its_two_paragraphs_clause_for_clause(tmp_path):
    folder = project(tmp_path)
    out = tmp_path / "通报.docx"
    result = run(
        "build", folder, "--preset", "通报", "-o", out, "--config", tmp_path / "workreport.toml"
    )
    assert result.exit_code == 0, result.output
    text = body(out)
    assert text[0] == TITLE
    assert text[1] == PARAGRAPH_1
    assert text[2] == "图1 处分人员职级构成"
    assert text[3] == PARAGRAPH_2
    assert text[4] == "图2 运用“四种形态”情况"
    assert "某市纪委监委" in text  # the 落款
    # no 同比, and no names from the ledgers anywhere in the draft
    assert "同比" not in "".join(text)
    with zipfile.ZipFile(out) as z:
        parts = [z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml")]
    assert not any(name in part for part in parts for name in ("人员A", "人员F", "人员H0"))


def test_the_charts_are_native_chart_parts_with_their_data(tmp_path):
    folder = project(tmp_path)
    out = tmp_path / "通报.docx"
    run("build", folder, "--preset", "通报", "-o", out, "--config", tmp_path / "workreport.toml")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        rels = z.read("word/_rels/document.xml.rels").decode()
        document = z.read("word/document.xml").decode()
        types = z.read("[Content_Types].xml").decode()
        book = z.read("word/embeddings/Microsoft_Excel_Worksheet1.xlsx")
    assert {"word/charts/chart1.xml", "word/charts/chart2.xml"} <= set(names)
    assert "relationships/chart" in rels and "<c:chart " in document
    assert "drawingml.chart+xml" in types
    charts = chart_parts(out)
    assert chart_values(charts["word/charts/chart1.xml"]) == [
        ("县处级", "1"),
        ("乡科级", "2"),
        ("一般干部", "1"),
        ("其他人员", "2"),
    ]
    assert chart_values(charts["word/charts/chart2.xml"]) == [
        ("第一种形态", "30"),
        ("第二种形态", "7"),
        ("第三种形态", "2"),
        ("第四种形态", "1"),
    ]
    # the embedded workbook holds the same data: Word's 编辑数据 opens it
    import io

    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(book)).active
    assert [tuple(r) for r in ws.iter_rows(min_row=2, values_only=True)] == [
        ("县处级", 1),
        ("乡科级", 2),
        ("一般干部", 1),
        ("其他人员", 2),
    ]


def test_charts_false_leaves_the_charts_and_their_captions_out(tmp_path):
    folder = project(tmp_path, "charts = false\n")
    out = tmp_path / "通报.docx"
    result = run(
        "build", folder, "--preset", "通报", "-o", out, "--config", tmp_path / "workreport.toml"
    )
    assert result.exit_code == 0, result.output
    assert chart_parts(out) == {}
    assert body(out)[1:3] == [PARAGRAPH_1, PARAGRAPH_2]


def test_yoy_true_says_the_change_after_the_bracket(tmp_path):
    folder = project(tmp_path, "yoy = true\npct_trailing_zero = true\n")
    out = tmp_path / "通报.docx"
    result = run(
        "build", folder, "--preset", "通报", "-o", out, "--config", tmp_path / "workreport.toml"
    )
    assert result.exit_code == 0, result.output
    text = body(out)
    # last year had no rows: 同比 is missing and left out with its comma, never 【待补充】
    assert text[1] == PARAGRAPH_1
    assert "占总人次的75.0%；运用第二种形态处理7人次，占17.5%" in text[3]


def test_the_chart_renders_in_libreoffices_pdf(tmp_path):
    soffice = libreoffice()
    folder = project(tmp_path)
    out = tmp_path / "通报.docx"
    run("build", folder, "--preset", "通报", "-o", out, "--config", tmp_path / "workreport.toml")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "通报.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # the captions, and what only the charts draw: the forms' axis labels and values
    assert "图 1 处分人员职级构成" in text or "图1 处分人员职级构成" in text
    assert "县处级" in text and "乡科级" in text  # the pie's labels
    lines = [line.split() for line in text.splitlines()]
    assert ["第一种形态", "第二种形态", "第三种形态", "第四种形态"] in lines


def test_refresh_rewrites_the_charts_values_and_keeps_the_text(tmp_path):
    folder = project(tmp_path)
    config = tmp_path / "workreport.toml"
    out = tmp_path / "通报.docx"
    run("build", folder, "--preset", "通报", "-o", out, "--config", config)
    # the analyst rewrites a sentence of the draft
    document = docx.Document(str(out))
    document.add_paragraph("分析员补充的一段话。")
    document.save(str(out))
    # a ledger change: ten more 第一种形态 人次
    bulletin_ledgers(folder, first_form=40)
    result = run("refresh", out, folder, "--config", config)
    assert result.exit_code == 0, result.output
    assert "图表「运用“四种形态”情况」的数据已更新" in result.output
    charts = chart_parts(out)
    assert chart_values(charts["word/charts/chart2.xml"])[0] == ("第一种形态", "40")
    assert chart_values(charts["word/charts/chart1.xml"])[0] == ("县处级", "1")
    with zipfile.ZipFile(out) as z:
        import io

        import openpyxl

        book = z.read("word/embeddings/Microsoft_Excel_Worksheet2.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(book)).active
    assert ws["B2"].value == 40
    text = body(out)
    assert "分析员补充的一段话。" in text
    assert "处理共50人次" in text[3]
    # diff against the backup names the chart's changed value
    result = run("diff", tmp_path / "通报.v1.docx", out, "--format", "json")
    charts = json.loads(result.output)["charts"]
    assert charts == [
        {
            "name": "forms",
            "caption": "运用“四种形态”情况",
            "old": [["第一种形态", 30], ["第二种形态", 7], ["第三种形态", 2], ["第四种形态", 1]],
            "new": [["第一种形态", 40], ["第二种形态", 7], ["第三种形态", 2], ["第四种形态", 1]],
        }
    ]
    result = run("diff", tmp_path / "通报.v1.docx", out)
    assert "图表「运用“四种形态”情况」的数据不同" in result.output


def test_a_chart_edited_by_hand_is_left_alone_by_refresh(tmp_path):
    folder = project(tmp_path)
    config = tmp_path / "workreport.toml"
    out = tmp_path / "通报.docx"
    run("build", folder, "--preset", "通报", "-o", out, "--config", config)
    # a person changes the chart's data in Word: the cached value 30 becomes 31
    with zipfile.ZipFile(out) as z:
        items = {n: z.read(n) for n in z.namelist()}
    items["word/charts/chart2.xml"] = items["word/charts/chart2.xml"].replace(
        b"<c:v>30</c:v>", b"<c:v>31</c:v>"
    )
    with zipfile.ZipFile(out, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    bulletin_ledgers(folder, first_form=40)
    result = run("refresh", out, folder, "--config", config)
    assert result.exit_code == 0, result.output
    assert "W286" in result.output
    assert chart_values(chart_parts(out)["word/charts/chart2.xml"])[0] == ("第一种形态", "31")


def test_final_keeps_the_charts(tmp_path):
    folder = project(tmp_path)
    config = tmp_path / "workreport.toml"
    out = tmp_path / "通报.docx"
    run("build", folder, "--preset", "通报", "-o", out, "--config", config)
    sent = tmp_path / "报送稿.docx"
    result = run("final", out, "-o", sent, "--force")
    assert result.exit_code == 0, result.output
    assert chart_parts(sent).keys() == chart_parts(out).keys()
    with zipfile.ZipFile(sent) as z:
        document = z.read("word/document.xml").decode()
    assert "workreport.chart." not in document and 'name="图表 1"' in document


def test_the_word_template_of_the_bulletin_gives_the_same_text(tmp_path):
    folder = project(tmp_path)
    config = tmp_path / "workreport.toml"
    template = tmp_path / "通报模板.docx"
    result = run("word-template", "--preset", "通报", "-o", template, "--config", config)
    assert result.exit_code == 0, result.output
    from_j2, from_word = tmp_path / "a.docx", tmp_path / "b.docx"
    run("build", folder, "--preset", "通报", "-o", from_j2, "--config", config)
    result = run(
        "build",
        folder,
        "--preset",
        "通报",
        "--word-template",
        template,
        "-o",
        from_word,
        "--config",
        config,
    )
    assert result.exit_code == 0, result.output
    assert body(from_word) == body(from_j2)
    assert len(chart_parts(from_word)) == 2


# --- each sentence form on hand-made figures ---------------------------------------------


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> dict:
    """The bulletin's figures, which each test below changes by hand."""
    tmp = tmp_path_factory.mktemp("figures")
    folder = project(tmp)
    config = load_config(tmp / "workreport.toml")
    run_ = Run.open([folder], config=config, request=Request(preset="通报"))
    return run_.stats().values


def bulletin(
    values: dict, period: Period = Q1_2023, partial=None, **settings
) -> tuple[str, list[str], list]:
    """The 通报's title and paragraphs, and its charts' captions, for ``values``."""
    config = load_config(None)
    from dataclasses import replace

    config = replace(config, organisation="某市纪委监委", **settings)
    run_ = Run([], config, Request(preset="通报", signed=date(2024, 1, 10)))
    doc = run_.document(Stats(period=period, values=values, previous={}, partial=partial or {}))
    paragraphs = [b.text for b in doc.blocks if b.kind != "chart"]
    return doc.title, paragraphs, [b for b in doc.blocks if b.kind == "chart"]


def changed(values: dict, **changes) -> dict:
    out = json.loads(json.dumps(values, ensure_ascii=False))
    for key, value in changes.items():
        if "__" in key:
            group, cat = key.split("__")
            out[group][cat] = value
        else:
            out[key] = value
    return out


def test_the_bulletin_on_its_own_figures(figures):
    title, paragraphs, charts = bulletin(figures)
    assert (title, paragraphs) == (TITLE, [PARAGRAPH_1, PARAGRAPH_2])
    assert [c.spans[0].text for c in charts] == ["图1 处分人员职级构成", "图2 运用“四种形态”情况"]


def test_zero_ranks_are_left_out_of_the_one_list(figures):
    values = changed(figures, sanctioned_by_rank__县处级=0, sanctioned_by_rank__一般干部=0)
    _, (p1, _), charts = bulletin(values)
    assert "处分乡科级干部2人，农村、企业等其他人员2人。" in p1
    assert charts[0].chart.points == (("乡科级", 2), ("其他人员", 2))
    values = changed(figures, sanctioned_by_rank={r: 0 for r in figures["sanctioned_by_rank"]})
    _, (p1, _), charts = bulletin(values)
    assert p1 == (
        "2023年第一季度，全市纪检监察机关共处置问题线索12件，谈话函询5件次，立案6件，"
        "处分6人（其中党纪处分5人、政务处分2人）。留置1人，移送检察机关1人，1人主动投案，"
        "挽回经济损失35.5万元。"
    )
    assert [c.chart.name for c in charts] == ["forms"]  # an empty chart states nothing


def test_a_blank_rank_is_a_warning_never_prose(figures):
    values = changed(figures, sanctioned_by_rank__未填=1)
    _, (p1, _), _ = bulletin(values)
    assert "未填" not in p1 and "另有" not in p1


def test_no_optional_items_when_none_is_reported(figures):
    values = changed(
        figures,
        detained_persons=None,
        transferred_persons=None,
        voluntary_surrender_persons=None,
        losses_recovered=None,
    )
    _, (p1, _), _ = bulletin(values)
    assert p1.endswith("农村、企业等其他人员2人。")
    values = changed(figures, detained_persons=0, transferred_persons=None, losses_recovered=0)
    _, (p1, _), _ = bulletin(values)
    assert p1.endswith("农村、企业等其他人员2人。1人主动投案。")


def test_no_petitions_clause_until_the_figure_exists(figures):
    _, (p1, _), _ = bulletin(figures)
    assert "信访举报" not in p1
    values = {**figures, "petitions": 86}
    _, (p1, _), _ = bulletin(values)
    assert p1.startswith("2023年第一季度，全市纪检监察机关共接收信访举报86件次，处置问题线索12件，")


def test_a_year_and_other_periods_in_the_bulletins_words(figures):
    for text, label in (
        ("2023", "2023年"),
        ("2023H1", "2023年上半年"),
        ("2023Q3", "2023年第三季度"),
        ("2023-01..2023-09", "2023年1至9月"),
    ):
        title, (p1, p2), _ = bulletin(figures, parse_period(text))
        assert title == f"{label}全市纪检监察机关监督检查、审查调查情况"
        assert p1.startswith(f"{label}，全市纪检监察机关共处置问题线索12件")
        assert p2.startswith(f"{label}，全市纪检监察机关运用“四种形态”")


def test_the_huibao_keeps_its_period_words():
    period = parse_period("2023Q1")
    assert (period.label, period.bulletin) == ("2023年一季度", "2023年第一季度")
    assert parse_period("2023-01..2023-09").label == "2023年前三季度"


def test_shares_drop_a_trailing_zero_unless_asked(figures):
    values = changed(
        figures,
        forms_total=50,
        forms_1=33,
        forms_2=12,
        forms_3=3,
        forms_4=2,
        forms_shares={"第一种形态": 66.0, "第二种形态": 24.0, "第三种形态": 6.0, "第四种形态": 4.0},
    )
    _, (_, p2), _ = bulletin(values)
    assert "占总人次的66%；运用第二种形态处理12人次，占24%；" in p2
    _, (_, p2), _ = bulletin(values, pct_trailing_zero=True)
    assert "占总人次的66.0%；运用第二种形态处理12人次，占24.0%；" in p2


def test_no_forms_no_shares(figures):
    values = changed(
        figures,
        forms_total=0,
        forms_1=0,
        forms_2=0,
        forms_3=0,
        forms_4=0,
        forms_shares={f: 0.0 for f in figures["forms_shares"]},
    )
    _, (_, p2), charts = bulletin(values)
    assert p2 == "2023年第一季度，全市纪检监察机关运用“四种形态”批评教育帮助和处理共0人次。"
    assert [c.chart.name for c in charts] == ["ranks"]


def test_partial_and_accepted_figures(figures):
    partial = {"clues_disposed": ("信访室",), "clues_disposed_by_method": ("信访室",)}
    from workreport.run import Run as _Run

    config = load_config(None)
    from dataclasses import replace

    for accepted, highlighted in ((frozenset(), True), (frozenset(partial), False)):
        run_ = _Run(
            [],
            replace(config, organisation="某市纪委监委", partial_ok=accepted),
            Request(preset="通报", signed=date(2023, 4, 10)),
        )
        doc = run_.document(Stats(period=Q1_2023, values=figures, previous={}, partial=partial))
        spans = {s.tag.id: s.partial for s in doc.blocks[0].spans if s.tag}
        assert spans["clues_disposed"] is highlighted
        assert spans["clues_disposed_by_method.谈话函询"] is highlighted
        assert spans["cases_filed"] is False  # 立案 counts every unit
        assert doc.blocks[0].text == PARAGRAPH_1


def test_the_new_settings_are_checked(tmp_path):
    path = tmp_path / "workreport.toml"
    path.write_text('[report]\nyoy = "是"\n', encoding="utf-8")
    from workreport.errors import ConfigError

    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert "[report] yoy 应为 true 或 false（不加引号）" in str(e.value)
    path.write_text("[report]\nyoy = true\ncharts = false\npct_trailing_zero = true\n")
    config = load_config(path)
    assert (config.yoy, config.charts, config.pct_trailing_zero, config.warnings) == (
        True,
        False,
        True,
        (),
    )


def test_the_huibao_places_a_chart_with_a_template_tag(tmp_path):
    folder = project(tmp_path)
    own = tmp_path / "templates"
    own.mkdir()
    (own / "01.j2").write_text(
        '运用“四种形态”批评教育帮助和处理{{ forms_total }}人次。\n{{ chart("forms") }}\n',
        encoding="utf-8",
    )
    config = tmp_path / "workreport.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'templates = "templates"\n', encoding="utf-8"
    )
    out = tmp_path / "汇报.docx"
    result = run("build", folder, "-o", out, "--config", config)
    assert result.exit_code == 0, result.output
    assert body(out)[1:3] == ["运用“四种形态”批评教育帮助和处理40人次。", "图1 运用“四种形态”情况"]
    assert list(chart_parts(out)) == ["word/charts/chart1.xml"]
    # a chart beside other words, or one that does not exist, is the template's error
    (own / "01.j2").write_text('见下图：{{ chart("forms") }}\n', encoding="utf-8")
    result = run("build", folder, "-o", tmp_path / "b.docx", "--config", config)
    assert result.exit_code != 0
    assert "{{ chart(…) }} 须单独成段" in result.output
    (own / "01.j2").write_text('{{ chart("cases") }}\n', encoding="utf-8")
    result = run("build", folder, "-o", tmp_path / "c.docx", "--config", config)
    assert "没有名为「cases」的图表，可用：「ranks」、「forms」" in result.output


def test_refresh_finds_the_charts_of_a_draft_libreoffice_saved(tmp_path):
    from test_office_suites import resave_in_libreoffice

    folder = project(tmp_path)
    config = tmp_path / "workreport.toml"
    out = tmp_path / "通报.docx"
    run("build", folder, "--preset", "通报", "-o", out, "--config", config)
    resave_in_libreoffice(out, tmp_path=tmp_path)  # the drawings renamed Object1, Object2
    bulletin_ledgers(folder, first_form=40)
    result = run("refresh", out, folder, "--config", config)
    assert result.exit_code == 0, result.output
    values = [chart_values(xml) for xml in chart_parts(out).values()]
    assert ("第一种形态", "40") in [v for points in values for v in points]


def test_the_long_title_breaks_between_words(tmp_path):
    # GB/T 9704 §7.3.3: a title that does not fit one line breaks where the words allow,
    # not inside 监督检查 as Word's own line breaking did
    from docx.oxml.ns import qn

    from workreport.render.docx import title_lines

    folder = project(tmp_path)
    out = tmp_path / "通报.docx"
    config = tmp_path / "workreport.toml"
    assert run("build", folder, "--preset", "通报", "-o", out, "--config", config).exit_code == 0
    title = docx.Document(str(out)).paragraphs[0]
    lines = ["".join(t.text for t in r.iter(qn("w:t"))) for r in title._p.iter(qn("w:r"))]
    assert "".join(lines) == TITLE
    assert len(list(title._p.iter(qn("w:br")))) == 1
    assert title_lines(TITLE, 20) == ["2023年第一季度全市纪检监察机关", "监督检查、审查调查情况"]
    assert title_lines("重点工作推进情况和下步工作打算", 20) == ["重点工作推进情况和下步工作打算"]
    # no break point that fits: one line, and Word breaks it
    assert title_lines("一" * 30, 20) == ["一" * 30]
