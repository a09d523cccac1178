-- Disputes (申诉) on settlement lines (PostgreSQL).
CREATE TABLE disputes (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    run_id BIGINT NOT NULL REFERENCES settlement_runs(id),
    manager TEXT NOT NULL,
    item TEXT NOT NULL,
    reason TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    reviewer TEXT,
    decided_at TIMESTAMPTZ,
    decision TEXT,
    adjustment_period TEXT,
    adjustment_fen BIGINT
);
