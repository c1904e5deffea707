"""Write templates/*.j2 from the model report, turning each figure into an expression.

Run once when the model report changes: ``python tools/seed_to_templates.py SEED``.
Each replacement names the words around a figure, so a typo fails loudly.
"""

import sys
from pathlib import Path

A = "activities."
REPLACEMENTS = [
    ("现将xx市纪委监委近期", "现将{{ organisation }}近期"),
    ("xx市纪委监委立足职责定位", "{{ organisation }}立足职责定位"),
    ("查办问题线索*件", "查办问题线索{{ clues }}件"),
    ("，立案*件，结案*件", "，立案{{ cases_filed }}件，结案{{ cases_closed }}件"),
    (
        "党纪政务处分*人，四种形态处理*人",
        "党纪政务处分{{ sanctioned_persons }}人，四种形态处理{{ forms_total }}人",
    ),
    (
        "领导班子问题线索*件，立案1件",
        "领导班子问题线索{{ top_clues }}件，立案{{ top_cases_filed }}件",
    ),
    (
        "给予党纪政务处分*人，第一种形态处理*人",
        "给予党纪政务处分{{ top_sanctioned_persons }}人，第一种形态处理{{ top_forms_1 }}人",
    ),
    ("市直部门55个", "市直部门{{ A走访单位 }}个"),
    ("谈心谈话202人", "谈心谈话{{ talks.谈心谈话 }}人"),
    ("调查问卷256份", "调查问卷{{ A问卷调查 }}份"),
    ("发现的6方面16个问题", "发现的{{ A调研发现问题方面 }}方面{{ A调研发现问题 }}个问题"),
    ("解决措施20个", "解决措施{{ A提出解决措施 }}个"),
    ("调研报告1份", "调研报告{{ A形成调研报告 }}份"),
    ("工作制度2份", "工作制度{{ A制定工作制度 }}份"),
    ("制度执行情况42次", "制度执行情况{{ A监督第一议题制度执行 }}次"),
    ("政策理论学习450余次", "政策理论学习{{ A督促政策理论学习 | approx }}次"),
    ("监督检查12次", "监督检查{{ A讲规学法监督检查 }}次"),
    ("相关材料230余份", "相关材料{{ A调阅材料 | approx }}份"),
    ("庭审现场2次", "庭审现场{{ A组织观看庭审 }}次"),
    ("警示教育片6次", "警示教育片{{ A观看警示教育片 }}次"),
    ("学习资料5期", "学习资料{{ A编写警示教育资料 }}期"),
    ("“一把手”57人", "“一把手”{{ A签订廉政承诺书 }}人"),
    ("廉政谈话40余人", "廉政谈话{{ talks.廉政谈话 | approx }}人"),
    ("廉政家访13次", "廉政家访{{ A廉政家访 }}次"),
    ("教育读本24册", "教育读本{{ A发放廉洁教育读本 }}册"),
    ("意见22条", "意见{{ A采纳家属意见 }}条"),
    ("选派15名", "选派{{ A选派干部列席民主生活会 }}名"),
    ("开展监督28次", "开展监督{{ A列席民主生活会监督 }}次"),
    ("处理的18个单位", "处理的{{ A督促整改单位 }}个单位"),
    ("召开8个乡镇", "召开{{ A乡镇党委书记述责 }}个乡镇"),
    ("等27名评议代表", "等{{ A邀请评议代表 }}名评议代表"),
    ("城管局3家单位", "城管局{{ A群众评议单位 }}家单位"),
    ("民生问题整改13个", "民生问题整改{{ A推动民生问题整改 }}个"),
    (
        "《廉洁提醒函》51份《履责提醒函》4份，《纪检监察建议》8份，督促问题整改8个",
        "《廉洁提醒函》{{ letters.廉洁提醒函 }}份《履责提醒函》{{ letters.履责提醒函 }}份，"
        "《纪检监察建议》{{ letters.纪检监察建议书 }}份，督促问题整改{{ letters_rectified_issues }}个",
    ),
    ("移交问题线索4件", "移交问题线索{{ clues_by_source.巡视巡察移交 }}件"),
    ("全市91个单位2021年度", "全市{{ A考核评估单位 }}个单位{{ previous_year }}年度"),
    ("“一把手”3人", "“一把手”{{ talks_top_leaders.约谈 }}人"),
    ("后备干部162人", "后备干部{{ A年轻干部警示教育 }}人"),
    ("明确8方面25项", "明确{{ A年轻干部监督措施方面 }}方面{{ A年轻干部具体工作措施 }}项"),
    ("图书200册", "图书{{ A发放年轻干部学习资料 }}册"),
]

SECTIONS = [
    ("01_opening.j2", "开头：汇报缘由", 0, 1),
    ("02_progress.j2", "一、重点工作推进情况：数字全部来自台账", 1, 6),
    ("03_problems.j2", "二、存在的问题：每期由分析人员修改", 6, 10),
    ("04_plans.j2", "三、下步工作打算：每期由分析人员修改", 10, 16),
]


def main(seed: Path, out: Path) -> None:
    lines = [ln.strip() for ln in seed.read_text(encoding="utf-8").splitlines() if ln.strip()]
    text = "\n".join(lines)
    for old, new in REPLACEMENTS:
        assert text.count(old) == 1, (old, text.count(old))
        text = text.replace(old, new.replace("{{ A", "{{ " + A))
    assert "*" not in text, "a redacted figure has no replacement"
    lines = text.split("\n")
    for name, note, start, end in SECTIONS:
        body = "\n".join(lines[start:end])
        (out / name).write_text(f"{{# {note} #}}\n{body}\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("templates"))
