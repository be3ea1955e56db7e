-- Signed-in sessions, one row per browser. The cookie holds a random secret; only a keyed
-- 32-byte hash of it is stored, so a copy of this table signs nobody in. `user_id` has no
-- foreign key: accounts may live in an application's own table (a mapped user directory).
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL,
    secret_hash BLOB NOT NULL,
    auth_epoch BIGINT NOT NULL,
    method TEXT NOT NULL,
    ip TEXT NULL,
    user_agent TEXT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    CONSTRAINT sessions_secret_hash_key UNIQUE (secret_hash)
);
CREATE INDEX sessions_user_idx ON sessions (user_id, last_seen_at);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
