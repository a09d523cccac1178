-- Disputes (申诉) on settlement lines (MySQL/MariaDB).
CREATE TABLE IF NOT EXISTS disputes (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    run_id BIGINT NOT NULL,
    manager VARCHAR(191) NOT NULL,
    item VARCHAR(191) NOT NULL,
    reason TEXT NOT NULL,
    raised_by VARCHAR(191) NOT NULL,
    raised_at DATETIME(6) NOT NULL,
    status TEXT NOT NULL,
    reviewer TEXT,
    decided_at DATETIME(6),
    decision TEXT,
    adjustment_period TEXT,
    adjustment_fen BIGINT,
    CONSTRAINT disputes_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT disputes_run_id_fkey FOREIGN KEY (run_id) REFERENCES settlement_runs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
