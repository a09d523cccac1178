-- Agreement requests (MySQL/MariaDB).
-- Agreement prices (协议价, C3): a customer manager asks for a unit to be an agreement client,
-- with what they found out about it; the department manager approves or rejects. Never for an
-- individual. One open request per client.
CREATE TABLE IF NOT EXISTS agreement_requests (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    client_code VARCHAR(191) NOT NULL,
    manager TEXT NOT NULL,
    terms TEXT NOT NULL,
    investigation TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at DATETIME(6) NOT NULL,
    status TEXT NOT NULL, -- open | approved | rejected
    decided_by TEXT,
    decided_at DATETIME(6),
    decision TEXT,
    -- not in PostgreSQL: see agreement_requests_one_open below
    one_open TINYINT AS (CASE WHEN status = 'open' THEN 1 END) STORED INVISIBLE,
    CONSTRAINT agreement_requests_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- PostgreSQL: ON agreement_requests (org_id, client_code) WHERE status = 'open'. MySQL has no
-- partial indexes: one_open is 1 for an open request and NULL otherwise (stored, invisible to
-- SELECT * and to an INSERT without a column list; never set by an INSERT or UPDATE), and
-- NULLs never collide in a unique index, so this refuses exactly what PostgreSQL's refuses.
CREATE UNIQUE INDEX IF NOT EXISTS agreement_requests_one_open ON agreement_requests (org_id, client_code, one_open);
