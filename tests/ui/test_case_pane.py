"""The case pane: F2, F6, autosave, restart restores the case, Ctrl+Q saves."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Select

from agentui.app import create_app
from agentui.core.cases.opening import open_store
from agentui.widgets.article import StepsList
from agentui.widgets.notes import MAX_NOTES

from .conftest import fixed_clock, ready, settle, wait_until


async def test_f2_opens_a_case_and_starts_the_timer(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        case = store.active()
        assert case is not None
        assert app.main.header.case_id == case.id
        assert app.main.header.opened_at == case.opened_at
        assert app.focused.id == "caller-name"
        await pilot.press("f2")  # a second F2 keeps the same case
        await settle(pilot)
        assert store.active().id == case.id


async def test_f6_notes_are_autosaved_when_the_agent_pauses(app, store):
    """No keystroke, no quit: the debounce alone saves them (its timing: test_autosave.py)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f6")
        assert app.focused.id == "notes"
        await pilot.press(*"hello")
        await wait_until(pilot, lambda: store.active().notes == "hello")
        # The save runs in a worker; the pane's status follows on the UI thread right after.
        await wait_until(pilot, lambda: app.main.case_pane.status.startswith("已保存"))


async def test_typing_without_a_case_opens_one_and_keeps_the_text(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f6", *"客户来电")
        await wait_until(pilot, lambda: store.active() is not None and store.active().notes == "客户来电")
        # The store answers in a worker thread; the header follows on the UI thread right after.
        await wait_until(pilot, lambda: app.main.header.case_id == store.active().id)


async def test_caller_fields_and_operator_are_saved(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"Ivan")
        app.main.query_one("#caller-phone", Input).value = "+7 916 000 00 00"
        app.main.query_one("#caller-operator", Select).value = "mts"
        app.main.query_one("#category", Input).value = "补卡"
        await wait_until(pilot, lambda: store.active().caller.operator == "mts" and store.active().category == "补卡")
        case = store.active()
        assert (case.caller.name, case.caller.phone) == ("Ivan", "+7 916 000 00 00")


async def test_restart_restores_notes_ticks_and_timer(settings, store):
    first = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with first.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter", "space")
        await settle(pilot)
        await pilot.press("f6", *"note one")
        await pilot.press("ctrl+q")
    # Ctrl+Q saved synchronously and released the store's lock.
    reopened = open_store(settings.data_dir)
    try:
        case = reopened.active()
        assert case.notes == "note one"
        assert case.steps == {"esim-replacement": [1]}
        second = create_app(settings, store=reopened, clock=fixed_clock, system_clipboard=False)
        async with second.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            assert second.main.query_one("#notes").text == "note one"
            assert second.main.header.opened_at == case.opened_at
            assert second.main.header.case_id == case.id
            await pilot.press(*"补卡", "enter")
            await settle(pilot)
            assert second.main.query_one(StepsList).ticked == {1}
    finally:
        reopened.close_store()


async def test_ctrl_q_saves_unsaved_typing_before_the_debounce(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f6", *"quick")
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    check = open_store(app.settings.data_dir)
    try:
        assert check.active().notes == "quick"
    finally:
        check.close_store()


async def test_signal_handler_saves_and_exits_zero(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f6", *"before sigterm")
        app.save_and_exit()  # what SIGTERM / SIGHUP run
        await pilot.pause()
    assert app.return_code == 0
    check = open_store(app.settings.data_dir)
    try:
        assert check.active().notes == "before sigterm"
    finally:
        check.close_store()


async def test_huge_paste_is_capped_with_a_notice(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f6")
        app.main.query_one("#notes").post_message(events.Paste("x" * 1_000_000))
        await pilot.pause()
        await pilot.press("a")  # the cap holds for typing too
        notes = app.main.query_one("#notes")
        assert len(notes.text) == MAX_NOTES
        await settle(pilot)
        assert any("过长" in n.message for n in app._notifications)
        await wait_until(pilot, lambda: store.active() is not None and len(store.active().notes) == MAX_NOTES)


async def test_field_labels_are_whole_in_either_language(settings, store):
    """`Operator` and `Category` need a wider label column than `运营商`: at 80×24 they were cut
    to `Operato` and `Categor`."""
    from dataclasses import replace

    from .conftest import screen_text

    for lang, labels in (("en", ("Name", "Phone", "Operator", "Category")), ("zh", ("姓名", "电话", "运营商", "类别"))):
        app = create_app(replace(settings, lang=lang), store=store, clock=fixed_clock, system_clipboard=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            text = screen_text(app)
            for label in labels:
                assert f"│ {label} " in text, (lang, label)


async def test_stored_notes_over_the_limit_are_loaded_whole_and_the_agent_is_told(settings, store):
    """Notes longer than the editor's limit (written by an older version, or the CLI) were cut
    to the limit on start without a word, and the next save wrote the cut text to disk."""
    long_notes = "前" * 10 + "x" * MAX_NOTES + "最后的话"
    store.open_case()
    store.update(notes=long_notes)
    app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        notes = app.main.query_one("#notes")
        assert notes.text == long_notes
        assert any(f"{MAX_NOTES}" in n.message and "备注" in n.message for n in app._notifications)
        await pilot.press("f6")
        notes.move_cursor(notes.document.end)
        await pilot.press("backspace")  # shortening works; the rest stays
        await wait_until(pilot, lambda: store.active().notes == long_notes[:-1])
        await pilot.press("z")  # adding does not, until the notes are under the limit
        await settle(pilot)
        assert notes.text == long_notes[:-1]
