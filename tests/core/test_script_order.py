"""The scripts pane's order: the moment of the call first, then the open entry's own scripts, then
scripts on its topic, then the rest by id (issue 14, point 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentui.core.kb.model import Entry, EntryType
from agentui.core.script_order import CallStage, call_stage, order_scripts, search_scripts


def script(script_id: str, tags: tuple[str, ...] = ("话术",), related: tuple[str, ...] = ()) -> Entry:
    return Entry(script_id, EntryType.SCRIPT, script_id, Path(f"{script_id}.md"), tags=tags, related=related)


SCRIPTS = [
    script("script-closing", ("话术", "结束")),
    script("script-greeting", ("话术", "开场")),
    script("script-waiting-time", ("话术", "补卡", "时长"), ("faq-duration",)),
    script("script-fee", ("话术", "费用", "补卡")),
    script("script-cancel", ("话术", "注销", "eSIM"), ("proc-cancel",)),
    script("script-docs", ("话术", "补卡", "材料")),
]
DURATION_FAQ = Entry(
    "faq-duration", EntryType.FAQ, "补卡需要多长时间？", Path("f.md"), tags=("补卡", "时长"),
    related=("proc-replace", "script-docs"),
)


def ids(entries: list[Entry]) -> list[str]:
    return [e.id for e in entries]


def test_the_open_entrys_related_scripts_come_first_in_listed_order_then_its_topic():
    order = order_scripts(SCRIPTS, DURATION_FAQ, CallStage.TALK)
    # script-docs: listed by the FAQ; waiting-time: names the FAQ and shares 2 tags; fee: shares 1.
    assert ids(order.suggested) == ["script-docs", "script-waiting-time", "script-fee"]
    assert ids(order.others) == ["script-cancel", "script-closing", "script-greeting"]


def test_listed_order_is_the_authors_not_the_ids():
    listed = ("script-fee", "x", "script-cancel", "script-docs")
    entry = Entry("p", EntryType.PROCEDURE, "p", Path("p.md"), related=listed)
    assert ids(order_scripts(SCRIPTS, entry, CallStage.TALK).suggested)[:3] == [listed[0], *listed[2:]]


def test_call_start_puts_the_greeting_first_and_wrap_up_the_closing():
    start = order_scripts(SCRIPTS, None, CallStage.START)
    assert ids(start.all)[0] == "script-greeting"
    wrap = order_scripts(SCRIPTS, DURATION_FAQ, CallStage.WRAP_UP)
    assert ids(wrap.suggested) == ["script-closing", "script-docs", "script-waiting-time", "script-fee"]
    assert ids(order_scripts(SCRIPTS, None, CallStage.WRAP_UP).all)[0] == "script-closing"


def test_an_open_script_is_offered_first():
    order = order_scripts(SCRIPTS, SCRIPTS[3], CallStage.TALK)
    assert ids(order.suggested)[0] == "script-fee"
    assert len(order.all) == len(SCRIPTS)


def test_every_script_appears_once_and_other_types_never():
    faq_in_list = [*SCRIPTS, DURATION_FAQ]
    order = order_scripts(faq_in_list, DURATION_FAQ, CallStage.WRAP_UP)
    assert sorted(ids(order.all)) == sorted(ids(SCRIPTS))


@pytest.mark.parametrize(
    ("entry_open", "talk_ended", "stage"),
    [(False, False, CallStage.START), (True, False, CallStage.TALK), (True, True, CallStage.WRAP_UP),
     (False, True, CallStage.WRAP_UP)],
)
def test_call_stage(entry_open, talk_ended, stage):
    assert call_stage(entry_open, talk_ended) is stage


def test_on_the_bundled_kb_a_replacement_call_offers_what_the_issue_asks(bundled_kb):
    """Issue 14 found "注销 eSIM 前的确认" pre-selected in a replacement call, "告知补卡等待时间"
    third after the duration FAQ and the greeting fifth at call start."""
    scripts = bundled_kb.of_type(EntryType.SCRIPT)
    replacement = order_scripts(scripts, bundled_kb.get("esim-replacement"), CallStage.TALK)
    assert ids(replacement.suggested)[:4] == [
        "script-verify-identity", "script-replacement-documents", "script-waiting-time", "script-fee-disclosure",
    ]
    duration = order_scripts(scripts, bundled_kb.get("faq-replacement-duration"), CallStage.TALK)
    assert ids(duration.all)[0] == "script-waiting-time"
    assert ids(order_scripts(scripts, None, CallStage.START).all)[0] == "script-greeting"
    assert ids(order_scripts(scripts, None, CallStage.WRAP_UP).all)[0] == "script-closing"


def test_search_scripts_ranks_like_the_search_box_and_keeps_only_scripts(bundled_kb):
    from agentui.core.search import SearchIndex

    index = SearchIndex.build(list(bundled_kb.entries.values()))
    everything = [hit.id for hit in index.search("补卡 时间", limit=50)]
    found = search_scripts(index, "补卡 时间")
    assert found and found[0] == "script-waiting-time"
    assert found == [hit_id for hit_id in everything if hit_id.startswith("script-")]
    assert search_scripts(index, "jieshu") == ["script-closing"]
    assert search_scripts(index, "zzzzqqq") == []
