CREATE TABLE tokens_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    purpose TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash BLOB NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL,
    created_ip TEXT NULL,
    CONSTRAINT tokens_hash_key UNIQUE (hash)
);
INSERT INTO tokens_old (id, purpose, user_id, hash, expires_at, consumed_at, created_at, created_ip)
    SELECT id, purpose, user_id, hash, expires_at, consumed_at, created_at, created_ip FROM tokens
    WHERE user_id IN (SELECT id FROM users);
DROP TABLE tokens;
ALTER TABLE tokens_old RENAME TO tokens;
CREATE INDEX tokens_user_purpose_idx ON tokens (user_id, purpose);
CREATE INDEX tokens_expires_at_idx ON tokens (expires_at);
CREATE INDEX tokens_consumed_at_idx ON tokens (consumed_at);
