-- Tokens name accounts that may live outside Lifeline's `users` table (a user directory
-- mapped onto an application's own table), so `user_id` can no longer reference `users`.
-- SQLite cannot drop a constraint: the table is rebuilt.
CREATE TABLE tokens_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    purpose TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    hash BLOB NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL,
    created_ip TEXT NULL,
    CONSTRAINT tokens_hash_key UNIQUE (hash)
);
INSERT INTO tokens_new (id, purpose, user_id, hash, expires_at, consumed_at, created_at, created_ip)
    SELECT id, purpose, user_id, hash, expires_at, consumed_at, created_at, created_ip FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_user_purpose_idx ON tokens (user_id, purpose);
CREATE INDEX tokens_expires_at_idx ON tokens (expires_at);
CREATE INDEX tokens_consumed_at_idx ON tokens (consumed_at);
