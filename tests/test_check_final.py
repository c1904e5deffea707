"""``check`` before a draft is sent, ``final`` for the copy that is sent (docs/drafts.md)."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import docx
import lxml.etree
import pytest

from conftest import SAMPLE
from test_drafts import run
from test_office_suites import libreoffice
from workreport.check import id_number_valid
from workreport.draft import Draft

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NAME = "胡某辛"  # 被反映人 in sample_data/信访室.xlsx, 问题线索, row 4
VALID_ID = "11010519491231002X"  # the check digit is right (GB 11643-1999)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample's draft and its 底稿, built once for the module, with the organisation
    filled in as an analyst's project has it: the sample itself keeps the placeholder
    «xx市纪委监委», which check flags (C309)."""
    folder = tmp_path_factory.mktemp("check-final")
    project = folder.parent / f"{folder.name}-收文"
    shutil.copytree(SAMPLE, project)
    toml = project / "workreport.toml"
    text = toml.read_text(encoding="utf-8").replace("xx市纪委监委", "江城市纪委监委")
    toml.write_text(text, encoding="utf-8")
    path = folder / "汇报.docx"
    assert run("build", project, "-o", path).exit_code == 0
    return path


@pytest.fixture
def draft(built, tmp_path):
    """A copy of the sample's draft (and its 底稿) of the test's own."""
    for source in built.parent.iterdir():
        shutil.copyfile(source, tmp_path / source.name)
    return tmp_path / built.name


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
    # the sample's ledgers draw the 案管室's warnings a real office has: worth a look only
    # (W242 7, W243 12 at 2022-06-30: docs/rules.md, 交叉核对)
    code, found = check_json(draft, SAMPLE)
    assert found["must_fix"] == []
    assert [(f["code"], f["message"]) for f in found["warnings"]] == [
        (
            "C326",
            "台账有 19 处案管室交叉核对的警告（W242 7 处、W243 12 处），可用 workreport validate 查看位置",
        )
    ]
    assert "没有必须修改的问题。" in result.output
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


@pytest.fixture(scope="module")
def sent_with_pdf(built, tmp_path_factory) -> Path:
    """``final --pdf`` of the sample's draft, run once for the module: a LibreOffice
    conversion is the dearest step here, and the two tests that read its PDF only read it
    (each test that runs final differently still runs its own)."""
    libreoffice()
    folder = tmp_path_factory.mktemp("final-pdf")
    for source in built.parent.iterdir():
        shutil.copyfile(source, folder / source.name)
    sent = folder / "报送稿.docx"
    result = run("final", folder / built.name, "-o", sent, "--pdf")
    assert result.exit_code == 0, result.output
    return sent


def test_final_pdf_through_libreoffice(sent_with_pdf):
    sent = sent_with_pdf
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


REMOTE = "http://203.0.113.9/x"  # TEST-NET-3: nothing answers there, and nothing may ask
NS = (
    f'xmlns:w="{W[1:-1]}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
TEMPLATE_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)


def with_external_links(path):
    """A draft a person linked things into: a picture linked rather than embedded, a VML
    picture, INCLUDEPICTURE fields (complex and simple), a remote attached template."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = docx.Document(str(path))
    part = document.part
    linked = part.relate_to(f"{REMOTE}/a.png", RT.IMAGE, is_external=True)
    vml = part.relate_to(f"{REMOTE}/b.png", RT.IMAGE, is_external=True)
    settings_part = part._settings_part
    template = settings_part.relate_to(f"{REMOTE}/t.dotm", TEMPLATE_REL, is_external=True)
    ns = NS
    paragraphs = document.paragraphs
    paragraphs[2]._p.append(
        docx.oxml.parse_xml(
            f"<w:r {ns}><w:drawing><wp:inline><wp:extent cx='9525' cy='9525'/>"
            "<wp:docPr id='901' name='p'/><a:graphic><a:graphicData "
            "uri='http://schemas.openxmlformats.org/drawingml/2006/picture'><pic:pic>"
            f"<pic:nvPicPr><pic:cNvPr id='901' name='p'/><pic:cNvPicPr/></pic:nvPicPr>"
            f"<pic:blipFill><a:blip r:link='{linked}'/></pic:blipFill><pic:spPr/>"
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )
    )
    paragraphs[3]._p.append(
        docx.oxml.parse_xml(
            f"<w:r {ns}><w:pict><v:shape style='width:1pt;height:1pt'>"
            f"<v:imagedata r:id='{vml}'/></v:shape></w:pict></w:r>"
        )
    )
    for xml in (
        f'<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {ns}><w:instrText xml:space="preserve"> INCLUDEPICTURE "{REMOTE}/c.png" '
        "\\d </w:instrText></w:r>",
        f'<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {ns}><w:t>（图）</w:t></w:r>",
        f'<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraphs[4]._p.append(docx.oxml.parse_xml(xml))
    paragraphs[5]._p.append(
        docx.oxml.parse_xml(
            f'<w:fldSimple {ns} w:instr=" INCLUDETEXT &quot;{REMOTE}/d.docx&quot; ">'
            "<w:r><w:t>（附件）</w:t></w:r></w:fldSimple>"
        )
    )
    settings = document.settings.element
    attached = settings.makeelement(f"{W}attachedTemplate")
    attached.set(
        "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", template
    )
    settings.append(attached)
    document.save(str(path))


def test_check_lists_external_links_and_final_drops_every_one(draft, tmp_path):
    with_external_links(draft)
    code, found = check_json(draft)
    assert code == 1
    links = [(f["place"], f["message"]) for f in found["must_fix"] if f["code"] == "C310"]
    assert sorted(links) == sorted(
        [
            ("正文", "有链接的图片，打开或转换时会访问外部地址（报送稿中将去掉）"),
            ("正文", "有链接的图片，打开或转换时会访问外部地址（报送稿中将去掉）"),
            ("文档设置", "有附加的外部模板，打开或转换时会访问外部地址（报送稿中将去掉）"),
            (
                "正文",
                "有INCLUDEPICTURE 域（引用外部文件），打开或转换时会访问外部地址（报送稿中将去掉）",
            ),
            (
                "正文",
                "有INCLUDETEXT 域（引用外部文件），打开或转换时会访问外部地址（报送稿中将去掉）",
            ),
        ]
    )
    assert REMOTE not in json.dumps(found)

    sent = tmp_path / "报送稿.docx"
    assert run("final", draft, "-o", sent).exit_code == 1  # must be fixed first
    result = run("final", draft, "-o", sent, "--force")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(sent) as z:
        package = {name: z.read(name).decode("utf-8", "replace") for name in z.namelist()}
    assert not [name for name, xml in package.items() if REMOTE in xml]
    assert not [name for name, xml in package.items() if 'TargetMode="External"' in xml]
    body = package["word/document.xml"]
    assert (
        "INCLUDE" not in body
        and "r:link" not in body
        and "attachedTemplate" not in package["word/settings.xml"]
    )
    shown = "".join(Draft.open(draft).paragraphs())
    assert "（图）" in shown and "（附件）" in shown  # what the fields last showed stays
    sent_text = "".join(p.text for p in docx.Document(str(sent)).paragraphs)
    assert "（图）" in sent_text and "（附件）" in sent_text


def test_libreoffice_is_started_in_a_profile_that_fetches_nothing(tmp_path):
    from workreport.final import offline_profile

    uri = offline_profile(tmp_path / "profile")
    assert uri.startswith("file://")
    settings = tmp_path / "profile" / "user" / "registrymodifications.xcu"
    items = {
        (item.get(f"{OOR}path"), prop.get(f"{OOR}name")): prop.findtext("value")
        for item in lxml.etree.parse(str(settings)).getroot()
        for prop in item
    }
    assert (
        items[("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks")]
        == "true"
    )
    assert items[("/org.openoffice.Office.Writer/Content/Update", "Link")] == "0"  # never


OOR = "{http://openoffice.org/2001/registry}"


def test_libreoffice_itself_fetches_nothing_a_document_links_to(tmp_path):
    """Even given a document with a link left (a picture on this machine, linked rather than
    embedded), the conversion shows no picture: LibreOffice's profile blocks every link."""
    import struct
    import zlib

    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from workreport.final import to_pdf

    libreoffice()

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    red = b"".join(b"\0" + b"\xff\0\0" * 40 for _ in range(40))
    picture = tmp_path / "red.png"
    picture.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 40, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(red))
        + chunk(b"IEND", b"")
    )
    document = docx.Document()
    paragraph = document.add_paragraph("图：")
    link = document.part.relate_to(picture.as_uri(), RT.IMAGE, is_external=True)
    paragraph._p.append(
        docx.oxml.parse_xml(
            f"<w:r {NS}><w:drawing><wp:inline><wp:extent cx='952500' cy='952500'/>"
            "<wp:docPr id='901' name='p'/><a:graphic><a:graphicData "
            "uri='http://schemas.openxmlformats.org/drawingml/2006/picture'><pic:pic>"
            "<pic:nvPicPr><pic:cNvPr id='901' name='p'/><pic:cNvPicPr/></pic:nvPicPr>"
            f"<pic:blipFill><a:blip r:link='{link}'/><a:stretch><a:fillRect/></a:stretch>"
            "</pic:blipFill><pic:spPr><a:xfrm><a:off x='0' y='0'/><a:ext cx='952500' "
            "cy='952500'/></a:xfrm><a:prstGeom prst='rect'/></pic:spPr></pic:pic>"
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )
    )
    linked = tmp_path / "linked.docx"
    document.save(str(linked))

    pdf, why = to_pdf(linked)
    assert why == "" and pdf is not None
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/Subtype/Image" not in data


def retype(path, tag: str, text: str) -> None:
    document = docx.Document(str(path))
    sdt = next(
        s
        for s in document.element.body.iter(f"{W}sdt")
        if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == tag
    )
    sdt.find(f".//{W}t").text = text
    document.save(str(path))


def test_what_a_person_typed_in_a_figure_is_shown_only_when_it_reads_as_a_figure(draft, tmp_path):
    """«86（其中董某亥1件，电话13800138000）» typed where a figure stood: check, refresh and
    diff say where it is, never what it says; «60余件» is a figure and is shown."""
    typed = "86（其中董某亥1件，电话13800138000）"
    before = tmp_path / "原稿.docx"
    shutil.copy(draft, before)
    retype(draft, "activities.走访单位", typed)
    retype(draft, "talks.谈心谈话", "60余件")

    outputs = []
    code, found = check_json(draft, SAMPLE)
    messages = [f["message"] for f in found["warnings"] if f["code"] == "C322"]
    assert "稿中（正文第5段的文字不是数字，不显示），台账计算为「55」" in messages
    assert "稿中为「60余件」，台账计算为「" in "".join(messages)
    outputs += [json.dumps(found, ensure_ascii=False), run("check", draft, SAMPLE).output]
    result = run("diff", before, draft)
    assert "60余件" in result.output and "的文字不是数字，不显示" in result.output
    outputs += [result.output, run("diff", before, draft, "--format", "json").output]
    result = run("refresh", draft, SAMPLE)
    assert result.exit_code == 0 and "W280" in result.output
    outputs.append(result.output)
    for output in outputs:
        assert "董某亥" not in output and "13800138000" not in output
    # digits alone can be personal data too: an ID or a mobile number is no figure
    from workreport.diff import figure_like

    assert figure_like("60余件") and figure_like("12.5%") and figure_like("2022年7月5日")
    assert not figure_like("13800138000") and not figure_like("138 0013 8000")
    assert not figure_like("１１０１０５１９４９１２３１００２Ｘ") and not figure_like("董某亥")


def test_personal_data_as_people_type_it_is_found(draft):
    """ID numbers in full-width digits or with spaces; mobiles in full-width digits, with
    +86, spaces or dashes; a name with spaces inside it; a name in a picture's alternative
    text, a table's description, a HYPERLINK field code and a custom property's name."""
    document = docx.Document(str(draft))
    paragraphs = document.paragraphs
    full_width_id = VALID_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    paragraphs[2].add_run(f"身份证{full_width_id}。")
    paragraphs[3].add_run("身份证 110105 19491231 002X。")
    paragraphs[4].add_run("电话１３８１２３４５６７８。")
    paragraphs[5].add_run("电话+86 13812345678。")
    paragraphs[6].add_run("电话138 1234 5678，")
    paragraphs[7].add_run("电话138-1234-5678。")
    paragraphs[8].add_run(f"{NAME[0]}　{NAME[1:]}同志")  # a full-width space inside the name
    paragraphs[9].add_run(f"{NAME[0]} {NAME[1]} {NAME[2]}同志")
    paragraphs[10]._p.append(
        docx.oxml.parse_xml(
            f"<w:r {NS}><w:drawing><wp:inline><wp:extent cx='9525' cy='9525'/>"
            f"<wp:docPr id='902' name='p' descr='{NAME}的照片'/></wp:inline></w:drawing></w:r>"
        )
    )
    table = document.tables[0]._tbl.find(f"{W}tblPr")
    description = table.makeelement(f"{W}tblDescription")
    description.set(f"{W}val", f"经办人{NAME}")
    table.append(description)
    for xml in (
        f'<w:r {NS}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {NS}><w:instrText xml:space="preserve"> HYPERLINK "http://example.org/" '
        f'\\o "{NAME}" </w:instrText></w:r>',
        f'<w:r {NS}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {NS}><w:t>链接</w:t></w:r>",
        f'<w:r {NS}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraphs[11]._p.append(docx.oxml.parse_xml(xml))
    document.save(str(draft))
    with zipfile.ZipFile(draft) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    custom = parts["docProps/custom.xml"].decode()
    parts["docProps/custom.xml"] = custom.replace(
        "</Properties>",
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="999" '
        f'name="{NAME}"><vt:lpwstr>已核</vt:lpwstr></property></Properties>',
    ).encode()
    with zipfile.ZipFile(draft, "w") as z:
        for name, blob in parts.items():
            z.writestr(name, blob)

    code, found = check_json(draft, SAMPLE)
    assert code == 1
    assert places(found, "C304") == ["正文第2段", "正文第3段"]
    assert places(found, "C305") == ["正文第4段", "正文第5段", "正文第6段", "正文第7段"]
    names = places(found, "C306")
    assert names[:2] == ["正文第8段", "正文第9段"]
    assert set(names[2:]) == {
        "正文中图片的替代文字",
        "正文中表格的标题或说明",
        "正文中的域代码",
        "自定义属性的名称",
    }
    assert NAME not in json.dumps(found, ensure_ascii=False)


def test_check_still_checks_names_when_a_ledger_has_an_error(draft, tmp_path):
    import openpyxl

    project = tmp_path / "收文"
    shutil.copytree(SAMPLE, project)
    book = project / "信访室.xlsx"
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["问题线索"]
    sheet.cell(row=4, column=2).value = "2022年13月45日"  # not a date: an error (E103)
    workbook.save(book)
    document = docx.Document(str(draft))
    document.paragraphs[2].add_run(f"{NAME}一案。")
    document.save(str(draft))

    result = run("check", draft, project)
    assert result.exit_code == 1, result.output
    assert "W221" in result.output and "C306" in result.output
    assert NAME not in result.output


def _running_with(text: str) -> list[int]:
    """Processes whose command line mentions ``text`` (Linux: /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc (Linux)")
def test_final_pdf_terminated_leaves_no_libreoffice_and_no_temporary_folder(draft, tmp_path):
    # issue 26: SIGTERM during the conversion left soffice.bin running and the PDF in a
    # temporary folder forever.  The installed command, terminated as a desktop does
    import signal
    import subprocess
    import sys
    import time

    libreoffice()
    temp = tmp_path / "临时"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)}
    sent = tmp_path / "报送稿.docx"
    command = [sys.executable, "-m", "workreport", "final", str(draft), "-o", str(sent), "--pdf"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _running_with(str(temp)) and time.monotonic() < deadline:
        time.sleep(0.05)  # until LibreOffice runs in its profile under our temporary folder
    assert _running_with(str(temp)), "LibreOffice never started"
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)

    assert process.returncode == 143, err
    assert "已停止" in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while _running_with(str(temp)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running_with(str(temp)) == []
    assert list(temp.iterdir()) == []
    assert not sent.with_suffix(".pdf").exists()


def test_every_character_of_the_draft_is_in_its_pdf(sent_with_pdf):
    # issue 26: LibreOffice hung a 、，。 that ended a full line and its PDF dropped it
    import collections
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    sent = sent_with_pdf
    document = docx.Document(str(sent))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "".join([*(p.text for p in document.paragraphs), *cells])
    pdf = subprocess.run(
        ["pdftotext", str(sent.with_suffix(".pdf")), "-"], capture_output=True, text=True
    ).stdout
    want, got = collections.Counter(text), collections.Counter(pdf)
    missing = {ch: n - got[ch] for ch, n in want.items() if not ch.isspace() and got[ch] < n}
    assert missing == {}


def test_the_copy_that_is_sent_has_our_own_application_properties(draft, tmp_path):
    # issue 26: python-docx's docProps/app.xml («Microsoft Macintosh Word», Normal.dotm)
    # went out with the 报送稿, and so would the company of the PC that saved the draft
    with zipfile.ZipFile(draft) as z:
        items = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(draft, "w") as z:
        for info, data in items:
            if info.filename == "docProps/app.xml":
                data = data.replace(
                    b"</Properties>", "<Company>某某公司</Company></Properties>".encode()
                )
            z.writestr(info, data)
    sent = tmp_path / "报送稿.docx"
    assert run("final", draft, "-o", sent).exit_code == 0
    for path in (draft, sent):
        app = zipfile.ZipFile(path).read("docProps/app.xml").decode()
        if path == sent:
            assert "<Application>workreport</Application>" in app
            assert "某某公司" not in app
        assert "Microsoft" not in app and "Normal.dotm" not in app
