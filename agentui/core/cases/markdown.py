"""A case as Markdown: one formatter for the CLI's export, the console's F4 export and its case view."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from agentui.core.cases.model import Case
from agentui.core.operators import OPERATORS
from agentui.core.terminal_text import clean, clean_line

FIELD_LABELS = {
    "id": "Id", "opened_at": "Opened", "closed_at": "Closed", "duration": "Duration",
    "phases": "Talk / hold / wrap-up", "caller": "Caller", "category": "Category", "disposition": "Disposition",
    "summary": "Summary",
    "notes": "Notes", "steps": "Steps ticked", "articles": "Entries viewed", "scripts": "Scripts used",
}
"""A case's field names in English: the CLI's export, and the English console's (`strings_en`)."""


def local_time(iso: str | None) -> str:
    """A stored UTC timestamp as the agent's wall-clock time, to the minute."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return clean_line(iso)


def duration_text(seconds: int | None) -> str:
    """`m:ss`, or `h:mm:ss` for a call of an hour or more; empty when the case has no duration."""
    if seconds is None:
        return ""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def phases_text(case: Case) -> str:
    """`4:10 / 2× 1:05 / 0:40` under the label "talk / hold / wrap-up"; `-` for what an open case
    does not know yet."""
    talk = duration_text(case.talk_s) or "-"
    wrap = duration_text(case.wrap_s) or "-"
    return f"{talk} / {case.hold_count}× {duration_text(case.hold_s)} / {wrap}"


def operator_name(operator: str) -> str:
    return OPERATORS[operator].name if operator in OPERATORS else clean_line(operator)


def case_markdown(
    case: Case,
    labels: Mapping[str, str] = FIELD_LABELS,
    dispositions: Mapping[str, str] | None = None,
    *,
    level: int = 1,
) -> str:
    """The case under a heading of `level`, its fields named by `labels` (keyed as `FIELD_LABELS`)
    and its disposition shown by `dispositions` (as stored if missing). The summary and notes sit in
    fences, so what the agent typed (`#`, `-`, `[link](…)`, even a fence of its own) stays text in
    any Markdown viewer. Control and escape characters are removed: the output is printed to
    terminals."""
    caller = " · ".join(
        part for part in (case.caller.name, case.caller.phone, operator_name(case.caller.operator)) if part
    )
    disposition = (dispositions or {}).get(case.disposition or "", case.disposition or "")
    steps = "; ".join(f"{pid} {', '.join(map(str, nums))}" for pid, nums in case.steps.items())
    heading = "#" * level
    lines = [
        f"{heading} {_inline(case.id)}",
        "",
        f"- {labels['opened_at']}: {local_time(case.opened_at)}",
        f"- {labels['closed_at']}: {local_time(case.closed_at)}",
        f"- {labels['duration']}: {duration_text(case.duration_s)}",
        f"- {labels['phases']}: {phases_text(case)}",
        f"- {labels['caller']}: {_inline(caller)}",
        f"- {labels['category']}: {_inline(case.category)}",
        f"- {labels['disposition']}: {_inline(disposition)}",
        f"- {labels['articles']}: {_inline(', '.join(case.articles))}",
        f"- {labels['scripts']}: {_inline(', '.join(case.scripts))}",
        f"- {labels['steps']}: {_inline(steps)}",
        "",
        *_fenced(f"{heading}# {labels['summary']}", case.summary),
        *_fenced(f"{heading}# {labels['notes']}", case.notes),
    ]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """One line of data that Markdown shows as typed: `**x**`, `[a](b)`, `<b>` or `&amp;` in a
    caller's name are not formatting, links, HTML or entities."""
    return _INLINE_SPECIAL.sub(r"\\\g<0>", clean_line(text))


_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>~&|]")


def _fenced(title: str, text: str) -> list[str]:
    text = clean(text).rstrip("\n")
    if not text:
        return [title, ""]
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return [title, "", f"{fence}text", text, fence, ""]


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest
