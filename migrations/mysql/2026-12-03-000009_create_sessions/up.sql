-- Signed-in sessions, one row per browser. The cookie holds a random secret; only a keyed
-- 32-byte hash of it is stored, so a copy of this table signs nobody in. `user_id` has no
-- foreign key: accounts may live in an application's own table (a mapped user directory).
CREATE TABLE sessions (
    id BIGINT NOT NULL AUTO_INCREMENT,
    user_id BIGINT NOT NULL,
    secret_hash BINARY(32) NOT NULL,
    auth_epoch BIGINT NOT NULL,
    method VARCHAR(16) NOT NULL,
    ip VARCHAR(64) NULL,
    user_agent VARCHAR(512) NULL,
    created_at DATETIME(6) NOT NULL,
    last_seen_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY sessions_secret_hash_key (secret_hash),
    KEY sessions_user_idx (user_id, last_seen_at),
    KEY sessions_expires_at_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
