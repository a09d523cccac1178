-- Ownership claims (B3): a customer manager claims an unowned client, or asks for a share of
-- an owned one; someone else (the head) approves or rejects. Several open claims on one client
-- may stand side by side until decided; an approval writes the ledger like a transfer.
CREATE TABLE ownership_claims (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    client_code TEXT NOT NULL,
    manager TEXT NOT NULL,
    share TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL, -- open | approved | rejected
    decided_by TEXT,
    decided_at TEXT,
    decision TEXT
);
CREATE UNIQUE INDEX ownership_claims_one_open ON ownership_claims (org_id, client_code, manager) WHERE status = 'open';
