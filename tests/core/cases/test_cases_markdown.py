"""A case as Markdown: what the CLI's `export --format md` and the console's F4 export both write."""

from __future__ import annotations

from agentui.core.cases.markdown import FIELD_LABELS, case_markdown, duration_text, local_time
from agentui.core.cases.model import Caller, Case

HOSTILE = "A\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07B \x9b2J C \u202eevil\u202c D"


def closed_case(**changes) -> Case:
    case = Case(
        id="C260101-0930-ab12",
        opened_at="2026-01-01T09:30:00+00:00",
        caller=Caller("王芳", "+7 495 777-00-00", "mts"),
        category="补卡",
        notes="客户要补卡\n# not a heading\n- [link](http://example.com)",
        steps={"esim-replace": [1, 2]},
        articles=["esim-replace"],
        scripts=["greeting"],
        closed_at="2026-01-01T09:42:05+00:00",
        disposition="resolved",
        summary="已解决",
        duration_s=725,
    )
    for name, value in changes.items():
        setattr(case, name, value)
    return case


def test_notes_stay_text_in_any_markdown_viewer():
    text = case_markdown(closed_case(notes="```代码```\n# 标题"))
    assert "\n````text\n```代码```\n# 标题\n````\n" in text, "a fence in the notes sits inside a longer one"
    plain = case_markdown(closed_case())
    assert "```text\n客户要补卡\n# not a heading\n- [link](http://example.com)\n```" in plain


def test_escape_sequences_from_the_case_never_reach_the_output():
    case = closed_case(notes=HOSTILE, summary=HOSTILE, category=HOSTILE, caller=Caller(HOSTILE, "1", "x"))
    text = case_markdown(case)
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text and "\x07" not in text
    assert "Ared B 2J C evil D" in text


def test_the_console_passes_its_own_words():
    from agentui.strings_zh import ZH

    text = case_markdown(closed_case(), ZH.field_labels, ZH.dispositions)
    assert "- 开始: " in text and "## 备注" in text and "- 处理结果: 已解决" in text
    assert case_markdown(closed_case(disposition="later")).count("- Disposition: later") == 1


def test_both_languages_name_every_field():
    from agentui.strings_en import EN
    from agentui.strings_zh import ZH

    assert set(ZH.field_labels) == set(EN.field_labels) == set(FIELD_LABELS)


def test_fields_in_the_agents_terms():
    text = case_markdown(closed_case(), level=2)
    assert text.startswith("## C260101-0930-ab12\n")
    assert "- Caller: 王芳 · +7 495 777-00-00 · MTS" in text
    assert "- Duration: 12:05" in text and "- Steps ticked: esim-replace 1, 2" in text
    assert f"- Opened: {local_time('2026-01-01T09:30:00+00:00')}" in text


def test_durations():
    assert [duration_text(s) for s in (None, 0, 65, 3600 + 62, -5)] == ["", "0:00", "1:05", "1:01:02", "0:00"]


def test_what_the_agent_typed_is_not_formatting_in_any_markdown_viewer():
    from markdown_it import MarkdownIt

    typed = "**王** [site](http://x.invalid) <b>x</b> &amp; `c` _u_ ~~s~~ \\*"
    case = closed_case(caller=Caller(typed, "", ""), category=typed, summary=typed, notes=typed)
    html = MarkdownIt("commonmark").enable("strikethrough").render(case_markdown(case))
    assert not any(tag in html for tag in ("<strong>", "<em>", "<a ", "<b>", "<s>", "<del>"))
    literal = "**王** [site](http://x.invalid) &lt;b&gt;x&lt;/b&gt; &amp;amp; `c` _u_ ~~s~~ \\*"
    assert html.count(literal) == 4, html  # caller, category, summary and notes
