"""SIGKILL a writer at random moments, 60 times on one data dir: it always opens, no acked note is lost."""

from __future__ import annotations

from pathlib import Path

import crashloop

from agentui.core.cases.opening import open_store

RUNS = 60


def test_killed_writer_never_loses_an_acknowledged_note(data_dir: Path) -> None:
    audit = crashloop.crash_loop(data_dir, RUNS, seed=20261122)
    assert audit.problems == []
    assert (audit.runs, audit.unreadable, audit.lost_acked) == (RUNS, 0, 0)
    assert len(audit.known_notes) > 5, "the children must have got far enough to close cases"
    store = open_store(data_dir)
    try:
        assert len(store.history(limit=0)) >= len(audit.closed)
    finally:
        store.close_store()
