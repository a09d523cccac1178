-- Users, sessions, ownership transfer requests and reported measures of settlement runs (PostgreSQL).
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    manager_code TEXT,
    org_unit TEXT,
    lang TEXT NOT NULL DEFAULT 'zh-CN',
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE transfer_requests (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_code TEXT NOT NULL,
    from_manager TEXT NOT NULL,
    to_manager TEXT NOT NULL,
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMPTZ,
    decision TEXT
);
CREATE TABLE settlement_measures (
    run_id BIGINT NOT NULL REFERENCES settlement_runs(id),
    manager TEXT NOT NULL,
    measure TEXT NOT NULL,
    value NUMERIC NOT NULL,
    PRIMARY KEY (run_id, manager, measure)
);
CREATE INDEX settlement_lines_by_manager ON settlement_lines (manager, run_id);
