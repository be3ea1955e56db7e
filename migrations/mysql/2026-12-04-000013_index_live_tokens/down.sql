ALTER TABLE tokens ADD INDEX tokens_user_purpose_idx (user_id, purpose), DROP INDEX tokens_live_idx;
