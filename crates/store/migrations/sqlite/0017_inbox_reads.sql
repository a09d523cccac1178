-- Which notices of the inbox each user has read (issue 14, Deliver 5). A notice is the decided
-- row itself (a dispute, a transfer, a claim, a run); only the read marks are kept here.
CREATE TABLE inbox_reads (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    username TEXT NOT NULL,
    notice TEXT NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (org_id, username, notice)
);
CREATE INDEX disputes_by_raiser ON disputes (org_id, raised_by);
CREATE INDEX transfer_requests_by_requester ON transfer_requests (org_id, requested_by);
