-- Assessment runs (考核) and their results: proposals until approved (PostgreSQL).
CREATE TABLE assessment_runs (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    scorecard TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL
);
CREATE TABLE assessment_results (
    run_id BIGINT NOT NULL REFERENCES assessment_runs(id),
    manager TEXT NOT NULL,
    score NUMERIC NOT NULL,
    rank BIGINT NOT NULL,
    rank_group TEXT NOT NULL,
    group_size BIGINT NOT NULL,
    grade TEXT,
    new_grade TEXT,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    items JSONB NOT NULL,
    trace JSONB NOT NULL,
    status TEXT NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMPTZ,
    effective_on DATE,
    PRIMARY KEY (run_id, manager)
);
