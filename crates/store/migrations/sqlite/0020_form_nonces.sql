-- Once-only form nonces (issue 15, several servers on one database): a form submitted twice is
-- refused by whichever server receives the second, so the used nonces live in the database.
-- used_at is a unix second; rows older than a day are deleted as new ones arrive.
CREATE TABLE form_nonces (
    nonce TEXT NOT NULL PRIMARY KEY,
    used_at INTEGER NOT NULL
);
CREATE INDEX form_nonces_by_time ON form_nonces (used_at);
