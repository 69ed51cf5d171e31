"""Team-mode benchmark against a throwaway local PostgreSQL 15 with a million closed cases.

    python benchmarks/team_bench.py --pgdir /tmp/teamdb            # load 1,000,000 cases once; every line
    python benchmarks/team_bench.py --pgdir /tmp/teamdb --only autosave --server-tmpfs   # the agents' wait
    python benchmarks/team_bench.py --cases 100000 --agents 50 --seconds 20   # a quicker run

What an agent waits for when it autosaves is the save itself: the case durable in its own data
dir (two fsyncs on its own disk: the file, then its directory; the outbox marks the case in memory
and writes no file of its own for an autosave); the push to the server is asynchronous. On a
floor each of the 200 agents has its own workstation, CPU and disk, and only the server is shared.
One 2-core VM with one virtual disk cannot give 200 agents that, so:

- every agent is a process of its own (no agent's save waits for another's GIL);
- 8 `--witnesses` have their data dirs on this machine's disk (ext4, as a workstation's): their
  saves, fsyncs included, are `team_autosave_p95_ms`;
- the other 192 have theirs each on a tmpfs of its own (their fsyncs cost nothing and do not queue
  on the witnesses' disk); their wait is printed too (`team_autosave_tmpfs_p95_ms`);
- the witnesses run at nice -10 (`--witness-nice`): a witness uses ~1 % of a core, and on a floor
  the CPU it runs on is its own; here a woken witness preempts the 192 others, the server and the
  machine's other work instead of queueing behind 400 processes on 2 cores;
- `--server-tmpfs` runs the server's cluster (with `--pgdir`: a copy of the kept one) on a tmpfs,
  as the server's own disk: its WAL flushes then do not queue with the witnesses' fsyncs. Without
  it the witnesses' line is named `team_autosave_server_on_same_disk_p95_ms`.

`team_autosave_server_p95_ms` (save to the server's acknowledgement) and `team_push_p95_ms` (one
push round trip) are honest only with the server's WAL on a disk: run without `--server-tmpfs`
for them. `team_lost_writes` compares every agent's last saved notes and version with the server's
row after the run. Also printed: `team_history_search_p95_ms cases=1000000`, `report_7d_ms`,
`floor_update_p95_ms` (under the 200 agents' load) and `outbox_catchup_s changes=10000`.
Not part of CI (loading 1M cases took ~7 minutes here); the mounts need root (without it every
data dir is a directory on one disk, and the line says so).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "team"))

from pgcluster import start_cluster  # noqa: E402

from agentui.core.cases.model import Caller, Case, Disposition  # noqa: E402
from agentui.core.cases.server.search_keys import case_search_text, keys_of  # noqa: E402

OPERATORS = ("mts", "megafon", "beeline", "tele2")
CATEGORIES = ("补卡", "保号卡", "流量卡", "eSIM激活", "续费", "注销", "咨询")
DISPOSITIONS = ("resolved", "resolved", "resolved", "escalated", "callback", "other")
RUSSIAN = ("клиент потерял SIM-карту", "нужен паспорт для восстановления", "перевыпуск eSIM через приложение",
           "баланс не списан", "номер заблокирован", "просит перезвонить завтра", "смена тарифа")  # fmt: skip
ENGLISH = ("customer lost the phone", "needs passport scan", "eSIM QR code not received", "refund requested",
           "activation failed twice", "will call back after payment", "megafon app shows error")  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
RU_NAMES = ("Иван Петров", "Анна Смирнова", "Олег Кузнецов", "Мария Попова", "Дмитрий Волков")


def kb_sentences() -> list[str]:
    """Chinese sentences from the bundled KB's bodies: notes made of the desk's own vocabulary."""
    sentences: list[str] = []
    for path in (ROOT / "kb").rglob("*.md"):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        for part in body.replace("\n", "。").split("。"):
            part = part.strip(" #-*0123456789.、")
            if 4 <= len(part) <= 60 and any("\u4e00" <= ch <= "\u9fff" for ch in part):
                sentences.append(part)
    return sentences


def make_note(rng: random.Random, sentences: list[str]) -> str:
    """Lengths like agents' notes: mostly 60-300 characters, a long tail to ~1,500."""
    target = min(1500, max(20, int(rng.lognormvariate(5.0, 0.7))))
    parts: list[str] = []
    while sum(map(len, parts)) < target:
        roll = rng.random()
        pool = sentences if roll < 0.65 else RUSSIAN if roll < 0.82 else ENGLISH
        parts.append(rng.choice(pool))
    return "。".join(parts)


def phone(rng: random.Random) -> str:
    return f"+7 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"


def make_case(rng: random.Random, sentences: list[str], n: int, closed_at: datetime, agent: str) -> Case:
    talk, hold, wrap = int(rng.lognormvariate(5.3, 0.5)), rng.choice((0, 0, 0, 20, 45, 90)), rng.randint(5, 120)
    opened = closed_at - timedelta(seconds=talk + hold + wrap)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) if rng.random() < 0.8 else rng.choice(RU_NAMES)
    return Case(
        id=f"C{opened:%y%m%d-%H%M}-{n:08d}", opened_at=opened.isoformat(timespec="seconds"),
        caller=Caller(name, phone(rng), rng.choice(OPERATORS)), category=rng.choice(CATEGORIES),
        notes=make_note(rng, sentences), articles=["esim-replacement"] if rng.random() < 0.4 else [],
        scripts=["script-greeting"] if rng.random() < 0.7 else [], closed_at=closed_at.isoformat(timespec="seconds"),
        disposition=rng.choice(DISPOSITIONS), summary=rng.choice(sentences)[:40], duration_s=talk + hold + wrap,
        hold_count=1 if hold else 0, hold_s=hold, talk_s=talk, wrap_s=wrap, opened_by=agent, closed_by=agent,
        version=rng.randint(3, 40),
    )  # fmt: skip


def load_history(url: str, count: int, days: int, unique: int, seed: int = 7) -> None:
    """`unique` cases are generated here (~2 ms each in Python: keys, JSON); the rest of `count` are
    copies made by the server with new ids and times, so a million rows load in minutes. Notes and
    phones repeat (a phone 20 times: a repeat caller), which keeps the keys' frequencies as generated."""
    import psycopg
    from psycopg.types.json import Jsonb

    rng = random.Random(seed)
    sentences = kb_sentences()
    now = datetime.now(UTC)
    columns = ("id", "opened_at", "closed_at", "opened_by", "closed_by", "version", "operator", "category",
               "disposition", "talk_s", "hold_s", "hold_count", "wrap_s", "duration_s", "articles", "scripts", "doc",
               "search_text", "search_keys")  # fmt: skip
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX IF EXISTS agentui.cases_search")
        with conn.cursor().copy(f"COPY agentui.cases ({', '.join(columns)}) FROM STDIN") as copy:
            for n in range(min(count, unique)):
                agent = f"agent{rng.randint(1, 200):03d}"
                closed_at = now - timedelta(seconds=rng.uniform(0, days * 86400))
                case = make_case(rng, sentences, n, closed_at, agent)
                text = case_search_text(case)
                copy.write_row((
                    case.id, case.opened_at, case.closed_at, agent, agent, case.version, case.caller.operator,
                    case.category, case.disposition, case.talk_s, case.hold_s, case.hold_count, case.wrap_s,
                    case.duration_s, case.articles, case.scripts, Jsonb(case.to_dict()), text, keys_of(text),
                ))  # fmt: skip
                if n and n % 100000 == 0:
                    print(f"# loaded {n} cases in {time.perf_counter() - started:.0f} s", flush=True)
        copies = 0
        while min(count, unique) * (copies + 1) < count:
            copies += 1
            batch = min(unique, count - unique * copies)
            conn.execute(_COPY_SQL, {"n": copies, "limit": batch, "days": days})
        print(f"# loaded {count} cases in {time.perf_counter() - started:.0f} s; building the search index", flush=True)
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("CREATE INDEX cases_search ON agentui.cases USING gin (search_keys) WHERE closed_at IS NOT NULL")
        conn.execute("VACUUM ANALYZE agentui.cases")
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('agentui.cases'))").fetchone()
    print(f"# history ready in {time.perf_counter() - started:.0f} s; table with indexes {size[0]}", flush=True)


_COPY_SQL = b"""
INSERT INTO agentui.cases (id, opened_at, closed_at, opened_by, closed_by, version, operator, category, disposition,
    talk_s, hold_s, hold_count, wrap_s, duration_s, articles, scripts, doc, search_text, search_keys)
SELECT s.new_id, s.new_closed - make_interval(secs => c.duration_s), s.new_closed, c.opened_by, c.closed_by, c.version,
    c.operator, c.category, c.disposition, c.talk_s, c.hold_s, c.hold_count, c.wrap_s, c.duration_s, c.articles,
    c.scripts,
    c.doc || jsonb_build_object('id', s.new_id, 'closed_at', s.new_closed,
                                'opened_at', s.new_closed - make_interval(secs => c.duration_s)),
    replace(c.search_text, lower(c.id), lower(s.new_id)), c.search_keys
FROM (SELECT * FROM agentui.cases WHERE id NOT LIKE '%%-x%%' ORDER BY id LIMIT %(limit)s) c
CROSS JOIN LATERAL (SELECT c.id || '-x' || %(n)s AS new_id,
                           now() - random() * make_interval(days => %(days)s) AS new_closed) s
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


# -- 200 agents autosaving -----------------------------------------------------------------------
#
# Each agent is its own process (a workstation runs one console: its save shares no GIL with other
# agents' pushers). Each data dir is on its own tmpfs (a disk per agent: no agent's fsync queues
# behind another's on this machine's one virtual disk, but tmpfs makes fsync free), except the
# `witnesses`, whose data dirs are on this machine's disk: their wait, fsyncs included, is the
# `team_autosave_p95_ms` line. The witnesses run at a higher priority (`--witness-nice`), as if
# the CPU were their own.


WITNESS_NICE = -10


class AgentRun:
    """What one agent process measured, sent back to the parent."""

    def __init__(self, agent: str) -> None:
        self.agent = agent
        self.saves_ms: list[float] = []
        self.fsync_ms: list[float] = []
        """Per save: time in os.fsync (the disk), out of `saves_ms`."""
        self.cpu_ms: list[float] = []
        """Per save: CPU time of the saving thread, out of `saves_ms`; the rest is waiting for a core."""
        self.acked_ms: list[float] = []
        self.push_ms: list[float] = []
        self.notes = ""
        self.case_id = ""
        self.version = 0
        self.error = ""


def agent_process(
    url: str, data_dir: Path, agent: str, start_at: float, seconds: float, out: Any, nice: int
) -> None:
    """One agent's console: open a case, then save the growing notes once a second, as typing does."""
    run = AgentRun(agent)
    if nice:
        os.nice(nice)
    try:
        _type_for(url, data_dir, run, start_at, seconds)
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        run.error = f"{type(exc).__name__}: {exc}"
    out.put(run)


def _type_for(url: str, data_dir: Path, run: AgentRun, start_at: float, seconds: float) -> None:
    from agentui.core.cases.outbox import Outbox
    from agentui.core.cases.server.team_store import open_team_store

    typing = threading.local()
    real_fsync = os.fsync

    def timed_fsync(fd: int) -> None:
        began = time.perf_counter()
        real_fsync(fd)
        if getattr(typing, "saving", False):
            typing.fsync += time.perf_counter() - began

    os.fsync = timed_fsync
    queued_at: dict[int, float] = {}
    """Outbox entry (the open) -> when it was queued."""
    marked_at: dict[int, float] = {}
    """Version of the open case -> when its save marked it for the pusher."""
    lock = threading.Lock()
    real_add, real_mark, real_ack = Outbox.add_case, Outbox.mark, Outbox.acknowledge

    def add_case(self: Outbox, case: Case) -> int:
        seq = real_add(self, case)
        with lock:
            queued_at[seq] = time.perf_counter()
        return seq

    def mark(self: Outbox, case: Case) -> None:
        real_mark(self, case)
        with lock:
            marked_at.setdefault(case.version, time.perf_counter())

    def acknowledge(self: Outbox, upto: int, refused: dict[int, str], keep: set[str], *more: Any) -> None:
        real_ack(self, upto, refused, keep, *more)
        now = time.perf_counter()
        pushed = max((e.case.version for e in (more[0] if more else ()) if e.case is not None), default=0)
        with lock:
            for seq in [s for s in queued_at if s <= upto]:
                run.acked_ms.append((now - queued_at.pop(seq)) * 1000)
            for version in [v for v in marked_at if v <= pushed]:  # each save, once a push holds it
                run.acked_ms.append((now - marked_at.pop(version)) * 1000)

    Outbox.add_case, Outbox.mark, Outbox.acknowledge = add_case, mark, acknowledge  # type: ignore[method-assign]
    store = open_team_store(data_dir, url, agent=run.agent)
    real_push = store.server.push

    def timed_push(changes: Any) -> Any:
        began = time.perf_counter()
        result = real_push(changes)
        run.push_ms.append((time.perf_counter() - began) * 1000)
        return result

    store.server.push = timed_push  # type: ignore[method-assign]
    store.server.read_link.close()  # a console's read connection is idle while it types
    store.open_case()
    rng = random.Random(run.agent)
    text = ""
    next_at = start_at + rng.random()
    deadline = start_at + seconds
    while time.time() < deadline:
        time.sleep(max(0.0, next_at - time.time()))
        next_at += 1.0
        text += rng.choice(("客户说", "补卡", "паспорт ", "eSIM ", "已核实身份。"))
        typing.saving, typing.fsync = True, 0.0
        began, cpu = time.perf_counter(), time.thread_time()
        store.update(notes=text)
        run.saves_ms.append((time.perf_counter() - began) * 1000)
        run.cpu_ms.append((time.thread_time() - cpu) * 1000)
        run.fsync_ms.append(typing.fsync * 1000)
        typing.saving = False
    store.sync_now()
    active = store.active()
    assert active is not None
    run.notes, run.case_id, run.version = text, active.id, active.version
    store.close_store()


class AgentDisks:
    """A filesystem per agent, as each workstation has its own disk: `tmpfs` (root only: `mount`;
    fsync is free), or `dir` (plain directories on this machine's disk)."""

    def __init__(self, root: Path, names: list[str], kind: str, size: str = "32m") -> None:
        self.root = root
        self.kind = kind
        self.mounted: list[Path] = []
        self.note = ""
        for name in names:
            (root / name).mkdir()
        try:
            for name in names if kind != "dir" else []:
                self._mount(root / name, size)
        except subprocess.CalledProcessError as exc:
            self.note = f"could not mount {kind} per agent ({(exc.stderr or '').strip()}): all on one disk"
            self.unmount()
            self.kind = "dir"

    def data_dir(self, name: str) -> Path:
        return self.root / name / "data"

    def _mount(self, target: Path, size: str) -> None:
        command = ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "agentui-bench", str(target)]
        subprocess.run(command, check=True, capture_output=True, text=True)
        self.mounted.append(target)

    def unmount(self) -> None:
        for target in self.mounted:
            subprocess.run(["umount", str(target)], capture_output=True)
        self.mounted = []


def autosave_bench(
    url: str, agents: int, seconds: float, witnesses: int, layout: str, server_here: bool, witness_nice: int
) -> None:
    """`layout` "own": the witnesses in directories on this machine's disk, the others each on a tmpfs;
    "one-disk": every data dir a directory on this machine's disk. `server_here`: the server's
    cluster is on this machine's disk too, so its WAL flushes queue with the witnesses' fsyncs."""
    import psycopg


    run = f"r{os.getpid()}"  # a kept server may hold open cases of an earlier run's agents
    names = [f"{run}-live{i:03d}" for i in range(agents)]
    witness_names = set(names[:: max(1, agents // witnesses)][:witnesses])
    others = [name for name in names if name not in witness_names]
    own = layout == "own"
    seen_disks = AgentDisks(Path(tempfile.mkdtemp(prefix="agentui-bench-disk-")), sorted(witness_names),
                            "dir")  # fmt: skip
    other_disks = AgentDisks(Path(tempfile.mkdtemp(prefix="agentui-bench-tmpfs-")), [*others, "probe"],
                             "tmpfs" if own else "dir")  # fmt: skip
    own = own and other_disks.kind == "tmpfs"
    try:
        where = {n: seen_disks.data_dir(n) for n in witness_names} | {n: other_disks.data_dir(n) for n in others}
        ctx = multiprocessing.get_context("fork")  # the parent has imported everything; no threads yet
        queue = ctx.Queue()
        start_at = time.time() + 5 + agents * 0.05  # every agent's first save after all have started
        procs = [
            ctx.Process(
                target=agent_process,
                args=(url, where[n], n, start_at, seconds, queue, witness_nice if n in witness_names else 0),
            )
            for n in names
        ]
        cpu_before = _cpu_busy()
        load_before = os.getloadavg()
        for proc in procs:
            proc.start()
        probe = FloorProbe(url, other_disks.data_dir("probe"))
        done = threading.Event()
        prober = threading.Thread(target=probe.run_while, args=(lambda: not done.is_set(), start_at))
        prober.start()
        # Results first, then join: a child cannot exit before its result has left the pipe.
        results: list[AgentRun] = [queue.get() for _ in procs]
        cpu_busy = _cpu_busy(cpu_before)
        load_after = os.getloadavg()
        done.set()
        prober.join()
        for proc in procs:
            proc.join()
    finally:
        for disks in (seen_disks, other_disks):
            disks.unmount()
            shutil.rmtree(disks.root, ignore_errors=True)
    failed = [r for r in results if r.error]
    if failed:
        print(f"# {len(failed)} agents failed, e.g. {failed[0].agent}: {failed[0].error}")
    lost = 0
    with psycopg.connect(url) as conn:
        for r in results:
            sql = "SELECT doc->>'notes', version FROM agentui.cases WHERE id = %s"
            row = conn.execute(sql, (r.case_id,)).fetchone()
            lost += 0 if r.error == "" and row == (r.notes, r.version) else 1
    seen = [r for r in results if r.agent in witness_names]
    rest = [r for r in results if r.agent not in witness_names]
    witness_saves = [x for r in seen for x in r.saves_ms]
    rest_saves = [x for r in rest for x in r.saves_ms]
    every = [x for r in results for x in r.saves_ms]
    acked = [x for r in results for x in r.acked_ms]
    pushes = [x for r in results for x in r.push_ms]
    if own:
        line = "team_autosave_server_on_same_disk_p95_ms" if server_here else "team_autosave_p95_ms"
        print(f"{line} agents={agents}: {p95(witness_saves):.1f}")
        print(f"# ^ {len(seen)} agents with their data dirs on this machine's disk "
              f"({len(witness_saves)} saves, p50 {statistics.median(witness_saves):.1f} ms) while {len(rest)} "
              "others autosave, each on a tmpfs of its own, all against one server; "
              "every agent a process"
              + ("; the server's WAL on the same disk (--server-tmpfs moves it off)" if server_here else ""),
              )  # fmt: skip
        print(f"team_autosave_tmpfs_p95_ms agents={len(rest)}: {p95(rest_saves):.1f}")
        print(f"# ^ those {len(rest)} others' wait (p50 {statistics.median(rest_saves):.1f} ms): no fsync cost "
              "(tmpfs), so this is the save's CPU and the wait for one of the 2 cores")  # fmt: skip
    else:
        print(f"# {seen_disks.note or other_disks.note or 'a directory per agent on one disk (--one-disk)'}")
        print(f"team_autosave_one_disk_p95_ms agents={agents}: {p95(every):.1f}")
        print(f"# ^ all {agents} data dirs on this machine's one disk (p50 {statistics.median(every):.1f} ms): "
              "the disk's queue of every agent's fsyncs, not one workstation's wait")  # fmt: skip
    seen_acked = [x for r in seen for x in r.acked_ms]
    print(f"team_autosave_server_p95_ms agents={agents}: {p95(acked):.1f}")
    print(f"# ^ from the save to the server's acknowledgement (p50 {statistics.median(acked):.1f} ms, "
          f"{len(acked)} changes: the saves and each agent's open; the witnesses' alone p95 {p95(seen_acked):.1f}); "
          + ("the server's WAL flushed to this machine's disk" if server_here
             else "the server's cluster on a tmpfs: its commits cost no flush (a lower bound)"))  # fmt: skip
    print(f"team_push_p95_ms agents={agents}: {p95(pushes):.1f}")
    print(f"# ^ one push round trip (a transaction on the server; p50 {statistics.median(pushes):.1f} ms, "
          f"{len(pushes)} pushes of {len(acked) / max(1, len(pushes)):.1f} changes on average)")  # fmt: skip
    print(f"team_lost_writes: {lost}")
    print(f"# autosaves: {len(every)} by {len(results)} agents in {seconds:.0f} s; both cores {cpu_busy:.0f} % busy; "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} at the end")  # fmt: skip
    _explain_slowest("witness" if own else "every", seen if own else results)
    print(f"floor_update_p95_ms: {p95(probe.delays):.0f}")
    median = statistics.median(probe.delays)
    print(f"# floor updates measured: {len(probe.delays)} (p50 {median:.0f} ms), under the load above")


def _explain_slowest(label: str, runs: list[AgentRun]) -> None:
    """Where the slowest 5 % of saves spent their time: the disk, the CPU, or waiting for a core."""
    rows = sorted((s, f, c) for r in runs for s, f, c in zip(r.saves_ms, r.fsync_ms, r.cpu_ms, strict=True))
    slow = rows[int(0.95 * len(rows)) :] or rows
    wall, disk, cpu = (statistics.mean(col) for col in zip(*slow, strict=True))
    print(f"# slowest 5 % of {label} saves, mean {wall:.1f} ms: fsync {disk:.1f}, CPU {cpu:.1f}, "
          f"waiting for a core (or the GIL) {max(0.0, wall - disk - cpu):.1f}")  # fmt: skip


def _cpu_busy(since: tuple[int, int] | None = None) -> Any:
    """/proc/stat's busy and total jiffies, or the busy share since an earlier reading (percent)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    busy, total = sum(fields) - fields[3] - fields[4], sum(fields)
    if since is None:
        return busy, total
    return 100 * (busy - since[0]) / max(1, total - since[1])


class FloorProbe:
    """One extra agent changes its case every second; a floor watcher times how long until it shows."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.data_dir = data_dir
        """On a tmpfs of its own with the other agents: not on the witnesses' disk."""
        self.delays: list[float] = []

    def run_while(self, busy, start_at: float) -> None:  # noqa: ANN001
        from agentui.core.cases.server.floor import FloorWatcher

        seen = threading.Condition()
        latest: dict[str, int] = {}
        probe_name = f"probe{os.getpid()}"

        def on_rows(rows) -> None:  # noqa: ANN001
            with seen:
                for row in rows:
                    if row.agent == probe_name and row.case is not None:
                        latest["v"] = row.case.version
                seen.notify_all()

        watcher = FloorWatcher(self.url, on_rows)
        watcher.start()
        try:
            self._probe(self.data_dir, probe_name, busy, start_at, seen, latest)
        finally:
            watcher.stop()

    def _probe(self, where: Path, probe_name: str, busy, start_at: float, seen, latest) -> None:  # noqa: ANN001
        from agentui.core.cases.server.team_store import open_team_store

        store = open_team_store(where, self.url, agent=probe_name)
        store.open_case()
        time.sleep(max(0.0, start_at - time.time()) + 3)  # the probe measures under the agents' load
        n = 0
        while busy():
            n += 1
            started = time.perf_counter()
            version = store.update(notes=f"probe {n}").case.version
            with seen:
                ok = seen.wait_for(lambda v=version: latest.get("v", 0) >= v, timeout=5)
            self.delays.append((time.perf_counter() - started) * 1000 if ok else 5000.0)
            time.sleep(1)
        store.close_store()


# -- search, report, catch-up --------------------------------------------------------------------

QUERIES = ("补卡", "注销", "护照", "退款", "激活", "营业厅", "保号卡补办", "流量卡注销", "身份证明", "eSIM 激活",
           "passport", "megafon", "refund", "паспорт", "перезвонить", "QR code")  # fmt: skip


def search_bench(url: str, count: int) -> None:
    import psycopg

    from agentui.core.cases.server.remote import CaseServer

    with psycopg.connect(url) as conn:
        sample = "SELECT doc->'caller'->>'phone' FROM agentui.cases TABLESAMPLE SYSTEM (0.1) LIMIT 8"
        phones = [r[0] for r in conn.execute(sample).fetchall()]
    digit_queries = ["".join(ch for ch in p if ch.isdigit())[1:9] for p in phones]
    server = CaseServer(url, agent="bench", client_id="bench")
    times: dict[str, list[float]] = {}
    for _round in range(3):
        for query in (*QUERIES, *digit_queries):
            started = time.perf_counter()
            found = server.history(text=query, operator="", disposition="", limit=50, exclude_id="")
            times.setdefault(query, []).append((time.perf_counter() - started) * 1000)
            if query in digit_queries:
                assert found, f"the phone {query} must be found"
    server.close()
    every = [t for q, ts in times.items() for t in ts[1:]]  # the first round warms the cache
    print(f"team_history_search_p95_ms cases={count}: {p95(every):.0f}")
    slow = sorted(times.items(), key=lambda kv: -max(kv[1][1:]))[:4]
    print("# slowest: " + ", ".join(f"{q} {max(ts[1:]):.0f} ms" for q, ts in slow))


def report_bench(url: str, count: int) -> None:
    from agentui.cli.report import collect
    from agentui.config import load_settings

    settings = load_settings(store=url)
    since = (datetime.now(UTC) - timedelta(days=7)).isoformat(timespec="seconds")
    until = datetime.now(UTC).isoformat(timespec="seconds")
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        report = collect(settings, since, until, None)
        runs.append((time.perf_counter() - started) * 1000)
    print(f"report_7d_ms cases={count}: {min(runs[1:]):.0f}")
    print(f"# report over {report.calls} calls; runs {', '.join(f'{r:.0f}' for r in runs)} ms")


def single_agent_bench(url: str, saves: int = 200) -> None:
    """One agent alone, the embedded store beside the team store: what one workstation's disk costs
    (both make one durable write per autosave, the case file; the team store's outbox marks the
    case in memory and its pusher runs beside the saves)."""
    from agentui.core.cases.opening import open_store
    from agentui.core.cases.server.team_store import open_team_store

    for name in ("embedded_autosave_p95_ms agents=1", "team_autosave_p95_ms agents=1"):
        with tempfile.TemporaryDirectory(prefix="agentui-one-") as where:
            if name.startswith("team"):
                store: Any = open_team_store(Path(where), url, agent=f"solo{os.getpid()}")
            else:
                store = open_store(Path(where))
            store.open_case()
            times = []
            for n in range(saves):
                started = time.perf_counter()
                store.update(notes=f"客户说 {n}")
                times.append((time.perf_counter() - started) * 1000)
                time.sleep(0.01)
            store.close_store()
        print(f"{name}: {p95(times):.1f}")


def catchup_bench(url: str, changes: int) -> None:
    """An offline console's backlog: `changes` saves (autosaves of notes, and a close every 50)
    made while the server is away, then the time to push them all. The outbox holds them as its
    entries (each call's open and close) and the open case's latest state: a case's autosaves
    travel as one state, so this prints both counts."""
    from agentui.core.cases.server.team_store import open_team_store

    with tempfile.TemporaryDirectory(prefix="agentui-catchup-") as where:
        agent = f"catchup{os.getpid()}"  # a kept server still holds an earlier run's open case
        store = open_team_store(Path(where), url, agent=agent, push=False)
        store.open_case()
        for n in range(changes - 1):
            if n % 50 == 49:
                store.close(Disposition.RESOLVED, "done")
                store.open_case()
            else:
                store.update(notes=f"offline note {n}")
        waiting = store.outbox.waiting
        started = time.perf_counter()
        assert store.sync_now() and store.outbox.waiting == 0
        print(f"outbox_catchup_s changes={changes}: {time.perf_counter() - started:.1f}")
        print(f"# ^ {changes} saves made offline, waiting in the outbox as {waiting} pushes (entries: each "
              "call's open and close; and the open case's latest state)")  # fmt: skip
        store.close_store()


def _du_gib(path: Path) -> int:
    return 1 + sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) // 2**30


def _copy_cluster(kept: Path, target: Path, settings: dict[str, str]) -> None:
    """Start the kept cluster with a small WAL allowance and checkpoint (the copy then carries no
    spare WAL segments), stop it cleanly, and copy its data dir with owners and modes."""
    started = time.perf_counter()
    cluster = start_cluster(base=kept, settings={**settings, "max_wal_size": "256MB", "min_wal_size": "64MB"})
    try:
        import psycopg

        with psycopg.connect(cluster.tcp_url(), autocommit=True) as conn:
            conn.execute("CHECKPOINT")
            conn.execute("CHECKPOINT")
    finally:
        cluster.stop("fast")
    subprocess.run(["cp", "-a", str(kept / "data"), str(target / "data")], check=True)
    copied, took = _du_gib(target) - 1, time.perf_counter() - started
    print(f"# copied the kept cluster (~{copied} GiB) to the tmpfs in {took:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=120, help="history spread over this many days")
    parser.add_argument("--unique", type=int, default=50_000, help="cases generated in Python; the rest are copies")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--only", default="search,report,catchup,autosave", help="which parts to run")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--witnesses", type=int, default=8,
                        help="agents (of --agents) with their data dirs on this machine's disk, not a tmpfs")
    parser.add_argument("--witness-nice", type=int, default=WITNESS_NICE,
                        help="the witnesses' nice value (root may go below 0): their CPU is their own on a floor")
    parser.add_argument("--one-disk", action="store_true",
                        help="every agent's data dir on this machine's disk (no tmpfs): the disk's queue")
    parser.add_argument("--server-tmpfs", action="store_true",
                        help="the server's cluster on a tmpfs (fsync on, but free): its WAL flushes leave this "
                             "machine's disk to the agents on it, as the server's own disk would on a floor; "
                             "with --pgdir, a copy of the kept cluster runs there (the copy is discarded)")
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--pgdir", type=Path, help="keep the cluster here and reuse it (and its history) next run")
    args = parser.parse_args()
    settings = {"max_connections": str(2 * args.agents + 50), "shared_buffers": "1GB", "fsync": "on",
                "work_mem": "32MB", "max_wal_size": "4GB"}
    server_disk = None
    if args.server_tmpfs:
        size = f"{4 + (_du_gib(args.pgdir) if args.pgdir else 0)}g"
        server_disk = AgentDisks(Path(tempfile.mkdtemp(prefix="agentui-bench-server-")), ["pg"], "tmpfs", size=size)
        if not server_disk.mounted:
            parser.error(f"--server-tmpfs: {server_disk.note}")
        server_disk.root.chmod(0o711)  # the server runs as `postgres` when this runs as root
        print("# the server's cluster is on a tmpfs (--server-tmpfs): its commits cost no disk flush here")
    try:
        if server_disk and args.pgdir:
            _copy_cluster(args.pgdir, server_disk.root / "pg", settings)
        cluster = start_cluster(base=server_disk.root / "pg" if server_disk else args.pgdir, settings=settings)
    except BaseException:
        if server_disk:
            server_disk.unmount()
            shutil.rmtree(server_disk.root, ignore_errors=True)
        raise
    try:
        url = cluster.tcp_url()
        from agentui.core.cases.server.connect import connect
        from agentui.core.cases.server.migrate import migrate

        with connect(url) as conn:
            migrate(conn)
        with connect(url) as conn:
            have = conn.execute("SELECT count(*) FROM agentui.cases WHERE closed_at IS NOT NULL").fetchone()
        if not have or have[0] < args.cases:
            load_history(url, args.cases, args.days, args.unique)
        parts = set(args.only.split(","))
        if "search" in parts:
            search_bench(url, args.cases)
        if "report" in parts:
            report_bench(url, args.cases)
        if "catchup" in parts:
            catchup_bench(url, args.changes)
        if "autosave" in parts:
            single_agent_bench(url)
            layout = "one-disk" if args.one_disk else "own"
            autosave_bench(url, args.agents, args.seconds, args.witnesses, layout, server_here=not server_disk,
                           witness_nice=args.witness_nice)  # fmt: skip
    finally:
        if args.pgdir and not server_disk:
            cluster.stop("fast")
        else:
            cluster.destroy()
        if server_disk:
            server_disk.unmount()
            shutil.rmtree(server_disk.root, ignore_errors=True)


if __name__ == "__main__":
    main()
