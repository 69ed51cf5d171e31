"""Back and forward over the entries opened during a call, as in a browser."""

from agentui.core.visits import Visits


def test_back_and_forward_walk_the_opened_entries_and_a_new_one_drops_those_ahead():
    visits = Visits()
    assert visits.back() is None and visits.forward() is None
    for entry_id in ("esim-replacement", "faq-replacement-fee", "faq-replacement-fee", "faq-replacement-duration"):
        visits.visit(entry_id)  # the same entry twice in a row is one visit
    assert visits.back() == "faq-replacement-fee"
    assert visits.back() == "esim-replacement"
    assert visits.back() is None
    assert visits.forward() == "faq-replacement-fee"
    visits.visit("data-sim-replacement-online")
    assert visits.forward() is None  # faq-replacement-duration was ahead: dropped
    assert visits.back() == "faq-replacement-fee"
    visits.clear()
    assert visits.back() is None and visits.forward() is None
