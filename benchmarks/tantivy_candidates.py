"""The candidate stage on tantivy, measured beside agentui's own (issue 17 section 7): the same
keys (pre-tokenised: each of an entry's keys is a token in the field of the level it holds it
at), the same per-unit options, each key worth its idf share times its level, so a unit scores
what `Postings.coverage` gives it, and tantivy's top-k picks the candidates the scorer re-ranks.

    .venv/bin/pip install 'tantivy==0.27.0'    # not a dependency of agentui: only this measurement
    .venv/bin/python benchmarks/tantivy_candidates.py KB_DIR [--queries 240] [--work DIR]

Prints build time, index size, p50/p95 of both candidate stages with the re-ranking, how often
their first hits score alike, and the RSS of a process holding the records plus either
candidate index."""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_kb  # noqa: E402

LEVELS = (100, 95, 90, 70, 45)
"""The postings' field levels (`postings.FIELD_LEVEL`): one tantivy field each."""


def vm_hwm_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def vm_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def token(key_id: int) -> str:
    return format(key_id, "x")


def build_tantivy(index, path: Path) -> float:
    """Each entry's keys, by the level it holds them at, from agentui's own postings."""
    import tantivy

    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    for level in LEVELS:
        builder.add_text_field(f"l{level}", tokenizer_name="whitespace", index_option="basic")
    builder.add_unsigned_field("entry", stored=True, fast=True)
    schema = builder.build()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    engine = tantivy.Index(schema, str(path))
    writer = engine.writer(heap_size=200_000_000, num_threads=1)
    postings = index._postings
    for block in postings.blocks:
        runs = np.diff(block.offsets)
        keys = np.repeat(block.key_ids.astype(np.int64), runs)
        docs = block.docs[:].astype(np.int64)  # [:]: a warm start leaves the columns in the cache file
        order = np.lexsort((keys, docs))
        docs, keys, levels = docs[order], keys[order], block.levels[:][order]
        starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
        ends = np.r_[starts[1:], len(docs)]
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            doc = tantivy.Document()
            doc.add_unsigned("entry", int(docs[start]) + block.first)
            entry_keys, entry_levels = keys[start:end], levels[start:end]
            for level in LEVELS:
                held = entry_keys[entry_levels == level]
                if len(held):
                    doc.add_text(f"l{level}", " ".join(map(token, held.tolist())))
            writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - started


class TantivyCandidates:
    """`SearchIndex._candidates` on tantivy: per unit, the best option (a disjunction max), each
    option the sum of its keys' idf shares at the level an entry holds them."""

    def __init__(self, index, path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.index = index
        self.engine = tantivy.Index.open(str(path))
        self.searcher = self.engine.searcher()
        self.schema = self.engine.schema
        self._holders: dict[int, int] = {}
        index._postings.title_holders = self.title_holders  # its blocks are gone: tantivy counts

    def title_holders(self, key: int) -> int:
        """As `Postings.title_holders`: entries holding the key at the English title's level or above."""
        if key not in self._holders:
            key_ids = self.index._postings.find((key,))
            tv = self.tantivy
            if not len(key_ids):
                self._holders[key] = 0
                return 0
            terms = [tv.Query.term_query(self.schema, f"l{level}", token(int(key_ids[0]))) for level in LEVELS[:3]]
            query = tv.Query.boolean_query([(tv.Occur.Should, term) for term in terms])
            self._holders[key] = self.searcher.search(query, limit=1, count=True).count
        return self._holders[key]

    def candidates(self, parsed, usage=None):
        from agentui.core.search.index import CANDIDATES, UNIT_BUDGET, _work
        from agentui.core.search.postings import COMMON_KEY
        from agentui.core.search.query_keys import key_groups

        tv, postings, n_docs = self.tantivy, self.index._postings, len(self.index.records)
        units = []
        for weight, options in key_groups(parsed, postings.held, postings.title_holders):
            said = []
            for factor, keys in options:
                key_ids = postings.find(set(keys))
                if not len(key_ids):
                    continue
                missing = len(set(keys)) - len(key_ids)
                informative = postings.counts[key_ids] <= COMMON_KEY * n_docs
                if informative.any():
                    key_ids = key_ids[informative]
                else:
                    key_ids = key_ids[np.argmin(postings.counts[key_ids])][None]
                total = float(postings.idf[key_ids].sum()) + missing * math.log1p(n_docs)
                terms = [
                    tv.Query.const_score_query(
                        tv.Query.term_query(self.schema, f"l{level}", token(int(key_id))),
                        float(weight * factor * postings.idf[key_id] / total * level / 100))
                    for key_id in key_ids.tolist() for level in LEVELS
                ]
                said.append(tv.Query.boolean_query([(tv.Occur.Should, term) for term in terms]))
            if said:
                units.append(said[0] if len(said) == 1 else tv.Query.disjunction_max_query(said))
        if not units:
            return []
        wanted = max(20, min(CANDIDATES, UNIT_BUDGET // _work(parsed)))
        query = tv.Query.boolean_query([(tv.Occur.Should, unit) for unit in units])
        hits = self.searcher.search(query, limit=wanted).hits
        return [self.searcher.doc(address)["entry"][0] for _score, address in hits]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * pct / 100))]


def measure(search, queries: list[str], repeat: int = 3) -> list[float]:
    for query in queries:
        search(query)
    samples = []
    for query in queries:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            search(query)
            runs.append((time.perf_counter() - started) * 1000)
        samples.append(statistics.median(runs))
    return samples


def worker(mode: str, kb_dir: Path, cache: Path, engine_dir: Path, queries_file: Path) -> dict:
    """A fresh process holding the records and one candidate index, as a warm start would."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from agentui.core.search import open_search

    started = time.perf_counter()
    _kb, index = open_search(kb_dir, cache)
    opened = time.perf_counter() - started
    out = {"open_s": opened}
    queries = json.loads(queries_file.read_text(encoding="utf-8"))
    if mode == "tantivy":
        index._postings.blocks = []  # the candidate index now lives in tantivy; its key table stays
        import gc

        gc.collect()
        from agentui.core.heap import give_back_freed_memory

        give_back_freed_memory()
        out["rss_records_and_keys_mib"] = vm_rss_mib()
        engine = TantivyCandidates(index, engine_dir)
        out["rss_opened_mib"] = vm_rss_mib()
        index._candidates = engine.candidates
    else:
        out["rss_opened_mib"] = vm_rss_mib()
    out["latency_ms"] = measure(index.search, queries)
    out["first"] = [[(h.id, h.score) for h in index.search(q, 1)] for q in queries]
    out["rss_now_mib"] = vm_rss_mib()
    out["peak_mib"] = vm_hwm_mib()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kb", type=Path)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--work", type=Path, help="keep the tantivy index and cache here")
    parser.add_argument("--worker", choices=["agentui", "tantivy"], help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = worker(args.worker, args.kb, args.cache, args.engine, args.queries_file)
        args.result.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0

    work = args.work or Path(tempfile.mkdtemp(prefix="agentui-tantivy-"))
    work.mkdir(parents=True, exist_ok=True)
    cache, engine_dir, queries_file = work / "cache", work / "tantivy", work / "queries.json"
    queries = [query for _kind, query in synthetic_kb.make_queries(args.queries, 1)]
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    from agentui.core.search import open_search

    started = time.perf_counter()
    _kb, index = open_search(args.kb, cache)
    print(f"open_search (cache {'filled' if time.perf_counter() - started > 5 else 'warm'}): "
          f"{time.perf_counter() - started:.1f} s, {len(index)} entries, stage "
          f"{'exact' if index.is_exact else 'candidates'}")
    if not engine_dir.is_dir():
        build_s = build_tantivy(index, engine_dir)
        print(f"tantivy build from our postings: {build_s:.1f} s")
    size = sum(p.stat().st_size for p in engine_dir.rglob("*") if p.is_file()) / 2**20
    ours = sum(b.docs.nbytes + b.levels.nbytes + b.offsets.nbytes + b.key_ids.nbytes
               for b in index._postings.blocks) / 2**20
    print(f"candidate index size: tantivy {size:.0f} MiB on disk (mmap'd), ours {ours:.0f} MiB in memory")
    del index
    results = {}
    for mode in ("agentui", "tantivy"):
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_file = Path(handle.name)
        subprocess.run([sys.executable, __file__, str(args.kb), "--worker", mode, "--cache", str(cache),
                        "--engine", str(engine_dir), "--queries-file", str(queries_file), "--result",
                        str(result_file)], check=True)
        results[mode] = json.loads(result_file.read_text(encoding="utf-8"))
        result_file.unlink()
    for mode, found in results.items():
        latency = found["latency_ms"]
        extra = f", records + key table only {found['rss_records_and_keys_mib']:.0f} MiB" \
            if "rss_records_and_keys_mib" in found else ""
        print(f"{mode:8} p50 {percentile(latency, 50):.2f} ms, p95 {percentile(latency, 95):.2f} ms, "
              f"max {max(latency):.1f} ms; open_search {found['open_s']:.2f} s; RSS after opening "
              f"{found['rss_opened_mib']:.0f} MiB{extra}, after queries {found['rss_now_mib']:.0f}, "
              f"peak {found['peak_mib']:.0f} MiB")
    same = sum(
        (a[0][1] if a else None) == (b[0][1] if b else None)
        for a, b in zip(results["agentui"]["first"], results["tantivy"]["first"], strict=True)
    )
    print(f"first hit scores alike on {same} of {len(queries)} queries")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
