"""Every period tells the truth: period words, no zero achievements, any organisation."""

from __future__ import annotations

import re
from datetime import date

import pytest

from conftest import SAMPLE, paragraphs, run
from workreport.period import Period, find_period, parse_period
from workreport.render.sections import resolve_zeros

SIGNED = date(2022, 7, 5)


# --- the period's words: one test per row of the table (docs/templates.md) ---------------


@pytest.mark.parametrize(
    ("start", "end", "label", "phrase"),
    [
        ("2022-01-01", "2022-12-31", "2022年", "全年"),
        ("2022-01-01", "2022-06-30", "2022年上半年", "上半年"),
        ("2022-07-01", "2022-12-31", "2022年下半年", "下半年"),
        ("2022-01-01", "2022-03-31", "2022年一季度", "一季度"),
        ("2022-04-01", "2022-06-30", "2022年二季度", "二季度"),
        ("2022-07-01", "2022-09-30", "2022年三季度", "三季度"),
        ("2022-10-01", "2022-12-31", "2022年四季度", "四季度"),
        ("2022-01-01", "2022-09-30", "2022年前三季度", "前三季度"),
        ("2022-01-01", "2022-02-28", "2022年1至2月", "1至2月"),
        ("2022-01-01", "2022-04-30", "2022年1至4月", "1至4月"),
        ("2022-01-01", "2022-05-31", "2022年1至5月", "1至5月"),
        ("2022-01-01", "2022-07-31", "2022年1至7月", "1至7月"),
        ("2022-01-01", "2022-08-31", "2022年1至8月", "1至8月"),
        ("2022-01-01", "2022-10-31", "2022年1至10月", "1至10月"),
        ("2022-01-01", "2022-11-30", "2022年1至11月", "1至11月"),
        ("2022-03-01", "2022-03-31", "2022年3月", "3月份"),
        ("2022-01-01", "2022-01-31", "2022年1月", "1月份"),
        ("2022-03-01", "2022-05-31", "2022年3至5月", "3至5月"),
        ("2022-04-01", "2022-09-30", "2022年4至9月", "4至9月"),
        ("2022-01-05", "2022-03-20", "2022年1月5日至3月20日", "2022年1月5日至3月20日"),
        (
            "2021-11-01",
            "2022-02-28",
            "2021年11月1日至2022年2月28日",
            "2021年11月1日至2022年2月28日",
        ),
    ],
)
def test_label_and_phrase(start, end, label, phrase):
    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    assert (period.label, period.phrase) == (label, phrase)
    assert period.year == period.end.year


def test_since_is_today_year_so_far_only_when_all_three_conditions_hold():
    h1 = parse_period("2022H1")
    # starts 1 January of the signing year, ends by the signing date, signed within a month
    assert h1.since(date(2022, 7, 5)) == "今年以来"
    assert h1.since(date(2022, 7, 31)) == "今年以来"  # the last day of the month after
    assert h1.since(date(2022, 6, 30)) == "今年以来"  # signed on the last day
    # signed too late: the month after the end is over
    assert h1.since(date(2022, 8, 1)) == "上半年"
    # signed before the period ends
    assert h1.since(date(2022, 6, 29)) == "上半年"
    # signed in another year: the year goes in front
    assert h1.since(date(2023, 1, 5)) == "2022年上半年"
    # the period does not start on 1 January
    assert parse_period("2022Q2").since(date(2022, 7, 5)) == "二季度"
    assert parse_period("2022Q3").since(date(2022, 10, 8)) == "三季度"
    assert parse_period("2022Q1").since(date(2022, 4, 8)) == "今年以来"
    assert parse_period("2022Q1").since(SIGNED) == "一季度"
    assert parse_period("2021H2").since(date(2022, 1, 10)) == "2021年下半年"
    assert parse_period("2022-03").since(date(2022, 4, 6)) == "3月份"
    # December ends: the month after is January of the next year
    assert parse_period("2022").since(date(2023, 1, 31)) == "2022年全年"
    # an odd range says its label
    assert parse_period("2022-01-05..2022-03-20").since(SIGNED) == "2022年1月5日至3月20日"


def test_the_period_on_paper_under_the_appendix_title():
    assert parse_period("2022H1").dates() == "2022年1月1日—6月30日"
    assert parse_period("2021-11-01..2022-02-28").dates() == "2021年11月1日—2022年2月28日"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022Q1-Q3", "2022-01-01", "2022-09-30"),
        ("2022-01..2022-09", "2022-01-01", "2022-09-30"),
        ("2022上半年", "2022-01-01", "2022-06-30"),
        ("2022年上半年", "2022-01-01", "2022-06-30"),
        ("2022年下半年", "2022-07-01", "2022-12-31"),
        ("2022年一季度", "2022-01-01", "2022-03-31"),
        ("2022年1-9月", "2022-01-01", "2022-09-30"),
        ("2022年度", "2022-01-01", "2022-12-31"),
        ("2022年3月", "2022-03-01", "2022-03-31"),
    ],
)
def test_the_new_period_forms(text, start, end):
    assert parse_period(text) == Period(date.fromisoformat(start), date.fromisoformat(end))


def test_a_folder_name_speaks_of_its_period():
    assert find_period("2022上半年汇报") == parse_period("2022H1")
    assert find_period("xx县纪委监委2022年一季度") == parse_period("2022Q1")
    assert find_period("汇报材料") is None


# --- no achievement of zero: the construct itself ----------------------------------------


def shown(text: str) -> str:
    """Rendered text as it reads: each tagged figure's text, no marks."""
    from workreport.render.sections import to_spans

    return "".join(span.text for span in to_spans(text))


def render(template: str, **values) -> tuple[str, list[str]]:
    """Render a template string as the build would; a number becomes a figure of that
    name, a Fig is used as it is.  Returns the text and the ids left out."""
    from jinja2 import DictLoader

    from workreport.render.sections import make_environment
    from workreport.render.values import Fig

    env = make_environment(None, DictLoader({"t.j2": template}))
    context = {
        k: v if isinstance(v, Fig) else Fig(k, v, None, k.upper()) for k, v in values.items()
    }
    text, omitted = resolve_zeros(env.get_template("t.j2").render(context))
    return shown(text), [t.id for t in omitted]


def test_a_zero_leaves_out_its_clause_and_one_separator():
    t = "组织观看{% clause %}庭审现场{{ a }}次{% endclause %}、{% clause %}警示教育片{{ b }}次{% endclause %}。"
    assert render(t, a=0, b=6) == ("组织观看警示教育片6次。", ["a"])
    assert render(t, a=2, b=0) == ("组织观看庭审现场2次。", ["b"])
    assert render(t, a=2, b=6)[0] == "组织观看庭审现场2次、警示教育片6次。"


def test_a_zero_count_inside_a_phrase_takes_only_its_measure_word():
    t = "发现的{% clause %}{{ a }}方面{% endclause %}{{ b }}个问题"
    assert render(t, a=0, b=16)[0] == "发现的16个问题"
    # the clause's own count decides: «明确8方面0项» goes whole
    t = "制发措施，{% clause %}明确{% clause %}{{ a }}方面{% endclause %}{{ b }}项{% endclause %}。"
    assert render(t, a=8, b=0)[0] == "制发措施。"


def test_a_clause_whose_counts_are_all_zero_goes_with_the_right_punctuation():
    t = (
        "开好民主生活会，监督{{ a }}次；{% clause %}开好述责会，召开{{ b }}个会议{% endclause %}；"
        "{% clause %}开好评议会，推动整改{{ c }}个{% endclause %}。"
    )
    assert render(t, a=1, b=0, c=5)[0] == "开好民主生活会，监督1次；开好评议会，推动整改5个。"
    assert render(t, a=1, b=3, c=0)[0] == "开好民主生活会，监督1次；开好述责会，召开3个会议。"
    assert render(t, a=1, b=0, c=0)[0] == "开好民主生活会，监督1次。"
    # a clause alone between two full stops takes one of them
    t = "课题。{% clause %}走访{{ a }}个{% endclause %}。完。"
    assert render(t, a=0)[0] == "课题。完。"


def test_statistics_outside_clauses_stay_and_missing_is_never_zero():
    t = "受理{{ a }}件，{% clause %}谈话{{ b }}人{% endclause %}。"
    assert render(t, a=0, b=None)[0] == "受理0件，谈话【待补充：B】人。"


def test_items_left_out_and_the_rest_numbered_again():
    t = (
        '{% item "一是" %}抓好A。做了{{ a }}次。{% enditem %}'
        '{% item "一是" %}抓好B。做了{{ b }}次。{% enditem %}'
        '{% item "一是" %}抓好C，没有数字。{% enditem %}\n'
        '{% item "（1）" %} 甲。{% clause %}走访{{ a }}个{% endclause %}。{% enditem %}\n'
        '{% item "（1）" %} 乙。{% clause %}走访{{ b }}个{% endclause %}。{% enditem %}\n'
        '{% item "（1）" %} 丙。走访{{ c }}个。{% enditem %}\n'
    )
    text, omitted = render(t, a=0, b=6, c=1)
    assert [line for line in text.split("\n") if line] == [
        "一是抓好B。做了6次。二是抓好C，没有数字。",
        "（1） 乙。走访6个。",
        "（2） 丙。走访1个。",
    ]
    assert omitted == ["a"]


def test_a_year_never_makes_a_clause_all_zero():
    from workreport.render.values import Fig

    t = "考核，{% clause %}完成{{ a }}个单位{{ year }}年度考核{% endclause %}。"
    year = Fig("year", 2021, None, "年份", counted=False)
    assert render(t, a=0, year=year) == ("考核。", ["a"])
    assert render(t, a=3, year=year)[0] == "考核，完成3个单位2021年度考核。"


# --- drafts for many periods from hand-made ledgers --------------------------------------

CLUES = [
    # 线索编号, 受理日期, 来源, 被反映人, 一把手, 班子, 处置, 立案, 结案
    ["Q1-1", "2022-02-10", "信访举报", "张某甲", "否", "否", None, "2022-03-01", None],
    ["Q1-2", "2022-03-15", "信访举报", "李某乙", "否", "否", None, None, None],
    ["Q3-1", "2022-08-05", "信访举报", "王某丙", "否", "否", None, None, None],
]
TALKS = [["2022-02-15", "谈心谈话", 5, None], ["2022-05-10", "廉政谈话", 3, None]]
ACTIVITIES = [
    ["2022-01-20", "走访单位", 10, "个"],
    ["2022-04-15", "走访单位", 4, "个"],
    ["2022-03-03", "问卷调查", 30, "份"],
    ["2022-02-20", "观看警示教育片", 2, "次"],  # 组织观看庭审 stays 0: a mixed clause
    ["2022-03-05", "调研发现问题方面", 3, "方面"],
    ["2022-03-05", "调研发现问题", 9, "个"],
    ["2022-05-05", "调研发现问题", 5, "个"],
]


@pytest.fixture
def ledgers(book):
    book(
        "一室",
        {"问题线索": CLUES, "处分处理": [], "谈话": TALKS, "文书": [], "监督活动": ACTIVITIES},
    )
    return book.folder


def build(ledgers, tmp_path, period: str, signed: str, organisation="某某市纪委监委"):
    config = tmp_path / "workreport.toml"
    # the seed's text (the sample's own templates) shows the zero construct clause by clause
    config.write_text(
        f'[report]\norganisation = "{organisation}"\ntemplates = "{SEED_TEMPLATES.as_posix()}"\n',
        encoding="utf-8",
    )
    out = tmp_path / f"{period}.docx"
    result = run("build", ledgers, "--config", config, "-p", period, "--date", signed, "-o", out)
    assert result.exit_code == 0, result.output
    return paragraphs(out), result.output


SEED_TEMPLATES = SAMPLE / "templates"
LEAD_1 = "（1）\xa0深入开展专题调研。用好知行合一“4+2”工作法,将“一把手”和领导班子监督列为重点工作调研课题。"
LEAD_2 = (
    "（2）\xa0探索创新监督路径。坚持从系统思维、总体谋划、科学管用上发力，创新构建“四三”监督机制。"
    "经验做法信息先后在省、市纪委内网专刊发表。"
)
OVERVIEW = (
    "某某市纪委监委立足职责定位，强化监督责任、突出监督重点、创新监督载体，"
    "推动“关键少数”监督工作常态化长效化。"
)


def test_first_quarter_signed_in_april_is_the_year_so_far(ledgers, tmp_path):
    text, output = build(ledgers, tmp_path, "2022Q1", "2022-04-08")
    assert (
        OVERVIEW
        + (
            "今年以来，查办问题线索2件，立案1件，结案0件，党纪政务处分0人，四种形态处理0人。"
            "其中，受理涉及“一把手”和领导班子问题线索0件，立案0件，给予党纪政务处分0人，第一种形态处理0人。"
        )
        in text
    )
    # 组织观看庭审现场0次 and every zero clause gone; the mixed sentence keeps its other half
    assert (
        LEAD_1
        + (
            "深入走访乡镇、市直部门10个，与党委（党组）班子成员及基层干部谈心谈话5人，"
            "收集调查问卷30份，归纳总结出调研中发现的3方面9个问题。"
        )
        in text
    )
    assert (
        LEAD_2
        + (
            "一是抓好“三类教育”。抓好反面警示教育，做实“以案三促”，开展“每季一案、每季一看、每年一行”，"
            "组织观看警示教育片2次。"
        )
        in text
    )
    assert not any(p.startswith("（3）") for p in text)  # 年轻干部: every count 0
    assert "（2022年1月1日—3月31日）" in text  # the appendix says which period it counts
    assert "W212" in output and "W211" in output  # the statistics' zeros are named


def test_second_quarter(ledgers, tmp_path):
    text, _ = build(ledgers, tmp_path, "2022Q2", "2022-07-08")
    assert any(p.startswith(OVERVIEW + "二季度，查办问题线索0件，立案0件") for p in text)
    assert LEAD_1 + "深入走访乡镇、市直部门4个，归纳总结出调研中发现的5个问题。" in text
    assert (
        LEAD_2
        + (
            "一是做好“三个廉政+”。“廉政+谈话”打好“预防针”。结合日常监督、巡察反馈等问题，"
            "对“一把手”和领导班子存在的苗头性、倾向性问题的进行廉政谈话3人（次）。"
        )
        in text
    )


def test_third_quarter_with_no_activity_keeps_only_the_statistics(ledgers, tmp_path):
    text, _ = build(ledgers, tmp_path, "2022Q3", "2022-10-09")
    assert any(p.startswith(OVERVIEW + "三季度，查办问题线索1件，立案0件") for p in text)
    assert not any(p.startswith(("（1）", "（2）", "（3）")) for p in text)
    assert "二、存在的问题" in text  # the analyst's own parts stay


def test_a_single_month_a_past_half_year_and_a_custom_range(ledgers, tmp_path):
    text, _ = build(ledgers, tmp_path, "2022-03", "2022-04-06")
    assert any(p.startswith(OVERVIEW + "3月份，查办问题线索1件，立案1件") for p in text)
    assert LEAD_1 + "收集调查问卷30份，归纳总结出调研中发现的3方面9个问题。" in text

    text, output = build(ledgers, tmp_path, "2021H2", "2022-01-10")
    assert any(p.startswith(OVERVIEW + "2021年下半年，查办问题线索0件") for p in text)
    assert "W208" in output
    assert "（2021年7月1日—12月31日）" in text

    text, _ = build(ledgers, tmp_path, "2022-01-15..2022-02-20", "2022-03-01")
    assert any(p.startswith(OVERVIEW + "2022年1月15日至2月20日，查办问题线索1件") for p in text)
    # 走访 on 20 January and the talks on 15 February fall inside; the rest outside
    assert (
        LEAD_1 + "深入走访乡镇、市直部门10个，与党委（党组）班子成员及基层干部谈心谈话5人。" in text
    )


def test_a_county_speaks_of_its_own_level(ledgers, tmp_path):
    text, output = build(ledgers, tmp_path, "2022Q1", "2022-04-08", organisation="甲县纪委监委")
    joined = "\n".join(text)
    assert "深入走访乡镇、县直部门10个" in joined
    assert "全县机关" in joined  # 三、下步工作打算
    assert "市直部门" not in joined and "全市" not in joined
    assert "省、市纪委内网" in joined  # a superior stays a superior
    assert "甲县纪委监委" in text and "W216" not in output  # a real name: no W216


def test_an_organisation_without_a_level_stops_the_build(ledgers, tmp_path):
    config = tmp_path / "workreport.toml"
    config.write_text('[report]\norganisation = "某某办公室"\n', encoding="utf-8")
    result = run("build", ledgers, "--config", config, "-p", "2022Q1", "-o", tmp_path / "x.docx")
    assert result.exit_code == 2
    assert 'level = "县"' in result.output
    config.write_text('[report]\norganisation = "某某办公室"\nlevel = "区"\n', encoding="utf-8")
    result = run("build", ledgers, "--config", config, "-p", "2022Q1", "-o", tmp_path / "x.docx")
    assert result.exit_code == 0, result.output
    joined = "\n".join(paragraphs(tmp_path / "x.docx"))
    assert "走访单位10个" in joined and "乡镇" not in joined  # a 区 has 镇（街道）


def test_a_signing_date_before_the_period_end_is_a_warning(ledgers, tmp_path):
    _, output = build(ledgers, tmp_path, "2022Q3", "2022-09-01")
    assert "W210 警告：成文日期 2022-09-01 早于统计期间的结束日 2022-09-30" in output


# --- the sample, every row of the table ---------------------------------------------------


@pytest.mark.parametrize(
    ("period", "signed", "since", "dates"),
    [
        ("2022", "2023-01-10", "2022年全年", "2022年1月1日—12月31日"),
        ("2022H1", "2022-07-05", "今年以来", "2022年1月1日—6月30日"),
        ("2022H2", "2023-01-10", "2022年下半年", "2022年7月1日—12月31日"),
        ("2022Q1", "2022-07-05", "一季度", "2022年1月1日—3月31日"),
        ("2022Q2", "2022-07-05", "二季度", "2022年4月1日—6月30日"),
        ("2022Q1-Q3", "2022-10-12", "今年以来", "2022年1月1日—9月30日"),
        ("2022-01..2022-05", "2022-06-03", "今年以来", "2022年1月1日—5月31日"),
        ("2022-04", "2022-05-06", "4月份", "2022年4月1日—4月30日"),
        ("2022-03..2022-05", "2022-06-03", "3至5月", "2022年3月1日—5月31日"),
        ("2022-02-10..2022-04-20", "2022-05-03", "2022年2月10日至4月20日", "2022年2月10日—4月20日"),
    ],
)
def test_every_kind_of_period_on_the_sample(tmp_path, period, signed, since, dates):
    out = tmp_path / "d.docx"
    result = run("build", SAMPLE, "-p", period, "--date", signed, "-o", out)
    assert result.exit_code == 0, result.output
    text = paragraphs(out)
    assert any(f"常态化长效化。{since}，查办问题线索" in p for p in text), since
    assert f"（{dates}）" in text
    y, m, d = (int(x) for x in signed.split("-"))
    assert f"{y}年{m}月{d}日" in text  # the 成文日期
    assert not any(
        re.search(r"(?<![\d.])0(个|份|次|人|期|册|条|家|项|方面)", p) for p in _prose(text)
    )


def _prose(text: list[str]) -> list[str]:
    """The paragraphs of 一、 after the overview sentence (whose statistics may be 0)."""
    start = text.index("一、重点工作推进情况") + 2
    end = text.index("二、存在的问题")
    return text[start:end]


# --- refresh and the period's words ----------------------------------------------------------


def test_refresh_for_another_period_goes_on_warns_and_rewrites_the_period_words(ledgers, tmp_path):
    build(ledgers, tmp_path, "2022Q1", "2022-04-08")
    draft = tmp_path / "2022Q1.docx"
    result = run("refresh", draft, ledgers, "-p", "2022Q2")
    assert result.exit_code == 0, result.output
    assert "W215 警告：统计期间与原稿不同（2022年一季度 → 2022年二季度）" in result.output
    assert "workreport build" in result.output
    text = paragraphs(draft)
    assert any(p.startswith(OVERVIEW + "二季度，查办问题线索0件") for p in text)
    assert "（2022年4月1日—6月30日）" in text


def test_refresh_keeps_the_signing_date_unless_told_otherwise(ledgers, tmp_path):
    build(ledgers, tmp_path, "2022Q1", "2022-04-08")
    draft = tmp_path / "2022Q1.docx"
    book_rows = [*ACTIVITIES, ["2022-03-20", "廉政家访", 2, "次"]]
    _rewrite(ledgers, book_rows)
    assert run("refresh", draft, ledgers).exit_code == 0
    assert "2022年4月8日" in paragraphs(draft)
    assert run("refresh", draft, ledgers, "--date", "2022-04-20").exit_code == 0
    assert "2022年4月20日" in paragraphs(draft) and "2022年4月8日" not in paragraphs(draft)


def test_refresh_names_what_only_build_can_put_right(ledgers, tmp_path):
    build(ledgers, tmp_path, "2022Q1", "2022-04-08")
    draft = tmp_path / "2022Q1.docx"
    # a 廉政家访 appears (left out as 0 when built); the 问卷调查 goes (stated as 30)
    rows = [a for a in ACTIVITIES if a[1] != "问卷调查"] + [["2022-03-20", "廉政家访", 2, "次"]]
    _rewrite(ledgers, rows)
    result = run("refresh", draft, ledgers)
    assert result.exit_code == 0, result.output
    assert "W213 警告：原稿因为 0 而省略的 廉政家访 现在不为 0" in result.output
    assert "W214 警告：以下数字变为 0" in result.output and "问卷调查" in result.output
    assert "收集调查问卷0份" in "\n".join(paragraphs(draft))  # refresh never rewrites prose


def _rewrite(folder, activities):
    from conftest import write_workbook

    write_workbook(
        folder / "一室.xlsx",
        {"问题线索": CLUES, "处分处理": [], "谈话": TALKS, "文书": [], "监督活动": activities},
    )


# --- init: the period and the organisation from the folder's name ---------------------------


def test_init_reads_the_period_and_the_organisation_from_the_folder_name(tmp_path):
    result = run("init", tmp_path / "某某县纪委监委2022年一季度")
    assert result.exit_code == 0, result.output
    toml = (tmp_path / "某某县纪委监委2022年一季度" / "workreport.toml").read_text("utf-8")
    assert 'organisation = "某某县纪委监委"' in toml
    assert 'period = "2022Q1"' in toml

    assert run("init", tmp_path / "2022上半年汇报").exit_code == 0
    toml = (tmp_path / "2022上半年汇报" / "workreport.toml").read_text("utf-8")
    assert 'period = "2022H1"' in toml
    assert 'organisation = "xx市纪委监委"' in toml  # a placeholder, named by build


def test_a_project_without_a_period_in_its_name_is_asked_for_one(tmp_path):
    project = tmp_path / "汇报材料"
    assert run("init", project).exit_code == 0
    toml = (project / "workreport.toml").read_text("utf-8")
    assert '# period = "2022H1"' in toml and "\nperiod" not in toml
    result = run(
        "build", SAMPLE, "--config", project / "workreport.toml", "-o", tmp_path / "x.docx"
    )
    assert result.exit_code == 2 and "没有指定统计期间" in result.output


def test_placeholders_and_outdated_templates_are_named_and_updated(tmp_path):
    import shutil

    project = tmp_path / "2022上半年汇报"
    assert run("init", project).exit_code == 0
    # a project an older version made: its own text templates, no Word template
    toml = project / "workreport.toml"
    text = toml.read_text("utf-8").replace('word_template = "模板.docx"', "")
    toml.write_text(text.replace('# templates = "templates"', 'templates = "templates"'), "utf-8")
    # the project's copy of 02_progress.j2 as the first release wrote it
    old = "今年以来，查办问题线索{{ clues }}件。\n"
    (project / "templates" / "02_progress.j2").write_text(old, encoding="utf-8")
    shutil.copytree(SAMPLE, project / "收文", dirs_exist_ok=True)
    (project / "收文" / "workreport.toml").unlink()
    result = run(
        "build",
        project / "收文",
        "--config",
        project / "workreport.toml",
        "-o",
        tmp_path / "x.docx",
    )
    assert result.exit_code == 0, result.output
    assert "W216 警告：单位名称仍是占位的「xx市纪委监委」" in result.output
    assert "W217 警告：项目中的模板 02_progress.j2 来自旧版本" in result.output
    assert "init --update-templates" in result.output

    result = run("init", project, "--update-templates")
    assert result.exit_code == 0, result.output
    assert (project / "templates" / "旧版模板" / "02_progress.j2").read_text("utf-8") == old
    assert "{{ period.since }}" in (project / "templates" / "02_progress.j2").read_text("utf-8")
    result = run(
        "build",
        project / "收文",
        "--config",
        project / "workreport.toml",
        "-o",
        tmp_path / "y.docx",
    )
    assert "W217" not in result.output


def test_a_clause_that_spans_two_paragraphs_is_a_template_error(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "01.j2").write_text(
        "甲{% clause %}走访{{ activities.走访单位 }}个\n乙{% endclause %}。\n", encoding="utf-8"
    )
    config = tmp_path / "workreport.toml"
    config.write_text(f'[report]\nperiod = "2022H1"\ntemplates = "{folder.name}"\n', "utf-8")
    result = run("build", SAMPLE, "--config", config, "-o", tmp_path / "x.docx")
    assert result.exit_code == 1
    assert "模板错误：01.j2" in result.output and "须写在同一段" in result.output
    assert "\ue004" not in result.output


@pytest.mark.parametrize("text", ["0001", "0001H1", "0001-01-01..0001-12-31", "9999Q4", "1953"])
def test_a_period_outside_the_ledgers_years_is_a_usage_error(text):
    # issue 26: year 1 had no year before it for 同比 (exit 3); a ledger date lies in
    # 1954–2119, so a period outside those years could count nothing
    result = run("stats", SAMPLE, "--period", text)
    assert result.exit_code == 2, result.output
    assert f"统计期间「{text}」不在 1954 年至 2119 年之间" in result.output
    assert "Traceback" not in result.output and "程序内部错误" not in result.output
