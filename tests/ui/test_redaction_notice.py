"""The agent is told when a card number or CVV was removed from what they typed (never silently)."""

from __future__ import annotations

from .conftest import ready, wait_until


async def test_agent_is_told_that_a_card_number_was_not_saved(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await pilot.press("f6", *"card 4111 1111 1111 1111 cvv 123")
        await wait_until(pilot, lambda: store.active() is not None and "卡号已隐藏" in store.active().notes)
        await wait_until(pilot, lambda: any("****1111" in n.message for n in app._notifications))
        told = [n for n in app._notifications if "****1111" in n.message]
        assert told[0].severity == "warning" and "安全码" in told[0].message
