-- kejing schema v1 (MySQL/MariaDB). Never edit once committed: add a new migration.
-- The translation of postgres/0001_init.sql: the same tables, columns (in the same order),
-- keys, index and constraint names (a UNIQUE or FOREIGN KEY constraint is named as
-- PostgreSQL names it). Run with sql_mode ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES,
-- STRICT_ALL_TABLES,... and time_zone '+00:00'. Types: BIGSERIAL -> BIGINT AUTO_INCREMENT,
-- TIMESTAMPTZ/TIMESTAMP -> DATETIME(6) (UTC), NUMERIC -> DECIMAL(57,28), JSONB -> JSON, and
-- TEXT -> VARCHAR(n) where the column is in a key or index (MySQL indexes no TEXT), else TEXT
-- (LONGTEXT for large payloads); VARCHAR(191) unless a comment says why not (InnoDB keys
-- are at most 3072 bytes, 4 a character). Foreign keys are table constraints (MySQL ignores an inline
-- REFERENCES). A TEXT or JSON default is an expression, DEFAULT ('...'). "before" and "rank"
-- are quoted: reserved words (before in MariaDB and MySQL, rank in MySQL 8). IF NOT EXISTS
-- makes a migration that failed part-way (DDL is not transactional here) safe to run again.
-- InnoDB adds an index (named as the constraint) for a foreign key that no index leads with.
-- utf8mb4_bin is case- and accent-exact but PAD SPACE: 'a' = 'a ' and they collide in a key.
CREATE TABLE IF NOT EXISTS organisations (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code VARCHAR(191) NOT NULL,
    name TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT organisations_code_key UNIQUE (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS org_units (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    code VARCHAR(191) NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    kind TEXT,
    CONSTRAINT org_units_org_id_code_key UNIQUE (org_id, code),
    CONSTRAINT org_units_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS tracks (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    code VARCHAR(191) NOT NULL,
    name TEXT,
    is_cm BOOLEAN NOT NULL DEFAULT TRUE,
    CONSTRAINT tracks_org_id_code_key UNIQUE (org_id, code),
    CONSTRAINT tracks_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS grades (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    code VARCHAR(191) NOT NULL, -- track|grade|tier
    track TEXT NOT NULL,
    grade TEXT NOT NULL,
    tier TEXT,
    class TEXT,
    "rank" BIGINT NOT NULL,
    staff_grade TEXT,
    title TEXT,
    CONSTRAINT grades_org_id_code_key UNIQUE (org_id, code),
    CONSTRAINT grades_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS managers (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    code VARCHAR(191) NOT NULL,
    name TEXT NOT NULL,
    org_unit TEXT,
    track TEXT,
    grade TEXT,
    tier TEXT,
    staff_grade TEXT,
    status TEXT NOT NULL,
    hired_on DATE,
    trial_end DATE,
    left_on DATE,
    base_salary_fen BIGINT,
    extra JSON NOT NULL DEFAULT ('{}'),
    CONSTRAINT managers_org_id_code_key UNIQUE (org_id, code),
    CONSTRAINT managers_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS manager_history (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    manager_id BIGINT NOT NULL,
    effective_on DATE NOT NULL,
    org_unit TEXT,
    track TEXT,
    grade TEXT,
    tier TEXT,
    staff_grade TEXT,
    status TEXT NOT NULL,
    recorded_at DATETIME(6) NOT NULL,
    CONSTRAINT manager_history_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS manager_history_by_manager ON manager_history (manager_id, effective_on);
CREATE TABLE IF NOT EXISTS clients (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    code VARCHAR(191) NOT NULL,
    name TEXT NOT NULL,
    kind TEXT,
    client_type TEXT,
    agreement BOOLEAN NOT NULL DEFAULT FALSE,
    loan_card TEXT,
    contact TEXT,
    phone TEXT,
    extra JSON NOT NULL DEFAULT ('{}'),
    CONSTRAINT clients_org_id_code_key UNIQUE (org_id, code),
    CONSTRAINT clients_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS accounts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    code VARCHAR(191) NOT NULL,
    client_id BIGINT NOT NULL,
    product TEXT NOT NULL,
    currency TEXT NOT NULL,
    rate DECIMAL(57,28),
    term_months BIGINT,
    opened_on DATE,
    closed_on DATE,
    extra JSON NOT NULL DEFAULT ('{}'),
    CONSTRAINT accounts_org_id_code_key UNIQUE (org_id, code),
    CONSTRAINT accounts_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT accounts_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS accounts_by_client ON accounts (client_id);
CREATE TABLE IF NOT EXISTS ownership (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    account_id BIGINT,
    manager_id BIGINT NOT NULL,
    ratio DECIMAL(57,28) NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    recorded_at DATETIME(6) NOT NULL,
    CONSTRAINT ownership_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT ownership_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients(id),
    CONSTRAINT ownership_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts(id),
    CONSTRAINT ownership_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS ownership_by_client ON ownership (client_id, valid_from);
CREATE INDEX IF NOT EXISTS ownership_by_account ON ownership (account_id, valid_from);
CREATE INDEX IF NOT EXISTS ownership_by_manager ON ownership (manager_id);
CREATE TABLE IF NOT EXISTS balances (
    account_id BIGINT NOT NULL,
    day DATE NOT NULL,
    balance_fen BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS targets (
    org_id BIGINT NOT NULL,
    manager_id BIGINT NOT NULL,
    period VARCHAR(191) NOT NULL,
    measure VARCHAR(191) NOT NULL,
    target DECIMAL(57,28) NOT NULL,
    PRIMARY KEY (manager_id, period, measure),
    CONSTRAINT targets_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT targets_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS sales (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    fact_key VARCHAR(512) NOT NULL, -- 'doc:' or 'row:' and codes: longer than one code
    doc_id TEXT,
    day DATE NOT NULL,
    manager_id BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    quantity DECIMAL(57,28) NOT NULL,
    amount_fen BIGINT NOT NULL,
    gross_profit_fen BIGINT,
    CONSTRAINT sales_org_id_fact_key_key UNIQUE (org_id, fact_key),
    CONSTRAINT sales_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT sales_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id),
    CONSTRAINT sales_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS sales_by_day ON sales (org_id, day);
CREATE TABLE IF NOT EXISTS payments (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    fact_key VARCHAR(512) NOT NULL, -- 'doc:' or 'row:' and codes: longer than one code
    doc_id TEXT,
    day DATE NOT NULL,
    manager_id BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    quantity DECIMAL(57,28) NOT NULL,
    amount_fen BIGINT NOT NULL,
    gross_profit_fen BIGINT,
    CONSTRAINT payments_org_id_fact_key_key UNIQUE (org_id, fact_key),
    CONSTRAINT payments_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT payments_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id),
    CONSTRAINT payments_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS payments_by_day ON payments (org_id, day);
CREATE TABLE IF NOT EXISTS bookings (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    code VARCHAR(191) NOT NULL,
    manager_id BIGINT NOT NULL,
    client_id BIGINT,
    registered_at DATETIME(6) NOT NULL,
    arrival_at DATETIME(6) NOT NULL,
    amount_fen BIGINT NOT NULL,
    approved BOOLEAN NOT NULL,
    complaint BOOLEAN NOT NULL,
    CONSTRAINT bookings_org_id_code_key UNIQUE (org_id, code),
    CONSTRAINT bookings_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT bookings_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id),
    CONSTRAINT bookings_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS scores (
    org_id BIGINT NOT NULL,
    period VARCHAR(191) NOT NULL,
    manager_id BIGINT NOT NULL,
    rater VARCHAR(191) NOT NULL,
    relation TEXT NOT NULL,
    dimension VARCHAR(191) NOT NULL,
    item VARCHAR(191) NOT NULL,
    score DECIMAL(57,28) NOT NULL,
    PRIMARY KEY (manager_id, period, rater, dimension, item),
    CONSTRAINT scores_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT scores_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS adjustments (
    org_id BIGINT NOT NULL,
    period VARCHAR(191) NOT NULL,
    manager_id BIGINT NOT NULL,
    item VARCHAR(191) NOT NULL,
    amount_fen BIGINT NOT NULL,
    reason TEXT,
    PRIMARY KEY (manager_id, period, item),
    CONSTRAINT adjustments_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT adjustments_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS audit_log (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at DATETIME(6) NOT NULL,
    actor TEXT NOT NULL,
    org_id BIGINT,
    action VARCHAR(191) NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    "before" JSON,
    after JSON
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- PostgreSQL's one trigger function for UPDATE OR DELETE is a trigger for each event here (a
-- MySQL trigger has one event). MySQL has no TRUNCATE triggers: TRUNCATE TABLE audit_log is
-- not refused by the schema (TRUNCATE needs the DROP privilege on the table).
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TABLE IF NOT EXISTS imports (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    at DATETIME(6) NOT NULL,
    actor TEXT NOT NULL,
    table_name TEXT NOT NULL,
    file TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    written BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    CONSTRAINT imports_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
