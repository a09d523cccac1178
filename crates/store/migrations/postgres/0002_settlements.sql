-- Settlement runs, their lines and traces, and locked periods (PostgreSQL).
CREATE TABLE settlement_runs (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX settlement_runs_by_period ON settlement_runs (org_id, period);
CREATE TABLE settlement_lines (
    run_id BIGINT NOT NULL REFERENCES settlement_runs(id),
    seq BIGINT NOT NULL,
    manager TEXT NOT NULL,
    item TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    corrects TEXT,
    corrects_item TEXT,
    note TEXT,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE settlement_traces (
    run_id BIGINT NOT NULL REFERENCES settlement_runs(id),
    manager TEXT NOT NULL,
    trace JSONB NOT NULL,
    PRIMARY KEY (run_id, manager)
);
CREATE TABLE period_locks (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    run_id BIGINT NOT NULL REFERENCES settlement_runs(id),
    locked_at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (org_id, period)
);
CREATE FUNCTION settlement_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'settlement lines and period locks are never changed or removed'; END $$;
CREATE TRIGGER settlement_lines_no_update BEFORE UPDATE ON settlement_lines
FOR EACH ROW EXECUTE FUNCTION settlement_immutable();
CREATE TRIGGER period_locks_no_delete BEFORE DELETE ON period_locks
FOR EACH ROW EXECUTE FUNCTION settlement_immutable();
