-- Read paths at scale (issue 14, MySQL/MariaDB).
-- The audit page filters by action prefix: the distinct actions are found by seeking this index
-- (a loose scan), then each one's entries newest first. It leads with the action, not the
-- organisation, so the unfiltered page still reads the log newest first by id.
CREATE INDEX IF NOT EXISTS audit_log_by_action ON audit_log (action, id);
-- Account-level ownership only: the planners took the old index for "account_id IS NULL" (every
-- client-level row of every organisation) where the client's or the manager's index finds a few.
-- MySQL has no partial indexes: the index is made again without "WHERE account_id IS NOT NULL"
-- (it holds the client-level rows too; MySQL's planner weighs an IS NULL lookup by the index's
-- statistics). Dropped and added in one ALTER TABLE: it may be the index that InnoDB uses for
-- the foreign key ownership_account_id_fkey, and a lone DROP INDEX of that one is refused.
ALTER TABLE ownership DROP INDEX IF EXISTS ownership_by_account,
    ADD INDEX ownership_by_account (account_id, valid_from);
