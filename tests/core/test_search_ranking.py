"""Ranking the agent can trust: terms before incidental initials, exact names before containing
ones, initials of any length, and a result that says when no entry holds every word. Checked on
the bundled KB and, at scale, on synthetic KBs through both stages."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

from agentui.core.kb import load_kb
from agentui.core.search import Hits, SearchIndex
from agentui.core.search import index as index_module
from agentui.core.search import postings as postings_module
from agentui.core.search.normalize import CJK_RUN, fold, units_text
from agentui.core.search.pinyin import run_pinyin
from agentui.core.search.query_keys import WORD_ENOUGH
from agentui.core.search.scorer import score_doc

ROOT = Path(__file__).parents[2]
SYNTHETIC = 2000
CONTAINING = 60


@pytest.fixture(scope="module")
def bundled(bundled_kb) -> SearchIndex:
    return SearchIndex.build(list(bundled_kb.entries.values()))


def test_the_initials_of_a_term_rank_above_an_incidental_pair(bundled):
    """`zx`: 注销 (a tag and a title word of esim-cancellation) before 中心 inside 服务中心办理."""
    hits = bundled.search("zx", 5)
    assert hits[0].id == "esim-cancellation"
    assert hits[0].score > next(h.score for h in hits if h.id == "data-sim-replacement-offline")


@pytest.mark.parametrize(
    ("query", "words", "lacking"),
    [
        ("注销流量卡", ("注销", "流量卡"), ("注销",)),
        ("流量卡注销", ("流量卡", "注销"), ("注销",)),
        ("怎么注销流量卡", ("注销", "流量卡"), ("注销",)),
        ("cancel data card", ("cancel", "data", "card"), ("cancel",)),
        ("esim 国外", ("esim", "国外"), ("国外",)),
    ],
)
def test_no_entry_with_every_word_is_said(bundled, query, words, lacking):
    """The KB has no data-card cancellation: the closest entries come first and the result names
    the words they lack (a body mention, as the greeting script's list of services, is no entry
    about it)."""
    hits = bundled.search(query, 5)
    assert isinstance(hits, Hits) and hits
    assert hits.words == words
    assert hits.unmatched_words == lacking and not hits.all_words_matched


@pytest.mark.parametrize("query", ["esim 注销", "流量卡 线下", "注销eSIM", "bk", "esmi", "补卡多少钱", "МТС", ""])
def test_an_entry_with_every_word_says_nothing_is_missing(bundled, query):
    hits = bundled.search(query, 5)
    assert hits and hits.unmatched_words == ()


def test_a_query_nothing_matches_lacks_all_its_words(bundled):
    hits = bundled.search("qqqqzzz 喵喵", 5)
    assert not hits and hits.unmatched_words == hits.words == ("qqqqzzz", "喵喵")


# ---------------------------------------------------------------- at scale


def synthetic_kb_module():
    spec = importlib.util.spec_from_file_location("synthetic_kb", ROOT / "benchmarks" / "synthetic_kb.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic_kb"] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def _containing_entry(number: int, title: str, title_en: str) -> str:
    """A procedure whose title holds another entry's whole title: on a tie of text scores the type
    prior puts procedures first, so only a rule for whole names ranks the exact title above it."""
    q = json.dumps
    return "\n".join(["---", f"id: contains-{number:03d}", "type: procedure", f"title: {q('激活' + title)}",
                      f"title_en: {q(title_en + ' in detail')}", "tags: [激活]", "channel: online",
                      "source: synthetic", "verified: 2026-11-22", "---", "", "正文。", "", "## 步骤", "",
                      "1. 第一步", "2. 第二步", ""])


@pytest.fixture(scope="module")
def scale_kb(tmp_path_factory: pytest.TempPathFactory):
    """SYNTHETIC generated entries, and for CONTAINING of their FAQs a procedure containing the
    FAQ's title (and English title)."""
    module = synthetic_kb_module()
    root = tmp_path_factory.mktemp("scale-kb")
    module.write_kb(root / "synthetic", SYNTHETIC)
    specs = list(module.generate_entries(SYNTHETIC))
    faqs = random.Random(14).sample([s for s in specs if s.type == "faq"], CONTAINING)
    (root / "containing").mkdir()
    for number, spec in enumerate(faqs):
        (root / "containing" / f"contains-{number:03d}.md").write_text(
            _containing_entry(number, spec.title, spec.title_en), encoding="utf-8")
    kb = load_kb(root)
    assert not kb.problems, kb.problems[:3]
    return kb, specs, faqs


@pytest.fixture(scope="module", params=["exact", "candidates"])
def scale_index(request, scale_kb) -> SearchIndex:
    """The exact stage, and the candidate stage as KBs above its limit use it, with postings
    blocks of one batch and a small view cache, so that several blocks and evicted views are read
    as at 100k entries."""
    kb, _, _ = scale_kb
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "candidates":
            patch.setattr(index_module, "EXACT_LIMIT", 0)
            patch.setattr(index_module, "DOC_CACHE", 256)
            patch.setattr(postings_module, "BLOCK", postings_module.BATCH)
        built = SearchIndex.from_records(kb.records)
        assert built.is_exact == (request.param == "exact")
        yield built


def test_the_candidate_stage_here_takes_the_paths_it_takes_at_100k(scale_kb):
    """What makes this KB stand for a big one: several postings blocks, common title words asked
    by their whole-word key alone, and queries the scorer accepts in more entries than the
    candidates kept (so the candidates are a choice, as at 100k)."""
    kb, _, faqs = scale_kb
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "EXACT_LIMIT", 0)
        patch.setattr(postings_module, "BLOCK", postings_module.BATCH)
        built = SearchIndex.from_records(kb.records)
    from agentui.core.search.keys import word_key

    assert len(built._postings.blocks) >= 2
    assert built._postings.title_holders(word_key("esim")) >= WORD_ENOUGH
    accepted = [len(built.search_exhaustive(spec.title, len(built))) for spec in faqs[:5]]
    assert min(accepted) > index_module.CANDIDATES, accepted


def test_an_exact_title_ranks_above_titles_containing_it(scale_index, scale_kb):
    """Whole titles and English titles typed as they are: an entry named exactly so comes first,
    above the procedure whose longer title holds the same words (the type prior used to win)."""
    _, _, faqs = scale_kb
    wrong = []
    for spec in faqs:
        for query in (spec.title, spec.title_en):
            hits = scale_index.search(query, 3)
            names = {units_text(fold(hits[0].title))} if hits else set()
            exact = scale_index.doc(next(i for i, r in enumerate(scale_index.records) if r[0] == hits[0].id)).names
            if not hits or units_text(fold(query)) not in names | exact:
                wrong.append(f"{query!r}: {[(h.id, h.title, h.score) for h in hits]}")
    assert not wrong, "\n".join(wrong[:10])


def test_initials_of_any_length_find_their_entry(scale_index, scale_kb):
    """Initials of whole long runs (`pzwjxyk` has 7 letters; 6 was the limit): never empty, and
    the entry they come from scores as high as the first hit."""
    _, specs, _ = scale_kb
    runs = sorted({(run, spec.id) for spec in specs[:400] for run in CJK_RUN.findall(fold(spec.title))
                   if len(run) >= 7}, key=lambda pair: pair[1])
    assert len(runs) >= 20
    wrong = []
    for run, entry_id in runs[:40]:
        query = run_pinyin(run).initials
        hits = scale_index.search(query, 5)
        index = next(i for i, record in enumerate(scale_index.records) if record[0] == entry_id)
        scored = score_doc(scale_index.doc(index), scale_index.parse(query))
        if not hits or scored is None or scored.score < hits[0].score:
            wrong.append(f"{query!r} ({run}, {entry_id}): {[(h.id, h.score) for h in hits]}")
    assert not wrong, "\n".join(wrong[:10])
