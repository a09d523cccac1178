-- Settlement runs, their lines and traces, and locked periods (SQLite).
CREATE TABLE settlement_runs (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX settlement_runs_by_period ON settlement_runs (org_id, period);
CREATE TABLE settlement_lines (
    run_id INTEGER NOT NULL REFERENCES settlement_runs(id),
    seq INTEGER NOT NULL,
    manager TEXT NOT NULL,
    item TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    -- for a correction line: the locked period and the item it corrects
    corrects TEXT,
    corrects_item TEXT,
    note TEXT,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE settlement_traces (
    run_id INTEGER NOT NULL REFERENCES settlement_runs(id),
    manager TEXT NOT NULL,
    trace TEXT NOT NULL,
    PRIMARY KEY (run_id, manager)
);
CREATE TABLE period_locks (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES settlement_runs(id),
    locked_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (org_id, period)
);
CREATE TRIGGER settlement_lines_no_update BEFORE UPDATE ON settlement_lines
BEGIN SELECT RAISE(ABORT, 'settlement lines are never changed: settle again'); END;
CREATE TRIGGER period_locks_no_delete BEFORE DELETE ON period_locks
BEGIN SELECT RAISE(ABORT, 'a locked period stays locked'); END;
