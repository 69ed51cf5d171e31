"""Team-mode benchmark against a throwaway local PostgreSQL 15 with a million closed cases.

    python benchmarks/team_bench.py                       # 1,000,000 cases, 200 agents for 60 s
    python benchmarks/team_bench.py --cases 100000 --agents 50 --seconds 20   # a quicker run

Prints `team_autosave_p95_ms agents=200: X` (the agent's wait: durable in the data dir and queued),
`team_autosave_server_p95_ms agents=200: X` (until the server acknowledged it), `team_lost_writes: 0`,
`team_history_search_p95_ms cases=1000000: X`, `floor_update_p95_ms: X`, `report_7d_ms cases=...: X`
and `outbox_catchup_s changes=10000: X`. Not part of CI (it takes ~15 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def agent_worker(url: str, root: str, names: list[str], seconds: float, out: multiprocessing.Queue) -> None:
    from agentui.core.cases.outbox import Outbox
    from agentui.core.cases.server.team_store import open_team_store

    queued_at: dict[tuple[str, int], float] = {}
    acked_ms: list[float] = []
    lock = threading.Lock()
    real_add, real_ack = Outbox.add_case, Outbox.acknowledge

    def add_case(self: Outbox, case: Case) -> int:
        seq = real_add(self, case)
        with lock:
            queued_at[(self.client_id, seq)] = time.perf_counter()
        return seq

    def acknowledge(self: Outbox, upto: int, refused: dict[int, str], keep: set[str]) -> None:
        real_ack(self, upto, refused, keep)
        now = time.perf_counter()
        with lock:
            for key in [k for k in queued_at if k[0] == self.client_id and k[1] <= upto]:
                acked_ms.append((now - queued_at.pop(key)) * 1000)

    Outbox.add_case, Outbox.acknowledge = add_case, acknowledge  # type: ignore[method-assign]
    stores = [open_team_store(Path(root) / name, url, agent=name) for name in names]
    for store in stores:
        store.server.read_link.close()  # a console's read connection is idle while it types
        store.open_case()
    latencies: list[float] = []
    notes: dict[str, str] = {}

    def type_notes(store, rng: random.Random) -> None:  # noqa: ANN001
        text = ""
        deadline = time.monotonic() + seconds
        next_at = time.monotonic() + rng.random()
        while time.monotonic() < deadline:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += 1.0
            text += rng.choice(("客户说", "补卡", "паспорт ", "eSIM ", "已核实身份。"))
            started = time.perf_counter()
            store.update(notes=text)
            latencies.append((time.perf_counter() - started) * 1000)
        notes[store.agent] = text

    threads = [threading.Thread(target=type_notes, args=(s, random.Random(i))) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.sync_now()
    versions = {s.agent: (s.active().id, s.active().version) for s in stores}
    for store in stores:
        store.close_store()
    out.put((latencies, acked_ms, notes, versions))


def autosave_bench(url: str, agents: int, seconds: float, procs: int) -> None:
    import psycopg

    run = f"r{os.getpid()}"  # a kept server may hold open cases of an earlier run's agents
    names = [f"{run}-live{i:03d}" for i in range(agents)]
    root = tempfile.mkdtemp(prefix="agentui-team-bench-")
    queue: multiprocessing.Queue = multiprocessing.Queue()
    ctx_procs = [multiprocessing.Process(target=agent_worker, args=(url, root, names[i::procs], seconds, queue))
                 for i in range(procs)]  # fmt: skip
    probe = FloorProbe(url)
    for proc in ctx_procs:
        proc.start()
    done = threading.Event()
    prober = threading.Thread(target=probe.run_while, args=(lambda: not done.is_set(), names))
    prober.start()
    # Results first, then join: a child cannot exit before its (large) result has left the pipe.
    results = [queue.get() for _ in ctx_procs]
    done.set()
    prober.join()
    for proc in ctx_procs:
        proc.join()
    latencies = [x for r in results for x in r[0]]
    acked = [x for r in results for x in r[1]]
    lost = 0
    with psycopg.connect(url) as conn:
        for _lat, _ack, notes, versions in results:
            for agent, text in notes.items():
                case_id, version = versions[agent]
                sql = "SELECT doc->>'notes', version FROM agentui.cases WHERE id = %s"
                row = conn.execute(sql, (case_id,)).fetchone()
                lost += 0 if row == (text, version) else 1
    print(f"team_autosave_p95_ms agents={agents}: {p95(latencies):.1f}")
    print(f"team_autosave_server_p95_ms agents={agents}: {p95(acked):.1f}")
    print(f"# autosaves: {len(latencies)} (p50 {statistics.median(latencies):.1f} ms), server acks: {len(acked)}")
    print(f"team_lost_writes: {lost}")
    print(f"floor_update_p95_ms: {p95(probe.delays):.0f}")
    median = statistics.median(probe.delays)
    print(f"# floor updates measured: {len(probe.delays)} (p50 {median:.0f} ms), under the load above")


class FloorProbe:
    """One extra agent changes its case every second; a floor watcher times how long until it shows."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.delays: list[float] = []

    def run_while(self, busy, names: list[str]) -> None:  # noqa: ANN001
        from agentui.core.cases.server.floor import FloorWatcher
        from agentui.core.cases.server.team_store import open_team_store

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
        store = open_team_store(Path(tempfile.mkdtemp(prefix="agentui-probe-")), self.url, agent=probe_name)
        store.open_case()
        time.sleep(3)  # let the agents start typing: the probe measures under their load
        n = 0
        while busy():
            n += 1
            started = time.perf_counter()
            version = store.update(notes=f"probe {n}").case.version
            with seen:
                ok = seen.wait_for(lambda v=version: latest.get("v", 0) >= v, timeout=5)
            self.delays.append((time.perf_counter() - started) * 1000 if ok else 5000.0)
            time.sleep(1)
        watcher.stop()
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
    (the team store makes two durable writes per save: the data dir's file and the outbox entry)."""
    from agentui.core.cases.server.team_store import open_team_store
    from agentui.core.cases.store import open_store

    for name, store in (
        ("embedded_autosave_p95_ms agents=1", open_store(Path(tempfile.mkdtemp(prefix="agentui-one-")))),
        ("team_autosave_p95_ms agents=1",
         open_team_store(Path(tempfile.mkdtemp(prefix="agentui-one-")), url, agent=f"solo{os.getpid()}")),
    ):
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
    from agentui.core.cases.server.team_store import open_team_store

    store = open_team_store(Path(tempfile.mkdtemp(prefix="agentui-catchup-")), url, agent="catchup", push=False)
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
    print(f"outbox_catchup_s changes={waiting}: {time.perf_counter() - started:.1f}")
    store.close_store()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=120, help="history spread over this many days")
    parser.add_argument("--unique", type=int, default=50_000, help="cases generated in Python; the rest are copies")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--only", default="search,report,catchup,autosave", help="which parts to run")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--procs", type=int, default=4, help="processes the agents are spread over")
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--pgdir", type=Path, help="keep the cluster here and reuse it (and its history) next run")
    args = parser.parse_args()
    settings = {"max_connections": str(2 * args.agents + 50), "shared_buffers": "1GB", "fsync": "on",
                "work_mem": "32MB", "max_wal_size": "4GB"}
    cluster = start_cluster(base=args.pgdir, settings=settings)
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
            autosave_bench(url, args.agents, args.seconds, args.procs)
    finally:
        if args.pgdir:
            cluster.stop("fast")
        else:
            cluster.destroy()


if __name__ == "__main__":
    main()
