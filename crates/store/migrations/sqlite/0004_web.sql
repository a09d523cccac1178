-- Users, sessions, ownership transfer requests and reported measures of settlement runs (SQLite).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL, -- manager | team_head | branch_head | admin | auditor
    manager_code TEXT,  -- the customer manager this user is (role manager)
    org_unit TEXT,      -- the unit a head is responsible for (with its sub-units)
    lang TEXT NOT NULL DEFAULT 'zh-CN',
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER, -- unix seconds
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL -- unix seconds
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE transfer_requests (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    client_code TEXT NOT NULL,
    from_manager TEXT NOT NULL,
    to_manager TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL, -- open | approved | rejected
    decided_by TEXT,
    decided_at TEXT,
    decision TEXT
);
CREATE TABLE settlement_measures (
    run_id INTEGER NOT NULL REFERENCES settlement_runs(id),
    manager TEXT NOT NULL,
    measure TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, manager, measure)
);
CREATE INDEX settlement_lines_by_manager ON settlement_lines (manager, run_id);
