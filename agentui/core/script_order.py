"""The order the scripts pane (F5) offers scripts in: what the agent is about to say comes first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from agentui.core.kb.model import Entry, EntryType

if TYPE_CHECKING:  # the search index loads numpy and pinyin tables; callers already hold one
    from agentui.core.search import SearchIndex

GREETING_ID = "script-greeting"
"""The call's opening script (a required entry id, DESIGN §2)."""
CLOSING_ID = "script-closing"
"""The call's closing script (a required entry id, DESIGN §2)."""
GENERIC_TAGS = frozenset({"话术", "script"})
"""Tags every script carries: they say nothing about a topic."""


class CallStage(StrEnum):
    """Where the call is, as far as the scripts pane cares."""

    START = "start"
    """No entry open and the talk not over: the call is starting (or about to)."""
    TALK = "talk"
    """An entry is open: the agent is working on the caller's question."""
    WRAP_UP = "wrap-up"
    """The talk has ended (F10 was pressed): the call is being closed."""


def call_stage(entry_open: bool, talk_ended: bool) -> CallStage:
    if talk_ended:
        return CallStage.WRAP_UP
    return CallStage.TALK if entry_open else CallStage.START


@dataclass(frozen=True, slots=True)
class ScriptOrder:
    suggested: list[Entry]
    """What fits this moment of the call, best first."""
    others: list[Entry]
    """Every other script, by id."""

    @property
    def all(self) -> list[Entry]:
        return [*self.suggested, *self.others]


def order_scripts(scripts: Iterable[Entry], entry: Entry | None, stage: CallStage) -> ScriptOrder:
    """Scripts for the moment: at wrap-up the closing script first, at the start the greeting;
    then, for an open entry, the entry itself if it is a script, its own `related` scripts in the
    order the author listed them, then scripts on its topic (those naming the entry in their
    `related` or sharing its tags, the closest first). The rest follow by id, so the order is the
    same every time."""
    by_id = {script.id: script for script in sorted(scripts, key=lambda s: s.id) if script.type is EntryType.SCRIPT}
    suggested: dict[str, Entry] = {}

    def suggest(script_ids: Iterable[str]) -> None:
        for script_id in script_ids:
            script = by_id.get(script_id)
            if script is not None and script_id not in suggested:
                suggested[script_id] = script

    if stage is CallStage.WRAP_UP:
        suggest([CLOSING_ID])
    elif stage is CallStage.START and entry is None:
        suggest([GREETING_ID])
    if entry is not None:
        if entry.type is EntryType.SCRIPT:
            suggest([entry.id])
        suggest(entry.related)
        suggest(script.id for script in _on_topic(by_id.values(), entry))
    others = [script for script_id, script in by_id.items() if script_id not in suggested]
    return ScriptOrder(list(suggested.values()), others)


def _on_topic(scripts: Iterable[Entry], entry: Entry) -> list[Entry]:
    """Scripts that name `entry` among their related entries or share a topic tag with it: those
    doing both first, then by the number of shared tags, then by id."""
    tags = set(entry.tags) - GENERIC_TAGS
    ranked: list[tuple[int, int, str, Entry]] = []
    for script in scripts:
        if script.id == entry.id:
            continue
        names_entry = entry.id in script.related
        shared = len(tags & set(script.tags))
        if names_entry or shared:
            ranked.append((-int(names_entry), -shared, script.id, script))
    return [script for *_, script in sorted(ranked, key=lambda item: item[:3])]


def search_scripts(index: SearchIndex, query: str, wanted: int = 50) -> list[str]:
    """The ids of scripts matching `query`, best first: the main search box's ranking, restricted
    to scripts. Scripts are a small part of a KB, so the search widens until enough are found."""
    limit = 64
    while True:
        hits = index.search(query, limit=limit)
        found = [hit.id for hit in hits if hit.type == EntryType.SCRIPT.value]
        if len(found) >= wanted or len(hits) < limit or limit >= len(index):
            return found[:wanted]
        limit *= 4
