-- Single-use tokens. Only a keyed 32-byte hash of the secret is stored, never the token.
CREATE TABLE tokens (
    id BIGINT NOT NULL AUTO_INCREMENT,
    purpose VARCHAR(32) NOT NULL,
    user_id BIGINT NOT NULL,
    hash BINARY(32) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    consumed_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    created_ip VARCHAR(64) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY tokens_hash_key (hash),
    KEY tokens_user_purpose_idx (user_id, purpose),
    KEY tokens_expires_at_idx (expires_at),
    KEY tokens_consumed_at_idx (consumed_at),
    CONSTRAINT tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
