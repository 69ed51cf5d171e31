"""CallSession: what counts as unsaved, and ticks kept while no case is open."""

from __future__ import annotations

from agentui.session import CallSession, CaseFields


def test_an_edit_remembered_again_after_its_save_is_not_unsaved(store) -> None:
    """The case pane remembers an edit when the widget's change event arrives, which may be after
    the save that wrote it: the rescue file being restored was then never deleted."""
    session = CallSession()
    session.attach(store)
    session.pending = CaseFields(notes="typed")
    assert session.unsaved
    session.flush()
    session.pending = CaseFields(notes="typed")  # the late change event
    assert not session.unsaved
    session.pending = CaseFields(notes="typed more")
    assert session.unsaved


def test_ticks_without_a_case_go_into_the_next_case(store) -> None:
    session = CallSession()
    session.attach(store)
    assert session.tick("proc", 2, True) is None
    assert session.tick("proc", 1, True) is None
    session.tick("proc", 2, False)
    assert session.ticked("proc") == {1}
    assert store.active() is None
    case = session.open_case()
    assert case.steps == {"proc": [1]}
    assert session.ticked("proc") == {1}
