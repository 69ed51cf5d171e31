"""What a warm start imports before it answers the agent's first queries: every import there
delays the first answer (the KB worker runs right after the console's first frame)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WARM_START = """
import sys
from pathlib import Path
from agentui.core.search import open_search
from agentui.locations import bundled_kb_dir
kb, index = open_search(bundled_kb_dir(), Path(sys.argv[1]))
for query in ("", "b", "补卡", "buka", "MTS", "esim"):
    assert index.search(query), query
print(" ".join(sorted(sys.modules)))
"""


def _modules_after_warm_start(cache_dir: Path) -> set[str]:
    argv = [sys.executable, "-c", WARM_START, str(cache_dir)]
    subprocess.run(argv, check=True, capture_output=True)  # cold: parses the KB, writes the caches
    return set(subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split())


def test_a_warm_start_answers_short_queries_without_the_kb_parser_or_the_typo_matcher(tmp_path: Path):
    modules = _modules_after_warm_start(tmp_path)
    assert "agentui.core.search.index" in modules  # it did search
    assert not {"agentui.core.kb.loader", "agentui.core.kb.fastpath", "yaml"} & modules, "the KB parser"
    assert not [m for m in modules if m.startswith("rapidfuzz")], "the typo matcher (no word is long enough)"
    assert not [m for m in modules if m.startswith("pypinyin")]
