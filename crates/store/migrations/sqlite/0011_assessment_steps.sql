-- The sign-offs a proposal needs before it is approved, in order (D8: self-summary →
-- supervisor appraisal → marketing and HR approval), from the policy's [[assessment.approvals]]
-- when the run was stored. A step is signed once (signed_by set from NULL).
CREATE TABLE assessment_steps (
    run_id INTEGER NOT NULL REFERENCES assessment_runs(id),
    manager TEXT NOT NULL,
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    role TEXT NOT NULL,
    signed_by TEXT,
    signed_at TEXT,
    note TEXT,
    PRIMARY KEY (run_id, manager, seq)
);
