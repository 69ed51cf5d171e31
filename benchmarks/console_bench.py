"""Console latency on a real pseudo-terminal, beside a bare Textual app measured in the same run.

1. Spawn → first frame: agentui on the bundled KB and on a 10k-entry KB, and a bare Textual app
   (an Input and a Footer), each started N times; the clock stops when the first frame's marker
   text (the search box's placeholder) has been written to the pty.
2. Keystroke → results painted: agentui on the 10k KB and a bare Textual app whose Input echoes
   every change into a Static; queries are typed one key at a time and each key's clock stops when
   the line showing that key's query (agentui: the results header 「query」 N 条, painted with the
   results; bare: the echo 「query」) has been written.

The last two lines are the ratios (agentui / bare), e.g.
    first_frame_ratio: 1.12
    keystroke_p95_ratio: 1.05
From the repository root: `.venv/bin/python benchmarks/console_bench.py [--runs 9] [--keys 100]`.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_kb import write_kb  # noqa: E402

import agentui as agentui_package  # noqa: E402
from tests.ui.ptyrun import PtyProcess  # noqa: E402

COLS, ROWS = 120, 40
CLEAR_INPUT = "\x15"  # Ctrl+U: delete everything left of the cursor (both apps' Input)
QUERIES = ["补卡", "liuliangka", "esim", "注销", "MTS", "baohaoka", "续费", "Beeline", "xufei", "流量卡"]

BARE_APP = '''
from textual.app import App
from textual.content import Content
from textual.widgets import Footer, Input, Static

class Bare(App):
    def compose(self):
        yield Input(placeholder="搜索知识库：bare")
        yield Static(Content("「」"), id="echo")
        yield Footer()

    def on_input_changed(self, event):
        self.query_one("#echo", Static).update(Content("「" + event.value + "」"))

Bare().run()
'''

# The console without the `agentui` command line's imports (informational: what the CLI costs).
APP_ONLY = '''
import sys
from pathlib import Path
from agentui.app import create_app
from agentui.config import load_settings
app = create_app(load_settings(data_dir=Path(sys.argv[1]), kb_dir=Path(sys.argv[2]) if len(sys.argv) > 2 else None))
try:
    app.run()
finally:
    app.session.shutdown()
'''


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def first_frame(argv: list[str], env: dict[str, str]) -> float:
    app = PtyProcess(argv, cols=COLS, rows=ROWS, env=env)
    try:
        # Not the first characters: the cursor sits on them, styled apart until it first blinks.
        seconds = app.wait_for("知识库".encode(), timeout=60)
        app.send("\x11")  # Ctrl+Q
        app.finish(timeout=20)
        return seconds
    finally:
        app.kill()


def keystrokes(argv: list[str], env: dict[str, str], ready: bytes, count: int) -> list[float]:
    # `ready` is also what each app shows for an empty query: after Ctrl+U the next key waits for
    # it (keys sent in one burst can be handled out of order by Textual's key bubbling).
    """Seconds from each key written to the pty to its query's line painted."""
    app = PtyProcess(argv, cols=COLS, rows=ROWS, env=env)
    latencies: list[float] = []
    try:
        app.wait_for(ready, timeout=120)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="spawns per app for the first frame (default 9)")
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
        # Warm the on-disk index cache the console uses (the agent's machine has it after a first start).
        subprocess.run(
            [sys.executable, "-m", "agentui", "search", "--kb", str(big_kb), "warm"],
            env={**__import__("os").environ, **env}, check=True, capture_output=True,
        )
        bare_script = tmp_path / "bare_app.py"
        bare_script.write_text(BARE_APP, encoding="utf-8")
        bare = [sys.executable, str(bare_script)]
        app_only_script = tmp_path / "app_only.py"
        app_only_script.write_text(APP_ONLY, encoding="utf-8")

        def agentui(kb: Path | None, run: int) -> list[str]:
            argv = [sys.executable, "-m", "agentui", "--data", str(tmp_path / f"data-{run}")]
            return argv + (["--kb", str(kb)] if kb else [])

        # Bytecode as an installed agentui has it: `pip install` compiles every module, and a
        # source checkout writes __pycache__ on its first run, unless PYTHONDONTWRITEBYTECODE is
        # set (as in some sandboxes and CI images): then every spawn would compile our ~60
        # modules from source (~30 ms) while the bare app's Textual comes precompiled.
        compileall.compile_dir(Path(agentui_package.__file__).parent, quiet=1)
        # Warm-up (page cache), not measured.
        first_frame(bare, env)
        first_frame(agentui(None, 0), env)

        app_only = [sys.executable, str(app_only_script), str(tmp_path / "data-app-only")]
        frames: dict[str, list[float]] = {"bare": [], "bundled": [], "10k": [], "app only (no CLI), bundled": []}
        for run in range(args.runs):  # interleaved so drift affects all alike
            frames["bare"].append(first_frame(bare, env))
            frames["bundled"].append(first_frame(agentui(None, run), env))
            frames["10k"].append(first_frame(agentui(big_kb, run), env))
            frames["app only (no CLI), bundled"].append(first_frame(app_only, env))
        print(f"\nspawn -> first frame, median of {args.runs} (ms):")
        medians = {name: statistics.median(values) * 1000 for name, values in frames.items()}
        for name, value in medians.items():
            low, high = min(frames[name]) * 1000, max(frames[name]) * 1000
            print(f"  {name:<28} {value:8.1f}   (min {low:.1f}, max {high:.1f})")

        keys_bare = keystrokes(bare, env, "「」".encode(), args.keys)
        keys_agent = keystrokes(agentui(big_kb, 99), env, "按类型排列".encode(), args.keys)
        print(f"\nkeystroke -> painted, {args.keys} keys (ms):       p50      p95      max")
        for name, values in (("bare textual (echo)", keys_bare), (f"agentui ({args.entries} entries)", keys_agent)):
            print(
                f"  {name:<28} {percentile(values, 50) * 1000:8.1f} {percentile(values, 95) * 1000:8.1f}"
                f" {max(values) * 1000:8.1f}"
            )
        worst_frame = max(medians["bundled"], medians["10k"])
        print(f"first_frame_ratio: {worst_frame / medians['bare']:.2f}")
        print(f"keystroke_p95_ratio: {percentile(keys_agent, 95) / percentile(keys_bare, 95):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
