-- Assessment runs (考核) and their results: proposals until approved (MySQL/MariaDB).
CREATE TABLE IF NOT EXISTS assessment_runs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    scorecard TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    actor TEXT NOT NULL,
    CONSTRAINT assessment_runs_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS assessment_results (
    run_id BIGINT NOT NULL,
    manager VARCHAR(191) NOT NULL,
    score DECIMAL(57,28) NOT NULL,
    "rank" BIGINT NOT NULL,
    rank_group TEXT NOT NULL,
    group_size BIGINT NOT NULL,
    grade TEXT,
    new_grade TEXT,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    items JSON NOT NULL,
    trace JSON NOT NULL,
    status TEXT NOT NULL,
    approved_by TEXT,
    approved_at DATETIME(6),
    effective_on DATE,
    PRIMARY KEY (run_id, manager),
    CONSTRAINT assessment_results_run_id_fkey FOREIGN KEY (run_id) REFERENCES assessment_runs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
