-- Revoking an account's earlier links when a new one is issued, and every link at a password
-- change, looks for that account's *live* tokens. The index over all of them walked an
-- account's whole history (thousands of used links for an account that asks often); this one
-- holds live tokens only, so issuing a link costs the same whatever the history. Every query
-- by account filters on `consumed_at IS NULL`, so the old index has no other use; a previous
-- release still running during a rollout runs the same queries, which use this index.
CREATE INDEX tokens_live_idx ON tokens (user_id, purpose) WHERE consumed_at IS NULL;
DROP INDEX tokens_user_purpose_idx;
