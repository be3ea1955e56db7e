-- Keys for the admin API (`lifeline api-keys create`). A key is `llk_<key_id>_<secret>`:
-- `key_id` is stored plainly to find the row, the secret only as a keyed 32-byte hash of the
-- whole key, so a copy of this table authenticates nobody. `scopes` is a comma-separated list
-- (read, write, recovery). A name is unique among live keys (a partial unique index).
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    key_id TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NULL,
    revoked_at TIMESTAMP NULL,
    CONSTRAINT api_keys_key_id_key UNIQUE (key_id)
);
CREATE UNIQUE INDEX api_keys_live_name_key ON api_keys (name) WHERE revoked_at IS NULL;
