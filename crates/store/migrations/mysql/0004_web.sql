-- Users, sessions, ownership transfer requests and reported measures of settlement runs (MySQL/MariaDB).
CREATE TABLE IF NOT EXISTS users (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    username VARCHAR(191) NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    manager_code TEXT,
    org_unit TEXT,
    lang TEXT NOT NULL DEFAULT ('zh-CN'),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS sessions (
    token_hash VARCHAR(191) NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    csrf TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at BIGINT NOT NULL,
    CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS transfer_requests (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    client_code VARCHAR(191) NOT NULL,
    from_manager TEXT NOT NULL,
    to_manager TEXT NOT NULL,
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL,
    requested_by VARCHAR(191) NOT NULL,
    requested_at DATETIME(6) NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at DATETIME(6),
    decision TEXT,
    CONSTRAINT transfer_requests_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS settlement_measures (
    run_id BIGINT NOT NULL,
    manager VARCHAR(191) NOT NULL,
    measure VARCHAR(191) NOT NULL,
    value DECIMAL(57,28) NOT NULL,
    PRIMARY KEY (run_id, manager, measure),
    CONSTRAINT settlement_measures_run_id_fkey FOREIGN KEY (run_id) REFERENCES settlement_runs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS settlement_lines_by_manager ON settlement_lines (manager, run_id);
