-- Settlement runs, their lines and traces, and locked periods (MySQL/MariaDB).
CREATE TABLE IF NOT EXISTS settlement_runs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    period VARCHAR(191) NOT NULL,
    policy_name TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    actor TEXT NOT NULL,
    CONSTRAINT settlement_runs_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS settlement_runs_by_period ON settlement_runs (org_id, period);
CREATE TABLE IF NOT EXISTS settlement_lines (
    run_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    manager VARCHAR(191) NOT NULL,
    item TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    corrects TEXT,
    corrects_item TEXT,
    note TEXT,
    PRIMARY KEY (run_id, seq),
    CONSTRAINT settlement_lines_run_id_fkey FOREIGN KEY (run_id) REFERENCES settlement_runs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS settlement_traces (
    run_id BIGINT NOT NULL,
    manager VARCHAR(191) NOT NULL,
    trace JSON NOT NULL,
    PRIMARY KEY (run_id, manager),
    CONSTRAINT settlement_traces_run_id_fkey FOREIGN KEY (run_id) REFERENCES settlement_runs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS period_locks (
    org_id BIGINT NOT NULL,
    period VARCHAR(191) NOT NULL,
    run_id BIGINT NOT NULL,
    locked_at DATETIME(6) NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (org_id, period),
    CONSTRAINT period_locks_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT period_locks_run_id_fkey FOREIGN KEY (run_id) REFERENCES settlement_runs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- PostgreSQL's trigger function settlement_immutable() is each trigger's body here.
CREATE TRIGGER IF NOT EXISTS settlement_lines_no_update BEFORE UPDATE ON settlement_lines
FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'settlement lines and period locks are never changed or removed';
CREATE TRIGGER IF NOT EXISTS period_locks_no_delete BEFORE DELETE ON period_locks
FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'settlement lines and period locks are never changed or removed';
