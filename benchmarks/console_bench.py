"""Console latency on a real pseudo-terminal, beside a plain Textual peer measured in the same run.

The peer is what a developer would build first: a Textual app with an Input and an OptionList that
filters the same KB's titles with rapidfuzz on every change (`process.extract`, WRatio, top 15).
It reads the titles from a JSON file prepared before the run, the counterpart of agentui's warm
search cache, so neither side parses Markdown at start-up.

1. Spawn → results listed: agentui on the bundled KB and on a 10k-entry KB, and the peer on each;
   the clock stops when the results are painted (agentui: the results header that is painted in
   the same refresh as the list; peer: its header line `N entries`), not at the first frame.
   The first frame (the search box's placeholder) is reported too, for reference, and so is the
   process's CPU time when the results were listed (all threads, from /proc; steadier than wall
   clock on a shared machine).
2. Spawn → first query answered: the moment the results are listed a key (`b`) is typed, and the
   clock stops when that query's results are painted. agentui lists its first rows before its
   search is loaded (the rows the empty query listed last, see `core/search/first_screen.py`);
   this is when its search answers. agentui's article and case panes come after the first frame
   (on a warm start after the search's first results): when they are painted is printed too.
3. Keystroke → results painted: agentui and the peer on the 10k KB; queries are typed one key at a
   time and each key's clock stops when the line showing that key's query (`「query」`, painted
   with the filtered results in both apps) has been written.

Both apps are started once per KB before the measured runs, as on an agent's machine where the
console has run before: agentui's index cache and first rows are warm, like the peer's title file.
Absolute milliseconds are printed beside the ratios (agentui / peer), e.g.
    results_ratio kb=bundled: 1.12
    keystroke_p95_ratio kb=10k: 1.05
From the repository root: `.venv/bin/python benchmarks/console_bench.py [--runs 9] [--keys 100]`.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_kb import write_kb  # noqa: E402

import agentui as agentui_package  # noqa: E402
from agentui.strings import strings_for  # noqa: E402
from tests.ui.ptyrun import PtyProcess  # noqa: E402

COLS, ROWS = 120, 40
CLEAR_INPUT = "\x15"  # Ctrl+U: delete everything left of the cursor (both apps' Input)
QUERIES = ["补卡", "liuliangka", "esim", "注销", "MTS", "baohaoka", "续费", "Beeline", "xufei", "流量卡"]
PLACEHOLDER_MARK = "知识库"
"""In both apps' placeholder; not its first characters, which the cursor styles apart."""

PEER_APP = '''
import json, sys
from rapidfuzz import fuzz, process
from textual.app import App
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Static

TITLES = json.loads(open(sys.argv[1], encoding="utf-8").read())

class Peer(App):
    def compose(self):
        yield Input(placeholder="搜索知识库：peer")
        yield Static(id="header")
        yield OptionList(id="results")
        yield Footer()

    def on_mount(self):
        self.show("")

    def on_input_changed(self, event):
        self.show(event.value)

    def show(self, query):
        if query:
            hits = [TITLES[i] for _, _, i in process.extract(query, TITLES, scorer=fuzz.WRatio, limit=15)]
        else:
            hits = TITLES[:15]
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options([Content(title) for title in hits])
        self.query_one("#header", Static).update(Content(f"「{query}」 {len(hits)} entries"))

Peer().run()
'''


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def agentui_results_mark() -> bytes:
    """What agentui paints with its first results list: the longest literal part of the
    empty-query header (`常用条目 {count} 条` → `常用条目 `), which the KB-loading line lacks."""
    template = strings_for("zh").results_default
    parts = [part.strip() for part in template.replace("{count}", "\0").split("\0")]
    return max(parts, key=len).encode()


FIRST_KEY = "b"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, every thread, exited ones too) a process has used so far, with
    its children it has waited for (agentui forks one to stat a big KB's files)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[n]) for n in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")


class StartUp(NamedTuple):
    """Seconds from spawn: first frame, results listed, first query's results painted, and (agentui)
    its article and case panes painted; and the CPU seconds used when the results were listed."""

    frame: float
    listed: float
    answered: float
    cpu: float
    panes: float


def agentui_panes_mark() -> bytes:
    """What agentui paints with its article and case panes, after the first frame: the article
    pane's border title (` 条目 `; the first frame has empty slots in their place)."""
    return f" {strings_for('zh').article_title} ".encode()


def start_up(argv: list[str], env: dict[str, str], results_mark: bytes, panes_mark: bytes | None = None) -> StartUp:
    app = PtyProcess(argv, cols=COLS, rows=ROWS, env=env)
    try:
        frame = app.wait_for(PLACEHOLDER_MARK.encode(), timeout=60)
        listed = app.wait_for(results_mark, timeout=60)
        cpu = cpu_seconds(app.proc.pid)
        mark = len(app.output)
        app.send(FIRST_KEY)
        answered = app.wait_for(f"「{FIRST_KEY}」".encode(), timeout=60, since=mark)
        panes = app.wait_for(panes_mark, timeout=60) if panes_mark else listed  # the peer has no panes
        app.send("\x11")  # Ctrl+Q
        app.finish(timeout=20)
        return StartUp(frame, listed, answered, cpu, panes)
    finally:
        app.kill()


def keystrokes(argv: list[str], env: dict[str, str], ready: bytes, count: int) -> list[float]:
    """Seconds from each key written to the pty to its query's line painted.

    `ready` is what each app shows for an empty query: after Ctrl+U the next key waits for it
    (keys sent in one burst can be handled out of order by Textual's key bubbling)."""
    app = PtyProcess(argv, cols=COLS, rows=ROWS, env=env)
    latencies: list[float] = []
    try:
        app.wait_for(ready, timeout=120)
        # agentui lists its first rows before its search has loaded: one query typed and answered
        # first (not measured) makes every measured key meet a loaded search, in both apps.
        mark = len(app.output)
        app.send(FIRST_KEY)
        app.wait_for(f"「{FIRST_KEY}」".encode(), timeout=60, since=mark)
        mark = len(app.output)
        app.send(CLEAR_INPUT)
        app.wait_for(ready, timeout=30, since=mark)
        app.read(0.05)
        query_index = 0
        while len(latencies) < count:
            query = QUERIES[query_index % len(QUERIES)]
            query_index += 1
            for n in range(1, len(query) + 1):
                mark = len(app.output)
                sent = time.perf_counter()
                app.send(query[n - 1])
                app.wait_for(f"「{query[:n]}」".encode(), timeout=30, since=mark)
                latencies.append(time.perf_counter() - sent)
                app.read(0.03)  # typing pace: ~30 ms between keys, output drained meanwhile
                if len(latencies) >= count:
                    break
            mark = len(app.output)
            app.send(CLEAR_INPUT)
            app.wait_for(ready, timeout=30, since=mark)
            app.read(0.05)
        app.send("\x11")
        app.finish(timeout=20)
    finally:
        app.kill()
    return latencies


def kb_titles(kb: Path | None, env: dict[str, str]) -> list[str]:
    """Every entry's title, as the peer's prepared index (agentui's own CLI reads the KB)."""
    argv = [sys.executable, "-m", "agentui", "search", "--json", "--limit", "1000000", ""]
    if kb is not None:
        argv[4:4] = ["--kb", str(kb)]
    out = subprocess.run(argv, env={**os.environ, **env}, check=True, capture_output=True, text=True).stdout
    return [hit["title"] for hit in json.loads(out)["results"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="spawns per app and KB (default 9)")
    parser.add_argument("--keys", type=int, default=100, help="keystrokes measured per app (default 100)")
    parser.add_argument("--entries", type=int, default=10_000, help="size of the large KB (default 10000)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="agentui-console-bench-") as tmp:
        tmp_path = Path(tmp)
        env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
        big_kb = tmp_path / "kb-big"
        started = time.perf_counter()
        write_kb(big_kb, args.entries)
        print(f"generated {args.entries} entries in {time.perf_counter() - started:.1f}s")
        big = f"{args.entries // 1000}k" if args.entries >= 1000 else str(args.entries)
        kbs: dict[str, Path | None] = {"bundled": None, big: big_kb}
        peer_script = tmp_path / "peer_app.py"
        peer_script.write_text(PEER_APP, encoding="utf-8")
        peers: dict[str, list[str]] = {}
        for name, kb in kbs.items():
            # Also warms agentui's on-disk index cache (the agent's machine has it after a first start).
            titles = kb_titles(kb, env)
            titles_file = tmp_path / f"titles-{name}.json"
            titles_file.write_text(json.dumps(titles, ensure_ascii=False), encoding="utf-8")
            peers[name] = [sys.executable, str(peer_script), str(titles_file)]
            print(f"kb={name}: {len(titles)} entries")

        def agentui(kb: Path | None, run: int) -> list[str]:
            argv = [sys.executable, "-m", "agentui", "--data", str(tmp_path / f"data-{run}")]
            return argv + (["--kb", str(kb)] if kb else [])

        # Bytecode as an installed agentui has it: `pip install` compiles every module, and a
        # source checkout writes __pycache__ on its first run, unless PYTHONDONTWRITEBYTECODE is
        # set (as in some sandboxes and CI images): then every spawn would compile our modules
        # from source while the peer's Textual comes precompiled.
        compileall.compile_dir(Path(agentui_package.__file__).parent, quiet=1)
        mark = agentui_results_mark()
        panes_mark = agentui_panes_mark()
        peer_mark = b" entries"
        for name, kb in kbs.items():  # warm-up (page cache; agentui's first rows), not measured
            start_up(peers[name], env, peer_mark)
            start_up(agentui(kb, 0), env, mark, panes_mark)

        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        runs: dict[str, list[StartUp]] = {}
        for run in range(args.runs):  # interleaved so drift affects all alike
            for name, kb in kbs.items():
                for who, argv, marker, panes in (("peer", peers[name], peer_mark, None),
                                                 ("agentui", agentui(kb, run), mark, panes_mark)):
                    runs.setdefault(f"{who} kb={name}", []).append(start_up(argv, env, marker, panes))
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        def median_ms(key: str, field: str) -> float:
            return float(statistics.median(getattr(result, field) for result in runs[key])) * 1000

        print(f"\nspawn -> first frame / results listed (CPU then) / first query answered, median of {args.runs} (ms):")
        for key, results in runs.items():
            low, high = min(r.listed for r in results) * 1000, max(r.listed for r in results) * 1000
            print(f"  {key:<20} first frame {median_ms(key, 'frame'):7.1f}   results {median_ms(key, 'listed'):7.1f}"
                  f" (cpu {median_ms(key, 'cpu'):5.0f}; min {low:.1f}, max {high:.1f})"
                  f"   first query {median_ms(key, 'answered'):7.1f}"
                  + (f"   panes {median_ms(key, 'panes'):7.1f}" if key.startswith("agentui") else ""))
        for name in kbs:
            ours, peer = f"agentui kb={name}", f"peer kb={name}"
            print(f"results_listed_ms kb={name}: agentui {median_ms(ours, 'listed'):.1f}, "
                  f"peer {median_ms(peer, 'listed'):.1f}")
            print(f"results_ratio kb={name}: {median_ms(ours, 'listed') / median_ms(peer, 'listed'):.2f}")
            print(f"results_cpu_ratio kb={name}: {median_ms(ours, 'cpu') / median_ms(peer, 'cpu'):.2f}")
            print(f"first_query_ms kb={name}: agentui {median_ms(ours, 'answered'):.1f}, "
                  f"peer {median_ms(peer, 'answered'):.1f}")
            print(f"first_query_ratio kb={name}: {median_ms(ours, 'answered') / median_ms(peer, 'answered'):.2f}")
            print(f"panes_painted_ms kb={name}: agentui {median_ms(ours, 'panes'):.1f}")

        ready_agentui = mark
        keys_peer = keystrokes(peers[big], env, "「」".encode(), args.keys)
        keys_agent = keystrokes(agentui(big_kb, 99), env, ready_agentui, args.keys)
        print(f"\nkeystroke -> results painted, {args.keys} keys, kb={big} (ms):   p50      p95      max")
        for name, values in (("peer (Input + OptionList)", keys_peer), ("agentui", keys_agent)):
            print(
                f"  {name:<36} {percentile(values, 50) * 1000:8.1f} {percentile(values, 95) * 1000:8.1f}"
                f" {max(values) * 1000:8.1f}"
            )
        print(f"keystroke_p50_ratio kb={big}: {percentile(keys_agent, 50) / percentile(keys_peer, 50):.2f}")
        print(f"keystroke_p95_ratio kb={big}: {percentile(keys_agent, 95) / percentile(keys_peer, 95):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
