"""A private-use character is the user's text (issue 24; SPEC Part III, hardening).

GB18030's 造字 live in the Private Use Area from U+E000, and planes 15 and 16 are private
use too: a unit's name or a template's sentence may hold one.  The renderer's own marks
(render/sections.py) must never be taken for them, nor they for marks.  Every test builds
a real draft and reads it back.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx

from conftest import SAMPLE, run
from test_drafts import append_activity
from workreport.config import load_config
from workreport.draft import Draft
from workreport.render.word_template import default_word_template

# the first 造字 code point, the renderer's former figure marks, a plane-15 and a plane-16
# character: each must come out as it went in
PRIVATE = "\ue000\ue001\ue002\ue005\ue00a\U000f0000\U000f0001\U00100005\U0010fffd"


def project(tmp_path: Path, organisation: str, templates: str = "") -> tuple[Path, Path]:
    data = tmp_path / "收文"
    shutil.copytree(SAMPLE, data, ignore=shutil.ignore_patterns("templates", "*.toml"))
    config = tmp_path / "workreport.toml"
    config.write_text(
        f'[report]\norganisation = "{organisation}"\nperiod = "2022H1"\ndate = 2022-07-05\n'
        + templates,
        encoding="utf-8",
    )
    return data, config


def shown(path: Path) -> list[str]:
    """What the draft shows, paragraph by paragraph (figures inside their marks too)."""
    return [text for _, text in Draft.open(path).visible()]


def test_private_use_characters_in_a_template_and_a_name_come_out_as_they_went_in(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "01.j2").write_text(
        f"{{{{ organisation }}}}{{{{ period.label }}}}受理问题线索{{{{ clues }}}}件，{PRIVATE}。\n"
        # a control character is not text: a .docx cannot hold it, and it is left out
        "一、重\x01点\x03工作\n"
        f"（一）{PRIVATE}。走访单位{{{{ activities.走访单位 }}}}个。\n",
        encoding="utf-8",
    )
    organisation = "xx\ue000镇\U000f0002纪委"
    data, config = project(tmp_path, organisation, 'templates = "tpl"\n')
    out = tmp_path / "汇报.docx"
    result = run("build", data, "--config", config, "-o", out)
    assert result.exit_code == 0, result.output

    text = shown(out)
    # sample_data: 86 clues, 55 units visited in 2022H1 (test_report.py)
    assert f"{organisation}2022年上半年受理问题线索86件，{PRIVATE}。" in text
    assert "一、重点工作" in text
    assert f"（一）{PRIVATE}。走访单位55个。" in text
    assert any(t == organisation for t in text)  # the 落款

    # and a refresh finds every figure again, the characters around them untouched
    append_activity(data / "城关镇纪委.xlsx", "走访单位", 5)
    refreshed = run("refresh", out, data, "--config", config)
    assert refreshed.exit_code == 0, refreshed.output
    assert f"（一）{PRIVATE}。走访单位60个。" in shown(out)


def test_private_use_characters_in_a_word_template_come_out_as_they_went_in(tmp_path):
    data, config = project(tmp_path, "xx县纪委监委")
    template = tmp_path / "模板.docx"
    template.write_bytes(default_word_template(SAMPLE / "templates", load_config(None).style))
    document = docx.Document(str(template))
    paragraph = next(p for p in document.paragraphs if "立足职责定位" in p.text)
    paragraph.runs[0].text = PRIVATE + paragraph.runs[0].text
    paragraph.add_run(f"加粗的{PRIVATE}").bold = True
    document.save(str(template))

    out = tmp_path / "汇报.docx"
    result = run("build", data, "--config", config, "-o", out, "--word-template", template)
    assert result.exit_code == 0, result.output
    text = next(t for t in shown(out) if "86件" in t)
    assert text.startswith(PRIVATE) and text.endswith(f"加粗的{PRIVATE}")
    bold = [
        r.text
        for p in docx.Document(str(out)).paragraphs
        for r in p.runs
        if r.bold and PRIVATE in r.text
    ]
    assert bold == [f"加粗的{PRIVATE}"]
