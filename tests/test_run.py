"""One run at the centre (run.py): the library and the command line say the same things,
every precedence lives in one function, and check reads names in clear whatever it is
handed."""

from __future__ import annotations

import re
import shutil
from datetime import date

import docx
import pytest

import workreport
from conftest import SAMPLE, W, run
from workreport.check import check_draft
from workreport.cli import cli
from workreport.config import Config, load_config
from workreport.period import parse_period
from workreport.refresh import refresh_draft
from workreport.report import build_report
from workreport.run import Request, Run, choose_period, choose_signed

# what every warning line and every row of a warnings table starts its problem with
CODE = re.compile(r"\b([WE]\d{3}) (?:警告|错误)：")
# the project file of these tests: one key the tool does not know (W285)
TOML = '[report]\nperiod = "2022H1"\ndate = 2022-07-05\ntitel = "错拼的键"\n'
# the same with the organisation filled in, so that check finds no placeholder (C309)
# the sample's own templates: the seed's text, no 【请填写】 prompt for check to list
NAMED = TOML.replace(
    "[report]\n",
    f'[report]\norganisation = "江城市纪委监委"\ntemplates = "{(SAMPLE / "templates").as_posix()}"\n',
)


@pytest.fixture
def project(tmp_path):
    data = tmp_path / "收文"
    shutil.copytree(SAMPLE, data)
    (data / "workreport.toml").write_text(TOML, encoding="utf-8")
    return data


def codes_printed(output: str) -> list[str]:
    return CODE.findall(output)


def announced(output: str) -> int:
    """The count in «提示：N 个警告»."""
    return int(re.search(r"提示：(\d+) 个警告", output)[1])


def test_build_says_the_same_in_the_library_and_on_the_command_line(project, tmp_path):
    result = build_report([project], tmp_path / "库.docx", period="2022Q3", signed="2022-09-01")
    printed = run(
        "build", project, "-o", tmp_path / "命令.docx", "-p", "2022Q3", "--date", "2022-09-01"
    )

    assert printed.exit_code == 0, printed.output
    codes = [i.code for i in result.issues]
    # the sample at 2022Q3, signed before the quarter ends: the project file's unknown
    # key, two 合计 rows, the 案管室's warnings at 2022-09-30 once per code (12 clues
    # undisposed, 17 on hold), the placeholder organisation, the early date, zeros in the
    # prose and the items left out for 0; the six partial columns give no W230, since the
    # 汇报 draft shows none of their figures (SPEC Part III)
    assert codes == ["W285", "W201", "W201", "W242", "W243", "W216", "W210", "W211", "W212"]
    assert codes_printed(printed.output) == codes
    assert announced(printed.output) == len(codes) == 9
    assert result.issues[3].message == (
        "12 处：受理后超过期限（默认 30 天）仍未填写处置方式（基准日 2022-09-30；"
        "见数据底稿的「交叉核对」表和 workreport validate 的清单）"
    )


def test_quiet_keeps_only_what_changes_a_numbers_meaning(project, tmp_path):
    printed = run("build", project, "-o", tmp_path / "汇报.docx", "-p", "2022Q3", "--quiet")

    assert printed.exit_code == 0
    assert "个警告" not in printed.output
    # W201, W211, W212 and W216 are for a reader with time; the file's ignored key and a
    # date before the period's end change what the draft says (a partial figure too, but
    # the 汇报 draft shows none)
    assert codes_printed(printed.output) == ["W285", "W210"]


def edit_figures(draft) -> None:
    """A figure retyped inside its tag (W280), another's tag deleted (W281), the
    appendix changed by hand (W282)."""
    document = docx.Document(str(draft))
    controls = {
        s.find(f"{W}sdtPr/{W}tag").get(f"{W}val"): s for s in document.element.body.iter(f"{W}sdt")
    }
    controls["activities.走访单位"].find(f".//{W}t").text = "55（含重复走访3个）"
    closed = controls["cases_closed"]
    closed.getparent().remove(closed)
    document.tables[-1].rows[1].cells[1].text = "999"
    document.save(str(draft))


def test_refresh_says_the_same_in_the_library_and_on_the_command_line(project, tmp_path):
    first = tmp_path / "库.docx"
    assert run("build", project, "-o", first).exit_code == 0
    edit_figures(first)
    second = tmp_path / "命令.docx"
    shutil.copy(first, second)

    result = refresh_draft(first, [project], period="2022Q3")
    printed = run("refresh", second, project, "-p", "2022Q3")

    assert printed.exit_code == 0, printed.output
    codes = [i.code for i in result.issues]
    assert codes[:8] == ["W285", "W201", "W201", "W242", "W243", "W280", "W281", "W282"]
    assert "W230" not in codes  # the 汇报 draft shows no figure of only some units
    assert "W215" in codes  # the period differs from the draft's own
    assert codes_printed(printed.output) == codes
    assert announced(printed.output) == len(codes)
    kept = next(i for i in result.issues if i.code == "W280")
    # typed words are not a figure: said by place, never printed (they may hold a name)
    assert "的文字不是数字，不显示" in kept.message and "重复走访" not in kept.message


def test_check_says_the_same_in_the_library_and_on_the_command_line(project, tmp_path):
    (project / "workreport.toml").write_text(NAMED, encoding="utf-8")
    draft = tmp_path / "汇报.docx"
    assert run("build", project, "-o", draft).exit_code == 0
    document = docx.Document(str(draft))
    document.paragraphs[2].add_run("联系电话13812345678。")
    document.save(str(draft))

    result = check_draft(draft, [project])
    printed = run("check", draft, project)

    assert printed.exit_code == 1
    assert [i.code for i in result.issues] == ["W285"]
    assert codes_printed(printed.output) == ["W285"]
    findings = [f.code for f in result.findings]
    # C326: the 案管室's warnings of the sample's ledgers (docs/rules.md, 交叉核对)
    assert findings == ["C305", "C326"]
    assert re.findall(r"\bC3\d\d\b", printed.output) == findings


def a_name_from_the_ledgers(folder) -> str:
    run_ = Run.open([folder])
    frame = run_.checked(clear_names=True).loaded.frames["clues"]
    return next(v for v in frame["被反映人"] if isinstance(v, str))


def test_check_reads_the_names_in_clear_however_it_is_called(project, tmp_path):
    (project / "workreport.toml").write_text(NAMED, encoding="utf-8")
    draft = tmp_path / "汇报.docx"
    # the command's build fills the cache, whose names are keyed hashes
    assert run("build", project, "-o", draft).exit_code == 0
    assert list((project / ".workreport-cache").glob("*.wrc"))
    document = docx.Document(str(draft))
    document.paragraphs[2].add_run(f"{a_name_from_the_ledgers(project)}的问题。")
    document.save(str(draft))
    config = load_config(project / "workreport.toml")

    by_path = check_draft(draft, [project], config=project / "workreport.toml")
    by_config = check_draft(draft, [project], config=config)
    found = run("check", draft, project)

    assert [f.code for f in by_path.must_fix] == ["C306"]
    assert [f.code for f in by_config.must_fix] == ["C306"]
    # and the sample's 案管室 warnings, worth a look (C326)
    assert found.exit_code == 1 and re.findall(r"\bC3\d\d\b", found.output) == ["C306", "C326"]
    # a project is what the file says; whether to use the cache is a run's, not the
    # project's, so no configuration can carry it into check
    assert "cache" not in Config.__dataclass_fields__


def test_a_run_asked_for_the_cache_still_reads_names_in_clear_for_check(project):
    name = a_name_from_the_ledgers(project)
    cached = Run.open([project], request=Request(cache=True))

    hashed = cached.checked().loaded.frames["clues"]["被反映人"]
    clear = cached.checked(clear_names=True).loaded.frames["clues"]["被反映人"]

    assert name not in set(hashed) and name in set(clear)


H1, Q3 = parse_period("2022H1"), parse_period("2022Q3")


def test_the_period_is_the_option_then_the_drafts_then_the_project_files():
    project_file = Config(period=H1)
    assert choose_period(Q3, project_file, draft=parse_period("2022")) == Q3
    assert choose_period(None, project_file, draft=Q3) == Q3
    assert choose_period(None, project_file) == H1
    assert choose_period(None, Config()) is None


def test_the_signing_date_is_the_option_then_the_project_files_then_the_drafts():
    project_file = Config(report_date=date(2022, 7, 5))
    asked, drafts = date(2022, 7, 10), date(2022, 7, 1)
    assert choose_signed(asked, project_file, draft=drafts) == asked
    assert choose_signed(None, project_file, draft=drafts) == date(2022, 7, 5)
    assert choose_signed(None, Config(), draft=drafts) == drafts
    assert choose_signed(None, Config()) == date.today()


def test_a_request_reads_what_the_user_writes():
    request = Request.of(period="2022年一季度", signed="2022年4月8日", preset="通报")
    assert (request.period, request.signed) == (parse_period("2022Q1"), date(2022, 4, 8))
    with pytest.raises(workreport.WorkreportError) as bad_date:
        Request.of(signed="下周一")
    with pytest.raises(workreport.WorkreportError) as bad_preset:
        Request.of(preset="简报")
    assert bad_date.value.exit_code == bad_preset.value.exit_code == 2


# every command and the library function it is a verb over (docs/rules.md, 命令行)
LIBRARY = {
    "build": "build_report",
    "stats": "compute_stats",
    "validate": "validate_ledgers",
    "export": "export_figures",
    "refresh": "refresh_draft",
    "diff": "diff_drafts",
    "check": "check_draft",
    "final": "final_copy",
    "template": "write_ledger_template",
    "word-template": "write_word_template",
    "init": "init_project",
    "cache": "cache_status",
    "map": "propose_profile",
    "reconcile": "reconcile_inputs",
}


def test_every_command_has_a_library_function():
    assert set(LIBRARY) == set(cli.commands)
    for name in LIBRARY.values():
        assert name in workreport.__all__ and callable(getattr(workreport, name)), name
    assert callable(workreport.list_figures) and callable(workreport.update_templates)


def test_the_library_functions_of_the_small_commands(tmp_path):
    template = workreport.write_ledger_template(tmp_path / "台账模板.xlsx")
    word = workreport.write_word_template(tmp_path / "模板.docx")
    again = workreport.write_word_template(tmp_path / "模板.docx", force=True)
    made = workreport.init_project(tmp_path / "xx县纪委监委2022年一季度")
    listing = {f.id: f for f in workreport.list_figures()}

    assert template.output.is_file() and template.backup is None
    assert word.output.is_file() and again.backup == tmp_path / "模板.v1.docx"
    assert tmp_path / "xx县纪委监委2022年一季度" / "workreport.toml" in made
    toml = (tmp_path / "xx县纪委监委2022年一季度" / "workreport.toml").read_text(encoding="utf-8")
    assert 'organisation = "xx县纪委监委"' in toml and 'period = "2022Q1"' in toml
    assert workreport.update_templates(tmp_path / "xx县纪委监委2022年一季度") == []
    assert (listing["clues"].label, listing["clues"].unit) == ("受理问题线索", "件")


def test_validate_annotates_and_the_cache_is_described_and_cleared(book, tmp_path):
    book("一室", {"谈话": [["2022-13-01", "廉政谈话", 1, None]]})

    checked = workreport.validate_ledgers([book.folder], annotate=tmp_path / "退回", cache=True)
    held = workreport.cache_status([book.folder])
    cleared = workreport.cache_status([book.folder], clear=True)

    assert [i.code for i in checked.issues] == ["E103"]
    assert [p.name for p in checked.annotated] == ["一室.xlsx"]
    assert held.entries == 1 and held.folder == book.folder / ".workreport-cache"
    assert cleared.cleared == 1 and not held.folder.exists()


def test_every_refusal_to_overwrite_is_a_usage_error(project, tmp_path):
    draft = tmp_path / "汇报.docx"
    assert run("build", project, "-o", draft).exit_code == 0
    document = docx.Document(str(draft))
    document.add_paragraph("领导批示：请补充典型案例。")
    document.save(str(draft))
    (tmp_path / "台账.xlsx").write_bytes(b"a filled ledger")
    (tmp_path / "模板.docx").write_bytes(b"an edited template")
    assert run("init", tmp_path / "项目").exit_code == 0

    refusals = {
        "build": run("build", project, "-o", draft),
        "template": run("template", "-o", tmp_path / "台账.xlsx"),
        "word-template": run("word-template", "-o", tmp_path / "模板.docx"),
        "init": run("init", tmp_path / "项目"),
        "validate --annotate": run("validate", project, "--annotate", project / "退回"),
    }

    assert {command: r.exit_code for command, r in refusals.items()} == dict.fromkeys(refusals, 2)
    assert (tmp_path / "台账.xlsx").read_bytes() == b"a filled ledger"
    assert (tmp_path / "模板.docx").read_bytes() == b"an edited template"
