-- At most one of each where the domain says so: one open transfer request per client, one open
-- dispute per line of a run, one adjustment per accepted dispute. Duplicates left by earlier
-- versions (which checked outside the transaction) are closed first, keeping the oldest.
UPDATE transfer_requests SET status = 'rejected', decided_by = 'migration 6',
       decision = 'duplicate open request for the same client (closed by schema migration 6)'
 WHERE status = 'open'
   AND id NOT IN (SELECT MIN(id) FROM transfer_requests WHERE status = 'open' GROUP BY org_id, client_code);
CREATE UNIQUE INDEX transfer_requests_one_open ON transfer_requests (org_id, client_code) WHERE status = 'open';

UPDATE disputes SET status = 'rejected', reviewer = 'migration 6',
       decision = 'duplicate open dispute of the same line (closed by schema migration 6)'
 WHERE status = 'open'
   AND id NOT IN (SELECT MIN(id) FROM disputes WHERE status = 'open' GROUP BY org_id, run_id, manager, item);
CREATE UNIQUE INDEX disputes_one_open ON disputes (org_id, run_id, manager, item) WHERE status = 'open';

CREATE UNIQUE INDEX adjustments_one_per_dispute ON adjustments (org_id, item) WHERE item LIKE '申诉 #%';
