"""Index memory grows with the KB's text, never with the square of one field's length: a pasted
paragraph as a title (or alias) must not take the machine down."""

from __future__ import annotations

import pickle
import random
import tracemalloc

import pytest

from agentui.core.kb.model import Record
from agentui.core.search import SearchIndex
from agentui.core.search import index as index_module

SEED_CHARS = "补卡流量注销号码银行重庆长行乐还为了的服务中心办理线上下营业厅护照运营商客户"


def _record(entry_id: str, title: str, aliases: tuple[str, ...] = ()) -> Record:
    return Record(entry_id, "faq", title, f"{entry_id}.md", "正文说明。", 1, "", aliases, ("补卡",), ("mts",), "", (),
                  "", "", (), (), "", (), ())


def _records(length: int) -> list[Record]:
    """Three ordinary entries, and one whose title and alias are one run of `length` characters
    (common and many-reading characters, so pinyin phrases are looked up too)."""
    rng = random.Random(length)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)] + list(SEED_CHARS)
    run = "".join(rng.choice(chars) for _ in range(length))
    small = [_record(f"e{i}", f"流量卡补卡{i}") for i in range(3)]
    return small if not length else [*small, _record("long", run, (run[: length // 2],))]


def _built(length: int) -> tuple[int, int]:
    """(peak bytes allocated while building, bytes of the pickled index) for a long run of `length`."""
    records = _records(length)
    tracemalloc.start()
    try:
        index = SearchIndex.from_records(records)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert index.search(records[-1][2][:6], 1)[0].id == records[-1][0]
    return peak, len(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))


@pytest.mark.parametrize("stage", ["exact", "candidates"])
def test_a_twenty_thousand_character_title_costs_memory_in_proportion(monkeypatch, stage):
    """20k characters cost over 1 GB when the exact stage kept each syllable's pinyin to the end
    of its run; now every structure of either stage is linear in the field's length: 5x the
    characters, at most 6x the memory, and a few MiB in all."""
    if stage == "candidates":
        monkeypatch.setattr(index_module, "EXACT_LIMIT", 0)
    _built(0)  # the folding and reading tables, built once per process
    base_peak, base_size = _built(0)
    short_peak, short_size = _built(4_000)
    long_peak, long_size = _built(20_000)
    assert long_size - base_size <= 6 * (short_size - base_size), (short_size, long_size)
    assert long_peak - base_peak <= 6 * (short_peak - base_peak), (short_peak, long_peak)
    assert long_size - base_size < 8 * 2**20
    assert long_peak - base_peak < 64 * 2**20
