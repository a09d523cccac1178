-- Investment advice (F1–F2). The advice tables of the data contract (risk_answers, products,
-- finances, goals, holdings) are kept as the contract's text cells, one row per contract row,
-- keyed so that re-importing a file changes nothing and a new date is a new version; a letter
-- is kept with its inputs, its HTML and who made it. Branches carry the telephone and fax a
-- letter prints.
ALTER TABLE org_units ADD COLUMN telephone TEXT;
ALTER TABLE org_units ADD COLUMN fax TEXT;
ALTER TABLE org_units ADD COLUMN address TEXT;
CREATE TABLE advice_rows (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    table_name TEXT NOT NULL,
    row_key TEXT NOT NULL,
    client_code TEXT,
    day TEXT,
    cells TEXT NOT NULL,
    UNIQUE (org_id, table_name, row_key)
);
CREATE INDEX advice_rows_client ON advice_rows (org_id, client_code, table_name);
CREATE TABLE letters (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_code TEXT NOT NULL,
    manager TEXT,
    on_day DATE NOT NULL,
    policy TEXT NOT NULL,
    risk_level TEXT NOT NULL,
    products TEXT NOT NULL,
    inputs TEXT NOT NULL,
    html TEXT NOT NULL,
    generated_by TEXT NOT NULL,
    generated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX letters_client ON letters (org_id, client_code, id);
