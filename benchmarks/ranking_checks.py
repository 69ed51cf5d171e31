"""Ranking checks at any KB size (issue 14 section 14): whole titles typed as they are must find
an entry of that name first, and initials of any length (7+ letters) must find something.

    .venv/bin/python benchmarks/ranking_checks.py KB_DIR [--cache DIR] [--count 60] [--seed 14]

Queries are made from random entries of the KB: their title, their English title, and the
initials of their title's longest Chinese run when it has 7 characters or more."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kb", type=Path)
    parser.add_argument("--cache", type=Path, help="search cache dir (a warm start if filled)")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)

    from agentui.core.search import open_search
    from agentui.core.search.normalize import CJK_RUN, fold, units_text
    from agentui.core.search.pinyin import run_pinyin

    started = time.perf_counter()
    _kb, index = open_search(args.kb, args.cache)
    print(f"{len(index)} entries, stage {'exact' if index.is_exact else 'candidates'}, "
          f"opened in {time.perf_counter() - started:.1f} s")
    rng = random.Random(args.seed)
    picked = rng.sample(range(len(index)), min(len(index), args.count * 20))
    position = {record[0]: i for i, record in enumerate(index.records)}

    def named(hit_id: str, query: str) -> bool:
        return units_text(fold(query)) in index.doc(position[hit_id]).names

    for field, label in ((2, "title"), (6, "title_en")):
        queries = [index.records[i][field] for i in picked if index.records[i][field]][:args.count]
        first = sum(bool(hits) and named(hits[0].id, q) for q in queries for hits in [index.search(q, 3)])
        print(f"exact {label} first: {first} of {len(queries)}")
    runs = []
    for i in picked:
        longest = max(CJK_RUN.findall(fold(index.records[i][2])), key=len, default="")
        if len(longest) >= 7:
            runs.append((run_pinyin(longest).initials, i))
    runs = runs[:args.count]
    found = sum(bool(index.search(initials, 10)) for initials, _ in runs)
    own = 0
    for initials, i in runs:
        hits = index.search(initials, 10)
        own += any(h.id == index.records[i][0] for h in hits)
    print(f"initials of 7+ letters with a result: {found} of {len(runs)} "
          f"(their own entry in the top 10: {own}; ties of equal initials make the rest arbitrary)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
