"""``check`` before a draft is sent, ``final`` for the copy that is sent (docs/drafts.md)."""

from __future__ import annotations

import json
import shutil

import docx
import pytest

from conftest import SAMPLE
from test_drafts import run
from test_office_suites import libreoffice
from workreport.check import id_number_valid
from workreport.draft import Draft

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NAME = "胡某辛"  # 被反映人 in sample_data/信访室.xlsx, 问题线索, row 4
VALID_ID = "11010519491231002X"  # the check digit is right (GB 11643-1999)


@pytest.fixture
def draft(tmp_path):
    """The sample's draft with the organisation filled in, as an analyst's project has it:
    the sample itself keeps the placeholder «xx市纪委监委», which check flags (C309)."""
    project = tmp_path / "收文"
    shutil.copytree(SAMPLE, project)
    toml = project / "workreport.toml"
    text = toml.read_text(encoding="utf-8").replace("xx市纪委监委", "江城市纪委监委")
    toml.write_text(text, encoding="utf-8")
    path = tmp_path / "汇报.docx"
    assert run("build", project, "-o", path).exit_code == 0
    return path


def check_json(*args) -> tuple[int, dict]:
    result = run("check", *args, "--format", "json")
    return result.exit_code, json.loads(result.output)


def places(found: dict, code: str) -> list[str]:
    return [f["place"] for f in found["must_fix"] + found["warnings"] if f["code"] == code]


def test_the_check_digit_tells_an_id_number_from_other_long_numbers():
    assert id_number_valid(VALID_ID) and id_number_valid(VALID_ID.lower())
    assert not id_number_valid("110105194912310021")  # wrong check digit
    assert not id_number_valid("XF2021001")


def test_a_clean_draft_passes(draft):
    result = run("check", draft, SAMPLE)
    assert result.exit_code == 0, result.output
    assert "没有发现问题" in result.output
    result = run("check", draft)
    assert result.exit_code == 0
    assert "人名检查未运行" in result.output


def test_a_name_from_the_ledgers_is_found_everywhere_and_never_printed(draft):
    document = docx.Document(str(draft))
    paragraph = next(p for p in document.paragraphs if "查办问题线索" in p.text)
    paragraph.add_run(f"其中{NAME}一案已移送。")
    document.add_comment(paragraph.runs[0], text=f"{NAME}的情况再核实", author="办公室")
    document.sections[0].header.paragraphs[0].add_run(f"经办：{NAME}")
    document.save(str(draft))

    code, found = check_json(draft, SAMPLE)
    assert code == 1
    names = [f for f in found["must_fix"] if f["code"] == "C306"]
    assert {f["place"][:2] for f in names} == {"正文", "批注", "页眉"}
    assert all(f["source"].startswith("信访室.xlsx / 问题线索 / 第4行（被反映人）") for f in names)
    assert places(found, "C303")  # the comment itself must go too
    table = run("check", draft, SAMPLE)
    assert table.exit_code == 1 and "C306" in table.output
    assert NAME not in table.output and NAME not in json.dumps(found, ensure_ascii=False)


def test_id_numbers_mobiles_tracked_changes_and_placeholders_must_be_fixed(draft):
    document = docx.Document(str(draft))
    paragraphs = document.paragraphs
    paragraphs[2].add_run(f"身份证{VALID_ID}，线索XF2021001，另号110105194912310021。")
    paragraphs[3].add_run("联系电话13812345678，编号213812345678。")
    paragraphs[4].add_run("【待补充：典型案例】")
    inserted = docx.oxml.parse_xml(
        f'<w:ins xmlns:w="{W[1:-1]}" w:id="901" w:author="审稿人" w:date="2022-07-01T00:00:00Z">'
        "<w:r><w:t>新增一句。</w:t></w:r></w:ins>"
    )
    paragraphs[5]._p.append(inserted)
    document.save(str(draft))

    code, found = check_json(draft)
    assert code == 1
    # paragraphs count as the check lists them: the non-empty ones
    assert places(found, "C304") == ["正文第2段"]  # the clue number and a bad one pass
    assert places(found, "C305") == ["正文第3段"]  # 213812345678 has a digit before it
    assert places(found, "C301") == ["正文第4段"]
    assert places(found, "C302") == ["全文"]
    assert found["names_checked"] is False


def test_worth_a_look_zero_and_figure_typed_by_hand_must_fix_early_signing_date(draft):
    document = docx.Document(str(draft))
    sdt = next(
        s
        for s in document.element.body.iter(f"{W}sdt")
        if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "activities.走访单位"
    )
    sdt.find(f".//{W}t").text = "66"  # typed by hand: the ledgers say 55
    document.paragraphs[3].add_run("全年查处0件。")
    signing = next(t for t in document.element.body.iter(f"{W}t") if t.text == "2022年7月5日")
    signing.text = "2022年6月1日"
    document.save(str(draft))

    code, found = check_json(draft, SAMPLE)
    assert code == 1  # a draft signed before its period ends must be fixed (C308)
    assert [(f["code"], f["place"], f["message"]) for f in found["must_fix"]] == [
        ("C308", "落款", "落款日期 2022-06-01 早于统计期间结束日 2022-06-30")
    ]
    assert places(found, "C321") == ["正文第3段"]
    typed = [f for f in found["warnings"] if f["code"] == "C322"]
    assert [f["message"] for f in typed] == ["稿中为「66」，台账计算为「55」"]


def visible_text(path) -> list[str]:
    return Draft.open(path).paragraphs() if path.suffix else []


def test_final_is_plain_and_shows_the_same_text(draft, tmp_path):
    before = draft.read_bytes()
    sent = tmp_path / "报送稿.docx"
    result = run("final", draft, "-o", sent)
    assert result.exit_code == 0, result.output
    assert draft.read_bytes() == before  # the draft itself is never modified

    body = docx.Document(str(sent)).element.body
    assert list(body.iter(f"{W}sdt")) == []
    assert [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")] == []
    assert list(body.iter(f"{W}tblCaption")) == []
    with __import__("zipfile").ZipFile(sent) as z:
        custom = (
            z.read("docProps/custom.xml").decode() if "docProps/custom.xml" in z.namelist() else ""
        )
    assert "workreport" not in custom
    plain = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]
    assert [t for t in plain if t.strip()] == Draft.open(draft).paragraphs()
    run_ = run("refresh", sent, SAMPLE)  # no longer a draft of ours
    assert run_.exit_code == 1 and "不是 workreport 生成的稿件" in run_.output


def test_final_refuses_while_something_must_be_fixed_unless_forced(draft, tmp_path):
    document = docx.Document(str(draft))
    document.paragraphs[4].add_run("【待补充：典型案例】")
    document.save(str(draft))
    sent = tmp_path / "报送稿.docx"
    result = run("final", draft, "-o", sent)
    assert result.exit_code == 1
    assert "C301" in result.output and "--force" in result.output
    assert not sent.exists()
    result = run("final", draft, "-o", sent, "--force")
    assert result.exit_code == 0 and "C301" in result.output
    assert sent.is_file()


def test_final_pdf_through_libreoffice(draft, tmp_path):
    libreoffice()
    sent = tmp_path / "报送稿.docx"
    result = run("final", draft, "-o", sent, "--pdf")
    assert result.exit_code == 0, result.output
    assert sent.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", str(sent.with_suffix(".pdf")), "-"], capture_output=True, text=True
        ).stdout
        assert "重点工作推进情况" in text.replace(" ", "")


def test_final_pdf_without_libreoffice_says_so(draft, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    sent = tmp_path / "报送稿.docx"
    result = run("final", draft, "-o", sent, "--pdf")
    assert result.exit_code == 1
    assert "没有安装 LibreOffice" in result.output
    assert sent.is_file() and not sent.with_suffix(".pdf").exists()


def test_final_never_replaces_an_existing_copy_unless_told_to_and_backs_it_up(
    draft, tmp_path, monkeypatch
):
    """An existing 报送稿 (or its PDF) may hold corrections made by hand after the last
    final: refused like build refuses (exit 2), --overwrite backs it up first."""
    sent = tmp_path / "报送稿.docx"
    assert run("final", draft, "-o", sent).exit_code == 0
    document = docx.Document(str(sent))
    document.paragraphs[1].add_run("（领导改过的一句）")
    document.save(str(sent))
    edited = sent.read_bytes()

    result = run("final", draft, "-o", sent)
    assert result.exit_code == 2, result.output
    assert "已存在，未覆盖" in result.output and "--overwrite" in result.output
    assert sent.read_bytes() == edited
    # --force means «despite what check finds», never «over an existing file»
    assert run("final", draft, "-o", sent, "--force").exit_code == 2
    assert sent.read_bytes() == edited

    pdf = sent.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.4 a PDF someone made")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no LibreOffice run for this
    result = run("final", draft, "-o", sent, "--pdf", "--overwrite")
    backup = tmp_path / "报送稿.v1.docx"
    assert backup.read_bytes() == edited
    assert (tmp_path / "报送稿.v1.pdf").read_bytes() == b"%PDF-1.4 a PDF someone made"
    assert "报送稿.v1.docx" in result.output
    assert sent.read_bytes() != edited


def test_final_refuses_an_existing_pdf_before_writing_anything(draft, tmp_path):
    sent = tmp_path / "报送稿.docx"
    sent.with_suffix(".pdf").write_bytes(b"%PDF-1.4 a PDF someone made")
    result = run("final", draft, "-o", sent, "--pdf")
    assert result.exit_code == 2
    assert "报送稿.pdf" in result.output and not sent.exists()
