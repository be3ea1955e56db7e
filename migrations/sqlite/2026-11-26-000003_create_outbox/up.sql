CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    job_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT NULL,
    lease_expires_at TIMESTAMP NULL,
    sent_at TIMESTAMP NULL,
    failed_at TIMESTAMP NULL,
    last_error TEXT NULL,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT outbox_job_key_key UNIQUE (job_key)
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, failed_at, next_attempt_at);
CREATE INDEX outbox_lease_owner_idx ON outbox (lease_owner);
