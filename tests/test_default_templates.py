"""The shipped default set is true for any unit and any period (docs/templates.md, 默认模板).

The sample keeps the seed through its own templates (test_report.py); here the sample's
ledgers are built with the shipped set for a 区, a 县 and a 省, for a half-year and a
whole year, and no claim of the seed's unit is left in the draft.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE, W, paragraphs, run
from workreport.config import packaged_templates
from workreport.render.sections import render_sections
from workreport.render.values import Fig

# what the seed's unit did or called its own, and figures said as more than they count
SEED_CLAIMS = (
    "总结会",
    "近期",
    "“四三”",
    "内网",
    "两函一书",
    "每季一案",
    "以案三促",
    "一听二评三谋划",
    "4+2",
    "教体局",
    "考核结果靠后",
    "查办问题线索",
    "四种形态处理",
    "人（次）",
    "中纪委",
    "《警惕",
    "《漫画说纪》",
    "我省",
    "黑土地",
)
PROMPTS = ("【请填写：汇报缘由", "【请填写：本期工作存在的主要问题", "【请填写：下步工作打算")


def draft(tmp_path: Path, organisation: str, period: str, signed: str, extra: str = ""):
    """The sample's ledgers, the shipped templates, another unit and period."""
    data = tmp_path / "收文"
    data.mkdir()
    for path in SAMPLE.glob("*.xlsx"):
        shutil.copy(path, data)
    config = tmp_path / "workreport.toml"
    config.write_text(
        f'[report]\norganisation = "{organisation}"\nperiod = "{period}"\ndate = {signed}\n{extra}',
        encoding="utf-8",
    )
    out = tmp_path / "汇报.docx"
    result = run("build", data, "--config", config, "-o", out)
    assert result.exit_code == 0, result.output
    return out, "\n".join(paragraphs(out)), result.output


@pytest.mark.parametrize(
    ("organisation", "period", "signed", "label"),
    [
        ("xx区纪委监委", "2022", "2023-01-10", "2022年"),
        ("xx县纪委监委", "2022H1", "2022-07-05", "2022年上半年"),
        ("xx省纪委监委", "2022Q3", "2022-10-09", "2022年三季度"),
    ],
)
def test_a_new_project_states_nothing_its_data_cannot_support(
    tmp_path, organisation, period, signed, label
):
    _, text, _ = draft(tmp_path, organisation, period, signed)
    assert [claim for claim in SEED_CLAIMS if claim in text] == []
    assert all(prompt in text for prompt in PROMPTS)
    # the opening names the period, whatever it is
    assert f"现将{organisation}{label}重点工作推进情况和下步工作打算汇报如下。" in text
    assert "受理问题线索" in text and "人次" in text


def test_a_district_speaks_of_its_towns_and_streets(tmp_path):
    _, text, output = draft(tmp_path, "xx区纪委监委", "2022", "2023-01-10")
    assert "个镇（街道）的党（工）委书记开展党风廉政建设专题述责" in text
    assert "加强对镇（街道）纪（工）委的指导" in text  # an example inside a prompt
    assert "乡镇" not in text and "W229" not in output


def test_a_province_has_inspection_tours_and_no_province_above_it(tmp_path):
    _, text, _ = draft(tmp_path, "xx省纪委监委", "2022", "2023-01-10")
    assert "用好巡视监督" in text and "加强巡视与其他监督贯通融合" in text
    assert "巡察" not in text.replace("巡视巡察移交", "")  # the figure counts both
    assert "省、市" not in text and "省纪委监委" not in text.replace("xx省纪委监委", "")
    assert "中央纪委国家监委" in text


def test_a_level_against_the_organisations_name_warns(tmp_path):
    _, text, output = draft(tmp_path, "xx区纪委监委", "2022", "2023-01-10", 'level = "县"\n')
    assert (
        "W229 警告：[report] level 写的是「县」，而单位名称「xx区纪委监委」是区级："
        "稿中的层级用语按「县」写，请核对"
    ) in output
    assert "个乡镇的党委书记" in text


def test_a_project_changes_one_word_of_its_level(tmp_path):
    extra = '[levels."区"]\n"上级" = "中央纪委国家监委、市纪委监委"\n'  # a 直辖市's 区
    _, text, _ = draft(tmp_path, "xx区纪委监委", "2022", "2023-01-10", extra)
    assert "被中央纪委国家监委、市纪委监委刊发" in text and "省纪委监委" not in text
    assert "镇（街道）" in text  # the rest of the row stays


def test_prompts_are_highlighted_and_must_be_fixed(tmp_path):
    out, _, _ = draft(tmp_path, "xx县纪委监委", "2022", "2023-01-10")
    body = docx.Document(str(out)).element.body
    prompts = [
        r
        for r in body.iter(f"{W}r")
        if "".join(t.text or "" for t in r.iter(f"{W}t")).startswith("【请填写")
    ]
    assert len(prompts) == 6
    assert all(r.find(f"{W}rPr/{W}highlight") is not None for r in prompts)
    result = run("check", out, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert sum(f["code"] == "C301" for f in found["must_fix"]) >= 1


COUNTED = (
    '{% item "一是" %}抓好“{% kept %}类教育”。'
    "{% clause %}政策学习{{ a }}次{% endclause %}；"
    "{% clause %}党纪学习{{ b }}次{% endclause %}；"
    "{% clause %}警示教育{{ c }}次{% endclause %}。{% enditem %}\n"
)


def counted(tmp_path: Path, a: int, b: int, c: int) -> str:
    (tmp_path / "01.j2").write_text(COUNTED, encoding="utf-8")
    context = {k: Fig(k, v, None, k) for k, v in {"a": a, "b": b, "c": c}.items()}
    blocks, _ = render_sections(tmp_path, context)
    return blocks[0].text


def test_a_counted_lead_in_agrees_with_the_items_kept(tmp_path):
    three = "一是抓好“三类教育”。政策学习1次；党纪学习2次；警示教育3次。"
    assert counted(tmp_path, 1, 2, 3) == three
    assert counted(tmp_path, 1, 0, 3) == "一是抓好“两类教育”。政策学习1次；警示教育3次。"
    assert counted(tmp_path, 0, 0, 3) == "一是抓好“一类教育”。警示教育3次。"


def test_the_default_templates_use_the_counted_lead_in():
    text = (packaged_templates() / "02_progress.j2").read_text(encoding="utf-8")
    assert "抓好“{% kept %}类教育”" in text and "“三类" not in text and "“三个" not in text


# ASCII punctuation or a space next to a Chinese character (GB/T 9704: full-width in Chinese text)
HALF_WIDTH = re.compile(
    r"[\u4e00-\u9fff“”（）。，；：、][ ,;:()!?]|[ ,;:()!?][\u4e00-\u9fff“”（）]"
)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
NUMBER_AND_SPACE = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）)\s"
)


def test_every_shipped_template_uses_full_width_punctuation():
    folder = packaged_templates()
    shipped = [*folder.glob("*.j2"), *folder.glob("*/*.j2")]
    assert len(shipped) >= 5
    found = [
        (path.name, m[0])
        for path in shipped
        for line in JINJA.sub("", path.read_text(encoding="utf-8")).splitlines()
        for m in HALF_WIDTH.finditer(line)
    ]
    assert found == []


def test_a_default_draft_is_numbered_and_punctuated_after_gbt_9704(tmp_path):
    out, _, _ = draft(tmp_path, "xx区纪委监委", "2022", "2023-01-10")
    texts = paragraphs(out)
    body = texts[: texts.index("xx区纪委监委")]
    assert [m[0] for p in body for m in HALF_WIDTH.finditer(p)] == []
    assert [p for p in body if NUMBER_AND_SPACE.match(p)] == []
    # 一、 → （一）: no （1） straight under a 一、
    assert not any(p.startswith("（1）") for p in body)
    assert [p[:3] for p in body if p.startswith("（")] == ["（一）", "（二）", "（三）"]


def test_the_document_turns_off_cjk_latin_autospace(tmp_path):
    out, _, _ = draft(tmp_path, "xx县纪委监委", "2022H1", "2022-07-05")
    defaults = docx.Document(str(out)).styles.element.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    normal = docx.Document(str(out)).styles["Normal"].element.find(f"{W}pPr")
    for tag in ("autoSpaceDE", "autoSpaceDN"):
        assert defaults.find(f"{W}{tag}").get(f"{W}val") == "0"
        assert normal.find(f"{W}{tag}").get(f"{W}val") == "0"  # WPS reads the styles


SECOND_RELEASE = (
    "{# workreport 默认模板 第二版：为零的内容用 clause、item 标出，见 docs/templates.md #}"
)


def test_an_older_project_moves_to_the_new_set_with_a_backup(tmp_path):
    project = tmp_path / "项目"
    assert run("init", project).exit_code == 0
    toml = project / "workreport.toml"
    text = toml.read_text("utf-8").replace('word_template = "模板.docx"', "")
    toml.write_text(text.replace('# templates = "templates"', 'templates = "templates"'), "utf-8")
    # the project's copies as the second release wrote them: the seed's own text
    for path in (SAMPLE / "templates").glob("*.j2"):
        lines = path.read_text(encoding="utf-8").split("\n")
        old = "\n".join([SECOND_RELEASE, *lines[1:]])
        (project / "templates" / path.name).write_text(old, encoding="utf-8")
    data = project / "收文"
    for path in SAMPLE.glob("*.xlsx"):
        shutil.copy(path, data)
    result = run("build", data, "--config", toml, "-p", "2022H1", "-o", tmp_path / "旧.docx")
    assert result.exit_code == 0, result.output
    assert (
        "W217 警告：项目中的模板 01_opening.j2、02_progress.j2、03_problems.j2、04_plans.j2 来自旧版本"
        in (result.output)
    )

    assert run("init", project, "--update-templates").exit_code == 0
    kept = project / "templates" / "旧版模板" / "01_opening.j2"
    assert kept.read_text("utf-8").startswith(SECOND_RELEASE)
    result = run("build", data, "--config", toml, "-p", "2022H1", "-o", tmp_path / "新.docx")
    assert result.exit_code == 0, result.output
    assert "W217" not in result.output
    assert "【请填写：汇报缘由" in "\n".join(paragraphs(tmp_path / "新.docx"))


def c324(draft_path: Path, *ledgers) -> list[str]:
    found = json.loads(run("check", draft_path, *ledgers, "--format", "json").output)
    return [f["place"] for f in found["warnings"] if f["code"] == "C324"]


def test_check_names_paragraphs_still_as_the_default_set_wrote_them(tmp_path):
    # docs/templates.md, 默认模板: C324, worth a look.  The default set's opening
    # paragraph of part 一 has no prompt: a fresh draft keeps it word for word, figures aside
    out, text, _ = draft(tmp_path, "xx县纪委监委", "2022H1", "2022-07-05")
    opening = next(p for p in paragraphs(out) if "立足职责定位" in p)
    place = f"正文第{[p for p in paragraphs(out) if p.strip()].index(opening) + 1}段"
    assert c324(out) == [place]
    # new figures and period words after a refresh are still the default's words
    config = tmp_path / "workreport.toml"
    refreshed = run("refresh", out, tmp_path / "收文", "--config", config, "--period", "2022")
    assert refreshed.exit_code == 0, refreshed.output
    assert next(p for p in paragraphs(out) if "立足职责定位" in p) != opening
    assert c324(out) == [place]
    # a person's words are their own
    document = docx.Document(str(out))
    paragraph = next(p for p in document.paragraphs if "立足职责定位" in p.text)
    run_ = next(r for r in paragraph.runs if "立足职责定位" in r.text)
    run_.text = run_.text.replace("立足职责定位", "聚焦主责主业")
    document.save(str(out))
    assert c324(out) == []


def test_the_seed_s_own_templates_are_not_the_default_set(tmp_path):
    out = tmp_path / "汇报.docx"
    assert run("build", SAMPLE, "-o", out).exit_code == 0
    assert c324(out) == []
