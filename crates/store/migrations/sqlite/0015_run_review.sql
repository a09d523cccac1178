-- A settlement run's review (issue 14): a draft is submitted for review, approved by a
-- different user holding the right, then its period is locked on it. Who and when of each
-- step are kept on the run.
ALTER TABLE settlement_runs ADD COLUMN submitted_by TEXT;
ALTER TABLE settlement_runs ADD COLUMN submitted_at TEXT;
ALTER TABLE settlement_runs ADD COLUMN approved_by TEXT;
ALTER TABLE settlement_runs ADD COLUMN approved_at TEXT;
