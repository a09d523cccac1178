-- Investment advice (MySQL/MariaDB).
-- Investment advice (F1–F2). The advice tables of the data contract (risk_answers, products,
-- finances, goals, holdings) are kept as the contract's text cells, one row per contract row,
-- keyed so that re-importing a file changes nothing and a new date is a new version; a letter
-- is kept with its inputs, its HTML and who made it. Branches carry the telephone and fax a
-- letter prints.
ALTER TABLE org_units ADD COLUMN IF NOT EXISTS telephone TEXT;
ALTER TABLE org_units ADD COLUMN IF NOT EXISTS fax TEXT;
ALTER TABLE org_units ADD COLUMN IF NOT EXISTS address TEXT;
CREATE TABLE IF NOT EXISTS advice_rows (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    table_name VARCHAR(64) NOT NULL, -- an advice table's name: 64 leaves row_key 700 in the key
    row_key VARCHAR(700) NOT NULL, -- cells joined (a question, a goal): as long as the key allows
    client_code VARCHAR(191),
    day TEXT,
    cells LONGTEXT NOT NULL,
    CONSTRAINT advice_rows_org_id_table_name_row_key_key UNIQUE (org_id, table_name, row_key),
    CONSTRAINT advice_rows_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS advice_rows_client ON advice_rows (org_id, client_code, table_name);
CREATE TABLE IF NOT EXISTS letters (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT NOT NULL,
    client_code VARCHAR(191) NOT NULL,
    manager TEXT,
    on_day DATE NOT NULL,
    policy TEXT NOT NULL,
    risk_level TEXT NOT NULL,
    products LONGTEXT NOT NULL,
    inputs LONGTEXT NOT NULL,
    html LONGTEXT NOT NULL,
    generated_by TEXT NOT NULL,
    generated_at DATETIME(6) NOT NULL,
    CONSTRAINT letters_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS letters_client ON letters (org_id, client_code, id);
