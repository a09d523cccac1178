-- Read marks of the inbox (MySQL/MariaDB).
-- Which notices of the inbox each user has read (issue 14, Deliver 5). A notice is the decided
-- row itself (a dispute, a transfer, a claim, a run); only the read marks are kept here.
CREATE TABLE IF NOT EXISTS inbox_reads (
    org_id BIGINT NOT NULL,
    username VARCHAR(191) NOT NULL,
    notice VARCHAR(191) NOT NULL,
    read_at DATETIME(6) NOT NULL,
    PRIMARY KEY (org_id, username, notice),
    CONSTRAINT inbox_reads_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS disputes_by_raiser ON disputes (org_id, raised_by);
CREATE INDEX IF NOT EXISTS transfer_requests_by_requester ON transfer_requests (org_id, requested_by);
