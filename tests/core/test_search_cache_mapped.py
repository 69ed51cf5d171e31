"""The index cache is mapped, not unpickled whole, and the console's start trusts it without
stat'ing every KB file (issue 17 §7): results stay those of a cold start, and a KB changed while
the console was closed is found by the check that follows."""

from __future__ import annotations

import pickle
import shutil
import tracemalloc
from pathlib import Path

import pytest

from agentui.core.kb import EntryType
from agentui.core.kb import source as kb_source
from agentui.core.kb.packed import PackedRecords
from agentui.core.search import cache as search_cache
from agentui.core.search import index as index_module
from agentui.core.search.cache import open_search, open_search_trusted
from agentui.core.search.first_screen import index_cache_path, stat_key
from agentui.locations import bundled_kb_dir

QUERIES = ["补卡", "bk", "esim", "megafno", "495", "注销 原因", "流量卡", "cancel", "续费 支付", "", "mts"]


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(bundled_kb_dir(), target)
    return target


def _results(index) -> list[list[tuple[str, float]]]:
    return [[(hit.id, hit.score) for hit in index.search(query, 20)] for query in QUERIES]


def test_a_warm_start_holds_the_cold_results_and_entries_with_its_records_packed(kb_dir: Path, tmp_path: Path):
    cold_kb, cold_index = open_search(kb_dir, tmp_path / "cache")
    warm_kb, warm_index = open_search(kb_dir, tmp_path / "cache")
    assert isinstance(warm_kb.records, PackedRecords) and warm_index.records is warm_kb.records
    assert _results(warm_index) == _results(cold_index)
    assert list(warm_kb.records) == list(cold_kb.records)
    assert warm_kb.counts() == cold_kb.counts() and sum(warm_kb.counts().values()) == len(cold_kb) >= 32
    for kind in EntryType:
        assert [e.id for e in warm_kb.of_type(kind)] == [e.id for e in cold_kb.of_type(kind)]
    assert warm_kb.contact_for("mts") == cold_kb.contact_for("mts") is not None
    assert warm_kb.get("esim-replacement") == cold_kb.get("esim-replacement") is not None
    assert "no-such-entry" not in warm_kb.entries and warm_kb.get("no-such-entry") is None
    again = pickle.loads(pickle.dumps(warm_index, protocol=pickle.HIGHEST_PROTOCOL))  # read whole from the file
    assert _results(again) == _results(cold_index) and list(again.records) == list(cold_kb.records)


def _big_kb(root: Path, count: int) -> None:
    """Entries whose long bodies are most of the KB's bytes (a few words, so the index stays small)."""
    for i in range(count):
        folder = root / f"part-{i // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "补卡时请客户带上护照，到营业厅办理。" * 120 + f"编号 {i}。"
        (folder / f"e{i}.md").write_text(f"---\nid: e{i}\ntype: faq\ntitle: 补卡问题 {i}\n---\n{body}\n",
                                         encoding="utf-8")


def _warm_start(root: Path, count: int) -> tuple[int, int]:
    """(bytes allocated by a warm start, bytes of the cache file) of a KB of `count` long entries."""
    kb_dir, cache = root / f"kb-{count}", root / f"cache-{count}"
    _big_kb(kb_dir, count)
    cold_kb, cold_index = open_search(kb_dir, cache)
    [cached] = cache.glob("index-*.pickle")
    tracemalloc.start()
    try:
        warm_kb, warm_index = open_search(kb_dir, cache)
        allocated = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    last = f"补卡问题 {count - 1}"
    assert [h.id for h in warm_index.search(last, 3)] == [h.id for h in cold_index.search(last, 3)]
    assert warm_kb.get(f"e{count - 1}") == cold_kb.get(f"e{count - 1}") is not None
    return allocated, cached.stat().st_size


def test_a_warm_start_maps_the_records_instead_of_reading_them_all(tmp_path: Path, monkeypatch):
    """Unpickling every record made a warm start's memory grow with the KB's text (~150 MiB at
    100k entries); mapped, what it allocates hardly grows with the KB, and a record is decoded
    when a search or the agent reads it. (The candidate stage, as above a few thousand entries:
    the exact stage's bound tables hold the fields' words themselves.)"""
    monkeypatch.setattr(index_module, "EXACT_LIMIT", 0)
    small_allocated, small_size = _warm_start(tmp_path, 40)
    big_allocated, big_size = _warm_start(tmp_path, 400)
    assert big_allocated - small_allocated < (big_size - small_size) / 10, (small_allocated, big_allocated, big_size)


def test_the_trusted_start_reads_no_kb_file_metadata_and_its_check_finds_an_edit(kb_dir: Path, tmp_path: Path,
                                                                                 monkeypatch):
    cache = tmp_path / "cache"
    _, cold_index = open_search(kb_dir, cache)
    with monkeypatch.context() as patched:
        patched.setattr(kb_source, "stat_fingerprint", lambda root: pytest.fail("stat'ed the KB at start"))
        kb, index, unchanged = open_search_trusted(kb_dir, cache)
    assert _results(index) == _results(cold_index)
    assert unchanged()
    path = kb_dir / "faq" / "faq-what-is-esim.md"
    with path.open("r+", encoding="utf-8") as handle:  # edited in place: the folder does not change
        text = handle.read().replace("title: ", "title: 独一无二词", 1)
        handle.seek(0)
        handle.write(text)
    kb, index, unchanged = open_search_trusted(kb_dir, cache)
    assert not unchanged(), "the cached KB is no longer the files'"
    assert not index.search("独一无二词") or index.search("独一无二词")[0].id != "faq-what-is-esim"
    open_search(kb_dir, cache)  # what the console's reload does (and it remembers the new cache)
    kb, index, unchanged = open_search_trusted(kb_dir, cache)
    assert index.search("独一无二词")[0].id == "faq-what-is-esim" and unchanged()


def test_the_trusted_start_without_a_cache_it_knows_is_a_checked_start(kb_dir: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    kb, index, unchanged = open_search_trusted(kb_dir, cache)
    assert unchanged() and len(list(cache.glob("index-*.pickle"))) == 1
    index_cache_path(cache, stat_key(kb_dir)).unlink()  # the cache it knows was pruned
    kb2, index2, unchanged2 = open_search_trusted(kb_dir, cache)
    assert unchanged2() and _results(index2) == _results(index)
    assert open_search_trusted(kb_dir, None)[2]()


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_cache_cut_short_is_refused_at_start_not_at_a_search(kb_dir: Path, tmp_path: Path, keep: float):
    """A cache's records and postings are read lazily: one cut short (a full disk, a crash before
    the rename's data was synced) must be refused when opened, or a search would fail later."""
    cache = tmp_path / "cache"
    _, cold_index = open_search(kb_dir, cache)
    [cached] = cache.glob("index-*.pickle")
    data = cached.read_bytes()
    cached.write_bytes(data[:int(len(data) * keep)])
    assert search_cache._read(cached) is None and not cached.exists()
    kb, index = open_search(kb_dir, cache)
    assert _results(index) == _results(cold_index)
