-- An organisation's policies (MySQL/MariaDB).
-- The policies an organisation uses (issue 14, D2): its performance office chooses them from
-- the policies folder; the pages list only these (an organisation that chose none sees all).
CREATE TABLE IF NOT EXISTS org_policies (
    org_id BIGINT NOT NULL,
    policy VARCHAR(191) NOT NULL,
    adopted_by TEXT NOT NULL,
    adopted_at DATETIME(6) NOT NULL,
    PRIMARY KEY (org_id, policy),
    CONSTRAINT org_policies_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
