-- kejing schema v1 (SQLite). Never edit once committed: add a new migration.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE org_units (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    kind TEXT,
    UNIQUE (org_id, code)
);
CREATE TABLE tracks (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT,
    is_cm INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, code)
);
CREATE TABLE grades (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL, -- track|grade|tier
    track TEXT NOT NULL,
    grade TEXT NOT NULL,
    tier TEXT,
    class TEXT,
    rank INTEGER NOT NULL,
    staff_grade TEXT,
    title TEXT,
    UNIQUE (org_id, code)
);
CREATE TABLE managers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    org_unit TEXT,
    track TEXT,
    grade TEXT,
    tier TEXT,
    staff_grade TEXT,
    status TEXT NOT NULL,
    hired_on TEXT,
    trial_end TEXT,
    left_on TEXT,
    base_salary_fen INTEGER,
    extra TEXT NOT NULL DEFAULT '{}',
    UNIQUE (org_id, code)
);
CREATE TABLE manager_history (
    id INTEGER PRIMARY KEY,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    effective_on TEXT NOT NULL,
    org_unit TEXT,
    track TEXT,
    grade TEXT,
    tier TEXT,
    staff_grade TEXT,
    status TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX manager_history_by_manager ON manager_history (manager_id, effective_on);
CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT,
    client_type TEXT,
    agreement INTEGER NOT NULL DEFAULT 0,
    loan_card TEXT,
    contact TEXT,
    phone TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    UNIQUE (org_id, code)
);
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    product TEXT NOT NULL,
    currency TEXT NOT NULL,
    rate TEXT,
    term_months INTEGER,
    opened_on TEXT,
    closed_on TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    UNIQUE (org_id, code)
);
CREATE INDEX accounts_by_client ON accounts (client_id);
CREATE TABLE ownership (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    account_id INTEGER REFERENCES accounts(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    ratio TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ownership_by_client ON ownership (client_id, valid_from);
CREATE INDEX ownership_by_account ON ownership (account_id, valid_from);
CREATE INDEX ownership_by_manager ON ownership (manager_id);
CREATE TABLE balances (
    account_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    balance_fen INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;
CREATE TABLE targets (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    period TEXT NOT NULL,
    measure TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (manager_id, period, measure)
);
CREATE TABLE sales (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    fact_key TEXT NOT NULL,
    doc_id TEXT,
    day TEXT NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    quantity TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    gross_profit_fen INTEGER,
    UNIQUE (org_id, fact_key)
);
CREATE INDEX sales_by_day ON sales (org_id, day);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    fact_key TEXT NOT NULL,
    doc_id TEXT,
    day TEXT NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    quantity TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    gross_profit_fen INTEGER,
    UNIQUE (org_id, fact_key)
);
CREATE INDEX payments_by_day ON payments (org_id, day);
CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    client_id INTEGER REFERENCES clients(id),
    registered_at TEXT NOT NULL,
    arrival_at TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    approved INTEGER NOT NULL,
    complaint INTEGER NOT NULL,
    UNIQUE (org_id, code)
);
CREATE TABLE scores (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    rater TEXT NOT NULL,
    relation TEXT NOT NULL,
    dimension TEXT NOT NULL,
    item TEXT NOT NULL,
    score TEXT NOT NULL,
    PRIMARY KEY (manager_id, period, rater, dimension, item)
);
CREATE TABLE adjustments (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    item TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    reason TEXT,
    PRIMARY KEY (manager_id, period, item)
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    org_id INTEGER,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    table_name TEXT NOT NULL,
    file TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    written INTEGER NOT NULL,
    unchanged INTEGER NOT NULL
);
