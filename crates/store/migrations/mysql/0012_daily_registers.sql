-- Daily-management registers and the working-day calendar (MySQL/MariaDB).
-- The daily-management registers (E1–E7, B5): briefings, outings, visit records, work logs,
-- prospects, the credit-business register, retail visits and periodic reports, one row each,
-- its fields as the cells of the contract's table (JSON text). `version` grows with every
-- change: an update names the version it read (one of concurrent changes takes effect).
CREATE TABLE IF NOT EXISTS register_rows (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    register VARCHAR(64) NOT NULL, -- a register's name: 64 leaves row_key 700 in the key
    manager_id BIGINT NOT NULL,
    row_key VARCHAR(700) NOT NULL, -- a field's value: as long as the 3072-byte key allows
    day DATE NOT NULL,
    fields LONGTEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT register_rows_manager_id_register_row_key_key UNIQUE (manager_id, register, row_key),
    CONSTRAINT register_rows_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id),
    CONSTRAINT register_rows_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES managers(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS register_rows_by_register_day ON register_rows (org_id, register, day);
CREATE INDEX IF NOT EXISTS register_rows_by_day ON register_rows (org_id, day);
CREATE INDEX IF NOT EXISTS register_rows_by_manager_day ON register_rows (manager_id, day);
-- The working-day calendar's exceptions: public holidays (working = false) and make-up
-- working days (working = true).
CREATE TABLE IF NOT EXISTS calendar_days (
    org_id BIGINT NOT NULL,
    day DATE NOT NULL,
    working BOOLEAN NOT NULL,
    note TEXT,
    PRIMARY KEY (org_id, day),
    CONSTRAINT calendar_days_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
