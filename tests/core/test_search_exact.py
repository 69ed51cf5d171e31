"""The exact search of KBs up to a few thousand entries: the exhaustive scan's results, scoring
only the entries whose bound can still reach the top."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from agentui.core.search import SearchIndex
from agentui.core.search.bounds import ScoreBounds
from agentui.core.search.index import EXACT_LIMIT
from agentui.core.search.normalize import CJK_RUN, WORDS, fold
from agentui.core.search.pinyin import run_pinyin
from agentui.core.search.scorer import score_doc

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def index(bundled_kb) -> SearchIndex:
    return SearchIndex.build(list(bundled_kb.entries.values()))


def _dev_queries() -> list[str]:
    rows = (DATA / "queries-dev.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in rows if line.strip() and not line.startswith("#")]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word) - 1)
    match rng.randrange(3):
        case 0:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        case 1:
            return word[:i] + word[i + 1:]
        case _:
            return word[:i] + rng.choice("aeiouxz") + word[i + 1:]


def _fragments(records, count: int, seed: int) -> list[str]:
    """What an agent types, cut from the KB's own texts: pieces of titles, aliases and bodies,
    words with a typo, pinyin and initials (whole, begun, spaced), phone digits, pairs of these."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        record = rng.choice(records)
        text = rng.choice([record.title, record.title_en, record.body, *record.aliases]) or record.title
        words = WORDS.findall(fold(text))
        runs = CJK_RUN.findall(fold(text))
        kind = rng.randrange(6)
        if kind == 0 or not (words or runs):
            start = rng.randrange(len(text))
            found.append(text[start:start + rng.randint(1, 6)])
        elif kind == 1 and words:
            word = rng.choice(words)
            found.append(_typo(word, rng) if len(word) > 3 else word[: rng.randint(1, len(word))])
        elif kind == 2 and runs:
            pinyin = run_pinyin(rng.choice(runs))
            said = rng.choice([pinyin.joined, pinyin.initials, " ".join(pinyin.syllables), " ".join(pinyin.initials)])
            found.append(said[: rng.randint(1, len(said))])
        elif kind == 3 and record.phones:
            digits = "".join(c for c in rng.choice(record.phones) if c.isdigit())
            start = rng.randrange(len(digits))
            found.append(digits[start:start + rng.randint(2, 7)])
        elif kind == 4 and runs:
            run = rng.choice(runs)
            start = rng.randrange(len(run))
            found.append(run[start:start + rng.randint(1, 5)])
        elif len(found) >= 2:
            found.append(f"{rng.choice(found)} {rng.choice(found)}")
    return found


def test_no_entry_scores_above_its_bound(index: SearchIndex):
    """The exact search stops at the first entry whose bound cannot make the top: a bound below
    an entry's real rank key would drop that entry without a trace."""
    # Question fillers inside a run (they count as found): `注销怎么流量卡` holds 注销 and 流量卡.
    fillers = ["注销怎么流量卡", "补卡什么时间", "eSIM怎么补卡", "流量卡吗注销", "怎么续费呢"]
    queries = _dev_queries() + fillers + _fragments(index.records, 400, seed=3)
    score_bounds = ScoreBounds([index.doc(entry) for entry in range(len(index))])
    below = []
    for query in queries:
        parsed = index.parse(query)
        if parsed.is_empty:
            continue
        bounds = {-bound[-1]: bound for bound in score_bounds.ordered(parsed)}
        for entry in range(len(index)):
            doc = index.doc(entry)
            scored = score_doc(doc, parsed)
            if scored is not None and bounds.get(entry, (False,)) < (*scored.rank_key(doc), -entry):
                below.append(f"{query!r}: {doc.id} {scored.rank_key(doc)} over {bounds.get(entry)}")
    assert not below, "\n".join(below[:20])


@pytest.fixture(scope="module")
def lookalike_index(lookalike_kb) -> SearchIndex:
    built = SearchIndex.build(list(lookalike_kb.entries.values()))
    assert len(built) > 1000 and built.is_exact
    return built


def test_results_equal_the_exhaustive_scan_on_a_thousand_lookalikes(lookalike_index: SearchIndex):
    """Ids, scores, order and highlights, on dev queries, every prefix of some as they are typed,
    and fragments of the KB: every query word here matches hundreds of entries."""
    typed = [q[:end] for q in _dev_queries()[::6] for end in range(1, len(q) + 1)]
    queries = dict.fromkeys(_dev_queries() + typed + _fragments(lookalike_index.records, 80, seed=5))
    differ = [
        query for query in queries
        if lookalike_index.search(query, 20) != lookalike_index.search_exhaustive(query, 20)
    ]
    assert not differ, differ


def test_kbs_above_the_limit_use_the_candidate_stage(monkeypatch, index: SearchIndex):
    from agentui.core.search import index as index_module

    monkeypatch.setattr(index_module, "EXACT_LIMIT", len(index) - 1)
    assert not SearchIndex.from_records(index.records).is_exact
    assert index.is_exact and len(index) <= EXACT_LIMIT


@pytest.mark.parametrize("limit", [0, -1, 1, 3])
def test_any_limit_gives_the_scans_first_results(index: SearchIndex, limit: int):
    for query in ("补卡", "esim", "bk", ""):
        hits = index.search(query, limit)
        assert hits == index.search_exhaustive(query, limit)
        assert len(hits) == max(0, limit)


def test_thesaurus_words_are_single_words():
    """The bounds look words up one KB word at a time: a thesaurus entry of two words (`how long`)
    would match across words in the scorer and nowhere in the bounds."""
    from agentui.core.search.normalize import split_units
    from agentui.core.search.synonyms import GROUPS

    assert all(len(split_units(fold(word))) == 1 for group in GROUPS for word in group)
