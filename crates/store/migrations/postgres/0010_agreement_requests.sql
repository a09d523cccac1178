-- Agreement prices (协议价, C3): a customer manager asks for a unit to be an agreement client,
-- with what they found out about it; the department manager approves or rejects. Never for an
-- individual. One open request per client.
CREATE TABLE agreement_requests (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_code TEXT NOT NULL,
    manager TEXT NOT NULL,
    terms TEXT NOT NULL,
    investigation TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL, -- open | approved | rejected
    decided_by TEXT,
    decided_at TIMESTAMPTZ,
    decision TEXT
);
CREATE UNIQUE INDEX agreement_requests_one_open ON agreement_requests (org_id, client_code) WHERE status = 'open';
