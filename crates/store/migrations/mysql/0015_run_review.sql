-- A settlement run's review (MySQL/MariaDB).
-- A settlement run's review (issue 14): a draft is submitted for review, approved by a
-- different user holding the right, then its period is locked on it. Who and when of each
-- step are kept on the run.
ALTER TABLE settlement_runs ADD COLUMN IF NOT EXISTS submitted_by TEXT;
ALTER TABLE settlement_runs ADD COLUMN IF NOT EXISTS submitted_at DATETIME(6);
ALTER TABLE settlement_runs ADD COLUMN IF NOT EXISTS approved_by TEXT;
ALTER TABLE settlement_runs ADD COLUMN IF NOT EXISTS approved_at DATETIME(6);
