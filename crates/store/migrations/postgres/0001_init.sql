-- kejing schema v1 (PostgreSQL). Never edit once committed: add a new migration.
CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE org_units (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    kind TEXT,
    UNIQUE (org_id, code)
);
CREATE TABLE tracks (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT,
    is_cm BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (org_id, code)
);
CREATE TABLE grades (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL, -- track|grade|tier
    track TEXT NOT NULL,
    grade TEXT NOT NULL,
    tier TEXT,
    class TEXT,
    rank BIGINT NOT NULL,
    staff_grade TEXT,
    title TEXT,
    UNIQUE (org_id, code)
);
CREATE TABLE managers (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
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
    extra JSONB NOT NULL DEFAULT '{}',
    UNIQUE (org_id, code)
);
CREATE TABLE manager_history (
    id BIGSERIAL PRIMARY KEY,
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    effective_on DATE NOT NULL,
    org_unit TEXT,
    track TEXT,
    grade TEXT,
    tier TEXT,
    staff_grade TEXT,
    status TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX manager_history_by_manager ON manager_history (manager_id, effective_on);
CREATE TABLE clients (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT,
    client_type TEXT,
    agreement BOOLEAN NOT NULL DEFAULT FALSE,
    loan_card TEXT,
    contact TEXT,
    phone TEXT,
    extra JSONB NOT NULL DEFAULT '{}',
    UNIQUE (org_id, code)
);
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    product TEXT NOT NULL,
    currency TEXT NOT NULL,
    rate NUMERIC,
    term_months BIGINT,
    opened_on DATE,
    closed_on DATE,
    extra JSONB NOT NULL DEFAULT '{}',
    UNIQUE (org_id, code)
);
CREATE INDEX accounts_by_client ON accounts (client_id);
CREATE TABLE ownership (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    account_id BIGINT REFERENCES accounts(id),
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    ratio NUMERIC NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ownership_by_client ON ownership (client_id, valid_from);
CREATE INDEX ownership_by_account ON ownership (account_id, valid_from);
CREATE INDEX ownership_by_manager ON ownership (manager_id);
CREATE TABLE balances (
    account_id BIGINT NOT NULL,
    day DATE NOT NULL,
    balance_fen BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
);
CREATE TABLE targets (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    period TEXT NOT NULL,
    measure TEXT NOT NULL,
    target NUMERIC NOT NULL,
    PRIMARY KEY (manager_id, period, measure)
);
CREATE TABLE sales (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    fact_key TEXT NOT NULL,
    doc_id TEXT,
    day DATE NOT NULL,
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    quantity NUMERIC NOT NULL,
    amount_fen BIGINT NOT NULL,
    gross_profit_fen BIGINT,
    UNIQUE (org_id, fact_key)
);
CREATE INDEX sales_by_day ON sales (org_id, day);
CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    fact_key TEXT NOT NULL,
    doc_id TEXT,
    day DATE NOT NULL,
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    quantity NUMERIC NOT NULL,
    amount_fen BIGINT NOT NULL,
    gross_profit_fen BIGINT,
    UNIQUE (org_id, fact_key)
);
CREATE INDEX payments_by_day ON payments (org_id, day);
CREATE TABLE bookings (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    client_id BIGINT REFERENCES clients(id),
    registered_at TIMESTAMP NOT NULL,
    arrival_at TIMESTAMP NOT NULL,
    amount_fen BIGINT NOT NULL,
    approved BOOLEAN NOT NULL,
    complaint BOOLEAN NOT NULL,
    UNIQUE (org_id, code)
);
CREATE TABLE scores (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    rater TEXT NOT NULL,
    relation TEXT NOT NULL,
    dimension TEXT NOT NULL,
    item TEXT NOT NULL,
    score NUMERIC NOT NULL,
    PRIMARY KEY (manager_id, period, rater, dimension, item)
);
CREATE TABLE adjustments (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    item TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    reason TEXT,
    PRIMARY KEY (manager_id, period, item)
);
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    org_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before JSONB,
    after JSONB
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TABLE imports (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    table_name TEXT NOT NULL,
    file TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    written BIGINT NOT NULL,
    unchanged BIGINT NOT NULL
);
