"""The wrap-up summary's draft: saved to the open case by `update(summary=...)`, redacted like every
field, kept through a restart, replaced by the final summary at close."""

from __future__ import annotations

from pathlib import Path

from agentui.core.cases.model import Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.store import TinyCaseStore


def test_a_summary_draft_survives_a_restart_and_the_close_sets_the_final_one(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.open_case()
    saved = store.update(summary="客户丢失 eSIM，已说明补卡")
    assert saved.case.summary == "客户丢失 eSIM，已说明补卡"
    store.close_store()

    store = open_store(data_dir)
    try:
        assert store.active().summary == "客户丢失 eSIM，已说明补卡"
        closed = store.close(Disposition.RESOLVED, "最终摘要")
        assert closed.summary == "最终摘要"
    finally:
        store.close_store()


def test_a_summary_draft_is_redacted(store: TinyCaseStore) -> None:
    store.open_case()
    saved = store.update(summary="卡号 4111 1111 1111 1111")
    assert "4111" not in saved.case.summary
    assert saved.redactions


def test_other_fields_leave_the_draft_alone(store: TinyCaseStore) -> None:
    store.open_case()
    store.update(summary="草稿")
    assert store.update(notes="备注").case.summary == "草稿"
