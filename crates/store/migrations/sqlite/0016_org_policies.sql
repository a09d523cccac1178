-- The policies an organisation uses (issue 14, D2): its performance office chooses them from
-- the policies folder; the pages list only these (an organisation that chose none sees all).
CREATE TABLE org_policies (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    policy TEXT NOT NULL,
    adopted_by TEXT NOT NULL,
    adopted_at TEXT NOT NULL,
    PRIMARY KEY (org_id, policy)
);
