-- Disputes (申诉) on settlement lines (SQLite).
CREATE TABLE disputes (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    run_id INTEGER NOT NULL REFERENCES settlement_runs(id),
    manager TEXT NOT NULL,
    item TEXT NOT NULL,
    reason TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    status TEXT NOT NULL, -- open | accepted | rejected
    reviewer TEXT,
    decided_at TEXT,
    decision TEXT,
    adjustment_period TEXT,
    adjustment_fen INTEGER
);
