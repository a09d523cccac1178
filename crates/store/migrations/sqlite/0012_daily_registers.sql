-- The daily-management registers (E1–E7, B5): briefings, outings, visit records, work logs,
-- prospects, the credit-business register, retail visits and periodic reports, one row each,
-- its fields as the cells of the contract's table (JSON text). `version` grows with every
-- change: an update names the version it read (one of concurrent changes takes effect).
CREATE TABLE register_rows (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    register TEXT NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    row_key TEXT NOT NULL,
    day TEXT NOT NULL,
    fields TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (manager_id, register, row_key)
);
CREATE INDEX register_rows_by_register_day ON register_rows (org_id, register, day);
CREATE INDEX register_rows_by_day ON register_rows (org_id, day);
CREATE INDEX register_rows_by_manager_day ON register_rows (manager_id, day);
-- The working-day calendar's exceptions: public holidays (working = false) and make-up
-- working days (working = true).
CREATE TABLE calendar_days (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    day TEXT NOT NULL,
    working INTEGER NOT NULL,
    note TEXT,
    PRIMARY KEY (org_id, day)
);
