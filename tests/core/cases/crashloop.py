"""Kill-at-random harness: a child saves notes and acknowledges each save; we SIGKILL it and audit.

Used by the test suite (50+ runs) and by `benchmarks/cases_bench.py --kill-runs N` (thousands).
Run as a script it is the child: `python crashloop.py DATA_DIR RUN`.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

LINE_TEXTS = ("客户要求补卡，已核实身份 😀", "e\u0301 café ñ 한국어 🇷🇺", "МТС eSIM: 用户说 \"可以\" \\ 备份")


def child_main(data_dir: Path, run: int) -> None:
    """Save notes forever; after each save returns, print an ack. Closes and reopens now and then,
    so kills also land inside close() and reopen()."""
    from agentui.core.cases.model import Disposition
    from agentui.core.cases.opening import open_store

    store = open_store(data_dir)
    out = sys.stdout
    last_closed = ""
    for i in range(10**9):
        if store.active() is None:
            if last_closed and i % 3 == 0:
                store.reopen(last_closed)
                out.write(f"reopened {last_closed}\n")
            else:
                store.open_case()
        case = store.active()
        assert case is not None
        line = f"r{run}-{i} {LINE_TEXTS[i % len(LINE_TEXTS)]}\n"
        store.update(notes=case.notes + line)
        out.write(f"note {case.id} {line.encode('utf-8').hex()}\n")
        out.flush()
        if i % 7 == 6:
            last_closed = store.close(Disposition.RESOLVED, f"小结 {run}-{i}").id
            out.write(f"closed {last_closed}\n")
            out.flush()


@dataclass
class Audit:
    runs: int = 0
    unreadable: int = 0
    lost_acked: int = 0
    problems: list[str] = field(default_factory=list)
    known_notes: dict[str, str] = field(default_factory=dict)
    """Notes of each case as last verified: later runs only append to them."""
    closed: set[str] = field(default_factory=set)

    def summary(self) -> str:
        return f"unreadable={self.unreadable} lost_acked={self.lost_acked} runs={self.runs}"


def one_run(data_dir: Path, run: int, audit: Audit, rng: random.Random) -> None:
    """Start the child, let it make a random number of acknowledged saves (0 = kill during
    start-up), SIGKILL it, then check the store opens and every acknowledged save survived."""
    from agentui.core.cases.opening import open_store

    child = subprocess.Popen(
        [sys.executable, __file__, str(data_dir), str(run)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert child.stdout is not None
    kill_after = rng.choice((0, 1, 2, 3, 5, 8, 13, 21, 34))
    acks: list[str] = []
    while len(acks) < kill_after:
        line = child.stdout.readline()
        if not line:
            break
        acks.append(line.decode())
    child.send_signal(signal.SIGKILL)
    acks.extend(line.decode() for line in child.stdout.read().splitlines(keepends=True) if line.endswith(b"\n"))
    child.wait()
    audit.runs += 1

    try:
        store = open_store(data_dir)
    except Exception as exc:  # noqa: BLE001 - any failure to open counts
        audit.unreadable += 1
        audit.problems.append(f"run {run}: open failed: {exc}")
        return
    try:
        if any("moved aside" in note for note in store.recovery_notes):
            audit.unreadable += 1
            audit.problems.append(f"run {run}: {store.recovery_notes}")
        _check_acks(store, acks, run, audit)
    finally:
        store.close_store()


def _check_acks(store, acks: list[str], run: int, audit: Audit) -> None:
    active = store.active()
    cases = {case.id: case for case in store.history(limit=0)}
    if active is not None:
        cases[active.id] = active
    appended: dict[str, str] = {}
    for ack in acks:
        kind, case_id, *rest = ack.split()
        if kind == "note":
            appended[case_id] = appended.get(case_id, "") + bytes.fromhex(rest[0]).decode("utf-8")
        elif kind == "closed":
            audit.closed.add(case_id)
        elif kind == "reopened":
            audit.closed.discard(case_id)
    for case_id, lines in appended.items():
        case = cases.get(case_id)
        want = audit.known_notes.get(case_id, "") + lines
        if case is None or not case.notes.startswith(want):
            audit.lost_acked += 1
            audit.problems.append(f"run {run}: case {case_id} lost acknowledged notes")
            continue
        rest = case.notes[len(want) :]
        if rest and (rest.count("\n") != 1 or not rest.endswith("\n")):
            audit.problems.append(f"run {run}: case {case_id} has unexpected text after the acked notes: {rest!r}")
            audit.lost_acked += 1
    for case_id in audit.closed - cases.keys():  # closed, or open again after an unacknowledged reopen
        audit.lost_acked += 1
        audit.problems.append(f"run {run}: closed case {case_id} is missing")
    for case_id, case in cases.items():
        audit.known_notes[case_id] = case.notes


def crash_loop(data_dir: Path, runs: int, seed: int = 1) -> Audit:
    rng = random.Random(seed)
    audit = Audit()
    for run in range(runs):
        one_run(data_dir, run, audit, rng)
    return audit


if __name__ == "__main__":
    child_main(Path(sys.argv[1]), int(sys.argv[2]))
    os._exit(0)
