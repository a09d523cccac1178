-- Read paths at scale (issue 14).
-- The audit page filters by action prefix: the distinct actions are found by seeking this index
-- (a loose scan), then each one's entries newest first. It leads with the action, not the
-- organisation, so the unfiltered page still reads the log newest first by id.
CREATE INDEX audit_log_by_action ON audit_log (action, id);
-- Account-level ownership only: the planners took the old index for "account_id IS NULL" (every
-- client-level row of every organisation) where the client's or the manager's index finds a few.
DROP INDEX ownership_by_account;
CREATE INDEX ownership_by_account ON ownership (account_id, valid_from) WHERE account_id IS NOT NULL;
