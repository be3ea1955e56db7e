-- Keys for the admin API (`lifeline api-keys create`). A key is `llk_<key_id>_<secret>`:
-- `key_id` is stored plainly to find the row, the secret only as a keyed 32-byte hash of the
-- whole key, so a copy of this table authenticates nobody. `scopes` is a comma-separated list
-- (read, write, recovery). A name is unique among live keys: `live_name` is the name while the
-- key is not revoked and NULL after, and NULLs never collide in a unique index.
CREATE TABLE api_keys (
    id BIGINT NOT NULL AUTO_INCREMENT,
    name VARCHAR(64) NOT NULL,
    key_id VARCHAR(16) NOT NULL,
    secret_hash BINARY(32) NOT NULL,
    scopes VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    last_used_at DATETIME(6) NULL,
    revoked_at DATETIME(6) NULL,
    live_name VARCHAR(64) AS (IF(revoked_at IS NULL, name, NULL)) STORED,
    PRIMARY KEY (id),
    UNIQUE KEY api_keys_key_id_key (key_id),
    UNIQUE KEY api_keys_live_name_key (live_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
