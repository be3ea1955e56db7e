-- Revoking an account's earlier links when a new one is issued, and every link at a password
-- change, looks for that account's *live* tokens. The index over (user_id, purpose) walked an
-- account's whole history (thousands of used links for an account that asks often). MySQL
-- and MariaDB have no partial index: `consumed_at` right after `user_id` puts an account's
-- live tokens (NULL) in one range of their own, which `consumed_at IS NULL` finds with or
-- without a purpose, so issuing a link costs the same whatever the history. A previous
-- release still running during a rollout runs the same queries, which use this index.
ALTER TABLE tokens ADD INDEX tokens_live_idx (user_id, consumed_at, purpose), DROP INDEX tokens_user_purpose_idx;
