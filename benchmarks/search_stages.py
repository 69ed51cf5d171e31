"""Which search path small KBs should take: the bounded exact stage, a full scan, or the candidate
stage, on the bundled KB plus synthetic entries (36 to a few thousand), timed in one process.

    .venv/bin/python benchmarks/search_stages.py [--sizes 0,100,300,1000,2000,5000] [--repeat 3]

Each size prints build time and p50/p95 per query for each path over the dev and extra queries
and every prefix of a few of them (what typing sends), with how many entries the exact stage
scored and whether its results equal the full scan's."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_kb  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * pct / 100))]


def queries() -> list[str]:
    rows = []
    for name in ("queries-dev.tsv", "queries-extra.tsv"):
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                rows.append(line.split("\t")[0])
    typed = [query[:end] for query in rows[::8] for end in range(1, len(query) + 1)]
    return list(dict.fromkeys(rows + typed))


def timed(search, asked: list[str], repeat: int) -> list[float]:
    for query in asked:
        search(query)
    samples = []
    for query in asked:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            search(query)
            runs.append((time.perf_counter() - started) * 1000)
        samples.append(statistics.median(runs))
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,100,300,1000,2000,5000", help="synthetic entries added to the bundled KB")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from agentui.core.kb import load_kb
    from agentui.core.search import SearchIndex
    from agentui.core.search import index as index_module
    from agentui.locations import bundled_kb_dir

    bundled = load_kb(bundled_kb_dir()).records
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as work:
        synthetic_kb.write_kb(Path(work), max(sizes))
        synthetic = load_kb(Path(work)).records
        asked = queries()
        print(f"# search paths by KB size: {len(asked)} queries (dev, extra, typed prefixes), "
              f"median of {args.repeat} runs each, one core")
        for size in sizes:
            records = [*bundled, *synthetic[:size]]
            limit = index_module.EXACT_LIMIT
            try:
                index_module.EXACT_LIMIT = len(records)  # the exact stage at every size asked
                started = time.perf_counter()
                exact = SearchIndex.from_records(records)
                exact_build = time.perf_counter() - started
                index_module.EXACT_LIMIT = -1
                started = time.perf_counter()
                candidates = SearchIndex.from_records(records)
                candidates_build = time.perf_counter() - started
            finally:
                index_module.EXACT_LIMIT = limit
            assert exact.is_exact and not candidates.is_exact
            scored = [0]
            score_doc = index_module.score_doc

            def counting(doc, query, _score=score_doc, _scored=scored):
                _scored[0] += 1
                return _score(doc, query)

            index_module.score_doc = counting
            per_query = []
            try:
                for query in asked:
                    scored[0] = 0
                    exact.search(query)
                    per_query.append(scored[0])
            finally:
                index_module.score_doc = score_doc
            same = sum(exact.search(q) == exact.search_exhaustive(q) for q in asked)
            recall = sum(
                bool(full) and bool(hits) and hits[0].score >= full[0].score or not full
                for q in asked for full, hits in [(exact.search_exhaustive(q, 1), candidates.search(q, 1))]
            )
            print(f"\n## {len(records)} entries (bundled + {size})")
            print(f"build_s exact={exact_build:.2f} candidates={candidates_build:.2f}")
            for name, search in (("exact", exact.search), ("full_scan", exact.search_exhaustive),
                                 ("candidates", candidates.search)):
                samples = timed(search, asked, args.repeat)
                print(f"{name:10} p50_ms={percentile(samples, 50):.2f} p95_ms={percentile(samples, 95):.2f} "
                      f"max_ms={max(samples):.2f}")
            print(f"exact stage: scored per query p50={percentile(per_query, 50):.0f} max={max(per_query)}, "
                  f"results equal to the full scan's on {same}/{len(asked)}; candidate stage's first hit "
                  f"as good as the full scan's on {recall}/{len(asked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
