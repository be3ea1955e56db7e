-- The durable mail queue. A job is due when sent_at and failed_at are NULL and
-- next_attempt_at has passed; a worker owns it while lease_expires_at is in the future.
-- job_key is random: it finds the row after an insert (no RETURNING in MySQL) and names the
-- job in Message-IDs without revealing how much mail the service sends.
CREATE TABLE outbox (
    id BIGINT NOT NULL AUTO_INCREMENT,
    job_key CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kind VARCHAR(64) NOT NULL,
    payload MEDIUMTEXT NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    lease_owner VARCHAR(128) NULL,
    lease_expires_at DATETIME(6) NULL,
    sent_at DATETIME(6) NULL,
    failed_at DATETIME(6) NULL,
    last_error TEXT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY outbox_job_key_key (job_key),
    KEY outbox_due_idx (sent_at, failed_at, next_attempt_at),
    KEY outbox_lease_owner_idx (lease_owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
