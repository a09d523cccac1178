-- Assessment runs (考核) and their results: proposals until approved (SQLite).
CREATE TABLE assessment_runs (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    scorecard TEXT NOT NULL,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE TABLE assessment_results (
    run_id INTEGER NOT NULL REFERENCES assessment_runs(id),
    manager TEXT NOT NULL,
    score TEXT NOT NULL,
    rank INTEGER NOT NULL,
    rank_group TEXT NOT NULL,
    group_size INTEGER NOT NULL,
    grade TEXT,
    new_grade TEXT,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    items TEXT NOT NULL,
    trace TEXT NOT NULL,
    status TEXT NOT NULL, -- proposed | approved
    approved_by TEXT,
    approved_at TEXT,
    effective_on TEXT,
    PRIMARY KEY (run_id, manager)
);
