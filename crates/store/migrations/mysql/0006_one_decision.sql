-- At most one open transfer request, open dispute and dispute adjustment (MySQL/MariaDB).
-- At most one of each where the domain says so: one open transfer request per client, one open
-- dispute per line of a run, one adjustment per accepted dispute. Duplicates left by earlier
-- versions (which checked outside the transaction) are closed first, keeping the oldest.
--
-- MySQL has no partial indexes (CREATE UNIQUE INDEX ... WHERE). Each partial unique index of
-- PostgreSQL is a unique index of the same name over the same columns and one more: a stored,
-- invisible generated column that is 1 where PostgreSQL's WHERE holds and NULL elsewhere. Rows
-- with NULL there never collide (NULLs are distinct in a unique index), so the index refuses
-- exactly the rows PostgreSQL's refuses. The generated column is INVISIBLE: SELECT * and an
-- INSERT without a column list do not see it, and no INSERT or UPDATE may set it.
-- The MIN(id) subqueries read a derived table (materialised) so that MySQL lets the UPDATE
-- read the table it changes.
UPDATE transfer_requests SET status = 'rejected', decided_by = 'migration 6',
       decision = 'duplicate open request for the same client (closed by schema migration 6)'
 WHERE status = 'open'
   AND id NOT IN (SELECT keep.id FROM (SELECT MIN(id) AS id FROM transfer_requests WHERE status = 'open' GROUP BY org_id, client_code) keep);
-- PostgreSQL: ON transfer_requests (org_id, client_code) WHERE status = 'open'.
ALTER TABLE transfer_requests ADD COLUMN IF NOT EXISTS one_open TINYINT
    AS (CASE WHEN status = 'open' THEN 1 END) STORED INVISIBLE;
CREATE UNIQUE INDEX IF NOT EXISTS transfer_requests_one_open ON transfer_requests (org_id, client_code, one_open);

UPDATE disputes SET status = 'rejected', reviewer = 'migration 6',
       decision = 'duplicate open dispute of the same line (closed by schema migration 6)'
 WHERE status = 'open'
   AND id NOT IN (SELECT keep.id FROM (SELECT MIN(id) AS id FROM disputes WHERE status = 'open' GROUP BY org_id, run_id, manager, item) keep);
-- PostgreSQL: ON disputes (org_id, run_id, manager, item) WHERE status = 'open'.
ALTER TABLE disputes ADD COLUMN IF NOT EXISTS one_open TINYINT
    AS (CASE WHEN status = 'open' THEN 1 END) STORED INVISIBLE;
CREATE UNIQUE INDEX IF NOT EXISTS disputes_one_open ON disputes (org_id, run_id, manager, item, one_open);

-- PostgreSQL: ON adjustments (org_id, item) WHERE item LIKE '申诉 #%' (binary collation: the
-- LIKE is case- and accent-exact as in PostgreSQL).
ALTER TABLE adjustments ADD COLUMN IF NOT EXISTS one_per_dispute TINYINT
    AS (CASE WHEN item LIKE '申诉 #%' THEN 1 END) STORED INVISIBLE;
CREATE UNIQUE INDEX IF NOT EXISTS adjustments_one_per_dispute ON adjustments (org_id, item, one_per_dispute);
