-- The customer managers' own monthly tallies (自建统计表) and the overrides that let a month
-- be settled although they do not agree with the keeper's figures (B3, PostgreSQL).
CREATE TABLE tallies (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    period TEXT NOT NULL,
    measure TEXT NOT NULL,
    value NUMERIC NOT NULL,
    note TEXT,
    PRIMARY KEY (manager_id, period, measure)
);
CREATE TABLE reconciliation_overrides (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    policy TEXT NOT NULL,
    reason TEXT NOT NULL,
    differences TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, period)
);
