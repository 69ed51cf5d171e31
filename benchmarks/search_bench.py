"""Search benchmark: query latency, cold build, warm start, RSS and exhaustive-scan ratio on synthetic KBs."""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fts5_peer  # noqa: E402
import synthetic_kb  # noqa: E402
import zipf_kb  # noqa: E402

GENERATORS = {"grid": synthetic_kb, "zipf": zipf_kb}

SEED = 1
ROOT = Path(__file__).resolve().parent.parent
# (metric, size) -> (limit, higher_is_better); from the search issue.
TARGETS = {
    ("p95_ms", 10_000): (3.0, False), ("p95_ms", 100_000): (10.0, False),
    ("speedup_p50", 100_000): (100.0, True), ("cold_total_s", 100_000): (15.0, False),
    ("warm_start_s", 100_000): (1.5, False), ("rss_mib", 100_000): (400.0, False),
    # issue 17 section 7: the console's start (trusted cache) and its memory after 20 queries
    ("trusted_start_s", 100_000): (0.3, False), ("trusted_rss_mib", 100_000): (150.0, False),
    ("trusted_p95_ms", 10_000): (3.0, False), ("trusted_p95_ms", 100_000): (10.0, False),
}


def pin_to_one_core() -> str:
    """Targets are per core; pinning also keeps the exhaustive scan from borrowing the other core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return f"pinned to CPU {min(os.sched_getaffinity(0))}"
    return "not pinned (no sched_setaffinity)"


def peak_rss_mib() -> float:
    """This process's own peak (VmHWM). Not `ru_maxrss`: Linux carries it over `execve`, so a worker
    started by the driver reported the driver's RSS (pypinyin and the queries: ~140 MiB) whenever
    its own peak was lower."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mib() -> float:
    """Peak RSS can't tell load from build; the current value after each phase can."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def exhaustive_subset(queries: list[list[str]], count: int) -> list[int]:
    """Round-robin over query kinds, so a small subset still covers every kind."""
    by_kind: dict[str, list[int]] = {}
    for i, (kind, *_) in enumerate(queries):
        by_kind.setdefault(kind, []).append(i)
    picked: list[int] = []
    while len(picked) < min(count, len(queries)):
        for indices in by_kind.values():
            if indices and len(picked) < count:
                picked.append(indices.pop(0))
    return sorted(picked)


def sources_digest() -> str:
    """The lead may be editing the index while the bench runs; workers that differ here measured different code."""
    package = Path(__file__).resolve().parent.parent / "agentui" / "core"
    digest = hashlib.sha256()
    for path in sorted([*package.glob("search/*.py"), *package.glob("kb/*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def cache_snapshot(cache_dir: Path) -> dict[str, tuple[int, int]]:
    """A warm start that writes to the cache did not use it; this tells a real warm start from a rebuild."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in Path(cache_dir).rglob("*") if p.is_file()}


# ---------------------------------------------------------------- workers (one fresh process each)

def worker_cold(args: argparse.Namespace) -> dict:
    """load_kb and build timed apart; then latency, peak RSS, and the exhaustive scan last (it allocates)."""
    out: dict = {"pinning": pin_to_one_core(), "sources": sources_digest()}
    started = time.perf_counter()
    from agentui.core.kb import load_kb
    from agentui.core.search import SearchIndex
    out["import_s"] = time.perf_counter() - started
    out["rss_after_import_mib"] = current_rss_mib()

    started = time.perf_counter()
    kb = load_kb(args.kb)
    out["load_s"] = time.perf_counter() - started
    out["rss_after_load_mib"] = current_rss_mib()
    out["entries"], out["problems"] = len(kb.entries), [str(p) for p in kb.problems[:5]]
    out["problem_count"] = len(kb.problems)
    records = kb.records  # what open_search builds from: Entry objects are built only when read
    started = time.perf_counter()
    index = SearchIndex.from_records(records)
    out["build_s"] = time.perf_counter() - started
    out["rss_after_build_mib"] = current_rss_mib()
    out["exact"] = getattr(index, "is_exact", None)

    queries = json.loads(Path(args.queries_file).read_text(encoding="utf-8"))
    top10, hit_counts = [], []
    for _kind, query, *_ in queries:  # warm-up pass, also the results we compare
        hits = index.search(query, limit=args.limit)
        top10.append([h.id for h in hits[:10]])
        hit_counts.append(len(hits))
    samples: list[list[float]] = [[] for _ in queries]
    for _ in range(args.repeat):
        for i, (_kind, query, *_) in enumerate(queries):
            started = time.perf_counter()
            index.search(query, limit=args.limit)
            samples[i].append((time.perf_counter() - started) * 1000)
    out["latency_ms"] = [statistics.median(s) for s in samples]
    out["max_ms"] = max(max(s) for s in samples)
    out["hit_counts"], out["top10"] = hit_counts, top10
    out["rss_mib"] = peak_rss_mib()
    out["made_from"] = source_ranks(index, queries, args.limit)
    held_out = json.loads(Path(args.queries_file).with_suffix(".held-out.json").read_text(encoding="utf-8")) \
        if Path(args.queries_file).with_suffix(".held-out.json").is_file() else []
    if held_out:
        out["held_out"] = source_ranks(index, held_out, args.limit)
        out["held_out_latency_ms"] = [statistics.median(timed(index.search, q, args.limit, args.repeat))
                                      for _k, q, *_ in held_out]
    out["exhaustive"] = exhaustive_scan(records, queries, top10, exhaustive_subset(queries, args.exhaustive))
    out["recall"] = candidate_recall(index, queries, args.limit, exhaustive_subset(queries, args.recall))
    return out


def timed(search, query: str, limit: int, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        search(query, limit=limit)
        samples.append((time.perf_counter() - started) * 1000)
    return samples[1:]


def source_ranks(index, queries: list, limit: int) -> dict | None:
    """For queries made from an entry (the Zipf generator's): where that entry comes, and whether
    it scores as high as the first hit (a query of common words matches many entries equally)."""
    if not queries or len(queries[0]) < 3:
        return None
    from agentui.core.search.scorer import score_doc

    position = {record[0]: i for i, record in enumerate(index.records)}
    ranks, tied_first = [], 0
    for _kind, query, source in queries:
        hits = index.search(query, limit=limit)
        ids = [h.id for h in hits]
        ranks.append(ids.index(source) + 1 if source in ids else 0)
        scored = score_doc(index.doc(position[source]), index.parse(query))
        tied_first += bool(hits) and scored is not None and round(min(scored.score, 100.0), 1) >= hits[0].score
    return {"ranks": ranks, "tied_first": tied_first}


def candidate_recall(index, queries: list, limit: int, subset: list[int], budget_s: float = 60.0) -> dict | None:
    """How often the candidate stage loses a hit its own scorer would rank in the top 10.

    Uses the index's `search_exhaustive` (not part of the pinned API, skipped when absent; stops
    after `budget_s`, as it is pure Python over every entry and can take seconds per query); a hit
    counts when its score reaches the exhaustive 10th best, since ties make ids alone arbitrary.
    """
    exhaustive = getattr(index, "search_exhaustive", None)
    if exhaustive is None:
        return None
    recalls, times, identical = [], [], 0
    deadline = time.perf_counter() + budget_s
    for i in subset:
        if times and time.perf_counter() > deadline:
            break
        query = queries[i][1]
        started = time.perf_counter()
        reference = exhaustive(query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
        hits = index.search(query, limit=limit)[:10]
        identical += [(h.id, h.score) for h in hits] == [(h.id, h.score) for h in reference]
        if not reference:
            continue
        if len(reference) < 10:
            wanted = {h.id for h in reference}
            recalls.append(sum(1 for h in hits if h.id in wanted) / len(reference))
        else:
            recalls.append(min(10, sum(1 for h in hits if h.score >= reference[-1].score)) / 10)
    return {"queries": len(times), "recall": recalls, "latency_ms": times, "identical": identical}


def exhaustive_scan(records: list, queries: list, top10: list[list[str]], subset: list[int]) -> dict:
    """The baseline the index must beat: partial_ratio of the casefolded query over every entry's text.

    Strict overlap is what the issue asks for, but common words score 100 in thousands of entries, so
    the scan's top 10 is an arbitrary pick among ties; tie-aware overlap counts an index hit as agreeing
    when its scan score is at least the scan's 10th best.
    """
    from rapidfuzz import fuzz, process


    texts = [f"{r.title} {' '.join(r.aliases)} {r.body}".casefold() for r in records]
    ids = [r.id for r in records]
    row_of = {eid: row for row, eid in enumerate(ids)}
    times, strict, tie_aware = [], [], []
    for i in subset:
        query = queries[i][1].casefold()
        started = time.perf_counter()
        best = process.extract(query, texts, scorer=fuzz.partial_ratio, limit=10)
        times.append((time.perf_counter() - started) * 1000)
        scan_ids = {ids[row] for _text, _score, row in best}
        tenth = best[-1][1] if best else 0.0
        strict.append(len(scan_ids & set(top10[i])) / 10)
        agreeing = sum(1 for eid in top10[i] if fuzz.partial_ratio(query, texts[row_of[eid]]) >= tenth)
        tie_aware.append(agreeing / 10)
    return {"subset": subset, "latency_ms": times, "overlap": strict, "overlap_tie_aware": tie_aware}


def worker_open(args: argparse.Namespace) -> dict:
    """open_search in a fresh process: with an empty cache it fills it, with a full one it is the warm
    start. As `--worker trusted`, the console's start: `open_search_trusted` (no stat of the KB's
    files), then the check of the files the console runs once its results show, timed apart."""
    out: dict = {"pinning": pin_to_one_core(), "sources": sources_digest()}
    from agentui.core.search.cache import open_search, open_search_trusted

    before = cache_snapshot(args.cache)
    started = time.perf_counter()
    if args.worker == "trusted":
        kb, index, unchanged = open_search_trusted(args.kb, args.cache)
    else:
        kb, index = open_search(args.kb, args.cache)
    out["open_s"] = time.perf_counter() - started
    out["rss_after_open_mib"] = current_rss_mib()
    out["cache_written"] = cache_snapshot(args.cache) != before
    if args.worker == "trusted":
        started = time.perf_counter()
        out["unchanged"] = unchanged()
        out["check_s"] = time.perf_counter() - started
    queries = json.loads(Path(args.queries_file).read_text(encoding="utf-8"))[:20]
    started = time.perf_counter()  # a lazy cache may defer work to the first search: count it apart
    first = index.search(queries[0][1], limit=args.limit)
    out["first_search_ms"] = (time.perf_counter() - started) * 1000
    out["top10"] = [[h.id for h in first[:10]]]
    out["top10"] += [[h.id for h in index.search(q, limit=args.limit)[:10]] for _kind, q, *_ in queries[1:]]
    out["rss_mib"] = peak_rss_mib()
    out["entries"] = len(kb.entries)
    out["cache_bytes"] = sum(p.stat().st_size for p in Path(args.cache).rglob("*") if p.is_file())
    if args.worker == "trusted":  # the index as the console holds it: records and postings read from the file
        every = json.loads(Path(args.queries_file).read_text(encoding="utf-8"))
        out["latency_ms"] = [statistics.median(timed(index.search, q, args.limit, args.repeat)) for _k, q, *_ in every]
        out["rss_after_queries_mib"] = peak_rss_mib()
    return out


def worker_fts5(args: argparse.Namespace) -> dict:
    """The peer: SQLite FTS5 (trigram) over the same entries, in a fresh process."""
    out: dict = {"pinning": pin_to_one_core()}
    from agentui.core.kb import load_kb

    kb = load_kb(args.kb)
    records = kb.records
    out["rss_after_load_mib"] = current_rss_mib()
    started = time.perf_counter()
    peer = fts5_peer.Fts5Search.build(records, Path(args.cache) / "fts5.db")
    out["build_s"] = time.perf_counter() - started
    out["db_mib"] = peer.size_bytes() / 2**20
    out["rss_after_build_mib"] = current_rss_mib()
    queries = json.loads(Path(args.queries_file).read_text(encoding="utf-8"))
    samples: list[list[float]] = []
    top10 = []
    for _kind, query, *_ in queries:
        top10.append(peer.search(query, args.limit)[:10])
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            peer.search(query, args.limit)
            runs.append((time.perf_counter() - started) * 1000)
        samples.append(runs)
    out["latency_ms"] = [statistics.median(s) for s in samples]
    out["top10"] = top10
    out["rss_mib"] = peak_rss_mib()
    if queries and len(queries[0]) == 3:
        out["source_ranks"] = [ids.index(q[2]) + 1 if q[2] in ids else 0 for ids, q in zip(top10, queries, strict=True)]
    held_out_file = Path(args.queries_file).with_suffix(".held-out.json")
    if held_out_file.is_file():
        held_out = json.loads(held_out_file.read_text(encoding="utf-8"))
        found = [peer.search(q, args.limit)[:10] for _k, q, *_ in held_out]
        out["held_out_ranks"] = [ids.index(q[2]) + 1 if q[2] in ids else 0
                                 for ids, q in zip(found, held_out, strict=True)]
    return out


def dev_hit_rates() -> dict[str, tuple[float, float, int]]:
    """hit@1 of the index and of the FTS5 peer on the bundled KB's query sets (tests/data)."""
    from agentui.core.kb import load_kb
    from agentui.core.search import SearchIndex
    from agentui.locations import bundled_kb_dir

    kb = load_kb(bundled_kb_dir())
    index = SearchIndex.from_records(kb.records)
    with tempfile.TemporaryDirectory() as work:
        peer = fts5_peer.Fts5Search.build(kb.records, Path(work) / "dev.db")
        rates = {}
        for name in ("queries-dev.tsv", "queries-extra.tsv", "queries-call.tsv"):
            lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
            rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
            ours = sum(bool(h) and h[0].id in accepted.split(",")
                       for query, accepted, _ in rows for h in [index.search(query, 1)])
            theirs = sum(bool(ids) and ids[0] in accepted.split(",")
                         for query, accepted, _ in rows for ids in [peer.search(query, 1)])
            rates[name] = (ours / len(rows), theirs / len(rows), len(rows))
        peer.db.close()
    return rates


# ---------------------------------------------------------------- driver

def run_worker(mode: str, args: argparse.Namespace, kb_dir: Path, cache_dir: Path, queries_file: Path,
               exhaustive: int, recall: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_file = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--kb", str(kb_dir),
               "--cache", str(cache_dir), "--queries-file", str(queries_file), "--result", str(result_file),
               "--repeat", str(args.repeat), "--limit", str(args.limit), "--exhaustive", str(exhaustive),
               "--recall", str(recall)]
    try:
        completed = subprocess.run(command, cwd=Path(__file__).resolve().parent.parent)
        if completed.returncode != 0:
            raise SystemExit(f"worker {mode} failed (exit {completed.returncode}) on {kb_dir}")
        return json.loads(result_file.read_text(encoding="utf-8"))
    finally:
        result_file.unlink(missing_ok=True)


def ensure_kb(work: Path, size: int, generator: str = "grid") -> tuple[Path, float | None]:
    """Reuse a KB from --keep only if the marker says it was finished with the same size and seed."""
    name = f"kb-{size}" if generator == "grid" else f"kb-{generator}-{size}"
    kb_dir, marker = work / name, work / f"{name}.json"
    module = GENERATORS[generator]
    expected = {"count": size, "seed": SEED, "generator": module.GENERATOR_VERSION}
    if kb_dir.is_dir() and marker.is_file() and json.loads(marker.read_text()) == expected:
        return kb_dir, None
    shutil.rmtree(kb_dir, ignore_errors=True)
    started = time.perf_counter()
    module.write_kb(kb_dir, size, SEED)
    marker.write_text(json.dumps(expected))
    return kb_dir, time.perf_counter() - started


def index_version() -> str:
    """Figures only mean something next to the index they measured, which may be uncommitted work."""
    repo = Path(__file__).resolve().parent.parent

    def git(*words: str) -> str:
        try:
            return subprocess.run(["git", *words], cwd=repo, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "agentui/core/search", "agentui/core/kb")
    try:
        from agentui.core.search import cache
        index_format = getattr(cache, "INDEX_FORMAT", "n/a")
    except ImportError:
        index_format = "n/a"
    changes = " + uncommitted changes to core/search or core/kb" if dirty else ""
    return f"commit {head}{changes}, format {index_format}, sources {sources_digest()}"


def print_header(args: argparse.Namespace, query_count: int, pinning: str) -> None:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print("# agentui search benchmark")
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {cpu}, nproc {os.cpu_count()}, {platform.system()} {platform.machine()}")
    print(f"python: {platform.python_version()}")
    print(f"index: {index_version()}")
    print(f"queries: {query_count} (seed {SEED}), limit {args.limit}, {args.repeat} timed passes after one warm-up,"
          " latency = per-query median")
    print(f"workers: one fresh process per measurement, {pinning}")


def report(size: int, gen_s: float | None, cold: dict, fill: dict, warm: dict, trusted: dict, queries: list,
           peer: dict | None = None, kinds_order: tuple[str, ...] = synthetic_kb.QUERY_KINDS) -> dict[str, float]:
    def line(metric: str, value: float, note: str = "", fmt: str = ".2f") -> None:
        print(f"{metric} size={size}: {value:{fmt}}" + (f"  # {note}" if note else ""))
        metrics[metric] = value

    metrics: dict[str, float] = {}
    latency, ex = cold["latency_ms"], cold["exhaustive"]
    print(f"\n## size={size}")
    if gen_s is not None:
        print(f"generate_s size={size}: {gen_s:.1f}")
    line("entries", cold["entries"], fmt="d")
    line("problems", cold["problem_count"], fmt="d")
    if cold.get("exact") is not None:
        print(f"stage size={size}: {'exact (bounded full scan)' if cold['exact'] else 'candidates'}")
    for problem in cold["problems"]:
        print(f"  problem: {problem}")
    line("import_s", cold["import_s"], fmt=".3f")
    line("load_s", cold["load_s"], "load_kb")
    line("build_s", cold["build_s"], "SearchIndex.from_records")
    line("cold_total_s", cold["load_s"] + cold["build_s"], "load_kb + build")
    line("cold_open_search_s", fill["open_s"], "open_search, empty cache (fills it)")
    line("warm_start_s", warm["open_s"], "open_search, cache filled, fresh process (stats every file)", fmt=".3f")
    line("trusted_start_s", trusted["open_s"], "open_search_trusted: the console's start, no file stat'ed",
         fmt=".3f")
    line("trusted_check_s", trusted["check_s"], "its check of every file's stat, after the first results",
         fmt=".3f")
    line("trusted_cache_hit", int(trusted["unchanged"] and not trusted["cache_written"]), "1: cache trusted and right",
         fmt="d")
    line("warm_first_search_ms", warm["first_search_ms"], "first query after the warm start", fmt=".1f")
    line("warm_cache_hit", 0 if warm["cache_written"] else 1, "0: the warm start wrote the cache, so it rebuilt",
         fmt="d")
    if len({cold["sources"], fill["sources"], warm["sources"]}) > 1:
        print(f"WARNING size={size}: agentui/core/search or kb changed between workers; figures mix versions")
    line("cache_mib", warm["cache_bytes"] / 2**20)
    same = sum(a == b for a, b in zip(warm["top10"], cold["top10"], strict=False))
    line("warm_matches_cold", same / len(warm["top10"]),
         "share of the first 20 queries with identical top 10")
    same = sum(a == b for a, b in zip(trusted["top10"], cold["top10"], strict=False))
    line("trusted_matches_cold", same / len(trusted["top10"]), "the same, after the trusted start")
    line("rss_mib", cold["rss_mib"], "peak after build + queries", fmt=".1f")
    line("rss_after_load_mib", cold["rss_after_load_mib"], "current", fmt=".1f")
    line("rss_after_build_mib", cold["rss_after_build_mib"], "current", fmt=".1f")
    line("warm_rss_mib", warm["rss_mib"], "peak of the warm-start process after 20 queries", fmt=".1f")
    line("trusted_rss_after_open_mib", trusted["rss_after_open_mib"], "current, after open_search_trusted",
         fmt=".1f")
    line("trusted_rss_mib", trusted["rss_mib"], "peak (VmHWM) after open_search_trusted, its check and 20 queries",
         fmt=".1f")
    line("p50_ms", percentile(latency, 50), fmt=".3f")
    line("p95_ms", percentile(latency, 95), fmt=".3f")
    line("trusted_p50_ms", percentile(trusted["latency_ms"], 50), "the same queries on the warm-started index",
         fmt=".3f")
    line("trusted_p95_ms", percentile(trusted["latency_ms"], 95), fmt=".3f")
    line("trusted_rss_all_queries_mib", trusted["rss_after_queries_mib"], f"peak after {len(queries)} queries more",
         fmt=".1f")
    line("max_ms", cold["max_ms"], "slowest single sample", fmt=".3f")
    line("empty_results", sum(1 for n in cold["hit_counts"] if n == 0), f"of {len(queries)} queries", fmt="d")
    kinds = sorted({kind for kind, *_ in queries}, key=kinds_order.index)
    for kind in kinds:
        mine = [ms for ms, (k, *_) in zip(latency, queries, strict=False) if k == kind]
        print(f"p95_ms size={size} kind={kind}: {percentile(mine, 95):.3f}  # n={len(mine)}")
    subset_latency = [latency[i] for i in ex["subset"]]
    scan_p50, index_p50 = percentile(ex["latency_ms"], 50), percentile(subset_latency, 50)
    subset = " (subset)" if len(ex["subset"]) < len(queries) else ""
    note = f"on {len(ex['subset'])} of {len(queries)} queries{subset}"
    line("exhaustive_p50_ms", scan_p50, f"rapidfuzz partial_ratio over title+aliases+body, {note}", fmt=".1f")
    line("index_p50_ms_same_queries", index_p50, fmt=".3f")
    line("speedup_p50", scan_p50 / index_p50 if index_p50 else float("inf"), "exhaustive p50 / index p50", fmt=".0f")
    line("top10_overlap", statistics.mean(ex["overlap"]), "mean |index ∩ scan| / 10, ties broken arbitrarily")
    line("top10_overlap_tie_aware", statistics.mean(ex["overlap_tie_aware"]), "index hit scores >= scan's 10th")
    recall = cold.get("recall")
    if recall and recall["recall"]:
        line("index_exhaustive_p50_ms", percentile(recall["latency_ms"], 50),
             f"SearchIndex.search_exhaustive, {recall['queries']} queries", fmt=".1f")
        line("candidate_recall_top10", statistics.mean(recall["recall"]),
             "index top 10 vs its own scorer over every entry, tie-aware")
        if "identical" in recall:
            line("identical_top10", recall["identical"] / recall["queries"],
                 f"share of {recall['queries']} queries whose top 10 (ids, scores) is the full scan's")
    for name, found in (("tuning", cold.get("made_from")), ("held_out", cold.get("held_out"))):
        if found:
            ranks = found["ranks"]
            line(f"source_top1_{name}", sum(r == 1 for r in ranks) / len(ranks),
                 f"the entry a query was made from is first ({len(ranks)} queries)")
            line(f"source_top10_{name}", sum(0 < r <= 10 for r in ranks) / len(ranks), "... in the top 10")
            line(f"source_tied_first_{name}", found["tied_first"] / len(ranks),
                 "... or scores as high as the first hit (ties of common words)")
    if cold.get("held_out_latency_ms"):
        line("held_out_p95_ms", percentile(cold["held_out_latency_ms"], 95), fmt=".3f")
    if peer:
        peer_p50, peer_p95 = percentile(peer["latency_ms"], 50), percentile(peer["latency_ms"], 95)
        line("fts5_build_s", peer["build_s"], "SQLite FTS5 trigram peer, same entries (load_kb not counted)")
        line("fts5_db_mib", peer["db_mib"])
        line("fts5_rss_mib", peer["rss_mib"], "peak, load_kb + build + queries", fmt=".1f")
        line("fts5_rss_after_build_mib", peer["rss_after_build_mib"], "current", fmt=".1f")
        line("fts5_p50_ms", peer_p50, fmt=".3f")
        line("fts5_p95_ms", peer_p95, fmt=".3f")
        ours50, ours95 = percentile(latency, 50), percentile(latency, 95)
        print(f"vs_fts5 size={size}: p50 {ours50:.2f} ms vs {peer_p50:.2f} ms ({ours50 / peer_p50:.2f}x), "
              f"p95 {ours95:.2f} vs {peer_p95:.2f} ms ({ours95 / peer_p95:.2f}x), "
              f"build {cold['build_s']:.2f} vs {peer['build_s']:.2f} s, "
              f"RSS {cold['rss_mib']:.0f} vs {peer['rss_mib']:.0f} MiB, "
              f"on disk {warm['cache_bytes'] / 2**20:.1f} vs {peer['db_mib']:.1f} MiB")
        for name, ranks in (("tuning", peer.get("source_ranks")), ("held_out", peer.get("held_out_ranks"))):
            if ranks:
                line(f"fts5_source_top1_{name}", sum(r == 1 for r in ranks) / len(ranks))
                line(f"fts5_source_top10_{name}", sum(0 < r <= 10 for r in ranks) / len(ranks))
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated KB sizes")
    parser.add_argument("--queries", type=int, default=240, help="number of queries (default 240)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per query (default 3)")
    parser.add_argument("--limit", type=int, default=20, help="search limit (default 20, the API default)")
    parser.add_argument("--exhaustive", type=int, default=0,
                        help="queries for the exhaustive scan (default: all up to 10k entries, 24 above)")
    parser.add_argument("--recall", type=int, default=0,
                        help="queries for candidate recall vs search_exhaustive "
                        "(default: 24 up to 10k entries, 12 above)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="generate KBs here and reuse them next time")
    parser.add_argument("--generator", choices=sorted(GENERATORS), default="grid",
                        help="grid: synthetic_kb's telecom grid (default); zipf: zipf_kb's Zipf vocabulary, "
                        "queries made from entries, and a held-out query set")
    parser.add_argument("--no-fts5", action="store_true", help="skip the SQLite FTS5 peer")
    parser.add_argument("--worker", choices=["cold", "open", "trusted", "fts5"], help=argparse.SUPPRESS)
    parser.add_argument("--kb", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        workers = {"cold": worker_cold, "open": worker_open, "trusted": worker_open, "fts5": worker_fts5}
        result = workers[args.worker](args)
        args.result.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="agentui-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    generator = GENERATORS[args.generator]
    queries = generator.make_queries(args.queries, SEED)
    queries_file = work / f"queries-{args.generator}.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False, indent=0), encoding="utf-8")
    held_out_file = queries_file.with_suffix(".held-out.json")
    held_out_file.unlink(missing_ok=True)
    if args.generator == "zipf":
        held_out = zipf_kb.make_queries(args.queries, SEED, held_out=True)
        held_out_file.write_text(json.dumps(held_out, ensure_ascii=False, indent=0), encoding="utf-8")
    print_header(args, len(queries), pin_to_one_core())  # workers inherit and re-assert it
    print(f"generator: {args.generator} ({generator.__name__}, version {generator.GENERATOR_VERSION})")
    if not args.no_fts5:
        for name, (ours, theirs, count) in dev_hit_rates().items():
            print(f"dev_hit1 {name}: agentui {ours:.3f}, fts5 {theirs:.3f}  # bundled KB, {count} queries")
    all_metrics: dict[int, dict[str, float]] = {}
    try:
        for size in sizes:
            kb_dir, gen_s = ensure_kb(work, size, args.generator)
            cache_dir = work / f"cache-{args.generator}-{size}"
            shutil.rmtree(cache_dir, ignore_errors=True)
            cache_dir.mkdir()
            counts = (args.exhaustive or (len(queries) if size <= 10_000 else 24),
                      args.recall or (24 if size <= 10_000 else 12))
            cold = run_worker("cold", args, kb_dir, cache_dir, queries_file, *counts)
            fill = run_worker("open", args, kb_dir, cache_dir, queries_file, *counts)
            warm = run_worker("open", args, kb_dir, cache_dir, queries_file, *counts)
            trusted = run_worker("trusted", args, kb_dir, cache_dir, queries_file, *counts)
            peer = None if args.no_fts5 else run_worker("fts5", args, kb_dir, cache_dir, queries_file, *counts)
            all_metrics[size] = report(size, gen_s, cold, fill, warm, trusted, queries, peer, generator.QUERY_KINDS)
            sys.stdout.flush()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\n## targets")
    for (metric, size), (limit, higher) in TARGETS.items():
        if size in all_metrics:
            value = all_metrics[size][metric]
            ok = value >= limit if higher else value <= limit
            print(f"target {metric} size={size}: {value:.2f} {'>=' if higher else '<='} {limit:g} "
                  f"{'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
