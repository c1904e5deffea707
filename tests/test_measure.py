"""One rule for the room text takes (measure.py): the terminal, the workbooks, the draft."""

from workreport.measure import column_letter, ems, lines, width


def test_a_chinese_or_full_width_character_is_two_columns_and_latin_one():
    assert width("线索编号") == 8
    assert width("ID（个）") == 2 + 2 + 2 + 2  # 「（」「）」 are full-width, like 个
    assert width("2022-03-05") == 10
    assert width("Ａ") == 2  # a full-width Latin letter, as a Chinese IME types it


def test_ems_are_half_columns():
    assert ems("监督检查") == 4 and ems("2022年") == 3  # four half-em digits and 年


def test_lines_wrap_each_line_of_the_text():
    assert lines("线索编号", 8) == 1
    assert lines("线索编号", 6) == 2  # 8 columns in a box of 6
    assert lines("甲\n\n乙", 10) == 3  # an empty line still takes its line


def test_column_letters_are_excel_s():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
