-- Cases of the whole floor, usage and search-miss records, and the outbox bookkeeping that makes
-- every console's pushes exactly-once. Applied by agentui itself under an advisory lock.

CREATE TABLE agentui.cases (
    id          text PRIMARY KEY,
    row_no      bigserial NOT NULL,          -- insertion order: ties of opened_at, as the embedded store
    opened_at   timestamptz NOT NULL,
    closed_at   timestamptz,
    holder      text,                        -- the agent who has it open; NULL when closed or released
    opened_by   text NOT NULL DEFAULT '',
    closed_by   text NOT NULL DEFAULT '',
    version     integer NOT NULL,
    operator    text NOT NULL DEFAULT '',
    category    text NOT NULL DEFAULT '',
    disposition text NOT NULL DEFAULT '',
    talk_s      integer,
    hold_s      integer NOT NULL DEFAULT 0,
    hold_count  integer NOT NULL DEFAULT 0,
    wrap_s      integer,
    duration_s  integer,
    articles    text[] NOT NULL DEFAULT '{}',
    scripts     text[] NOT NULL DEFAULT '{}',
    doc         jsonb NOT NULL,              -- the whole case, as the console wrote it (redacted)
    search_text text,                        -- closed cases only: casefolded fields + phone digits
    search_keys text[],                      -- closed cases only: see agentui/core/cases/server/search_keys.py
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One active case per agent.
CREATE UNIQUE INDEX cases_one_per_agent ON agentui.cases (holder) WHERE holder IS NOT NULL;
-- History newest first, and reports by day.
CREATE INDEX cases_history ON agentui.cases (opened_at DESC, row_no DESC) WHERE closed_at IS NOT NULL;
-- Reports read a week of closed calls from this index alone (an index-only scan), never the notes.
CREATE INDEX cases_closed_at ON agentui.cases (closed_at, row_no) INCLUDE (
    id, opened_at, opened_by, closed_by, disposition, operator, category, talk_s, hold_s, hold_count, wrap_s,
    duration_s, articles, scripts
) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_search ON agentui.cases USING gin (search_keys) WHERE closed_at IS NOT NULL;
-- Frequent keys (a common pair like 补卡) are in the planner's statistics, so it walks the newest
-- cases for them instead of fetching every match.
ALTER TABLE agentui.cases ALTER COLUMN search_keys SET STATISTICS 1000;

CREATE TABLE agentui.events (
    client_id text NOT NULL,
    seq       bigint NOT NULL,
    kind      text NOT NULL,
    ref       text NOT NULL,
    at        timestamptz NOT NULL,
    agent     text NOT NULL,
    case_id   text NOT NULL DEFAULT '',
    PRIMARY KEY (client_id, seq)
);
CREATE INDEX events_by_kind ON agentui.events (kind, at);

-- Each console's outbox: the last change it pushed that the server applied (or refused for good).
CREATE TABLE agentui.clients (
    client_id     text PRIMARY KEY,
    agent         text NOT NULL,
    last_seq      bigint NOT NULL DEFAULT 0,
    last_activity timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_by_agent ON agentui.clients (agent, last_activity DESC);

-- Changes the server refused (a stale version): kept here as well as in the console's data dir,
-- so a replay after a crash can say again that they were refused, and a supervisor can read them.
CREATE TABLE agentui.refusals (
    client_id text NOT NULL,
    seq       bigint NOT NULL,
    case_id   text NOT NULL,
    agent     text NOT NULL,
    reason    text NOT NULL,
    doc       jsonb,
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, seq)
);
