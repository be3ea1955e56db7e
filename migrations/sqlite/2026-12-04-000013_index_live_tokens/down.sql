CREATE INDEX tokens_user_purpose_idx ON tokens (user_id, purpose);
DROP INDEX tokens_live_idx;
