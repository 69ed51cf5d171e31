-- Which console (its outbox's client id) wrote the version of a case the server holds. A console
-- pushes its open case's latest state without an outbox file per autosave; after a crash between a
-- push and its acknowledgement it pushes again from an older base, and this tells the server that
-- the newer version it holds is that console's own (nobody else wrote in between), not a stale
-- write to refuse. A claim writes it too; a supervisor's release clears it.
ALTER TABLE agentui.cases ADD COLUMN writer text;

-- A refused latest state has no seq of its own: it is kept under -version, for its case.
ALTER TABLE agentui.refusals DROP CONSTRAINT refusals_pkey;
ALTER TABLE agentui.refusals ADD PRIMARY KEY (client_id, seq, case_id);
