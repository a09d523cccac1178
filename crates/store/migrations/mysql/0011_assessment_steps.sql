-- An assessment proposal's sign-off steps (MySQL/MariaDB).
-- The sign-offs a proposal needs before it is approved, in order (D8: self-summary →
-- supervisor appraisal → marketing and HR approval), from the policy's [[assessment.approvals]]
-- when the run was stored. A step is signed once (signed_by set from NULL).
CREATE TABLE IF NOT EXISTS assessment_steps (
    run_id BIGINT NOT NULL,
    manager VARCHAR(191) NOT NULL,
    seq BIGINT NOT NULL,
    step TEXT NOT NULL,
    role TEXT NOT NULL,
    signed_by TEXT,
    signed_at DATETIME(6),
    note TEXT,
    PRIMARY KEY (run_id, manager, seq),
    CONSTRAINT assessment_steps_run_id_fkey FOREIGN KEY (run_id) REFERENCES assessment_runs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
