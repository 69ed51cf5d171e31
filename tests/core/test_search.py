"""Search behaviour an agent relies on: every way of typing finds the entry, fast paths stay exact."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from agentui.core.kb import load_kb
from agentui.core.kb.records import to_record
from agentui.core.search import SearchIndex, hanzi, open_search, pinyin_tables
from agentui.core.search.document import BodyText, build_doc
from agentui.core.search.index import operator_names
from agentui.core.search.normalize import fold, split_units
from agentui.core.search.query import parse_query
from agentui.core.search.scorer import score_doc
from agentui.locations import bundled_kb_dir


@pytest.fixture(scope="module")
def index(bundled_kb) -> SearchIndex:
    return SearchIndex.build(list(bundled_kb.entries.values()))


def top(index: SearchIndex, query: str) -> str:
    hits = index.search(query, limit=5)
    assert hits, f"no result for {query!r}"
    return hits[0].id


def test_normalisation_folds_width_case_and_punctuation():
    assert fold("ＭＴＳ，eSIM！") == "mts esim "
    assert split_units(fold("怎么注销eSIM卡")) == ["怎么注销", "esim", "卡"]
    assert split_units(fold("+7 (495) 797-79-79")) == ["7", "495", "797", "79", "79"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("补卡", {"esim-replacement", "number-keeping-sim-replacement-online", "number-keeping-sim-replacement-offline",
                "data-sim-replacement-online", "data-sim-replacement-offline"}),
        ("buka", {"esim-replacement", "number-keeping-sim-replacement-online", "number-keeping-sim-replacement-offline",
                  "data-sim-replacement-online", "data-sim-replacement-offline"}),
        ("esim zhuxiao", {"esim-cancellation"}),
        ("esim zx", {"esim-cancellation"}),
        ("baohaoka", {"number-keeping-sim-replacement-online", "number-keeping-sim-replacement-offline"}),
        ("补咔", {"esim-replacement", "number-keeping-sim-replacement-online", "number-keeping-sim-replacement-offline",
                "data-sim-replacement-online", "data-sim-replacement-offline"}),
        ("esim注消", {"esim-cancellation"}),
        ("megafno", {"contact-megafon"}),
        ("esmi renewal", {"esim-renewal"}),
        ("МТС", {"contact-mts"}),
        ("Билайн", {"contact-beeline"}),
        ("Теле2", {"contact-tele2"}),
        ("797-79-79", {"contact-beeline"}),
        ("4959888888", {"contact-megafon"}),
        ("ＭｅｇａＦｏｎ", {"contact-megafon"}),
    ],
)
def test_every_way_of_typing_finds_the_entry(index, query, expected):
    assert top(index, query) in expected


def test_entries_matching_every_word_rank_first(index):
    hits = index.search("流量卡 线下", limit=5)
    assert hits[0].id == "data-sim-replacement-offline"
    hits = index.search("保号卡 线上", limit=5)
    assert hits[0].id == "number-keeping-sim-replacement-online"


def test_title_spans_point_at_the_matched_characters(index, bundled_kb):
    for query in ("补卡", "buka", "bk"):
        hit = next(h for h in index.search(query) if h.id == "esim-replacement")
        title = bundled_kb.entries["esim-replacement"].title
        assert [title[a:b] for a, b in hit.spans["title"]] == ["补卡"], query
    hit = index.search("MTS")[0]
    assert any(hit.title[a:b] == "MTS" for a, b in hit.spans["title"])


def test_empty_query_lists_procedures_first(index):
    for query in ("", "   ", "\t\n"):
        hits = index.search(query, limit=8)
        assert len(hits) == 8
        assert all(h.type == "procedure" for h in hits)


@pytest.mark.parametrize(
    "query",
    ["补" * 10_000, "\x1b]52;c;ZXZpbA==\x07", "\x00\x01\u202e[b]", "!!!???", "a" * 10_000, "补卡 " * 3000],
    ids=["10k-chinese", "osc52", "controls", "punctuation", "10k-latin", "many-words"],
)
def test_hostile_queries_return_without_error(index, query):
    hits = index.search(query, limit=5)
    assert all(0 <= h.score <= 100 for h in hits)


def test_scores_are_bounded_and_ordered(index):
    hits = index.search("eSIM 补卡", limit=20)
    scores = [h.score for h in hits]
    assert all(0 < s <= 100 for s in scores)
    assert hits[0].id == "esim-replacement"


def test_candidate_stage_agrees_with_exhaustive_scan(index):
    rng = random.Random(7)
    titles = [record[2] for record in index.records]
    queries = ["补卡", "bk", "esim", "megafno", "495", "注销 原因", "流量卡", "cancel", "续费 支付"]
    queries += [rng.choice(titles)[: rng.randint(1, 4)] for _ in range(40)]
    for query in queries:
        assert [h.id for h in index.search(query, 10)] == [h.id for h in index.search_exhaustive(query, 10)], query


def test_cache_is_reused_and_invalidated_by_a_changed_file(tmp_path: Path):
    kb_dir = tmp_path / "kb"
    shutil.copytree(bundled_kb_dir(), kb_dir)
    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    assert len(list(cache.glob("index-*.pickle"))) == 1
    kb2, index2 = open_search(kb_dir, cache)
    assert [h.id for h in index2.search("补卡")] == [h.id for h in index.search("补卡")]
    target = kb_dir / "faq" / "faq-what-is-esim.md"
    target.write_text(target.read_text(encoding="utf-8").replace("title:", "aliases: [独一无二词]\ntitle:", 1)
                      if "aliases:" not in target.read_text(encoding="utf-8")
                      else target.read_text(encoding="utf-8").replace("aliases: [", "aliases: [独一无二词, ", 1),
                      encoding="utf-8")
    kb3, index3 = open_search(kb_dir, cache)
    assert index3.search("独一无二词")[0].id == "faq-what-is-esim"
    assert len(list(cache.glob("index-*.pickle"))) == 2


def test_warm_start_gives_the_cold_entries_from_one_shared_set_of_records(tmp_path: Path):
    cold_kb, cold_index = open_search(bundled_kb_dir(), tmp_path)
    assert cold_index.records is cold_kb.records  # one copy of every entry's text, not two
    warm_kb, warm_index = open_search(bundled_kb_dir(), tmp_path)
    assert warm_index.records is warm_kb.records
    assert dict(warm_kb.entries) == dict(cold_kb.entries)
    assert sum(len(entry.steps) for entry in warm_kb.entries.values()) >= 20  # steps read again from bodies


def test_warm_start_reads_the_pinyin_tables_from_the_cache(tmp_path: Path, monkeypatch):
    """Building them from pypinyin's data files takes 0.35 s: a warm start must neither pay that
    nor leave it to the agent's first query with a character of several readings (行 is xing
    alone, hang in 银行)."""
    open_search(bundled_kb_dir(), tmp_path)
    assert list(tmp_path.glob("pinyin-*.pickle"))
    monkeypatch.setattr(pinyin_tables, "_tables", None)  # as in a fresh process
    hanzi.phrases_from.cache_clear()
    hanzi._readings_block.cache_clear()
    monkeypatch.setattr(pinyin_tables, "build", lambda: pytest.fail("built the tables from pypinyin's data"))
    open_search(bundled_kb_dir(), tmp_path)
    assert hanzi.syllables("银行") == ["yin", "hang"]


def test_corrupt_cache_is_rebuilt(tmp_path: Path):
    cache = tmp_path / "cache"
    open_search(bundled_kb_dir(), cache)
    [cached] = cache.glob("index-*.pickle")
    cached.write_bytes(b"not a pickle")
    kb, index = open_search(bundled_kb_dir(), cache)
    assert len(index) == len(kb) >= 32
    assert index.search("补卡")


def test_index_without_operators_or_chinese_still_works(tmp_path: Path):
    (tmp_path / "a.md").write_text("---\nid: plain\ntype: faq\ntitle: Roaming prices\n---\nAsk the operator.\n")
    kb = load_kb(tmp_path)
    index = SearchIndex.build(list(kb.entries.values()))
    assert index.search("roaming")[0].id == "plain"
    assert index.search("raoming")[0].id == "plain"


def test_same_size_edit_still_invalidates_the_cache(tmp_path: Path):
    """The cache key is file metadata, not content: a same-length rewrite must still be seen."""
    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    entry = kb_dir / "a.md"
    entry.write_text("---\nid: a\ntype: faq\ntitle: 旧标题甲\n---\n正文\n", encoding="utf-8")
    cache = tmp_path / "cache"
    assert open_search(kb_dir, cache)[1].search("旧标题甲")[0].id == "a"
    entry.write_text("---\nid: a\ntype: faq\ntitle: 新标题乙\n---\n正文\n", encoding="utf-8")
    kb, index = open_search(kb_dir, cache)
    assert kb.entries["a"].title == "新标题乙"
    assert index.search("新标题乙")[0].id == "a"


def test_operator_spellings_reach_its_entries_but_contact_phrases_do_not(index):
    """Every MTS entry answers to МТС or 移动电信; only the contact entry answers to `MTS hotline`,
    not every MTS procedure through the contact's aliases."""
    spellings = operator_names(index.records)["mts"]
    assert {"MTS", "МТС", "移动电信"} <= set(spellings)
    assert not {"MTS hotline", "MTS客服电话", "телефон МТС"} & set(spellings)
    assert index.search("MTS hotline", 1)[0].id == "contact-mts"


def test_the_body_is_folded_only_when_the_head_cannot_settle_the_score(bundled_kb):
    """After a warm start every new candidate's scoring view is built on a keystroke; the body is
    two thirds of that cost and most candidates never need it."""
    record = to_record(bundled_kb.entries["esim-replacement"])
    names = operator_names([record])
    doc = build_doc(record, names)
    body = doc.fields[-1]
    assert isinstance(body, BodyText)
    assert score_doc(doc, parse_query("补卡")).score > 90
    assert body._text is None  # settled by the title
    head = " ".join(field.text for field in doc.fields[:-1])
    word = next(w for w in fold(record.body).split() if w.isascii() and w.isalpha() and len(w) > 4
                and w[:2] not in head)
    fresh = build_doc(record, names)
    assert score_doc(fresh, parse_query(word)) is not None  # a word only the body has still counts
    assert fresh.fields[-1]._text is not None


def test_open_search_takes_a_stat_key_just_taken(tmp_path: Path, monkeypatch):
    from agentui.core.search import cache as search_cache
    from agentui.core.search.first_screen import stat_key

    cold_kb, _ = open_search(bundled_kb_dir(), tmp_path)
    key = stat_key(bundled_kb_dir())
    monkeypatch.setattr(search_cache, "stat_key", lambda kb_dir: pytest.fail("the KB files were stat'ed again"))
    warm_kb, index = open_search(bundled_kb_dir(), tmp_path, key)
    assert warm_kb.fingerprint == cold_kb.fingerprint and index.search("补卡")
