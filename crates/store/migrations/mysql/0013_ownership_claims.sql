-- Ownership claims (MySQL/MariaDB).
-- Ownership claims (B3): a customer manager claims an unowned client, or asks for a share of
-- an owned one; someone else (the head) approves or rejects. Several open claims on one client
-- may stand side by side until decided; an approval writes the ledger like a transfer.
CREATE TABLE IF NOT EXISTS ownership_claims (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    client_code VARCHAR(191) NOT NULL,
    manager VARCHAR(191) NOT NULL,
    share TEXT NOT NULL,
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at DATETIME(6) NOT NULL,
    status TEXT NOT NULL, -- open | approved | rejected
    decided_by TEXT,
    decided_at DATETIME(6),
    decision TEXT,
    -- not in PostgreSQL: see ownership_claims_one_open below
    one_open TINYINT AS (CASE WHEN status = 'open' THEN 1 END) STORED INVISIBLE,
    CONSTRAINT ownership_claims_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- PostgreSQL: ON ownership_claims (org_id, client_code, manager) WHERE status = 'open'. MySQL
-- has no partial indexes: one_open is 1 for an open claim and NULL otherwise (stored,
-- invisible to SELECT * and to an INSERT without a column list; never set by an INSERT or
-- UPDATE), and NULLs never collide in a unique index, so this refuses exactly what
-- PostgreSQL's refuses.
CREATE UNIQUE INDEX IF NOT EXISTS ownership_claims_one_open ON ownership_claims (org_id, client_code, manager, one_open);
