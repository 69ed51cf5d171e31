"""The SQL side of the server store: pushes from a console's outbox, claims, reads and records."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from agentui.core.cases.errors import CaseAlreadyOpen, CaseNotFound, StoreError
from agentui.core.cases.model import Case
from agentui.core.cases.outbox import Entry as Change
from agentui.core.cases.records import CallRecord, Event
from agentui.core.cases.server import report_reads
from agentui.core.cases.server.connect import Link
from agentui.core.cases.server.migrate import migrate
from agentui.core.cases.server.search_keys import case_search_text, keys_of, like_pattern, query_keys

if TYPE_CHECKING:
    import psycopg

    from agentui.core.cases.reader import HistorySnapshot

RARE_KEY = 20_000
"""Cases a key may be in and still be worth fetching whole (then each is checked for the text)."""
COMMON_BUDGET = 2_000
"""Newest candidates checked when every key of a query is common."""
FLOOR_CHANNEL = "agentui_floor"
"""`NOTIFY` channel: the payload is the agent whose state changed."""


class CaseHeld(StoreError):
    """Another agent has the case open; a supervisor can release it."""


@dataclass(frozen=True, slots=True)
class Refusal:
    seqs: tuple[int, ...]
    case_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class PushResult:
    upto: int
    """Every change with a seq up to this one is decided: applied, refused, or applied before."""
    refused: tuple[Refusal, ...] = ()


class CaseServer:
    def __init__(self, url: str, *, agent: str, client_id: str) -> None:
        self.url = url
        self.agent = agent
        self.client_id = client_id
        self.push_link = Link(url)
        """The outbox's own connection, so a long catch-up never holds up a history search."""
        self.read_link = Link(url)
        self._counts: tuple[float, dict[str, float]] | None = None

    def close(self) -> None:
        self.push_link.close()
        self.read_link.close()

    def ping(self) -> None:
        with self.push_link.use() as conn:
            conn.execute("SELECT 1")

    def ensure_schema(self) -> list[str]:
        with self.read_link.use() as conn:
            return migrate(conn)

    # -- the outbox -----------------------------------------------------------------------------

    def push(self, changes: Sequence[Change]) -> PushResult:
        """Apply changes in order, in one transaction; entries the server applied before (a replay
        after a crash between commit and acknowledgement) are skipped by their seq. Latest states
        (no seq) come last and are applied like a case entry: pushing one again is harmless."""
        if not changes:
            return PushResult(upto=0)
        entries = [change for change in changes if not change.latest]
        latest = [change for change in changes if change.latest]
        refused: list[Refusal] = []
        with self.push_link.use() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO agentui.clients (client_id, agent) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (self.client_id, self.agent),
            )
            row = conn.execute(
                "SELECT last_seq FROM agentui.clients WHERE client_id = %s FOR UPDATE", (self.client_id,)
            ).fetchone()
            last_seq = int(row[0]) if row else 0
            fresh = [change for change in entries if change.seq > last_seq]
            if len(fresh) < len(entries):  # a replay: tell again what was refused the first time
                refused.extend(self._refused_before(conn, [c.seq for c in entries if c.seq <= last_seq]))
            for chain in [*_chains(fresh), *([change] for change in latest)]:
                if chain[0].event is not None:
                    for change in chain:
                        self._insert_event(conn, change)
                else:
                    reason = self._apply_case_chain(conn, chain)
                    if reason:
                        refused.append(self._refuse(conn, chain, reason))
            upto = max(last_seq, entries[-1].seq if entries else 0)
            conn.execute(
                "UPDATE agentui.clients SET last_seq = %s, agent = %s, last_activity = now() WHERE client_id = %s",
                (upto, self.agent, self.client_id),
            )
            if fresh or latest:
                conn.execute("SELECT pg_notify(%s, %s)", (FLOOR_CHANNEL, self.agent))
        return PushResult(upto=upto, refused=tuple(refused))

    def _refuse(self, conn: psycopg.Connection, chain: list[Change], reason: str) -> Refusal:
        from psycopg.types.json import Jsonb

        case = chain[-1].case
        assert case is not None
        for change in chain:
            assert change.case is not None
            seq = -change.case.version if change.latest else change.seq  # see migration 002
            conn.execute(
                "INSERT INTO agentui.refusals (client_id, seq, case_id, agent, reason, doc)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (self.client_id, seq, case.id, self.agent, reason, Jsonb(change.case.to_dict())),
            )
        return Refusal(tuple(c.seq for c in chain if not c.latest), case.id, reason)

    def _refused_before(self, conn: psycopg.Connection, seqs: list[int]) -> list[Refusal]:
        rows = conn.execute(
            "SELECT seq, case_id, reason FROM agentui.refusals WHERE client_id = %s AND seq = ANY(%s) ORDER BY seq",
            (self.client_id, seqs),
        ).fetchall()
        return [Refusal((int(seq),), case_id, reason) for seq, case_id, reason in rows]

    def _insert_event(self, conn: psycopg.Connection, change: Change) -> None:
        event = change.event
        assert event is not None
        conn.execute(
            "INSERT INTO agentui.events (client_id, seq, kind, ref, at, agent, case_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (self.client_id, change.seq, event.kind, event.ref, event.at, event.agent or self.agent, event.case_id),
        )

    def _apply_case_chain(self, conn: psycopg.Connection, chain: list[Change]) -> str:
        """Consecutive saves of one case whose versions follow each other: only the last state is
        written (the earlier ones are contained in it). Returns why it was refused, or ''.

        Taken when the server holds the version the change was based on, or when the version it
        holds was written by this very console (`writer`) and this agent still holds the case:
        nobody else wrote in between, so it is an older state of this console's own case (its
        base lagged: an acknowledgement lost in a crash, or pushes made while it was queued)."""
        import psycopg

        first, last = chain[0], chain[-1]
        case = last.case
        assert case is not None
        row = conn.execute(
            "SELECT version, holder, writer FROM agentui.cases WHERE id = %s FOR UPDATE", (case.id,)
        ).fetchone()
        try:
            with conn.transaction():
                if row is None:
                    if first.base != 0:
                        return f"case {case.id} is not on the server (it was deleted there)"
                    conn.execute(_INSERT, _case_params(case, self.agent, self.client_id))
                    return ""
                version, holder, writer = row
                if holder != self.agent:
                    who = f"agent {holder} has it open" if holder else "it was released or closed elsewhere"
                    return f"case {case.id} changed on the server ({who}, version {version})"
                if version != first.base and writer != self.client_id:
                    return f"case {case.id} changed on the server (version {version}, expected {first.base})"
                if version > case.version:
                    return f"case {case.id} is newer on the server (version {version}) than here ({case.version})"
                conn.execute(_UPDATE, {**_case_params(case, self.agent, self.client_id), "id": case.id})
                return ""
        except psycopg.errors.UniqueViolation:
            other = conn.execute("SELECT id FROM agentui.cases WHERE holder = %s", (self.agent,)).fetchone()
            return f"agent {self.agent} already has case {other[0] if other else '?'} open on the server"

    # -- claims ---------------------------------------------------------------------------------

    def claim(self, case_id: str, make_active: Callable[[Case], Case]) -> Case:
        """Make a case this agent's active case on the server: a closed case (`make_active` turns
        it into the reopened one), a released one, or one this agent already holds."""
        import psycopg

        with self.read_link.use() as conn, conn.transaction():
            row = conn.execute(
                "SELECT doc, version, holder, closed_at FROM agentui.cases WHERE id = %s FOR UPDATE", (case_id,)
            ).fetchone()
            if row is None:
                raise CaseNotFound(f"No case {case_id} on the server.")
            doc, version, holder, closed_at = row
            current = replace(Case.from_dict(doc), version=version)
            if holder == self.agent:
                return current
            if holder is not None:
                raise CaseHeld(
                    f"Case {case_id} is open by agent {holder}; it can be reopened once they wrap it up "
                    "or a supervisor releases it."
                )
            taken = make_active(current) if closed_at is not None else replace(current, version=version + 1)
            taken = replace(taken, version=version + 1)
            try:
                with conn.transaction():
                    conn.execute(_UPDATE, {**_case_params(taken, self.agent, self.client_id), "id": case_id})
            except psycopg.errors.UniqueViolation as exc:
                raise CaseAlreadyOpen(f"Agent {self.agent} already has a case open on the server.") from exc
            conn.execute("SELECT pg_notify(%s, %s)", (FLOOR_CHANNEL, self.agent))
            return taken

    def release(self, case_id: str) -> str:
        """A supervisor frees a case an agent holds; that agent's later pushes of it are refused
        (and kept in their outbox). Returns the agent who held it."""
        with self.read_link.use() as conn, conn.transaction():
            row = conn.execute(
                "SELECT holder FROM agentui.cases WHERE id = %s AND holder IS NOT NULL FOR UPDATE", (case_id,)
            ).fetchone()
            if row is None:
                raise CaseNotFound(f"Case {case_id} is not open by anyone on the server.")
            conn.execute(
                "UPDATE agentui.cases SET holder = NULL, writer = NULL, version = version + 1,"
                " doc = jsonb_set(doc, '{version}', to_jsonb(version + 1)), updated_at = now() WHERE id = %s",
                (case_id,),
            )
            conn.execute("SELECT pg_notify(%s, %s)", (FLOOR_CHANNEL, str(row[0])))
            return str(row[0])

    # -- reads ----------------------------------------------------------------------------------

    def active_of(self, agent: str) -> Case | None:
        with self.read_link.use() as conn:
            row = conn.execute("SELECT doc, version FROM agentui.cases WHERE holder = %s", (agent,)).fetchone()
        return replace(Case.from_dict(row[0]), version=row[1]) if row else None

    def get(self, case_id: str) -> Case | None:
        with self.read_link.use() as conn:
            row = conn.execute("SELECT doc, version FROM agentui.cases WHERE id = %s", (case_id,)).fetchone()
        return replace(Case.from_dict(row[0]), version=row[1]) if row else None

    def history(self, *, text: str, operator: str, disposition: str, limit: int, exclude_id: str) -> list[Case]:
        """Newest first, over the whole floor.

        The index gives the cases holding all of a query's keys; `LIKE` then checks the exact
        text. Which keys, and how, depends on how common they are (the planner's statistics):
        - a query that is one key (`补卡`, `esi`) needs no `LIKE` (the key holds iff the text does);
        - with a rare key (fewer than `RARE_KEY` cases), the cases holding the three rarest keys
          are fetched and each is checked;
        - when every key is common, the newest `COMMON_BUDGET` candidates are checked, newest
          first, selected by the rarest key alone: the pieces of a phrase occur together (`pas`,
          `ssp`, `por` of "passport"), and the planner, which takes them for independent, would
          expect a handful of cases holding all of them and fetch 160,000 to sort them. A phrase
          of common pieces is itself common, and the screen shows the newest 50.
          An older case holding such a phrase is found by adding a rarer word (a name, a phone).
        """
        where = ["closed_at IS NOT NULL"]
        params: list[Any] = []
        for column, value in (("operator", operator), ("disposition", disposition)):
            if value:
                where.append(f"{column} = %s")
                params.append(value)
        if exclude_id:
            where.append("id <> %s")
            params.append(exclude_id)
        keys = query_keys(text) if text else []
        if not text or (len(keys) == 1 and keys[0] == text.casefold()):
            if keys:
                where.append("search_keys @> %s::text[]")
                params.append(keys)
            return self._newest(where, params, limit)
        if not keys:  # one character, or only punctuation: the newest cases are scanned for it
            return self._newest([*where, "search_text LIKE %s"], [*params, like_pattern(text)], limit)
        with self.read_link.use() as conn:
            counts = self._key_counts(conn)
        expected = {key: counts.get(key, 0.0) for key in keys}
        ranked = sorted(keys, key=lambda key: expected[key])
        where.append("search_keys @> %s::text[]")
        if expected[ranked[0]] < RARE_KEY or limit <= 0:  # fetched by the index: more keys, fewer cases
            params.append(ranked[:3])
            return self._newest([*where, "search_text LIKE %s"], [*params, like_pattern(text)], limit)
        params.append(ranked[:1])
        sql = (
            "SELECT doc FROM agentui.cases WHERE id IN (SELECT id FROM (SELECT id, search_text, opened_at, row_no"
            f" FROM agentui.cases WHERE {' AND '.join(where)} ORDER BY opened_at DESC, row_no DESC"
            f" LIMIT {COMMON_BUDGET}) newest WHERE search_text LIKE %s ORDER BY opened_at DESC, row_no DESC"
            f" LIMIT {int(limit)}) ORDER BY opened_at DESC, row_no DESC"
        )
        with self.read_link.use() as conn:
            rows = conn.execute(sql.encode(), [*params, like_pattern(text)]).fetchall()
        return [Case.from_dict(row[0]) for row in rows]

    def _key_counts(self, conn: psycopg.Connection) -> dict[str, float]:
        """Expected cases per common key, from the planner's statistics (refreshed every 10 min);
        a key not among them is rarer than the rarest listed."""
        now = time.monotonic()
        if self._counts is not None and now - self._counts[0] < 600:
            return self._counts[1]
        row = conn.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples"
            " FROM pg_stats s, pg_class c WHERE s.schemaname = 'agentui' AND s.tablename = 'cases'"
            " AND s.attname = 'search_keys' AND c.oid = 'agentui.cases'::regclass"
        ).fetchone()
        counts: dict[str, float] = {}
        if row and row[0] and row[1]:
            total = max(float(row[2] or 0), 0.0)
            counts = {key: float(freq) * total for key, freq in zip(row[0], row[1], strict=False)}
        self._counts = (now, counts)
        return counts

    def _newest(self, where: list[str], params: list[Any], limit: int) -> list[Case]:
        sql = f"SELECT doc FROM agentui.cases WHERE {' AND '.join(where)} ORDER BY opened_at DESC, row_no DESC"
        if limit > 0:
            sql += f" LIMIT {int(limit)}"
        with self.read_link.use() as conn:
            rows = conn.execute(sql.encode(), params).fetchall()
        return [Case.from_dict(row[0]) for row in rows]

    def events(self, kind: str, since: str, until: str | None, agent: str | None) -> list[Event]:
        with self.read_link.use() as conn:
            return report_reads.events(conn, kind, since, until, agent)

    def call_records(self, since: str, until: str | None, agent: str | None) -> list[CallRecord]:
        with self.read_link.use() as conn:
            return report_reads.call_records(conn, since, until, agent)


def _chains(changes: Sequence[Change]) -> list[list[Change]]:
    """Runs of consecutive changes of one case whose versions follow each other, or of records."""
    chains: list[list[Change]] = []
    for change in changes:
        if chains:
            tail = chains[-1][-1]
            if change.event is not None and tail.event is not None:
                chains[-1].append(change)
                continue
            if (
                change.case is not None and tail.case is not None and change.case.id == tail.case.id
                and change.base == tail.case.version
            ):
                chains[-1].append(change)
                continue
        chains.append([change])
    return chains


_COLUMNS = (
    "opened_at", "closed_at", "holder", "opened_by", "closed_by", "version", "operator", "category",
    "disposition", "talk_s", "hold_s", "hold_count", "wrap_s", "duration_s", "articles", "scripts", "doc",
    "search_text", "search_keys", "writer",
)  # fmt: skip
_INSERT = (
    f"INSERT INTO agentui.cases (id, {', '.join(_COLUMNS)}) VALUES (%(id)s, "
    + ", ".join(f"%({name})s" for name in _COLUMNS) + ")"
).encode()
_UPDATE = (
    "UPDATE agentui.cases SET " + ", ".join(f"{name} = %({name})s" for name in _COLUMNS)
    + ", updated_at = now() WHERE id = %(id)s"
).encode()


def _case_params(case: Case, agent: str, writer: str | None = None) -> dict[str, Any]:
    from psycopg.types.json import Jsonb

    closed = case.closed_at is not None
    text = case_search_text(case) if closed else None
    return {
        "id": case.id, "opened_at": case.opened_at, "closed_at": case.closed_at,
        "holder": None if closed else agent, "opened_by": case.opened_by, "closed_by": case.closed_by,
        "version": case.version, "operator": case.caller.operator, "category": case.category,
        "disposition": case.disposition or "", "talk_s": case.talk_s, "hold_s": case.hold_s,
        "hold_count": case.hold_count, "wrap_s": case.wrap_s, "duration_s": case.duration_s,
        "articles": list(case.articles), "scripts": list(case.scripts), "doc": Jsonb(case.to_dict()),
        "search_text": text, "search_keys": keys_of(text) if text is not None else None, "writer": writer,
    }  # fmt: skip


def server_snapshot(url: str, agent: str) -> HistorySnapshot:
    """For `agentui cases` in team mode: this agent's active case and the floor's closed cases."""
    from agentui.core.cases.reader import HistorySnapshot

    server = CaseServer(url, agent=agent, client_id="cases-cli")
    try:
        active = server.active_of(agent)
        closed = server.history(text="", operator="", disposition="", limit=0, exclude_id="")
    finally:
        server.close()
    return HistorySnapshot(active=active, closed=closed)
