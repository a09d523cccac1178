-- What-if scenarios a performance office saved (issue 14, Deliver 7): the policy, period and
-- changes, and the result as it was computed when saved (a JSON document), so that an export
-- later says what the manager saw. A name is the organisation's own: one scenario a name.
CREATE TABLE whatif_scenarios (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    policy TEXT NOT NULL,
    period TEXT NOT NULL,
    changes TEXT NOT NULL,
    result TEXT NOT NULL,
    total_diff TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);
