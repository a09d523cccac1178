-- Once-only form nonces (MySQL/MariaDB; issue 15, several servers on one database): a form
-- submitted twice is refused by whichever server receives the second, so the used nonces live
-- in the database. used_at is a unix second; rows older than a day are deleted as new ones arrive.
CREATE TABLE IF NOT EXISTS form_nonces (
    nonce VARCHAR(191) NOT NULL PRIMARY KEY,
    used_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS form_nonces_by_time ON form_nonces (used_at);
