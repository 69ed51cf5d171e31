"""Chinese line breaking (issue 14, point 11): no closing punctuation at a line start, no opening
bracket at a line end, nothing lost, no line wider than asked; Latin text still wraps at spaces."""

from __future__ import annotations

import pytest

from agentui.core.cjk_wrap import NO_LINE_END, NO_LINE_START, break_offsets, char_cells


def lines(text: str, width: int) -> list[str]:
    points = [0, *break_offsets(text, width), len(text)]
    return [text[a:b] for a, b in zip(points, points[1:], strict=False)]


def cells(text: str) -> int:
    return sum(map(char_cells, text))


def paragraphs(kb) -> list[str]:
    found = []
    for entry in kb.entries.values():
        found.append(entry.title)
        found += [line.strip() for line in entry.body.split("\n") if line.strip()]
    return found


def test_real_kb_text_keeps_every_character_and_every_rule_at_narrow_widths(bundled_kb):
    texts = paragraphs(bundled_kb)
    assert len(texts) > 200
    checked = 0
    for text in texts:
        for width in range(10, 61, 3):
            wrapped = lines(text, width)
            assert "".join(wrapped) == text  # nothing lost, nothing added
            for number, line in enumerate(wrapped):
                shown = line.rstrip()
                assert cells(shown) <= width, (width, wrapped)
                if number:
                    assert shown[:1] not in NO_LINE_START, (width, wrapped)
                    assert not shown[:1].isspace(), (width, wrapped)
                if number < len(wrapped) - 1:
                    assert shown[-1:] not in NO_LINE_END, (width, wrapped)
                checked += 1
    assert checked > 10_000


def test_the_issues_examples():
    text = "您好，欢迎致电俄罗斯手机业务中文服务台，我是{坐席姓名}，很高兴为您服务。"
    # rich's wrapping put "，" first on the second line at width 38
    assert lines(text, 38) == ["您好，欢迎致电俄罗斯手机业务中文服务", "台，我是{坐席姓名}，很高兴为您服务。"]
    step = "核对申请内容：提交前请客户逐项检查所填信息，任何错误都可能拖慢审核。"
    assert all(not line.startswith(("，", "。", "；", "：")) for width in range(8, 40) for line in lines(step, width))


def test_an_opening_bracket_goes_to_the_next_line_with_what_it_opens():
    text = "在官网登录个人账户（我的服务）后提交"
    assert lines(text, 20) == ["在官网登录个人账户", "（我的服务）后提交"]
    assert lines('进入"我的服务"页面', 5) == ["进入", '"我的', '服务"', "页面"]  # straight quotes open, then close


def test_doubled_marks_stay_together():
    assert lines("请稍等……马上好", 7) == ["请稍", "等……马", "上好"]  # not "请稍等…" / "…马上好"


def test_a_phone_number_stays_on_one_line():
    step = "致电运营商报失：拨打热线 +7 (495) 777-00-00。"
    assert lines(step, 30) == ["致电运营商报失：拨打热线 ", "+7 (495) 777-00-00。"]


def test_latin_text_wraps_at_spaces_and_long_words_fold():
    assert lines("call the MegaFon hotline now", 12) == ["call the ", "MegaFon ", "hotline now"]
    assert lines("supercalifragilistic", 8) == ["supercal", "ifragili", "stic"]
    assert break_offsets("supercalifragilistic", 8, fold=False) == []


def test_latin_inside_chinese_is_not_split():
    wrapped = lines("打开官方 App（MegaFon Online）申请", 16)
    assert all("MegaFo" not in line or "MegaFon" in line for line in wrapped), wrapped
    assert "".join(wrapped) == "打开官方 App（MegaFon Online）申请"


def test_newlines_end_lines_and_odd_widths_are_safe():
    assert lines("第一行\n第二行", 40) == ["第一行\n", "第二行"]
    assert break_offsets("", 10) == [] and break_offsets("中文", 0) == []
    assert lines("中文", 1) == ["中", "文"]  # a character wider than the line still gets a line


@pytest.mark.parametrize("width", [5, 7, 13])
def test_the_renderers_cell_widths_are_used(width):
    def wide_x(char: str) -> int:
        return 2 if char == "x" else 1

    offsets = break_offsets("xxxxxxxxxx", width, wide_x)
    points = [0, *offsets, 10]
    assert all((b - a) * 2 <= max(width, 2) for a, b in zip(points, points[1:], strict=False))
