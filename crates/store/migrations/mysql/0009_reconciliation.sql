-- Tallies and reconciliation overrides (MySQL/MariaDB).
-- The customer managers' own monthly tallies (自建统计表) and the overrides that let a month
-- be settled although they do not agree with the keeper's figures (B3).
CREATE TABLE IF NOT EXISTS tallies (
    org_id BIGINT NOT NULL,
    manager_id BIGINT NOT NULL,
    period VARCHAR(191) NOT NULL,
    measure VARCHAR(191) NOT NULL,
    value DECIMAL(57,28) NOT NULL,
    note TEXT,
    PRIMARY KEY (manager_id, period, measure),
    CONSTRAINT tallies_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT tallies_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS reconciliation_overrides (
    org_id BIGINT NOT NULL,
    period VARCHAR(191) NOT NULL,
    policy TEXT NOT NULL,
    reason TEXT NOT NULL,
    differences LONGTEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at DATETIME(6) NOT NULL,
    PRIMARY KEY (org_id, period),
    CONSTRAINT reconciliation_overrides_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
