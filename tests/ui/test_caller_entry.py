"""Taking the caller down without moving between fields, and notes that return on a fresh line."""

from __future__ import annotations

from textual.widgets import Input, Select

from .conftest import ready, settle, wait_until


async def test_the_caller_typed_on_one_line_fills_name_phone_and_operator_and_enter_goes_to_search(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"王先生 79161234567 meg")
        await pilot.press("enter")
        await settle(pilot)
        main = app.main
        assert main.query_one("#caller-name", Input).value == "王先生"
        assert main.query_one("#caller-phone", Input).value == "79161234567"
        assert main.query_one("#caller-operator", Select).value == "megafon"
        assert app.focused is main.search_bar  # the next thing the agent does is search
        await pilot.press(*"esim")
        assert main.search_bar.value == "esim"
        await wait_until(pilot, lambda: (store.active().caller.operator, store.active().caller.name)
                         == ("megafon", "王先生"))


async def test_leaving_the_name_field_splits_the_line_too(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"Иванов Иван +7 916 123-45-67 мтс")
        await pilot.press("f3")
        await settle(pilot)
        main = app.main
        assert main.query_one("#caller-name", Input).value == "Иванов Иван"
        assert main.query_one("#caller-phone", Input).value == "+7 916 123-45-67"
        assert main.query_one("#caller-operator", Select).value == "mts"


async def test_a_name_alone_is_kept_as_typed_and_tab_still_moves_to_the_phone(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"麦先生", "tab")
        await settle(pilot)
        assert app.main.query_one("#caller-name", Input).value == "麦先生"
        assert app.main.query_one("#caller-operator", Select).value == Select.NULL
        assert app.focused.id == "caller-phone"


async def test_coming_back_to_the_notes_with_f6_starts_a_new_line(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f6", *"lost esim", "f3", *"buka")
        await pilot.press("f6", *"fee told")
        await wait_until(pilot, lambda: store.active().notes == "lost esim\nfee told")


async def test_passing_through_the_notes_adds_no_empty_line(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f6", *"lost esim", "f3", "f6", "f3", "f6", "backspace", *"M")
        await wait_until(pilot, lambda: store.active().notes == "lost esiM")
