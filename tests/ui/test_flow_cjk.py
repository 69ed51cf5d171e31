"""Chinese line breaking on screen: articles, the scripts preview and notices at 80×24 and 120×36
(issue 14, point 11)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.content import Content

from agentui.core.cjk_wrap import NO_LINE_END, NO_LINE_START
from agentui.widgets import line_breaking

from .conftest import settle

FRAME = "│╭╮╰╯─▊▎▔▁ "


@pytest.fixture
def app(bundled_app):
    return bundled_app


def pane_lines(widget) -> list[str]:
    """The text of each row of `widget` as painted, frame characters and padding stripped."""
    region = widget.region
    strips = widget.screen._compositor.render_strips()
    rows = [strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)]
    return [row.strip(FRAME) for row in rows]


def broken_lines(rows: list[str]) -> list[str]:
    """Rows that start with closing punctuation or end with an opening bracket."""
    return [row for row in rows if row and (row[0] in NO_LINE_START or row[-1] in NO_LINE_END)]


def test_textual_wraps_content_through_the_hook():
    """If a Textual upgrade stops wrapping through `textual.content.divide_line`, this fails."""
    line_breaking.install()
    text = "您好，欢迎致电俄罗斯手机业务中文服务台，我是{坐席姓名}，很高兴为您服务。"
    wrapped = [line.plain for line in Content(text).wrap(38)]
    assert wrapped == ["您好，欢迎致电俄罗斯手机业务中文服务", "台，我是{坐席姓名}，很高兴为您服务。"]


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
@pytest.mark.parametrize("entry_id", ["esim-replacement", "data-sim-replacement-online", "faq-replacement-duration"])
async def test_articles_break_chinese_by_its_rules(app, size, entry_id):
    from .conftest import ready

    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        article = app.main.article
        app.main.open_entry(entry_id)
        await settle(pilot)
        seen: list[str] = []
        for _ in range(12):  # page through the whole article
            rows = pane_lines(article)
            seen += rows
            assert not broken_lines(rows), rows
            if article.scroll_y >= article.max_scroll_y:
                break
            article.scroll_page_down(animate=False)
            await settle(pilot)
        assert sum(len(row) for row in seen) > 150  # the article was really read


async def test_the_scripts_preview_and_notices_break_by_the_rules(app):
    from .conftest import ready

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.main.open_entry("esim-cancellation")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        for script in ("script-greeting", "script-cancellation-confirm", "script-waiting-time", "script-closing"):
            app.screen.show_filtered("", [script])
            await settle(pilot)
            rows = pane_lines(app.screen.query_one("#script-text"))
            assert "".join(rows).strip() and not broken_lines(rows), rows
        await pilot.press("escape")
        app.tell("已复制：您好，欢迎致电俄罗斯手机业务中文服务台，我是小李，很高兴为您服务。我们可以协助您处理补卡")
        await settle(pilot)
        toast = app.screen.query("Toast").last()
        rows = pane_lines(toast)
        assert "".join(rows) and not broken_lines(rows), rows


def test_text_areas_wrap_through_the_hook():
    """If a Textual upgrade stops wrapping `TextArea` through `compute_wrap_offsets`, this fails."""
    from textual.document._document import Document
    from textual.document._wrapped_document import WrappedDocument

    line_breaking.install_for_text_areas()
    text = "查看条目：eSIM 补卡（丢失或损坏）；补卡要收费吗？多少钱？"
    wrapped = WrappedDocument(Document(text), width=30)
    sections = wrapped.get_sections(0)
    assert sections[0].startswith("查看条目：eSIM 补卡")  # not broken at the only space
    assert "".join(sections) == text
    assert not broken_lines([section.strip() for section in sections]), sections


async def test_notes_and_the_summary_break_chinese_by_its_rules(app):
    from .conftest import ready

    note = ("客户在国外丢失 eSIM，需要补办；已告知费用（各运营商不同）和等待时间。"
            "客户问能否寄到国外，已说明只能在俄罗斯境内领取；客户同意回国后再去营业厅办理。")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        notes = app.main.query_one("#notes")
        notes.load_text(note)
        await settle(pilot)
        sections = notes.wrapped_document.get_sections(0)
        assert len(sections) > 2 and "".join(sections) == note
        assert not broken_lines([section.rstrip() for section in sections]), sections
        widths = [cell_len(section) for section in sections[:-1]]
        assert min(widths) >= notes.wrap_width - 2, sections  # every line but the last is full
