"""`agentui search`: the console's search from the shell, human-readable or JSON lines."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from agentui import locations
from agentui.cli.team_options import add_team_options
from agentui.core.terminal_text import clean_line, json_text

if TYPE_CHECKING:
    from agentui.core.search import Hit, Hits, SearchIndex, Usage


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search = commands.add_parser("search", help="search the knowledge base")
    search.add_argument("--kb", dest="kb_dir", type=Path, metavar="DIR", help="KB directory (default: bundled)")
    search.add_argument("--limit", type=int, default=10, metavar="N", help="results per query (default 10)")
    search.add_argument("--json", action="store_true", help="one JSON object per query")
    search.add_argument("--stdin", action="store_true", help="read one query per line from standard input")
    search.add_argument("--no-usage", action="store_true",
                        help="rank by the text alone, not the agent's usage (what scripts and tests want)")
    search.add_argument("--data", dest="cases_data", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help="data directory whose usage breaks ties (default: $AGENTUI_DATA_DIR or the user data dir)")
    add_team_options(search)
    search.add_argument("query", nargs="?", help="the query text")
    search.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace) -> int:
    if args.stdin == (args.query is not None):
        print("agentui search: give either QUERY or --stdin", file=sys.stderr)
        return 2
    if args.limit < 1:
        print("agentui search: --limit must be at least 1", file=sys.stderr)
        return 2
    kb_dir = args.kb_dir or args.kb or locations.bundled_kb_dir()
    if not kb_dir.is_dir():
        print(f"agentui search: {clean_line(str(kb_dir))}: not a directory", file=sys.stderr)
        return 2
    from agentui.core.search import open_search  # numpy and the pinyin tables load only when searching

    kb, index = open_search(kb_dir, locations.cache_dir())
    for problem in kb.problems:
        print(f"warning: {clean_line(str(problem))}", file=sys.stderr)
    usage = None if args.no_usage else _usage(args)
    queries = (line.rstrip("\r\n") for line in sys.stdin) if args.stdin else iter([args.query])
    for query in queries:
        _answer(index, query, args.limit, usage, as_json=args.json)
        sys.stdout.flush()
    return 0


def _usage(args: argparse.Namespace) -> Usage | None:
    """The agent's usage (opens, ticks, copies; pins), which breaks ties of equal text matches:
    the data dir's records (read without the console's lock), or this agent's on the server.
    Unreadable records are a warning: the search still answers, by the text alone."""
    from datetime import UTC, datetime

    from agentui.cli.team_options import agent_of, team_settings
    from agentui.core.cases.choose import open_event_reader
    from agentui.core.cases.usage import read_usage
    from agentui.core.search import Usage

    settings = team_settings(args)
    agent = agent_of(settings) if settings.store else None
    try:
        reader = open_event_reader(settings.data_dir, store_url=settings.store, agent=agent or "")
        try:
            history = read_usage(reader, agent, datetime.now(UTC))
        finally:
            reader.close_store()
    except Exception as exc:  # noqa: BLE001 - StoreError, an unreachable server: the text ranking stands
        from agentui.core.cases.server.url import mask_secrets

        print(f"warning: usage not read ({clean_line(mask_secrets(str(exc), settings.store))}); "
              "ranking by the text alone", file=sys.stderr)  # fmt: skip
        return None
    return None if history.empty else Usage(dict(history.counts), frozenset(history.pinned))


def _answer(index: SearchIndex, query: str, limit: int, usage: Usage | None, *, as_json: bool) -> None:
    started = time.perf_counter()
    hits = index.search(query, limit=limit, usage=usage)
    elapsed_ms = (time.perf_counter() - started) * 1000
    if as_json:
        print(json_text(
            {"query": query, "results": [_hit_json(h) for h in hits], "elapsed_ms": round(elapsed_ms, 3),
             "words": list(hits.words), "unmatched_words": list(hits.unmatched_words)}
        ))
        return
    if not hits:
        print(f"no results for '{clean_line(query)}'")
        return
    if hits.lacks_words:
        print(_lacking_line(hits))
    for rank, hit in enumerate(hits, 1):
        print(f"{rank:>2}. [{clean_line(hit.type)}] {clean_line(hit.title)}  ({clean_line(hit.id)}, {hit.score:.0f})")


def _lacking_line(hits: Hits) -> str:
    words = ", ".join(map(clean_line, hits.words))
    lacking = ", ".join(map(clean_line, hits.unmatched_words))
    return f"no entry has all of: {words} (the closest below lack: {lacking})"


def _hit_json(hit: Hit) -> dict[str, object]:
    return {
        "id": hit.id,
        "type": hit.type,
        "title": hit.title,
        "score": round(hit.score, 1),
        "spans": {name: [list(s) for s in spans] for name, spans in hit.spans.items()},
    }
