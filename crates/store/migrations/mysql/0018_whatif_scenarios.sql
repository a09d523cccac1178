-- Saved what-if scenarios (MySQL/MariaDB).
-- What-if scenarios a performance office saved (issue 14, Deliver 7): the policy, period and
-- changes, and the result as it was computed when saved (a JSON document), so that an export
-- later says what the manager saw. A name is the organisation's own: one scenario a name.
CREATE TABLE IF NOT EXISTS whatif_scenarios (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    name VARCHAR(191) NOT NULL,
    policy TEXT NOT NULL,
    period TEXT NOT NULL,
    changes LONGTEXT NOT NULL,
    result LONGTEXT NOT NULL,
    total_diff TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT whatif_scenarios_org_id_name_key UNIQUE (org_id, name),
    CONSTRAINT whatif_scenarios_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
