"""Which typed searches are kept as misses: the settled query, not every keystroke (issue 16 §1)."""

from __future__ import annotations

from agentui.core.misses import SETTLE_S, MissRecord, MissTracker, normalise_query


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def typed(tracker: MissTracker, clock: Clock, text: str, results: int = 5, *, lacks: bool = False,
          pause: float = 0.1, case_id: str = "") -> list[MissRecord]:
    """Type `text` one character at a time (results for each prefix), then pause."""
    records: list[MissRecord] = []
    for end in range(1, len(text) + 1):
        records += tracker.shown(text[:end], results, lacks_words=lacks and end == len(text), case_id=case_id)
        clock.now += 0.15
    clock.now += pause
    return records


def tracker() -> tuple[MissTracker, Clock]:
    clock = Clock()
    return MissTracker(clock), clock


def test_a_query_read_and_left_is_a_miss_and_its_keystrokes_are_not():
    misses, clock = tracker()
    assert typed(misses, clock, "流量卡注销", pause=SETTLE_S) == []
    assert misses.shown("", 15) == [MissRecord("miss", "流量卡注销")]
    assert misses.end() == []  # recorded once


def test_typing_through_quickly_records_nothing():
    misses, clock = tracker()
    typed(misses, clock, "注销", pause=0.3)
    assert misses.shown("", 15) == []


def test_a_pause_inside_one_search_records_only_where_it_ended():
    """`注销` read for 3 s, then typed on to `注销流量卡` and left: one miss, the longer query."""
    misses, clock = tracker()
    typed(misses, clock, "注销", pause=3)
    assert typed(misses, clock, "注销流量卡", pause=SETTLE_S) == []
    assert misses.end() == [MissRecord("miss", "注销流量卡")]


def test_asking_in_another_form_ends_the_first_search():
    misses, clock = tracker()
    typed(misses, clock, "注销流量卡", pause=SETTLE_S, case_id="C1")
    # the agent selects the query and types another form: the first character replaces it all
    assert misses.shown("流", 9, case_id="C1") == [MissRecord("miss", "注销流量卡", "C1")]
    typed(misses, clock, "流量卡注销", pause=SETTLE_S, case_id="C1")
    assert misses.end() == [MissRecord("miss", "流量卡注销", "C1")]


def test_opening_a_result_is_a_search_that_worked():
    misses, clock = tracker()
    typed(misses, clock, "esim 补卡", pause=SETTLE_S)
    misses.moved_on()
    assert misses.opened() == []
    assert misses.end() == [] and misses.pending == ""


def test_a_query_no_entry_fully_matches_is_a_miss_even_when_a_result_is_opened():
    misses, clock = tracker()
    typed(misses, clock, "注销流量卡", lacks=True, pause=0.2)
    assert misses.opened() == [MissRecord("miss", "注销流量卡")]


def test_a_search_that_found_nothing_is_a_zero():
    misses, clock = tracker()
    typed(misses, clock, "qzxv", results=0, pause=SETTLE_S)
    assert misses.end() == [MissRecord("zero", "qzxv")]


def test_moving_on_settles_a_query_at_once():
    """↓ into the results or leaving the box is reading them, however fast the agent is."""
    misses, clock = tracker()
    typed(misses, clock, "退款", pause=0.1)
    misses.moved_on()
    assert misses.end() == [MissRecord("miss", "退款")]


def test_queries_are_kept_normalised():
    assert normalise_query("  ＥＳＩＭ   补卡 ") == "esim 补卡"
    misses, clock = tracker()
    misses.shown("ESIM  补卡", 3)
    misses.shown("esim 补卡", 3)  # the same query: no new search
    clock.now += SETTLE_S
    assert misses.end() == [MissRecord("miss", "esim 补卡")]
