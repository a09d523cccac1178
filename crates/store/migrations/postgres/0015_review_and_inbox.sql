-- A settlement run's review (issue 14): a draft is submitted for review, approved by a
-- different user holding the right, then its period is locked on it. Who and when of each
-- step are kept on the run. Notices (the inbox) name their recipient by user, by customer
-- manager or by the right that acts on them (in the scope of the manager they are about); a
-- user marks a notice read for themself only.
ALTER TABLE settlement_runs ADD COLUMN submitted_by TEXT;
ALTER TABLE settlement_runs ADD COLUMN submitted_at TIMESTAMPTZ;
ALTER TABLE settlement_runs ADD COLUMN approved_by TEXT;
ALTER TABLE settlement_runs ADD COLUMN approved_at TIMESTAMPTZ;
CREATE TABLE notices (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    to_user TEXT,
    to_manager TEXT,
    to_action TEXT,
    about_manager TEXT,
    params TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX notices_by_org ON notices (org_id, id);
CREATE TABLE notice_reads (
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    username TEXT NOT NULL,
    read_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (notice_id, username)
);
